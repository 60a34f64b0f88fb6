import { Inject, Injectable } from '@nestjs/common';
import { preferencesSchema, type Profile, type UpdateProfile } from '@ecogrid/contracts';
import type { Updateable } from 'kysely';
import { ValidationError } from '../common/errors.js';
import { AuditService } from '../audit/audit.service.js';
import { AuthRepository } from '../auth/auth.repository.js';
import { PasswordService } from '../auth/password.service.js';
import type { Principal } from '../auth/principal.js';
import type { DataScope } from '../database/scope.js';
import type { Users } from '../database/schema.generated.js';
import { auditView, toProfile } from '../users/users.mapper.js';
import { UsersRepository } from '../users/users.repository.js';

/** Where a user's own row lives: their tenant, or the platform for platform admins. */
function homeScope(principal: Principal): DataScope {
  return principal.homeTenantId ? { tenantId: principal.homeTenantId } : 'platform';
}

@Injectable()
export class ProfileService {
  constructor(
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(AuthRepository) private readonly sessions: AuthRepository,
    @Inject(PasswordService) private readonly passwords: PasswordService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  get(principal: Principal): Promise<Profile> {
    return this.users.transaction(homeScope(principal), async (trx) => {
      const row = await this.users.findById(trx, principal.userId);
      return toProfile(row!);
    });
  }

  update(principal: Principal, input: UpdateProfile): Promise<Profile> {
    return this.users.transaction(homeScope(principal), async (trx) => {
      const before = (await this.users.findById(trx, principal.userId))!;
      const changes: Updateable<Users> = {};
      if (input.displayName !== undefined) changes.display_name = input.displayName;
      if (input.email !== undefined) changes.email = input.email;
      if (input.preferences !== undefined) {
        const current = toProfile(before).preferences;
        changes.preferences = JSON.stringify(
          preferencesSchema.parse({ ...current, ...input.preferences }),
        );
      }
      const after = await this.users.update(trx, principal.userId, changes);
      await this.audit.record(trx, {
        action: 'profile.update',
        resourceType: 'user',
        resourceId: principal.userId,
        oldValues: { ...auditView(before), preferences: before.preferences },
        newValues: { ...auditView(after), preferences: after.preferences },
      });
      return toProfile(after);
    });
  }

  /** Needs the current password; every other session of the user ends. */
  async changePassword(
    principal: Principal,
    currentPassword: string,
    newPassword: string,
  ): Promise<void> {
    const scope = homeScope(principal);
    const row = await this.users.transaction(scope, (trx) =>
      this.users.findById(trx, principal.userId),
    );
    if (!row || !(await this.passwords.verify(row.password_hash, currentPassword))) {
      throw new ValidationError([
        { field: 'body.currentPassword', message: 'is not your current password' },
      ]);
    }
    this.passwords.assertAcceptable(newPassword, row.username, 'body.newPassword');
    if (await this.passwords.verify(row.password_hash, newPassword)) {
      throw new ValidationError([
        { field: 'body.newPassword', message: 'must differ from the current password' },
      ]);
    }
    const passwordHash = await this.passwords.hash(newPassword);
    await this.users.transaction(scope, async (trx) => {
      await this.users.update(trx, principal.userId, {
        password_hash: passwordHash,
        password_changed_at: new Date(),
      });
      const ended = await this.sessions.revokeUserSessions(
        trx,
        principal.userId,
        'password change',
        principal.sessionId,
      );
      await this.audit.record(trx, {
        action: 'auth.password_change',
        resourceType: 'user',
        resourceId: principal.userId,
        newValues: { otherSessionsEnded: ended },
      });
    });
  }
}
