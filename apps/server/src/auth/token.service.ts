import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Role } from '@ecogrid/contracts';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { UnauthenticatedError } from '../common/errors.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';

export interface AccessClaims {
  userId: string;
  sessionId: string;
  tenantId: string | null;
  role: Role | null;
  isPlatformAdmin: boolean;
}

const ALGORITHM = 'HS256';
const ACCESS_TOKEN_TYPE = 'at+jwt';

/** Short-lived JWT access tokens (algorithm, type, issuer and audience pinned) and opaque refresh tokens. */
@Injectable()
export class TokenService {
  private readonly key: Uint8Array;
  private readonly logger = new Logger('auth');

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    if (config.JWT_SECRET) {
      this.key = new TextEncoder().encode(config.JWT_SECRET);
    } else {
      // Development only (production refuses to start without it): tokens die with the process,
      // refresh tokens live in the database and still work after a restart.
      this.key = randomBytes(32);
      this.logger.warn('JWT_SECRET is not set: using a random key for this process');
    }
  }

  get accessTokenTtlSeconds(): number {
    return this.config.JWT_EXPIRES_IN;
  }

  async signAccessToken(claims: AccessClaims): Promise<string> {
    return new SignJWT({
      sid: claims.sessionId,
      tid: claims.tenantId,
      role: claims.role,
      pa: claims.isPlatformAdmin,
    })
      .setProtectedHeader({ alg: ALGORITHM, typ: ACCESS_TOKEN_TYPE })
      .setSubject(claims.userId)
      .setIssuer(this.config.JWT_ISSUER)
      .setAudience(this.config.JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.config.JWT_EXPIRES_IN}s`)
      .setJti(randomUUID())
      .sign(this.key);
  }

  /** Returns the user and session ids of a valid access token, or throws UnauthenticatedError. */
  async verifyAccessToken(token: string): Promise<{ userId: string; sessionId: string }> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        typ: ACCESS_TOKEN_TYPE,
        issuer: this.config.JWT_ISSUER,
        audience: this.config.JWT_AUDIENCE,
        requiredClaims: ['sub', 'sid', 'exp', 'iat'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') {
        throw new UnauthenticatedError('malformed access token');
      }
      return { userId: payload.sub, sessionId: payload.sid };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        throw new UnauthenticatedError('access token expired');
      }
      throw new UnauthenticatedError('invalid access token');
    }
  }

  newRefreshToken(): { token: string; hash: Buffer } {
    const token = randomBytes(32).toString('base64url');
    return { token, hash: hashRefreshToken(token) };
  }
}

export function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
