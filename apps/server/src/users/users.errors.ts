import { ConflictError, ForbiddenError } from '../common/errors.js';

export class UsernameTakenError extends ConflictError {
  constructor(username: string) {
    super(`the username "${username}" is taken`);
  }
}

export class LastAdminError extends ConflictError {
  constructor() {
    super('a tenant keeps at least one unblocked admin');
  }
}

export class SelfActionError extends ForbiddenError {
  constructor(action: string) {
    super(`you cannot ${action} yourself`);
  }
}
