export type TikTokOrderIntakeErrorCode =
  /** The app keys are not set: nothing can be fetched from TikTok Shop yet. */
  | 'NO_API_CLIENT'
  /** TikTok answered with an order of another shop than the webhook's. */
  | 'SHOP_MISMATCH'
  /** An inbox row holds a status this build does not know. */
  | 'UNKNOWN_STATUS';

/** Why a notification could not be applied, other than the TikTok API or the domain refusing. */
export class TikTokOrderIntakeError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly code: TikTokOrderIntakeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TikTokOrderIntakeError';
    // Configuration can be fixed and the process restarted; a wrong shop or status will not change.
    this.retryable = code === 'NO_API_CLIENT';
  }
}
