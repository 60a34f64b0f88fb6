import { Inject, Injectable } from '@nestjs/common';
import type { TokenResponse } from '@ecogrid/contracts';
import { UnauthenticatedError } from '../common/errors.js';
import { requestContext } from '../common/request-context.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import type { ScopedTransaction } from '../database/scope.js';
import { AuditService } from '../audit/audit.service.js';
import { AuthRepository, type SessionState } from './auth.repository.js';
import {
  AccountLockedError,
  InvalidCredentialsError,
  InvalidRefreshTokenError,
  TenantSuspendedError,
} from './auth.errors.js';
import { toProfile } from '../users/users.mapper.js';
import { PasswordService } from './password.service.js';
import type { Principal } from './principal.js';
import { hashRefreshToken, TokenService } from './token.service.js';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60_000;

@Injectable()
export class AuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(AuthRepository) private readonly repository: AuthRepository,
    @Inject(PasswordService) private readonly passwords: PasswordService,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async login(username: string, password: string): Promise<TokenResponse> {
    const credentials = await this.repository.transaction('platform', (trx) =>
      this.repository.findCredentials(trx, username),
    );
    if (!credentials) {
      await this.passwords.verifyDecoy(password);
      await this.audit.recordAlone('platform', {
        action: 'auth.login_failed',
        tenantId: null,
        userId: null,
        newValues: { username: username.slice(0, 64), reason: 'unknown user' },
      });
      throw new InvalidCredentialsError();
    }
    const scope = 'platform' as const;
    const who = { tenantId: credentials.tenant_id, userId: credentials.id };
    const lockedFor = (credentials.locked_until?.getTime() ?? 0) - Date.now();
    if (lockedFor > 0) {
      await this.audit.recordAlone(scope, {
        ...who,
        action: 'auth.login_refused',
        newValues: { reason: 'locked' },
      });
      throw new AccountLockedError(Math.ceil(lockedFor / 1000));
    }
    const valid = await this.passwords.verify(credentials.password_hash, password);
    if (!valid) {
      const { locked } = await this.repository.transaction(scope, async (trx) => {
        const outcome = await this.repository.recordFailure(
          trx,
          credentials.id,
          MAX_FAILED_LOGINS,
          new Date(Date.now() + LOCKOUT_MS),
        );
        await this.audit.record(trx, {
          ...who,
          action: 'auth.login_failed',
          newValues: { reason: 'wrong password' },
        });
        if (outcome.locked) {
          await this.audit.record(trx, {
            ...who,
            action: 'auth.lockout',
            newValues: { minutes: LOCKOUT_MS / 60_000 },
          });
        }
        return outcome;
      });
      if (locked) throw new AccountLockedError(LOCKOUT_MS / 1000);
      throw new InvalidCredentialsError();
    }
    if (credentials.blocked) {
      await this.audit.recordAlone(scope, {
        ...who,
        action: 'auth.login_refused',
        newValues: { reason: 'blocked' },
      });
      throw new InvalidCredentialsError();
    }
    if (!credentials.is_platform_admin && credentials.tenant_status !== 'active') {
      await this.audit.recordAlone(scope, {
        ...who,
        action: 'auth.login_refused',
        newValues: { reason: 'tenant suspended' },
      });
      throw new TenantSuspendedError();
    }
    return this.repository.transaction(scope, async (trx) => {
      await this.repository.recordSuccess(trx, credentials.id);
      const context = requestContext.getStore();
      const sessionId = await this.repository.createSession(trx, {
        tenantId: credentials.tenant_id,
        userId: credentials.id,
        expiresAt: new Date(Date.now() + this.config.REFRESH_TOKEN_TTL * 1000),
        ip: context?.ip,
        userAgent: context?.userAgent,
      });
      await this.audit.record(trx, {
        ...who,
        action: 'auth.login',
        resourceType: 'session',
        resourceId: sessionId,
      });
      return this.issueTokens(trx, sessionId, credentials.id);
    });
  }

  /** Rotates the refresh token; a token presented twice revokes its whole session (family). */
  async refresh(refreshToken: string): Promise<TokenResponse> {
    const hash = hashRefreshToken(refreshToken);
    const outcome = await this.repository.transaction('platform', async (trx) => {
      const consumed = await this.repository.consumeRefreshToken(trx, hash);
      if (!consumed) return { ok: false as const };
      const state = await this.repository.sessionState(trx, consumed.sessionId);
      if (!state) return { ok: false as const };
      const who = { tenantId: state.tenant_id, userId: state.user_id };
      if (consumed.status === 'reused') {
        await this.repository.revokeSession(trx, state.session_id, 'refresh token reuse');
        await this.audit.record(trx, {
          ...who,
          action: 'auth.refresh_reuse',
          resourceType: 'session',
          resourceId: state.session_id,
        });
        return { ok: false as const };
      }
      if (!isSessionUsable(state)) return { ok: false as const };
      return {
        ok: true as const,
        tokens: await this.issueTokens(trx, state.session_id, state.user_id),
      };
    });
    if (!outcome.ok) throw new InvalidRefreshTokenError();
    return outcome.tokens;
  }

  async logout(principal: Principal): Promise<void> {
    await this.repository.transaction('platform', async (trx) => {
      await this.repository.revokeSession(trx, principal.sessionId, 'logout');
      await this.audit.record(trx, {
        action: 'auth.logout',
        resourceType: 'session',
        resourceId: principal.sessionId,
      });
    });
  }

  async logoutAll(principal: Principal): Promise<number> {
    return this.repository.transaction('platform', async (trx) => {
      const ended = await this.repository.revokeUserSessions(trx, principal.userId, 'logout-all');
      await this.audit.record(trx, {
        action: 'auth.logout_all',
        resourceType: 'user',
        resourceId: principal.userId,
        newValues: { sessions: ended },
      });
      return ended;
    });
  }

  /** Resolves a bearer token to the caller, checking the session, the user and the tenant now. */
  async authenticate(
    accessToken: string,
    requestedTenantId: string | undefined,
  ): Promise<Principal> {
    const claims = await this.tokens.verifyAccessToken(accessToken);
    return this.repository.transaction('platform', async (trx) => {
      const state = await this.repository.sessionState(trx, claims.sessionId);
      if (!state || state.user_id !== claims.userId || !isSessionUsable(state)) {
        throw new UnauthenticatedError('session ended; sign in again');
      }
      let tenantId = state.tenant_id;
      if (state.is_platform_admin && requestedTenantId) {
        if (!(await this.repository.tenantExists(trx, requestedTenantId))) {
          throw new UnauthenticatedError('unknown tenant in X-Tenant-Id');
        }
        tenantId = requestedTenantId;
      }
      return {
        userId: state.user_id,
        username: state.username,
        sessionId: state.session_id,
        isPlatformAdmin: state.is_platform_admin,
        role: state.role,
        homeTenantId: state.tenant_id,
        tenantId,
        siteIds: state.site_ids,
      };
    });
  }

  private async issueTokens(
    trx: ScopedTransaction,
    sessionId: string,
    userId: string,
  ): Promise<TokenResponse> {
    const refresh = this.tokens.newRefreshToken();
    const row = await this.repository.findUser(trx, userId);
    if (!row) throw new InvalidRefreshTokenError();
    const profile = toProfile(row);
    await this.repository.addRefreshToken(trx, sessionId, profile.tenantId, refresh.hash);
    const accessToken = await this.tokens.signAccessToken({
      userId,
      sessionId,
      tenantId: profile.tenantId,
      role: profile.role,
      isPlatformAdmin: profile.isPlatformAdmin,
    });
    return {
      accessToken,
      refreshToken: refresh.token,
      expiresIn: this.tokens.accessTokenTtlSeconds,
      tokenType: 'Bearer',
      user: profile,
    };
  }
}

function isSessionUsable(state: SessionState): boolean {
  if (state.revoked_at || state.expires_at.getTime() <= Date.now() || state.blocked) return false;
  return state.is_platform_admin || state.tenant_status === 'active';
}
