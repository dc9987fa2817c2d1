import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A small HTML page for a person's browser (the install and authorization
 * routes): a title and one paragraph, escaped, never cached.
 */
export function htmlPage(reply: FastifyReply, status: number, title: string, text: string) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · fbt-sync</title></head>` +
        `<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></main></body></html>\n`,
    );
}

/**
 * Routes a person's browser opens (installs and authorizations), in a
 * context of their own whose errors are answered with a page and logged
 * without the request's address: its query holds a one-time code and a
 * state, which stay out of the log.
 */
export function registerBrowserRoutes(
  app: FastifyInstance,
  log: Logger,
  routes: (scope: FastifyInstance) => void,
): void {
  void app.register((scope, _options, done) => {
    scope.setErrorHandler((error, request, reply) => {
      log.error(
        { err: error, method: request.method, route: request.routeOptions.url },
        'a browser route failed',
      );
      return htmlPage(
        reply,
        500,
        'Something went wrong',
        'fbt-sync could not finish this step. Nothing was changed by it; start again.',
      );
    });
    routes(scope);
    done();
  });
}
