import { Inject, Injectable } from '@nestjs/common';
import type { ListUsersQuery, Role } from '@ecogrid/contracts';
import { sql, type Updateable } from 'kysely';
import { Database } from '../database/database.js';
import { listPage, sortBy } from '../database/list-page.js';
import { inScope, type DataScope, type ScopedTransaction } from '../database/scope.js';
import type { DB, Users } from '../database/schema.generated.js';
import { likePattern } from '../database/like.js';
import type { UserRow } from './users.mapper.js';

export interface NewUser {
  tenantId: string | null;
  username: string;
  passwordHash: string;
  displayName: string;
  email: string | null;
  role: Role | null;
  isPlatformAdmin: boolean;
  siteIds: string[] | null;
}

const SORT_COLUMNS = {
  username: sql`lower(username)`,
  displayName: sql`lower(display_name)`,
  createdAt: sql`created_at`,
  lastLoginAt: sql`last_login_at`,
} as const;

@Injectable()
export class UsersRepository {
  constructor(@Inject(Database) private readonly database: Database) {}

  transaction<T>(scope: DataScope, work: (trx: ScopedTransaction) => Promise<T>): Promise<T> {
    return inScope(this.database.db, scope, work);
  }

  async list(
    trx: ScopedTransaction,
    tenantId: string,
    query: ListUsersQuery,
  ): Promise<{ rows: UserRow[]; total: number }> {
    let filtered = trx.selectFrom('users').where('tenant_id', '=', tenantId);
    if (query.search) {
      const pattern = likePattern(query.search);
      filtered = filtered.where((eb) =>
        eb.or([
          eb('username', 'ilike', pattern),
          eb('display_name', 'ilike', pattern),
          eb('email', 'ilike', pattern),
        ]),
      );
    }
    if (query.role) filtered = filtered.where('role', '=', query.role);
    if (query.blocked !== undefined) filtered = filtered.where('blocked', '=', query.blocked);
    const column = SORT_COLUMNS[query.sort.replace(/^-/, '') as keyof typeof SORT_COLUMNS];
    return listPage<DB, 'users', UserRow>(
      filtered,
      sortBy(column, query.sort.startsWith('-')),
      query,
    );
  }

  findById(trx: ScopedTransaction, id: string): Promise<UserRow | undefined> {
    return trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Locks the row for the rest of the transaction (read-modify-write of role, blocked). */
  findByIdForUpdate(
    trx: ScopedTransaction,
    tenantId: string,
    id: string,
  ): Promise<UserRow | undefined> {
    return trx
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId)
      .forUpdate()
      .executeTakeFirst();
  }

  async usernameTaken(trx: ScopedTransaction, username: string): Promise<boolean> {
    const row = await trx
      .selectFrom('users')
      .select('id')
      .where(sql<string>`lower(username)`, '=', username.toLowerCase())
      .executeTakeFirst();
    return row !== undefined;
  }

  insert(trx: ScopedTransaction, user: NewUser): Promise<UserRow> {
    return trx
      .insertInto('users')
      .values({
        tenant_id: user.tenantId,
        username: user.username,
        password_hash: user.passwordHash,
        display_name: user.displayName,
        email: user.email,
        role: user.role,
        is_platform_admin: user.isPlatformAdmin,
        site_ids: user.siteIds,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  update(trx: ScopedTransaction, id: string, changes: Updateable<Users>): Promise<UserRow> {
    return trx
      .updateTable('users')
      .set({ ...changes, updated_at: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async delete(trx: ScopedTransaction, id: string): Promise<void> {
    await trx.deleteFrom('users').where('id', '=', id).execute();
  }

  /**
   * Unblocked admins of the tenant, locked so that two admins demoting each other at once cannot
   * leave the tenant without one.
   */
  async activeAdminIds(trx: ScopedTransaction, tenantId: string): Promise<string[]> {
    const rows = await trx
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('role', '=', 'admin')
      .where('blocked', '=', false)
      .forUpdate()
      .execute();
    return rows.map((row) => row.id);
  }

  findPlatformAdmin(trx: ScopedTransaction, username: string): Promise<UserRow | undefined> {
    return trx
      .selectFrom('users')
      .selectAll()
      .where(sql<string>`lower(username)`, '=', username.toLowerCase())
      .executeTakeFirst();
  }
}
