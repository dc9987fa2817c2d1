/**
 * CREDENTIALS_KEY's text: 32 bytes (AES-256), written as 64 hex digits or as
 * base64 / base64url (43 or 44 characters). Pure, so the configuration can
 * check it without reading anything.
 */
export const CREDENTIALS_KEY_BYTES = 32;

export function parseCredentialsKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(trimmed)) return undefined;
  const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === CREDENTIALS_KEY_BYTES ? bytes : undefined;
}

/** Why the text is not a usable key, or undefined when it is one. */
export function credentialsKeyProblem(text: string): string | undefined {
  return parseCredentialsKey(text) === undefined
    ? `must be ${CREDENTIALS_KEY_BYTES} random bytes as 64 hex digits or base64 (e.g. \`openssl rand -base64 32\`)`
    : undefined;
}
