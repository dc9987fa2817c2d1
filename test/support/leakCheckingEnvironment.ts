import path from 'node:path';
import { TestEnvironment } from 'jest-environment-node';

type EnvironmentArguments = ConstructorParameters<typeof TestEnvironment>;

/**
 * Jest's node environment, and a check at the end of every test file that it
 * left nothing running: no socket, server, child process or timer that keeps
 * the event loop alive. A jest worker runs many files in one process and
 * exits only once its event loop is empty; one that has not exited 500 ms
 * after the run ends is killed, and jest says "A worker process has failed to
 * exit gracefully" without naming the file. Here the file that leaked fails,
 * with what it left.
 *
 * What runs when the file starts (the worker's own pipes, leftovers of an
 * earlier file) is not counted; what the file leaves must end within
 * SETTLE_MS of its last hook (a socket or server closing, a child's exit
 * being reaped), which is twice the time jest gives a worker.
 */
const SETTLE_MS = 1000;

type Counts = Map<string, number>;

function activeResources(): Counts {
  const counts: Counts = new Map();
  for (const type of process.getActiveResourcesInfo())
    counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** The resource types of `now` beyond those of `before`, with how many more. */
function beyond(before: Counts, now: Counts): string[] {
  return [...now]
    .filter(([type, n]) => n > (before.get(type) ?? 0))
    .map(([type, n]) => `${n - (before.get(type) ?? 0)} ${type}`);
}

/** Node's live handles (an internal API, for the message only: empty if it is gone). */
function liveHandles(): object[] {
  const handles = (process as unknown as { _getActiveHandles?: () => object[] })._getActiveHandles;
  return typeof handles === 'function' ? handles.call(process) : [];
}

/** The handles that were not there before, as a reader would name them. */
function describeHandles(before: WeakSet<object>): string[] {
  return liveHandles().flatMap((handle) => {
    if (before.has(handle)) return [];
    const h = handle as {
      constructor?: { name?: string };
      remoteAddress?: string;
      remotePort?: number;
      localPort?: number;
      pid?: number;
      spawnargs?: string[];
      address?: () => unknown;
    };
    switch (h.constructor?.name) {
      case 'Socket':
        return h.remotePort === undefined
          ? []
          : [`a socket to ${h.remoteAddress}:${h.remotePort} (from port ${h.localPort})`];
      case 'Server':
        return [`a server on ${JSON.stringify(h.address?.())}`];
      case 'ChildProcess':
        return [`child process ${h.pid}: ${h.spawnargs?.join(' ')}`];
      default:
        return [];
    }
  });
}

interface TimerRecord {
  ms: number;
  /** Where it was set: the first frames outside this file. */
  at: string;
}

export default class LeakCheckingEnvironment extends TestEnvironment {
  private readonly before: Counts;
  private readonly handlesBefore = new WeakSet<object>();
  private readonly file: string;
  /** The file's timers (its own code and the modules it loads) that have not fired or been cleared. */
  private readonly timers = new Map<NodeJS.Timeout, TimerRecord>();

  constructor(config: EnvironmentArguments[0], context: EnvironmentArguments[1]) {
    super(config, context);
    this.before = activeResources();
    for (const handle of liveHandles()) this.handlesBefore.add(handle);
    this.file = path.relative(config.globalConfig.rootDir, context.testPath);
    this.trackTimers();
  }

  /** The sandbox's setTimeout and setInterval, noting where each live timer was set. */
  private trackTimers(): void {
    const sandbox = this.global as unknown as typeof globalThis;
    const {
      setTimeout: set,
      setInterval: every,
      clearTimeout: clear,
      clearInterval: stop,
    } = sandbox;
    const timers = this.timers;
    const note = (timer: NodeJS.Timeout, ms: number | undefined) => {
      const frames = (new Error().stack ?? '').split('\n').slice(3, 6);
      timers.set(timer, {
        ms: ms ?? 0,
        at: frames.map((f) => f.trim().replace(/^at /, '')).join(' < '),
      });
      return timer;
    };
    type Wrapped = (
      callback: (...args: unknown[]) => void,
      ms?: number,
      ...args: unknown[]
    ) => NodeJS.Timeout;
    const timeout: Wrapped = (callback, ms, ...args) => {
      const timer = set(
        (...a: unknown[]) => {
          timers.delete(timer);
          callback(...a);
        },
        ms,
        ...args,
      );
      return note(timer, ms);
    };
    const interval: Wrapped = (callback, ms, ...args) => note(every(callback, ms, ...args), ms);
    // Their own properties too (util.promisify's), as the originals have them.
    sandbox.setTimeout = Object.assign<Wrapped, typeof setTimeout>(timeout, set);
    sandbox.setInterval = Object.assign<Wrapped, typeof setInterval>(interval, every);
    sandbox.clearTimeout = ((timer?: NodeJS.Timeout) => {
      if (timer) timers.delete(timer);
      clear(timer);
    }) as typeof clearTimeout;
    sandbox.clearInterval = ((timer?: NodeJS.Timeout) => {
      if (timer) timers.delete(timer);
      stop(timer);
    }) as typeof clearInterval;
  }

  /** Timers of the file that still keep the event loop alive (also counted as Timeout, unless another timer ended meanwhile). */
  private liveTimers(): string[] {
    return [...this.timers]
      .filter(([timer]) => timer.hasRef() && !(timer as { _destroyed?: boolean })._destroyed)
      .map(([, { ms, at }]) => `a ${ms} ms timer set at ${at}`);
  }

  override async teardown(): Promise<void> {
    const deadline = Date.now() + SETTLE_MS;
    const leftover = () => [...beyond(this.before, activeResources()), ...this.liveTimers()];
    let left = leftover();
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      left = leftover();
    }
    await super.teardown();
    if (left.length > 0) {
      const handles = describeHandles(this.handlesBefore);
      throw new Error(
        `${this.file} left ${left.join(', ')} running ${SETTLE_MS} ms after its last hook` +
          `${handles.length > 0 ? ` (${handles.join('; ')})` : ''}: close, stop or unref ` +
          'what it started, or the jest worker that ran it cannot exit',
      );
    }
  }
}
