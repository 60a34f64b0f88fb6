import { randomUUID } from 'node:crypto';
import { mqttTopics, telemetryMessageSchema } from '@ecogrid/contracts';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { startAedes } from '../test/aedes-broker.js';
import { DeviceConnection, deviceClientOptions, type DeviceIdentity } from './device-connection.js';

function makeIdentity(overrides: Partial<DeviceIdentity> = {}): DeviceIdentity {
  const suffix = randomUUID().slice(0, 8);
  return { siteId: `test-site-${suffix}`, deviceId: `test-device-${suffix}`, ...overrides };
}

describe('deviceClientOptions', () => {
  it('leaves a retained offline status as its Last Will', () => {
    const options = deviceClientOptions({ siteId: 'site-1', deviceId: 'pv-1' });

    expect(options.will).toEqual({
      topic: 'sites/site-1/devices/pv-1/status',
      payload: 'offline',
      qos: 1,
      retain: true,
    });
    expect(options.clientId).toContain('pv-1');
  });

  it('connects as the platform wants: device id as client id and username, secret as password', () => {
    const options = deviceClientOptions({ siteId: 'site-1', deviceId: 'pv-1', secret: 's3cret' });

    expect(options).toMatchObject({
      clientId: 'pv-1',
      username: 'pv-1',
      password: 's3cret',
      protocolVersion: 4,
      clean: true,
    });
  });

  it('leaves reconnecting to its owner, so one scheduler paces the whole fleet', () => {
    const options = deviceClientOptions({ siteId: 'site-1', deviceId: 'pv-1' });

    expect(options.reconnectPeriod).toBe(0);
    expect(options.manualConnect).toBe(true);
    expect(options).not.toHaveProperty('username');
  });
});

/** Resolves with the next message on `topic`, retained ones included. */
function nextMessage(observer: MqttClient, topic: string): Promise<string> {
  return new Promise((resolve) => {
    const onMessage = (receivedTopic: string, payload: Buffer) => {
      if (receivedTopic !== topic) return;
      observer.off('message', onMessage);
      resolve(payload.toString());
    };
    observer.on('message', onMessage);
  });
}

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// A real broker: Mosquitto or EMQX when TEST_MQTT_URL is set (CI sets it).
const brokerUrl = process.env.TEST_MQTT_URL;

describe.skipIf(!brokerUrl)('DeviceConnection against a real broker', () => {
  const cleanups: Array<() => Promise<unknown>> = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function openObserver(identity: DeviceIdentity): Promise<MqttClient> {
    const observer = await connectAsync(brokerUrl!, { clientId: `observer-${randomUUID()}` });
    cleanups.push(async () => {
      // Leave no retained status behind on a shared broker.
      await observer.publishAsync(mqttTopics.status(identity.siteId, identity.deviceId), '', {
        qos: 1,
        retain: true,
      });
      await observer.endAsync();
    });
    await observer.subscribeAsync(`sites/${identity.siteId}/devices/${identity.deviceId}/#`, {
      qos: 1,
    });
    return observer;
  }

  it('announces itself online, publishes telemetry with QoS 1 and says offline on close', async () => {
    const identity = makeIdentity();
    const observer = await openObserver(identity);
    const statusTopic = mqttTopics.status(identity.siteId, identity.deviceId);

    const online = nextMessage(observer, statusTopic);
    const connection = DeviceConnection.open(brokerUrl!, identity);
    cleanups.push(() => connection.close());
    expect(await online).toBe('online');
    await waitUntil(() => connection.isConnected);

    const telemetry = nextMessage(
      observer,
      mqttTopics.telemetry(identity.siteId, identity.deviceId),
    );
    const message = {
      ts: '2025-06-21T10:00:00.000Z',
      metrics: { power_kw: 3.2, energy_kwh: 12.5 },
    };
    expect(connection.publishTelemetry(message)).toBe('sent');
    expect(telemetryMessageSchema.parse(JSON.parse(await telemetry))).toEqual(message);

    const offline = nextMessage(observer, statusTopic);
    await connection.close();
    expect(await offline).toBe('offline');
  });

  it('keeps at most one reading in flight per device', async () => {
    const identity = makeIdentity();
    await openObserver(identity);
    const connection = DeviceConnection.open(brokerUrl!, identity);
    cleanups.push(() => connection.close());
    await waitUntil(() => connection.isConnected);

    const message = { metrics: { power_kw: 1 } };
    expect(connection.publishTelemetry(message)).toBe('sent');
    expect(connection.publishTelemetry(message)).toBe('busy');
  });

  it('is reported offline by the broker when it dies without saying goodbye', async () => {
    const identity = makeIdentity();
    const observer = await openObserver(identity);
    const statusTopic = mqttTopics.status(identity.siteId, identity.deviceId);

    const device = await connectAsync(brokerUrl!, {
      ...deviceClientOptions(identity),
      manualConnect: false,
    });
    const offline = nextMessage(observer, statusTopic);
    // Drop the TCP connection as a crash or power cut would: no DISCONNECT packet is sent.
    device.stream.destroy();

    expect(await offline).toBe('offline');
    await device.endAsync(true);
  });
});

