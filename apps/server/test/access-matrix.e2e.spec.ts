import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessRuleOf, type AccessRule } from '../src/auth/access-matrix.js';
import type { Database } from '../src/database/database.js';
import { createTestApp, type TestApp } from './app.js';
import { createTestDatabase, testEngines, type TestDatabaseTarget } from './database.js';
import {
  actingIn,
  createTenant,
  createUser,
  DEMO,
  login,
  PLATFORM_ADMIN,
  TEST_JWT_SECRET,
  type Session,
} from './identity.js';

type PrincipalName =
  'anonymous' | 'viewer' | 'operator' | 'admin' | 'platform admin' | 'admin of another tenant';
const PRINCIPALS: PrincipalName[] = [
  'anonymous',
  'viewer',
  'operator',
  'admin',
  'platform admin',
  'admin of another tenant',
];

/** Routes that end the caller's own session: the caller signs in again afterwards. */
const ENDS_SESSION = new Set(['POST /api/v1/auth/logout', 'POST /api/v1/auth/logout-all']);

type Expected = 'allowed' | 'unauthenticated' | 'forbidden' | 'not found';

/** Valid query strings for routes that require one, so the answer is about access, not input. */
const SAMPLE_QUERIES: Record<string, string> = {
  'GET /api/v1/devices/:id/telemetry':
    'metrics=power_kw&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z',
  'GET /api/v1/sites/:id/energy': 'from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z',
};

/** What the matrix says this principal gets from this route. */
function expectedOutcome(rule: AccessRule, principal: PrincipalName, path: string): Expected {
  if (rule.kind === 'public') return 'allowed';
  if (principal === 'anonymous') return 'unauthenticated';
  // Device routes take device credentials only: a user's token is no credential there.
  if (rule.kind === 'device') return 'unauthenticated';
  if (rule.kind === 'platform') return principal === 'platform admin' ? 'allowed' : 'forbidden';
  if (principal === 'platform admin') return rule.platformAdmin ? 'allowed' : 'forbidden';
  const role = principal === 'admin of another tenant' ? 'admin' : principal;
  if (!rule.roles.includes(role)) return 'forbidden';
  // Another tenant's resource answers as if it did not exist.
  return principal === 'admin of another tenant' && rule.tenant && path.includes('{id}')
    ? 'not found'
    : 'allowed';
}

describe.each(testEngines())(
  'every route × every principal against the access matrix on %s',
  (engine) => {
    let target: TestDatabaseTarget;
    let database: Database;
    let testApp: TestApp;
    const credentials = new Map<PrincipalName, { username: string; password: string }>();
    const sessions = new Map<PrincipalName, Session>();
    let tenantA: string;
    let spareTenant: string;
    let targetUserId: string;

    async function sessionOf(principal: PrincipalName): Promise<Session | undefined> {
      if (principal === 'anonymous') return undefined;
      let session = sessions.get(principal);
      if (!session) {
        const { username, password } = credentials.get(principal)!;
        session = await login(testApp.app, username, password);
        sessions.set(principal, session);
      }
      return session;
    }

    beforeAll(async () => {
      target = await createTestDatabase(engine);
      database = await target.open();
      testApp = await createTestApp(database, {
        JWT_SECRET: TEST_JWT_SECRET,
        LOGIN_RATE_LIMIT_MAX: '10000',
        RATE_LIMIT_MAX_REQUESTS: '100000',
      });
      credentials.set('platform admin', PLATFORM_ADMIN);
      for (const role of ['admin', 'operator', 'viewer'] as const)
        credentials.set(role, DEMO[role]);
      const platform = (await sessionOf('platform admin'))!;
      tenantA = (await sessionOf('admin'))!.tenantId!;
      const tenantB = await createTenant(testApp.app, platform);
      credentials.set(
        'admin of another tenant',
        await createUser(testApp.app, platform, tenantB.id, { role: 'admin' }),
      );
      spareTenant = (await createTenant(testApp.app, platform)).id;
      targetUserId = (await createUser(testApp.app, platform, tenantA, { role: 'viewer' })).id;
    });

    afterAll(async () => {
      await testApp?.app.close();
      await database?.close();
      await target?.drop();
    });

    it('answers each route as the matrix says, and every route has an entry', async () => {
      const document = (
        await testApp.app.inject({ method: 'GET', url: '/api/openapi.json' })
      ).json<{
        paths: Record<string, Record<string, unknown>>;
      }>();
      const routes = Object.entries(document.paths)
        // The probe routes exist only in tests (see fixtures/probe.module.ts).
        .filter(([path]) => !path.startsWith('/api/v1/probe/'))
        .flatMap(([path, operations]) =>
          Object.keys(operations).map((method) => ({ method: method.toUpperCase(), path })),
        );
      expect(routes.length).toBeGreaterThan(20);
      const failures: string[] = [];
      let checked = 0;
      for (const { method, path } of routes) {
        const key = `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
        const rule = accessRuleOf(key);
        if (!rule) {
          failures.push(`${key}: no access-matrix entry`);
          continue;
        }
        for (const principal of PRINCIPALS) {
          const session = await sessionOf(principal);
          const id = path.startsWith('/api/v1/tenants') ? spareTenant : targetUserId;
          const headers =
            principal === 'platform admin' && session
              ? actingIn(session, tenantA)
              : (session?.headers ?? {});
          const response = await testApp.app.inject({
            method: method as 'GET',
            url: `${path.replace('{id}', id)}${SAMPLE_QUERIES[key] ? `?${SAMPLE_QUERIES[key]}` : ''}`,
            headers,
            ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }),
          });
          checked++;
          const expected = expectedOutcome(rule, principal, path);
          const status = response.statusCode;
          const ok =
            status < 500 &&
            (expected === 'unauthenticated'
              ? status === 401
              : expected === 'forbidden'
                ? status === 403
                : expected === 'not found'
                  ? status === 404
                  : status !== 401 && status !== 403);
          if (!ok)
            failures.push(
              `${key} as ${principal}: expected ${expected}, got ${status} ${response.body.slice(0, 160)}`,
            );
          if (ENDS_SESSION.has(key) && session) sessions.delete(principal);
        }
      }
      expect(failures).toEqual([]);
      expect(checked).toBe(routes.length * PRINCIPALS.length);
    });
  },
);
