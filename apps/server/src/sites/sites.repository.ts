import { Inject, Injectable } from '@nestjs/common';
import type { ListSitesQuery } from '@ecogrid/contracts';
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import { Database } from '../database/database.js';
import { listPage, sortBy } from '../database/list-page.js';
import { inScope, type DataScope, type ScopedTransaction } from '../database/scope.js';
import type { DB, Sites } from '../database/schema.generated.js';
import { likePattern } from '../database/like.js';

export type SiteRow = Selectable<Sites>;

const SORT_COLUMNS = {
  name: sql`lower(name)`,
  capacityKw: sql`capacity_kw`,
  createdAt: sql`created_at`,
} as const;

@Injectable()
export class SitesRepository {
  constructor(@Inject(Database) private readonly database: Database) {}

  transaction<T>(scope: DataScope, work: (trx: ScopedTransaction) => Promise<T>): Promise<T> {
    return inScope(this.database.db, scope, work);
  }

  async list(
    trx: ScopedTransaction,
    tenantId: string,
    query: ListSitesQuery,
  ): Promise<{ rows: SiteRow[]; total: number }> {
    let filtered = trx.selectFrom('sites').where('tenant_id', '=', tenantId);
    if (query.search) {
      const pattern = likePattern(query.search);
      filtered = filtered.where((eb) =>
        eb.or([eb('name', 'ilike', pattern), eb('address', 'ilike', pattern)]),
      );
    }
    if (query.tag) filtered = filtered.where(sql<boolean>`${query.tag} = any(tags)`);
    if (query.timezone) filtered = filtered.where('timezone', '=', query.timezone);
    const column = SORT_COLUMNS[query.sort.replace(/^-/, '') as keyof typeof SORT_COLUMNS];
    return listPage<DB, 'sites', SiteRow>(
      filtered,
      sortBy(column, query.sort.startsWith('-')),
      query,
    );
  }

  /** Every site the scope may see (ids and names, for lookups such as an import). */
  listAll(trx: ScopedTransaction, tenantId: string): Promise<{ id: string; name: string }[]> {
    return trx
      .selectFrom('sites')
      .select(['id', 'name'])
      .where('tenant_id', '=', tenantId)
      .execute();
  }

  findById(trx: ScopedTransaction, tenantId: string, id: string): Promise<SiteRow | undefined> {
    return trx
      .selectFrom('sites')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  insert(trx: ScopedTransaction, site: Insertable<Sites>): Promise<SiteRow> {
    return trx.insertInto('sites').values(site).returningAll().executeTakeFirstOrThrow();
  }

  update(trx: ScopedTransaction, id: string, changes: Updateable<Sites>): Promise<SiteRow> {
    return trx
      .updateTable('sites')
      .set({ ...changes, updated_at: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async delete(trx: ScopedTransaction, id: string): Promise<void> {
    await trx.deleteFrom('sites').where('id', '=', id).execute();
  }

  async countDevices(trx: ScopedTransaction, siteId: string): Promise<number> {
    const row = await trx
      .selectFrom('devices')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('site_id', '=', siteId)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }
}
