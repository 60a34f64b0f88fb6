import type { User } from '@ecogrid/contracts';
import { describe, expect, it } from 'vitest';
import {
  editValuesOf,
  emptyCreateUserValues,
  serverFieldErrors,
  siteLimitSummary,
  userActions,
  validateCreateUser,
  validateEditUser,
  type CreateUserValues,
} from './user-form';

const siteA = '5b0c1d5e-8f4a-4d3c-9a51-0f2e3b4c5d6e';
const siteB = '6c1d2e6f-9a5b-4e4d-8b62-1a3f4c5d6e7f';

const valid: CreateUserValues = {
  ...emptyCreateUserValues,
  username: 'grid.ops',
  displayName: 'Grid Ops',
  email: 'ops@example.com',
  role: 'operator',
  password: 'long-enough-pass',
  passwordConfirm: 'long-enough-pass',
};

const user: User = {
  id: '0d9a4c1e-2b3f-4a5d-8e6f-7a8b9c0d1e2f',
  tenantId: '1e0b5d2f-3c4a-4b6e-9f70-8b9cad0e1f30',
  username: 'grid.ops',
  email: null,
  displayName: 'Grid Ops',
  role: 'viewer',
  isPlatformAdmin: false,
  siteIds: null,
  blocked: false,
  lockedUntil: null,
  lastLoginAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('create user form', () => {
  it('builds the request with access to all sites by default', () => {
    expect(validateCreateUser(valid)).toEqual({
      ok: true,
      body: {
        username: 'grid.ops',
        displayName: 'Grid Ops',
        email: 'ops@example.com',
        role: 'operator',
        password: 'long-enough-pass',
        siteIds: null,
      },
    });
  });

  it('leaves out an empty email', () => {
    const result = validateCreateUser({ ...valid, email: '  ' });
    expect(result.ok && 'email' in result.body).toBe(false);
  });

  it('names each invalid field', () => {
    const result = validateCreateUser({
      ...valid,
      username: 'a b',
      displayName: ' ',
      email: 'not-an-email',
      password: 'short',
      passwordConfirm: 'short',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual([
      'displayName',
      'email',
      'password',
      'username',
    ]);
    expect(result.errors.password).toBe('at least 10 characters');
  });

  it('refuses passwords that differ', () => {
    expect(validateCreateUser({ ...valid, passwordConfirm: 'something-else' })).toEqual({
      ok: false,
      errors: { passwordConfirm: 'The passwords differ' },
    });
  });

  it('sends the chosen sites for a limited viewer, and asks for one when none is chosen', () => {
    const limited = { ...valid, role: 'viewer' as const, limitSites: true };
    expect(validateCreateUser({ ...limited, siteIds: [siteA] })).toMatchObject({
      ok: true,
      body: { siteIds: [siteA] },
    });
    expect(validateCreateUser({ ...limited, siteIds: [] })).toEqual({
      ok: false,
      errors: { siteIds: 'Choose at least one site, or give access to all sites' },
    });
  });

  it('never limits an admin to sites', () => {
    expect(
      validateCreateUser({ ...valid, role: 'admin', limitSites: true, siteIds: [] }),
    ).toMatchObject({ ok: true, body: { role: 'admin', siteIds: null } });
  });
});

describe('edit user form', () => {
  it('sends only what changed', () => {
    const values = { ...editValuesOf(user), role: 'operator' as const };
    expect(validateEditUser(user, values)).toEqual({
      ok: true,
      body: { role: 'operator' },
      changed: true,
    });
  });

  it('reports no change when nothing changed', () => {
    expect(validateEditUser(user, editValuesOf(user))).toEqual({
      ok: true,
      body: {},
      changed: false,
    });
  });

  it('limits to sites, then lifts the limit', () => {
    const limited = validateEditUser(user, {
      ...editValuesOf(user),
      limitSites: true,
      siteIds: [siteB, siteA],
    });
    expect(limited).toMatchObject({ ok: true, body: { siteIds: [siteB, siteA] } });
    const wasLimited = { ...user, siteIds: [siteA, siteB] };
    expect(
      validateEditUser(wasLimited, { ...editValuesOf(wasLimited), siteIds: [siteA, siteB] }),
    ).toMatchObject({ changed: false });
    expect(
      validateEditUser(wasLimited, { ...editValuesOf(wasLimited), limitSites: false }),
    ).toEqual({ ok: true, body: { siteIds: null }, changed: true });
  });

  it('clears the email with null and validates a new one', () => {
    const withEmail = { ...user, email: 'old@example.com' };
    expect(validateEditUser(withEmail, { ...editValuesOf(withEmail), email: '' })).toEqual({
      ok: true,
      body: { email: null },
      changed: true,
    });
    expect(validateEditUser(user, { ...editValuesOf(user), email: 'nope' })).toMatchObject({
      ok: false,
      errors: { email: expect.any(String) },
    });
  });
});

describe('user actions and summaries', () => {
  it('offers no role change, block or delete on oneself', () => {
    expect(userActions(user, user.id)).toEqual({
      edit: true,
      changeRole: false,
      block: false,
      unblock: false,
      remove: false,
    });
  });

  it('offers unblock only for a blocked user', () => {
    expect(userActions({ ...user, blocked: true }, 'someone-else')).toMatchObject({
      block: false,
      unblock: true,
      remove: true,
    });
  });

  it('maps server validation details onto form fields', () => {
    expect(
      serverFieldErrors(
        [
          { field: 'body.username', message: 'taken' },
          { field: 'body.siteIds.0', message: 'bad id' },
          { field: 'query.x', message: 'odd' },
        ],
        ['username', 'siteIds'] as const,
      ),
    ).toEqual({ username: 'taken', siteIds: 'bad id', form: 'odd' });
  });

  it('summarises site limits by name', () => {
    const names = new Map([
      [siteA, 'Harbour'],
      [siteB, 'Depot'],
    ]);
    expect(siteLimitSummary(null, names)).toBe('All sites');
    expect(siteLimitSummary([siteA, siteB], names)).toBe('Harbour, Depot');
    expect(siteLimitSummary([siteA, siteB, 'gone'], names)).toBe('Harbour, Depot +1');
  });
});
