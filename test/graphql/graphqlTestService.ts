import type { Viewer } from '../../src/auth/viewer';
import { signToken } from '../../src/auth/signToken';
import type { CommandContext } from '../../src/commands/commandContext';
import { loadConfig } from '../../src/config';
import type { DatabaseHandle } from '../../src/db/database';
import { installGraphql } from '../../src/graphql/installGraphql';
import type { ServiceParts } from '../../src/serviceParts';
import { installProjections } from '../../src/projections/installProjections';
import { caughtUp } from '../support/projectionSupport';
import { tempDataDir } from '../support/cli';
import { testServiceParts } from '../support/serviceParts';

export const AUTH_SECRET = 'graphql-test-secret-0123456789abcdefghij';

export interface GraphqlResponse<Data = Record<string, unknown>> {
  status: number;
  body: {
    data?: Data | null;
    errors?: Array<{
      message: string;
      path?: Array<string | number>;
      extensions?: Record<string, unknown> & { code?: string };
    }>;
    extensions?: Record<string, unknown>;
  };
}

export interface GraphqlTestService {
  parts: ServiceParts;
  /** http://127.0.0.1:port */
  url: string;
  /** POST /graphql as the viewer (admin by default); `token: null` sends none. */
  query<Data = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { as?: Viewer; token?: string | null },
  ): Promise<GraphqlResponse<Data>>;
  /** Commands as a test writes them (the clock is real, the actor "test"). */
  commands: CommandContext;
  /** Waits until the read models hold every event written so far. */
  caughtUp(): Promise<void>;
  stop(): Promise<void>;
}

export const admin: Viewer = { role: 'admin', sub: 'test-admin' };
export const storeViewer = (storeId: string): Viewer => ({
  role: 'store',
  sub: `test-store-${storeId.slice(0, 8)}`,
  storeId,
});

export function tokenFor(viewer: Viewer, expiresIn = '1h'): Promise<string> {
  return signToken(AUTH_SECRET, viewer, expiresIn);
}

/**
 * The service's parts as src/main.ts builds them (same Fastify options),
 * with the projections (unless told otherwise) and the GraphQL API, on a real
 * HTTP port: the API as clients reach it.
 */
export async function startGraphqlTestService(
  database: DatabaseHandle,
  { env = {}, projections = true }: { env?: NodeJS.ProcessEnv; projections?: boolean } = {},
): Promise<GraphqlTestService> {
  const config = loadConfig({
    DATABASE_URL: database.url,
    AUTH_SECRET,
    DATA_DIR: tempDataDir(),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const { parts, stop } = testServiceParts(database, config);
  if (projections) installProjections(parts);
  await installGraphql(parts);
  await parts.app.listen({ port: 0, host: '127.0.0.1' });
  parts.onStop(() => parts.app.close());
  const address = parts.app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const tokens = new Map<Viewer, Promise<string>>();

  return {
    parts,
    url,
    async query(query, variables, { as = admin, token } = {}) {
      if (!tokens.has(as)) tokens.set(as, tokenFor(as));
      const bearer = token === undefined ? await tokens.get(as)! : token;
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as never };
    },
    commands: {
      eventStore: parts.eventStore,
      now: () => new Date(),
      metadata: { correlationId: 'graphql-test', actor: 'test' },
    },
    caughtUp: () => caughtUp(database.db, parts.eventStore),
    stop,
  };
}
