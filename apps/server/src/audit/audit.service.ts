import { Inject, Injectable, Logger } from '@nestjs/common';
import { requestContext, type RequestContext } from '../common/request-context.js';
import type { DataScope, ScopedTransaction } from '../database/scope.js';
import type { Json } from '../database/schema.generated.js';
import {
  AuditRepository,
  type AuditFilter,
  type AuditRecord,
  type AuditRow,
} from './audit.repository.js';

export interface AuditEvent {
  action: string;
  /** Defaults to the tenant and user of the current request. */
  tenantId?: string | null;
  userId?: string | null;
  resourceType?: string;
  resourceId?: string;
  oldValues?: unknown;
  newValues?: unknown;
}

const SECRET_KEY = /pass(word)?|secret|token|hash|authorization|cookie/i;

/** Copies a value for the log with every secret-looking field replaced. */
export function withoutSecrets(value: unknown, depth = 0): Json | null {
  if (value === undefined || value === null) return null;
  if (depth > 8) return '[nested]';
  if (Array.isArray(value)) return value.map((item) => withoutSecrets(item, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const copy: Record<string, Json | null> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
      copy[key] = SECRET_KEY.test(key) ? '[redacted]' : withoutSecrets(item, depth + 1);
    }
    return copy;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value;
  return typeof value === 'bigint' ? value.toString() : `[${typeof value}]`;
}

@Injectable()
export class AuditService {
  private readonly logger = new Logger('audit');

  constructor(@Inject(AuditRepository) private readonly repository: AuditRepository) {}

  /** Appends an entry inside the caller's transaction, so the change and its record commit together. */
  async record(trx: ScopedTransaction, event: AuditEvent): Promise<void> {
    const context = requestContext.getStore();
    await this.repository.insert(trx, this.toRecord(event, context));
    if (context) context.audited = true;
  }

  /** Appends an entry in a transaction of its own (security events that change nothing else). */
  async recordAlone(
    scope: DataScope,
    event: AuditEvent,
    context: RequestContext | undefined = requestContext.getStore(),
  ): Promise<void> {
    try {
      await this.repository.insertAlone(scope, this.toRecord(event, context));
      if (context) context.audited = true;
    } catch (error) {
      this.logger.error({ err: error, action: event.action }, 'could not write an audit entry');
    }
  }

  list(tenantId: string, filter: AuditFilter, page: { limit: number; offset: number }) {
    return this.repository.list(tenantId, filter, page);
  }

  stream(tenantId: string, filter: AuditFilter): AsyncGenerator<AuditRow[]> {
    return this.repository.stream(tenantId, filter);
  }

  private toRecord(event: AuditEvent, context: RequestContext | undefined): AuditRecord {
    return {
      tenantId: event.tenantId !== undefined ? event.tenantId : (context?.actor?.tenantId ?? null),
      userId: event.userId !== undefined ? event.userId : (context?.actor?.userId ?? null),
      action: event.action,
      resourceType: event.resourceType ?? null,
      resourceId: event.resourceId ?? null,
      oldValues: withoutSecrets(event.oldValues),
      newValues: withoutSecrets(event.newValues),
      ip: context?.ip ?? null,
      userAgent: context?.userAgent ?? null,
      requestId: context?.requestId ?? null,
    };
  }
}
