import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface RequestContext {
  requestId: string;
  ip?: string;
  userAgent?: string;
  /** Set by the auth guard once the caller is known. */
  actor?: { userId: string; tenantId: string | null };
  /** True once the request wrote its own audit entry, so no generic one is added. */
  audited?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The same object the AsyncLocalStorage carries, reachable from hooks that run outside it. */
    ecogridContext?: RequestContext;
  }
}

/** Carries the current request's id through every await, so any log line can name it. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes the caller's X-Request-Id when it is sane, otherwise makes one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const candidate = Array.isArray(header) ? header[0] : header;
  return candidate !== undefined && REQUEST_ID_PATTERN.test(candidate) ? candidate : randomUUID();
}
