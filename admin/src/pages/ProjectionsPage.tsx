import { useEffect, useState } from 'react';
import { useSigned } from '../App';
import { PROJECTIONS } from '../queries';

interface ProjectionsData {
  projections: Array<{ name: string; position: string; lag: number }>;
}

/** The read models and how far behind the log each is; refreshed every 2 s. */
export function ProjectionsPage() {
  const { api } = useSigned();
  const [data, setData] = useState<ProjectionsData | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      api.request<ProjectionsData>(PROJECTIONS).then(
        (d) => live && (setData(d), setError(null)),
        (e: Error) => live && setError(e.message),
      );
    void load();
    const timer = setInterval(() => void load(), 2000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api]);

  return (
    <>
      <h1>Projections</h1>
      {error !== null && <p role="alert">{error}</p>}
      {data === null ? (
        <p aria-busy="true">Loading…</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Read model</th>
              <th scope="col">Position</th>
              <th scope="col">Lag (events)</th>
            </tr>
          </thead>
          <tbody>
            {data.projections.map((p) => (
              <tr key={p.name}>
                <td>{p.name}</td>
                <td className="num">{p.position}</td>
                <td className={p.lag > 0 ? 'num lagging' : 'num'}>{p.lag}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="help">
        Refreshed every 2 seconds. Lag is the events in the log after a projection's position.
      </p>
    </>
  );
}
