import type { Profile, Role } from '@ecogrid/contracts';

/**
 * What the interface offers each kind of user, mirroring the server's access matrix
 * (docs/ROLE_MATRIX.md): a control the role cannot use is never shown.
 */
export const CAPABILITIES = {
  /** Dashboards, history, devices, exports: everyone signed in. */
  'fleet:read': { roles: ['admin', 'operator', 'viewer'], platformAdmin: true },
  'commands:send': { roles: ['admin', 'operator'], platformAdmin: true },
  'sites:manage': { roles: ['admin'], platformAdmin: true },
  'devices:manage': { roles: ['admin'], platformAdmin: true },
  'users:manage': { roles: ['admin'], platformAdmin: true },
  'audit:read': { roles: ['admin'], platformAdmin: true },
  'tenants:manage': { roles: [], platformAdmin: true },
} as const satisfies Record<string, { roles: readonly Role[]; platformAdmin: boolean }>;

export type Capability = keyof typeof CAPABILITIES;

export type Subject = Pick<Profile, 'role' | 'isPlatformAdmin'> | Role | null | undefined;

export function can(subject: Subject, capability: Capability): boolean {
  if (!subject) return false;
  const rule: { roles: readonly Role[]; platformAdmin: boolean } = CAPABILITIES[capability];
  if (typeof subject === 'string') return rule.roles.includes(subject);
  if (subject.isPlatformAdmin) return rule.platformAdmin;
  return subject.role !== null && rule.roles.includes(subject.role);
}

/** A user limited to some sites (`siteIds`) sees only those; null means every site of the tenant. */
export function canSeeSite(profile: Pick<Profile, 'siteIds'> | null, siteId: string): boolean {
  if (!profile) return false;
  return profile.siteIds === null || profile.siteIds.includes(siteId);
}
