import pg from 'pg';

export const CHANNEL = 'fbt_events';

/**
 * Wake-ups for readers of the global log, so that no one polls busily.
 *
 * After each commit the appending process wakes its own readers at once and
 * sends one NOTIFY for the readers of other processes. NOTIFYs are coalesced
 * (at most one in flight, one more queued) and sent on their own connection:
 * PostgreSQL serialises the commits of notifying transactions, so appends
 * never notify themselves. A LISTEN connection wakes this process's readers
 * when another process commits; it reconnects by itself after a failure.
 */
export interface Wakeups {
  /** An append committed in this process. */
  committed(): void;
  /** Calls listener on every wake-up; returns the unsubscribe function. */
  onWake(listener: () => void): () => void;
  close(): Promise<void>;
}

export interface WakeupsOptions {
  url: string;
  /** The NOTIFY channel (default fbt_events, the event log's). */
  channel?: string;
  onError?: (error: Error) => void;
}

export function createWakeups({ url, channel = CHANNEL, onError }: WakeupsOptions): Wakeups {
  const listeners = new Set<() => void>();
  let closed = false;
  let notifier: pg.Client | undefined;
  let listener: pg.Client | undefined;
  /** The NOTIFYs being sent (one at a time, coalesced). */
  let sending: Promise<void> | undefined;
  let queued = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  /** The LISTEN connection being opened: subscriptions starting meanwhile share it. */
  let connecting: Promise<void> | undefined;

  // A connection attempt gives up as the pool's do, so that close(), which waits for it, ends.
  const newClient = () => new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });

  /** Connects the client; false, and the client ended, when close() came meanwhile. */
  const connectUnlessClosed = async (client: pg.Client): Promise<boolean> => {
    await client.connect();
    if (!closed) return true;
    await client.end().catch(() => {});
    return false;
  };

  const wakeAll = () => {
    for (const l of listeners) l();
  };

  const connectListener = (): Promise<void> => {
    if (closed || listener) return Promise.resolve();
    connecting ??= openListener().finally(() => (connecting = undefined));
    return connecting;
  };

  const openListener = async (): Promise<void> => {
    const client = newClient();
    client.on('error', (error) => {
      if (!closed) onError?.(error);
      drop(client);
    });
    client.on('end', () => drop(client));
    client.on('notification', wakeAll);
    try {
      if (!(await connectUnlessClosed(client))) return;
      await client.query(`LISTEN ${channel}`);
      if (closed) return void (await client.end().catch(() => {}));
      listener = client;
      // Anything may have been committed while we were not listening.
      wakeAll();
    } catch (error) {
      if (!closed) onError?.(error as Error);
      drop(client);
      await client.end().catch(() => {});
    }
  };

  function drop(client: pg.Client) {
    if (listener === client) listener = undefined;
    if (notifier === client) notifier = undefined;
    if (!closed && !reconnectTimer && listeners.size > 0 && !listener) {
      reconnectTimer = setTimeout(() => {
        reconnectTimer = undefined;
        void connectListener();
      }, 1000);
      reconnectTimer.unref();
    }
  }

  const send = (): void => {
    if (sending) {
      queued = true;
      return;
    }
    sending = sendQueued().finally(() => (sending = undefined));
  };

  const sendQueued = async (): Promise<void> => {
    try {
      do {
        queued = false;
        if (!notifier) {
          const client = newClient();
          client.on('error', (error) => {
            if (!closed) onError?.(error);
            if (notifier === client) notifier = undefined;
          });
          if (!(await connectUnlessClosed(client))) return;
          notifier = client;
        }
        await notifier.query(`NOTIFY ${channel}`);
      } while (queued && !closed);
    } catch (error) {
      // Readers of other processes fall back to their slow poll.
      if (!closed) onError?.(error as Error);
      await notifier?.end().catch(() => {});
      notifier = undefined;
    }
  };

  return {
    committed() {
      wakeAll();
      if (!closed) send();
    },
    onWake(l) {
      listeners.add(l);
      if (!listener) void connectListener();
      return () => listeners.delete(l);
    },
    async close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      listeners.clear();
      for (const client of [listener, notifier]) await client?.end().catch(() => {});
      // A connection being opened meanwhile is ended as soon as it is up: none is left behind.
      await Promise.all([connecting, sending]);
      listener = undefined;
      notifier = undefined;
    },
  };
}
