import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { lockDataDir } from '../src/database/embedded/data-dir-lock.js';
import { createTestDatabase, testEngines } from './database.js';
import { SERVER_ENTRY, spawnServer } from './process.js';

/** Runs the real entry point and returns what it printed on stderr and its exit code. */
async function failedStart(env: Record<string, string>) {
  const server = spawnServer(SERVER_ENTRY, env);
  const { code } = await server.exited;
  return { code, stderr: server.stderr().trim(), stdout: server.stdout() };
}

function expectOneCleanLine(stderr: string, pattern: RegExp): void {
  expect(stderr.split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^ecogrid: cannot start: /);
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at |\.ts:\d+/);
}

describe('start-up refuses with one clear line and a non-zero exit', () => {
  it('on a bad environment value, naming the variable', async () => {
    const result = await failedStart({ PORT: 'not-a-port' });
    expect(result.code).not.toBe(0);
    expectOneCleanLine(result.stderr, /PORT/);
  });

  it('in production without ADMIN_PASSWORD or with a weak JWT_SECRET', async () => {
    const noPassword = await failedStart({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) });
    expect(noPassword.code).not.toBe(0);
    expectOneCleanLine(noPassword.stderr, /ADMIN_PASSWORD/);
    const weakSecret = await failedStart({
      NODE_ENV: 'production',
      ADMIN_PASSWORD: 'Operator-chosen-9',
      JWT_SECRET: 'short',
    });
    expect(weakSecret.code).not.toBe(0);
    expectOneCleanLine(weakSecret.stderr, /JWT_SECRET/);
    expect(weakSecret.stderr).not.toContain('short');
  });

  it('on an unreachable DATABASE_URL, without printing its password', async () => {
    const result = await failedStart({
      DATABASE_URL: 'postgres://ecogrid:hunter2-secret@127.0.0.1:1/ecogrid',
      DATABASE_CONNECT_TIMEOUT_MS: '2000',
    });
    expect(result.code).not.toBe(0);
    expectOneCleanLine(result.stderr, /cannot reach the database at 127\.0\.0\.1:1\/ecogrid/);
    expect(result.stderr).not.toContain('hunter2-secret');
  });

  it('on a data directory held by another process', async () => {
    const target = await createTestDatabase('embedded');
    const release = await lockDataDir(target.dataDir, () => undefined);
    try {
      const result = await failedStart(target.env);
      expect(result.code).not.toBe(0);
      expectOneCleanLine(
        result.stderr,
        /data directory .* is in use by another process \(pid \d+\)/,
      );
    } finally {
      await release();
      await target.drop();
    }
  });

  it.each(testEngines())('on a %s database with a newer schema than the code', async (engine) => {
    const target = await createTestDatabase(engine);
    const database = await target.open();
    await sql`insert into schema_migrations (name, timestamp) values ('9999_from_the_future', now()::text)`.execute(
      database.db,
    );
    await database.close();
    try {
      const result = await failedStart(target.env);
      expect(result.code).not.toBe(0);
      expectOneCleanLine(result.stderr, /schema is newer than this code: .*9999_from_the_future/);
    } finally {
      await target.drop();
    }
  });
});
