/**
 * Exact decimal amounts: strings outside, integers of minor units inside
 * (cents for USD, yen for JPY), never floats.
 */

const currencyDigits = new Map<string, number>();

/** Minor-unit digits of an ISO 4217 currency (USD 2, JPY 0, KWD 3), or undefined when unknown. */
export function currencyExponent(currency: string): number | undefined {
  if (!/^[A-Z]{3}$/.test(currency)) return undefined;
  const known = currencyDigits.get(currency);
  if (known !== undefined) return known;
  if (!Intl.supportedValuesOf('currency').includes(currency)) return undefined;
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits;
  currencyDigits.set(currency, digits ?? 2);
  return digits ?? 2;
}

const decimal = /^(0|[1-9]\d{0,11})(?:\.(\d+))?$/;

/** "19.90" in USD → 1990n; undefined when not a non-negative decimal with at most `exponent` decimals. */
export function toMinorUnits(amount: string, exponent: number): bigint | undefined {
  const match = decimal.exec(amount);
  if (!match) return undefined;
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) return undefined;
  return BigInt(match[1]! + fraction.padEnd(exponent, '0'));
}

/** 1990n in USD → "19.90". */
export function fromMinorUnits(minor: bigint, exponent: number): string {
  if (exponent === 0) return minor.toString();
  const digits = minor.toString().padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** The order's total, exactly: the sum of quantity × unit price. */
export function orderTotal(
  lineItems: ReadonlyArray<{ quantity: number; unitPrice: string }>,
  exponent: number,
): string {
  let total = 0n;
  for (const item of lineItems)
    total += BigInt(item.quantity) * (toMinorUnits(item.unitPrice, exponent) ?? 0n);
  return fromMinorUnits(total, exponent);
}

/** The amount written with exactly the currency's digits ("19.9" → "19.90"). */
export function normalizeAmount(amount: string, exponent: number): string | undefined {
  const minor = toMinorUnits(amount, exponent);
  return minor === undefined ? undefined : fromMinorUnits(minor, exponent);
}
