import { describe, expect, it } from '@jest/globals';
import {
  currencyExponent,
  fromMinorUnits,
  normalizeAmount,
  orderTotal,
  toMinorUnits,
} from '../../src/domain/money';

describe('exact money', () => {
  it('knows the minor-unit digits of ISO 4217 currencies and refuses others', () => {
    expect(currencyExponent('USD')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('usd')).toBeUndefined();
    expect(currencyExponent('XYZ')).toBeUndefined();
    expect(currencyExponent('US')).toBeUndefined();
  });

  it('parses decimal strings into minor units without floating point', () => {
    expect(toMinorUnits('19.90', 2)).toBe(1990n);
    expect(toMinorUnits('0.1', 2)).toBe(10n);
    expect(toMinorUnits('999999999999.99', 2)).toBe(99999999999999n);
    for (const bad of [
      '-1',
      '1.999',
      '01.00',
      '1e3',
      '',
      '.5',
      '1.',
      ' 1',
      'NaN',
      '1,00',
      '1000000000000',
    ]) {
      expect(toMinorUnits(bad, 2)).toBeUndefined();
    }
    expect(fromMinorUnits(5n, 2)).toBe('0.05');
    expect(fromMinorUnits(1234n, 0)).toBe('1234');
    expect(normalizeAmount('7', 3)).toBe('7.000');
  });

  it('sums 0.1 + 0.2 as 0.30, which floats cannot', () => {
    expect(
      orderTotal(
        [
          { quantity: 1, unitPrice: '0.1' },
          { quantity: 1, unitPrice: '0.2' },
        ],
        2,
      ),
    ).toBe('0.30');
    expect(orderTotal([{ quantity: 10_000, unitPrice: '999999999999.99' }], 2)).toBe(
      '9999999999999900.00',
    );
  });
});
