import type { FastifyInstance } from 'fastify';
import {
  type ExecutionArgs,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  getOperationAST,
  OperationTypeNode,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { AuthenticationFailed, type TokenVerifier } from '../auth/tokenVerifier';
import type { Viewer } from '../auth/viewer';
import { createGraphqlContext } from './context';
import type { GraphqlServices } from './graphqlServices';
import { ErrorCode } from './errors';
import { createComplexityCheck } from './limits/complexityPlugin';
import { depthLimit } from './limits/depthLimit';

/** A subscription document is small; anything larger is refused before it is parsed. */
const MAX_DOCUMENT_LENGTH = 10_000;
/** Every push runs the selection again: a subscription may cost a tenth of a query. */
export const MAX_SUBSCRIPTION_COMPLEXITY = 1_000;
/** Subscriptions one connection may hold at once. */
const MAX_SUBSCRIPTIONS_PER_CONNECTION = 20;

export interface SubscriptionServer {
  close(): Promise<void>;
}

/**
 * GraphQL subscriptions over graphql-ws (the `graphql-transport-ws`
 * protocol) on the same server and path as the API: a WebSocket upgrade of
 * /graphql. The connection's `connectionParams.authorization` is the same
 * `Bearer <token>` the HTTP API takes, checked once at connection time;
 * a bad one closes the socket with 4403. Only subscription operations run
 * here: queries and mutations go through POST /graphql, with its cache,
 * limits and read-your-writes.
 */
export function installSubscriptions({
  app,
  schema,
  verifier,
  services,
  formatError,
  development,
}: {
  app: FastifyInstance;
  schema: GraphQLSchema;
  verifier: TokenVerifier;
  services: GraphqlServices;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  development: boolean;
}): SubscriptionServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  app.server.on('upgrade', (request, socket, head) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/graphql') return void socket.destroy();
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });
  const viewers = new WeakMap<object, Viewer>();
  // The token each connection signed in with: checked again at every
  // subscribe and push, so a socket outlives no token's expiry.
  const authorizations = new WeakMap<object, string | undefined>();
  const active = new WeakMap<object, number>();
  const rules = [...specifiedRules, depthLimit()];
  const complexity = createComplexityCheck(schema, MAX_SUBSCRIPTION_COMPLEXITY);

  async function stillSignedIn(socket: object): Promise<boolean> {
    try {
      await verifier.verify(authorizations.get(socket));
      return true;
    } catch (error) {
      if (error instanceof AuthenticationFailed) return false;
      throw error;
    }
  }

  const disposable = useServer(
    {
      schema,
      isProd: !development,
      async onConnect(ctx) {
        const given = ctx.connectionParams?.authorization;
        const authorization = typeof given === 'string' ? given : undefined;
        try {
          viewers.set(ctx.extra.socket, await verifier.verify(authorization));
          authorizations.set(ctx.extra.socket, authorization);
          return true;
        } catch (error) {
          if (error instanceof AuthenticationFailed) return false;
          throw error;
        }
      },
      async onSubscribe(ctx, _id, payload): Promise<ExecutionArgs | readonly GraphQLError[]> {
        const viewer = viewers.get(ctx.extra.socket);
        if (viewer === undefined) return [requestError('not authenticated', 'UNAUTHENTICATED')];
        if (!(await stillSignedIn(ctx.extra.socket)))
          return [
            requestError('the token has expired: connect again with a new one', 'UNAUTHENTICATED'),
          ];
        if (payload.query.length > MAX_DOCUMENT_LENGTH)
          return [requestError('the document is too long', 'BAD_REQUEST')];
        if ((active.get(ctx.extra.socket) ?? 0) >= MAX_SUBSCRIPTIONS_PER_CONNECTION)
          return [requestError('too many subscriptions on this connection', 'BAD_REQUEST')];
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error as GraphQLError];
        }
        const errors = validate(schema, document, rules);
        if (errors.length > 0) return errors;
        const operation = getOperationAST(document, payload.operationName);
        if (operation?.operation !== OperationTypeNode.SUBSCRIPTION)
          return [
            requestError(
              'only subscriptions run over WebSocket; send queries and mutations to POST /graphql',
              'BAD_REQUEST',
            ),
          ];
        const tooComplex = complexity(
          document,
          operation,
          payload.operationName ?? undefined,
          payload.variables ?? {},
        );
        if (tooComplex !== undefined) return [tooComplex];
        active.set(ctx.extra.socket, (active.get(ctx.extra.socket) ?? 0) + 1);
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: createGraphqlContext(services, viewer),
        };
      },
      onComplete(ctx) {
        active.set(ctx.extra.socket, Math.max(0, (active.get(ctx.extra.socket) ?? 1) - 1));
      },
      // Errors go out as over HTTP: a bug's message stays in the log.
      async onNext(ctx, _id, _payload, _args, result) {
        if (!(await stillSignedIn(ctx.extra.socket))) {
          // 4401, graphql-ws's Unauthorized: the client signs in again.
          ctx.extra.socket.close(4401, 'Unauthorized: the token has expired');
          // Nothing of the change goes out, should anything still be sent.
          return { errors: [requestError('the token has expired', 'UNAUTHENTICATED').toJSON()] };
        }
        if (result.errors === undefined) return;
        return {
          ...result,
          errors: result.errors.map((error) => formatError(error.toJSON(), error)),
        };
      },
    },
    wss,
  );
  // Open sockets would hold the HTTP server's close: they go first.
  app.addHook('preClose', async () => {
    await disposable.dispose();
  });
  return {
    async close() {
      await disposable.dispose();
    },
  };
}

function requestError(message: string, code: keyof typeof ErrorCode): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode[code] } });
}
