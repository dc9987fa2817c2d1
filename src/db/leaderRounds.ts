import { electLeader, type LeaderElection } from './leaderElection';

/**
 * A job done in rounds by one process at a time: whichever process leads
 * (an advisory lock, src/db/leaderElection) runs a round, pauses
 * `intervalMs`, and so on until it stops leading. The reconcile schedule
 * and the TikTok Shop token refresh are such jobs.
 */
export interface LeaderRounds {
  start(): void;
  readonly isLeading: boolean;
  /** Rounds completed while leading. */
  readonly rounds: number;
  stop(): Promise<void>;
}

export interface LeaderRoundsOptions {
  url: string;
  /** The election's name: one leader per name. */
  name: string;
  intervalMs: number;
  leaderRetryMs?: number;
  /** One round; `lost` aborts when the process stops leading. */
  round: (lost: AbortSignal) => Promise<void>;
  /** Called when this process starts leading. */
  onLead?: () => void;
  onElectionError: (error: unknown) => void;
}

/** Waits `ms`, or less if `signal` aborts first. */
export function pauseUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export function createLeaderRounds(options: LeaderRoundsOptions): LeaderRounds {
  let election: LeaderElection | undefined;
  let leading = false;
  let rounds = 0;
  return {
    start() {
      election ??= electLeader({
        url: options.url,
        name: options.name,
        retryMs: options.leaderRetryMs,
        async lead(lost) {
          leading = true;
          options.onLead?.();
          try {
            while (!lost.aborted) {
              await options.round(lost);
              if (!lost.aborted) rounds += 1;
              await pauseUnlessAborted(options.intervalMs, lost);
            }
          } finally {
            leading = false;
          }
        },
        onError: options.onElectionError,
      });
    },
    get isLeading() {
      return leading;
    },
    get rounds() {
      return rounds;
    },
    async stop() {
      await election?.stop();
    },
  };
}
