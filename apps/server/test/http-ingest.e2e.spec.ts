import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/database/database.js';
import { inScope } from '../src/database/scope.js';
import { DeadLettersJobsService } from '../src/ingest/dead-letters-jobs.service.js';
import { createTestApp, type TestApp } from './app.js';
import { createTestDatabase, testEngines, type TestDatabaseTarget } from './database.js';
import {
  createTenant,
  createUser,
  login,
  PLATFORM_ADMIN,
  TEST_JWT_SECRET,
  type Session,
} from './identity.js';

describe.each(testEngines())('HTTP ingest on %s', (engine) => {
  let target: TestDatabaseTarget;
  let database: Database;
  let testApp: TestApp;
  let admin: Session;
  let device: { id: string; secret: string };

  beforeAll(async () => {
    target = await createTestDatabase(engine);
    database = await target.open();
    testApp = await createTestApp(database, {
      JWT_SECRET: TEST_JWT_SECRET,
      LOGIN_RATE_LIMIT_MAX: '10000',
      DEAD_LETTERS_PER_TENANT: '100',
    });
    const platform = await login(testApp.app, PLATFORM_ADMIN.username, PLATFORM_ADMIN.password);
    const tenantId = (await createTenant(testApp.app, platform)).id;
    const user = await createUser(testApp.app, platform, tenantId, { role: 'admin' });
    admin = await login(testApp.app, user.username, user.password);
    const site = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/sites',
      headers: admin.headers,
      payload: { name: 'Ingest site', latitude: 48.1, longitude: 11.6, timezone: 'Europe/Berlin' },
    });
    const created = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: admin.headers,
      payload: { siteId: site.json<{ id: string }>().id, type: 'grid_meter', name: 'Meter' },
    });
    const body = created.json<{ device: { id: string }; credentials: { secret: string } }>();
    device = { id: body.device.id, secret: body.credentials.secret };
  });

  afterAll(async () => {
    await testApp?.app.close();
    await database?.close();
    await target?.drop();
  });

  const basic = (id: string, secret: string) =>
    `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const post = (payload: unknown, authorization = basic(device.id, device.secret)) =>
    testApp.app.inject({
      method: 'POST',
      url: '/api/v1/ingest',
      headers: { authorization },
      payload: payload as object,
    });

  async function stored(metric: string): Promise<number> {
    const result = await inScope(database.db, 'platform', (trx) =>
      sql<{
        count: number;
      }>`select count(*)::int as count from readings where device_id = ${device.id} and metric = ${metric}`.execute(
        trx,
      ),
    );
    return result.rows[0]!.count;
  }

  it('stores the valid readings of a batch, answers per reading, and keeps the rejected ones as dead letters', async () => {
    const now = Date.now();
    const response = await post([
      { ts: new Date(now - 60_000).toISOString(), metrics: { power_kw: 2.5, import_kwh: 1000.5 } },
      { ts: now - 30_000, metrics: { power_kw: 'lots', volts: 230, frequency_hz: 50.01 } },
      { ts: new Date(now + 3_600_000).toISOString(), metrics: { power_kw: 1 } },
    ]);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<{
      accepted: number;
      rejected: number;
      results: { status: string; reason?: string }[];
    }>();
    expect(body.accepted).toBe(3);
    expect(body.rejected).toBe(3);
    expect(
      body.results
        .filter((result) => result.status === 'rejected')
        .map((result) => result.reason)
        .sort(),
    ).toEqual(['timestamp_in_future', 'unknown_metric', 'wrong_type']);
    expect(await stored('power_kw')).toBe(1);
    expect(await stored('frequency_hz')).toBe(1);
    const letters = await inScope(database.db, 'platform', (trx) =>
      trx
        .selectFrom('ingest_dead_letters')
        .select(['reason', 'transport'])
        .where('device_id', '=', device.id)
        .execute(),
    );
    expect(letters.map((letter) => letter.reason).sort()).toEqual([
      'timestamp_in_future',
      'unknown_metric',
      'wrong_type',
    ]);
    const metrics = (await testApp.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/ems_ingest_rejected_total\{reason="unknown_metric"\} 1/);
  });

  it('never duplicates a redelivered batch', async () => {
    const batch = { ts: '2026-01-01T00:00:00.000Z', metrics: { voltage_v: 231 } };
    const recent = { ...batch, ts: new Date(Date.now() - 120_000).toISOString() };
    expect((await post(recent)).json<{ accepted: number }>().accepted).toBe(1);
    expect((await post(recent)).statusCode).toBe(200);
    expect(await stored('voltage_v')).toBe(1);
  });

  it('refuses wrong credentials, user tokens and a rotated secret, storing nothing', async () => {
    const before = await stored('current_a');
    const payload = { metrics: { current_a: 12 } };
    expect((await post(payload, basic(device.id, 'not-the-secret'))).statusCode).toBe(401);
    expect((await post(payload, admin.headers.authorization)).statusCode).toBe(401);
    expect((await post(payload, 'Basic !!!')).statusCode).toBe(401);
    const rotated = await testApp.app.inject({
      method: 'POST',
      url: `/api/v1/devices/${device.id}/credentials`,
      headers: admin.headers,
    });
    const fresh = rotated.json<{ secret: string }>().secret;
    expect((await post(payload, basic(device.id, device.secret))).statusCode).toBe(401);
    expect((await post(payload, basic(device.id, fresh))).statusCode).toBe(200);
    device.secret = fresh;
    expect(await stored('current_a')).toBe(before + 1);
  });

  it('answers malformed JSON with 400 and keeps running', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/ingest',
      headers: {
        authorization: basic(device.id, device.secret),
        'content-type': 'application/json',
      },
      payload: '{"metrics": {"power_kw": 1',
    });
    expect(response.statusCode).toBe(400);
    expect((await post({ metrics: { power_kw: 4 } })).statusCode).toBe(200);
  });

  it('keeps at most DEAD_LETTERS_PER_TENANT dead letters per tenant, the newest', async () => {
    const letters = () =>
      inScope(database.db, 'platform', (trx) =>
        trx
          .selectFrom('ingest_dead_letters')
          .select(['detail'])
          .where('device_id', '=', device.id)
          .orderBy('id', 'desc')
          .execute(),
      );
    // 150 more rejections, each with its own detail (the metric name).
    const flood = Object.fromEntries(
      Array.from({ length: 150 }, (_, index) => [`flood_${index}`, 1]),
    );
    const response = await post({ metrics: flood });
    expect(response.json<{ rejected: number }>().rejected).toBe(150);
    expect((await letters()).length).toBeGreaterThan(100);
    const removed = await testApp.app.get(DeadLettersJobsService).prune();
    const kept = await letters();
    expect(kept).toHaveLength(100);
    expect(removed).toBeGreaterThanOrEqual(50);
    expect(kept[0]!.detail).toContain('flood_149');
    expect(kept.some((letter) => letter.detail?.includes('flood_0'))).toBe(false);
  });
});
