import type { Profile, TokenResponse } from '@ecogrid/contracts';

/** A profile with overrides, for tests. */
export function makeProfile(overrides: Partial<Profile> = {}): Profile {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    tenantId: '22222222-2222-4222-8222-222222222222',
    username: 'ada',
    email: null,
    displayName: 'Ada Operator',
    role: 'operator',
    isPlatformAdmin: false,
    siteIds: null,
    blocked: false,
    lockedUntil: null,
    lastLoginAt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    preferences: { theme: 'system', units: 'metric' },
    ...overrides,
  };
}

export function makeTokenResponse(
  accessToken: string,
  refreshToken: string,
  user: Profile = makeProfile(),
): TokenResponse {
  return { accessToken, refreshToken, expiresIn: 900, tokenType: 'Bearer', user };
}

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/** An in-memory Storage for the token store. */
export function memoryStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
  };
}
