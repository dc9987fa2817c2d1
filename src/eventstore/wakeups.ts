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
  let sending = false;
  let queued = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  /** The LISTEN connection being opened: subscriptions starting meanwhile share it. */
  let connecting: Promise<void> | undefined;

  const wakeAll = () => {
    for (const l of listeners) l();
  };

  const connectListener = (): Promise<void> => {
    if (closed || listener) return Promise.resolve();
    connecting ??= openListener().finally(() => (connecting = undefined));
    return connecting;
  };

  const openListener = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: url });
    client.on('error', (error) => {
      onError?.(error);
      drop(client);
    });
    client.on('end', () => drop(client));
    client.on('notification', wakeAll);
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
      if (closed) return void client.end().catch(() => {});
      listener = client;
      // Anything may have been committed while we were not listening.
      wakeAll();
    } catch (error) {
      onError?.(error as Error);
      drop(client);
      client.end().catch(() => {});
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

  const send = async (): Promise<void> => {
    if (sending) {
      queued = true;
      return;
    }
    sending = true;
    try {
      do {
        queued = false;
        if (!notifier) {
          const client = new pg.Client({ connectionString: url });
          client.on('error', (error) => {
            onError?.(error);
            if (notifier === client) notifier = undefined;
          });
          await client.connect();
          notifier = client;
        }
        await notifier.query(`NOTIFY ${channel}`);
      } while (queued && !closed);
    } catch (error) {
      // Readers of other processes fall back to their slow poll.
      onError?.(error as Error);
      notifier?.end().catch(() => {});
      notifier = undefined;
    } finally {
      sending = false;
    }
  };

  return {
    committed() {
      wakeAll();
      if (!closed) void send();
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
      listener = undefined;
      notifier = undefined;
    },
  };
}
