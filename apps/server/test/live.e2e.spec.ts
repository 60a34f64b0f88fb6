import type { TokenResponse } from '@ecogrid/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/database/database.js';
import { LiveGateway } from '../src/live/live.gateway.js';
import { createTestApp, type TestApp } from './app.js';
import { createTestDatabase, testEngines, type TestDatabaseTarget } from './database.js';
import {
  createDevice,
  createSite,
  createTenant,
  createUser,
  login,
  PLATFORM_ADMIN,
  TEST_JWT_SECRET,
  type Session,
  type TestDevice,
} from './identity.js';
import { TestLiveClient } from './live-client.js';

interface Fixture {
  tenantId: string;
  admin: Session;
  siteA: string;
  siteB: string;
  deviceA: TestDevice;
  deviceB: TestDevice;
}

async function listen(app: NestFastifyApplication): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.getHttpAdapter().getInstance().server.address();
  if (!address || typeof address !== 'object') throw new Error('not listening');
  return `http://127.0.0.1:${address.port}`;
}

async function createFixture(app: NestFastifyApplication, platform: Session): Promise<Fixture> {
  const tenantId = (await createTenant(app, platform)).id;
  const user = await createUser(app, platform, tenantId, { role: 'admin' });
  const admin = await login(app, user.username, user.password);
  const siteA = await createSite(app, admin, 'Site A');
  const siteB = await createSite(app, admin, 'Site B');
  return {
    tenantId,
    admin,
    siteA,
    siteB,
    deviceA: await createDevice(app, admin, siteA, 'battery'),
    deviceB: await createDevice(app, admin, siteB, 'grid_meter'),
  };
}

async function ingest(
  app: NestFastifyApplication,
  device: { id: string; secret: string },
  metrics: Record<string, number>,
): Promise<void> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/ingest',
    headers: {
      authorization: `Basic ${Buffer.from(`${device.id}:${device.secret}`).toString('base64')}`,
    },
    payload: { ts: new Date().toISOString(), metrics },
  });
  expect(response.statusCode, response.body).toBe(200);
}

/** An app of its own on a fresh embedded database, for what changes the app's settings. */
async function embeddedApp(environment: Record<string, string>) {
  const target = await createTestDatabase('embedded');
  const database = await target.open();
  const testApp = await createTestApp(database, {
    JWT_SECRET: TEST_JWT_SECRET,
    LOGIN_RATE_LIMIT_MAX: '10000',
    ...environment,
  });
  return {
    testApp,
    /** Closes the app (unless the test did), the database, and drops it. */
    async stop(appClosed = false) {
      if (!appClosed) await testApp.app.close();
      await database.close();
      await target.drop();
    },
  };
}

