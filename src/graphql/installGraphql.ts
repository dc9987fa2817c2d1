// First: graphql-js decides when it is loaded whether to run its development checks.
import './productionMode';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import { resolveAuthSecret } from '../auth/authSecret';
import { AuthenticationFailed, createTokenVerifier } from '../auth/tokenVerifier';
import type { ServiceParts } from '../main';
import { buildGraphqlSchema } from './buildGraphqlSchema';
import { createGraphqlContext, type GraphqlContext, type GraphqlServices } from './context';
import { unauthenticated } from './errors';
import { serviceUnavailableStatus } from './databaseUnavailable';
import { createFormatError } from './formatError';
import { complexityPlugin } from './limits/complexityPlugin';
import { depthLimit } from './limits/depthLimit';
import { wellFormedTextPlugin } from './edge/wellFormedText';

/**
 * POST /graphql: the public API (Apollo Server on the service's Fastify
 * instance). Every request needs an `Authorization: Bearer <token>`; the
 * token's caller, with the request's own DataLoaders, is the resolvers'
 * context. The route exists once this resolves, before the server listens.
 */
export async function installGraphql(
  parts: Pick<ServiceParts, 'config' | 'log' | 'database' | 'eventStore' | 'app' | 'onStop'>,
): Promise<ApolloServer<GraphqlContext>> {
  const { config, app, database, eventStore } = parts;
  const log = parts.log.child({ component: 'graphql' });
  const schema = buildGraphqlSchema();
  const development = config.nodeEnv === 'development';
  const verifier = createTokenVerifier(resolveAuthSecret(config));
  const services: GraphqlServices = { db: database.db, eventStore, now: () => new Date() };

  const apollo = new ApolloServer<GraphqlContext>({
    schema,
    introspection: true, // admin tools need it
    csrfPrevention: true,
    includeStacktraceInErrorResponses: development,
    formatError: createFormatError(log, development),
    validationRules: [depthLimit()],
    plugins: [
      wellFormedTextPlugin(),
      complexityPlugin(schema),
      serviceUnavailableStatus,
      // Cache hints would cost a hook per resolved field, and nothing caches these responses.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
    ],
    logger: log,
  });
  await apollo.start();
  parts.onStop(() => apollo.stop());

  app.post(
    '/graphql',
    fastifyApolloHandler(apollo, {
      context: async (request) => {
        try {
          const viewer = await verifier.verify(request.headers.authorization);
          return createGraphqlContext(services, viewer);
        } catch (error) {
          if (error instanceof AuthenticationFailed) throw unauthenticated(error.message);
          throw error;
        }
      },
    }),
  );
  return apollo;
}
