import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/*
 * The map in docs/architecture.md ("Rooms"), enforced: which folders of src/
 * each folder may import from, and no import cycle between files (type-only
 * imports count: they tie the files together for a reader as much as any).
 * A new import across rooms is a change to this table and to the doc's.
 */

const SRC = path.resolve(__dirname, '../../src');

/** Each room: a folder of src/, or a file at its top. */
const ALLOWED: Record<string, readonly string[]> = {
  domain: [],
  // The one backoff every retry and loop waits by.
  backoff: [],
  eventstore: ['db', 'backoff'],
  commands: ['domain', 'eventstore', 'db'],
  projections: ['domain', 'eventstore', 'db', 'serviceParts'],
  credentials: ['auth', 'config', 'db'],
  auth: ['config'],
  // The platform port and the reactors; which adapter is the composition root's choice.
  sync: ['domain', 'commands', 'eventstore', 'db', 'config', 'serviceParts', 'backoff'],
  // The world outside, and the install functions of its parts.
  adapters: [
    'domain',
    'commands',
    'eventstore',
    'db',
    'config',
    'credentials',
    'auth',
    'http',
    'sync',
    'serviceParts',
    'backoff',
  ],
  graphql: [
    'domain',
    'commands',
    'eventstore',
    'db',
    'projections',
    'auth',
    'adapters',
    'serviceParts',
  ],
  http: [],
  // db/schema.ts puts every table's type together; migrate.ts runs migrations/.
  db: ['config', 'credentials', 'adapters', 'projections', 'sync', '../migrations'],
  config: ['credentials'],
  logger: ['config'],
  serviceParts: ['config', 'db', 'eventstore'],
  serveConnectionBudget: ['db', 'projections'],
  platformFromConfig: ['adapters', 'config', 'db', 'sync'],
  main: [
    'adapters',
    'commands',
    'config',
    'db',
    'eventstore',
    'graphql',
    'http',
    'logger',
    'platformFromConfig',
    'projections',
    'serveConnectionBudget',
    'serviceParts',
    'sync',
  ],
  cli: [
    'adapters',
    'auth',
    'commands',
    'config',
    'db',
    'domain',
    'eventstore',
    'graphql',
    'logger',
    'main',
    'projections',
  ],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

function roomOf(file: string): string {
  const relative = path.relative(SRC, file);
  if (relative.startsWith('..'))
    return `../${path.relative(path.dirname(SRC), file).split(path.sep)[0]}`;
  const [first, ...rest] = relative.split(path.sep);
  return rest.length === 0 ? first!.replace(/\.ts$/, '') : first!;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/g;

function importsOf(file: string, known: ReadonlySet<string>): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const target = path.resolve(path.dirname(file), match[1]!);
    const resolved = [`${target}.ts`, path.join(target, 'index.ts'), target].find((candidate) =>
      known.has(candidate),
    );
    found.push(resolved ?? target);
  }
  return found;
}

const files = sourceFiles(SRC);
const known = new Set(files);
const graph = new Map(files.map((file) => [file, importsOf(file, known)]));

describe('the rooms of src/', () => {
  it('every file sits in a room of the map', () => {
    const unknown = [...new Set(files.map(roomOf))].filter((room) => !(room in ALLOWED));
    expect(unknown).toEqual([]);
  });

  it('each room imports only from the rooms the map allows', () => {
    const breaches: string[] = [];
    for (const [file, targets] of graph) {
      const from = roomOf(file);
      for (const target of targets) {
        const to = roomOf(target);
        if (to !== from && !ALLOWED[from]!.includes(to)) {
          breaches.push(
            `${path.relative(SRC, file)} imports ${path.relative(SRC, target)} (${from} → ${to})`,
          );
        }
      }
    }
    expect(breaches).toEqual([]);
  });

  it('no two files import each other, directly or round a loop', () => {
    const cycles: string[][] = [];
    const state = new Map<string, 'open' | 'done'>();
    const trail: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      trail.push(file);
      for (const next of graph.get(file) ?? []) {
        if (!known.has(next)) continue;
        if (state.get(next) === 'open') {
          cycles.push(trail.slice(trail.indexOf(next)).map((f) => path.relative(SRC, f)));
        } else if (state.get(next) === undefined) {
          visit(next);
        }
      }
      trail.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });
});
