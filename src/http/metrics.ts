import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** One registry per service instance, so several can live in one process (tests). */
export function createMetricsRegistry(): Registry {
  return new Registry();
}

/**
 * The process's own figures (CPU, memory, event loop lag, GC) on the
 * registry: once per process, by the process's composition root (`serve`).
 * prom-client registers a GC observer and an event-loop histogram with Node
 * for the rest of the process's life, with no way to stop them; one per
 * service instance would keep every stopped instance alive (in a jest worker,
 * every test file's modules: 13 MB a file).
 */
export function collectProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry, prefix: 'fbt_sync_' });
}

/** GET /metrics in the Prometheus text format, and request latencies by route. */
export function registerMetricsRoute(app: FastifyInstance, registry: Registry): void {
  const latency = new Histogram({
    name: 'fbt_sync_http_request_duration_seconds',
    help: 'HTTP request latency by route and status code.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    latency.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}
