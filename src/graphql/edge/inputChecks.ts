import type { Problems } from '../../domain/domainError';
import { parseInstant } from './parseInstant';

/**
 * What the edge checks before a command runs: what the domain cannot see
 * (string sizes, the shape of scalars, instants to normalize). The domain's
 * own rules (quantities, line items, tags, ISO 4217 codes, ...) stay in the
 * domain; its problems come back as userErrors all the same.
 */
export const MAX_ID_LENGTH = 100;

export function checkId(problems: Problems, field: string[], value: string): void {
  if (value.length === 0 || value.length > MAX_ID_LENGTH)
    problems.invalid(field, `${field.join('.')} must be 1 to ${MAX_ID_LENGTH} characters`);
}

/** An instant normalized to UTC (2026-11-28T10:15:00.000Z), or a problem. */
export function checkInstant(problems: Problems, field: string[], value: string): string {
  const instant = parseInstant(value);
  if (instant === undefined)
    problems.invalid(
      field,
      `${field.join('.')} must be an ISO-8601 instant with a time zone, e.g. 2026-11-28T10:15:00.000Z, got ${JSON.stringify(value.slice(0, 64))}`,
    );
  return instant ?? value;
}

const decimalShape = /^\d{1,20}(\.\d{1,20})?$/;

export function checkDecimal(problems: Problems, field: string[], value: string): void {
  if (!decimalShape.test(value))
    problems.invalid(
      field,
      `${field.join('.')} must be a non-negative decimal string such as "19.90", got ${JSON.stringify(value.slice(0, 64))}`,
    );
}

export function checkCurrency(problems: Problems, field: string[], value: string): void {
  if (!/^[A-Z]{3}$/.test(value))
    problems.invalid(
      field,
      `${field.join('.')} must be a three-letter ISO 4217 code in capitals, such as USD, got ${JSON.stringify(value.slice(0, 64))}`,
    );
}

export function checkExpectedVersion(
  problems: Problems,
  value: number | null | undefined,
): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (value < 0)
    problems.invalid(['expectedVersion'], 'expectedVersion must be a stream version, 0 or more');
  return value;
}
