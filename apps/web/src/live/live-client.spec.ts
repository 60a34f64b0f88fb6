import { describe, expect, it } from 'vitest';
import { LiveClient, liveUrl, type SocketLike } from './live-client';

const SITE = '33333333-3333-4333-8333-333333333333';
const DEVICE = '44444444-4444-4444-8444-444444444444';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  closedWith: number | null = null;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  serverClose(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

interface Timer {
  callback: () => void;
  ms: number;
  cancelled: boolean;
}

function setup(
  options: { token?: string | null; refreshed?: string | null; random?: number } = {},
) {
  const sockets: FakeSocket[] = [];
  const timers: Timer[] = [];
  let token = options.token === undefined ? 'token-1' : options.token;
  let refreshes = 0;
  const client = new LiveClient({
    url: 'ws://app.test/api/v1/ws',
    getToken: () => token,
    refreshToken: () => {
      refreshes++;
      token = options.refreshed === undefined ? 'token-2' : options.refreshed;
      return Promise.resolve(token);
    },
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    random: () => options.random ?? 0.5,
    setTimer: (callback, ms) => {
      const timer = { callback, ms, cancelled: false };
      timers.push(timer);
      return timer;
    },
    clearTimer: (handle) => {
      if (handle) (handle as Timer).cancelled = true;
    },
    baseDelayMs: 1000,
    maxDelayMs: 30_000,
    heartbeatMs: 20_000,
    offlineAfterAttempts: 3,
  });
  const pendingReconnects = () => timers.filter((timer) => !timer.cancelled && timer.ms !== 20_000);
  const fireReconnect = () => {
    const timer = pendingReconnects().at(-1);
    if (!timer) throw new Error('no reconnect scheduled');
    timer.cancelled = true;
    timer.callback();
  };
  return {
    client,
    sockets,
    timers,
    pendingReconnects,
    fireReconnect,
    refreshes: () => refreshes,
    setToken: (next: string) => (token = next),
  };
}

function authenticate(socket: FakeSocket) {
  socket.open();
  socket.receive({ type: 'authenticated', expiresAt: '2026-01-01T00:15:00.000Z' });
}

describe('LiveClient', () => {
  it('sends the token as the first message, never in the URL', () => {
    const { client, sockets } = setup();
    client.start();
    expect(sockets[0]!.url).toBe('ws://app.test/api/v1/ws');
    sockets[0]!.open();
    expect(sockets[0]!.sent[0]).toEqual({ type: 'auth', token: 'token-1' });
  });

  it('subscribes only once authenticated, then reports live and delivers messages', () => {
    const { client, sockets } = setup();
    const received: unknown[] = [];
    client.subscribe({ kind: 'site', siteId: SITE }, (message) => received.push(message));
    client.start();
    sockets[0]!.open();
    expect(sockets[0]!.sent).toHaveLength(1);
    sockets[0]!.receive({ type: 'authenticated', expiresAt: '2026-01-01T00:15:00.000Z' });
    expect(client.state).toBe('live');
    expect(sockets[0]!.sent[1]).toEqual({
      type: 'subscribe',
      id: 's1',
      topic: { kind: 'site', siteId: SITE },
    });
    const metrics = {
      type: 'device.metrics',
      subscription: 's1',
      siteId: SITE,
      deviceId: DEVICE,
      ts: '2026-01-01T00:00:00.000Z',
      metrics: { power_kw: 3.2 },
    };
    sockets[0]!.receive(metrics);
    expect(received).toEqual([metrics]);
  });

  it('ignores messages that do not match the contract', () => {
    const { client, sockets } = setup();
    const received: unknown[] = [];
    client.subscribe({ kind: 'fleet' }, (message) => received.push(message));
    client.start();
    authenticate(sockets[0]!);
    sockets[0]!.receive({ type: 'device.metrics', subscription: 's1', metrics: 'nonsense' });
    sockets[0]!.onmessage?.({ data: 'not json' });
    expect(received).toEqual([]);
  });

  it('sends a renewed token on the same connection', () => {
    const { client, sockets } = setup();
    client.start();
    authenticate(sockets[0]!);
    client.reauthenticate('token-renewed');
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.sent.at(-1)).toEqual({ type: 'auth', token: 'token-renewed' });
  });

  it('shares one subscription between listeners of the same topic and unsubscribes after the last', () => {
    const { client, sockets } = setup();
    client.start();
    authenticate(sockets[0]!);
    const stopFirst = client.subscribe({ kind: 'fleet' }, () => undefined);
    const stopSecond = client.subscribe({ kind: 'fleet' }, () => undefined);
    expect(
      sockets[0]!.sent.filter((message) => (message as { type: string }).type === 'subscribe'),
    ).toHaveLength(1);
    stopFirst();
    expect(sockets[0]!.sent.at(-1)).toMatchObject({ type: 'subscribe' });
    stopSecond();
    expect(sockets[0]!.sent.at(-1)).toEqual({ type: 'unsubscribe', id: 's1' });
  });

  it('reconnects after a server restart (1012) with jittered exponential backoff and resubscribes', () => {
    const { client, sockets, pendingReconnects, fireReconnect } = setup({ random: 0.5 });
    client.subscribe({ kind: 'fleet' }, () => undefined);
    client.subscribe({ kind: 'commands', siteId: SITE }, () => undefined);
    client.start();
    authenticate(sockets[0]!);
    sockets[0]!.serverClose(1012);
    expect(client.state).toBe('reconnecting');
    // Attempt 0: half of 1 s fixed plus half of it times random 0.5.
    expect(pendingReconnects().at(-1)!.ms).toBe(750);
    fireReconnect();
    expect(sockets).toHaveLength(2);
    // The next failure waits longer: 2 s ceiling.
    sockets[1]!.serverClose(1006);
    expect(pendingReconnects().at(-1)!.ms).toBe(1500);
    fireReconnect();
    authenticate(sockets[2]!);
    expect(client.state).toBe('live');
    const subscribes = sockets[2]!.sent.filter(
      (message) => (message as { type: string }).type === 'subscribe',
    );
    expect(subscribes).toEqual([
      { type: 'subscribe', id: 's1', topic: { kind: 'fleet' } },
      { type: 'subscribe', id: 's2', topic: { kind: 'commands', siteId: SITE } },
    ]);
  });

  it('spreads reconnect delays with jitter and caps them', () => {
    const low = setup({ random: 0 }).client;
    const high = setup({ random: 0.999 }).client;
    expect(low.backoffDelay(3)).toBe(4000);
    expect(high.backoffDelay(3)).toBeGreaterThan(7900);
    expect(high.backoffDelay(20)).toBeLessThanOrEqual(30_000);
    expect(low.backoffDelay(20)).toBe(15_000);
  });

  it('refreshes the token after close code 4002 and reconnects with the new one at once', async () => {
    const { client, sockets, refreshes, pendingReconnects } = setup();
    client.start();
    authenticate(sockets[0]!);
    sockets[0]!.serverClose(4002);
    await Promise.resolve();
    await Promise.resolve();
    expect(refreshes()).toBe(1);
    expect(pendingReconnects()).toHaveLength(0);
    expect(sockets).toHaveLength(2);
    sockets[1]!.open();
    expect(sockets[1]!.sent[0]).toEqual({ type: 'auth', token: 'token-2' });
  });

  it('goes offline when the refresh after 4002 fails', async () => {
    const { client, sockets } = setup({ refreshed: null });
    client.start();
    authenticate(sockets[0]!);
    sockets[0]!.serverClose(4002);
    await Promise.resolve();
    await Promise.resolve();
    expect(client.state).toBe('offline');
    expect(sockets).toHaveLength(1);
  });

  it('says offline after repeated failures but keeps trying', () => {
    const { client, sockets, fireReconnect, pendingReconnects } = setup();
    client.start();
    sockets[0]!.serverClose(1006);
    fireReconnect();
    sockets[1]!.serverClose(1006);
    expect(client.state).toBe('reconnecting');
    fireReconnect();
    sockets[2]!.serverClose(1006);
    expect(client.state).toBe('offline');
    expect(pendingReconnects()).toHaveLength(1);
  });

  it('closes cleanly on stop and does not reconnect', () => {
    const { client, sockets, pendingReconnects } = setup();
    client.start();
    authenticate(sockets[0]!);
    client.stop();
    expect(sockets[0]!.closedWith).toBe(1000);
    expect(client.state).toBe('offline');
    expect(pendingReconnects()).toHaveLength(0);
  });

  it('stays offline without a token', () => {
    const { client, sockets } = setup({ token: null });
    client.start();
    expect(sockets).toHaveLength(0);
    expect(client.state).toBe('offline');
  });

  it('builds the stream URL on the page origin', () => {
    expect(liveUrl({ protocol: 'https:', host: 'ems.example' })).toBe(
      'wss://ems.example/api/v1/ws',
    );
    expect(liveUrl({ protocol: 'http:', host: 'localhost:3000' })).toBe(
      'ws://localhost:3000/api/v1/ws',
    );
  });
});
