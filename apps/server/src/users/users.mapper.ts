import { preferencesSchema, type Profile, type User } from '@ecogrid/contracts';
import type { Selectable } from 'kysely';
import type { Users } from '../database/schema.generated.js';

export type UserRow = Selectable<Users>;

/** The only way a user row leaves the server: hashes, counters and internals stay behind. */
export function toUser(row: UserRow): User {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    username: row.username,
    email: row.email,
    displayName: row.display_name,
    role: row.role as User['role'],
    isPlatformAdmin: row.is_platform_admin,
    siteIds: row.site_ids,
    blocked: row.blocked,
    lockedUntil:
      row.locked_until && row.locked_until.getTime() > Date.now()
        ? row.locked_until.toISOString()
        : null,
    lastLoginAt: row.last_login_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toProfile(row: UserRow): Profile {
  const preferences = preferencesSchema.safeParse(row.preferences);
  return {
    ...toUser(row),
    preferences: preferences.success ? preferences.data : preferencesSchema.parse({}),
  };
}

/** What an audit entry shows of a user: no hash, no counters. */
export function auditView(row: UserRow): Record<string, unknown> {
  return {
    username: row.username,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    siteIds: row.site_ids,
    blocked: row.blocked,
  };
}
