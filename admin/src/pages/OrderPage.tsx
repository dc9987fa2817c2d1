import { useCallback, useEffect, useState } from 'react';
import { useSigned } from '../App';
import type { UserError } from '../api';
import { formatMoney, formatTime, MODE_LABELS } from '../format';
import { ORDER, ORDER_CHANGED, RETRY } from '../queries';
import { Link } from '../router';
import type { OrderDetail, OrderSummary } from '../types';
import { StatusBadge } from './StatusBadge';
import { describeEvent } from './timeline';

/** One order: where it stands, and its timeline from `history`; retry when it FAILED. */
export function OrderPage({ orderId }: { orderId: string }) {
  const { api } = useSigned();
  const [order, setOrder] = useState<OrderDetail | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [retry, setRetry] = useState<{ busy: boolean; errors: UserError[]; done: boolean }>({
    busy: false,
    errors: [],
    done: false,
  });

  const load = useCallback(async () => {
    try {
      setOrder((await api.request<{ order: OrderDetail | null }>(ORDER, { id: orderId })).order);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [api, orderId]);
  useEffect(() => void load(), [load]);

  const storeId = order?.store.id;
  useEffect(() => {
    if (storeId === undefined) return;
    return api.subscribe<{ orderChanged: OrderSummary }>(ORDER_CHANGED, { storeId }, (d) => {
      if (d.orderChanged.id === orderId) void load();
    });
  }, [api, storeId, orderId, load]);

  const onRetry = async () => {
    setRetry({ busy: true, errors: [], done: false });
    try {
      const { retryOrderSync } = await api.request<{
        retryOrderSync: { userErrors: UserError[] };
      }>(RETRY, { orderId });
      setRetry({
        busy: false,
        errors: retryOrderSync.userErrors,
        done: retryOrderSync.userErrors.length === 0,
      });
      await load();
    } catch (e) {
      setRetry({
        busy: false,
        errors: [{ field: null, message: (e as Error).message, code: '' }],
        done: false,
      });
    }
  };

  if (error !== null) return <p role="alert">{error}</p>;
  if (order === undefined) return <p aria-busy="true">Loading order…</p>;
  if (order === null) return <p role="alert">No order {orderId}, or this token may not see it.</p>;

  return (
    <>
      <p className="crumbs">
        <Link to={`/stores/${order.store.id}/orders`}>← Orders of {order.store.name}</Link>
      </p>
      <h1>
        TikTok order {order.tiktokOrderId} <StatusBadge status={order.syncStatus} />
      </h1>
      {order.syncStatus === 'BLOCKED' && order.blockedReason && (
        <p className="callout blocked">
          <strong>Why blocked:</strong> {order.blockedReason}
        </p>
      )}
      {order.syncStatus === 'FAILED' && (
        <div className="callout failed">
          <p>
            <strong>Why it failed:</strong> {order.failureReason}
          </p>
          <button type="button" onClick={() => void onRetry()} disabled={retry.busy}>
            {retry.busy ? 'Queuing…' : 'Retry sync'}
          </button>
        </div>
      )}
      {retry.done && <p role="status">Queued for another sync attempt.</p>}
      {retry.errors.map((e, i) => (
        <p key={i} role="alert" className="error">
          {e.message}
        </p>
      ))}
      <dl className="facts">
        <dt>Fulfilled by</dt>
        <dd>{order.isFbt ? 'TikTok (FBT)' : 'Seller'}</dd>
        <dt>TikTok status</dt>
        <dd>{order.tiktokStatus}</dd>
        <dt>FBT rule applied</dt>
        <dd>{order.appliedFbtSyncMode ? MODE_LABELS[order.appliedFbtSyncMode] : '—'}</dd>
        <dt>Platform order</dt>
        <dd>
          {order.platformOrderId
            ? `${order.platformOrderId} (${order.platformOrderStatus ?? ''})`
            : '—'}
        </dd>
        <dt>Inventory deducted from</dt>
        <dd>{order.inventoryDeductedFrom ?? '—'}</dd>
        <dt>Tags</dt>
        <dd>{order.tags.length ? order.tags.join(', ') : '—'}</dd>
        <dt>Sync attempts</dt>
        <dd>{order.syncAttempts}</dd>
        <dt>Placed</dt>
        <dd>{formatTime(order.placedAt)}</dd>
        <dt>Synced</dt>
        <dd>{formatTime(order.syncedAt)}</dd>
        <dt>Total</dt>
        <dd>{formatMoney(order.totalAmount, order.currency)}</dd>
      </dl>
      <h2>Line items</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">SKU</th>
            <th scope="col">Title</th>
            <th scope="col" className="num">
              Quantity
            </th>
            <th scope="col" className="num">
              Unit price
            </th>
          </tr>
        </thead>
        <tbody>
          {order.lineItems.map((item) => (
            <tr key={item.sku}>
              <td>{item.sku}</td>
              <td>{item.title ?? ''}</td>
              <td className="num">{item.quantity}</td>
              <td className="num">{item.unitPrice}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Timeline</h2>
      <ol className="timeline">
        {order.history.map((event) => {
          const { title, text } = describeEvent(event);
          const actor = typeof event.metadata.actor === 'string' ? event.metadata.actor : null;
          return (
            <li key={event.globalPosition} data-event={event.type}>
              <time dateTime={event.recordedAt}>{formatTime(event.recordedAt, true)}</time>
              <strong>{title}</strong>
              <span>{text}</span>
              {actor && <span className="actor">by {actor}</span>}
            </li>
          );
        })}
      </ol>
    </>
  );
}
