/**
 * Business-rule and validation failures, as typed values. Each code maps one
 * to one onto the public contract's UserErrorCode; `field` is the path of the
 * offending input field inside the command (e.g. ["lineItems", "0", "quantity"]).
 */
export type DomainErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'PLAN_NOT_ELIGIBLE'
  | 'PLATFORM_NOT_SUPPORTED'
  | 'VERSION_CONFLICT'
  | 'INVALID_STATE';

export interface Problem {
  code: DomainErrorCode;
  field: string[] | null;
  message: string;
}

/** Thrown by a decider; nothing is appended. Carries every problem found, at least one. */
export class DomainError extends Error {
  readonly code: DomainErrorCode;
  constructor(readonly problems: readonly [Problem, ...Problem[]]) {
    super(problems.map((p) => p.message).join('; '));
    this.name = 'DomainError';
    this.code = problems[0].code;
  }

  static of(code: DomainErrorCode, field: string[] | null, message: string): DomainError {
    return new DomainError([{ code, field, message }]);
  }
}

/** Collects validation problems and throws them together. */
export class Problems {
  private readonly found: Problem[] = [];

  add(code: DomainErrorCode, field: string[] | null, message: string): void {
    this.found.push({ code, field, message });
  }

  invalid(field: string[], message: string): void {
    this.add('INVALID_INPUT', field, message);
  }

  get empty(): boolean {
    return this.found.length === 0;
  }

  throwIfAny(): void {
    const [first, ...rest] = this.found;
    if (first) throw new DomainError([first, ...rest]);
  }
}
