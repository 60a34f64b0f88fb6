import { describe, expect, it } from 'vitest';
import { withoutSecrets } from './audit.service.js';

describe('withoutSecrets', () => {
  it('redacts secret-looking fields at any depth and keeps the rest', () => {
    expect(
      withoutSecrets({
        username: 'ada',
        password: 'x',
        nested: { refreshToken: 'y', passwordHash: 'z', list: [{ apiSecret: 's', ok: 1 }] },
        when: new Date('2026-01-01T00:00:00Z'),
      }),
    ).toEqual({
      username: 'ada',
      password: '[redacted]',
      nested: {
        refreshToken: '[redacted]',
        passwordHash: '[redacted]',
        list: [{ apiSecret: '[redacted]', ok: 1 }],
      },
      when: '2026-01-01T00:00:00.000Z',
    });
  });

  it('drops prototype keys and bounds depth', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as unknown;
    expect(withoutSecrets(hostile)).toEqual({ a: 1 });
    let deep: unknown = 'bottom';
    for (let level = 0; level < 20; level++) deep = { next: deep };
    expect(JSON.stringify(withoutSecrets(deep))).toContain('[nested]');
  });
});
