import { DomainError } from '../../domain/domainError';
import type { UserError } from '../types/UserError';

/** A DomainError's problems as userErrors, their fields as paths from the mutation's `input`. */
export function userErrorsOf(error: DomainError): UserError[] {
  return error.problems.map((problem) => ({
    field: problem.field === null ? null : ['input', ...problem.field],
    message: problem.message,
    code: problem.code,
  }));
}

/**
 * Runs a mutation's work. Business-rule and validation failures (DomainError,
 * from the edge or from a command, which then appended nothing) become the
 * payload's userErrors; anything else is a real error and propagates.
 */
export async function withUserErrors<Payload>(
  work: () => Promise<Payload>,
  failed: (userErrors: UserError[]) => Payload,
): Promise<Payload> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError) return failed(userErrorsOf(error));
    throw error;
  }
}
