import { expect, it } from '@jest/globals';
import { isDatabaseUnavailable } from '../../src/graphql/databaseUnavailable';

it('tells "the database is out of reach" from a bug', () => {
  const withCode = (code: string) => Object.assign(new Error('x'), { code });
  expect(isDatabaseUnavailable(withCode('ECONNREFUSED'))).toBe(true);
  expect(isDatabaseUnavailable(withCode('57P01'))).toBe(true); // terminating connection due to administrator command
  expect(isDatabaseUnavailable(withCode('08006'))).toBe(true); // connection failure
  expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
  expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
  expect(
    isDatabaseUnavailable(new Error('database "x" is not currently accepting connections')),
  ).toBe(true);
  expect(isDatabaseUnavailable(withCode('42P01'))).toBe(false); // undefined table: a bug
  expect(isDatabaseUnavailable(new TypeError('x is not a function'))).toBe(false);
  expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
});
