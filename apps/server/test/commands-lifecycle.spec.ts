import type { Command } from '@ecogrid/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandLifecycle } from '../src/commands/command-lifecycle.service.js';
import { CommandsRepository } from '../src/commands/commands.repository.js';
import type { Database } from '../src/database/database.js';
import { inScope } from '../src/database/scope.js';
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
} from './identity.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(testEngines())('command status moves on %s', (engine) => {
  let target: TestDatabaseTarget;
  let database: Database;
  let testApp: TestApp;
  let lifecycle: CommandLifecycle;
  let repository: CommandsRepository;
  let operator: Session;
  let device: { deviceId: string; tenantId: string };

  async function newCommand(): Promise<Command> {
    const response = await testApp.app.inject({
      method: 'POST',
      url: `/api/v1/devices/${device.deviceId}/commands`,
      headers: operator.headers,
      payload: { type: 'reboot' },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<Command>();
  }

  async function movesOf(id: string): Promise<string[]> {
    const result = await inScope(database.db, 'platform', (trx) =>
      sql<{ status: string }>`
        select new_values->>'status' as status from audit_logs
        where resource_type = 'command' and resource_id = ${id} and action = 'command.status_changed'
        order by id`.execute(trx),
    );
    return result.rows.map((row) => row.status);
  }

  beforeAll(async () => {
    target = await createTestDatabase(engine);
    database = await target.open();
    // No device listens and the periodic sweep never comes: each test drives the moves itself.
    testApp = await createTestApp(database, {
      JWT_SECRET: TEST_JWT_SECRET,
      LOGIN_RATE_LIMIT_MAX: '10000',
      COMMAND_TIMEOUT: '2',
      COMMAND_EXPIRY_GRACE: '2',
      COMMAND_SWEEP_INTERVAL_MS: '600000',
    });
    lifecycle = testApp.app.get(CommandLifecycle);
    repository = testApp.app.get(CommandsRepository);
    const platform = await login(testApp.app, PLATFORM_ADMIN.username, PLATFORM_ADMIN.password);
    const tenantId = (await createTenant(testApp.app, platform)).id;
    const admin = await createUser(testApp.app, platform, tenantId, { role: 'admin' });
    const adminSession = await login(testApp.app, admin.username, admin.password);
    const user = await createUser(testApp.app, platform, tenantId, { role: 'operator' });
    operator = await login(testApp.app, user.username, user.password);
    const siteId = await createSite(testApp.app, adminSession, 'Moves');
    const created = await createDevice(testApp.app, adminSession, siteId, 'load', { name: 'Load' });
    device = { deviceId: created.id, tenantId };
  });

  afterAll(async () => {
    await testApp?.app.close();
    await database?.close();
    await target?.drop();
  });

  it('lets exactly one of two racing answers end a command', async () => {
    const command = await newCommand();
    const outcomes = await Promise.all([
      lifecycle.acknowledge(device, { id: command.id, status: 'completed' }),
      lifecycle.acknowledge(device, { id: command.id, status: 'failed' }),
    ]);
    expect(outcomes.map((outcome) => outcome.outcome).sort()).toEqual(['moved', 'unchanged']);
    const moves = await movesOf(command.id);
    expect(moves).toHaveLength(1);
    expect(['completed', 'failed']).toContain(moves[0]);
    // The same answer again, or a step back, changes nothing.
    expect(
      (await lifecycle.acknowledge(device, { id: command.id, status: 'accepted' })).outcome,
    ).toBe('unchanged');
    expect(await movesOf(command.id)).toEqual(moves);
  });

  it('treats a repeated answer as a no-op and refuses another device’s command', async () => {
    const command = await newCommand();
    expect(
      (await lifecycle.acknowledge(device, { id: command.id, status: 'accepted' })).outcome,
    ).toBe('moved');
    expect(await lifecycle.acknowledge(device, { id: command.id, status: 'accepted' })).toEqual({
      outcome: 'unchanged',
      status: 'accepted',
    });
    const other = { deviceId: '00000000-0000-4000-8000-0000000000d1', tenantId: device.tenantId };
    expect(
      (await lifecycle.acknowledge(other, { id: command.id, status: 'completed' })).outcome,
    ).toBe('unknown');
    expect(await movesOf(command.id)).toEqual(['accepted']);
  });

  it('claims an open command for one dispatcher at a time until the claim ends', async () => {
    const command = await newCommand();
    const claim = () =>
      repository.transaction('platform', (trx) =>
        repository.claimForDispatch(trx, {
          statuses: ['pending'],
          commandIds: [command.id],
          onlineDevicesOnly: false,
          limit: 10,
          claimSeconds: 30,
        }),
      );
    const [first, second] = await Promise.all([claim(), claim()]);
    expect([first.length, second.length].sort()).toEqual([0, 1]);
    expect(await claim()).toEqual([]);
    await repository.transaction('platform', (trx) => repository.releaseClaims(trx, [command.id]));
    expect((await claim()).map((row) => row.id)).toEqual([command.id]);
    // Only devices recorded online, when the broker cannot say who listens.
    await repository.transaction('platform', (trx) => repository.releaseClaims(trx, [command.id]));
    const onlineOnly = await repository.transaction('platform', (trx) =>
      repository.claimForDispatch(trx, {
        statuses: ['pending'],
        commandIds: [command.id],
        onlineDevicesOnly: true,
        limit: 10,
        claimSeconds: 30,
      }),
    );
    expect(onlineOnly).toEqual([]);
  });

  it('expires open commands only once their deadline and the grace have passed', async () => {
    const waiting = await newCommand();
    const answered = await newCommand();
    await lifecycle.acknowledge(device, { id: answered.id, status: 'completed' });
    const late = await newCommand();
    await lifecycle.acknowledge(device, { id: late.id, status: 'accepted' });
    // Past expiresAt, inside the grace: an answer now still counts.
    await sleep(Date.parse(waiting.expiresAt) - Date.now() + 300);
    expect(await lifecycle.expireOverdue(2)).toBe(0);
    expect(
      (await lifecycle.acknowledge(device, { id: late.id, status: 'completed' })).outcome,
    ).toBe('moved');
    await sleep(Date.parse(waiting.expiresAt) + 2_000 - Date.now() + 300);
    expect(await lifecycle.expireOverdue(2)).toBeGreaterThanOrEqual(1);
    const statuses = await Promise.all(
      [waiting, answered, late].map(async (command) => {
        const row = await repository.transaction('platform', (trx) =>
          repository.findById(trx, device.tenantId, command.id),
        );
        return row?.status;
      }),
    );
    expect(statuses).toEqual(['expired', 'completed', 'completed']);
    expect(await movesOf(waiting.id)).toEqual(['expired']);
    // Nothing leaves a terminal status, and a second sweep finds nothing more to do.
    expect(
      (await lifecycle.acknowledge(device, { id: waiting.id, status: 'completed' })).outcome,
    ).toBe('unchanged');
    expect(await lifecycle.expireOverdue(2)).toBe(0);
  });
});
