import type { Logger } from 'pino';
import type { Config } from '../config';
import { startService } from '../main';

/** `serve` (what `npm start` runs): start everything, stop cleanly on SIGINT/SIGTERM. */
export async function serveCommand(config: Config, log: Logger): Promise<void> {
  const service = await startService(config, log);
  process.stdout.write(
    [
      `fbt-sync is listening on ${service.url}`,
      `  GraphQL API   POST ${service.url}/graphql`,
      `  health        GET  ${service.url}/healthz  ${service.url}/readyz`,
      `  metrics       GET  ${service.url}/metrics`,
      `  webhooks      POST ${service.url}/webhooks/tiktok-shop  (TikTok Shop order webhooks, signature-checked)`,
      `  database      ${service.parts.database.source}`,
      `  admin token   npm run -s cli -- token --admin   (send it as Authorization: Bearer <token>)`,
      '',
    ].join('\n'),
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
