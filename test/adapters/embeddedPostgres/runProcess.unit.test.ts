import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { runProcess, tellingLine } from '../../../src/adapters/runProcess';

describe('runProcess', () => {
  it('rejects, never crashes, when the program cannot be spawned', async () => {
    // The unhandled 'error' event of a spawn that fails (EACCES, ENOENT) used to end the process.
    const folder = mkdtempSync(path.join(tmpdir(), 'fbt-sync-run-'));
    const notExecutable = path.join(folder, 'initdb');
    writeFileSync(notExecutable, '#!/bin/sh\n');
    chmodSync(notExecutable, 0o644);
    try {
      await expect(runProcess(notExecutable, [])).rejects.toThrow(/could not run .*initdb.*EACCES/);
      await expect(runProcess(path.join(folder, 'missing'), [])).rejects.toThrow(/ENOENT/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('rejects with the line of the output that says why', async () => {
    const script =
      'echo "The files belonging to this database system..."; echo "initdb: error: it broke" >&2; echo "bye"; exit 3';
    await expect(runProcess('/bin/sh', ['-c', script])).rejects.toThrow(
      'sh failed (exit 3): initdb: error: it broke',
    );
    await expect(runProcess('/bin/sh', ['-c', 'echo hello'])).resolves.toBe('hello\n');
  });

  it('tells the last line naming an error, else the last line', () => {
    expect(tellingLine('a\nFATAL:  no\nb\n')).toBe('FATAL:  no');
    expect(tellingLine('a\n  last one  \n\n')).toBe('last one');
    expect(tellingLine('')).toBeUndefined();
  });
});
