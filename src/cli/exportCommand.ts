import { once } from 'node:events';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { isCheckpoint, START } from '../eventstore/checkpoint';
import type { Checkpoint, RecordedEvent } from '../eventstore/types';
import { UsageError } from './usageError';
import { withDatabase } from './withDatabase';

const PAGE = 1000;

/** One event as one NDJSON line. */
export function eventLine(event: RecordedEvent): string {
  return `${JSON.stringify({
    globalPosition: event.globalPosition,
    checkpoint: event.checkpoint,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt.toISOString(),
  })}\n`;
}

async function write(out: NodeJS.WritableStream, chunk: string): Promise<void> {
  // Respect backpressure: a page at a time, never the whole log in memory.
  if (!out.write(chunk)) await once(out, 'drain');
}

/**
 * `fbt-sync export`: the log as NDJSON on stdout, in its gap-safe global
 * order, page by page. `--after` takes a global position (a decimal, from a
 * previous export's globalPosition) or a checkpoint; `--stream` one stream.
 */
export async function exportCommand(
  config: Config,
  log: Logger,
  options: { after?: string; stream?: string },
): Promise<void> {
  const out = process.stdout;
  out.on('error', (error: NodeJS.ErrnoException) => {
    // The reader went away (e.g. `| head`): stop quietly.
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  await withDatabase(config, log, async ({ eventStore }) => {
    if (options.stream !== undefined) {
      for (let from = 0; ; from += PAGE) {
        const { events } = await eventStore.readStream(options.stream, {
          fromVersion: from,
          maxCount: PAGE,
        });
        if (events.length > 0) await write(out, events.map(eventLine).join(''));
        if (events.length < PAGE) return;
      }
    }
    let after: Checkpoint = START;
    if (options.after !== undefined) {
      if (isCheckpoint(options.after)) after = options.after;
      else if (/^\d{1,19}$/.test(options.after)) {
        const found = await eventStore.checkpointAtPosition(options.after);
        if (found === null)
          throw new UsageError(`--after: no event at global position ${options.after}`);
        after = found;
      } else
        throw new UsageError(
          `--after takes a global position (a decimal) or a checkpoint, got ${JSON.stringify(options.after)}`,
        );
    }
    for (;;) {
      const page = await eventStore.readAll({ after, limit: PAGE });
      if (page.events.length > 0) await write(out, page.events.map(eventLine).join(''));
      after = page.checkpoint;
      if (!page.hasMore) return;
    }
  });
}
