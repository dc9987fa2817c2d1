import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** One line of a benchmark's table: a figure beside its same-run baseline. */
export interface Row {
  case: string;
  /** e.g. "events/s", "ms". */
  unit: string;
  value: number;
  p50Ms?: number;
  p99Ms?: number;
  baseline?: { name: string; value: number; p50Ms?: number; p99Ms?: number };
  /** value / baseline.value (for a latency, baseline.value / value, so above 1 is better). */
  ratio?: number;
  /** What the issue asks for, e.g. ">= 0.8x baseline"; the report says whether it holds. */
  target?: string;
  met?: boolean;
  note?: string;
}

export interface Section {
  name: string;
  description: string;
  rows: Row[];
}

export interface Environment {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  database: string;
  date: string;
}

export function describeEnvironment(postgres: string, database: string): Environment {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres,
    database,
    date: new Date().toISOString(),
  };
}

const number = (n: number) =>
  n >= 100 ? Math.round(n).toLocaleString('en-US') : n >= 10 ? n.toFixed(1) : n.toFixed(2);

export function formatRow(row: Row): string {
  const latency =
    row.p50Ms !== undefined ? ` p50 ${number(row.p50Ms)} ms, p99 ${number(row.p99Ms ?? 0)} ms` : '';
  const base = row.baseline
    ? ` | baseline ${row.baseline.name}: ${number(row.baseline.value)} ${row.unit}` +
      (row.baseline.p50Ms !== undefined
        ? ` (p50 ${number(row.baseline.p50Ms)}, p99 ${number(row.baseline.p99Ms ?? 0)} ms)`
        : '') +
      ` | ratio ${row.ratio?.toFixed(2)}x`
    : '';
  const target = row.target ? ` | target ${row.target}: ${row.met ? 'met' : 'NOT met'}` : '';
  return `  ${row.case}: ${number(row.value)} ${row.unit}${latency}${base}${target}${row.note ? ` (${row.note})` : ''}`;
}

function markdownTable(section: Section): string {
  const lines = [
    `## ${section.name}`,
    '',
    section.description,
    '',
    '| case | figure | p50 / p99 ms | baseline | baseline figure | ratio | target |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const row of section.rows) {
    lines.push(
      `| ${row.case} | ${number(row.value)} ${row.unit} | ${row.p50Ms !== undefined ? `${number(row.p50Ms)} / ${number(row.p99Ms ?? 0)}` : ''} | ${row.baseline?.name ?? ''} | ${row.baseline ? `${number(row.baseline.value)} ${row.unit}` : ''} | ${row.ratio !== undefined ? `${row.ratio.toFixed(2)}x` : ''} | ${row.target ? `${row.target}: ${row.met ? 'met' : '**not met**'}` : ''} |`,
    );
  }
  return lines.join('\n');
}

export function writeReport(dir: string, environment: Environment, sections: Section[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'latest.json'),
    JSON.stringify({ environment, sections }, null, 2) + '\n',
  );
  const header = [
    '# fbt-sync benchmark results',
    '',
    `Run ${environment.date} on ${environment.cpus} CPUs (${environment.cpuModel}), ${environment.memoryGiB} GiB,`,
    `Node.js ${environment.node}, ${environment.postgres} (${environment.database}).`,
    'Every figure stands beside a baseline measured in the same run; the ratio is figure / baseline',
    '(for latencies, baseline / figure), so above 1.00x is better than the baseline.',
  ].join('\n');
  writeFileSync(
    path.join(dir, 'latest.md'),
    [header, ...sections.map(markdownTable)].join('\n\n') + '\n',
  );
}
