import { PlatformError } from '../../sync/platformPort';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Shopify answered in a shape we do not know: it may pass, so retryable. */
export function unexpectedAnswer(what: string): PlatformError {
  return new PlatformError('UNAVAILABLE', `Shopify gave an unexpected answer: ${what}`);
}
