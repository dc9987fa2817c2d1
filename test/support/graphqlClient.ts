import { createHmac } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * A GraphQL client written against the public contract only
 * (/work/shared/contract): POST /graphql with an HS256 bearer token. It knows
 * nothing of the service's code, as a partner's client would not.
 */

const base64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

/** An admin token, HS256-signed with the service's AUTH_SECRET (node:crypto, no library). */
export function signAdminToken(secret: string, sub = 'evidence', lifetimeSeconds = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const claims = base64url(
    JSON.stringify({ sub, role: 'admin', iat: now, exp: now + lifetimeSeconds }),
  );
  const signature = createHmac('sha256', secret).update(`${header}.${claims}`).digest();
  return `${header}.${claims}.${base64url(signature)}`;
}

export interface GraphqlError {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string } & Record<string, unknown>;
}

export interface UserError {
  field: string[] | null;
  message: string;
  code: string;
}

/** A request the client gave up on: not retryable, or retried until its deadline. */
export class GraphqlRequestFailed extends Error {
  constructor(
    message: string,
    readonly errors: GraphqlError[] = [],
  ) {
    super(message);
    this.name = 'GraphqlRequestFailed';
  }
}

/**
 * The service instances a client spreads its requests over, round robin. A
 * slot whose process died is skipped until the test puts a live URL in it.
 */
export class Targets {
  private readonly urls: Array<string | null>;
  private next = 0;

  constructor(urls: string[]) {
    this.urls = [...urls];
  }

  /** The next live URL, round robin; undefined when none is live. */
  pick(): string | undefined {
    for (let i = 0; i < this.urls.length; i++) {
      const url = this.urls[this.next++ % this.urls.length];
      if (url) return url;
    }
    return undefined;
  }

  /** The process in this slot is gone: requests go to the others. */
  down(slot: number): void {
    this.urls[slot] = null;
  }

  /** The slot serves again, maybe on another port. */
  up(slot: number, url: string): void {
    this.urls[slot] = url;
  }

  /** Marks the slot of a URL that refused a connection as down, unless it was replaced. */
  refused(url: string): void {
    const slot = this.urls.indexOf(url);
    if (slot >= 0) this.urls[slot] = null;
  }

  get live(): string[] {
    return this.urls.filter((url): url is string => url !== null);
  }
}

export interface ClientStats {
  requests: number;
  /** Attempts that failed with no answer, a 5xx or an internal error, and were sent again. */
  retries: number;
  /** Per kind of failure that was retried: ECONNREFUSED, HTTP 503, INTERNAL_SERVER_ERROR... */
  retriedBecause: Record<string, number>;
  /** Answers with data, per service URL. */
  answeredBy: Record<string, number>;
}

export interface GraphqlClient {
  /** Sends until an answer carries data (retrying what a client would retry), and answers it. */
  request<Data>(query: string, variables?: Record<string, unknown>): Promise<Data>;
  readonly stats: ClientStats;
}

/** Codes of a request that is wrong, not unlucky: sending it again cannot help. */
const NOT_RETRYABLE = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'QUERY_TOO_COMPLEX',
]);

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; name?: string } }).cause;
  return cause?.code ?? cause?.name ?? (error as Error).name ?? 'network';
}

export function createGraphqlClient({
  targets,
  secret,
  retryForMs = 90_000,
  requestTimeoutMs = 30_000,
}: {
  targets: Targets;
  secret: string;
  /** How long one request is retried before the client gives up. */
  retryForMs?: number;
  requestTimeoutMs?: number;
}): GraphqlClient {
  const token = signAdminToken(secret);
  const stats: ClientStats = { requests: 0, retries: 0, retriedBecause: {}, answeredBy: {} };
  const retried = (why: string) => {
    stats.retries++;
    stats.retriedBecause[why] = (stats.retriedBecause[why] ?? 0) + 1;
  };

  return {
    stats,
    async request<Data>(query: string, variables: Record<string, unknown> = {}): Promise<Data> {
      stats.requests++;
      const deadline = Date.now() + retryForMs;
      let lastProblem = '';
      for (let attempt = 1; ; attempt++) {
        if (attempt > 1) {
          if (Date.now() > deadline)
            throw new GraphqlRequestFailed(`gave up after ${attempt - 1} attempts: ${lastProblem}`);
          await delay(Math.min(25 * 2 ** Math.min(attempt, 6), 1000));
        }
        const url = targets.pick();
        if (url === undefined) {
          lastProblem = 'no live service';
          continue;
        }
        let response: Response;
        try {
          response = await fetch(`${url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query, variables }),
            signal: AbortSignal.timeout(requestTimeoutMs),
          });
        } catch (error) {
          // No answer: the process died before or while answering. The request may
          // or may not have been applied; the mutations are idempotent, so send it again.
          const why = causeOf(error);
          if (why === 'ECONNREFUSED') targets.refused(url);
          lastProblem = `${url}: ${why}`;
          retried(why);
          continue;
        }
        const text = await response.text().catch((error: unknown) => {
          lastProblem = `${url}: body lost (${causeOf(error)})`;
          return null;
        });
        if (text === null) {
          retried('body lost');
          continue;
        }
        let body: { data?: Data | null; errors?: GraphqlError[] };
        try {
          body = JSON.parse(text) as typeof body;
        } catch {
          if (response.status >= 500) {
            lastProblem = `HTTP ${response.status}: ${text.slice(0, 200)}`;
            retried(`HTTP ${response.status}`);
            continue;
          }
          throw new GraphqlRequestFailed(
            `HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`,
          );
        }
        const errors = body.errors ?? [];
        if (errors.some((e) => NOT_RETRYABLE.has(e.extensions?.code ?? ''))) {
          throw new GraphqlRequestFailed(
            `HTTP ${response.status}: ${errors.map((e) => `${e.extensions?.code}: ${e.message}`).join('; ')}`,
            errors,
          );
        }
        if (response.status >= 500 || errors.length > 0 || body.data == null) {
          const why = errors[0]?.extensions?.code ?? `HTTP ${response.status}`;
          lastProblem = `${url}: ${why}: ${errors[0]?.message ?? text.slice(0, 200)}`;
          retried(why);
          continue;
        }
        stats.answeredBy[url] = (stats.answeredBy[url] ?? 0) + 1;
        return body.data;
      }
    },
  };
}