describe.each(testEngines())('live stream on %s', (engine) => {
  let target: TestDatabaseTarget;
  let database: Database;
  let testApp: TestApp;
  let app: NestFastifyApplication;
  let base: string;
  let fixture: Fixture;
  let other: Fixture;
  let operator: Session;
  let limitedViewer: Session;
  const clients: TestLiveClient[] = [];

  async function open(headers: Record<string, string> = {}) {
    const client = await TestLiveClient.connect(base, headers);
    clients.push(client);
    return client;
  }

  async function signedIn(session: Session) {
    const client = await open();
    await client.authenticate(session.token);
    return client;
  }

  beforeAll(async () => {
    target = await createTestDatabase(engine);
    database = await target.open();
    testApp = await createTestApp(database, {
      JWT_SECRET: TEST_JWT_SECRET,
      LOGIN_RATE_LIMIT_MAX: '10000',
      CORS_ORIGIN: 'https://ops.example.com',
      LIVE_AUTH_TIMEOUT_MS: '1500',
      LIVE_SUMMARY_INTERVAL_MS: '500',
      LIVE_MAX_SUBSCRIPTIONS: '5',
    });
    app = testApp.app;
    base = await listen(app);
    const platform = await login(app, PLATFORM_ADMIN.username, PLATFORM_ADMIN.password);
    fixture = await createFixture(app, platform);
    other = await createFixture(app, platform);
    const operatorUser = await createUser(app, platform, fixture.tenantId, { role: 'operator' });
    operator = await login(app, operatorUser.username, operatorUser.password);
    const viewerUser = await createUser(app, platform, fixture.tenantId, {
      role: 'viewer',
      siteIds: [fixture.siteA],
    });
    limitedViewer = await login(app, viewerUser.username, viewerUser.password);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await app?.close();
    await database?.close();
    await target?.drop();
  });

  it('takes the token in the first message and nothing before it', async () => {
    const early = await open();
    early.send({ type: 'subscribe', id: 's', topic: { kind: 'fleet' } });
    expect(await early.next('error')).toMatchObject({ id: 's', code: 'unauthenticated' });

    const forged = await open();
    forged.send({ type: 'auth', token: 'not-a-token' });
    expect(await forged.next('error')).toMatchObject({ code: 'unauthenticated' });
    expect(await forged.closed).toBe(4002);

    const silent = await open();
    expect(await silent.closed).toBe(4001);

    const confused = await signedIn(operator);
    confused.send({ type: 'subscribe', id: 'x', topic: { kind: 'planet' } });
    confused.ws.send('{not json');
    const errors = [
      await confused.next('error'),
      await confused.waitFor((m) => m.type === 'error' && m.message === 'not JSON'),
    ];
    expect(errors[0]).toMatchObject({ code: 'bad_message' });
    // The connection survives bad input.
    confused.send({ type: 'ping', at: 7 });
    expect(await confused.next('pong')).toEqual({ type: 'pong', at: 7 });
  });

  it('accepts the configured origin, its own host and non-browser clients, and refuses others', async () => {
    await expect(
      TestLiveClient.connect(base, { origin: 'https://evil.example.com' }),
    ).rejects.toThrow(/403/);
    await expect(open({ origin: 'https://ops.example.com' })).resolves.toBeDefined();
    await expect(open({ origin: base })).resolves.toBeDefined();
    await expect(open()).resolves.toBeDefined();
  });

  it('streams a site’s device metrics and fleet summaries to a subscriber', async () => {
    const client = await signedIn(operator);
    expect(await client.subscribe('site', { kind: 'site', siteId: fixture.siteA })).toEqual({
      type: 'subscribed',
      id: 'site',
    });
    expect(await client.subscribe('fleet', { kind: 'fleet' })).toMatchObject({
      type: 'subscribed',
    });
    const summary = await client.next('fleet.summary');
    expect(summary.summary.sites).toBe(2);

    await ingest(app, fixture.deviceA, { power_kw: -3.5, soc_pct: 61 });
    const update = await client.waitFor(
      (message) => message.type === 'device.metrics' && message.metrics['soc_pct'] === 61,
    );
    expect(update).toMatchObject({
      subscription: 'site',
      siteId: fixture.siteA,
      deviceId: fixture.deviceA.id,
      metrics: { power_kw: -3.5, soc_pct: 61 },
    });
    // The device came online with its first reading: both subscriptions hear of it.
    for (const subscription of ['site', 'fleet']) {
      expect(
        await client.waitFor(
          (message) =>
            message.type === 'device.status' &&
            message.deviceId === fixture.deviceA.id &&
            message.subscription === subscription,
        ),
      ).toMatchObject({ status: 'online' });
    }
  });

  it('gives a viewer limited to site A an error and no data for site B', async () => {
    const client = await signedIn(limitedViewer);
    expect(await client.subscribe('b', { kind: 'site', siteId: fixture.siteB })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    expect(
      await client.subscribe('bd', { kind: 'device', deviceId: fixture.deviceB.id }),
    ).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(await client.subscribe('bc', { kind: 'commands', siteId: fixture.siteB })).toMatchObject(
      { type: 'error', code: 'forbidden' },
    );
    expect(await client.subscribe('a', { kind: 'site', siteId: fixture.siteA })).toMatchObject({
      type: 'subscribed',
    });
    expect(await client.subscribe('fleet', { kind: 'fleet' })).toMatchObject({
      type: 'subscribed',
    });
    expect((await client.next('fleet.summary')).summary.sites).toBe(1);

    await ingest(app, fixture.deviceB, { power_kw: 9.25 });
    await ingest(app, fixture.deviceA, { power_kw: 1.25 });
    await client.waitFor(
      (message) => message.type === 'device.metrics' && message.metrics['power_kw'] === 1.25,
    );
    const leaked = client.received.filter(
      (message) => 'deviceId' in message && message.deviceId === fixture.deviceB.id,
    );
    expect(leaked).toEqual([]);
  });

  it('gives a user of another tenant nothing of this tenant', async () => {
    const client = await signedIn(other.admin);
    expect(await client.subscribe('a', { kind: 'site', siteId: fixture.siteA })).toMatchObject({
      type: 'error',
      code: 'not_found',
    });
    expect(
      await client.subscribe('d', { kind: 'device', deviceId: fixture.deviceA.id }),
    ).toMatchObject({ type: 'error', code: 'not_found' });
    expect(await client.subscribe('f', { kind: 'fleet' })).toMatchObject({ type: 'subscribed' });
    expect(await client.subscribe('c', { kind: 'commands' })).toMatchObject({
      type: 'subscribed',
    });
    await ingest(app, fixture.deviceA, { power_kw: 2.5 });
    const summary = await client.next('fleet.summary');
    expect(summary.summary.live.batteryKw).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(
      client.received.filter(
        (message) => message.type === 'device.metrics' || message.type === 'device.status',
      ),
    ).toEqual([]);
  });

  it('caps subscriptions per connection', async () => {
    const client = await signedIn(operator);
    for (let index = 0; index < 5; index++) {
      expect(await client.subscribe(`s${index}`, { kind: 'alerts' })).toMatchObject({
        type: 'subscribed',
      });
    }
    expect(await client.subscribe('s5', { kind: 'alerts' })).toMatchObject({
      type: 'error',
      code: 'too_many_subscriptions',
    });
    client.send({ type: 'unsubscribe', id: 's0' });
    expect(await client.next('unsubscribed')).toEqual({ type: 'unsubscribed', id: 's0' });
    expect(await client.subscribe('s5', { kind: 'alerts' })).toMatchObject({
      type: 'subscribed',
    });
  });

  it('renews the token on the same connection and keeps the subscriptions', async () => {
    const session = await login(app, ...(await newOperator()));
    const client = await signedIn(session);
    await client.subscribe('d', { kind: 'device', deviceId: fixture.deviceA.id });
    const refreshed = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: session.refreshToken },
    });
    const tokens = refreshed.json<TokenResponse>();
    const renewed = await client.authenticate(tokens.accessToken);
    expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.now());

    // Another user's token on this connection ends it.
    const intruder = await open();
    await intruder.authenticate(session.token);
    intruder.send({ type: 'auth', token: limitedViewer.token });
    expect(await intruder.closed).toBe(4002);

    await ingest(app, fixture.deviceA, { power_kw: 4.75 });
    expect(
      await client.waitFor(
        (message) => message.type === 'device.metrics' && message.metrics['power_kw'] === 4.75,
      ),
    ).toMatchObject({ subscription: 'd' });
  });

  async function newOperator(): Promise<[string, string]> {
    const platform = await login(app, PLATFORM_ADMIN.username, PLATFORM_ADMIN.password);
    const user = await createUser(app, platform, fixture.tenantId, { role: 'operator' });
    return [user.username, user.password];
  }
});

