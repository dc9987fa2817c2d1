import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from './errors';

/**
 * SQLSTATE classes and codes of "the server is not there (now)": connection
 * exceptions, shutdowns, start-up, too many connections, the database gone
 * (3D000) or not accepting connections.
 */
const UNAVAILABLE_SQLSTATE = /^(08|57P0[123]|53300|3D000)/;
const UNAVAILABLE_SYSTEM = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not currently accepting connections/;

/**
 * Whether an error means the database is unreachable for now rather than a
 * bug: the client may retry the same request and it will likely succeed.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_SYSTEM.has(code)))
    return true;
  return UNAVAILABLE_MESSAGE.test(error.message);
}

/** A response whose errors say SERVICE_UNAVAILABLE answers HTTP 503, so clients and proxies retry it. */
export const serviceUnavailableStatus: ApolloServerPlugin = {
  requestDidStart: () =>
    Promise.resolve({
      willSendResponse: ({ response }) => {
        if (response.body.kind === 'single') {
          const errors = response.body.singleResult.errors ?? [];
          if (errors.some((e) => e.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE))
            response.http.status = 503;
        }
        return Promise.resolve();
      },
    }),
};
