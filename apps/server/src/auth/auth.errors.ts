import { ForbiddenError, RateLimitedError, UnauthenticatedError } from '../common/errors.js';

/** One answer for an unknown user, a wrong password and a blocked account: nothing to enumerate. */
export class InvalidCredentialsError extends UnauthenticatedError {
  constructor() {
    super('invalid username or password');
  }
}

export class AccountLockedError extends RateLimitedError {
  constructor(retryAfterSeconds: number) {
    super('too many failed logins; try again later', retryAfterSeconds);
  }
}

export class TenantSuspendedError extends ForbiddenError {
  constructor() {
    super('this organisation is suspended');
  }
}

export class InvalidRefreshTokenError extends UnauthenticatedError {
  constructor() {
    super('invalid or expired refresh token');
  }
}
