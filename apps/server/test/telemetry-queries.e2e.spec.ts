import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/database/database.js';
import { RollupsRepository } from '../src/telemetry/rollups.repository.js';
import { TelemetryRepository, type StoredReading } from '../src/telemetry/telemetry.repository.js';
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

const HOUR = 3_600_000;

describe.each(testEngines())('telemetry and energy queries on %s', (engine) => {
  let target: TestDatabaseTarget;
  let database: Database;
  let testApp: TestApp;
  let admin: Session;
  let tenantId: string;
  let siteId: string;
  const devices: Record<'pv' | 'grid' | 'battery', string> = { pv: '', grid: '', battery: '' };
  // A whole simulated day (UTC) two days ago, every 5 minutes.
  const dayStart =
    Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) -
    2 * 24 * HOUR;
  const expected = { production: 0, load: 0, import: 0, export: 0 };

  beforeAll(async () => {
    target = await createTestDatabase(engine);
    database = await target.open();
    testApp = await createTestApp(database, {
      JWT_SECRET: TEST_JWT_SECRET,
      LOGIN_RATE_LIMIT_MAX: '10000',
    });
    const platform = await login(testApp.app, PLATFORM_ADMIN.username, PLATFORM_ADMIN.password);
    tenantId = (await createTenant(testApp.app, platform)).id;
    const user = await createUser(testApp.app, platform, tenantId, { role: 'admin' });
    admin = await login(testApp.app, user.username, user.password);
    siteId = (
      await testApp.app.inject({
        method: 'POST',
        url: '/api/v1/sites',
        headers: admin.headers,
        payload: {
          name: 'Energy site',
          latitude: 0,
          longitude: 0,
          timezone: 'UTC',
          capacityKw: 10,
          co2FactorGPerKwh: 400,
          tariff: { currency: 'EUR', importPricePerKwh: 0.3, exportPricePerKwh: 0.1, periods: [] },
        },
      })
    ).json<{ id: string }>().id;
    for (const [role, type] of [
      ['pv', 'pv_inverter'],
      ['grid', 'grid_meter'],
      ['battery', 'battery'],
    ] as const) {
      const response = await testApp.app.inject({
        method: 'POST',
        url: '/api/v1/devices',
        headers: admin.headers,
        payload: { siteId, type, name: role },
      });
      devices[role] = response.json<{ device: { id: string } }>().device.id;
    }
    // PV bell curve 06–18 h peaking at 8 kW, a constant 2 kW load, no battery activity.
    const readings: StoredReading[] = [];
    let pvCounter = 1000;
    let importCounter = 500;
    let exportCounter = 200;
    const step = 5 * 60_000;
    for (let t = dayStart; t <= dayStart + 24 * HOUR; t += step) {
      const hour = (t - dayStart) / HOUR;
      const pvKw = hour > 6 && hour < 18 ? 8 * Math.sin(((hour - 6) / 12) * Math.PI) : 0;
      const gridKw = 2 - pvKw;
      if (t > dayStart) {
        const kwh = (kw: number) => (kw * step) / HOUR;
        pvCounter += kwh(pvKw);
        importCounter += kwh(Math.max(0, gridKw));
        exportCounter += kwh(Math.max(0, -gridKw));
        expected.production += kwh(pvKw);
        expected.load += kwh(2);
        expected.import += kwh(Math.max(0, gridKw));
        expected.export += kwh(Math.max(0, -gridKw));
      }
      const ts = new Date(t);
      readings.push(
        { tenantId, deviceId: devices.pv, metric: 'power_kw', ts, value: pvKw },
        { tenantId, deviceId: devices.pv, metric: 'energy_kwh', ts, value: pvCounter },
        { tenantId, deviceId: devices.grid, metric: 'power_kw', ts, value: gridKw },
        { tenantId, deviceId: devices.grid, metric: 'import_kwh', ts, value: importCounter },
        { tenantId, deviceId: devices.grid, metric: 'export_kwh', ts, value: exportCounter },
        { tenantId, deviceId: devices.battery, metric: 'power_kw', ts, value: 0 },
      );
    }
    await testApp.app.get(TelemetryRepository).write(readings);
    while ((await testApp.app.get(RollupsRepository).recomputeDirty(10_000)) > 0) {
      /* until every bucket is rolled up */
    }
  });

  afterAll(async () => {
    await testApp?.app.close();
    await database?.close();
    await target?.drop();
  });

  const get = (url: string) => testApp.app.inject({ method: 'GET', url, headers: admin.headers });
  const range = () =>
    `from=${new Date(dayStart).toISOString()}&to=${new Date(dayStart + 24 * HOUR + 1).toISOString()}`;

  it('closes the energy balance of a simulated day within 1 %, with cost, revenue and CO2', async () => {
    const response = await get(`/api/v1/sites/${siteId}/energy?${range()}&resolution=1h`);
    expect(response.statusCode, response.body).toBe(200);
    const { totals, series } = response.json<{
      totals: Record<string, number>;
      series: unknown[];
    }>();
    // 24 hours, plus the hour of the last reading (00:00 next day), which carries its increment.
    expect(series).toHaveLength(25);
    expect(
      Math.abs(totals.productionKwh! - expected.production) / expected.production,
    ).toBeLessThan(0.01);
    expect(Math.abs(totals.consumptionKwh! - expected.load) / expected.load).toBeLessThan(0.01);
    expect(totals.gridImportKwh).toBeCloseTo(expected.import, 6);
    expect(totals.gridExportKwh).toBeCloseTo(expected.export, 6);
    expect(totals.importCost).toBeCloseTo(expected.import * 0.3, 6);
    expect(totals.exportRevenue).toBeCloseTo(expected.export * 0.1, 6);
    expect(totals.co2AvoidedKg).toBeCloseTo((totals.productionKwh! * 400) / 1000, 6);
    expect(totals.selfSufficiencyRatio).toBeGreaterThan(0);
    expect(totals.selfSufficiencyRatio).toBeLessThan(1);
  });

  it('answers daily energy and exports it as CSV', async () => {
    const daily = await get(`/api/v1/sites/${siteId}/energy?${range()}&resolution=1d`);
    expect(daily.json<{ series: unknown[] }>().series.length).toBeGreaterThanOrEqual(1);
    const csv = await get(`/api/v1/sites/${siteId}/energy?${range()}&resolution=1h&format=csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'start,end,productionKwh,consumptionKwh,gridImportKwh,gridExportKwh,batteryChargeKwh,batteryDischargeKwh',
    );
    expect(lines).toHaveLength(26);
  });

  it('picks the resolution for the range, and serves raw, 15-minute and hourly series', async () => {
    const auto = await get(`/api/v1/devices/${devices.pv}/telemetry?metrics=power_kw&${range()}`);
    expect(auto.json<{ resolution: string }>().resolution).toBe('raw');
    const quarter = (
      await get(
        `/api/v1/devices/${devices.pv}/telemetry?metrics=power_kw,energy_kwh&${range()}&resolution=15m`,
      )
    ).json<{
      series: {
        metric: string;
        points: { value: number; min: number; max: number; delta: number | null }[];
      }[];
    }>();
    expect(quarter.series.map((series) => [series.metric, series.points.length])).toEqual([
      ['power_kw', 97],
      ['energy_kwh', 97],
    ]);
    const noon = quarter.series[0]!.points[48]!;
    expect(noon.max).toBeCloseTo(8, 1);
    const yearLater = new Date(dayStart + 400 * 24 * HOUR).toISOString();
    const long = await get(
      `/api/v1/devices/${devices.pv}/telemetry?metrics=power_kw&from=${new Date(dayStart).toISOString()}&to=${yearLater}`,
    );
    expect(long.json<{ resolution: string }>().resolution).toBe('1d');
  });

  it('streams raw telemetry as CSV page by page', async () => {
    const csv = await get(
      `/api/v1/devices/${devices.grid}/telemetry?metrics=power_kw,import_kwh&${range()}&resolution=raw&format=csv`,
    );
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('metric,ts,value,min,max,count,delta');
    expect(lines).toHaveLength(1 + 2 * 289);
  });

  it('gives the latest value of every metric', async () => {
    const latest = (await get(`/api/v1/devices/${devices.grid}/latest`)).json<{
      values: { metric: string; ts: string }[];
    }>();
    expect(latest.values.map((value) => value.metric)).toEqual([
      'export_kwh',
      'import_kwh',
      'power_kw',
    ]);
    expect(
      latest.values.every((value) => value.ts === new Date(dayStart + 24 * HOUR).toISOString()),
    ).toBe(true);
  });

  it('summarises the fleet', async () => {
    const summary = await get('/api/v1/fleet/summary');
    expect(summary.statusCode).toBe(200);
    expect(summary.json()).toMatchObject({ sites: 1, installedCapacityKw: 10 });
  });

  it('refuses a reversed range and an unknown metric name, naming the field', async () => {
    const reversed = await get(
      `/api/v1/devices/${devices.pv}/telemetry?metrics=power_kw&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`,
    );
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json<{ details: { field: string }[] }>().details[0]!.field).toBe('query.to');
    const unknown = await get(`/api/v1/devices/${devices.pv}/telemetry?metrics=watts&${range()}`);
    expect(unknown.statusCode).toBe(400);
  });
});
