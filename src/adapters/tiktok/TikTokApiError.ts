export type TikTokApiErrorCode =
  /** No answer within the client's timeout. */
  | 'TIMEOUT'
  /** The request never got an HTTP answer: DNS, refused or reset connection. */
  | 'NETWORK'
  /** HTTP 5xx, or a non-zero code TikTok documents as its own internal error. */
  | 'SERVER_ERROR'
  /** HTTP 429, or TikTok's rate-limit code. */
  | 'RATE_LIMITED'
  /** Bad app key, signature, timestamp or access token, or a missing scope. */
  | 'AUTH_FAILED'
  /** The order is not in the answer: wrong id, or not this shop's. */
  | 'NOT_FOUND'
  /** Any other non-zero `code`: TikTok understood and refused the request. */
  | 'API_ERROR'
  /** An answer we cannot read: not JSON, or an order in a shape we do not know. */
  | 'UNEXPECTED_RESPONSE'
  /**
   * The store has no TikTok Shop token of its own (never authorized, revoked,
   * or its refresh token refused) and no global one covers it. Retryable: once
   * the seller authorizes the app again, the same call succeeds.
   */
  | 'NOT_AUTHORIZED';

const RETRYABLE: ReadonlySet<TikTokApiErrorCode> = new Set([
  'TIMEOUT',
  'NETWORK',
  'SERVER_ERROR',
  'RATE_LIMITED',
  'NOT_AUTHORIZED',
]);

/** A failed TikTok Shop Open API call; `retryable` says whether the same call may succeed later. */
export class TikTokApiError extends Error {
  readonly retryable: boolean;
  readonly httpStatus: number | undefined;
  /** TikTok's own non-zero `code`, when the answer carried one. */
  readonly tikTokCode: number | undefined;
  readonly requestId: string | undefined;

  constructor(
    readonly code: TikTokApiErrorCode,
    message: string,
    details: {
      httpStatus?: number | undefined;
      tikTokCode?: number | undefined;
      requestId?: string | undefined;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'TikTokApiError';
    this.retryable = RETRYABLE.has(code);
    this.httpStatus = details.httpStatus;
    this.tikTokCode = details.tikTokCode;
    this.requestId = details.requestId;
  }
}
