import { EventStoreArgumentError } from './errors';
import type { Checkpoint } from './types';

/** Before the first event of the log. */
export const START = '0/0' as Checkpoint;

const shape = /^(\d{1,20})\/(\d{1,19})$/;
/** A transaction id is an xid8 (unsigned 64 bits), a global position a bigint. */
const MAX_TRANSACTION_ID = 2n ** 64n - 1n;
export const MAX_GLOBAL_POSITION = 2n ** 63n - 1n;

function matchCheckpoint(checkpoint: string): RegExpExecArray | null {
  const match = shape.exec(checkpoint);
  return match &&
    BigInt(match[1]!) <= MAX_TRANSACTION_ID &&
    BigInt(match[2]!) <= MAX_GLOBAL_POSITION
    ? match
    : null;
}

export function toCheckpoint(transactionId: string, globalPosition: string): Checkpoint {
  return `${transactionId}/${globalPosition}` as Checkpoint;
}

export function parseCheckpoint(checkpoint: string): {
  transactionId: string;
  globalPosition: string;
} {
  const match = matchCheckpoint(checkpoint);
  if (!match)
    throw new EventStoreArgumentError(
      'checkpoint',
      `not a checkpoint: ${JSON.stringify(checkpoint)}`,
    );
  return { transactionId: match[1]!, globalPosition: match[2]! };
}

export function isCheckpoint(value: string): value is Checkpoint {
  return matchCheckpoint(value) !== null;
}

/** The global position part, for people: "position of the last event read". */
export function positionOf(checkpoint: Checkpoint): string {
  return parseCheckpoint(checkpoint).globalPosition;
}

/** -1, 0 or 1 as a is before, at or after b in the global log. */
export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  const x = parseCheckpoint(a);
  const y = parseCheckpoint(b);
  const byTx = BigInt(x.transactionId) - BigInt(y.transactionId);
  if (byTx !== 0n) return byTx < 0n ? -1 : 1;
  const byPos = BigInt(x.globalPosition) - BigInt(y.globalPosition);
  return byPos === 0n ? 0 : byPos < 0n ? -1 : 1;
}
