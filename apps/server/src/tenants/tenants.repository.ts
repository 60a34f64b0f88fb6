import { Inject, Injectable } from '@nestjs/common';
import type { ListTenantsQuery } from '@ecogrid/contracts';
import { sql, type Selectable, type Updateable } from 'kysely';
import { Database } from '../database/database.js';
import { listPage, sortBy } from '../database/list-page.js';
import { inScope, type ScopedTransaction } from '../database/scope.js';
import { likePattern } from '../database/like.js';
import type { DB, Tenants } from '../database/schema.generated.js';

export type TenantRow = Selectable<Tenants>;

/** Tenants are managed platform-wide: every method runs in the platform scope. */
@Injectable()
export class TenantsRepository {
  constructor(@Inject(Database) private readonly database: Database) {}

  transaction<T>(work: (trx: ScopedTransaction) => Promise<T>): Promise<T> {
    return inScope(this.database.db, 'platform', work);
  }

  async list(
    trx: ScopedTransaction,
    query: ListTenantsQuery,
  ): Promise<{ rows: TenantRow[]; total: number }> {
    let filtered = trx.selectFrom('tenants');
    if (query.search) {
      const pattern = likePattern(query.search);
      filtered = filtered.where((eb) =>
        eb.or([eb('name', 'ilike', pattern), eb('slug', 'ilike', pattern)]),
      );
    }
    if (query.status) filtered = filtered.where('status', '=', query.status);
    return listPage<DB, 'tenants', TenantRow>(filtered, sortBy(sql`lower(name)`, false), query);
  }

  findById(trx: ScopedTransaction, id: string): Promise<TenantRow | undefined> {
    return trx.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findBySlug(trx: ScopedTransaction, slug: string): Promise<TenantRow | undefined> {
    return trx.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
  }

  insert(
    trx: ScopedTransaction,
    tenant: { name: string; slug: string; settings: unknown },
  ): Promise<TenantRow> {
    return trx
      .insertInto('tenants')
      .values({
        name: tenant.name,
        slug: tenant.slug,
        settings: JSON.stringify(tenant.settings ?? {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  update(trx: ScopedTransaction, id: string, changes: Updateable<Tenants>): Promise<TenantRow> {
    return trx
      .updateTable('tenants')
      .set({ ...changes, updated_at: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}
