/** How TikTok Shop encodes ids and times, read leniently and checked strictly. */

export type Reading<T> = { ok: true; value: T } | { ok: false; problem: string };

/** TikTok's ids are decimal strings; this leaves room for more without letting in what no id holds. */
const idShape = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * An id as a decimal string. TikTok sends ids as strings; a bare number is
 * accepted only while it is exact, because a 19-digit id parsed into a double
 * has already become a different id.
 */
export function readTikTokId(value: unknown): Reading<string> {
  if (typeof value === 'string') {
    const id = value.trim();
    if (id.length === 0) return { ok: false, problem: 'is empty' };
    return idShape.test(id)
      ? { ok: true, value: id }
      : { ok: false, problem: 'is not 1 to 64 letters, digits, dots, dashes or underscores' };
  }
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return { ok: true, value: String(value) };
    return {
      ok: false,
      problem:
        'is a number that is not an exact non-negative integer (ids beyond 2^53 lose precision in JSON.parse; parse the body with parseJsonKeepingBigIntegers)',
    };
  }
  return { ok: false, problem: value === undefined ? 'is missing' : 'is not a string or a number' };
}

/** A Unix timestamp in seconds, as an ISO-8601 string. Digit strings are accepted too. */
export function readTikTokSeconds(value: unknown): Reading<string> {
  const seconds =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    return {
      ok: false,
      problem: value === undefined ? 'is missing' : 'is not a whole number of seconds',
    };
  }
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() > 9999) {
    return { ok: false, problem: 'is out of range' };
  }
  return { ok: true, value: date.toISOString() };
}
