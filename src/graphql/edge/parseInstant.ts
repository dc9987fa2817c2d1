const shape =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * An ISO-8601 instant with a time zone (Z or ±hh:mm), as the UTC string the
 * domain stores (2026-11-28T10:15:00.000Z); undefined when it is not one.
 * Stricter than Date.parse, which rolls 2026-02-30 over into March.
 */
export function parseInstant(text: string): string | undefined {
  const match = shape.exec(text);
  if (!match) return undefined;
  const [y, mo, d, h, mi, s, oh, om] = match.slice(1).map((part) => Number(part ?? 0));
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > daysIn(y!, mo!)) return undefined;
  if (h! > 23 || mi! > 59 || s! > 59 || oh! > 23 || om! > 59) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  const instant = new Date(ms);
  const year = instant.getUTCFullYear();
  // PostgreSQL has no year 0 (JavaScript's year 0 is 1 BC) and nothing here is that old.
  return year < 1 || year > 9999 ? undefined : instant.toISOString();
}
