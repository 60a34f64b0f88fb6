import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Role } from '@ecogrid/contracts';
import type { FastifyRequest } from 'fastify';
import type { DataScope } from '../database/scope.js';
import type { AuthenticatedDevice } from '../devices/device-auth.service.js';

/** The authenticated caller, as the guard established it for this request. */
export interface Principal {
  userId: string;
  username: string;
  sessionId: string;
  isPlatformAdmin: boolean;
  role: Role | null;
  /** The user's own tenant (null for platform admins). */
  homeTenantId: string | null;
  /** The tenant this request acts in: the user's own, or the one a platform admin named. */
  tenantId: string | null;
  /** Null: every site of the tenant. */
  siteIds: string[] | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** Set instead of `principal` on routes that devices call with their own credentials. */
    device?: AuthenticatedDevice;
  }
}

/** The data scope of a request that must act inside one tenant, limited to the user's sites. */
export function tenantScopeOf(principal: Principal): Exclude<DataScope, 'platform'> {
  if (!principal.tenantId) throw new Error('route declared without a tenant context');
  return { tenantId: principal.tenantId, siteIds: principal.siteIds };
}

export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
    if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
    return principal;
  },
);
