import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type GraphqlTestService, startGraphqlTestService } from './graphqlTestService';

/**
 * `events(after:)` pages through the log in commit order: a reader that
 * follows `lastPosition`, or the last event's `checkpoint`, while writers
 * commit out of position order (a transaction that took a lower position
 * commits after one with a higher position), sees every event once.
 */
const EVENTS = `query($after: String, $first: Int, $type: String!) {
  events(after: $after, first: $first, types: [$type]) {
    events { globalPosition checkpoint streamId } lastPosition hasMore } }`;
interface Page {
  events: { events: Array<{ globalPosition: string; checkpoint: string; streamId: string }> };
}
const WRITERS = 6;
const PER_WRITER = 40;

describe('paging the log while writers commit out of position order', () => {
  let database: TestDatabase;
  let service: GraphqlTestService;

  beforeAll(async () => {
    database = await createTestDatabase(4);
    service = await startGraphqlTestService(database, { projections: false });
  });
  afterAll(async () => {
    await service.stop();
    await database.drop();
  });

  /**
   * One writer: each transaction takes its id, waits a varying moment, inserts
   * its event (taking a position), and waits again before it commits, so
   * transactions overlap and commit out of position order.
   */
  async function write(type: string, writer: number): Promise<string[]> {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const streams: string[] = [];
    try {
      for (let i = 0; i < PER_WRITER; i++) {
        const streamId = `${type}-${writer}-${i}`;
        await client.query('BEGIN');
        // As a transaction that wrote something else first: its id is taken before its position.
        await client.query('SELECT pg_current_xact_id()');
        await new Promise((r) => setTimeout(r, ((writer * 5 + i * 11) % 4) * 2));
        await client.query(
          `INSERT INTO events (stream_id, stream_version, type, data, metadata)
           VALUES ($1, 0, $2, '{}', '{"schemaVersion":1}')`,
          [streamId, type],
        );
        await new Promise((r) => setTimeout(r, ((writer * 7 + i * 13) % 5) * 3));
        await client.query('COMMIT');
        await client.query(`NOTIFY fbt_events`);
        streams.push(streamId);
      }
    } finally {
      await client.end();
    }
    return streams;
  }

  it.each([
    ['lastPosition', 'PagedByPosition', (page: Page, last: string | null) => last ?? null],
    [
      "the last event's checkpoint",
      'PagedByCheckpoint',
      (page: Page) => page.events.events[page.events.events.length - 1]?.checkpoint ?? null,
    ],
  ])(
    'by %s: never skips or repeats an event',
    async (_by, type, cursorOf: (page: Page, last: string | null) => string | null) => {
      const seen: string[] = [];
      const positions: bigint[] = [];
      let after: string | null = null;
      let writing = true;
      const readPage = async () => {
        const answer = await service.query<Page & { events: { lastPosition: string | null } }>(
          EVENTS,
          { after, first: 7, type },
        );
        expect(answer.body.errors).toBeUndefined();
        const page = answer.body.data!;
        seen.push(...page.events.events.map((e) => e.streamId));
        positions.push(...page.events.events.map((e) => BigInt(e.globalPosition)));
        after = cursorOf(page, page.events.lastPosition) ?? after;
        return page.events.events.length;
      };
      const writers = Promise.all(Array.from({ length: WRITERS }, (_, w) => write(type, w)));
      const reader = (async () => {
        while (writing) await readPage();
      })();
      const written = (await writers).flat();
      writing = false;
      await reader;
      // Drain: everything committed is visible once no older transaction runs.
      for (let empty = 0; seen.length < written.length && empty < 200;) {
        if ((await readPage()) === 0) {
          empty++;
          await new Promise((r) => setTimeout(r, 10));
        }
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual([...written].sort());
      // The case the cursor exists for happened: the log in commit order is not in position order.
      expect(positions.some((p, i) => i > 0 && p < positions[i - 1]!)).toBe(true);
    },
    120_000,
  );
});
