// The key as REFUND_KEY_PATTERN allows it, inside a marker of ours.
const MARKER = /\[fbt-sync:([A-Za-z0-9:_.-]{1,100})\]$/;

/**
 * The note of the refund we create: the merchant's text, then our key in a
 * marker of its own, so the look-up before refundCreate matches the key
 * exactly and never a key that merely contains it.
 */
export function refundNote(note: string, key: string): string {
  return `${note.trim()} [fbt-sync:${key}]`;
}

/** The key a refund note carries, or null for a refund we did not make. */
export function refundKeyOf(note: string | null): string | null {
  return note === null ? null : (MARKER.exec(note.trim())?.[1] ?? null);
}
