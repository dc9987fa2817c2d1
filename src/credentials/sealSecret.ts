import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM, one fresh 96-bit nonce per seal. The sealed form is
 * `version (1) | key id (4) | nonce (12) | tag (16) | ciphertext`. `context`
 * is authenticated, not stored: a row's sealed secret opens only under the
 * row it was written for (its store and provider), so copying it to another
 * row makes it unreadable rather than someone else's token.
 */
const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + 4 + NONCE_BYTES + TAG_BYTES;

/** Four bytes that name the key without revealing it: which key sealed a row. */
export function credentialsKeyId(key: Buffer): Buffer {
  return createHash('sha256')
    .update('fbt-sync credentials key id')
    .update(key)
    .digest()
    .subarray(0, 4);
}

export class SealedSecretError extends Error {
  override name = 'SealedSecretError';
}

export function sealSecret(key: Buffer, plaintext: string, context: string): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([
    Buffer.from([VERSION]),
    credentialsKeyId(key),
    nonce,
    cipher.getAuthTag(),
    ciphertext,
  ]);
}

export function openSealedSecret(key: Buffer, sealed: Buffer, context: string): string {
  if (sealed.length < HEADER_BYTES || sealed[0] !== VERSION)
    throw new SealedSecretError('not a sealed secret of this version');
  if (!sealed.subarray(1, 5).equals(credentialsKeyId(key)))
    throw new SealedSecretError(
      'sealed with another CREDENTIALS_KEY: set the key it was sealed with, or connect the store again',
    );
  const nonce = sealed.subarray(5, 5 + NONCE_BYTES);
  const tag = sealed.subarray(5 + NONCE_BYTES, HEADER_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([
      decipher.update(sealed.subarray(HEADER_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new SealedSecretError(
      'the sealed secret does not open: altered, or moved from another row',
    );
  }
}
