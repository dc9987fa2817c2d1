import type { Logger } from 'pino';
import { isTooManyConnections, TOO_MANY_CONNECTIONS } from './tooManyConnections';

/**
 * The server refusing new connections (SQLSTATE 53300), told once per burst:
 * every connection of the process reports here (the pool's, the LISTEN and
 * leader connections), so that a full server gives one clear line rather than
 * one per request and per retry.
 */
export interface ConnectionRefusals {
  /**
   * True when the error is a refusal, which this reporter took (counted, and
   * logged at the start of a burst): the caller logs nothing more. False for
   * any other error, or with no reporter: the caller logs it as usual.
   */
  refused(error: unknown): boolean;
  /** A connection was opened: the burst, if any, is over. */
  accepted(): void;
}

/** No reporter: every error, refusals too, is the caller's to log (the commands fail on them instead). */
export const noRefusalReporter: ConnectionRefusals = {
  refused: () => false,
  accepted: () => {},
};

export interface ConnectionRefusalsOptions {
  log: Logger;
  /** The line that starts a burst. */
  describe: (error: Error) => string;
  /** A refusal this long after the previous one starts a new burst, even without a connection between them. */
  quietMs?: number;
  now?: () => number;
}

export function reportConnectionRefusals({
  log,
  describe,
  quietMs = 60_000,
  now = Date.now,
}: ConnectionRefusalsOptions): ConnectionRefusals {
  let burst: { refused: number; since: number; last: number } | undefined;
  // One refusal can reach several reporters (the pool's connect, then the caller that failed).
  const counted = new WeakSet<Error>();
  return {
    refused(error) {
      if (!isTooManyConnections(error)) return false;
      if (counted.has(error)) return true;
      counted.add(error);
      const at = now();
      if (burst === undefined || at - burst.last > quietMs) {
        burst = { refused: 1, since: at, last: at };
        log.error({ sqlstate: TOO_MANY_CONNECTIONS, reason: error.message }, describe(error));
      } else {
        burst.refused++;
        burst.last = at;
      }
      return true;
    },
    accepted() {
      if (burst === undefined) return;
      log.info(
        { refused: burst.refused, forMs: now() - burst.since },
        'the database server accepts connections again',
      );
      burst = undefined;
    },
  };
}
