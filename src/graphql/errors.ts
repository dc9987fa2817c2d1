import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';

/**
 * The `extensions.code`s of request-level errors (a mutation's business-rule
 * failures are not errors: they come back as userErrors in its payload).
 */
export const ErrorCode = {
  /** No token, or one that is not valid now (HTTP 401). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** A store token asked for an admin-only field. */
  FORBIDDEN: 'FORBIDDEN',
  /** An argument is out of range or malformed (e.g. first > 100, a bad cursor). */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** A request graphql-js or Apollo cannot run, e.g. too many invalid variable values (HTTP 400). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** The query would cost more than the complexity limit (HTTP 400). */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** The database cannot be reached for now; retry the same request shortly (HTTP 503). */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: ErrorCode.UNAUTHENTICATED,
      http: { status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer']]) },
    },
  });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}

export function badUserInput(argumentName: string, message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, argumentName },
  });
}
