import { stringScalar } from './stringScalar';

/** Read values are Dates or UTC ISO strings; inputs are checked and normalized by parseInstant. */
export const DateTimeScalar = stringScalar(
  'DateTime',
  'An instant, ISO-8601 with time zone, e.g. 2026-11-28T10:15:00.000Z. Inputs may use any offset (2026-11-28T11:15:00+01:00); outputs are always UTC with milliseconds.',
  '2026-11-28T10:15:00.000Z',
);
