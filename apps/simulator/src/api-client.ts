import { z } from 'zod';

/*
 * The few REST calls the simulator makes, with the manners a fleet tool needs: it logs in again
 * when the access token expired, waits as long as the server's Retry-After asks when rate-limited
 * (429) or unavailable (503), and retries only what is safe to retry.
 */

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  baseUrl: string;
  username: string;
  password: string;
  fetch?: Fetch;
  sleep?: (ms: number) => Promise<void>;
  log?: (message: string) => void;
  /** How often one request is tried when rate-limited or the server is unreachable. */
  maxAttempts?: number;
}

const DEFAULT_MAX_ATTEMPTS = 8;
/** Never wait longer than this for one retry, whatever the server asks. */
const MAX_WAIT_MS = 120_000;
const REQUEST_TIMEOUT_MS = 120_000;

/**
 * How long a Retry-After header asks to wait: delay-seconds or an HTTP date; undefined when
 * absent or unreadable.
 */
export function retryAfterMs(header: string | null | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1_000);
  const dateMs = Date.parse(text);
  return Number.isNaN(dateMs) ? undefined : Math.max(0, dateMs - nowMs);
}

/** Exponential backoff for a retry without Retry-After: 1 s, 2 s, 4 s … capped at 30 s. */
export function fallbackRetryDelayMs(attempt: number): number {
  return Math.min(30_000, 1_000 * 2 ** Math.max(0, attempt - 1));
}

const loginResponseSchema = z.object({ accessToken: z.string().min(1) });

const errorBodySchema = z.object({
  message: z.union([z.string(), z.array(z.string())]),
  details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

/** The server's one error shape, as one line: message and the first few field details. */
export function errorMessageOf(body: unknown, fallback: string): string {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return fallback;
  const { message, details } = parsed.data;
  const text = Array.isArray(message) ? message.join('; ') : message;
  const fields = (details ?? []).slice(0, 3).map((detail) => `${detail.field}: ${detail.message}`);
  return fields.length > 0 ? `${text} (${fields.join('; ')})` : text;
}

interface RequestOptions {
  body?: unknown;
  contentType?: string;
  /** Whether a network failure may be retried (the request may have been processed). */
  idempotent: boolean;
}

export class ApiClient {
  private accessToken: string | undefined;
  private readonly fetch: Fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxAttempts: number;
  readonly baseUrl: string;

  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  }

  async login(): Promise<void> {
    const body = await this.send(
      'POST',
      '/api/v1/auth/login',
      {
        body: { username: this.options.username, password: this.options.password },
        idempotent: true,
      },
      false,
    );
    const parsed = loginResponseSchema.safeParse(body);
    if (!parsed.success) throw new ApiError('login answered without an access token', undefined);
    this.accessToken = parsed.data.accessToken;
  }

  async get<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    return this.parse(path, schema, await this.send('GET', path, { idempotent: true }, true));
  }

  /** POST that is not retried after a network failure: it may have been processed. */
  async post<T>(
    path: string,
    body: unknown,
    schema: z.ZodType<T>,
    contentType = 'application/json',
  ): Promise<T> {
    return this.parse(
      path,
      schema,
      await this.send('POST', path, { body, contentType, idempotent: false }, true),
    );
  }

  private parse<T>(path: string, schema: z.ZodType<T>, body: unknown): T {
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ApiError(
        `unexpected answer from ${path}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`,
        undefined,
      );
    }
    return parsed.data;
  }

  private async send(
    method: string,
    path: string,
    request: RequestOptions,
    authenticated: boolean,
  ): Promise<unknown> {
    if (authenticated && !this.accessToken) await this.login();
    let loggedInAgain = false;
    for (let attempt = 1; ; attempt += 1) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (authenticated && this.accessToken) headers.authorization = `Bearer ${this.accessToken}`;
      let payload: string | undefined;
      if (request.body !== undefined) {
        headers['content-type'] = request.contentType ?? 'application/json';
        payload = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
      }

      let response: Response;
      try {
        response = await this.fetch(`${this.baseUrl}${path}`, {
          method,
          headers,
          ...(payload !== undefined ? { body: payload } : {}),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        const reason =
          (error as Error).cause instanceof Error
            ? ((error as Error).cause as Error).message
            : (error as Error).message;
        // Refused connections never reached the server: safe to retry whatever the method.
        const refused = /ECONNREFUSED/.test(reason);
        if ((!request.idempotent && !refused) || attempt >= this.maxAttempts) {
          throw new ApiError(`${method} ${path} failed: ${reason}`, undefined);
        }
        const waitMs = fallbackRetryDelayMs(attempt);
        this.options.log?.(
          `${method} ${path} failed (${reason}); retrying in ${Math.round(waitMs / 1_000)} s`,
        );
        await this.sleep(waitMs);
        continue;
      }

      const text = await response.text();
      let body: unknown = undefined;
      if (text) {
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          body = text;
        }
      }
      if (response.ok) return body;

      if (response.status === 401 && authenticated && !loggedInAgain) {
        // The access token expired during a long provisioning run.
        loggedInAgain = true;
        await this.login();
        continue;
      }
      if ((response.status === 429 || response.status === 503) && attempt < this.maxAttempts) {
        const waitMs = Math.min(
          MAX_WAIT_MS,
          retryAfterMs(response.headers.get('retry-after'), Date.now()) ??
            fallbackRetryDelayMs(attempt),
        );
        this.options.log?.(
          `${method} ${path}: ${response.status === 429 ? 'rate-limited' : 'server unavailable'}; retrying in ${Math.ceil(waitMs / 1_000)} s`,
        );
        await this.sleep(waitMs);
        continue;
      }
      throw new ApiError(
        `${method} ${path} answered ${response.status}: ${errorMessageOf(body, response.statusText)}`,
        response.status,
      );
    }
  }
}
