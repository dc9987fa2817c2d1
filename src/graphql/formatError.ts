import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { type ConnectionRefusals, noRefusalReporter } from '../db/connectionRefusals';
import { isDatabaseUnavailable } from './databaseUnavailable';
import { ErrorCode } from './errors';

/**
 * Whether the API raised the error on purpose: a GraphQLError of its own
 * (auth, bad arguments, limits) or of graphql-js and Apollo (parse,
 * validation, CSRF). A GraphQLError that only wraps another error (a resolver
 * that failed, a context that could not be built) is not.
 */
function deliberate(error: unknown): boolean {
  const original = unwrapResolverError(error);
  return (
    original instanceof GraphQLError &&
    (original.originalError === undefined || original.originalError instanceof GraphQLError)
  );
}

/**
 * Errors raised on purpose go out as they are. The database out of reach goes
 * out as SERVICE_UNAVAILABLE (HTTP 503: retry); a server that refuses more
 * connections is logged once per burst (`refusals`), not once per request. Any other unexpected error (a
 * bug) is logged with its stack and goes out as
 * INTERNAL_SERVER_ERROR without its message, unless in development, where
 * the message and stack trace help more than they leak.
 */
export function createFormatError(
  log: Logger,
  development: boolean,
  refusals: ConnectionRefusals = noRefusalReporter,
) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (deliberate(error)) {
      // graphql-js and Apollo refuse some requests without a code of their own
      // ("Too many errors processing variables", an APQ hash that does not
      // match its query), which Apollo would label INTERNAL_SERVER_ERROR.
      const own = (unwrapResolverError(error) as GraphQLError).extensions.code;
      if (own === undefined && formatted.path === undefined)
        return {
          ...formatted,
          extensions: { ...formatted.extensions, code: ErrorCode.BAD_REQUEST },
        };
      return formatted;
    }
    const original = unwrapResolverError(error);
    if (isDatabaseUnavailable(original)) {
      if (!refusals.refused(original))
        log.warn(
          { err: original, path: formatted.path },
          'GraphQL request failed: database unavailable',
        );
      return {
        message: 'The database is unavailable for now; retry the request shortly',
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: ErrorCode.SERVICE_UNAVAILABLE },
      };
    }
    log.error({ err: original, path: formatted.path }, 'GraphQL request failed');
    if (development) return formatted;
    return {
      message: 'Internal server error',
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
