import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.schema.js';

interface RateLimits {
  windowMs: number;
  login: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    ecogridRateLimits: RateLimits;
  }
}

/** The stricter limit on login and refresh, per client address. */
export const loginRateLimit = {
  max: (request: FastifyRequest) => request.server.ecogridRateLimits.login,
  timeWindow: (request: FastifyRequest) => request.server.ecogridRateLimits.windowMs,
};

/**
 * A per-client limit on the whole API (`RATE_LIMIT_MAX_REQUESTS` per `RATE_LIMIT_WINDOW_MS`), and
 * the login limit. Counters live in Redis when `REDIS_URL` is set, so replicas share them; if Redis
 * fails the API stays open (and says so in the log) rather than refusing everyone.
 * The client address is `request.ip`, which honours X-Forwarded-For only behind `TRUST_PROXY`.
 */
export async function configureRateLimit(
  app: NestFastifyApplication,
  config: AppConfig,
  logger: Logger,
): Promise<{ close(): Promise<void> }> {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.decorate('ecogridRateLimits', {
    windowMs: config.RATE_LIMIT_WINDOW_MS,
    login: config.LOGIN_RATE_LIMIT_MAX,
  });
  const redis = config.REDIS_URL
    ? new Redis(config.REDIS_URL, {
        connectTimeout: 2_000,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
      })
    : undefined;
  redis?.on('error', (error: Error) =>
    logger.warn({ err: error }, 'rate-limit store (Redis) error'),
  );
  await app.register(rateLimit, {
    global: true,
    max: config.RATE_LIMIT_MAX_REQUESTS,
    timeWindow: config.RATE_LIMIT_WINDOW_MS,
    ...(redis ? { redis, nameSpace: 'ecogrid:rate-limit:' } : {}),
    skipOnError: true,
    // Probes and scrapes must never be throttled.
    allowList: (request) => request.url.startsWith('/api/health') || request.url === '/metrics',
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: `too many requests; retry in ${context.after}`,
    }),
  });
  return {
    async close() {
      if (redis) await redis.quit().catch(() => undefined);
    },
  };
}
