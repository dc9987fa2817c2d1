import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useSigned } from '../App';
import { formatMoney, formatTime, STATUS_LABELS } from '../format';
import { ORDER_CHANGED, ORDER_COUNTS, STORE_ORDERS } from '../queries';
import { Link, navigate } from '../router';
import type { OrderCounts, OrderSummary, SyncStatus } from '../types';
import { StatusBadge } from './StatusBadge';

const PAGE_SIZE = 25;
const STATUSES: SyncStatus[] = ['PENDING', 'BLOCKED', 'SYNCED', 'FAILED', 'CANCELLED'];

interface OrdersData {
  store: {
    id: string;
    name: string;
    platform: string;
    plan: string;
    fbtSyncRules: { mode: string };
    orderCounts: OrderCounts;
    orders: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: Array<{ cursor: string; node: OrderSummary }>;
    };
  } | null;
}

interface Filters {
  status: SyncStatus | null;
  type: 'FBT' | 'SELLER' | null;
  q: string;
}

function filtersOf(query: URLSearchParams): Filters {
  const status = query.get('status');
  const type = query.get('type');
  return {
    status: STATUSES.includes(status as SyncStatus) ? (status as SyncStatus) : null,
    type: type === 'FBT' || type === 'SELLER' ? type : null,
    q: query.get('q') ?? '',
  };
}

function hrefOf(storeId: string, f: Filters): string {
  const params = new URLSearchParams();
  if (f.status) params.set('status', f.status);
  if (f.type) params.set('type', f.type);
  if (f.q) params.set('q', f.q);
  const qs = params.toString();
  return `/stores/${storeId}/orders${qs ? `?${qs}` : ''}`;
}

const countOf = (counts: OrderCounts, status: SyncStatus) =>
  counts[status.toLowerCase() as keyof OrderCounts];

