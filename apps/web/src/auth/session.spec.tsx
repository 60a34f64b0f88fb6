/* eslint-disable @typescript-eslint/require-await -- fake servers answer at once, as fetch implementations they still return promises */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, createApiClient, data } from '../api/client';
import { SessionProvider, useSession } from './session';
import { jsonResponse, makeProfile, makeTokenResponse, memoryStorage } from './test-fixtures';
import { TokenStore } from './token-store';

afterEach(cleanup);

function urlOf(input: RequestInfo | URL): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}

function SessionProbe() {
  const session = useSession();
  return (
    <div>
      <p data-testid="status">{session.status}</p>
      <p data-testid="name">{session.profile?.displayName ?? 'nobody'}</p>
      <button onClick={() => void session.login('ada', 'correct horse').catch(() => undefined)}>
        log in
      </button>
      <button onClick={() => void session.logout()}>log out</button>
    </div>
  );
}

describe('session', () => {
  it('signs in with the username and password and keeps the refresh token for reloads', async () => {
    const storage = memoryStorage();
    const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      expect(urlOf(input)).toBe('/api/v1/auth/login');
      expect(JSON.parse(init?.body as string)).toEqual({
        username: 'ada',
        password: 'correct horse',
      });
      return jsonResponse(makeTokenResponse('access-1', 'refresh-1'));
    });
    const tokens = new TokenStore({ fetch, storage });
    render(
      <SessionProvider tokens={tokens} fetch={fetch}>
        <SessionProbe />
      </SessionProvider>,
    );
    expect(screen.getByTestId('status').textContent).toBe('anonymous');
    fireEvent.click(screen.getByText('log in'));
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('authenticated'));
    expect(screen.getByTestId('name').textContent).toBe('Ada Operator');
    expect(tokens.accessToken).toBe('access-1');
    expect(storage.getItem('ecogrid.refreshToken')).toBe('refresh-1');
  });

  it('restores a session after a reload from the stored refresh token', async () => {
    const storage = memoryStorage();
    storage.setItem('ecogrid.refreshToken', 'kept');
    const fetch = vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
      expect(JSON.parse(init?.body as string)).toEqual({ refreshToken: 'kept' });
      return jsonResponse(
        makeTokenResponse('access-2', 'rotated', makeProfile({ displayName: 'Back' })),
      );
    });
    const tokens = new TokenStore({ fetch, storage });
    render(
      <SessionProvider tokens={tokens} fetch={fetch}>
        <SessionProbe />
      </SessionProvider>,
    );
    expect(screen.getByTestId('status').textContent).toBe('restoring');
    await waitFor(() => expect(screen.getByTestId('name').textContent).toBe('Back'));
    expect(storage.getItem('ecogrid.refreshToken')).toBe('rotated');
  });

  it('reports a wrong password with the server message and stays signed out', async () => {
    const fetch = vi.fn(async () =>
      jsonResponse(
        { statusCode: 401, error: 'Unauthorized', message: 'Invalid credentials', requestId: 'r' },
        401,
      ),
    );
    const tokens = new TokenStore({ fetch, storage: memoryStorage() });
    let caught: unknown;
    function Login() {
      const session = useSession();
      return (
        <button
          onClick={() =>
            void session.login('ada', 'nope').catch((error: unknown) => (caught = error))
          }
        >
          go
        </button>
      );
    }
    render(
      <SessionProvider tokens={tokens} fetch={fetch}>
        <Login />
      </SessionProvider>,
    );
    fireEvent.click(screen.getByText('go'));
    await waitFor(() => expect(caught).toBeInstanceOf(ApiError));
    expect((caught as ApiError).message).toBe('Invalid credentials');
    expect(tokens.accessToken).toBeNull();
  });

  it('signs out at the server, forgets the tokens and ends the session', async () => {
    const storage = memoryStorage();
    const onSessionEnd = vi.fn();
    const calls: string[] = [];
    const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push(
        `${init?.method ?? 'GET'} ${urlOf(input)} ${new Headers(init?.headers).get('authorization') ?? ''}`,
      );
      if (urlOf(input).endsWith('/logout')) return new Response(null, { status: 204 });
      return jsonResponse(makeTokenResponse('access-1', 'refresh-1'));
    });
    const tokens = new TokenStore({ fetch, storage });
    render(
      <SessionProvider tokens={tokens} fetch={fetch} onSessionEnd={onSessionEnd}>
        <SessionProbe />
      </SessionProvider>,
    );
    fireEvent.click(screen.getByText('log in'));
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('authenticated'));
    fireEvent.click(screen.getByText('log out'));
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('anonymous'));
    expect(calls).toContain('POST /api/v1/auth/logout Bearer access-1');
    expect(storage.getItem('ecogrid.refreshToken')).toBeNull();
    expect(onSessionEnd).toHaveBeenCalledTimes(1);
  });
});

