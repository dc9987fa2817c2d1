import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

/** The project's root: the nearest folder above this file holding package.json (from src/ or dist/src/). */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'admin')))
      return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '../..');
  }
}

/** Where `npm run build` (run by `npm install`) puts the admin app. */
export const ADMIN_APP_DIR = path.join(projectRoot(__dirname), 'dist', 'admin');

/** Its pages may load only what the same server serves, and talk only to it (the API, its WebSocket). */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * GET /admin: the admin web app, a single-page app on the public GraphQL API.
 * Its hashed assets are cached for a year; any other path under /admin is
 * the app's index.html, so a reload or a shared link opens the same screen.
 */
export async function registerAdminApp(
  app: FastifyInstance,
  log: Logger,
  root = ADMIN_APP_DIR,
): Promise<void> {
  if (!existsSync(path.join(root, 'index.html'))) {
    log.warn({ root }, 'the admin app is not built (npm run build); /admin answers 404');
    return;
  }
  await app.register(async (admin) => {
    admin.addHook('onSend', async (_request, reply) => {
      void reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      void reply.header('x-content-type-options', 'nosniff');
      void reply.header('referrer-policy', 'no-referrer');
    });
    await admin.register(fastifyStatic, {
      root,
      prefix: '/admin/',
      wildcard: false, // each built file gets its route; the fallback below takes the rest
      index: false,
      preCompressed: true, // the .br and .gz that npm run build writes beside each file
      globIgnore: ['**/*.br', '**/*.gz'],
      cacheControl: false,
      setHeaders: (response, filePath) => {
        response.setHeader(
          'cache-control',
          filePath.includes(`${path.sep}assets${path.sep}`)
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
        );
      },
    });
    const index = (request: FastifyRequest, reply: FastifyReply) => {
      // A missing asset is missing, not the app: a stale page must not take HTML for script.
      if (request.url.startsWith('/admin/assets/'))
        return reply.code(404).send({ error: 'no such asset' });
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    };
    admin.get('/admin', index);
    admin.get('/admin/*', index);
  });
}
