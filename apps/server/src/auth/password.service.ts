import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { ValidationError } from '../common/errors.js';
import { COMMON_PASSWORDS } from './common-passwords.js';

/** OWASP's argon2id baseline: 19 MiB, two passes, one lane. */
const ARGON2_OPTIONS = {
  algorithm: Algorithm.Argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

@Injectable()
export class PasswordService {
  /** A real hash of a random string, verified for unknown users so they cost the same time. */
  private readonly decoy = hash(`decoy-${Math.random()}`, ARGON2_OPTIONS);

  hash(password: string): Promise<string> {
    return hash(password, ARGON2_OPTIONS);
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  /** Spends a verification's time and answers false: for logins naming nobody. */
  async verifyDecoy(password: string): Promise<false> {
    await this.verify(await this.decoy, password);
    return false;
  }

  /** At least 10 characters, not the username, not a well-known password. */
  assertAcceptable(password: string, username: string, field = 'password'): void {
    const problems: string[] = [];
    if (password.length < 10) problems.push('must be at least 10 characters');
    if (password.length > 256) problems.push('must be at most 256 characters');
    const lower = password.toLowerCase();
    if (lower.includes(username.toLowerCase())) problems.push('must not contain the username');
    if (COMMON_PASSWORDS.has(lower) || /^(.)\1+$/.test(password)) {
      problems.push('is too common; choose another');
    }
    if (problems.length > 0) {
      throw new ValidationError(problems.map((message) => ({ field, message })));
    }
  }
}
