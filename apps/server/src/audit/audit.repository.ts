import { Inject, Injectable } from '@nestjs/common';
import type { ListAuditQuery } from '@ecogrid/contracts';
import type { Selectable } from 'kysely';
import { Database } from '../database/database.js';
import { inScope, type DataScope, type ScopedTransaction } from '../database/scope.js';
import type { AuditLogs, Json } from '../database/schema.generated.js';

export interface AuditRecord {
  tenantId: string | null;
  userId: string | null;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  oldValues: Json | null;
  newValues: Json | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export type AuditRow = Selectable<AuditLogs>;

export type AuditFilter = Omit<ListAuditQuery, 'page' | 'limit'>;

/** Append-only: this repository can insert and read, nothing else (and the database agrees). */
@Injectable()
export class AuditRepository {
  constructor(@Inject(Database) private readonly database: Database) {}

  async insert(trx: ScopedTransaction, record: AuditRecord): Promise<void> {
    await trx
      .insertInto('audit_logs')
      .values({
        tenant_id: record.tenantId,
        user_id: record.userId,
        action: record.action.slice(0, 64),
        resource_type: record.resourceType?.slice(0, 64) ?? null,
        resource_id: record.resourceId?.slice(0, 128) ?? null,
        old_values: record.oldValues === null ? null : JSON.stringify(record.oldValues),
        new_values: record.newValues === null ? null : JSON.stringify(record.newValues),
        ip: record.ip?.slice(0, 64) ?? null,
        user_agent: record.userAgent?.slice(0, 512) ?? null,
        request_id: record.requestId?.slice(0, 128) ?? null,
      })
      .execute();
  }

  /** Outside any other unit of work: its own transaction in the given scope. */
  insertAlone(scope: DataScope, record: AuditRecord): Promise<void> {
    return inScope(this.database.db, scope, (trx) => this.insert(trx, record));
  }

  list(
    tenantId: string,
    filter: AuditFilter,
    page: { limit: number; offset: number },
  ): Promise<{ rows: AuditRow[]; total: number }> {
    return inScope(this.database.db, { tenantId }, async (trx) => {
      const filtered = this.filtered(trx, tenantId, filter);
      const [rows, count] = await Promise.all([
        filtered
          .selectAll()
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(page.limit)
          .offset(page.offset)
          .execute(),
        filtered.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow(),
      ]);
      return { rows, total: Number(count.total) };
    });
  }

  /** Pages through matching rows, newest first, in batches (for exports). */
  async *stream(
    tenantId: string,
    filter: AuditFilter,
    batchSize = 1000,
  ): AsyncGenerator<AuditRow[]> {
    let before: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const batch = await inScope(this.database.db, { tenantId }, (trx) => {
        let query = this.filtered(trx, tenantId, filter).selectAll();
        if (before) {
          const cursor = before;
          query = query.where((eb) =>
            eb.or([
              eb('created_at', '<', cursor.createdAt),
              eb.and([eb('created_at', '=', cursor.createdAt), eb('id', '<', cursor.id)]),
            ]),
          );
        }
        return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(batchSize).execute();
      });
      if (batch.length === 0) return;
      yield batch;
      const last = batch.at(-1)!;
      before = { createdAt: last.created_at, id: last.id };
      if (batch.length < batchSize) return;
    }
  }

  private filtered(trx: ScopedTransaction, tenantId: string, filter: AuditFilter) {
    let query = trx.selectFrom('audit_logs').where('tenant_id', '=', tenantId);
    if (filter.userId) query = query.where('user_id', '=', filter.userId);
    if (filter.action) query = query.where('action', '=', filter.action);
    if (filter.resourceType) query = query.where('resource_type', '=', filter.resourceType);
    if (filter.resourceId) query = query.where('resource_id', '=', filter.resourceId);
    if (filter.from) query = query.where('created_at', '>=', new Date(filter.from));
    if (filter.to) query = query.where('created_at', '<', new Date(filter.to));
    return query;
  }
}
