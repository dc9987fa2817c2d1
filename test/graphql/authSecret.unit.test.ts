import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { resolveAuthSecret } from '../../src/auth/authSecret';
import { ConfigError } from '../../src/config';
import { tempDataDir } from '../support/cli';

describe('resolveAuthSecret', () => {
  it('is AUTH_SECRET when set, and then writes nothing', () => {
    const dataDir = tempDataDir();
    const authSecret = 'configured-secret-0123456789abcdefghij';
    expect(resolveAuthSecret({ authSecret, dataDir })).toBe(authSecret);
    expect(() => statSync(path.join(dataDir, 'auth-secret'))).toThrow();
  });

  it('generates a random secret once, keeps it readable by the owner only, and reuses it', () => {
    const dataDir = path.join(tempDataDir(), 'not-yet-there');
    const secret = resolveAuthSecret({ authSecret: undefined, dataDir });
    expect(secret).toMatch(/^[\w-]{43}$/);
    const file = path.join(dataDir, 'auth-secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(`${secret}\n`);
    expect(resolveAuthSecret({ authSecret: undefined, dataDir })).toBe(secret);
    expect(resolveAuthSecret({ authSecret: undefined, dataDir: tempDataDir() })).not.toBe(secret);
  });

  it('refuses a kept secret too short to sign with, naming AUTH_SECRET and the file', () => {
    const dataDir = tempDataDir();
    writeFileSync(path.join(dataDir, 'auth-secret'), 'short\n');
    expect(() => resolveAuthSecret({ authSecret: undefined, dataDir })).toThrow(ConfigError);
    expect(() => resolveAuthSecret({ authSecret: undefined, dataDir })).toThrow(
      /^AUTH_SECRET: unset, and .*auth-secret holds no usable token secret \(at least 32 characters\)/,
    );
  });

  it('refuses a DATA_DIR that is not a folder, naming DATA_DIR', () => {
    const file = path.join(tempDataDir(), 'a-file');
    writeFileSync(file, '');
    for (const dataDir of [file, path.join(file, 'below')]) {
      expect(() => resolveAuthSecret({ authSecret: undefined, dataDir })).toThrow(
        new ConfigError('DATA_DIR', `${dataDir} is not a folder`),
      );
    }
  });
});
