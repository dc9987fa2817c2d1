import type { ExpectedVersion } from './types';

/** The stream was not at the version the writer expected; nothing was written. */
export class WrongExpectedVersion extends Error {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    /** The stream's version when the append was refused (-1: no events). */
    readonly actualVersion: number,
  ) {
    super(
      `wrong expected version for stream ${streamId}: expected ${String(expectedVersion)}, actual ${actualVersion}`,
    );
    this.name = 'WrongExpectedVersion';
  }
}

/** A call with arguments the event store cannot take; nothing was written. */
export class EventStoreArgumentError extends Error {
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(`${argument}: ${message}`);
    this.name = 'EventStoreArgumentError';
  }
}
