import 'reflect-metadata';
import { Logger, type ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger as PinoLogger } from 'pino';
import { AppModule } from './app.module.js';
import { registerAuditHook } from './audit/audit-http.hook.js';
import { PinoNestLogger } from './common/logger.js';
import type { AppConfig } from './config/config.schema.js';
import type { Database } from './database/database.js';
import { configureHttp, fastifyOptions } from './http/configure-http.js';
import { setupOpenApi } from './http/openapi.js';
import { configureRateLimit } from './http/rate-limit.js';
import { serveWebApp } from './http/web-app.js';
import { LifecycleService } from './lifecycle/lifecycle.service.js';

export interface ServerOptions {
  config: AppConfig;
  database: Database;
  logger: PinoLogger;
  imports?: ModuleMetadata['imports'];
  webRoot?: string;
}

export async function createServer(options: ServerOptions): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({
      config: options.config,
      database: options.database,
      ...(options.imports ? { imports: options.imports } : {}),
    }),
    new FastifyAdapter(fastifyOptions(options.config, options.logger)),
    { logger: new PinoNestLogger(options.logger), abortOnError: false },
  );
  await configureHttp(app, options.config);
  const rateLimit = await configureRateLimit(app, options.config, options.logger);
  app.get(LifecycleService).onClose(() => rateLimit.close());
  registerAuditHook(app);
  setupOpenApi(app);
  await serveWebApp(app, options.webRoot);
  await app.init();
  return app;
}

/**
 * Graceful shutdown: readiness turns 503 at once; after `SHUTDOWN_DELAY_MS` (time for load balancers
 * to notice) the listener closes, idle keep-alive sockets close, in-flight requests finish, then the
 * database closes. Resolves to the exit code: 0, or 1 when the grace period ran out.
 */
export async function shutdown(
  app: NestFastifyApplication,
  config: Pick<AppConfig, 'SHUTDOWN_DELAY_MS' | 'SHUTDOWN_GRACE_MS'>,
  signal: string,
): Promise<number> {
  const logger = new Logger('lifecycle');
  const started = Date.now();
  app.get(LifecycleService).beginShutdown();
  logger.log(`${signal} received: not ready; draining (grace ${config.SHUTDOWN_GRACE_MS} ms)`);
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), config.SHUTDOWN_GRACE_MS);
  });
  const httpServer = app.getHttpAdapter().getInstance().server;
  let idleSweep: NodeJS.Timeout | undefined;
  const drained = (async () => {
    if (config.SHUTDOWN_DELAY_MS > 0) {
      await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DELAY_MS));
    }
    // close() drops the sockets idle at that moment; a keep-alive socket whose request finishes
    // later would otherwise hold the process until its keep-alive timeout.
    idleSweep = setInterval(() => httpServer.closeIdleConnections(), 100);
    await app.close();
    return 'closed' as const;
  })();
  const outcome = await Promise.race([drained, graceOver]);
  clearTimeout(timer);
  clearInterval(idleSweep);
  if (outcome === 'timeout') {
    logger.error(
      `shutdown exceeded SHUTDOWN_GRACE_MS (${config.SHUTDOWN_GRACE_MS} ms); closing connections`,
    );
    httpServer.closeAllConnections();
    return 1;
  }
  logger.log(`stopped cleanly in ${Date.now() - started} ms`);
  return 0;
}
