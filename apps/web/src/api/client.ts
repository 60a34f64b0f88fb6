import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { ErrorDetail } from '@ecogrid/contracts';
import { tokenStore, type TokenStore } from '../auth/token-store';
import type { paths } from './schema';

/** A failed API call, with the server's error body (`{statusCode, message, code?, details?}`). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly details: ErrorDetail[];

  constructor(status: number, message: string, code?: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The message of the detail about `field` (e.g. "body.username"), if the server named it. */
  fieldMessage(field: string): string | undefined {
    return this.details.find((detail) => detail.field === field)?.message;
  }
}

/** Paths that never carry a bearer token and never trigger a refresh. */
const ANONYMOUS_PATHS = ['/api/v1/auth/login', '/api/v1/auth/refresh'];

export interface ApiClientOptions {
  tokens: TokenStore;
  fetch?: typeof globalThis.fetch;
  baseUrl?: string;
}

/**
 * The typed client: adds the access token (and the tenant a platform admin acts in); on a 401 it
 * refreshes the session once and retries the request once with the new token.
 */
export function createApiClient(options: ApiClientOptions): Client<paths> {
  const originals = new Map<string, Request>();
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? '',
    fetch: (request: Request) => fetchImpl(request),
    // The server takes lists such as `metrics=power_kw,soc_pct`.
    querySerializer: { array: { style: 'form', explode: false } },
  });
  const auth: Middleware = {
    onRequest({ request, schemaPath, id }) {
      if (ANONYMOUS_PATHS.includes(schemaPath)) return request;
      const token = options.tokens.accessToken;
      if (token) request.headers.set('authorization', `Bearer ${token}`);
      const tenantId = options.tokens.actingTenantId;
      if (tenantId && !request.headers.has('x-tenant-id'))
        request.headers.set('x-tenant-id', tenantId);
      // A clone keeps the body readable for the one retry after a refresh.
      originals.set(id, request.clone());
      return request;
    },
    async onResponse({ response, schemaPath, id }) {
      const original = originals.get(id);
      originals.delete(id);
      if (response.status !== 401 || !original || ANONYMOUS_PATHS.includes(schemaPath)) {
        return response;
      }
      const refreshed = await options.tokens.refresh();
      if (!refreshed.ok) return response;
      const retry = new Request(original, { headers: new Headers(original.headers) });
      retry.headers.set('authorization', `Bearer ${refreshed.response.accessToken}`);
      return fetchImpl(retry);
    },
    onError({ id, error }) {
      originals.delete(id);
      return error instanceof Error ? error : new Error(String(error));
    },
  };
  client.use(auth);
  return client;
}

export const api = createApiClient({ tokens: tokenStore });

interface ErrorBodyLike {
  statusCode?: number;
  message?: string;
  code?: string;
  details?: ErrorDetail[];
}

/** The response's data, or an ApiError carrying the server's message and field details. */
export async function data<T>(
  request: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await request;
  } catch (error) {
    throw new ApiError(
      0,
      `The server cannot be reached (${error instanceof Error ? error.message : String(error)})`,
      'network',
    );
  }
  const { response } = result;
  if (response.ok) return result.data as T;
  const body = (typeof result.error === 'object' && result.error !== null ? result.error : {}) as
    ErrorBodyLike | Record<string, never>;
  const message =
    typeof body.message === 'string' && body.message.length > 0
      ? body.message
      : `${response.status} ${response.statusText || 'request failed'}`;
  throw new ApiError(
    response.status,
    message,
    body.code,
    Array.isArray(body.details) ? body.details : [],
  );
}

/**
 * A CSV export of an endpoint that streams `format=csv`, fetched with the session's token (and
 * refreshed once on 401) so the file is the server's own.
 */
export async function fetchCsv(path: string, query: Record<string, string>): Promise<string> {
  const url = `${path}?${new URLSearchParams({ ...query, format: 'csv' }).toString()}`;
  const attempt = (token: string | null) => {
    const headers = new Headers();
    if (token) headers.set('authorization', `Bearer ${token}`);
    if (tokenStore.actingTenantId) headers.set('x-tenant-id', tokenStore.actingTenantId);
    return fetch(url, { headers });
  };
  let response = await attempt(tokenStore.accessToken);
  if (response.status === 401) {
    const refreshed = await tokenStore.refresh();
    if (refreshed.ok) response = await attempt(refreshed.response.accessToken);
  }
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as ErrorBodyLike;
      if (body.message) message = body.message;
    } catch {
      // Not JSON: the status line says enough.
    }
    throw new ApiError(response.status, message);
  }
  return response.text();
}
