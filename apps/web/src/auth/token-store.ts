import type { Profile, TokenResponse } from '@ecogrid/contracts';

/** Where the refresh token survives a reload: per tab, so two tabs never rotate the same token. */
const STORAGE_KEY = 'ecogrid.refreshToken';
const TENANT_KEY = 'ecogrid.actingTenantId';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds at which the access token expires. */
  expiresAt: number;
}

export type RefreshOutcome =
  | { ok: true; response: TokenResponse }
  | { ok: false; reason: 'no_session' | 'rejected' | 'network' };

type Listener = (tokens: Tokens | null, profile: Profile | null) => void;

export interface TokenStoreOptions {
  fetch?: typeof globalThis.fetch;
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  now?: () => number;
}

/**
 * Holds the session's tokens outside React, so the API client's middleware and the live client read
 * the same ones. Refreshes are single-flight: concurrent 401s share one rotation, since a refresh
 * token presented twice ends the whole session.
 */
export class TokenStore {
  private tokens: Tokens | null = null;
  private inflight: Promise<RefreshOutcome> | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly storage: TokenStoreOptions['storage'];
  private readonly now: () => number;

  constructor(options: TokenStoreOptions = {}) {
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.storage = options.storage === undefined ? safeSessionStorage() : options.storage;
    this.now = options.now ?? Date.now;
  }

  /** The tenant a platform admin acts in (sent as X-Tenant-Id); null for everyone else. */
  get actingTenantId(): string | null {
    return this.storage?.getItem(TENANT_KEY) ?? null;
  }

  setActingTenant(tenantId: string | null): void {
    if (tenantId) this.storage?.setItem(TENANT_KEY, tenantId);
    else this.storage?.removeItem(TENANT_KEY);
  }

  get accessToken(): string | null {
    return this.tokens?.accessToken ?? null;
  }

  get current(): Tokens | null {
    return this.tokens;
  }

  /** A refresh token kept from before a reload, if any. */
  get storedRefreshToken(): string | null {
    return this.tokens?.refreshToken ?? this.storage?.getItem(STORAGE_KEY) ?? null;
  }

  accept(response: TokenResponse): void {
    this.tokens = {
      accessToken: response.accessToken,
      refreshToken: response.refreshToken,
      expiresAt: this.now() + response.expiresIn * 1000,
    };
    this.storage?.setItem(STORAGE_KEY, response.refreshToken);
    this.emit(response.user);
  }

  clear(): void {
    const had = this.tokens !== null;
    this.tokens = null;
    this.storage?.removeItem(STORAGE_KEY);
    this.storage?.removeItem(TENANT_KEY);
    if (had) this.emit(null);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Rotates the refresh token. A rejection (the session ended, the token was reused) clears the
   * session; a network failure keeps it, so the next attempt may succeed.
   */
  refresh(): Promise<RefreshOutcome> {
    this.inflight ??= this.rotate().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async rotate(): Promise<RefreshOutcome> {
    const refreshToken = this.storedRefreshToken;
    if (!refreshToken) return { ok: false, reason: 'no_session' };
    let response: Response;
    try {
      response = await this.fetchImpl('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken }),
      });
    } catch {
      return { ok: false, reason: 'network' };
    }
    if (!response.ok) {
      // 429 and 5xx say nothing about the session: keep it and let the caller retry later.
      if (response.status === 429 || response.status >= 500)
        return { ok: false, reason: 'network' };
      this.clear();
      return { ok: false, reason: 'rejected' };
    }
    const body = (await response.json()) as TokenResponse;
    this.accept(body);
    return { ok: true, response: body };
  }

  private emit(profile: Profile | null): void {
    for (const listener of this.listeners) listener(this.tokens, profile);
  }
}

function safeSessionStorage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

/** The app's one store; tests build their own. */
export const tokenStore = new TokenStore();
