import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AuditService } from './audit.service.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every mutating request leaves an audit entry: domain services write rich ones (old and new
 * values); any request that did not — refused, invalid, or a route without its own — gets a
 * generic one here, with its outcome.
 */
export function registerAuditHook(app: NestFastifyApplication): void {
  const audit = app.get(AuditService);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onResponse', async (request, reply) => {
    const context = request.ecogridContext;
    const route = request.routeOptions.url;
    if (!MUTATING.has(request.method) || !route || !context || context.audited) return;
    // Throttled requests are counted, not written: a flood must not become a flood of inserts.
    if (reply.statusCode === 429) return;
    const actor = context.actor;
    await audit.recordAlone(
      actor?.tenantId ? { tenantId: actor.tenantId } : 'platform',
      {
        action: `http.${request.method.toLowerCase()}`,
        tenantId: actor?.tenantId ?? null,
        userId: actor?.userId ?? null,
        resourceType: 'route',
        resourceId: route,
        newValues: { statusCode: reply.statusCode },
      },
      context,
    );
  });
}
