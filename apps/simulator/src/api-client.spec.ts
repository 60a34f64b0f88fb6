import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiClient, ApiError, errorMessageOf, type Fetch, retryAfterMs } from './api-client.js';

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers });
}

/** A fetch that answers from a script, one response (or thrown error) per call. */
function scripted(responses: (Response | Error)[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch: Fetch = (url, init) => {
    calls.push({ url, init });
    const next = responses.shift();
    if (!next) throw new Error('no more scripted responses');
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  return { fetch, calls };
}

function client(fetch: Fetch, sleeps: number[] = []) {
  return new ApiClient({
    baseUrl: 'http://api.test/',
    username: 'admin',
    password: 'pw',
    fetch,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
}

const login = () => json(200, { accessToken: 'token-1' });
const anything = z.unknown();

describe('retryAfterMs', () => {
  it('reads delay-seconds and HTTP dates', () => {
    const nowMs = Date.parse('2025-06-21T10:00:00Z');

    expect(retryAfterMs('7', nowMs)).toBe(7_000);
    expect(retryAfterMs(' 1.5 ', nowMs)).toBe(1_500);
    expect(retryAfterMs('Sat, 21 Jun 2025 10:00:30 GMT', nowMs)).toBe(30_000);
    expect(retryAfterMs('Sat, 21 Jun 2025 09:00:00 GMT', nowMs)).toBe(0);
  });

  it('gives up on what it cannot read', () => {
    expect(retryAfterMs(null, 0)).toBeUndefined();
    expect(retryAfterMs('', 0)).toBeUndefined();
    expect(retryAfterMs('soon', 0)).toBeUndefined();
  });
});

describe('ApiClient', () => {
  it('logs in once and sends the bearer token', async () => {
    const { fetch, calls } = scripted([login(), json(200, { ok: 1 }), json(200, { ok: 2 })]);
    const api = client(fetch);

    await api.get('/api/v1/sites', anything);
    await api.get('/api/v1/sites', anything);

    expect(calls.map((call) => call.url)).toEqual([
      'http://api.test/api/v1/auth/login',
      'http://api.test/api/v1/sites',
      'http://api.test/api/v1/sites',
    ]);
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({
      username: 'admin',
      password: 'pw',
    });
    expect(new Headers(calls[1]!.init.headers).get('authorization')).toBe('Bearer token-1');
  });

  it('waits as long as Retry-After asks when the login is rate-limited', async () => {
    const sleeps: number[] = [];
    const { fetch, calls } = scripted([
      json(429, { message: 'too many requests' }, { 'retry-after': '12' }),
      json(429, { message: 'too many requests' }, { 'retry-after': '3' }),
      login(),
    ]);

    await client(fetch, sleeps).login();
    expect(sleeps).toEqual([12_000, 3_000]);
    expect(calls).toHaveLength(3);
  });

  it('backs off exponentially when a 429 or 503 has no Retry-After', async () => {
    const sleeps: number[] = [];
    const { fetch } = scripted([
      login(),
      json(503, { message: 'starting' }),
      json(503, { message: 'starting' }),
      json(200, {}),
    ]);

    await client(fetch, sleeps).get('/x', anything);
    expect(sleeps).toEqual([1_000, 2_000]);
  });

  it('logs in again once when the access token expired', async () => {
    const { fetch, calls } = scripted([
      login(),
      json(401, { message: 'expired' }),
      json(200, { accessToken: 'token-2' }),
      json(200, { done: true }),
    ]);

    await expect(client(fetch).get('/x', anything)).resolves.toEqual({ done: true });
    expect(new Headers(calls[3]!.init.headers).get('authorization')).toBe('Bearer token-2');
  });

  it('reports the server’s message and field details in one line', async () => {
    const { fetch } = scripted([
      login(),
      json(400, {
        statusCode: 400,
        message: 'validation failed',
        details: [{ field: 'timezone', message: 'an IANA timezone' }],
      }),
    ]);

    const error = await client(fetch)
      .post('/api/v1/sites', {}, anything)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toBe(
      'POST /api/v1/sites answered 400: validation failed (timezone: an IANA timezone)',
    );
  });

  it('refuses wrong credentials without retrying', async () => {
    const { fetch, calls } = scripted([json(401, { message: 'invalid username or password' })]);

    await expect(client(fetch).login()).rejects.toThrow(
      'answered 401: invalid username or password',
    );
    expect(calls).toHaveLength(1);
  });

  it('retries a GET after a network failure but not a POST that may have been processed', async () => {
    const reset = new TypeError('fetch failed', { cause: new Error('read ECONNRESET') });
    const get = scripted([login(), reset, json(200, { ok: true })]);
    await expect(client(get.fetch).get('/x', anything)).resolves.toEqual({ ok: true });

    const post = scripted([login(), reset]);
    await expect(client(post.fetch).post('/x', {}, anything)).rejects.toThrow('ECONNRESET');

    // A refused connection never reached the server: safe to retry.
    const refused = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    const retried = scripted([login(), refused, json(200, { ok: true })]);
    await expect(client(retried.fetch).post('/x', {}, anything)).resolves.toEqual({ ok: true });
  });

  it('checks the shape of answers', async () => {
    const { fetch } = scripted([login(), json(200, { id: 5 })]);

    await expect(client(fetch).get('/x', z.object({ id: z.string() }))).rejects.toThrow(
      'unexpected answer from /x: id:',
    );
  });
});

describe('errorMessageOf', () => {
  it('falls back when the body is not the platform’s error shape', () => {
    expect(errorMessageOf('<html>', 'Bad Gateway')).toBe('Bad Gateway');
    expect(errorMessageOf({ message: ['a', 'b'] }, 'x')).toBe('a; b');
  });
});
