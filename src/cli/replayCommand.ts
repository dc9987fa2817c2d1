import { SingleBar } from 'cli-progress';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { allProjections, projectionNamed } from '../projections/allProjections';
import { type RebuildProgress, replayProjections } from '../projections/rebuild';
import { UsageError } from './usageError';
import { withDatabase } from './withDatabase';

/** A bar on a terminal, plain lines (every 2 s) otherwise; both on stderr. */
export function progressReporter(label: string): {
  update(p: RebuildProgress): void;
  done(): void;
} {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: `${label} [{bar}] {percentage}% | {value}/{total} events | {rate} events/s | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
    });
    let started = false;
    return {
      update(p) {
        if (!started) bar.start(p.total, 0, { rate: 0 });
        started = true;
        bar.setTotal(p.total);
        bar.update(p.events, { rate: Math.round(p.eventsPerSecond) });
      },
      done: () => started && bar.stop(),
    };
  }
  let last = 0;
  return {
    update(p) {
      if (Date.now() - last < 2000 && p.events < p.total) return;
      last = Date.now();
      process.stderr.write(
        `${label}: ${p.events}/${p.total} events, ${Math.round(p.eventsPerSecond)} events/s, ETA ${Math.ceil(p.etaSeconds)} s\n`,
      );
    },
    done: () => {},
  };
}

export async function replayCommand(
  config: Config,
  log: Logger,
  options: { projection?: string },
): Promise<void> {
  const projections =
    options.projection === undefined ? allProjections : [projectionNamed(options.projection)];
  if (projections.some((p) => p === undefined)) {
    throw new UsageError(
      `unknown projection ${options.projection}; known: ${allProjections.map((p) => p.name).join(', ')}`,
    );
  }
  await withDatabase(config, log, async ({ database, eventStore }) => {
    const progress = progressReporter('replay');
    const started = Date.now();
    const { checkpoint } = await replayProjections({
      db: database.db,
      url: database.url,
      eventStore,
      projections: projections.map((p) => p!),
      onProgress: (p) => progress.update(p),
    });
    progress.done();
    process.stderr.write(
      `replayed ${projections.map((p) => p!.name).join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s; swapped in at ${checkpoint}\n`,
    );
  });
}
