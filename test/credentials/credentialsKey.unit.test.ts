import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../src/config';
import { resolveCredentialsKey } from '../../src/credentials/credentialsKey';
import { parseCredentialsKey } from '../../src/credentials/credentialsKeyText';

const tempDataDir = () => mkdtempSync(path.join(tmpdir(), 'fbt-credentials-key-'));

describe('the credentials key', () => {
  it('is generated once under the data folder (0600) and read back by every later process', () => {
    const dataDir = tempDataDir();
    const first = resolveCredentialsKey({ credentialsKey: undefined, dataDir });
    expect(first).toHaveLength(32);
    const file = path.join(dataDir, 'credentials-key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveCredentialsKey({ credentialsKey: undefined, dataDir }).equals(first)).toBe(true);
    expect(parseCredentialsKey(readFileSync(file, 'utf8'))?.equals(first)).toBe(true);
  });

  it('takes CREDENTIALS_KEY in hex or base64 over the file', () => {
    const bytes = randomBytes(32);
    for (const text of [
      bytes.toString('hex'),
      bytes.toString('base64'),
      bytes.toString('base64url'),
    ]) {
      expect(
        resolveCredentialsKey({ credentialsKey: text, dataDir: tempDataDir() }).equals(bytes),
      ).toBe(true);
    }
  });

  it('refuses a key that is not 32 bytes, naming CREDENTIALS_KEY, in the environment or in the file', () => {
    for (const text of [
      'short',
      randomBytes(16).toString('hex'),
      randomBytes(31).toString('base64'),
    ]) {
      expect(() => loadConfig({ CREDENTIALS_KEY: text })).toThrow(ConfigError);
      expect(() => loadConfig({ CREDENTIALS_KEY: text })).toThrow(
        /^CREDENTIALS_KEY: must be 32 random bytes/,
      );
    }
    const dataDir = tempDataDir();
    writeFileSync(path.join(dataDir, 'credentials-key'), 'not a key\n');
    expect(() => resolveCredentialsKey({ credentialsKey: undefined, dataDir })).toThrow(
      /^CREDENTIALS_KEY: unset, and .*credentials-key holds no usable credentials key/,
    );
  });
});