/** The Orders view: counts per status, filters, cursor paging, and live changes. */
export function OrdersPage({ storeId, query }: { storeId: string; query: URLSearchParams }) {
  const { api } = useSigned();
  const filters = filtersOf(query);
  const filterKey = JSON.stringify(filters);
  /** The `after` cursor of each page shown so far ([null] is page 1), for these filters only. */
  const [paging, setPaging] = useState<{ key: string; cursors: Array<string | null> }>({
    key: filterKey,
    cursors: [null],
  });
  const cursors = paging.key === filterKey ? paging.cursors : [null];
  const setCursors = (next: (c: Array<string | null>) => Array<string | null>) =>
    setPaging({ key: filterKey, cursors: next(cursors) });
  const [data, setData] = useState<OrdersData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState(filters.q);
  const after = cursors[cursors.length - 1] ?? null;
  /** Answers are shown only for the latest request: a slow earlier page never replaces a later one. */
  const latest = useRef(0);

  useEffect(() => setSearch(filters.q), [filters.q]);

  const load = useCallback(async () => {
    const filter: Record<string, unknown> = {};
    if (filters.status) filter.syncStatus = [filters.status];
    if (filters.type)
      filter.fulfillmentType =
        filters.type === 'FBT' ? 'FULFILLED_BY_TIKTOK' : 'FULFILLED_BY_SELLER';
    if (filters.q) filter.tiktokOrderId = filters.q;
    const ticket = ++latest.current;
    try {
      const answer = await api.request<OrdersData>(STORE_ORDERS, {
        storeId,
        first: PAGE_SIZE,
        after,
        filter,
      });
      if (ticket !== latest.current) return;
      setData(answer);
      setError(null);
    } catch (e) {
      if (ticket === latest.current) setError((e as Error).message);
    }
  }, [api, storeId, filterKey, after]);

  useEffect(() => void load(), [load]);

  // Live: a changed order replaces its row at once; counts (and page 1) are read again, at most every 300 ms.
  const reload = useRef<{
    load: () => Promise<void>;
    onFirstPage: boolean;
    shownIds: Set<string>;
  }>({ load, onFirstPage: true, shownIds: new Set() });
  reload.current = {
    load,
    onFirstPage: cursors.length === 1,
    shownIds: new Set(data?.store?.orders.edges.map((e) => e.node.id)),
  };
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let wholePage = false;
    const later = (page: boolean) => {
      wholePage ||= page;
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (wholePage && reload.current.onFirstPage) void reload.current.load();
        else
          void api
            .request<{ store: { orderCounts: OrderCounts } | null }>(ORDER_COUNTS, { storeId })
            .then((d) => {
              const counts = d.store?.orderCounts;
              if (counts)
                setData((old) =>
                  old?.store ? { store: { ...old.store, orderCounts: counts } } : old,
                );
            });
        wholePage = false;
      }, 300);
    };
    const stop = api.subscribe<{ orderChanged: OrderSummary }>(
      ORDER_CHANGED,
      { storeId },
      ({ orderChanged: changed }) => {
        const shown = reload.current.shownIds.has(changed.id);
        if (shown)
          setData((old) => {
            if (!old?.store) return old;
            const edges = old.store.orders.edges.map((edge) =>
              edge.node.id === changed.id && edge.node.version <= changed.version
                ? { ...edge, node: changed }
                : edge,
            );
            return { store: { ...old.store, orders: { ...old.store.orders, edges } } };
          });
        later(!shown);
      },
    );
    return () => {
      stop();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [api, storeId]);

  const go = (f: Partial<Filters>) => navigate(hrefOf(storeId, { ...filters, ...f }));
  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    go({ q: search.trim() });
  };

  if (error !== null && data === null) return <p role="alert">{error}</p>;
  if (data === null) return <p aria-busy="true">Loading orders…</p>;
  if (data.store === null)
    return <p role="alert">No store {storeId}, or this token may not see it.</p>;
  const { store } = data;
  const total = STATUSES.reduce((sum, s) => sum + countOf(store.orderCounts, s), 0);

  return (
    <>
      <h1>
        Orders <span className="sub">· {store.name}</span>
      </h1>
      <div className="counts" role="group" aria-label="Orders by sync status">
        <button
          type="button"
          aria-pressed={filters.status === null}
          onClick={() => go({ status: null })}
        >
          All <strong data-count="ALL">{total}</strong>
        </button>
        {STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            className={`count-${s.toLowerCase()}`}
            aria-pressed={filters.status === s}
            onClick={() => go({ status: s })}
          >
            {STATUS_LABELS[s]} <strong data-count={s}>{countOf(store.orderCounts, s)}</strong>
          </button>
        ))}
      </div>
      <div className="filters">
        <label>
          Fulfilled by{' '}
          <select
            value={filters.type ?? ''}
            onChange={(e) => go({ type: (e.target.value || null) as Filters['type'] })}
          >
            <option value="">TikTok or seller</option>
            <option value="FBT">TikTok (FBT)</option>
            <option value="SELLER">Seller</option>
          </select>
        </label>
        <form role="search" onSubmit={onSearch}>
          <label htmlFor="search">TikTok order id</label>
          <input
            id="search"
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="e.g. 5764614130387857"
          />
          <button type="submit">Search</button>
          {filters.q && (
            <button type="button" className="link" onClick={() => go({ q: '' })}>
              Clear
            </button>
          )}
        </form>
      </div>
      {error !== null && <p role="alert">{error}</p>}
      <table className="orders">
        <caption>
          {store.orders.totalCount} order{store.orders.totalCount === 1 ? '' : 's'}
          {filters.status || filters.type || filters.q ? ' matching the filters' : ''}, newest first
        </caption>
        <thead>
          <tr>
            <th scope="col">TikTok order</th>
            <th scope="col">Fulfilled by</th>
            <th scope="col">TikTok status</th>
            <th scope="col">Sync</th>
            <th scope="col">Why</th>
            <th scope="col">Placed</th>
            <th scope="col" className="num">
              Total
            </th>
          </tr>
        </thead>
        <tbody>
          {store.orders.edges.map(({ node: o }) => (
            <tr key={o.id} data-order={o.tiktokOrderId}>
              <td>
                <Link to={`/orders/${o.id}`}>{o.tiktokOrderId}</Link>
              </td>
              <td>{o.isFbt ? 'FBT' : 'Seller'}</td>
              <td>{o.tiktokStatus}</td>
              <td>
                <StatusBadge status={o.syncStatus} />
              </td>
              <td className="reason">{o.blockedReason ?? o.failureReason ?? ''}</td>
              <td>{formatTime(o.placedAt)}</td>
              <td className="num">{formatMoney(o.totalAmount, o.currency)}</td>
            </tr>
          ))}
          {store.orders.edges.length === 0 && (
            <tr>
              <td colSpan={7} className="empty">
                No orders match.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <nav className="pager" aria-label="Pages">
        <button
          type="button"
          disabled={cursors.length === 1}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          ← Newer
        </button>
        <span>Page {cursors.length}</span>
        <button
          type="button"
          disabled={!store.orders.pageInfo.hasNextPage}
          onClick={() => setCursors((c) => [...c, store.orders.pageInfo.endCursor])}
        >
          Older →
        </button>
      </nav>
    </>
  );
}