describe('live stream lifecycle', () => {
  let started: Awaited<ReturnType<typeof embeddedApp>>;
  let testApp: TestApp;

  beforeAll(async () => {
    started = await embeddedApp({ JWT_EXPIRES_IN: '2' });
    testApp = started.testApp;
  });

  // The test itself closes the app.
  afterAll(() => started?.stop(true));

  it('ends a connection whose token expires unrenewed, and tells everyone 1012 on shutdown', async () => {
    const base = await listen(testApp.app);
    const platform = await login(testApp.app, PLATFORM_ADMIN.username, PLATFORM_ADMIN.password);
    const fixture = await createFixture(testApp.app, platform);

    const expiring = await TestLiveClient.connect(base);
    await expiring.authenticate(fixture.admin.token);
    expect(await expiring.next('error', 0, 5000)).toMatchObject({ code: 'token_expired' });
    expect(await expiring.closed).toBe(4002);

    const fresh = await login(testApp.app, PLATFORM_ADMIN.username, PLATFORM_ADMIN.password);
    const stayers = await Promise.all(
      Array.from({ length: 3 }, () => TestLiveClient.connect(base)),
    );
    for (const client of stayers) {
      client.send({ type: 'auth', token: fresh.token });
    }
    await Promise.all(stayers.map((client) => client.next('authenticated')));
    expect(testApp.app.get(LiveGateway).clientCount).toBe(3);
    await testApp.app.close();
    expect(await Promise.all(stayers.map((client) => client.closed))).toEqual([1012, 1012, 1012]);
  });
});

