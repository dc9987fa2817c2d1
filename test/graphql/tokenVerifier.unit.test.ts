import { describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { signToken } from '../../src/auth/signToken';
import { AuthenticationFailed, createTokenVerifier } from '../../src/auth/tokenVerifier';

const secret = 'verifier-test-secret-0123456789abcdefghij';

describe('createTokenVerifier', () => {
  it('names the caller of a valid token, admin or store', async () => {
    const verifier = createTokenVerifier(secret);
    const admin = await signToken(secret, { role: 'admin', sub: 'ops' }, '1h');
    const store = await signToken(secret, { role: 'store', sub: 'm', storeId: 's-1' }, '1h');
    expect(await verifier.verify(`Bearer ${admin}`)).toEqual({ role: 'admin', sub: 'ops' });
    expect(await verifier.verify(`Bearer ${store}`)).toEqual({
      role: 'store',
      sub: 'm',
      storeId: 's-1',
    });
  });

  it('remembers a verified token, but never past its expiry', async () => {
    let clock = Date.parse('2026-11-28T10:00:00.000Z');
    const verifier = createTokenVerifier(secret, () => clock);
    const token = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('ops')
      .setExpirationTime(Math.floor(clock / 1000) + 60)
      .sign(new TextEncoder().encode(secret));
    expect(await verifier.verify(`Bearer ${token}`)).toEqual({ role: 'admin', sub: 'ops' });
    clock += 59_000;
    expect(await verifier.verify(`Bearer ${token}`)).toEqual({ role: 'admin', sub: 'ops' });
    clock += 1_000;
    await expect(verifier.verify(`Bearer ${token}`)).rejects.toThrow(
      new AuthenticationFailed('the token has expired'),
    );
    await expect(verifier.verify(`Bearer ${token}`)).rejects.toThrow('the token has expired');
  });

  it('verifies a token changed in any way afresh', async () => {
    const verifier = createTokenVerifier(secret);
    const token = await signToken(secret, { role: 'store', sub: 'm', storeId: 's-1' }, '1h');
    await verifier.verify(`Bearer ${token}`);
    const [header, payload, signature] = token.split('.');
    const tampered = `${header}.${payload}.${signature!.slice(0, -2)}AA`;
    await expect(verifier.verify(`Bearer ${tampered}`)).rejects.toThrow('the token is invalid');
  });
});
