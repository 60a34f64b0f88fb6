import compress from '@fastify/compress';
import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import { AllExceptionsFilter } from '../common/http-exception.filter.js';
import { BINDS_REQUEST_ID } from '../common/logger.js';
import { requestContext, requestIdFrom } from '../common/request-context.js';
import { SchemaValidationPipe } from '../common/validation.pipe.js';
import { parseOrigins, type AppConfig } from '../config/config.schema.js';
import { MetricsService } from '../metrics/metrics.service.js';

/** Fastify options: request ids, body limit, proxy trust and connection handling on close. */
export function fastifyOptions(config: AppConfig, logger: Logger): FastifyServerOptions {
  return {
    loggerInstance: logger,
    genReqId: (request) => requestIdFrom(request.headers['x-request-id']),
    childLoggerFactory: (parent, bindings, options) => {
      const child = parent.child(bindings, options);
      Object.defineProperty(child, BINDS_REQUEST_ID, { value: true });
      return child;
    },
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Fastify accepts a hop count at run time; its types omit it.
    trustProxy: trustProxyOption(config.TRUST_PROXY) as boolean | string[],
    // On close: idle keep-alive sockets are closed at once, in-flight requests finish.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  };
}

/** `TRUST_PROXY`: empty (trust none), a hop count, or a comma-separated list of addresses/CIDRs. */
export function trustProxyOption(value: string): boolean | number | string[] {
  const trimmed = value.trim();
  if (trimmed === '') return false;
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  return trimmed.split(',').map((entry) => entry.trim());
}

export async function configureHttp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(MetricsService);

  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    const userAgent = request.headers['user-agent'];
    const context = {
      requestId: String(request.id),
      ip: request.ip,
      ...(userAgent ? { userAgent: userAgent.slice(0, 512) } : {}),
    };
    request.ecogridContext = context;
    requestContext.run(context, done);
  });
  // Bulk imports arrive as CSV text, with a larger limit than JSON bodies.
  fastify.addContentTypeParser(
    'text/csv',
    { parseAs: 'string', bodyLimit: 16 * 1024 * 1024 },
    (_request, body, done) => {
      done(null, body);
    },
  );
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeHttp(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  const production = config.NODE_ENV === 'production';
  await app.register(helmet, {
    // Plain-HTTP development must not be told to upgrade to HTTPS.
    hsts: production,
    contentSecurityPolicy: {
      directives: {
        upgradeInsecureRequests: production ? [] : null,
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        workerSrc: ["'self'", 'blob:'],
      },
    },
  });
  await app.register(compress, { threshold: 1024 });

  const origins = parseOrigins(config.CORS_ORIGIN);
  const anyOrigin = origins.includes('*');
  app.enableCors({
    // An allow-list with credentials; "*" (development only) never comes with credentials.
    origin: anyOrigin ? true : origins,
    credentials: !anyOrigin,
    exposedHeaders: ['x-request-id', 'retry-after'],
    maxAge: 600,
  });

  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(new SchemaValidationPipe());
}
