import { Inject, Injectable } from '@nestjs/common';
import type { Role } from '@ecogrid/contracts';
import { sql } from 'kysely';
import { Database } from '../database/database.js';
import { inScope, type DataScope, type ScopedTransaction } from '../database/scope.js';
import type { UserRow } from '../users/users.mapper.js';

export interface CredentialRow {
  id: string;
  tenant_id: string | null;
  username: string;
  password_hash: string;
  role: Role | null;
  is_platform_admin: boolean;
  blocked: boolean;
  failed_login_count: number;
  locked_until: Date | null;
  tenant_status: string | null;
}

export interface SessionState {
  session_id: string;
  revoked_at: Date | null;
  expires_at: Date;
  user_id: string;
  username: string;
  tenant_id: string | null;
  role: Role | null;
  is_platform_admin: boolean;
  site_ids: string[] | null;
  blocked: boolean;
  tenant_status: string | null;
}

export interface NewSession {
  tenantId: string | null;
  userId: string;
  expiresAt: Date;
  ip: string | undefined;
  userAgent: string | undefined;
}

/** Credentials, sessions and refresh tokens. Login and refresh run before a tenant is known. */
@Injectable()
export class AuthRepository {
  constructor(@Inject(Database) private readonly database: Database) {}

  transaction<T>(scope: DataScope, work: (trx: ScopedTransaction) => Promise<T>): Promise<T> {
    return inScope(this.database.db, scope, work);
  }

  findUser(trx: ScopedTransaction, userId: string): Promise<UserRow | undefined> {
    return trx.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  }

  findCredentials(trx: ScopedTransaction, username: string): Promise<CredentialRow | undefined> {
    return trx
      .selectFrom('users')
      .leftJoin('tenants', 'tenants.id', 'users.tenant_id')
      .select([
        'users.id',
        'users.tenant_id',
        'users.username',
        'users.password_hash',
        'users.role',
        'users.is_platform_admin',
        'users.blocked',
        'users.failed_login_count',
        'users.locked_until',
        'tenants.status as tenant_status',
      ])
      .where(sql<string>`lower(users.username)`, '=', username.toLowerCase())
      .executeTakeFirst() as Promise<CredentialRow | undefined>;
  }

  /** Counts a failure; at `maxFailures` the account locks until `lockUntil` and the count restarts. */
  async recordFailure(
    trx: ScopedTransaction,
    userId: string,
    maxFailures: number,
    lockUntil: Date,
  ): Promise<{ locked: boolean }> {
    const row = await trx
      .updateTable('users')
      .set({
        failed_login_count: sql`case when failed_login_count + 1 >= ${maxFailures} then 0 else failed_login_count + 1 end`,
        locked_until: sql`case when failed_login_count + 1 >= ${maxFailures} then ${lockUntil}::timestamptz else locked_until end`,
      })
      .where('id', '=', userId)
      .returning(['failed_login_count', 'locked_until'])
      .executeTakeFirstOrThrow();
    return {
      locked: row.failed_login_count === 0 && row.locked_until?.getTime() === lockUntil.getTime(),
    };
  }

  async recordSuccess(trx: ScopedTransaction, userId: string): Promise<void> {
    await trx
      .updateTable('users')
      .set({ failed_login_count: 0, locked_until: null, last_login_at: sql`now()` })
      .where('id', '=', userId)
      .execute();
  }

  async createSession(trx: ScopedTransaction, session: NewSession): Promise<string> {
    const row = await trx
      .insertInto('sessions')
      .values({
        tenant_id: session.tenantId,
        user_id: session.userId,
        expires_at: session.expiresAt,
        ip: session.ip?.slice(0, 64) ?? null,
        user_agent: session.userAgent?.slice(0, 512) ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async addRefreshToken(
    trx: ScopedTransaction,
    sessionId: string,
    tenantId: string | null,
    tokenHash: Buffer,
  ): Promise<void> {
    await trx
      .insertInto('refresh_tokens')
      .values({ token_hash: tokenHash, session_id: sessionId, tenant_id: tenantId })
      .execute();
  }

  /**
   * Marks the token used, atomically: of two concurrent refreshes with one token, exactly one gets
   * its session back; the other sees it used.
   */
  async consumeRefreshToken(
    trx: ScopedTransaction,
    tokenHash: Buffer,
  ): Promise<{ status: 'fresh' | 'reused'; sessionId: string } | undefined> {
    const consumed = await trx
      .updateTable('refresh_tokens')
      .set({ used_at: sql`now()` })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .returning('session_id')
      .executeTakeFirst();
    if (consumed) return { status: 'fresh', sessionId: consumed.session_id };
    const used = await trx
      .selectFrom('refresh_tokens')
      .select('session_id')
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return used ? { status: 'reused', sessionId: used.session_id } : undefined;
  }

  sessionState(trx: ScopedTransaction, sessionId: string): Promise<SessionState | undefined> {
    return trx
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .leftJoin('tenants', 'tenants.id', 'users.tenant_id')
      .select([
        'sessions.id as session_id',
        'sessions.revoked_at',
        'sessions.expires_at',
        'users.id as user_id',
        'users.username',
        'users.tenant_id',
        'users.role',
        'users.is_platform_admin',
        'users.site_ids',
        'users.blocked',
        'tenants.status as tenant_status',
      ])
      .where('sessions.id', '=', sessionId)
      .executeTakeFirst() as Promise<SessionState | undefined>;
  }

  async revokeSession(trx: ScopedTransaction, sessionId: string, reason: string): Promise<void> {
    await trx
      .updateTable('sessions')
      .set({ revoked_at: sql`now()`, revoked_reason: reason })
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** Ends every session of a user (optionally but one); returns how many. */
  async revokeUserSessions(
    trx: ScopedTransaction,
    userId: string,
    reason: string,
    exceptSessionId?: string,
  ): Promise<number> {
    let query = trx
      .updateTable('sessions')
      .set({ revoked_at: sql`now()`, revoked_reason: reason })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null);
    if (exceptSessionId) query = query.where('id', '!=', exceptSessionId);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async revokeTenantSessions(
    trx: ScopedTransaction,
    tenantId: string,
    reason: string,
  ): Promise<number> {
    const result = await trx
      .updateTable('sessions')
      .set({ revoked_at: sql`now()`, revoked_reason: reason })
      .where('tenant_id', '=', tenantId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async tenantExists(trx: ScopedTransaction, tenantId: string): Promise<boolean> {
    const row = await trx
      .selectFrom('tenants')
      .select('id')
      .where('id', '=', tenantId)
      .executeTakeFirst();
    return row !== undefined;
  }
}
