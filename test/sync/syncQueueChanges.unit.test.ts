import { describe, expect, it } from '@jest/globals';
import type { OrderEvent } from '../../src/domain/orderEvents';
import type { Checkpoint, RecordedEvent } from '../../src/eventstore/types';
import { syncQueueChanges } from '../../src/sync/syncQueueChanges';

let position = 0;
function recorded(event: Pick<OrderEvent, 'type'> & { data: object }, correlationId = 'c-1') {
  position++;
  return {
    ...event,
    metadata: { correlationId, schemaVersion: 1 },
    streamId: `order-${(event.data as { orderId: string }).orderId}`,
    streamVersion: position,
    globalPosition: String(position),
    checkpoint: `1/${position}` as Checkpoint,
    recordedAt: new Date(),
  } as RecordedEvent;
}

const requested = (orderId: string, at: string, correlationId?: string) =>
  recorded(
    {
      type: 'OrderSyncRequested',
      data: { orderId, requestedAt: at, plan: {}, reason: 'paid', requestedBy: null },
    },
    correlationId,
  );
const failed = (orderId: string, final: boolean, nextAttemptAt: string | null) =>
  recorded({
    type: 'OrderSyncFailed',
    data: {
      orderId,
      attempt: 1,
      reason: 'HTTP 503',
      retryable: !final,
      final,
      nextAttemptAt,
      failedAt: '2026-01-01T10:00:01.000Z',
    },
  });
const synced = (orderId: string) => recorded({ type: 'OrderSynced', data: { orderId } });
const cancelled = (orderId: string) => recorded({ type: 'OrderCancelled', data: { orderId } });

describe('the sync queue, from the order events', () => {
  it('puts a requested order in, due at once, with its request time and correlation id', () => {
    expect(syncQueueChanges([requested('a', '2026-01-01T10:00:00.000Z', 'corr-a')])).toEqual([
      {
        orderId: 'a',
        remove: false,
        dueAt: '2026-01-01T10:00:00.000Z',
        requestedAt: '2026-01-01T10:00:00.000Z',
        correlationId: 'corr-a',
      },
    ]);
  });

  it('moves a failed order to its next attempt, keeping what the row knows of its request', () => {
    expect(syncQueueChanges([failed('a', false, '2026-01-01T10:05:00.000Z')])).toEqual([
      {
        orderId: 'a',
        remove: false,
        dueAt: '2026-01-01T10:05:00.000Z',
        requestedAt: null,
        correlationId: null,
      },
    ]);
  });

  it('takes an order out once it is synced, cancelled or finally failed', () => {
    expect(
      syncQueueChanges([synced('a'), cancelled('b'), failed('c', true, null)]).map((c) => [
        c.orderId,
        c.remove,
      ]),
    ).toEqual([
      ['a', true],
      ['b', true],
      ['c', true],
    ]);
  });

  it('lets the last event of each order in a batch decide, one change per order', () => {
    const changes = syncQueueChanges([
      requested('a', '2026-01-01T10:00:00.000Z', 'corr-a'),
      requested('b', '2026-01-01T10:00:00.000Z'),
      failed('a', false, '2026-01-01T10:00:02.000Z'),
      synced('b'),
      // A FAILED order retried by a person comes back in.
      failed('c', true, null),
      requested('c', '2026-01-01T11:00:00.000Z', 'corr-retry'),
    ]);
    expect(changes).toEqual([
      {
        orderId: 'a',
        remove: false,
        dueAt: '2026-01-01T10:00:02.000Z',
        requestedAt: '2026-01-01T10:00:00.000Z',
        correlationId: 'corr-a',
      },
      { orderId: 'b', remove: true },
      {
        orderId: 'c',
        remove: false,
        dueAt: '2026-01-01T11:00:00.000Z',
        requestedAt: '2026-01-01T11:00:00.000Z',
        correlationId: 'corr-retry',
      },
    ]);
  });
});
