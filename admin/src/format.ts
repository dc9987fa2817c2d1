const dateTime = new Intl.DateTimeFormat('en', {
  dateStyle: 'medium',
  timeStyle: 'short',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

const preciseTime = new Intl.DateTimeFormat('en', {
  dateStyle: 'medium',
  timeStyle: 'medium',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

/** An instant in UTC, to the minute (or to the second, for a timeline). */
export const formatTime = (iso: string | null, seconds = false): string =>
  iso === null ? '—' : `${(seconds ? preciseTime : dateTime).format(new Date(iso))} UTC`;

export const formatMoney = (amount: string, currency: string): string => `${amount} ${currency}`;

export const MODE_LABELS: Record<string, string> = {
  SYNC_AND_DEDUCT_INVENTORY: 'Sync at once, deduct platform inventory',
  WAIT_FOR_AWAITING_COLLECTION: 'Wait for AWAITING_COLLECTION, sync as fulfilled',
};

export const STATUS_LABELS: Record<string, string> = {
  PENDING: 'Pending',
  BLOCKED: 'Blocked',
  SYNCED: 'Synced',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};
