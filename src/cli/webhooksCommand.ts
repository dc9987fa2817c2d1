import type { Logger } from 'pino';
import {
  listFailedWebhooks,
  requeueFailedWebhooks,
} from '../adapters/tiktok/webhookInboxMaintenance';
import type { Config } from '../config';
import { withDatabase } from './withDatabase';

/**
 * `fbt-sync webhooks failed`: the TikTok webhooks we accepted and could not
 * apply, one JSON object per line on stdout, oldest first; the count on stderr.
 */
export async function failedWebhooksCommand(config: Config, log: Logger): Promise<void> {
  await withDatabase(config, log, async ({ database }) => {
    const failed = await listFailedWebhooks(database.db);
    for (const row of failed) process.stdout.write(`${JSON.stringify(row)}\n`);
    process.stderr.write(`${failed.length} failed webhook(s)\n`);
  });
}

/**
 * `fbt-sync webhooks requeue [ID...]`: queues failed webhooks again (all, or
 * those named) with a fresh attempt budget; a running `serve` applies them.
 * Exit 1 when a named one was not failed (unknown, pending or done): it is
 * left as it is and named on stderr.
 */
export async function requeueWebhooksCommand(
  config: Config,
  log: Logger,
  notificationIds: readonly string[],
): Promise<number> {
  return withDatabase(config, log, async ({ database }) => {
    const named = notificationIds.length > 0 ? [...new Set(notificationIds)] : undefined;
    const requeued = await requeueFailedWebhooks(database.db, named);
    for (const id of requeued) process.stdout.write(`${id}\n`);
    process.stderr.write(`requeued ${requeued.length} failed webhook(s)\n`);
    const left = named?.filter((id) => !requeued.includes(id)) ?? [];
    if (left.length === 0) return 0;
    process.stderr.write(`not failed, left as they are: ${left.join(', ')}\n`);
    return 1;
  });
}
