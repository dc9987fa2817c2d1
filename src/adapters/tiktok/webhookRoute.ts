import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { parseJsonKeepingBigIntegers } from './parseJsonKeepingBigIntegers';
import {
  parseWebhook,
  SELLER_DEAUTHORIZATION_TYPE,
  type TikTokSellerDeauthorization,
} from './parseWebhook';
import { verifyWebhookSignature, type WebhookSigningKeys } from './verifyWebhookSignature';
import type { WebhookMetrics, WebhookReceivedOutcome } from './webhookMetrics';
import type { WebhookReceiver } from './webhookReceiver';

export const TIKTOK_WEBHOOK_PATH = '/webhooks/tiktok-shop';

/** applied: the store is revoked (now or before); stale: it authorized again since; unknown_shop: no store (acknowledged, ignored). */
export type DeauthorizationReceipt = 'applied' | 'stale' | 'unknown_shop';

export interface TikTokWebhookRouteOptions {
  /** Applies a seller deauthorization before the answer (TikTok redelivers on a failure). */
  deauthorize: (notification: TikTokSellerDeauthorization) => Promise<DeauthorizationReceipt>;
  /** Null when TIKTOK_APP_KEY / TIKTOK_APP_SECRET are not set: every delivery is refused with 503. */
  signingKeys: WebhookSigningKeys | null;
  receiver: WebhookReceiver;
  metrics: WebhookMetrics;
  log: Logger;
}

/**
 * POST /webhooks/tiktok-shop. The signature covers the body's exact bytes,
 * so the route reads them raw; it lives in a context of its own (a plugin
 * without fastify-plugin), so its raw parser leaves every other route's
 * JSON parsing alone. Bodies above the server's bodyLimit are refused with
 * 413 before the handler runs.
 */
export function registerTikTokWebhookRoute(
  app: FastifyInstance,
  { signingKeys, receiver, deauthorize, metrics, log }: TikTokWebhookRouteOptions,
): void {
  const answer = (
    reply: FastifyReply,
    outcome: WebhookReceivedOutcome,
    status: number,
    body: Record<string, unknown>,
  ) => {
    metrics.received(outcome);
    return reply.code(status).send(body);
  };

  void app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    // Any content type, even none: TikTok's is application/json, and a refusal would only make it retry.
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body);
    });
    // Runs before the error handler has set the reply's status: the error carries it.
    scope.addHook('onError', async (_request, _reply, error) => {
      const status = error.statusCode ?? 500;
      metrics.received(status === 413 ? 'too_large' : status < 500 ? 'invalid' : 'error');
    });

    scope.post(TIKTOK_WEBHOOK_PATH, async (request, reply) => {
      if (signingKeys === null) {
        return answer(reply, 'not_configured', 503, {
          error: 'NOT_CONFIGURED',
          message:
            'TikTok Shop webhooks are not configured: set TIKTOK_APP_KEY and TIKTOK_APP_SECRET so their signatures can be verified',
        });
      }
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const authorization = request.headers.authorization;
      if (!verifyWebhookSignature({ rawBody, authorization, ...signingKeys })) {
        log.warn(
          { ip: request.ip, signed: authorization !== undefined },
          'refused a TikTok Shop webhook with a missing or wrong signature',
        );
        return answer(reply, 'unauthorized', 401, {
          error: 'UNAUTHORIZED',
          message: 'the Authorization header is not the TikTok Shop signature of this body',
        });
      }

      let json: unknown;
      try {
        json = parseJsonKeepingBigIntegers(rawBody);
      } catch (error) {
        return answer(reply, 'invalid', 400, {
          error: 'INVALID_WEBHOOK',
          code: 'INVALID_JSON',
          field: null,
          message: `the body is not JSON: ${(error as Error).message}`,
        });
      }
      const parsed = parseWebhook(json);
      if (!parsed.ok) {
        log.warn(
          { rejection: parsed.rejection },
          'refused a signed but malformed TikTok Shop webhook',
        );
        return answer(reply, 'invalid', 400, {
          error: 'INVALID_WEBHOOK',
          code: parsed.rejection.code,
          field: parsed.rejection.field,
          message: parsed.rejection.reason,
        });
      }

      const notification = parsed.notification;
      const about = {
        correlationId: notification.notificationId,
        tiktokShopId: notification.shopId,
      };
      if (notification.kind === 'ignored') {
        log.debug({ ...about, type: notification.type }, 'ignored a TikTok Shop notification');
        return answer(reply, 'ignored', 200, { status: 'ignored', type: notification.type });
      }
      if (notification.kind === 'sellerDeauthorization') {
        const receipt = await deauthorize(notification);
        if (receipt === 'unknown_shop') {
          // Nothing of ours to revoke; refusing would only make TikTok redeliver.
          log.info(
            about,
            'ignored a TikTok Shop deauthorization for a shop no store is connected to',
          );
          return answer(reply, 'ignored', 200, {
            status: 'ignored',
            type: SELLER_DEAUTHORIZATION_TYPE,
          });
        }
        log.info({ ...about, receipt }, 'TikTok Shop deauthorized a store');
        return answer(reply, 'deauthorized', 200, {
          status: receipt === 'stale' ? 'ignored' : 'deauthorized',
        });
      }

      const receipt = await receiver.receive(notification, rawBody);
      const order = {
        ...about,
        tiktokOrderId: notification.orderId,
        ...(notification.kind === 'orderFactChange'
          ? { type: notification.type, factStatus: notification.factStatus }
          : { status: notification.status }),
      };
      switch (receipt) {
        case 'unknown_shop':
          log.warn(order, 'refused a TikTok Shop webhook for a shop no store is connected to');
          return answer(reply, 'unknown_shop', 404, {
            error: 'UNKNOWN_SHOP',
            message: `no store is connected to TikTok shop ${notification.shopId}`,
          });
        case 'duplicate':
          log.debug(order, 'TikTok Shop redelivered a notification');
          return answer(reply, 'duplicate', 200, { status: 'duplicate' });
        case 'accepted':
          log.info(order, 'accepted a TikTok Shop notification');
          return answer(reply, 'accepted', 200, { status: 'accepted' });
        default: {
          const _exhaustive: never = receipt;
          return _exhaustive;
        }
      }
    });
    done();
  });
}
