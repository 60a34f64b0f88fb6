import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema.generated.js';

/**
 * Whose rows a unit of work may touch. Row-level security reads these settings; they live for one
 * transaction only (`set_config(…, true)`), so nothing leaks to the next user of the connection.
 * - tenant: the rows of one tenant (and, with siteIds, of those sites only);
 * - platform: every row, for what has no tenant yet or spans tenants (login, platform admin work).
 */
export type DataScope =
  { readonly tenantId: string; readonly siteIds?: readonly string[] | null } | 'platform';

export type ScopedTransaction = Transaction<DB>;

export async function inScope<T>(
  db: Kysely<DB>,
  scope: DataScope,
  work: (trx: ScopedTransaction) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    const tenantId = scope === 'platform' ? '' : scope.tenantId;
    const platform = scope === 'platform' ? 'on' : 'off';
    const siteIds = scope !== 'platform' && scope.siteIds ? `{${scope.siteIds.join(',')}}` : '';
    await sql`select set_config('app.tenant_id', ${tenantId}, true),
                     set_config('app.platform', ${platform}, true),
                     set_config('app.site_ids', ${siteIds}, true)`.execute(trx);
    return work(trx);
  });
}