describe('API client', () => {
  function signedInStore(fetch: typeof globalThis.fetch) {
    const tokens = new TokenStore({ fetch, storage: memoryStorage() });
    tokens.accept(makeTokenResponse('stale', 'refresh-1'));
    return tokens;
  }

  it('refreshes once on a 401 and retries the request with the new token', async () => {
    const seen: string[] = [];
    const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request =
        input instanceof Request
          ? input
          : new Request(new URL(urlOf(input), 'http://app.test'), init);
      const path = new URL(request.url, 'http://app.test').pathname;
      if (path === '/api/v1/auth/refresh') {
        seen.push('refresh');
        return jsonResponse(makeTokenResponse('fresh', 'refresh-2'));
      }
      const auth = request.headers.get('authorization');
      seen.push(`${path} ${auth}`);
      return auth === 'Bearer fresh'
        ? jsonResponse({ sites: 2 })
        : jsonResponse(
            { statusCode: 401, message: 'expired', error: 'Unauthorized', requestId: 'r' },
            401,
          );
    });
    const tokens = signedInStore(fetch);
    const client = createApiClient({ tokens, fetch, baseUrl: 'http://app.test' });
    const summary = await data(client.GET('/api/v1/fleet/summary'));
    expect(summary).toEqual({ sites: 2 });
    expect(seen).toEqual([
      '/api/v1/fleet/summary Bearer stale',
      'refresh',
      '/api/v1/fleet/summary Bearer fresh',
    ]);
  });

  it('gives up after one refresh: a second 401 becomes an ApiError', async () => {
    let refreshes = 0;
    const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request =
        input instanceof Request
          ? input
          : new Request(new URL(urlOf(input), 'http://app.test'), init);
      if (request.url.endsWith('/api/v1/auth/refresh')) {
        refreshes++;
        return jsonResponse(makeTokenResponse(`fresh-${refreshes}`, `refresh-${refreshes + 1}`));
      }
      return jsonResponse(
        { statusCode: 401, message: 'session ended', error: 'Unauthorized', requestId: 'r' },
        401,
      );
    });
    const tokens = signedInStore(fetch);
    const client = createApiClient({ tokens, fetch, baseUrl: 'http://app.test' });
    const failure = data(client.GET('/api/v1/fleet/summary'));
    await expect(failure).rejects.toMatchObject({ status: 401, message: 'session ended' });
    expect(refreshes).toBe(1);
  });

  it('shares one refresh between concurrent 401s, since a reused refresh token ends the session', async () => {
    let refreshes = 0;
    const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request =
        input instanceof Request
          ? input
          : new Request(new URL(urlOf(input), 'http://app.test'), init);
      if (request.url.endsWith('/api/v1/auth/refresh')) {
        refreshes++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return jsonResponse(makeTokenResponse('fresh', 'refresh-2'));
      }
      return request.headers.get('authorization') === 'Bearer fresh'
        ? jsonResponse({ ok: true })
        : jsonResponse(
            { statusCode: 401, message: 'expired', error: 'Unauthorized', requestId: 'r' },
            401,
          );
    });
    const tokens = signedInStore(fetch);
    const client = createApiClient({ tokens, fetch, baseUrl: 'http://app.test' });
    await act(async () => {
      await Promise.all([
        data(client.GET('/api/v1/fleet/summary')),
        data(client.GET('/api/v1/me')),
      ]);
    });
    expect(refreshes).toBe(1);
  });

  it('clears the session when the refresh token is refused', async () => {
    const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request =
        input instanceof Request
          ? input
          : new Request(new URL(urlOf(input), 'http://app.test'), init);
      if (request.url.endsWith('/api/v1/auth/refresh')) {
        return jsonResponse(
          { statusCode: 401, message: 'reused', error: 'Unauthorized', requestId: 'r' },
          401,
        );
      }
      return jsonResponse(
        { statusCode: 401, message: 'expired', error: 'Unauthorized', requestId: 'r' },
        401,
      );
    });
    const tokens = signedInStore(fetch);
    const client = createApiClient({ tokens, fetch, baseUrl: 'http://app.test' });
    await expect(data(client.GET('/api/v1/me'))).rejects.toBeInstanceOf(ApiError);
    expect(tokens.accessToken).toBeNull();
  });
});
