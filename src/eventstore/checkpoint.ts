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

/** -1, 0 or 1 as one decimal string of digits is below, equal to or above another. */
function compareDecimals(a: string, b: string): number {
  const x = a.length > 1 && a[0] === '0' ? a.replace(/^0+(?=\d)/, '') : a;
  const y = b.length > 1 && b[0] === '0' ? b.replace(/^0+(?=\d)/, '') : b;
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x === y ? 0 : x < y ? -1 : 1;
}

/**
 * -1, 0 or 1 as a is before, at or after b in the global log. Checkpoints
 * are checked where they come in (parseCheckpoint, isCheckpoint); this runs
 * for every event a projection folds, so it only splits and compares digits.
 */
export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  const i = a.indexOf('/');
  const j = b.indexOf('/');
  return (
    compareDecimals(a.slice(0, i), b.slice(0, j)) || compareDecimals(a.slice(i + 1), b.slice(j + 1))
  );
}