describe.skipIf(!process.env['TEST_REDIS_URL'])('live stream across replicas through Redis', () => {
  let target: TestDatabaseTarget;
  let database: Database;
  const replicas: TestApp[] = [];

  beforeAll(async () => {
    target = await createTestDatabase('embedded');
    database = await target.open();
    for (let index = 0; index < 2; index++) {
      replicas.push(
        await createTestApp(database, {
          JWT_SECRET: TEST_JWT_SECRET,
          LOGIN_RATE_LIMIT_MAX: '10000',
          REDIS_URL: process.env['TEST_REDIS_URL']!,
        }),
      );
    }
  });

  afterAll(async () => {
    for (const replica of replicas) await replica.app.close();
    await database?.close();
    await target?.drop();
  });

  it('delivers a reading ingested by one replica to a client of the other', async () => {
    const [first, second] = replicas as [TestApp, TestApp];
    const base = await listen(second.app);
    const platform = await login(first.app, PLATFORM_ADMIN.username, PLATFORM_ADMIN.password);
    const fixture = await createFixture(first.app, platform);
    const client = await TestLiveClient.connect(base);
    await client.authenticate(fixture.admin.token);
    await client.subscribe('a', { kind: 'site', siteId: fixture.siteA });

    await ingest(first.app, fixture.deviceA, { power_kw: 6.5 });
    expect(
      await client.waitFor(
        (message) => message.type === 'device.metrics' && message.metrics['power_kw'] === 6.5,
      ),
    ).toMatchObject({ subscription: 'a', deviceId: fixture.deviceA.id });
    client.close();
  });
});

describe('live clients that stop reading', () => {
  let started: Awaited<ReturnType<typeof embeddedApp>>;
  let testApp: TestApp;

  beforeAll(async () => {
    started = await embeddedApp({ LIVE_HEARTBEAT_MS: '200', LIVE_SLOW_GRACE_MS: '1500' });
    testApp = started.testApp;
  });

  afterAll(() => started?.stop());

  it('closes a subscriber that stops reading, and cuts an idle one that stops answering', async () => {
    const base = await listen(testApp.app);
    const platform = await login(testApp.app, PLATFORM_ADMIN.username, PLATFORM_ADMIN.password);
    const fixture = await createFixture(testApp.app, platform);
    const gateway = testApp.app.get(LiveGateway);

    const reader = await TestLiveClient.connect(base);
    const slow = await TestLiveClient.connect(base);
    const idle = await TestLiveClient.connect(base);
    for (const client of [reader, slow, idle]) await client.authenticate(fixture.admin.token);
    for (const client of [reader, slow]) {
      await client.subscribe('a', { kind: 'site', siteId: fixture.siteA });
    }
    // Neither reads its socket any more: no pongs, no messages taken.
    const socketOf = (client: TestLiveClient) =>
      (client.ws as unknown as { _socket: { pause(): void } })._socket;
    socketOf(slow).pause();
    socketOf(idle).pause();

    const deadline = Date.now() + 10_000;
    let value = 0;
    while (gateway.clientCount > 1 && Date.now() < deadline) {
      await ingest(testApp.app, fixture.deviceA, { power_kw: (value += 1) });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(gateway.clientCount).toBe(1);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/ems_live_closed_slow_total 1\b/);
    expect(metrics).toMatch(/ems_live_closed_dead_total 1\b/);
    // The one that reads kept getting the latest values throughout.
    expect(
      await reader.waitFor(
        (message) => message.type === 'device.metrics' && message.metrics['power_kw'] === value,
      ),
    ).toMatchObject({ subscription: 'a' });
    reader.close();
  });
});
