import { describe, expect, it } from '@jest/globals';
import { mapTikTokOrder } from '../../../src/adapters/tiktok/mapTikTokOrder';
import { TikTokApiError } from '../../../src/adapters/tiktok/TikTokApiError';
import { tikTokOrderJson } from '../../support/fakeTikTokShop';

const order = () =>
  tikTokOrderJson({
    id: '576461413038785752',
    items: [{ sellerSku: 'MUG', salePrice: '12.00', quantity: 2 }],
  });

function mappingError(raw: unknown): TikTokApiError {
  try {
    mapTikTokOrder(raw);
  } catch (error) {
    if (error instanceof TikTokApiError) return error;
    throw error;
  }
  throw new Error('expected mapTikTokOrder to throw');
}

describe('mapTikTokOrder', () => {
  it('falls back to sku_id when seller_sku is empty', () => {
    const raw = tikTokOrderJson({
      id: '576461413038785752',
      items: [{ sellerSku: '', skuId: '1729384756102938475', salePrice: '3.50', quantity: 3 }],
    });
    expect(mapTikTokOrder(raw).lineItems).toEqual([
      { sku: '1729384756102938475', title: 'Product', quantity: 3, unitPrice: '3.50' },
    ]);
  });

  it('refuses a line item it cannot place rather than skip it', () => {
    const raw = order();
    (raw.line_items as Array<Record<string, unknown>>)[1] = { id: '1', sale_price: '12.00' };
    const error = mappingError(raw);
    expect(error.code).toBe('UNEXPECTED_RESPONSE');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('line_items[1] has neither seller_sku nor sku_id');
  });

  it.each([
    ['a price as a float', { sale_price: 12 }, 'line_items[0].sale_price is not a decimal string'],
    [
      'a price with a comma',
      { sale_price: '12,00' },
      'line_items[0].sale_price is not a decimal string',
    ],
  ])('refuses %s', (_, change, message) => {
    const raw = order();
    Object.assign((raw.line_items as Array<Record<string, unknown>>)[0]!, change);
    expect(mappingError(raw).message).toContain(message);
  });

  it.each([
    [
      'an unknown fulfillment type',
      { fulfillment_type: 'FULFILLMENT_BY_MARS' },
      'fulfillment_type',
    ],
    ['an unknown status', { status: 'LOST' }, 'status "LOST" is unknown'],
    ['no line items', { line_items: [] }, 'has no line_items'],
    ['no create_time', { create_time: undefined }, 'create_time is missing'],
    [
      'no currency',
      { payment: {}, line_items: [{ seller_sku: 'A', sale_price: '1.00' }] },
      'has no currency',
    ],
  ])('refuses an order with %s', (_, change, message) => {
    expect(mappingError({ ...order(), ...change }).message).toContain(message);
  });
});
