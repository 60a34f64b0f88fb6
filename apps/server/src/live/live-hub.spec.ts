import type { LiveServerMessage } from '@ecogrid/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LiveUpdate } from './live-bus.js';
import { CLOSE_TOO_SLOW, LiveHub, type LiveSocket, type LiveViewer } from './live-hub.js';

const TENANT = '00000000-0000-4000-8000-000000000001';
const OTHER_TENANT = '00000000-0000-4000-8000-000000000002';
const SITE_A = '00000000-0000-4000-8000-0000000000a1';
const SITE_B = '00000000-0000-4000-8000-0000000000b1';
const DEVICE_A = '00000000-0000-4000-8000-0000000000a2';
const DEVICE_B = '00000000-0000-4000-8000-0000000000b2';

class FakeSocket implements LiveSocket {
  readonly messages: LiveServerMessage[] = [];
  bufferedAmount = 0;
  closedWith: number | undefined;
  send(text: string): void {
    this.messages.push(JSON.parse(text) as LiveServerMessage);
  }
  close(code: number): void {
    this.closedWith = code;
  }
  of<T extends LiveServerMessage['type']>(type: T) {
    return this.messages.filter(
      (message): message is Extract<LiveServerMessage, { type: T }> => message.type === type,
    );
  }
}

const viewer = (overrides: Partial<LiveViewer> = {}): LiveViewer => ({
  userId: 'u',
  tenantId: TENANT,
  siteIds: null,
  ...overrides,
});

const metrics = (
  deviceId: string,
  siteId: string,
  values: Record<string, number>,
  tenantId = TENANT,
  ts = new Date().toISOString(),
): LiveUpdate => ({ kind: 'metrics', tenantId, siteId, deviceId, ts, metrics: values });

