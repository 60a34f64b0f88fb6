import { randomUUID } from 'node:crypto';
import { type CommandAck, commandAckSchema, type TelemetryMessage } from '@ecogrid/contracts';
import { describe, expect, it, vi } from 'vitest';
import { buildSiteSpec, planSite, syntheticFleetState } from '../fleet.js';
import type { PublishOutcome } from '../mqtt/device-connection.js';
import { createSeededRandom } from '../physics/random.js';
import { emptyPublishCounts, runTick, type TelemetrySink } from '../runner.js';
import { type DeviceKind, SimulatedSite } from '../site.js';
import { type CommandLink, DeviceCommandHandler, parseCommandMessage } from './command-handler.js';
import { RecentCommands } from './recent-commands.js';

/** The device's side of the broker, in memory: what it acknowledged and when it was away. */
class InMemoryLink implements CommandLink, TelemetrySink {
  readonly acks: CommandAck[] = [];
  readonly readings: TelemetryMessage[] = [];
  readonly restarts: number[] = [];
  online = true;
  failRestart: Error | undefined;

  publishAck(ack: CommandAck): Promise<void> {
    // Every acknowledgement must be one the server accepts.
    this.acks.push(commandAckSchema.parse(ack));
    return Promise.resolve();
  }

  async restart(downMs: number): Promise<void> {
    this.restarts.push(downMs);
    this.online = false;
    await new Promise((resolve) => setTimeout(resolve, downMs));
    if (this.failRestart) throw this.failRestart;
    this.online = true;
  }

  publishTelemetry(message: TelemetryMessage): PublishOutcome {
    if (!this.online) return 'offline';
    this.readings.push(message);
    return 'sent';
  }

  acksOf(id: string): string[] {
    return this.acks.filter((ack) => ack.id === id).map((ack) => ack.status);
  }
}

const NOW_MS = Date.parse('2025-06-21T10:00:00Z');

/** A six-device site, each device with its handler and link, stepped a minute at a time. */
function makeFleet(options: { rebootMs?: number; recent?: () => RecentCommands } = {}) {
  const state = syntheticFleetState('handler', [planSite('handler', 0, 6)]);
  const site = new SimulatedSite(
    buildSiteSpec(state.sites[0]!, state.devices),
    createSeededRandom(3),
  );
  const lines: string[] = [];
  const links = new Map<string, InMemoryLink>();
  const handlers = new Map<string, DeviceCommandHandler>();
  for (const device of site.devices) {
    const link = new InMemoryLink();
    links.set(device.deviceId, link);
    handlers.set(
      device.deviceId,
      new DeviceCommandHandler({
        deviceId: device.deviceId,
        kind: device.kind,
        site,
        link,
        rebootMs: options.rebootMs ?? 30,
        now: () => NOW_MS,
        log: (line) => lines.push(line),
        ...(options.recent ? { recent: options.recent() } : {}),
      }),
    );
  }
  let atMs = NOW_MS;
  const tick = () => {
    atMs += 60_000;
    runTick([site], links, new Date(atMs), 60, emptyPublishCounts(), (outcome) =>
      handlers.get(outcome.deviceId)!.settle(outcome),
    );
  };
  const deviceOf = (kind: DeviceKind) => {
    const device = site.devices.find((candidate) => candidate.kind === kind)!;
    return {
      deviceId: device.deviceId,
      handler: handlers.get(device.deviceId)!,
      link: links.get(device.deviceId)!,
    };
  };
  return { site, tick, deviceOf, lines };
}

function commandMessage(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: randomUUID(),
    type: 'set_power_setpoint',
    params: { powerKw: -2 },
    expiresAt: new Date(NOW_MS + 60_000).toISOString(),
    ...overrides,
  });
}

describe('parseCommandMessage', () => {
  it('reads a command as the server publishes it', () => {
    const payload = commandMessage({ id: '7d9f1c7e-3f4b-4c1a-9a53-5b0c2a1e9f10' });
    expect(parseCommandMessage(payload)).toEqual({ ok: true, command: JSON.parse(payload) });
  });

  it('names the problem and keeps the id and type when they can be read', () => {
    const id = randomUUID();
    expect(parseCommandMessage(JSON.stringify({ id, type: 'fly', params: {} }))).toMatchObject({
      ok: false,
      id,
      type: 'fly',
      reason: expect.stringMatching(/^invalid command: type: /) as string,
    });
    expect(parseCommandMessage('{"id": 12')).toMatchObject({
      ok: false,
      id: undefined,
      reason: expect.stringMatching(/^not JSON: /) as string,
    });
    expect(parseCommandMessage('[]')).toMatchObject({ ok: false, id: undefined });
  });
});

