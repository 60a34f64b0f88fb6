import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/database/database.js';
import { inScope } from '../src/database/scope.js';
import { deviceSecretMatches } from '../src/devices/device-secrets.js';
import { DevicesRepository } from '../src/devices/devices.repository.js';
import { createTestApp, type TestApp } from './app.js';
import { createTestDatabase, testEngines, type TestDatabaseTarget } from './database.js';
import {
  actingIn,
  createTenant,
  createUser,
  login,
  PLATFORM_ADMIN,
  TEST_JWT_SECRET,
  type Session,
} from './identity.js';

const BERLIN_SITE = {
  name: 'Berlin Depot',
  address: 'Am Ostbahnhof 1, Berlin',
  latitude: 52.51,
  longitude: 13.43,
  timezone: 'Europe/Berlin',
  capacityKw: 120,
  gridLimitKw: 80,
  co2FactorGPerKwh: 380,
  tags: ['depot', 'north'],
  tariff: {
    currency: 'EUR',
    importPricePerKwh: 0.28,
    exportPricePerKwh: 0.08,
    periods: [
      { name: 'peak', pricePerKwh: 0.41, days: [1, 2, 3, 4, 5], startHour: 17, endHour: 20 },
    ],
  },
};

describe.each(testEngines())('sites and devices on %s', (engine) => {
  let target: TestDatabaseTarget;
  let database: Database;
  let testApp: TestApp;
  let platform: Session;
  let admin: Session;
  let tenantId: string;

  beforeAll(async () => {
    target = await createTestDatabase(engine);
    database = await target.open();
    testApp = await createTestApp(database, {
      JWT_SECRET: TEST_JWT_SECRET,
      LOGIN_RATE_LIMIT_MAX: '10000',
    });
    platform = await login(testApp.app, PLATFORM_ADMIN.username, PLATFORM_ADMIN.password);
    tenantId = (await createTenant(testApp.app, platform)).id;
    const user = await createUser(testApp.app, platform, tenantId, { role: 'admin' });
    admin = await login(testApp.app, user.username, user.password);
  });

  afterAll(async () => {
    await testApp?.app.close();
    await database?.close();
    await target?.drop();
  });

  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    session: Session,
    payload?: unknown,
  ) =>
    testApp.app.inject({
      method,
      url,
      headers: session.headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  async function createSite(overrides: Record<string, unknown> = {}) {
    const response = await call('POST', '/api/v1/sites', admin, { ...BERLIN_SITE, ...overrides });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string; name: string }>();
  }

  it('creates, reads, updates and deletes a site with its tariff', async () => {
    const site = await createSite();
    const read = await call('GET', `/api/v1/sites/${site.id}`, admin);
    expect(read.json()).toMatchObject({ ...BERLIN_SITE, id: site.id });
    const updated = await call('PATCH', `/api/v1/sites/${site.id}`, admin, {
      capacityKw: 150,
      tags: ['depot'],
    });
    expect(updated.json()).toMatchObject({
      capacityKw: 150,
      tags: ['depot'],
      timezone: 'Europe/Berlin',
    });
    expect((await call('DELETE', `/api/v1/sites/${site.id}`, admin)).statusCode).toBe(204);
    expect((await call('GET', `/api/v1/sites/${site.id}`, admin)).statusCode).toBe(404);
  });

  it('names each invalid site field: timezone, coordinates, overlapping tariff periods', async () => {
    const response = await call('POST', '/api/v1/sites', admin, {
      ...BERLIN_SITE,
      timezone: 'Europe/Atlantis',
      latitude: 91,
      tariff: {
        ...BERLIN_SITE.tariff,
        periods: [
          { name: 'a', pricePerKwh: 0.4, days: [1], startHour: 8, endHour: 12 },
          { name: 'b', pricePerKwh: 0.5, days: [1, 2], startHour: 11, endHour: 14 },
        ],
      },
    });
    expect(response.statusCode).toBe(400);
    const fields = response
      .json<{ details: { field: string }[] }>()
      .details.map((detail) => detail.field);
    expect(fields).toEqual(
      expect.arrayContaining(['body.timezone', 'body.latitude', 'body.tariff.periods.1']),
    );
  });

  it('lists sites with search, tag filter, sort and pagination', async () => {
    await createSite({ name: 'Zwickau Solar Park', tags: ['solar'] });
    await createSite({ name: 'Aachen Storage', tags: ['storage'] });
    const sorted = await call('GET', '/api/v1/sites?sort=-name&limit=2', admin);
    const body = sorted.json<{ data: { name: string }[]; pagination: { total: number } }>();
    expect(body.data.map((site) => site.name)).toEqual(['Zwickau Solar Park', 'Aachen Storage']);
    const tagged = await call('GET', '/api/v1/sites?tag=storage', admin);
    expect(tagged.json<{ data: { name: string }[] }>().data.map((site) => site.name)).toEqual([
      'Aachen Storage',
    ]);
    const searched = await call('GET', '/api/v1/sites?search=solar', admin);
    expect(searched.json<{ pagination: { total: number } }>().pagination.total).toBe(1);
  });

  it('creates a device with credentials shown once, validates its config per type, and rotates the secret', async () => {
    const site = await createSite();
    const bad = await call('POST', '/api/v1/devices', admin, {
      siteId: site.id,
      type: 'battery',
      name: 'Battery 1',
      config: { minSocPct: 90, maxSocPct: 20, color: 'red' },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad.json<{ details: { field: string }[] }>().details.map((detail) => detail.field),
    ).toEqual(expect.arrayContaining(['body.config']));
    const created = await call('POST', '/api/v1/devices', admin, {
      siteId: site.id,
      type: 'battery',
      name: 'Battery 1',
      manufacturer: 'VoltStore',
      serial: 'VS-0001',
      ratedPowerKw: 50,
      capacityKwh: 100,
      config: { minSocPct: 10, maxSocPct: 95 },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { device, credentials } = created.json<{
      device: { id: string };
      credentials: { username: string; secret: string };
    }>();
    expect(credentials.username).toBe(device.id);
    expect(credentials.secret.length).toBeGreaterThanOrEqual(40);
    expect((await call('GET', `/api/v1/devices/${device.id}`, admin)).body).not.toContain(
      credentials.secret,
    );

    const identity = () =>
      inScope(database.db, 'platform', (trx) =>
        testApp.app.get(DevicesRepository).identity(trx, device.id),
      );
    expect(deviceSecretMatches((await identity())!.secretHash, credentials.secret)).toBe(true);
    const rotated = await call('POST', `/api/v1/devices/${device.id}/credentials`, admin);
    const fresh = rotated.json<{ secret: string }>().secret;
    expect(fresh).not.toBe(credentials.secret);
    const after = (await identity())!;
    expect(deviceSecretMatches(after.secretHash, credentials.secret)).toBe(false);
    expect(deviceSecretMatches(after.secretHash, fresh)).toBe(true);

    const duplicate = await call('POST', '/api/v1/devices', admin, {
      siteId: site.id,
      type: 'battery',
      name: 'Twin',
      manufacturer: 'voltstore',
      serial: 'vs-0001',
    });
    expect(duplicate.statusCode).toBe(409);
  });

  it('imports devices from CSV, keeping valid rows and reporting each invalid one', async () => {
    const site = await createSite({ name: 'Import Site' });
    const csv = [
      'site_name,type,name,manufacturer,serial,rated_power_kw,capacity_kwh,tags,config',
      'Import Site,pv_inverter,PV East,SunCo,SC-1,10,,roof;east,"{""peakPowerKwp"":11}"',
      'Import Site,battery,Battery,VoltStore,VS-9,5,10,,',
      'Nowhere,load,Fridge,,,1,,,',
      'Import Site,toaster,Toaster,,,1,,,',
      'Import Site,pv_inverter,PV Dup,SunCo,sc-1,10,,,',
      'Import Site,ev_charger,Charger,,,-3,,,"{""maxCurrentA"":2}"',
    ].join('\n');
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/devices/import',
      headers: { ...admin.headers, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json<{
      created: number;
      failed: number;
      devices: { row: number; secret: string }[];
      errors: { row: number; errors: { field: string }[] }[];
    }>();
    expect(result.created).toBe(2);
    expect(result.failed).toBe(4);
    expect(result.devices.map((device) => device.row)).toEqual([2, 3]);
    expect(
      result.errors.map((error) => [
        error.row,
        error.errors.map((problem) => problem.field).sort(),
      ]),
    ).toEqual([
      [4, ['site_name']],
      [5, ['type']],
      [6, ['serial']],
      [7, ['config.maxCurrentA', 'rated_power_kw']],
    ]);
    const listed = await call('GET', `/api/v1/devices?siteId=${site.id}&sort=name`, admin);
    expect(listed.json<{ data: { name: string; tags: string[] }[] }>().data).toEqual([
      expect.objectContaining({ name: 'Battery' }),
      expect.objectContaining({ name: 'PV East', tags: ['roof', 'east'] }),
    ]);
    const unknownColumn = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/devices/import',
      headers: { ...admin.headers, 'content-type': 'text/csv' },
      payload: 'site_name,colour\nImport Site,red\n',
    });
    expect(unknownColumn.statusCode).toBe(400);
  });

  it('tags many devices at once', async () => {
    const site = await createSite({ name: 'Tag Site' });
    const ids: string[] = [];
    for (const name of ['Load A', 'Load B']) {
      const response = await call('POST', '/api/v1/devices', admin, {
        siteId: site.id,
        type: 'load',
        name,
        tags: ['old'],
      });
      ids.push(response.json<{ device: { id: string } }>().device.id);
    }
    const tagged = await call('POST', '/api/v1/devices/tags', admin, {
      deviceIds: ids,
      add: ['fleet-7', 'old'],
      remove: ['old'],
    });
    expect(tagged.json()).toEqual({ updated: 2 });
    const listed = await call('GET', '/api/v1/devices?tag=fleet-7', admin);
    expect(listed.json<{ data: { tags: string[] }[] }>().data.map((device) => device.tags)).toEqual(
      [['fleet-7'], ['fleet-7']],
    );
  });

  it('limits a viewer to their sites, in the database itself', async () => {
    const mine = await createSite({ name: 'Viewer Site' });
    const other = await createSite({ name: 'Hidden Site' });
    const hiddenDevice = (
      await call('POST', '/api/v1/devices', admin, {
        siteId: other.id,
        type: 'load',
        name: 'Hidden load',
      })
    ).json<{ device: { id: string } }>().device;
    await call('POST', '/api/v1/devices', admin, {
      siteId: mine.id,
      type: 'load',
      name: 'Visible load',
    });
    const viewerAccount = await createUser(testApp.app, platform, tenantId, {
      role: 'viewer',
      siteIds: [mine.id],
    });
    const viewer = await login(testApp.app, viewerAccount.username, viewerAccount.password);
    const sites = await call('GET', '/api/v1/sites?limit=100', viewer);
    expect(sites.json<{ data: { id: string }[] }>().data.map((site) => site.id)).toEqual([mine.id]);
    expect((await call('GET', `/api/v1/sites/${other.id}`, viewer)).statusCode).toBe(404);
    const devices = await call('GET', '/api/v1/devices?limit=100', viewer);
    expect(devices.json<{ data: { name: string }[] }>().data.map((device) => device.name)).toEqual([
      'Visible load',
    ]);
    expect((await call('GET', `/api/v1/devices/${hiddenDevice.id}`, viewer)).statusCode).toBe(404);
  });

  it("answers another tenant's sites and devices with 404", async () => {
    const site = await createSite({ name: 'Private' });
    const device = (
      await call('POST', '/api/v1/devices', admin, {
        siteId: site.id,
        type: 'load',
        name: 'Private load',
      })
    ).json<{ device: { id: string } }>().device;
    const otherTenant = (await createTenant(testApp.app, platform)).id;
    const stranger = await login(
      testApp.app,
      ...(await (async () => {
        const user = await createUser(testApp.app, platform, otherTenant, { role: 'admin' });
        return [user.username, user.password] as const;
      })()),
    );
    expect((await call('GET', `/api/v1/sites/${site.id}`, stranger)).statusCode).toBe(404);
    expect(
      (await call('PATCH', `/api/v1/devices/${device.id}`, stranger, { name: 'mine now' }))
        .statusCode,
    ).toBe(404);
    expect(
      (await call('POST', `/api/v1/devices/${device.id}/credentials`, stranger)).statusCode,
    ).toBe(404);
    const crossSite = await call('POST', '/api/v1/devices', stranger, {
      siteId: site.id,
      type: 'load',
      name: 'Intruder',
    });
    expect(crossSite.statusCode).toBe(400);
    expect(
      (
        await testApp.app.inject({
          method: 'GET',
          url: `/api/v1/sites/${site.id}`,
          headers: actingIn(platform, tenantId),
        })
      ).statusCode,
    ).toBe(200);
  });
});