describe('LiveHub', () => {
  let hub: LiveHub;
  let closedSlow: number;

  beforeEach(() => {
    vi.useFakeTimers();
    closedSlow = 0;
    hub = new LiveHub({
      maxHz: 2,
      softBufferBytes: 1000,
      hardBufferBytes: 10_000,
      slowGraceMs: 5000,
      maxSubscriptions: 3,
      onClosedSlow: () => closedSlow++,
    });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  function connect(who: LiveViewer = viewer()) {
    const socket = new FakeSocket();
    const client = hub.add(socket);
    client.viewer = who;
    return { socket, client };
  }

  it('delivers a site’s metrics only to that site’s subscribers of that tenant', () => {
    const a = connect();
    const b = connect();
    const stranger = connect(viewer({ tenantId: OTHER_TENANT }));
    hub.subscribe(a.client, 'sa', { kind: 'site', siteId: SITE_A });
    hub.subscribe(b.client, 'sb', { kind: 'site', siteId: SITE_B });
    // A forged index entry for another tenant's site id still receives nothing of this tenant.
    hub.subscribe(stranger.client, 'x', { kind: 'site', siteId: SITE_A });

    hub.dispatch([metrics(DEVICE_A, SITE_A, { power_kw: 4 })]);

    expect(a.socket.of('device.metrics')).toEqual([
      expect.objectContaining({ subscription: 'sa', deviceId: DEVICE_A, metrics: { power_kw: 4 } }),
    ]);
    expect(b.socket.messages).toEqual([]);
    expect(stranger.socket.messages).toEqual([]);
  });

  it('merges what arrives within a device’s slot and sends the latest of each metric', () => {
    const a = connect();
    hub.subscribe(a.client, 's', { kind: 'device', deviceId: DEVICE_A, siteId: SITE_A });
    hub.dispatch([metrics(DEVICE_A, SITE_A, { power_kw: 1, soc_pct: 50 })]);
    for (let index = 2; index <= 10; index++) {
      hub.dispatch([metrics(DEVICE_A, SITE_A, { power_kw: index })]);
    }
    expect(a.socket.of('device.metrics')).toHaveLength(1);
    vi.advanceTimersByTime(500);
    const sent = a.socket.of('device.metrics');
    expect(sent).toHaveLength(2);
    expect(sent[1]!.metrics).toEqual({ power_kw: 10 });
  });

  it('keeps a site-limited viewer to its sites, for metrics, statuses and commands', () => {
    const limited = connect(viewer({ siteIds: [SITE_A] }));
    hub.subscribe(limited.client, 'fleet', { kind: 'fleet' });
    hub.subscribe(limited.client, 'cmd', { kind: 'commands' });
    const at = new Date().toISOString();
    hub.dispatch([
      {
        kind: 'status',
        tenantId: TENANT,
        siteId: SITE_B,
        deviceId: DEVICE_B,
        status: 'offline',
        at,
      },
      {
        kind: 'status',
        tenantId: TENANT,
        siteId: SITE_A,
        deviceId: DEVICE_A,
        status: 'online',
        at,
      },
      {
        kind: 'command',
        tenantId: TENANT,
        siteId: SITE_B,
        deviceId: DEVICE_B,
        commandId: '00000000-0000-4000-8000-00000000c001',
        commandType: 'reboot',
        status: 'sent',
        at,
      },
    ]);
    expect(limited.socket.of('device.status').map((message) => message.deviceId)).toEqual([
      DEVICE_A,
    ]);
    expect(limited.socket.of('command.status')).toEqual([]);
  });

  it('filters command subscriptions by site and device', () => {
    const bySite = connect();
    const byDevice = connect();
    hub.subscribe(bySite.client, 'c', { kind: 'commands', siteId: SITE_B });
    hub.subscribe(byDevice.client, 'c', { kind: 'commands', deviceId: DEVICE_A, siteId: SITE_A });
    const command = (deviceId: string, siteId: string): LiveUpdate => ({
      kind: 'command',
      tenantId: TENANT,
      siteId,
      deviceId,
      commandId: '00000000-0000-4000-8000-00000000c002',
      commandType: 'reboot',
      status: 'completed',
      at: new Date().toISOString(),
    });
    hub.dispatch([command(DEVICE_A, SITE_A), command(DEVICE_B, SITE_B)]);
    expect(bySite.socket.of('command.status').map((message) => message.deviceId)).toEqual([
      DEVICE_B,
    ]);
    expect(byDevice.socket.of('command.status').map((message) => message.deviceId)).toEqual([
      DEVICE_A,
    ]);
  });

  it('refuses subscriptions past the limit and stops sending after unsubscribe', () => {
    const a = connect();
    expect(hub.subscribe(a.client, '1', { kind: 'site', siteId: SITE_A })).toBe(true);
    expect(hub.subscribe(a.client, '2', { kind: 'site', siteId: SITE_B })).toBe(true);
    expect(hub.subscribe(a.client, '3', { kind: 'fleet' })).toBe(true);
    expect(hub.subscribe(a.client, '4', { kind: 'alerts' })).toBe(false);
    // Replacing an existing id is not a new subscription.
    expect(hub.subscribe(a.client, '3', { kind: 'alerts' })).toBe(true);

    hub.dispatch([metrics(DEVICE_A, SITE_A, { power_kw: 1 })]);
    hub.dispatch([metrics(DEVICE_A, SITE_A, { power_kw: 2 })]);
    expect(hub.unsubscribe(a.client, '1')).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(a.socket.of('device.metrics').map((message) => message.metrics['power_kw'])).toEqual([
      1,
    ]);
  });

  it('holds the latest metrics of a backed-up client and sends them once it drains', () => {
    const slow = connect();
    hub.subscribe(slow.client, 's', { kind: 'site', siteId: SITE_A });
    slow.socket.bufferedAmount = 5000;
    for (let index = 0; index < 100; index++) {
      hub.dispatch([metrics(DEVICE_A, SITE_A, { power_kw: index })]);
      hub.dispatch([metrics(DEVICE_B, SITE_A, { power_kw: -index })]);
      vi.advanceTimersByTime(600);
    }
    // Nothing written while backed up, and what waits is one entry per device, not a backlog.
    expect(slow.socket.messages).toEqual([]);
    expect(slow.client.held.size).toBe(2);

    slow.socket.bufferedAmount = 0;
    hub.sweep();
    expect(
      slow.socket.of('device.metrics').map((message) => [message.deviceId, message.metrics]),
    ).toEqual([
      [DEVICE_A, { power_kw: 99 }],
      [DEVICE_B, { power_kw: -99 }],
    ]);
  });

  it('holds the latest metrics of a stalled client (ping unanswered) until it reads again', () => {
    const stalled = connect();
    hub.subscribe(stalled.client, 's', { kind: 'device', deviceId: DEVICE_A, siteId: SITE_A });
    stalled.client.stalled = true;
    for (let index = 0; index < 20; index++) {
      hub.dispatch([metrics(DEVICE_A, SITE_A, { power_kw: index })]);
      vi.advanceTimersByTime(600);
      hub.sweep();
    }
    expect(stalled.socket.messages).toEqual([]);
    expect(stalled.client.held.size).toBe(1);
    stalled.client.stalled = false;
    hub.sweep();
    expect(stalled.socket.of('device.metrics').map((message) => message.metrics)).toEqual([
      { power_kw: 19 },
    ]);
  });

  it('closes a client that stays backed up past the grace, or goes over the hard bound', () => {
    const slow = connect();
    const flooded = connect();
    hub.subscribe(slow.client, 's', { kind: 'site', siteId: SITE_A });
    hub.subscribe(flooded.client, 'f', { kind: 'fleet' });
    slow.socket.bufferedAmount = 5000;
    hub.sweep();
    vi.advanceTimersByTime(4000);
    hub.sweep();
    expect(slow.socket.closedWith).toBeUndefined();
    vi.advanceTimersByTime(2000);
    hub.sweep();
    expect(slow.socket.closedWith).toBe(CLOSE_TOO_SLOW);

    flooded.socket.bufferedAmount = 20_000;
    hub.dispatch([
      {
        kind: 'status',
        tenantId: TENANT,
        siteId: SITE_A,
        deviceId: DEVICE_A,
        status: 'online',
        at: new Date().toISOString(),
      },
    ]);
    expect(flooded.socket.closedWith).toBe(CLOSE_TOO_SLOW);
    expect(flooded.socket.messages).toEqual([]);
    expect(closedSlow).toBe(2);
    expect(hub.size).toBe(0);
  });

  it('groups fleet subscribers by tenant and site limits', () => {
    const one = connect();
    const two = connect();
    const limited = connect(viewer({ siteIds: [SITE_B, SITE_A] }));
    const limitedToo = connect(viewer({ siteIds: [SITE_A, SITE_B] }));
    for (const { client } of [one, two, limited, limitedToo]) {
      hub.subscribe(client, 'f', { kind: 'fleet' });
    }
    const groups = [...hub.fleetGroups().values()].map((group) => group.refs.length).sort();
    expect(groups).toEqual([2, 2]);
  });
});

describe('LiveHub writes', () => {
  it('corks a client’s socket for a tick, so its messages of that tick are one write', async () => {
    const hub = new LiveHub({
      maxHz: 2,
      softBufferBytes: 1000,
      hardBufferBytes: 10_000,
      slowGraceMs: 5000,
      maxSubscriptions: 3,
    });
    const socket = Object.assign(new FakeSocket(), { corks: 0, uncorks: 0 });
    const corkable = Object.assign(socket, {
      cork: () => void socket.corks++,
      uncork: () => void socket.uncorks++,
    });
    const client = hub.add(corkable);
    client.viewer = viewer();
    hub.subscribe(client, 's', { kind: 'site', siteId: SITE_A });
    hub.dispatch([
      metrics(DEVICE_A, SITE_A, { power_kw: 1 }),
      metrics(DEVICE_B, SITE_A, { power_kw: 2 }),
    ]);
    expect(socket.messages).toHaveLength(2);
    expect([socket.corks, socket.uncorks]).toEqual([1, 0]);
    await new Promise((resolve) => process.nextTick(resolve));
    expect([socket.corks, socket.uncorks]).toEqual([1, 1]);
  });
});

describe('LiveHub serialization', () => {
  it('writes device updates every client can parse, each with its own subscription id', () => {
    const hub = new LiveHub({
      maxHz: 2,
      softBufferBytes: 1000,
      hardBufferBytes: 10_000,
      slowGraceMs: 5000,
      maxSubscriptions: 3,
    });
    const sockets = ['first "quoted" id', 'second'].map((id) => {
      const socket = new FakeSocket();
      const client = hub.add(socket);
      client.viewer = viewer();
      hub.subscribe(client, id, { kind: 'site', siteId: SITE_A });
      return { id, socket };
    });
    hub.dispatch([metrics(DEVICE_A, SITE_A, { power_kw: 1.5, soc_pct: 40 }, TENANT, 'T')]);
    for (const { id, socket } of sockets) {
      expect(socket.messages).toEqual([
        {
          type: 'device.metrics',
          subscription: id,
          siteId: SITE_A,
          deviceId: DEVICE_A,
          ts: 'T',
          metrics: { power_kw: 1.5, soc_pct: 40 },
        },
      ]);
    }
  });
});
