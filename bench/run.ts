import 'reflect-metadata';
import path from 'node:path';
import { adminBench } from './admin';
import { credentialsBench } from './credentials';
import { endToEndBench } from './endToEnd';
import { eventStoreBench } from './eventStore';
import { graphqlBench } from './graphql';
import { orderQueriesBench } from './orderQueries';
import { projectionsBench } from './projections';
import { reconcileBench } from './reconcile';
import { syncBench } from './sync';
import { openBenchServer, type BenchServer } from './support/benchDatabase';
import { describeEnvironment, formatRow, type Section, writeReport } from './support/report';

type Bench = (server: BenchServer, quick: boolean) => Promise<Section>;

/** Every benchmark, in the order `npm run bench` runs them. */
const benches: Record<string, Bench> = {
  'event-store': eventStoreBench,
  projections: projectionsBench,
  'order-queries': orderQueriesBench,
  sync: syncBench,
  reconcile: reconcileBench,
  credentials: credentialsBench,
  graphql: graphqlBench,
  'end-to-end': endToEndBench,
  admin: adminBench,
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const names = args.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !(n in benches));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}\n`,
    );
    process.exit(2);
  }
  const selected = names.length > 0 ? names : Object.keys(benches);
  // npm test runs a quick run beside the suite's other files: small pools keep
  // it within the test fleet's connection budget (test/support/database.ts).
  const server = await openBenchServer({ poolSizeAtMost: quick ? 8 : undefined });
  const sections: Section[] = [];
  try {
    for (const name of selected) {
      process.stdout.write(`\n${name}${quick ? ' (quick)' : ''}\n`);
      const section = await benches[name]!(server, quick);
      for (const row of section.rows) process.stdout.write(`${formatRow(row)}\n`);
      sections.push(section);
    }
  } finally {
    await server.dropAll();
  }
  const environment = describeEnvironment(server.postgresVersion, server.label);
  // A partial or quick run does not overwrite the full report.
  const dir = process.env.BENCH_RESULTS_DIR ?? path.resolve(__dirname, '../../bench/results');
  writeReport(names.length > 0 || quick ? path.join(dir, 'partial') : dir, environment, sections);
  process.stdout.write(
    `\nwritten to ${path.relative(process.cwd(), dir) || '.'}${names.length > 0 || quick ? '/partial' : ''}/latest.md\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
