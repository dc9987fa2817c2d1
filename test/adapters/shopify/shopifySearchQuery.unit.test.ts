import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  anySkuQuery,
  quoteSearchValue,
  sourceIdentifierQuery,
} from '../../../src/adapters/shopify/shopifySearchQuery';
import { parseSearchQuery } from '../../support/fakeShopify';

describe('Shopify search queries', () => {
  it('double-quotes values, escaping quotes and backslashes', () => {
    expect(quoteSearchValue('576461413038785752')).toBe('"576461413038785752"');
    expect(quoteSearchValue('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
  });

  it('searches one source identifier and any of several SKUs', () => {
    expect(sourceIdentifierQuery('5770')).toBe('source_identifier:"5770"');
    expect(anySkuQuery(['MUG-RED', 'TEA 01'])).toBe('sku:"MUG-RED" OR sku:"TEA 01"');
  });

  // Spaces, colons, parentheses, quotes and the word OR all mean something to
  // Shopify's search; whatever the value, the query must read back as it.
  it('reads back every value as one exact term', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.array(fc.string(), { minLength: 1, maxLength: 4 }),
        (id, skus) => {
          expect(parseSearchQuery(sourceIdentifierQuery(id)).terms).toEqual([
            { field: 'source_identifier', value: id },
          ]);
          const parsed = parseSearchQuery(anySkuQuery(skus));
          expect(parsed.terms).toEqual(skus.map((sku) => ({ field: 'sku', value: sku })));
          if (skus.length > 1) expect(parsed.connective).toBe('OR');
        },
      ),
    );
  });
});
