import { setTimeout as delay } from 'node:timers/promises';
/** Latency percentiles and throughput from per-operation timings. */
export interface Measurement {
  operations: number;
  /** Operations per second over the wall-clock time of the run. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  seconds: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export function measurement(
  latenciesMs: number[],
  seconds: number,
  unitsPerOperation = 1,
): Measurement {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    operations: latenciesMs.length,
    perSecond: (latenciesMs.length * unitsPerOperation) / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    seconds,
  };
}

/**
 * Runs `operation` from `concurrency` workers until `total` operations are done,
 * timing each; returns the latencies and the wall-clock seconds.
 */
export async function runConcurrently(
  concurrency: number,
  total: number,
  operation: (index: number, worker: number) => Promise<void>,
): Promise<{ latenciesMs: number[]; seconds: number }> {
  const latenciesMs: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let index = next++; index < total; index = next++) {
        const t0 = process.hrtime.bigint();
        await operation(index, worker);
        latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  return { latenciesMs, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/**
 * Starts `operation(i)` for i < total at a steady rate (not waiting for each),
 * waits for them all, and returns the seconds it took.
 */
export async function atRate(
  perSecond: number,
  total: number,
  operation: (index: number) => Promise<void>,
): Promise<number> {
  const started = performance.now();
  const running: Promise<void>[] = [];
  for (let index = 0; index < total; index++) {
    const wait = started + (index * 1000) / perSecond - performance.now();
    if (wait > 0) await delay(wait);
    running.push(operation(index));
  }
  await Promise.all(running);
  return (performance.now() - started) / 1000;
}
