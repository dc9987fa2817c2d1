import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const BIN = path.resolve(__dirname, '../../bin/fbt-sync.js');

describe('the installed fbt-sync command', () => {
  it('runs as an executable through its own line of node flags', async () => {
    // No `node` in front: the shebang (env -S node --max-semi-space-size=64) starts it.
    const { stdout } = await promisify(execFile)(BIN, ['--help'], { env: process.env });
    expect(stdout).toMatch(/^Usage: fbt-sync/);
    expect(stdout).toMatch(/\breplay\b/);
  });
});
