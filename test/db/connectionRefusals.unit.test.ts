import { describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { Writable } from 'node:stream';
import { reportConnectionRefusals } from '../../src/db/connectionRefusals';
import { tooManyConnectionsMessage } from '../../src/db/tooManyConnections';

const refusal = () =>
  Object.assign(new Error('sorry, too many clients already'), { code: '53300' });

function reporter() {
  const lines: Array<{ level: number; msg: string; refused?: number }> = [];
  const log = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
        done();
      },
    }),
  );
  let clock = 0;
  const refusals = reportConnectionRefusals({
    log,
    describe: (error) => `refused: ${error.message}`,
    quietMs: 60_000,
    now: () => clock,
  });
  return { refusals, lines, advance: (ms: number) => (clock += ms) };
}

describe('connection refusals', () => {
  it('logs the first refusal of a burst, counts the others, and says when connections are accepted again', () => {
    const { refusals, lines, advance } = reporter();
    for (let i = 0; i < 50; i++) {
      expect(refusals.refused(refusal())).toBe(true);
      advance(1000);
    }
    expect(lines).toEqual([
      expect.objectContaining({ level: 50, msg: 'refused: sorry, too many clients already' }),
    ]);
    refusals.accepted();
    refusals.accepted();
    expect(lines.slice(1)).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'the database server accepts connections again',
        refused: 50,
      }),
    ]);
    // The next refusal is a new burst.
    refusals.refused(refusal());
    expect(lines).toHaveLength(3);
  });

  it('counts one refusal once, whoever reports it (the pool, then the caller that failed)', () => {
    const { refusals, lines } = reporter();
    const error = refusal();
    refusals.refused(error);
    refusals.refused(error);
    refusals.accepted();
    expect(lines[1]).toMatchObject({ refused: 1 });
  });

  it('starts a new burst after a quiet minute, even without a connection between', () => {
    const { refusals, lines, advance } = reporter();
    refusals.refused(refusal());
    advance(60_000);
    refusals.refused(refusal());
    expect(lines).toHaveLength(1);
    advance(60_001);
    refusals.refused(refusal());
    expect(lines).toHaveLength(2);
  });

  it('leaves any other error to the caller', () => {
    const { refusals, lines } = reporter();
    expect(refusals.refused(new Error('Connection terminated unexpectedly'))).toBe(false);
    expect(refusals.refused(Object.assign(new Error('x'), { code: '57P01' }))).toBe(false);
    expect(refusals.refused('53300')).toBe(false);
    refusals.accepted();
    expect(lines).toEqual([]);
  });

  it('names the server without its password, DATABASE_URL, DATABASE_POOL_SIZE and the reason', () => {
    const message = tooManyConnectionsMessage(
      { url: 'postgres://app:secret@db.example:6432/fbt', source: 'DATABASE_URL' },
      { poolSize: 10, poolSizeSetting: 'DATABASE_POOL_SIZE', own: 8, ownFor: 'LISTEN' },
      refusal(),
    );
    expect(message).toBe(
      'the database server at db.example:6432/fbt (DATABASE_URL) refuses connections: ' +
        'sorry, too many clients already (SQLSTATE 53300); this process opens up to 18, ' +
        'its pool (DATABASE_POOL_SIZE=10) and 8 for LISTEN; lower DATABASE_POOL_SIZE of the ' +
        "processes on that server, run fewer of them, or raise the server's max_connections",
    );
    expect(message).not.toContain('secret');
  });
});
