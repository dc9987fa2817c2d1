/**
 * A sleep that a wake-up cuts short, for the loops that wait for the log (a
 * subscription, the sync worker): they sleep until their next poll unless
 * something happens first. A wake-up that comes while the loop is busy is
 * kept, so the next sleep ends at once.
 */
export interface Alarm {
  /** Resolves after `ms`, or at once when woken (or stopped) since the last takeWakeUp. */
  sleep(ms: number): Promise<void>;
  /** Ends the current sleep, or the next one. */
  wake(): void;
  /** Whether a wake-up came since the last call, and forgets it. */
  takeWakeUp(): boolean;
  /** Every sleep from now on ends at once. */
  stop(): void;
}

export function createAlarm(): Alarm {
  let woken = false;
  let stopped = false;
  let cut: (() => void) | undefined;
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        if (woken || stopped) return resolve();
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          cut = undefined;
          resolve();
        }
        cut = done;
      }),
    wake() {
      woken = true;
      cut?.();
    },
    takeWakeUp() {
      const was = woken;
      woken = false;
      return was;
    },
    stop() {
      stopped = true;
      cut?.();
    },
  };
}
