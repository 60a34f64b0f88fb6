import type { TokenResponse } from '@ecogrid/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { DEMO_PLATFORM_ADMIN_PASSWORD, DEMO_USERS } from '../src/seed/seed.service.js';

export const TEST_JWT_SECRET = 'test-only-jwt-secret-0123456789-abcdefghijklmnop';
export const PLATFORM_ADMIN = {
  username: 'platform-admin',
  password: DEMO_PLATFORM_ADMIN_PASSWORD,
};
export const DEMO = Object.fromEntries(DEMO_USERS.map((user) => [user.role, user])) as Record<
  'admin' | 'operator' | 'viewer',
  (typeof DEMO_USERS)[number]
>;

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A password the policy accepts. */
export function strongPassword(): string {
  return `Grid-${randomBytes(9).toString('base64url')}`;
}

export interface Session {
  token: string;
  refreshToken: string;
  userId: string;
  tenantId: string | null;
  headers: Record<string, string>;
}

export async function login(
  app: NestFastifyApplication,
  username: string,
  password: string,
): Promise<Session> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
  });
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json<TokenResponse>();
  return {
    token: body.accessToken,
    refreshToken: body.refreshToken,
    userId: body.user.id,
    tenantId: body.user.tenantId,
    headers: { authorization: `Bearer ${body.accessToken}` },
  };
}

/** The platform admin, acting inside `tenantId` (X-Tenant-Id). */
export function actingIn(session: Session, tenantId: string): Record<string, string> {
  return { ...session.headers, 'x-tenant-id': tenantId };
}

export async function createTenant(
  app: NestFastifyApplication,
  platform: Session,
  name = uniqueName('tenant'),
) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/tenants',
    headers: platform.headers,
    payload: { name, slug: name.toLowerCase() },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string; slug: string }>();
}

/** Creates a user in a tenant (through the platform admin) and returns its id and password. */
export async function createUser(
  app: NestFastifyApplication,
  platform: Session,
  tenantId: string,
  overrides: Partial<{
    username: string;
    role: 'admin' | 'operator' | 'viewer';
    siteIds: string[] | null;
  }> = {},
) {
  const password = strongPassword();
  const username = overrides.username ?? uniqueName('user');
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: actingIn(platform, tenantId),
    payload: {
      username,
      password,
      displayName: username,
      role: overrides.role ?? 'viewer',
      ...(overrides.siteIds !== undefined ? { siteIds: overrides.siteIds } : {}),
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  return { id: response.json<{ id: string }>().id, username, password };
}

/** A site of the session's tenant. */
export async function createSite(
  app: NestFastifyApplication,
  session: Session,
  name = uniqueName('site'),
): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/sites',
    headers: session.headers,
    payload: { name, latitude: 48.1, longitude: 11.6, timezone: 'Europe/Berlin' },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string }>().id;
}

export interface TestDevice {
  id: string;
  siteId: string;
  secret: string;
}

/** A device at a site, with the secret it signs in with. */
export async function createDevice(
  app: NestFastifyApplication,
  session: Session,
  siteId: string,
  type: string,
  options: { name?: string; tags?: string[] } = {},
): Promise<TestDevice> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/devices',
    headers: session.headers,
    payload: { siteId, type, name: options.name ?? `${type} device`, tags: options.tags ?? [] },
  });
  expect(response.statusCode, response.body).toBe(201);
  const body = response.json<{ device: { id: string }; credentials: { secret: string } }>();
  return { id: body.device.id, siteId, secret: body.credentials.secret };
}
