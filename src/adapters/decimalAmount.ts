const DECIMAL = /^(\d{1,15})(?:\.(\d{1,6}))?$/;
const SCALE = 6;
const ONE = 10n ** BigInt(SCALE);

/**
 * A money amount as millionths, exactly: Shopify sends "10.0" or "19.99",
 * TikTok "19.90"; none has more than six decimals. Undefined when not a
 * plain non-negative decimal.
 */
export function toMicros(amount: string): bigint | undefined {
  const match = DECIMAL.exec(amount.trim());
  if (!match) return undefined;
  const [, whole = '0', fraction = ''] = match;
  return BigInt(whole) * ONE + BigInt(fraction.padEnd(SCALE, '0'));
}

/** Millionths back to a decimal string with at least two decimals: 1990000n → "1.99". */
export function fromMicros(micros: bigint): string {
  const sign = micros < 0n ? '-' : '';
  const magnitude = micros < 0n ? -micros : micros;
  const whole = magnitude / ONE;
  const fraction = (magnitude % ONE)
    .toString()
    .padStart(SCALE, '0')
    .replace(/0{1,4}$/, '');
  return `${sign}${whole}.${fraction.padEnd(2, '0')}`;
}
