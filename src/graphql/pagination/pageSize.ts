import { badUserInput } from '../errors';

/** The most items one page may ask for, on every list (`first`). */
export const MAX_PAGE_SIZE = 100;
/** What `first` is when a connection's caller leaves it out (or passes null). */
export const DEFAULT_PAGE_SIZE = 20;
export const DEFAULT_EVENT_PAGE_SIZE = 100;

/** `first`, checked: from `min` to MAX_PAGE_SIZE, else BAD_USER_INPUT. */
export function checkFirst(first: number, min = 0): number {
  if (!Number.isInteger(first) || first < min || first > MAX_PAGE_SIZE) {
    throw badUserInput('first', `first must be from ${min} to ${MAX_PAGE_SIZE}, got ${first}`);
  }
  return first;
}
