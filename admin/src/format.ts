const dateTime = new Intl.DateTimeFormat('en', {
  dateStyle: 'medium',
  timeStyle: 'medium',
  timeZone: 'UTC',
});

export const formatTime = (iso: string | null): string =>
  iso === null ? '—' : `${dateTime.format(new Date(iso))} UTC`;

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
