import { describe, expect, it } from 'vitest';
import { ValidationError } from '../common/errors.js';
import { PasswordService } from './password.service.js';

describe('PasswordService', () => {
  const passwords = new PasswordService();

  it('hashes with argon2id and verifies', async () => {
    const hash = await passwords.hash('Correct-horse-battery-9');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await passwords.verify(hash, 'Correct-horse-battery-9')).toBe(true);
    expect(await passwords.verify(hash, 'correct-horse-battery-9')).toBe(false);
    expect(await passwords.verify('not-a-hash', 'x')).toBe(false);
  });

  it.each([
    ['short', 'Abc-12345', /at least 10/],
    ['the username inside', 'xx-Operator7-yy', /username/],
    ['a common password', 'Password123', /common/],
    ['one repeated character', 'aaaaaaaaaaaa', /common/],
  ])('refuses %s', (_case, password, message) => {
    try {
      passwords.assertAcceptable(password, 'operator7');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message).toMatch(message);
    }
  });

  it('accepts a long, unusual password', () => {
    expect(() => passwords.assertAcceptable('Turbine-Sunrise-4521', 'operator7')).not.toThrow();
  });
});
