import type { FastifyInstance } from 'fastify';

export interface Readiness {
  /** Null when ready, else why not. */
  check(): Promise<string | null>;
}

/** GET /healthz: the process is up. GET /readyz: the database is reachable and migrated, else 503. */
export function registerHealthRoutes(app: FastifyInstance, readiness: Readiness): void {
  app.get('/healthz', (_request, reply) => reply.send({ status: 'up' }));
  app.get('/readyz', async (_request, reply) => {
    const problem = await readiness.check();
    if (problem !== null) return reply.code(503).send({ status: 'not ready', reason: problem });
    return { status: 'ready' };
  });
}