describe('DeviceCommandHandler', () => {
  it('accepts at once and completes on the next step, whose reading shows the setpoint', async () => {
    const { tick, deviceOf, lines } = makeFleet();
    const battery = deviceOf('battery');
    const id = randomUUID();

    await battery.handler.handle(commandMessage({ id }));
    expect(battery.link.acks).toEqual([{ id, status: 'accepted' }]);

    tick();
    expect(battery.link.acksOf(id)).toEqual(['accepted', 'completed']);
    expect(battery.link.acks[1]!.message).toBe('following a setpoint of -2 kW; power now -2 kW');
    expect(battery.link.readings.at(-1)!.metrics.power_kw).toBe(-2);
    expect(lines).toEqual([
      `device ${battery.deviceId}: command ${id} set_power_setpoint completed: following a setpoint of -2 kW; power now -2 kW`,
    ]);
    expect(battery.handler.counts).toMatchObject({ received: 1, executed: 1, completed: 1 });
  });

  it('rejects what is not a command, naming why, and only logs what it cannot answer', async () => {
    const { site, deviceOf, lines } = makeFleet();
    const battery = deviceOf('battery');
    const badType = randomUUID();
    const noExpiry = randomUUID();

    await battery.handler.handle('not json at all');
    await battery.handler.handle(JSON.stringify({ type: 'reboot' }));
    await battery.handler.handle(commandMessage({ id: badType, type: 'self_destruct' }));
    await battery.handler.handle(commandMessage({ id: noExpiry, expiresAt: undefined }));

    expect(battery.link.acks).toEqual([
      {
        id: badType,
        status: 'rejected',
        message: expect.stringContaining('invalid command: type:'),
      },
      { id: noExpiry, status: 'rejected', message: expect.stringContaining('expiresAt') },
    ]);
    expect(lines.slice(0, 2)).toEqual([
      expect.stringContaining('unanswerable command message (not JSON:'),
      expect.stringContaining('unanswerable command message (invalid command: id:'),
    ]);
    expect(site.pendingCommands).toBe(0);
    expect(battery.handler.counts).toMatchObject({ received: 4, rejected: 4, executed: 0 });
  });

  it('rejects a command this device type does not take, or with bad parameters', async () => {
    const { site, deviceOf } = makeFleet();
    const battery = deviceOf('battery');
    const pv = deviceOf('pv_inverter');
    const wrongType = randomUUID();
    const badParams = randomUUID();
    const unknownParam = randomUUID();

    await battery.handler.handle(
      commandMessage({ id: wrongType, type: 'switch', params: { on: false } }),
    );
    await battery.handler.handle(commandMessage({ id: badParams, params: { powerKw: 'lots' } }));
    await pv.handler.handle(
      commandMessage({ id: unknownParam, type: 'set_power_limit', params: { limitKw: 1, x: 1 } }),
    );

    expect(battery.link.acks).toEqual([
      {
        id: wrongType,
        status: 'rejected',
        message: 'a battery takes set_mode, set_power_setpoint, reboot, not switch',
      },
      { id: badParams, status: 'rejected', message: expect.stringMatching(/^powerKw: /) },
    ]);
    expect(pv.link.acks).toEqual([
      { id: unknownParam, status: 'rejected', message: expect.stringContaining('x') },
    ]);
    expect(site.pendingCommands).toBe(0);
  });

  it('rejects an expired command as "expired" and does not execute it', async () => {
    const { site, tick, deviceOf } = makeFleet();
    const battery = deviceOf('battery');
    const id = randomUUID();

    await battery.handler.handle(
      commandMessage({ id, expiresAt: new Date(NOW_MS - 1).toISOString() }),
    );
    expect(site.pendingCommands).toBe(0);
    tick();

    expect(battery.link.acks).toEqual([{ id, status: 'rejected', message: 'expired' }]);
    expect(battery.link.readings.at(-1)!.metrics.power_kw).not.toBe(-2);
  });

  it('executes an id once: a redelivery gets the last answer again', async () => {
    const { site, tick, deviceOf, lines } = makeFleet();
    const battery = deviceOf('battery');
    const first = randomUUID();
    const second = randomUUID();
    const firstMessage = commandMessage({ id: first, params: { powerKw: -2 } });

    await battery.handler.handle(firstMessage);
    // Redelivered before it finished: answered accepted again, not queued twice.
    await battery.handler.handle(firstMessage);
    expect(site.pendingCommands).toBe(1);
    tick();
    expect(battery.link.acksOf(first)).toEqual(['accepted', 'accepted', 'completed']);

    // Another setpoint, then the first one once more: it must not take the battery back to -2.
    await battery.handler.handle(commandMessage({ id: second, params: { powerKw: 1 } }));
    tick();
    await battery.handler.handle(firstMessage);
    expect(site.pendingCommands).toBe(0);
    tick();

    expect(battery.link.acksOf(first)).toEqual(['accepted', 'accepted', 'completed', 'completed']);
    expect(battery.link.acks.at(-1)!.message).toBe(battery.link.acks[2]!.message);
    expect(battery.link.readings.at(-1)!.metrics.power_kw).toBe(1);
    expect(battery.handler.counts).toMatchObject({ received: 4, duplicates: 2, executed: 2 });
    expect(lines.filter((line) => line.includes('received again'))).toHaveLength(2);
  });

  it('answers a rejected command the same way when it comes again', async () => {
    const { deviceOf } = makeFleet();
    const pv = deviceOf('pv_inverter');
    const id = randomUUID();
    const message = commandMessage({ id, type: 'set_mode', params: { mode: 'idle' } });

    await pv.handler.handle(message);
    await pv.handler.handle(message);

    expect(pv.link.acksOf(id)).toEqual(['rejected', 'rejected']);
    expect(pv.link.acks[1]).toEqual(pv.link.acks[0]);
  });

  it('answers failed when the device cannot do it, with the reason', async () => {
    const { site, tick, deviceOf } = makeFleet();
    const battery = deviceOf('battery');
    site.restore({ [battery.deviceId]: { soc_pct: 100 } });
    const id = randomUUID();

    await battery.handler.handle(
      commandMessage({ id, type: 'set_mode', params: { mode: 'force_charge' } }),
    );
    tick();

    expect(battery.link.acksOf(id)).toEqual(['accepted', 'failed']);
    expect(battery.link.acks.at(-1)!.message).toContain('the battery is full');
    expect(battery.handler.counts.failed).toBe(1);
  });

  it('reboots: offline and silent for a while, then back and completed', async () => {
    const { site, tick, deviceOf, lines } = makeFleet({ rebootMs: 40 });
    const pv = deviceOf('pv_inverter');
    const id = randomUUID();

    await pv.handler.handle(commandMessage({ id, type: 'reboot', params: {} }));
    expect(pv.link.acks).toEqual([{ id, status: 'accepted', message: 'rebooting' }]);
    expect(site.isRebooting(pv.deviceId)).toBe(true);
    const before = pv.link.readings.length;
    tick();
    expect(pv.link.readings).toHaveLength(before);

    await vi.waitFor(() => expect(pv.link.acksOf(id)).toEqual(['accepted', 'completed']));
    expect(pv.link.restarts).toEqual([40]);
    expect(site.isRebooting(pv.deviceId)).toBe(false);
    expect(pv.link.acks.at(-1)!.message).toMatch(/^rebooted; back online after/);
    tick();
    expect(pv.link.readings).toHaveLength(before + 1);
    expect(lines.at(-1)).toContain(`command ${id} reboot completed`);
  });

  it('gives up a reboot the connection could not finish, and the physics come back', async () => {
    const { site, deviceOf, lines } = makeFleet({ rebootMs: 10 });
    const battery = deviceOf('battery');
    battery.link.failRestart = new Error('the connection is closed');
    const id = randomUUID();

    await battery.handler.handle(commandMessage({ id, type: 'reboot', params: {} }));
    await vi.waitFor(() => expect(lines.at(-1)).toContain('reboot interrupted'));

    expect(battery.link.acksOf(id)).toEqual(['accepted']);
    expect(site.isRebooting(battery.deviceId)).toBe(false);
  });

  it('reports commands a restart interrupted as failed, and remembers the rest', async () => {
    const interrupted = randomUUID();
    const done = randomUUID();
    const { deviceOf } = makeFleet({
      recent: () =>
        new RecentCommands(10, [
          { id: done, type: 'set_mode', status: 'completed', message: 'idle' },
          { id: interrupted, type: 'set_power_setpoint', status: 'accepted' },
        ]),
    });
    const battery = deviceOf('battery');

    await battery.handler.failInterrupted();
    await battery.handler.handle(commandMessage({ id: done }));

    expect(battery.link.acks).toEqual([
      {
        id: interrupted,
        status: 'failed',
        message: 'interrupted: the device restarted before the command finished',
      },
      { id: done, status: 'completed', message: 'idle' },
    ]);
  });

  it('keeps acknowledgements within the contract: long reasons are shortened', async () => {
    const { deviceOf } = makeFleet();
    const pv = deviceOf('pv_inverter');
    const id = randomUUID();
    // The reason names the unknown parameter, which is longer than an acknowledgement may be.
    const params = { limitKw: 1, ['k'.repeat(2_000)]: 1 };

    await pv.handler.handle(commandMessage({ id, type: 'set_power_limit', params }));

    expect(pv.link.acks).toHaveLength(1);
    expect(pv.link.acks[0]!.status).toBe('rejected');
    expect(pv.link.acks[0]!.message).toHaveLength(500);
    expect(pv.link.acks[0]!.message!.endsWith('…')).toBe(true);
  });
});
