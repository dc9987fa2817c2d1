import { describe, expect, it } from '@jest/globals';
import { parse } from 'graphql';
import {
  createConsistentReads,
  readConsistencyOf,
} from '../../src/graphql/consistency/consistentReads';
import type { LogPlace, ReadModelsReading } from '../../src/graphql/consistency/readModelsReading';
import { seesUpTo } from '../../src/graphql/consistency/readModelsReading';
import { createReadNeeds, needOfDocument } from '../../src/graphql/consistency/readNeeds';

const at = (transactionId: number, globalPosition: number): LogPlace => ({
  transactionId: BigInt(transactionId),
  globalPosition: BigInt(globalPosition),
});
const reading = (
  head: LogPlace | null,
  slowest: LogPlace | null,
  horizon = 1000,
): ReadModelsReading => ({
  version: `v${String(slowest?.globalPosition ?? 'none')}`,
  head,
  slowest,
  horizon: BigInt(horizon),
});

describe('what a query must see before it runs', () => {
  const need = (query: string, operationName?: string) =>
    needOfDocument(parse(query), operationName);

  it('read models for the queries that read them, followed through fragments', () => {
    expect(need('{ store(id: "s") { name } }')).toBe('readModels');
    expect(need('{ orderByTikTokId(storeId: "s", tiktokOrderId: "1") { id } }')).toBe('readModels');
    expect(need('{ ...F } fragment F on Query { stores { totalCount } }')).toBe('readModels');
    expect(need('{ ... on Query { order(id: "o") { id } } }')).toBe('readModels');
    expect(need('{ projections { lag } ...G } fragment G on Query { stores { totalCount } }')).toBe(
      'readModels',
    );
  });

  it('the log alone for events; nothing for live status, the schema and mutations', () => {
    expect(need('{ events { hasMore } }')).toBe('log');
    expect(need('{ events { hasMore } projections { lag } }')).toBe('log');
    expect(need('{ projections { name lag } }')).toBe('none');
    expect(need('{ __schema { queryType { name } } __typename }')).toBe('none');
    expect(
      need('mutation { retryOrderSync(input: { orderId: "o" }) { userErrors { code } } }'),
    ).toBe('none');
  });

  it('the operation the request names; none when it names none of several, or one not there', () => {
    const two = 'query A { projections { lag } } query B { store(id: "s") { id } }';
    expect(need(two, 'A')).toBe('none');
    expect(need(two, 'B')).toBe('readModels');
    expect(need(two)).toBe('none');
    expect(need(two, 'C')).toBe('none');
  });

  it('learns each text once, and needs nothing for a text that does not parse', () => {
    const needs = createReadNeeds();
    expect(needs('{ store(id: "s") { id } }', undefined)).toBe('readModels');
    expect(needs('{ store(id: "s") { id } }', undefined)).toBe('readModels');
    expect(needs('{ store(id: ', undefined)).toBe('none');
  });
});

describe('whether a reading shows the writes up to a head', () => {
  it('read models: every projection at or past the head, in commit order', () => {
    expect(seesUpTo(reading(at(10, 5), at(10, 5)), at(10, 5), 'readModels')).toBe(true);
    expect(seesUpTo(reading(at(10, 5), at(11, 2)), at(10, 5), 'readModels')).toBe(true);
    // A lower position in a later transaction is later in commit order.
    expect(seesUpTo(reading(at(10, 5), at(10, 4)), at(10, 5), 'readModels')).toBe(false);
    expect(seesUpTo(reading(at(10, 5), at(9, 50)), at(10, 5), 'readModels')).toBe(false);
    // A projection with no checkpoint yet has seen nothing.
    expect(seesUpTo(reading(at(10, 5), null), at(10, 5), 'readModels')).toBe(false);
    // An empty log is seen by anyone.
    expect(seesUpTo(reading(null, null), null, 'readModels')).toBe(true);
  });

  it('the log: no transaction as old as the head still running', () => {
    expect(seesUpTo(reading(at(10, 5), null, 11), at(10, 5), 'log')).toBe(true);
    expect(seesUpTo(reading(at(10, 5), null, 10), at(10, 5), 'log')).toBe(false);
  });
});

describe('the bounded wait', () => {
  /** A scripted log: each read gives the next reading; the last one repeats. */
  function scripted(readings: ReadModelsReading[]) {
    let reads = 0;
    let moved: (() => void) | undefined;
    let wokenProjections = 0;
    const reads$ = createConsistentReads({
      read: () => Promise.resolve(readings[Math.min(reads++, readings.length - 1)]!),
      onReadModelsMoved: (listener) => {
        moved = listener;
        return () => (moved = undefined);
      },
      wakeProjections: () => wokenProjections++,
      waitMs: 200,
      pollMs: 10_000,
    });
    return {
      reads$,
      reads: () => reads,
      wokenProjections: () => wokenProjections,
      move: () => moved?.(),
    };
  }

  it('answers at once when the read models already hold the head, reading once', async () => {
    const log = scripted([reading(at(5, 1), at(5, 1))]);
    await expect(log.reads$.await('readModels')).resolves.toEqual({
      version: 'v1',
      behind: false,
    });
    expect(log.reads()).toBe(1);
    expect(log.wokenProjections()).toBe(0);
    log.reads$.stop();
  });

  it('waits for a projection batch, then runs at the version that holds the head read at arrival', async () => {
    // The head moves on while the query waits: it waits only for the one it read first.
    const log = scripted([reading(at(5, 3), at(5, 1)), reading(at(9, 9), at(5, 3))]);
    const gate = log.reads$.await('readModels');
    await new Promise((r) => setTimeout(r, 5));
    expect(log.wokenProjections()).toBe(1);
    log.move();
    await expect(gate).resolves.toEqual({ version: 'v3', behind: false });
    expect(log.reads()).toBe(2);
    log.reads$.stop();
  });

  it('runs on what is there once the wait runs out, and says it is behind', async () => {
    const log = scripted([reading(at(5, 3), at(5, 1))]);
    const gate = log.reads$.await('readModels');
    log.move(); // a batch that did not reach the head
    await expect(gate).resolves.toEqual({ version: 'v1', behind: true });
    log.reads$.stop();
  });
});

describe('the read-consistency header', () => {
  it('is committed by default, eventual on request, and refused otherwise', () => {
    expect(readConsistencyOf(undefined)).toBe('committed');
    expect(readConsistencyOf(' Eventual ')).toBe('eventual');
    expect(readConsistencyOf('committed')).toBe('committed');
    expect(readConsistencyOf('strong')).toBeInstanceOf(Error);
    expect(readConsistencyOf(['eventual', 'committed'])).toBeInstanceOf(Error);
  });
});
