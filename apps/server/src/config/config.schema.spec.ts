import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  configSchema,
  DOCUMENTED_EXAMPLE_SECRETS,
  loadConfig,
} from './config.schema.js';

const PRODUCTION = {
  NODE_ENV: 'production',
  ADMIN_PASSWORD: 'a-real-operator-password',
  JWT_SECRET: 'k'.repeat(16) + 'q'.repeat(16) + 'z',
};

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.HOST).toBe('0.0.0.0');
    expect(config.DATA_DIR).toBe('./data');
    expect(config.MIGRATE_ON_START).toBe(true);
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('names the variable of a bad value in a one-line message', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/^invalid configuration: PORT: /);
      expect(message).toContain('"eighty"');
      expect(message).not.toContain('\n');
    }
  });

  it('rejects a DATABASE_URL that is not a postgres URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });

  it('rejects a CORS origin with a path, and "*" in production', () => {
    expect(() => loadConfig({ CORS_ORIGIN: 'https://a.example/app' })).toThrow(/CORS_ORIGIN/);
    expect(() => loadConfig({ ...PRODUCTION, CORS_ORIGIN: '*' })).toThrow(/CORS_ORIGIN/);
    expect(
      loadConfig({ CORS_ORIGIN: 'https://a.example, http://localhost:5173' }).CORS_ORIGIN,
    ).toBe('https://a.example, http://localhost:5173');
  });

  it('refuses live buffer bounds in the wrong order', () => {
    expect(() =>
      loadConfig({ LIVE_SOFT_BUFFER_BYTES: '100000', LIVE_HARD_BUFFER_BYTES: '50000' }),
    ).toThrow(/LIVE_SOFT_BUFFER_BYTES: must be below LIVE_HARD_BUFFER_BYTES/);
    expect(() => loadConfig({ LIVE_MAX_HZ: '0' })).toThrow(/LIVE_MAX_HZ/);
  });

  it('starts in production with its secrets set', () => {
    expect(loadConfig(PRODUCTION).NODE_ENV).toBe('production');
  });

  it('refuses production without ADMIN_PASSWORD, with a short or documented JWT_SECRET, or with the demo seed', () => {
    expect(() => loadConfig({ ...PRODUCTION, ADMIN_PASSWORD: '' })).toThrow(/ADMIN_PASSWORD/);
    expect(() => loadConfig({ ...PRODUCTION, JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    for (const example of DOCUMENTED_EXAMPLE_SECRETS) {
      expect(() => loadConfig({ ...PRODUCTION, JWT_SECRET: example })).toThrow(/JWT_SECRET/);
    }
    expect(() => loadConfig({ ...PRODUCTION, DEMO_SEED: 'true' })).toThrow(/DEMO_SEED/);
  });

  it('never echoes a secret in its error', () => {
    try {
      loadConfig({ ...PRODUCTION, JWT_SECRET: 'leaky-secret' });
    } catch (error) {
      expect((error as Error).message).not.toContain('leaky-secret');
    }
    expect.assertions(1);
  });

  it('reads durations in seconds or with a unit', () => {
    expect(loadConfig({ JWT_EXPIRES_IN: '15m', REFRESH_TOKEN_TTL: '7d' })).toMatchObject({
      JWT_EXPIRES_IN: 900,
      REFRESH_TOKEN_TTL: 604_800,
    });
    expect(loadConfig({ JWT_EXPIRES_IN: '600' }).JWT_EXPIRES_IN).toBe(600);
    expect(() => loadConfig({ JWT_EXPIRES_IN: 'soon' })).toThrow(/JWT_EXPIRES_IN/);
  });

  it('reads booleans written as true/false/1/0', () => {
    expect(loadConfig({ MIGRATE_ON_START: 'false' }).MIGRATE_ON_START).toBe(false);
    expect(() => loadConfig({ MIGRATE_ON_START: 'maybe' })).toThrow(/MIGRATE_ON_START/);
  });

  it('documents every variable in .env.example', () => {
    const example = readFileSync(new URL('../../../../.env.example', import.meta.url), 'utf8');
    const documented = new Set(
      [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]),
    );
    const schemaKeys = Object.keys(configSchema.shape);
    for (const key of schemaKeys) expect(documented, key).toContain(key);
  });
});
