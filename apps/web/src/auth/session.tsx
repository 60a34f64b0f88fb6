import type { Profile, Role, TokenResponse } from '@ecogrid/contracts';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import { ApiError } from '../api/client';
import { tokenStore as defaultTokenStore, type TokenStore } from './token-store';

export type SessionStatus = 'restoring' | 'anonymous' | 'authenticated';

export interface Session {
  status: SessionStatus;
  profile: Profile | null;
  role: Role | null;
  isPlatformAdmin: boolean;
  /** The sites the user is limited to; null means every site of the tenant. */
  siteIds: string[] | null;
  accessToken: string | null;
  tokens: TokenStore;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  /** Replaces the profile after the user changed it (PATCH /me answers with the new one). */
  setProfile: (profile: Profile) => void;
}

const SessionContext = createContext<Session | null>(null);

/** Renew this long before the access token expires, so the live stream never sees it lapse. */
export const REFRESH_MARGIN_MS = 60_000;
const MIN_REFRESH_DELAY_MS = 5_000;
/** After a failed refresh that kept the session (network, 5xx), try again after this long. */
const RETRY_REFRESH_MS = 15_000;

export interface SessionProviderProps {
  children: ReactNode;
  tokens?: TokenStore;
  fetch?: typeof globalThis.fetch;
  /** Called when the session ends (logout or a rejected refresh), e.g. to drop cached queries. */
  onSessionEnd?: () => void;
}

async function readTokenResponse(response: Response): Promise<TokenResponse> {
  if (response.ok) return (await response.json()) as TokenResponse;
  let message = response.status === 401 ? 'Wrong username or password' : response.statusText;
  let code: string | undefined;
  try {
    const body = (await response.json()) as { message?: string; code?: string };
    if (body.message) message = body.message;
    code = body.code;
  } catch {
    // Not JSON: keep the status text.
  }
  throw new ApiError(response.status, message, code);
}

export function SessionProvider({
  children,
  tokens = defaultTokenStore,
  fetch: fetchImpl = (input, init) => globalThis.fetch(input, init),
  onSessionEnd,
}: SessionProviderProps) {
  const [status, setStatus] = useState<SessionStatus>(() =>
    tokens.accessToken ? 'authenticated' : tokens.storedRefreshToken ? 'restoring' : 'anonymous',
  );
  const [profile, setProfile] = useState<Profile | null>(null);
  const [accessToken, setAccessToken] = useState<string | null>(tokens.accessToken);

  useEffect(
    () =>
      tokens.subscribe((current, newProfile) => {
        setAccessToken(current?.accessToken ?? null);
        if (current === null) {
          setProfile(null);
          setStatus('anonymous');
          onSessionEnd?.();
          return;
        }
        if (newProfile) setProfile(newProfile);
        setStatus('authenticated');
      }),
    [tokens, onSessionEnd],
  );

  // A reload keeps the refresh token (per tab): rotate it to get a session back.
  useEffect(() => {
    if (status !== 'restoring') return;
    let cancelled = false;
    void tokens.refresh().then((outcome) => {
      if (cancelled || outcome.ok) return;
      if (outcome.reason !== 'rejected') tokens.clear();
      setStatus('anonymous');
    });
    return () => {
      cancelled = true;
    };
  }, [status, tokens]);

  // Renew ahead of expiry; the live client re-authenticates with the new token.
  useEffect(() => {
    const current = tokens.current;
    if (!current || !accessToken) return;
    const delay = Math.max(
      MIN_REFRESH_DELAY_MS,
      current.expiresAt - Date.now() - REFRESH_MARGIN_MS,
    );
    let retry: ReturnType<typeof setTimeout> | undefined;
    const renew = () => {
      void tokens.refresh().then((outcome) => {
        if (!outcome.ok && outcome.reason === 'network')
          retry = setTimeout(renew, RETRY_REFRESH_MS);
      });
    };
    const timer = setTimeout(renew, delay);
    return () => {
      clearTimeout(timer);
      clearTimeout(retry);
    };
  }, [accessToken, tokens]);

  const login = useCallback(
    async (username: string, password: string) => {
      let response: Response;
      try {
        response = await fetchImpl('/api/v1/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password }),
        });
      } catch {
        throw new ApiError(0, 'The server cannot be reached; check the connection', 'network');
      }
      tokens.accept(await readTokenResponse(response));
    },
    [fetchImpl, tokens],
  );

  const logout = useCallback(async () => {
    const token = tokens.accessToken;
    try {
      if (token) {
        await fetchImpl('/api/v1/auth/logout', {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        });
      }
    } catch {
      // The session ends here either way; the server's expires on its own.
    } finally {
      tokens.clear();
    }
  }, [fetchImpl, tokens]);

  const value = useMemo<Session>(
    () => ({
      status,
      profile,
      role: profile?.role ?? null,
      isPlatformAdmin: profile?.isPlatformAdmin ?? false,
      siteIds: profile?.siteIds ?? null,
      accessToken,
      tokens,
      login,
      logout,
      setProfile,
    }),
    [status, profile, accessToken, tokens, login, logout],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession must be used inside <SessionProvider>');
  return session;
}
