import { stringScalar } from './stringScalar';

export const DecimalScalar = stringScalar(
  'Decimal',
  'A decimal amount as a string, e.g. "19.90"; never a float. Non-negative, with at most the currency\'s decimal places (2 for USD, 0 for JPY).',
  '19.90',
);
