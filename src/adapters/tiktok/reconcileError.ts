export type ReconcileErrorCode =
  /** No store with that id. */
  | 'STORE_NOT_FOUND'
  /** TikTok Shop's order search failed, and retrying did not help or cannot. */
  | 'TIKTOK_API'
  /** A found order could not be applied (the domain refused it, or the database failed). */
  | 'APPLY_FAILED'
  /** The lock's connection broke, or the run was told to stop. */
  | 'INTERRUPTED';

/** Why a store's reconciliation stopped before the end; its watermark did not move. */
export class ReconcileError extends Error {
  constructor(
    readonly code: ReconcileErrorCode,
    readonly storeId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`store ${storeId}: reconcile failed: ${message}`, options);
    this.name = 'ReconcileError';
  }
}
