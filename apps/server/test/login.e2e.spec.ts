import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/database/database.js';
import { createTestApp, type TestApp } from './app.js';
import { createTestDatabase, type TestDatabaseTarget } from './database.js';
import { createUser, login, PLATFORM_ADMIN, TEST_JWT_SECRET } from './identity.js';

describe('login', () => {
  let target: TestDatabaseTarget;
  let database: Database;
  let testApp: TestApp;
  let tenantId: string;

  beforeAll(async () => {
    target = await createTestDatabase('embedded');
    database = await target.open();
    testApp = await createTestApp(database, {
      JWT_SECRET: TEST_JWT_SECRET,
      LOGIN_RATE_LIMIT_MAX: '10000',
    });
    tenantId = (await login(testApp.app, 'demo-viewer', 'EcoGrid-Viewer-2026')).tenantId!;
  });

  afterAll(async () => {
    await testApp?.app.close();
    await database?.close();
    await target?.drop();
  });

  const attempt = (username: string, password: string, ip = '127.0.0.1') =>
    testApp.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password },
      remoteAddress: ip,
    });

  function withoutRequestId(body: string) {
    const { requestId: _requestId, ...rest } = JSON.parse(body) as Record<string, unknown>;
    return rest;
  }

  it('answers an unknown user and a wrong password alike', async () => {
    const unknown = await attempt('nobody-by-this-name', 'Some-password-123');
    const wrong = await attempt('demo-operator', 'Some-password-123');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(withoutRequestId(unknown.body)).toEqual(withoutRequestId(wrong.body));
  });

  it('finds the user whatever the case of the username', async () => {
    const response = await attempt('DEMO-Viewer', 'EcoGrid-Viewer-2026');
    expect(response.statusCode).toBe(200);
    expect(JSON.stringify(response.json())).not.toMatch(/password_?hash|passwordHash/i);
  });

  it('locks an account for 15 minutes after 5 consecutive failures', async () => {
    const platform = await login(testApp.app, PLATFORM_ADMIN.username, PLATFORM_ADMIN.password);
    const user = await createUser(testApp.app, platform, tenantId);
    for (let failure = 1; failure <= 4; failure++) {
      expect((await attempt(user.username, 'Wrong-password-000')).statusCode).toBe(401);
    }
    const fifth = await attempt(user.username, 'Wrong-password-000');
    expect(fifth.statusCode).toBe(429);
    expect(Number(fifth.headers['retry-after'])).toBeGreaterThan(14 * 60);
    const rightPassword = await attempt(user.username, user.password);
    expect(rightPassword.statusCode).toBe(429);
    expect(Number(rightPassword.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    const audit = await testApp.app.inject({
      method: 'GET',
      url: `/api/v1/audit?userId=${user.id}&action=auth.lockout`,
      headers: { ...platform.headers, 'x-tenant-id': tenantId },
    });
    expect(audit.json<{ data: unknown[] }>().data).toHaveLength(1);
  });

  it('resets the failure count on a successful login', async () => {
    const platform = await login(testApp.app, PLATFORM_ADMIN.username, PLATFORM_ADMIN.password);
    const user = await createUser(testApp.app, platform, tenantId);
    for (let failure = 0; failure < 4; failure++)
      await attempt(user.username, 'Wrong-password-000');
    expect((await attempt(user.username, user.password)).statusCode).toBe(200);
    for (let failure = 0; failure < 4; failure++) {
      expect((await attempt(user.username, 'Wrong-password-000')).statusCode).toBe(401);
    }
  });

  it('rejects a malformed login body naming the field', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'x' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ details: { field: string }[] }>().details[0]!.field).toBe(
      'body.password',
    );
  });
});

