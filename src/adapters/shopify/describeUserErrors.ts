import { isJsonObject } from './jsonObject';

/**
 * A mutation's userErrors as a merchant reads them, e.g.
 * "lineItems.0.quantity: must be greater than 0". The leading `order` (or
 * `input`…) of the field path names the mutation's argument, which tells a
 * merchant nothing.
 */
export function describeUserErrors(userErrors: unknown[], argument = 'order'): string {
  return userErrors
    .map((userError) => {
      const { field, message } = isJsonObject(userError) ? userError : {};
      const text = typeof message === 'string' ? message : 'no reason given';
      const path = Array.isArray(field) ? field.filter((part) => typeof part === 'string') : [];
      if (path[0] === argument && path.length > 1) path.shift();
      return path.length === 0 ? text : `${path.join('.')}: ${text}`;
    })
    .join('; ');
}
