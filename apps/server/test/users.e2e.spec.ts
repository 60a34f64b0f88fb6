import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/database/database.js';
import { createTestApp, type TestApp } from './app.js';
import { createTestDatabase, type TestDatabaseTarget } from './database.js';
import {
  actingIn,
  createTenant,
  createUser,
  login,
  PLATFORM_ADMIN,
  strongPassword,
  TEST_JWT_SECRET,
  uniqueName,
  type Session,
} from './identity.js';

describe('users, profiles and tenants', () => {
  let target: TestDatabaseTarget;
  let database: Database;
  let testApp: TestApp;
  let platform: Session;
  let tenantId: string;
  let admin: Session;
  let adminId: string;

  beforeAll(async () => {
    target = await createTestDatabase('embedded');
    database = await target.open();
    testApp = await createTestApp(database, {
      JWT_SECRET: TEST_JWT_SECRET,
      LOGIN_RATE_LIMIT_MAX: '10000',
    });
    platform = await login(testApp.app, PLATFORM_ADMIN.username, PLATFORM_ADMIN.password);
    tenantId = (await createTenant(testApp.app, platform)).id;
    const created = await createUser(testApp.app, platform, tenantId, { role: 'admin' });
    adminId = created.id;
    admin = await login(testApp.app, created.username, created.password);
  });

  afterAll(async () => {
    await testApp?.app.close();
    await database?.close();
    await target?.drop();
  });

  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    session: Session,
    payload?: unknown,
  ) =>
    testApp.app.inject({
      method,
      url,
      headers: session.headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  it('creates a user, never returning the password or its hash', async () => {
    const username = uniqueName('alice');
    const response = await call('POST', '/api/v1/users', admin, {
      username,
      password: strongPassword(),
      displayName: 'Alice',
      email: 'alice@example.com',
      role: 'operator',
      siteIds: ['7f0c2a0e-8a43-4a53-9d0e-2c0b6f1c1a11'],
    });
    expect(response.statusCode).toBe(201);
    const user = response.json<Record<string, unknown>>();
    expect(user).toMatchObject({
      username,
      role: 'operator',
      tenantId,
      blocked: false,
      siteIds: ['7f0c2a0e-8a43-4a53-9d0e-2c0b6f1c1a11'],
    });
    expect(JSON.stringify(user)).not.toMatch(/password|hash/i);
  });

  it('refuses a weak password, a duplicate username (any case) and names the field', async () => {
    const weak = await call('POST', '/api/v1/users', admin, {
      username: uniqueName('bob'),
      password: 'password123',
      displayName: 'Bob',
      role: 'viewer',
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json<{ details: { field: string }[] }>().details[0]!.field).toBe('password');
    const same = uniqueName('carol');
    const containsName = await call('POST', '/api/v1/users', admin, {
      username: same,
      password: `${same}-Secret9`,
      displayName: 'C',
      role: 'viewer',
    });
    expect(containsName.statusCode).toBe(400);
    expect(
      (
        await call('POST', '/api/v1/users', admin, {
          username: same,
          password: strongPassword(),
          displayName: 'C',
          role: 'viewer',
        })
      ).statusCode,
    ).toBe(201);
    const duplicate = await call('POST', '/api/v1/users', admin, {
      username: same.toUpperCase(),
      password: strongPassword(),
      displayName: 'C',
      role: 'viewer',
    });
    expect(duplicate.statusCode).toBe(409);
  });

  it('lists with pagination, search, role and blocked filters, and sort', async () => {
    const prefix = uniqueName('list');
    for (const [index, role] of (['viewer', 'viewer', 'operator'] as const).entries()) {
      await call('POST', '/api/v1/users', admin, {
        username: `${prefix}-${index}`,
        password: strongPassword(),
        displayName: `Zed ${index}`,
        role,
      });
    }
    const page = await call(
      'GET',
      `/api/v1/users?search=${prefix}&role=viewer&sort=-username&limit=1&page=2`,
      admin,
    );
    expect(page.statusCode).toBe(200);
    const body = page.json<{ data: { username: string }[]; pagination: Record<string, number> }>();
    expect(body.pagination).toEqual({ page: 2, limit: 1, total: 2, totalPages: 2 });
    expect(body.data.map((user) => user.username)).toEqual([`${prefix}-0`]);
    const blocked = await call('GET', `/api/v1/users?search=${prefix}&blocked=true`, admin);
    expect(blocked.json<{ pagination: { total: number } }>().pagination.total).toBe(0);
    expect((await call('GET', '/api/v1/users?limit=101', admin)).statusCode).toBe(400);
    expect((await call('GET', '/api/v1/users?sort=password_hash', admin)).statusCode).toBe(400);
  });

  it('keeps the last admin: no demoting, blocking or deleting them, and no acting on oneself', async () => {
    expect(
      (await call('PATCH', `/api/v1/users/${adminId}`, admin, { role: 'viewer' })).statusCode,
    ).toBe(409);
    expect((await call('POST', `/api/v1/users/${adminId}/block`, admin)).statusCode).toBe(403);
    expect((await call('DELETE', `/api/v1/users/${adminId}`, admin)).statusCode).toBe(403);
    // Through the platform admin, who is not that user, the last-admin rule still holds.
    const headers = actingIn(platform, tenantId);
    expect(
      (await testApp.app.inject({ method: 'POST', url: `/api/v1/users/${adminId}/block`, headers }))
        .statusCode,
    ).toBe(409);
    expect(
      (await testApp.app.inject({ method: 'DELETE', url: `/api/v1/users/${adminId}`, headers }))
        .statusCode,
    ).toBe(409);
    expect(
      (
        await testApp.app.inject({
          method: 'PATCH',
          url: `/api/v1/users/${adminId}`,
          headers,
          payload: { role: 'operator' },
        })
      ).statusCode,
    ).toBe(409);
  });

  it('deletes a user, ending their sessions, while the audit log keeps their id', async () => {
    const user = await createUser(testApp.app, platform, tenantId, { role: 'operator' });
    const session = await login(testApp.app, user.username, user.password);
    await call('PATCH', '/api/v1/me', session, { displayName: 'Soon gone' });
    expect((await call('DELETE', `/api/v1/users/${user.id}`, admin)).statusCode).toBe(204);
    expect((await call('GET', '/api/v1/me', session)).statusCode).toBe(401);
    expect((await call('GET', `/api/v1/users/${user.id}`, admin)).statusCode).toBe(404);
    const audit = await call('GET', `/api/v1/audit?userId=${user.id}`, admin);
    expect(audit.json<{ data: { action: string }[] }>().data.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['profile.update', 'auth.login']),
    );
  });

  it('audits a role change with the old and new values', async () => {
    const user = await createUser(testApp.app, platform, tenantId, { role: 'viewer' });
    expect(
      (await call('PATCH', `/api/v1/users/${user.id}`, admin, { role: 'operator' })).statusCode,
    ).toBe(200);
    const audit = await call(
      'GET',
      `/api/v1/audit?resourceId=${user.id}&action=user.role_change`,
      admin,
    );
    const [entry] = audit.json<{
      data: { oldValues: { role: string }; newValues: { role: string }; userId: string }[];
    }>().data;
    expect(entry).toMatchObject({
      oldValues: { role: 'viewer' },
      newValues: { role: 'operator' },
      userId: adminId,
    });
  });

  it("answers another tenant's user with 404, as if it did not exist", async () => {
    const otherTenant = (await createTenant(testApp.app, platform)).id;
    const stranger = await createUser(testApp.app, platform, otherTenant);
    for (const [method, url] of [
      ['GET', `/api/v1/users/${stranger.id}`],
      ['PATCH', `/api/v1/users/${stranger.id}`],
      ['DELETE', `/api/v1/users/${stranger.id}`],
      ['POST', `/api/v1/users/${stranger.id}/block`],
    ] as const) {
      const response = await call(
        method,
        url,
        admin,
        method === 'PATCH' ? { displayName: 'x' } : undefined,
      );
      expect(response.statusCode, `${method} ${url}`).toBe(404);
    }
  });

  it('ignores nothing silently: fields that do not belong are refused and change nothing', async () => {
    const user = await createUser(testApp.app, platform, tenantId, { role: 'viewer' });
    const session = await login(testApp.app, user.username, user.password);
    const attempts = [
      call('PATCH', '/api/v1/me', session, { role: 'admin' }),
      call('PATCH', '/api/v1/me', session, { isPlatformAdmin: true }),
      call('PATCH', '/api/v1/me', session, { tenantId: '00000000-0000-4000-8000-000000000000' }),
      call('PATCH', '/api/v1/me', session, { passwordHash: 'x' }),
      testApp.app.inject({
        method: 'PATCH',
        url: '/api/v1/me',
        headers: { ...session.headers, 'content-type': 'application/json' },
        payload: '{"__proto__":{"role":"admin"},"displayName":"P"}',
      }),
      call('PATCH', `/api/v1/users/${user.id}`, admin, {
        tenantId: '00000000-0000-4000-8000-000000000000',
      }),
      call('POST', '/api/v1/users', admin, {
        username: uniqueName('mass'),
        password: strongPassword(),
        displayName: 'M',
        role: 'viewer',
        isPlatformAdmin: true,
      }),
      call('POST', '/api/v1/users', admin, {
        username: uniqueName('mass'),
        password: strongPassword(),
        displayName: 'M',
        role: 'viewer',
        passwordHash: 'x',
      }),
    ];
    for (const response of await Promise.all(attempts))
      expect(response.statusCode, response.body).toBe(400);
    const profile = (await call('GET', '/api/v1/me', session)).json<Record<string, unknown>>();
    expect(profile).toMatchObject({
      role: 'viewer',
      isPlatformAdmin: false,
      tenantId,
      displayName: user.username,
    });
    expect(({} as Record<string, unknown>).role).toBeUndefined();
  });

  it('updates the profile and its preferences', async () => {
    const response = await call('PATCH', '/api/v1/me', admin, {
      displayName: 'Ada Admin',
      preferences: { theme: 'dark', timezone: 'Europe/Berlin' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      displayName: 'Ada Admin',
      preferences: { theme: 'dark', timezone: 'Europe/Berlin', units: 'metric' },
    });
    expect(
      (await call('PATCH', '/api/v1/me', admin, { preferences: { timezone: 'Mars/Olympus' } }))
        .statusCode,
    ).toBe(400);
    expect(
      (await call('PATCH', '/api/v1/me', admin, { preferences: { theme: 'neon' } })).statusCode,
    ).toBe(400);
  });

  it('changes the password only with the current one, ending the other sessions', async () => {
    const user = await createUser(testApp.app, platform, tenantId, { role: 'operator' });
    const here = await login(testApp.app, user.username, user.password);
    const elsewhere = await login(testApp.app, user.username, user.password);
    const newPassword = strongPassword();
    const wrong = await call('POST', '/api/v1/me/password', here, {
      currentPassword: 'Not-my-password-1',
      newPassword,
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json<{ details: { field: string }[] }>().details[0]!.field).toBe(
      'body.currentPassword',
    );
    expect(
      (
        await call('POST', '/api/v1/me/password', here, {
          currentPassword: user.password,
          newPassword,
        })
      ).statusCode,
    ).toBe(204);
    expect((await call('GET', '/api/v1/me', here)).statusCode).toBe(200);
    expect((await call('GET', '/api/v1/me', elsewhere)).statusCode).toBe(401);
    expect(
      (
        await testApp.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username: user.username, password: user.password },
        })
      ).statusCode,
    ).toBe(401);
    await login(testApp.app, user.username, newPassword);
  });

  it('lets the platform admin suspend a tenant, which ends its sessions and its logins', async () => {
    const tenant = await createTenant(testApp.app, platform);
    const user = await createUser(testApp.app, platform, tenant.id, { role: 'admin' });
    const session = await login(testApp.app, user.username, user.password);
    const suspended = await call('POST', `/api/v1/tenants/${tenant.id}/suspend`, platform);
    expect(suspended.json()).toMatchObject({ status: 'suspended' });
    expect((await call('GET', '/api/v1/me', session)).statusCode).toBe(401);
    const refused = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: user.username, password: user.password },
    });
    expect(refused.statusCode).toBe(403);
    await call('POST', `/api/v1/tenants/${tenant.id}/activate`, platform);
    await login(testApp.app, user.username, user.password);
    const list = await call('GET', `/api/v1/tenants?search=${tenant.slug}`, platform);
    expect(list.json<{ data: { id: string; status: string }[] }>().data).toEqual([
      expect.objectContaining({ id: tenant.id, status: 'active' }),
    ]);
    expect(
      (await call('POST', '/api/v1/tenants', platform, { name: 'Dup', slug: tenant.slug }))
        .statusCode,
    ).toBe(409);
  });

  it('audits every mutating request, including refused ones, and exports the log as CSV', async () => {
    const invalid = await call('POST', '/api/v1/users', admin, { username: 'x' });
    expect(invalid.statusCode).toBe(400);
    const requestId = invalid.json<{ requestId: string }>().requestId;
    const entries = await call(
      'GET',
      `/api/v1/audit?action=http.post&resourceId=${encodeURIComponent('/api/v1/users')}`,
      admin,
    );
    const entry = entries
      .json<{ data: { requestId: string; newValues: { statusCode: number }; ip: string }[] }>()
      .data.find((item) => item.requestId === requestId);
    expect(entry).toMatchObject({ newValues: { statusCode: 400 }, ip: '127.0.0.1' });

    const csv = await call('GET', '/api/v1/audit/export?action=user.role_change', admin);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="audit-.*\.csv"/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'createdAt,userId,action,resourceType,resourceId,oldValues,newValues,ip,userAgent,requestId',
    );
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((line) => line.includes(',user.role_change,user,'))).toBe(true);
    expect(csv.body).toContain('"{""role"":""viewer"",');
  });

  it('never writes secrets into the audit log', async () => {
    const all = await call('GET', '/api/v1/audit?limit=100', admin);
    const text = all.body;
    expect(text).not.toMatch(/\$argon2/);
    expect(text).not.toContain(admin.token);
  });
});
