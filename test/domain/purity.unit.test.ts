import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from '@jest/globals';

const domainDir = path.resolve(__dirname, '../../src/domain');

it('src/domain imports nothing outside src/domain, and reads no clock, randomness or environment', () => {
  const offences: string[] = [];
  for (const file of readdirSync(domainDir, { recursive: true }) as string[]) {
    if (!file.endsWith('.ts')) continue;
    const source = readFileSync(path.join(domainDir, file), 'utf8');
    for (const [, specifier] of source.matchAll(
      /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g,
    )) {
      if (!/^\.\/[^/]+$/.test(specifier!)) offences.push(`${file} imports ${specifier}`);
    }
    for (const [call] of source.matchAll(
      /\brequire\(|\bimport\(|\bnew Date\b|\bDate\.now\b|\bMath\.random\b|\bprocess\.|\bcrypto\./g,
    )) {
      offences.push(`${file} uses ${call}`);
    }
  }
  expect(offences).toEqual([]);
});
