import type { Logger } from 'pino';
import type { Config } from '../config';
import { allProjections } from '../projections/allProjections';
import { verifyProjections } from '../projections/verify';
import { progressReporter } from './replayCommand';
import { withDatabase } from './withDatabase';

/** Exit 0 when every read model equals a rebuild from the log; 1 with a summary of the differing rows. */
export async function verifyCommand(config: Config, log: Logger): Promise<number> {
  return withDatabase(config, log, async ({ database, eventStore }) => {
    const progress = progressReporter('verify');
    const differences = await verifyProjections({
      db: database.db,
      url: database.url,
      eventStore,
      projections: allProjections,
      onProgress: (p) => progress.update(p),
    });
    progress.done();
    if (differences.length === 0) {
      process.stdout.write(
        `verify: every read model equals a rebuild from the log (${allProjections.map((p) => p.name).join(', ')})\n`,
      );
      return 0;
    }
    const lines = ['verify: the live read models differ from a rebuild from the log'];
    for (const d of differences) {
      lines.push(
        `  ${d.table}: ${d.onlyLive} row(s) only in the live table, ${d.onlyRebuilt} row(s) only in the rebuild`,
      );
      for (const sample of d.samples)
        lines.push(
          `    ${sample.side === 'live' ? 'live   ' : 'rebuilt'} ${JSON.stringify(sample.row)}`,
        );
    }
    lines.push('  run `fbt-sync replay` to rebuild them from the log');
    process.stdout.write(`${lines.join('\n')}\n`);
    return 1;
  });
}
