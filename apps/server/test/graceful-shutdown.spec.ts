import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabaseTarget } from './database.js';
import { listeningPort, PROBE_SERVER_ENTRY, spawnServer, type ServerProcess } from './process.js';

describe('graceful shutdown on SIGTERM', () => {
  let target: TestDatabaseTarget;
  let server: ServerProcess;

  beforeAll(async () => {
    target = await createTestDatabase('embedded');
  });
  afterAll(async () => {
    await server?.stop();
    await target?.drop();
  });

  it('finishes the request in flight, answers not-ready meanwhile and exits 0 within the grace period', async () => {
    server = spawnServer(PROBE_SERVER_ENTRY, {
      ...target.env,
      SHUTDOWN_DELAY_MS: '1000',
      SHUTDOWN_GRACE_MS: '8000',
    });
    const base = `http://127.0.0.1:${await listeningPort(server)}`;
    expect((await fetch(`${base}/api/health/ready`)).status).toBe(200);

    const slow = fetch(`${base}/api/v1/probe/slow?ms=2500`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));

    const readiness = await fetch(`${base}/api/health/ready`);
    expect(readiness.status).toBe(503);
    expect(((await readiness.json()) as { status: string }).status).toBe('shutting_down');

    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ waitedMs: 2500 });

    const { code } = await server.exited;
    expect(code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(8000);
    expect(server.stdout()).toContain('stopped cleanly');
  });
});
