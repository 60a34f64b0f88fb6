import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { Database } from '../database/database.js';
import { inScope } from '../database/scope.js';

export interface DeadLetter {
  tenantId: string | null;
  deviceId: string | null;
  reason: string;
  detail: string;
  metric: string | null;
  raw: string | null;
  transport: 'mqtt' | 'http';
}

/** Rejected input, kept for inspection; bounded per tenant by `prune`. */
@Injectable()
export class DeadLettersRepository {
  constructor(@Inject(Database) private readonly database: Database) {}

  async insert(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await inScope(this.database.db, 'platform', (trx) =>
      trx
        .insertInto('ingest_dead_letters')
        .values(
          letters.map((letter) => ({
            tenant_id: letter.tenantId,
            device_id: letter.deviceId,
            reason: letter.reason.slice(0, 64),
            detail: letter.detail.slice(0, 1000),
            metric: letter.metric?.slice(0, 64) ?? null,
            raw: letter.raw?.slice(0, 2048) ?? null,
            transport: letter.transport,
          })),
        )
        .execute(),
    );
  }

  list(tenantId: string, page: { limit: number; offset: number }, reason?: string) {
    return inScope(this.database.db, { tenantId }, async (trx) => {
      let query = trx.selectFrom('ingest_dead_letters').where('tenant_id', '=', tenantId);
      if (reason) query = query.where('reason', '=', reason);
      const [rows, count] = await Promise.all([
        query
          .selectAll()
          .orderBy('received_at', 'desc')
          .orderBy('id', 'desc')
          .limit(page.limit)
          .offset(page.offset)
          .execute(),
        query.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow(),
      ]);
      return { rows, total: Number(count.total) };
    });
  }

  /** Keeps at most `keepPerTenant` newest letters per tenant (and per unattributed sender). */
  async prune(keepPerTenant: number): Promise<number> {
    return inScope(this.database.db, 'platform', async (trx) => {
      const result = await sql`
        delete from ingest_dead_letters where id in (
          select id from (
            select id, row_number() over (partition by tenant_id order by id desc) as position
            from ingest_dead_letters) ranked
          where position > ${keepPerTenant})`.execute(trx);
      return Number(result.numAffectedRows ?? 0);
    });
  }
}
