import { Inject, Injectable } from '@nestjs/common';
import {
  paginate,
  type CreateUser,
  type ListUsersQuery,
  type Pagination,
  type UpdateUser,
  type User,
} from '@ecogrid/contracts';
import type { Updateable } from 'kysely';
import { NotFoundError } from '../common/errors.js';
import { AuditService } from '../audit/audit.service.js';
import { AuthRepository } from '../auth/auth.repository.js';
import { PasswordService } from '../auth/password.service.js';
import { tenantScopeOf, type Principal } from '../auth/principal.js';
import type { ScopedTransaction } from '../database/scope.js';
import type { Users } from '../database/schema.generated.js';
import { LastAdminError, SelfActionError, UsernameTakenError } from './users.errors.js';
import { auditView, toUser, type UserRow } from './users.mapper.js';
import { UsersRepository } from './users.repository.js';

/** Tenant admins manage the users of their tenant. */
@Injectable()
export class UsersService {
  constructor(
    @Inject(UsersRepository) private readonly repository: UsersRepository,
    @Inject(AuthRepository) private readonly sessions: AuthRepository,
    @Inject(PasswordService) private readonly passwords: PasswordService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async list(
    principal: Principal,
    query: ListUsersQuery,
  ): Promise<{ data: User[]; pagination: Pagination }> {
    const tenantId = principal.tenantId!;
    const { rows, total } = await this.repository.transaction(tenantScopeOf(principal), (trx) =>
      this.repository.list(trx, tenantId, query),
    );
    return { data: rows.map(toUser), pagination: paginate(query, total) };
  }

  async get(principal: Principal, id: string): Promise<User> {
    return this.repository.transaction(tenantScopeOf(principal), async (trx) =>
      toUser(await this.find(trx, principal, id)),
    );
  }

  async create(principal: Principal, input: CreateUser): Promise<User> {
    this.passwords.assertAcceptable(input.password, input.username);
    const passwordHash = await this.passwords.hash(input.password);
    // Usernames are unique across tenants; only the platform scope can see them all.
    return this.repository.transaction('platform', async (trx) => {
      if (await this.repository.usernameTaken(trx, input.username))
        throw new UsernameTakenError(input.username);
      const row = await this.repository.insert(trx, {
        tenantId: principal.tenantId!,
        username: input.username,
        passwordHash,
        displayName: input.displayName,
        email: input.email ?? null,
        role: input.role,
        isPlatformAdmin: false,
        siteIds: input.siteIds ?? null,
      });
      await this.audit.record(trx, {
        action: 'user.create',
        resourceType: 'user',
        resourceId: row.id,
        newValues: auditView(row),
      });
      return toUser(row);
    });
  }

  async update(principal: Principal, id: string, input: UpdateUser): Promise<User> {
    return this.repository.transaction(tenantScopeOf(principal), async (trx) => {
      const before = await this.findForUpdate(trx, principal, id);
      if (input.role && input.role !== before.role && before.role === 'admin') {
        await this.assertAnotherAdmin(trx, principal, id);
        if (id === principal.userId) throw new SelfActionError('demote');
      }
      const changes: Updateable<Users> = {};
      if (input.displayName !== undefined) changes.display_name = input.displayName;
      if (input.email !== undefined) changes.email = input.email;
      if (input.role !== undefined) changes.role = input.role;
      if (input.siteIds !== undefined) changes.site_ids = input.siteIds;
      const after = await this.repository.update(trx, id, changes);
      const action = input.role && input.role !== before.role ? 'user.role_change' : 'user.update';
      await this.audit.record(trx, {
        action,
        resourceType: 'user',
        resourceId: id,
        oldValues: auditView(before),
        newValues: auditView(after),
      });
      return toUser(after);
    });
  }

  async remove(principal: Principal, id: string): Promise<void> {
    if (id === principal.userId) throw new SelfActionError('delete');
    await this.repository.transaction(tenantScopeOf(principal), async (trx) => {
      const before = await this.findForUpdate(trx, principal, id);
      if (before.role === 'admin' && !before.blocked)
        await this.assertAnotherAdmin(trx, principal, id);
      // Sessions and refresh tokens go with the user (foreign keys); audit rows keep the id.
      await this.repository.delete(trx, id);
      await this.audit.record(trx, {
        action: 'user.delete',
        resourceType: 'user',
        resourceId: id,
        oldValues: auditView(before),
      });
    });
  }

  async setBlocked(principal: Principal, id: string, blocked: boolean): Promise<User> {
    if (id === principal.userId) throw new SelfActionError(blocked ? 'block' : 'unblock');
    return this.repository.transaction(tenantScopeOf(principal), async (trx) => {
      const before = await this.findForUpdate(trx, principal, id);
      if (blocked && before.role === 'admin' && !before.blocked)
        await this.assertAnotherAdmin(trx, principal, id);
      const after = await this.repository.update(trx, id, {
        blocked,
        ...(blocked ? {} : { failed_login_count: 0, locked_until: null }),
      });
      // The guard re-reads the session and the user on every request: access tokens stop at once.
      const ended = blocked ? await this.sessions.revokeUserSessions(trx, id, 'blocked') : 0;
      await this.audit.record(trx, {
        action: blocked ? 'user.block' : 'user.unblock',
        resourceType: 'user',
        resourceId: id,
        oldValues: { blocked: before.blocked },
        newValues: { blocked, sessionsEnded: ended },
      });
      return toUser(after);
    });
  }

  private async find(trx: ScopedTransaction, principal: Principal, id: string): Promise<UserRow> {
    const row = await this.repository.findById(trx, id);
    if (!row || row.tenant_id !== principal.tenantId) throw new NotFoundError('user');
    return row;
  }

  private async findForUpdate(
    trx: ScopedTransaction,
    principal: Principal,
    id: string,
  ): Promise<UserRow> {
    const row = await this.repository.findByIdForUpdate(trx, principal.tenantId!, id);
    if (!row) throw new NotFoundError('user');
    return row;
  }

  private async assertAnotherAdmin(
    trx: ScopedTransaction,
    principal: Principal,
    leavingId: string,
  ): Promise<void> {
    const admins = await this.repository.activeAdminIds(trx, principal.tenantId!);
    if (!admins.some((adminId) => adminId !== leavingId)) throw new LastAdminError();
  }
}
