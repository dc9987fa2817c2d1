const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

interface PricedLine {
  quantity: number;
  /** Decimal string, e.g. "19.90". */
  unitPrice: string;
}

/**
 * Σ quantity × unitPrice, exact: decimal strings in, a decimal string out
 * with the most fraction digits any price had. Undefined when a price is not
 * a plain decimal or a quantity not a whole number.
 */
export function lineItemsTotal(lines: readonly PricedLine[]): string | undefined {
  const prices = lines.map((line) => DECIMAL.exec(line.unitPrice.trim()));
  const scale = Math.max(0, ...prices.map((match) => match?.[2]?.length ?? 0));
  let total = 0n;
  for (const [index, line] of lines.entries()) {
    const match = prices[index];
    if (!match || !Number.isSafeInteger(line.quantity)) return undefined;
    const [, whole = '0', fraction = ''] = match;
    total += BigInt(whole + fraction.padEnd(scale, '0')) * BigInt(line.quantity);
  }
  const sign = total < 0n ? '-' : '';
  const digits = (total < 0n ? -total : total).toString().padStart(scale + 1, '0');
  return scale === 0
    ? `${sign}${digits}`
    : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}
