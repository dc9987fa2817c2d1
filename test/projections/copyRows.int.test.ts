import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { sql } from 'kysely';
import {
  type BulkCopy,
  type BulkWriter,
  openBulkWriter,
  toCopyText,
} from '../../src/projections/copyRows';
import { upsertRows } from '../../src/projections/upsertRows';
import { createTestDatabase, type TestDatabase } from '../support/database';

const COLUMNS = [
  ['id', 'text'],
  ['title', 'text'],
  ['count', 'integer'],
  ['doc', 'json'],
  ['at', 'timestamptz'],
  ['amount', 'numeric'],
  ['version', 'integer'],
] as const;

describe('toCopyText', () => {
  it('writes one tab-separated line per row, \\N for null, and escapes what COPY reads as syntax', () => {
    const text = toCopyText(
      [
        {
          id: 'a',
          title: 'tab\there\nline\rreturn back\\slash',
          count: 3,
          doc: { quote: 'say "hi"', back: 'C:\\temp', nl: 'x\ny' },
          at: new Date('2026-11-29T10:00:00.000Z'),
          amount: '12.50',
          version: 0,
        },
        { id: 'b', title: null, count: undefined, doc: null, at: null, amount: null, version: 1 },
      ],
      COLUMNS,
    );
    expect(text).toBe(
      'a\ttab\\there\\nline\\rreturn back\\\\slash\t3\t' +
        '{"quote":"say \\\\"hi\\\\"","back":"C:\\\\\\\\temp","nl":"x\\\\ny"}\t' +
        '2026-11-29T10:00:00.000Z\t12.50\t0\n' +
        'b\t\\N\t\\N\t\\N\t\\N\t\\N\t1\n',
    );
  });

  it('takes values by column name whatever the order of the keys', () => {
    const inOrder = { id: 'x', title: 't', count: 1, doc: [1], at: null, amount: '1', version: 2 };
    const shuffled = { version: 2, amount: '1', at: null, doc: [1], count: 1, title: 't', id: 'x' };
    const extra = { ...inOrder, ignored: 'not a column' };
    const missing = { id: 'x', title: 't', count: 1, doc: [1], amount: '1', version: 2 };
    const expected = toCopyText([inOrder], COLUMNS);
    expect(toCopyText([shuffled], COLUMNS)).toBe(expected);
    expect(toCopyText([extra], COLUMNS)).toBe(expected);
    expect(toCopyText([missing], COLUMNS)).toBe(expected);
    expect(toCopyText([], COLUMNS)).toBe('');
  });
});

describe('upsertRows through COPY', () => {
  let database: TestDatabase;
  let writer: BulkWriter;
  let copy: BulkCopy;

  beforeAll(async () => {
    database = await createTestDatabase();
    writer = await openBulkWriter(database.url);
    copy = writer.copy;
    for (const table of ['by_json', 'by_copy']) {
      await sql`CREATE TABLE ${sql.table(table)} (
        id text PRIMARY KEY, title text, count integer, doc json, at timestamptz,
        amount numeric, version integer NOT NULL)`.execute(database.db);
    }
  });
  afterAll(async () => {
    await writer.close();
    await database.drop();
  });

  const contents = async (table: string) =>
    (
      await sql<{ row: unknown }>`
        SELECT to_jsonb(t) - 'doc' || jsonb_build_object('doc', t.doc::text) AS row
        FROM ${sql.table(table)} t ORDER BY id COLLATE "C"`.execute(database.db)
    ).rows.map((r) => r.row);

  // Text as PostgreSQL can hold it: any Unicode but NUL (the event store refuses NUL).
  const text = fc
    .string({ unit: 'grapheme', maxLength: 12 })
    .map((s) => s.replaceAll('\u0000', ''))
    .chain((s) => fc.constantFrom(s, `${s}\t\\n\\\\`, `\r\n${s}\\`, s.toUpperCase()));
  const row = fc.record({
    title: fc.option(text),
    count: fc.option(fc.integer({ min: -1000, max: 1000 })),
    doc: fc.option(fc.jsonValue({ maxDepth: 2 }).map((v) => ({ v }))),
    at: fc.option(
      fc
        .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString()),
    ),
    amount: fc.option(fc.integer({ min: -99999, max: 99999 }).map((n) => (n / 100).toFixed(2))),
  });

  it('gives the same rows as json_to_recordset, copied in fresh or upserted through a stage', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 40 }), row), {
          selector: ([id]) => id,
          minLength: 1,
          maxLength: 30,
        }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), row), { maxLength: 30 }),
        async (first, second) => {
          run++;
          await sql`TRUNCATE by_json, by_copy`.execute(database.db);
          const records = (rows: Array<[number, object]>, version: number) =>
            rows.map(([id, fields]) => ({ id: `${run}-${id}`, ...fields, version }));
          const firstRows = records(first, 1);
          // Later rows for the same id, some older (refused by the version guard), some newer.
          const secondRows = records(second, 0).map((r, i) => ({ ...r, version: i % 3 }));
          const unique = [...new Map(secondRows.map((r) => [r.id, r])).values()];
          await upsertRows(database.db, 'public', 'by_json', COLUMNS, ['id'], firstRows, {
            version: 'version',
          });
          await upsertRows(database.db, 'public', 'by_json', COLUMNS, ['id'], unique, {
            version: 'version',
          });
          await writer.db.transaction().execute(async (trx) => {
            await upsertRows(trx, 'public', 'by_copy', COLUMNS, ['id'], firstRows, {
              version: 'version',
              copy,
              fresh: true,
            });
            // Two slices in one transaction: the stage starts empty for each.
            const half = Math.ceil(unique.length / 2);
            for (const slice of [unique.slice(0, half), unique.slice(half)]) {
              await upsertRows(trx, 'public', 'by_copy', COLUMNS, ['id'], slice, {
                version: 'version',
                copy,
              });
            }
          });
          expect(await contents('by_copy')).toEqual(await contents('by_json'));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('fails a fresh COPY of a row that exists, and writes nothing of it', async () => {
    await sql`TRUNCATE by_copy`.execute(database.db);
    const rows = [{ id: 'dup', title: 'first', version: 1 }];
    await writer.db
      .transaction()
      .execute((trx) =>
        upsertRows(trx, 'public', 'by_copy', COLUMNS, ['id'], rows, { copy, fresh: true }),
      );
    await expect(
      writer.db.transaction().execute((trx) =>
        upsertRows(
          trx,
          'public',
          'by_copy',
          COLUMNS,
          ['id'],
          [{ id: 'new', version: 1 }, ...rows],
          {
            copy,
            fresh: true,
          },
        ),
      ),
    ).rejects.toThrow(/duplicate key/);
    expect((await contents('by_copy')).length).toBe(1);
    // The connection is usable again after the failed transaction.
    await writer.db.transaction().execute((trx) =>
      upsertRows(trx, 'public', 'by_copy', COLUMNS, ['id'], [{ id: 'after', version: 1 }], {
        copy,
      }),
    );
    expect((await contents('by_copy')).length).toBe(2);
  });
});
