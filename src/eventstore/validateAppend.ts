import { EventStoreArgumentError } from './errors';
import type { EventData, ExpectedVersion } from './types';

export const MAX_STREAM_ID_LENGTH = 300;
export const MAX_TYPE_LENGTH = 200;
export const MAX_EVENTS_PER_APPEND = 10_000;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every argument checked before anything is written; a bad one throws EventStoreArgumentError. */
export function validateAppend(
  streamId: unknown,
  events: unknown,
  expectedVersion: unknown,
): asserts events is EventData[] {
  if (
    typeof streamId !== 'string' ||
    streamId.length === 0 ||
    streamId.length > MAX_STREAM_ID_LENGTH
  ) {
    throw new EventStoreArgumentError(
      'streamId',
      `must be a string of 1 to ${MAX_STREAM_ID_LENGTH} characters`,
    );
  }
  if (!Array.isArray(events) || events.length === 0 || events.length > MAX_EVENTS_PER_APPEND) {
    throw new EventStoreArgumentError(
      'events',
      `must be an array of 1 to ${MAX_EVENTS_PER_APPEND} events`,
    );
  }
  events.forEach((event: unknown, index) => {
    if (!isPlainObject(event))
      throw new EventStoreArgumentError(`events[${index}]`, 'must be an object');
    const { type, data, metadata } = event;
    if (typeof type !== 'string' || type.length === 0 || type.length > MAX_TYPE_LENGTH) {
      throw new EventStoreArgumentError(
        `events[${index}].type`,
        `must be a string of 1 to ${MAX_TYPE_LENGTH} characters`,
      );
    }
    if (data === undefined)
      throw new EventStoreArgumentError(`events[${index}].data`, 'is required');
    if (metadata !== undefined && !isPlainObject(metadata)) {
      throw new EventStoreArgumentError(`events[${index}].metadata`, 'must be an object');
    }
  });
  if (!isExpectedVersion(expectedVersion)) {
    throw new EventStoreArgumentError(
      'expectedVersion',
      `must be a version number >= 0, 'no_stream', 'stream_exists' or 'any', got ${JSON.stringify(expectedVersion)}`,
    );
  }
}

function isExpectedVersion(value: unknown): value is ExpectedVersion {
  return (
    value === 'no_stream' ||
    value === 'stream_exists' ||
    value === 'any' ||
    (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value < 2 ** 31 - 1)
  );
}

/**
 * JSON.stringify writes a \u escape only for control characters and unpaired
 * surrogates; one preceded by an odd number of backslashes is an escape, not
 * text that happens to read "\u0000".
 */
const NUL_OR_LONE_SURROGATE = /(?<!\\)(?:\\\\)*\\u(0000|d[89a-f][0-9a-f]{2})/i;

/**
 * JSON text for a payload column; refuses what JSON cannot carry (cycles,
 * BigInt) and what no text column of PostgreSQL can hold: the NUL character
 * and unpaired surrogates. The log keeps only payloads that the read models
 * can store again as text.
 */
export function toJsonText(argument: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new EventStoreArgumentError(argument, `is not JSON: ${(error as Error).message}`);
  }
  if (text === undefined) throw new EventStoreArgumentError(argument, 'is not JSON');
  const bad = text.includes('\\u') ? NUL_OR_LONE_SURROGATE.exec(text) : null;
  if (bad) {
    throw new EventStoreArgumentError(
      argument,
      bad[1] === '0000'
        ? 'contains a NUL character (\\u0000)'
        : `contains an unpaired surrogate (\\u${bad[1]!.toLowerCase()})`,
    );
  }
  return text;
}