describe('rate limits', () => {
  let target: TestDatabaseTarget;
  let database: Database;
  let testApp: TestApp;

  beforeAll(async () => {
    target = await createTestDatabase('embedded');
    database = await target.open();
    testApp = await createTestApp(database, {
      JWT_SECRET: TEST_JWT_SECRET,
      LOGIN_RATE_LIMIT_MAX: '3',
      RATE_LIMIT_MAX_REQUESTS: '8',
      RATE_LIMIT_WINDOW_MS: '60000',
    });
  });

  afterAll(async () => {
    await testApp?.app.close();
    await database?.close();
    await target?.drop();
  });

  it('limits logins per client address with 429 and Retry-After', async () => {
    const attempt = (ip: string) =>
      testApp.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'someone', password: 'Not-the-password-1' },
        remoteAddress: ip,
      });
    for (let index = 0; index < 3; index++)
      expect((await attempt('10.1.1.1')).statusCode).toBe(401);
    const limited = await attempt('10.1.1.1');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
    // Another client is not affected.
    expect((await attempt('10.1.1.2')).statusCode).toBe(401);
  });

  it('limits the whole API per client, but never the health probes', async () => {
    const call = () =>
      testApp.app.inject({ method: 'GET', url: '/api/v1/me', remoteAddress: '10.2.2.2' });
    const statuses: number[] = [];
    for (let index = 0; index < 10; index++) statuses.push((await call()).statusCode);
    expect(statuses.slice(0, 8).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(8)).toEqual([429, 429]);
    const probe = await testApp.app.inject({
      method: 'GET',
      url: '/api/health',
      remoteAddress: '10.2.2.2',
    });
    expect(probe.statusCode).toBe(200);
  });

  it('trusts X-Forwarded-For only behind a configured proxy', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 10; index++) {
      const response = await testApp.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        remoteAddress: '10.3.3.3',
        headers: { 'x-forwarded-for': `192.0.2.${index}` },
      });
      statuses.push(response.statusCode);
    }
    // Without TRUST_PROXY every request counts against the real peer, whatever the header says.
    expect(statuses.filter((status) => status === 429)).toHaveLength(2);
  });
});

describe('behind a trusted proxy', () => {
  let target: TestDatabaseTarget;
  let database: Database;
  let testApp: TestApp;

  beforeAll(async () => {
    target = await createTestDatabase('embedded');
    database = await target.open();
    testApp = await createTestApp(database, {
      JWT_SECRET: TEST_JWT_SECRET,
      TRUST_PROXY: '10.4.4.4',
      RATE_LIMIT_MAX_REQUESTS: '2',
    });
  });

  afterAll(async () => {
    await testApp?.app.close();
    await database?.close();
    await target?.drop();
  });

  it('counts each client named by X-Forwarded-For separately', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 6; index++) {
      const response = await testApp.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        remoteAddress: '10.4.4.4',
        headers: { 'x-forwarded-for': `198.51.100.${index % 3}` },
      });
      statuses.push(response.statusCode);
    }
    // Three clients, two requests each: all within the limit of two.
    expect(statuses.every((status) => status === 401)).toBe(true);
    const third = await testApp.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      remoteAddress: '10.4.4.4',
      headers: { 'x-forwarded-for': '198.51.100.0' },
    });
    expect(third.statusCode).toBe(429);
  });
});

// Sharing counters needs a Redis server; CI provides one on loopback (TEST_REDIS_URL).
describe.runIf(process.env.TEST_REDIS_URL)(
  'rate limits shared between replicas through Redis',
  () => {
    let target: TestDatabaseTarget;
    let database: Database;
    const replicas: TestApp[] = [];

    beforeAll(async () => {
      target = await createTestDatabase('embedded');
      database = await target.open();
      for (let index = 0; index < 2; index++) {
        replicas.push(
          await createTestApp(database, {
            JWT_SECRET: TEST_JWT_SECRET,
            REDIS_URL: process.env.TEST_REDIS_URL!,
            RATE_LIMIT_MAX_REQUESTS: '6',
          }),
        );
      }
    });

    afterAll(async () => {
      for (const replica of replicas) await replica.app.close();
      await database?.close();
      await target?.drop();
    });

    it('counts one client across both replicas', async () => {
      const client = `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      const statuses: number[] = [];
      for (let index = 0; index < 8; index++) {
        const replica = replicas[index % 2]!;
        statuses.push(
          (await replica.app.inject({ method: 'GET', url: '/api/v1/me', remoteAddress: client }))
            .statusCode,
        );
      }
      expect(statuses.slice(0, 6).every((status) => status === 401)).toBe(true);
      expect(statuses.slice(6)).toEqual([429, 429]);
    });
  },
);
