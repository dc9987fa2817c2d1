import { useEffect, useState } from 'react';
import { useSigned } from '../App';
import { MODE_LABELS } from '../format';
import { STORES } from '../queries';
import { Link } from '../router';
import type { StoreSummary } from '../types';

interface StoresData {
  stores: { totalCount: number; edges: Array<{ node: StoreSummary }> };
}

export function StoresPage() {
  const { api } = useSigned();
  const [data, setData] = useState<StoresData | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.request<StoresData>(STORES).then(setData, (e: Error) => setError(e.message));
  }, [api]);

  if (error !== null) return <p role="alert">{error}</p>;
  if (data === null) return <p aria-busy="true">Loading stores…</p>;
  return (
    <>
      <h1>Stores ({data.stores.totalCount})</h1>
      <table>
        <thead>
          <tr>
            <th scope="col">Store</th>
            <th scope="col">Platform</th>
            <th scope="col">Plan</th>
            <th scope="col">FBT rule</th>
            <th scope="col">Blocked</th>
            <th scope="col">Failed</th>
            <th scope="col">Synced</th>
          </tr>
        </thead>
        <tbody>
          {data.stores.edges.map(({ node: s }) => (
            <tr key={s.id}>
              <td>
                <Link to={`/stores/${s.id}/orders`}>{s.name}</Link>
              </td>
              <td>{s.platform}</td>
              <td>{s.plan}</td>
              <td>{MODE_LABELS[s.fbtSyncRules.mode]}</td>
              <td>{s.orderCounts.blocked}</td>
              <td>{s.orderCounts.failed}</td>
              <td>{s.orderCounts.synced}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
