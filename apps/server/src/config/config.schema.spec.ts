import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, configSchema, loadConfig } from './config.schema.js';

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
    expect(() => loadConfig({ NODE_ENV: 'production', CORS_ORIGIN: '*' })).toThrow(/CORS_ORIGIN/);
    expect(
      loadConfig({ CORS_ORIGIN: 'https://a.example, http://localhost:5173' }).CORS_ORIGIN,
    ).toBe('https://a.example, http://localhost:5173');
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
