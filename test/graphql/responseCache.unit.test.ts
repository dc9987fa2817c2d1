import { describe, expect, it } from '@jest/globals';
import type { FastifyRequest } from 'fastify';
import type { Viewer } from '../../src/auth/viewer';
import { sharedReading } from '../../src/graphql/responseCache/readModelsVersion';
import { CacheTicket, createResponseCache } from '../../src/graphql/responseCache/responseCache';

/** A reading the test ends by hand. */
function manualReadings() {
  const pending: Array<(value: number) => void> = [];
  let started = 0;
  const read = () =>
    new Promise<number>((resolve) => {
      started += 1;
      pending.push(resolve);
    });
  return {
    read,
    started: () => started,
    finish: (value: number) => pending.shift()!(value),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('sharedReading', () => {
  it('never answers a caller with a reading begun before it called', async () => {
    const readings = manualReadings();
    const current = sharedReading(readings.read);
    const a = current(); // starts reading 1
    const b = current(); // waits for reading 2: reading 1 began before it
    const c = current(); // shares reading 2
    expect(readings.started()).toBe(1);
    readings.finish(1);
    expect(await a).toBe(1);
    await tick();
    expect(readings.started()).toBe(2);
    const d = current(); // reading 2 is running: waits for reading 3
    readings.finish(2);
    expect(await b).toBe(2);
    expect(await c).toBe(2);
    await tick();
    readings.finish(3);
    expect(await d).toBe(3);
    expect(readings.started()).toBe(3);
  });

  it('passes a failed reading to its callers, and reads afresh for the next', async () => {
    let fail = true;
    const current = sharedReading(() =>
      fail ? Promise.reject(new Error('database down')) : Promise.resolve('v'),
    );
    await expect(current()).rejects.toThrow('database down');
    fail = false;
    await expect(current()).resolves.toBe('v');
  });
});

const admin: Viewer = { role: 'admin', sub: 'a' };
const requestOf = (query: string, variables: unknown = {}) =>
  ({
    body: { query, variables },
    headers: { 'content-type': 'application/json', accept: 'application/json' },
  }) as unknown as FastifyRequest;

/** Runs a request through the cache as the route does; the answer is `answer`. */
async function ask(cache: ReturnType<typeof createResponseCache>, query: string, answer: string) {
  const found = await cache.lookup(requestOf(query), admin);
  if (!(found instanceof CacheTicket)) return found;
  found.isQuery = true;
  found.succeeded = true;
  cache.remember(found, 200, answer, 'application/json; charset=utf-8');
  return undefined;
}

describe('the response cache', () => {
  it('answers from memory only while the read models stay at the same version', async () => {
    let version = 'v1';
    const cache = createResponseCache({
      maxBytes: 1 << 20,
      readVersion: () => Promise.resolve(version),
    });
    expect(await ask(cache, '{ a }', 'A1')).toBeUndefined();
    expect(await ask(cache, '{ a }', 'unused')).toEqual({
      body: 'A1',
      contentType: 'application/json; charset=utf-8',
    });
    version = 'v2';
    expect(await ask(cache, '{ a }', 'A2')).toBeUndefined();
    expect((await ask(cache, '{ a }', 'unused'))?.body).toBe('A2');
  });

  it('keeps about maxBytes of answers, dropping the least recently used', async () => {
    const cache = createResponseCache({
      maxBytes: 10_000,
      readVersion: () => Promise.resolve('v'),
    });
    const big = 'x'.repeat(1_000);
    for (let i = 0; i < 20; i++) await ask(cache, `{ q${i} }`, big);
    expect(await ask(cache, '{ q0 }', big)).toBeUndefined();
    expect((await ask(cache, '{ q19 }', big))?.body).toBe(big);
  });

  it('does not look at bodies that are not a JSON query', async () => {
    const cache = createResponseCache({
      maxBytes: 1 << 20,
      readVersion: () => Promise.resolve('v'),
    });
    const batch = { body: [{ query: '{ a }' }], headers: { 'content-type': 'application/json' } };
    const text = { body: '{ a }', headers: { 'content-type': 'text/plain' } };
    for (const request of [batch, text])
      expect(await cache.lookup(request as unknown as FastifyRequest, admin)).toBeUndefined();
  });

  it('runs one of several identical requests at the same version; the others get its answer', async () => {
    const cache = createResponseCache({
      maxBytes: 1 << 20,
      readVersion: () => Promise.resolve('v'),
    });
    const first = cache.lookup(requestOf('{ a }'), admin);
    const second = cache.lookup(requestOf('{ a }'), admin);
    const third = cache.lookup(requestOf('{ a }'), admin);
    const leader = await first;
    expect(leader).toBeInstanceOf(CacheTicket);
    // The leader runs; the two others wait for it.
    const ticket = leader as CacheTicket;
    ticket.isQuery = true;
    ticket.succeeded = true;
    cache.remember(ticket, 200, 'A', 'application/json');
    expect(await second).toEqual({ body: 'A', contentType: 'application/json' });
    expect(await third).toEqual({ body: 'A', contentType: 'application/json' });
  });
  it('lets the waiting requests run themselves when the one they waited for failed', async () => {
    const cache = createResponseCache({
      maxBytes: 1 << 20,
      readVersion: () => Promise.resolve('v'),
    });
    const leader = (await cache.lookup(requestOf('{ b }'), admin)) as CacheTicket;
    const waiting = cache.lookup(requestOf('{ b }'), admin);
    await tick();
    leader.isQuery = true;
    cache.remember(leader, 500, undefined, undefined); // it threw
    expect(await waiting).toBeInstanceOf(CacheTicket);
  });
});
