import { describe, expect, it } from '@jest/globals';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import pino from 'pino';
import { Writable } from 'node:stream';
import { htmlPage, registerBrowserRoutes } from '../../src/http/htmlPage';

describe('the routes a browser opens', () => {
  it('answer an unexpected failure with a page, and log it without the query (a one-time code, a state)', async () => {
    let logged = '';
    const log = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          logged += chunk.toString();
          done();
        },
      }),
    );
    // As serve builds it (src/main.ts): no log line per request.
    const httpLog: FastifyBaseLogger = log;
    const app = Fastify({
      loggerInstance: httpLog,
      logController: new LogController({ disableRequestLogging: true }),
    });
    registerBrowserRoutes(app, log, (scope) => {
      scope.get('/auth/example/callback', () =>
        Promise.reject(new Error('the database went away')),
      );
      scope.get('/auth/example', (_request, reply) => htmlPage(reply, 200, 'Fine', 'a <b>'));
    });
    const failed = await app.inject({
      method: 'GET',
      url: '/auth/example/callback?code=ONE-TIME-CODE-123&state=STATE-456',
    });
    expect(failed.statusCode).toBe(500);
    expect(failed.headers['content-type']).toMatch(/^text\/html/);
    expect(failed.body).toContain('Something went wrong');
    expect(failed.body).not.toContain('database');
    expect(logged).toContain('the database went away');
    expect(logged).toContain('/auth/example/callback');
    expect(logged).not.toContain('ONE-TIME-CODE-123');
    expect(logged).not.toContain('STATE-456');

    const fine = await app.inject({ method: 'GET', url: '/auth/example' });
    expect(fine.statusCode).toBe(200);
    expect(fine.headers['cache-control']).toBe('no-store');
    expect(fine.body).toContain('a &#60;b&#62;');
    await app.close();
  });
});
