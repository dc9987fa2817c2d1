import { expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Environment, Section } from '../../bench/support/report';
import { createTestDatabase } from '../support/database';

/**
 * The short version of `npm run bench` that CI runs: the compiled runner,
 * quick, on the test server. It asserts what the report holds (every figure
 * measured, beside its same-run baseline), never how fast anything was.
 */
const RUNNER = path.resolve(__dirname, '../../dist/bench/run.js');

function run(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUNNER, ...args], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

it('npm run bench -- --quick writes a report: every figure beside its baseline and ratio', async () => {
  // A database of the test server only to learn its URL: the runner makes and drops its own.
  const database = await createTestDatabase(1);
  const results = mkdtempSync(path.join(tmpdir(), 'fbt-sync-bench-'));
  try {
    const { code, output } = await run(['event-store', 'sync', '--quick'], {
      DATABASE_URL: database.url,
      BENCH_RESULTS_DIR: results,
    });
    expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });

    const report = JSON.parse(readFileSync(path.join(results, 'partial/latest.json'), 'utf8')) as {
      environment: Environment;
      sections: Section[];
    };
    expect(report.environment.cpus).toBeGreaterThan(0);
    expect(report.environment.postgres).toMatch(/^PostgreSQL \d+/);
    expect(report.sections.map((s) => s.name)).toEqual(['event-store', 'sync']);
    for (const section of report.sections) {
      expect(section.rows.length).toBeGreaterThan(0);
      for (const row of section.rows) {
        expect({ row: row.case, positive: Number.isFinite(row.value) && row.value > 0 }).toEqual({
          row: row.case,
          positive: true,
        });
        if (row.baseline) {
          expect(row.baseline.value).toBeGreaterThan(0);
          expect(row.ratio).toBeGreaterThan(0);
        }
      }
    }
    const markdown = readFileSync(path.join(results, 'partial/latest.md'), 'utf8');
    expect(markdown).toContain('## event-store');
    expect(markdown).toContain('| case | figure |');
  } finally {
    await database.drop();
  }
}, 300_000);
