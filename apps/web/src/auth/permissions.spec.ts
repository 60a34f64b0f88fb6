import { describe, expect, it } from 'vitest';
import { can, canSeeSite } from './permissions';
import { makeProfile } from './test-fixtures';

describe('can', () => {
  it('lets operators send commands but not manage users, sites or the audit log', () => {
    const operator = makeProfile({ role: 'operator' });
    expect(can(operator, 'commands:send')).toBe(true);
    expect(can(operator, 'users:manage')).toBe(false);
    expect(can(operator, 'sites:manage')).toBe(false);
    expect(can(operator, 'audit:read')).toBe(false);
  });

  it('gives viewers read access only', () => {
    expect(can('viewer', 'fleet:read')).toBe(true);
    expect(can('viewer', 'commands:send')).toBe(false);
    expect(can('viewer', 'devices:manage')).toBe(false);
  });

  it('gives tenant admins everything inside the tenant but not tenants', () => {
    const admin = makeProfile({ role: 'admin' });
    for (const capability of [
      'commands:send',
      'users:manage',
      'audit:read',
      'sites:manage',
      'devices:manage',
    ] as const) {
      expect(can(admin, capability)).toBe(true);
    }
    expect(can(admin, 'tenants:manage')).toBe(false);
  });

  it('gives platform admins every capability, though they have no tenant role', () => {
    const platform = makeProfile({ role: null, isPlatformAdmin: true, tenantId: null });
    expect(can(platform, 'tenants:manage')).toBe(true);
    expect(can(platform, 'users:manage')).toBe(true);
  });

  it('allows nothing without a profile', () => {
    expect(can(null, 'fleet:read')).toBe(false);
    expect(can(makeProfile({ role: null }), 'fleet:read')).toBe(false);
  });
});

describe('canSeeSite', () => {
  it('limits a user with site ids to those sites', () => {
    const limited = makeProfile({ siteIds: ['55555555-5555-4555-8555-555555555555'] });
    expect(canSeeSite(limited, '55555555-5555-4555-8555-555555555555')).toBe(true);
    expect(canSeeSite(limited, '66666666-6666-4666-8666-666666666666')).toBe(false);
    expect(canSeeSite(makeProfile({ siteIds: null }), '66666666-6666-4666-8666-666666666666')).toBe(
      true,
    );
  });
});