describe('DeviceConnection without a broker', () => {
  it('skips readings as offline instead of queueing them', async () => {
    // Nothing listens on port 1: every connection attempt is refused.
    const connection = DeviceConnection.open('mqtt://127.0.0.1:1', makeIdentity());
    try {
      expect(connection.publishTelemetry({ metrics: { power_kw: 1 } })).toBe('offline');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(connection.isConnected).toBe(false);
      expect(connection.publishTelemetry({ metrics: { power_kw: 1 } })).toBe('offline');
    } finally {
      await connection.close(100);
    }
  });
});

describe('DeviceConnection commands and restarts, against an in-process broker', () => {
  const cleanups: Array<() => Promise<unknown>> = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function startBroker(options: Parameters<typeof startAedes>[0] = {}): Promise<string> {
    const broker = await startAedes(options);
    cleanups.push(() => broker.stop());
    return broker.url;
  }

  async function observe(url: string, identity: DeviceIdentity): Promise<MqttClient> {
    const observer = await connectAsync(url, { clientId: `observer-${randomUUID()}` });
    cleanups.push(() => observer.endAsync());
    await observer.subscribeAsync(`sites/${identity.siteId}/devices/${identity.deviceId}/#`, {
      qos: 1,
    });
    return observer;
  }

  it('holds acknowledgements while offline and sends them once connected', async () => {
    const url = await startBroker();
    const identity = makeIdentity();
    const observer = await observe(url, identity);
    const connection = DeviceConnection.create(url, identity);
    cleanups.push(() => connection.close());
    const id = randomUUID();

    const ackArrives = nextMessage(
      observer,
      mqttTopics.commandAck(identity.siteId, identity.deviceId),
    );
    const published = connection.publishAck({ id, status: 'completed', message: 'done' });
    connection.connect();

    await published;
    expect(JSON.parse(await ackArrives)).toEqual({ id, status: 'completed', message: 'done' });
  });

  it('reports a refused command subscription and keeps publishing', async () => {
    const url = await startBroker({
      authorizeSubscribe: (_client, subscription, done) =>
        done(null, subscription.topic.endsWith('/commands') ? null : subscription),
    });
    const identity = makeIdentity();
    const errors: string[] = [];
    const connection = DeviceConnection.open(url, identity, {
      onError: (_identity, error) => errors.push(error.message),
    });
    cleanups.push(() => connection.close());

    await waitUntil(() => errors.length > 0);
    expect(errors).toEqual([
      expect.stringMatching(
        `^the broker refused the subscription to ${mqttTopics.commands(identity.siteId, identity.deviceId)}: `,
      ),
    ]);
    expect(connection.isConnected).toBe(true);
    expect(connection.isSubscribedToCommands).toBe(false);
    expect(connection.publishTelemetry({ metrics: { power_kw: 1 } })).toBe('sent');
  });

  it('restarts: says offline, stays away, and is back once its owner connects it', async () => {
    const url = await startBroker();
    const identity = makeIdentity();
    const observer = await observe(url, identity);
    const statuses: string[] = [];
    observer.on('message', (topic, payload) => {
      if (topic.endsWith('/status')) statuses.push(payload.toString());
    });
    let reconnectsAsked = 0;
    const connection = DeviceConnection.open(url, identity, {
      onClosed: (closed) => {
        reconnectsAsked += 1;
        closed.connect();
      },
    });
    cleanups.push(() => connection.close());
    await waitUntil(() => connection.isSubscribedToCommands);
    await waitUntil(() => statuses.length === 1);

    const restarted = connection.restart(150);
    await waitUntil(() => statuses.length === 2);
    expect(connection.state).toBe('rebooting');
    expect(connection.publishTelemetry({ metrics: { power_kw: 1 } })).toBe('offline');
    await restarted;
    await waitUntil(() => statuses.length === 3);

    expect(statuses).toEqual(['online', 'offline', 'online']);
    expect(reconnectsAsked).toBe(1);
    expect(connection.isConnected).toBe(true);
    await waitUntil(() => connection.isSubscribedToCommands);
  });

  it('ends a restart and refuses acknowledgements once closed', async () => {
    const url = await startBroker();
    const connection = DeviceConnection.open(url, makeIdentity());
    await waitUntil(() => connection.isConnected);

    const restarted = connection.restart(10_000);
    const held = new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
      connection.publishAck({ id: randomUUID(), status: 'accepted' }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    await connection.close(1_000);

    await expect(restarted).rejects.toThrow('closed while the device was restarting');
    await expect(held).rejects.toThrow('the connection is closed');
    await expect(connection.publishAck({ id: randomUUID(), status: 'accepted' })).rejects.toThrow(
      'the connection is closed',
    );
  });
});
