import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/database/database.js';
import { createTestApp, type TestApp } from './app.js';
import { createTestDatabase, type TestDatabaseTarget } from './database.js';
import {
  actingIn,
  createUser,
  DEMO,
  login,
  PLATFORM_ADMIN,
  TEST_JWT_SECRET,
  type Session,
} from './identity.js';

const encoder = new TextEncoder();

describe('access and refresh tokens', () => {
  let target: TestDatabaseTarget;
  let database: Database;
  let testApp: TestApp;
  let viewer: Session;

  beforeAll(async () => {
    target = await createTestDatabase('embedded');
    database = await target.open();
    testApp = await createTestApp(database, {
      JWT_SECRET: TEST_JWT_SECRET,
      LOGIN_RATE_LIMIT_MAX: '10000',
    });
    viewer = await login(testApp.app, DEMO.viewer.username, DEMO.viewer.password);
  });

  afterAll(async () => {
    await testApp?.app.close();
    await database?.close();
    await target?.drop();
  });

  const me = (authorization: string) =>
    testApp.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization } });

  /** A token like the server's, with the given changes. */
  function forge(
    options: {
      secret?: string;
      alg?: string;
      typ?: string;
      audience?: string;
      expiresIn?: string | number;
      claims?: Record<string, unknown>;
    } = {},
  ) {
    const [, payload] = viewer.token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    return new SignJWT({
      sid: claims.sid,
      tid: claims.tid,
      role: claims.role,
      pa: false,
      ...options.claims,
    })
      .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: options.typ ?? 'at+jwt' })
      .setSubject(String(claims.sub))
      .setIssuer('ecogrid-ems')
      .setAudience(options.audience ?? 'ecogrid-ems-api')
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '5m')
      .sign(encoder.encode(options.secret ?? TEST_JWT_SECRET));
  }

  it('accepts the token it issued, and a forged twin made with the right key', async () => {
    expect((await me(`Bearer ${viewer.token}`)).statusCode).toBe(200);
    expect((await me(`Bearer ${await forge()}`)).statusCode).toBe(200);
  });

  it('refuses alg "none"', async () => {
    const [, payload] = viewer.token.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString(
      'base64url',
    );
    expect((await me(`Bearer ${header}.${payload}.`)).statusCode).toBe(401);
  });

  it('refuses a token signed with another key', async () => {
    expect(
      (await me(`Bearer ${await forge({ secret: 'another-secret-of-enough-length-000000000' })}`))
        .statusCode,
    ).toBe(401);
  });

  it('refuses a token signed with another algorithm, even with the right key', async () => {
    expect((await me(`Bearer ${await forge({ alg: 'HS512' })}`)).statusCode).toBe(401);
  });

  it('refuses a tampered payload', async () => {
    const [header, payload, signature] = viewer.token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const tampered = Buffer.from(JSON.stringify({ ...claims, role: 'admin', pa: true })).toString(
      'base64url',
    );
    expect((await me(`Bearer ${header}.${tampered}.${signature}`)).statusCode).toBe(401);
  });

  it('refuses an expired token, a wrong type and a wrong audience', async () => {
    const expired = await forge({ expiresIn: Math.floor(Date.now() / 1000) - 10 });
    const response = await me(`Bearer ${expired}`);
    expect(response.statusCode).toBe(401);
    expect(response.json<{ message: string }>().message).toContain('expired');
    expect((await me(`Bearer ${await forge({ typ: 'JWT' })}`)).statusCode).toBe(401);
    expect((await me(`Bearer ${await forge({ audience: 'someone-else' })}`)).statusCode).toBe(401);
  });

  it('refuses a refresh token used as an access token', async () => {
    expect((await me(`Bearer ${viewer.refreshToken}`)).statusCode).toBe(401);
  });

  it('stops the tokens of a blocked user on their next request', async () => {
    const platform = await login(testApp.app, PLATFORM_ADMIN.username, PLATFORM_ADMIN.password);
    const user = await createUser(testApp.app, platform, viewer.tenantId!, { role: 'operator' });
    const session = await login(testApp.app, user.username, user.password);
    expect((await me(session.headers.authorization!)).statusCode).toBe(200);
    const blocked = await testApp.app.inject({
      method: 'POST',
      url: `/api/v1/users/${user.id}/block`,
      headers: actingIn(platform, viewer.tenantId!),
    });
    expect(blocked.statusCode).toBe(200);
    expect((await me(session.headers.authorization!)).statusCode).toBe(401);
    const refreshed = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: session.refreshToken },
    });
    expect(refreshed.statusCode).toBe(401);
    const again = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: user.username, password: user.password },
    });
    expect(again.statusCode).toBe(401);
  });

  it('rotates refresh tokens, and a replayed one revokes the whole family', async () => {
    const session = await login(testApp.app, DEMO.operator.username, DEMO.operator.password);
    const refresh = (refreshToken: string) =>
      testApp.app.inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        payload: { refreshToken },
      });
    const first = await refresh(session.refreshToken);
    expect(first.statusCode).toBe(200);
    const rotated = first.json<{ accessToken: string; refreshToken: string }>();
    expect(rotated.refreshToken).not.toBe(session.refreshToken);
    expect((await me(`Bearer ${rotated.accessToken}`)).statusCode).toBe(200);

    const replay = await refresh(session.refreshToken);
    expect(replay.statusCode).toBe(401);
    // The family is gone: the newest refresh token and the access tokens of the session too.
    expect((await refresh(rotated.refreshToken)).statusCode).toBe(401);
    expect((await me(`Bearer ${rotated.accessToken}`)).statusCode).toBe(401);
  });

  it('lets at most one of two concurrent refreshes of one token succeed', async () => {
    const session = await login(testApp.app, DEMO.operator.username, DEMO.operator.password);
    const results = await Promise.all(
      [0, 1].map(() =>
        testApp.app.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refreshToken: session.refreshToken },
        }),
      ),
    );
    const successes = results.filter((response) => response.statusCode === 200);
    expect(successes.length).toBeLessThanOrEqual(1);
    for (const response of results) expect([200, 401]).toContain(response.statusCode);
  });

  it('ends this session on logout and every session on logout-all', async () => {
    const first = await login(testApp.app, DEMO.operator.username, DEMO.operator.password);
    const second = await login(testApp.app, DEMO.operator.username, DEMO.operator.password);
    const logout = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: first.headers,
    });
    expect(logout.statusCode).toBe(204);
    expect((await me(first.headers.authorization!)).statusCode).toBe(401);
    expect((await me(second.headers.authorization!)).statusCode).toBe(200);
    const third = await login(testApp.app, DEMO.operator.username, DEMO.operator.password);
    const all = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout-all',
      headers: third.headers,
    });
    expect(all.statusCode).toBe(200);
    expect(all.json<{ sessionsEnded: number }>().sessionsEnded).toBeGreaterThanOrEqual(2);
    expect((await me(second.headers.authorization!)).statusCode).toBe(401);
    expect((await me(third.headers.authorization!)).statusCode).toBe(401);
  });
});
