import { randomUUID } from 'node:crypto';
import {
  type CommandAck,
  commandAckSchema,
  mqttTopics,
  telemetryMessageSchema,
} from '@ecogrid/contracts';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildSiteSpec, planSite, syntheticFleetState } from '../fleet.js';
import { DeviceConnection } from '../mqtt/device-connection.js';
import { createSeededRandom } from '../physics/random.js';
import { emptyPublishCounts, runTick } from '../runner.js';
import { type DeviceKind, SimulatedSite } from '../site.js';
import { startAedes, type TestBroker } from '../test/aedes-broker.js';
import { DeviceCommandHandler } from './command-handler.js';

// The in-process broker always; Mosquitto or EMQX as well when TEST_MQTT_URL is set (CI sets it).
const externalUrl = process.env.TEST_MQTT_URL;
const brokers: Array<{ name: string; start: () => Promise<TestBroker> }> = [
  { name: 'an in-process Aedes broker', start: () => startAedes() },
  ...(externalUrl
    ? [
        {
          name: 'the broker at TEST_MQTT_URL',
          start: () => Promise.resolve({ url: externalUrl, stop: () => Promise.resolve() }),
        },
      ]
    : []),
];

interface Received {
  topic: string;
  payload: string;
}

describe.each(brokers)('device commands over $name', ({ start }) => {
  const cleanups: Array<() => Promise<unknown>> = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A three-device site (meter, PV, battery) whose devices are connected with their handlers. */
  async function startSite() {
    const broker = await start();
    cleanups.push(() => broker.stop());
    // A fleet name of its own, so runs sharing a broker never see each other's devices.
    const fleet = `mqtt${randomUUID().slice(0, 8)}`;
    const state = syntheticFleetState(fleet, [planSite(fleet, 0, 3)]);
    const site = new SimulatedSite(
      buildSiteSpec(state.sites[0]!, state.devices),
      createSeededRandom(11),
    );
    const connections = new Map<string, DeviceConnection>();
    const handlers = new Map<string, DeviceCommandHandler>();
    for (const device of site.devices) {
      const connection = DeviceConnection.open(
        broker.url,
        { siteId: device.siteId, deviceId: device.deviceId },
        {
          onCommand: (_identity, payload) => {
            void handlers.get(device.deviceId)!.handle(payload);
          },
          // Stands in for the fleet's connection pool: after a reboot, connect again at once.
          onClosed: (closed) => closed.connect(),
        },
      );
      connections.set(device.deviceId, connection);
      handlers.set(
        device.deviceId,
        new DeviceCommandHandler({
          deviceId: device.deviceId,
          kind: device.kind,
          site,
          link: connection,
          rebootMs: 300,
        }),
      );
      cleanups.push(() => connection.close(2_000));
    }
    await vi.waitFor(
      () => {
        for (const connection of connections.values()) {
          expect(connection.isSubscribedToCommands).toBe(true);
        }
      },
      { timeout: 5_000 },
    );

    const observer: MqttClient = await connectAsync(broker.url, {
      clientId: `observer-${randomUUID()}`,
    });
    cleanups.push(async () => {
      // Leave no retained status behind on a shared broker.
      for (const device of site.devices) {
        await observer.publishAsync(mqttTopics.status(device.siteId, device.deviceId), '', {
          qos: 1,
          retain: true,
        });
      }
      await observer.endAsync();
    });
    const received: Received[] = [];
    observer.on('message', (topic, payload) =>
      received.push({ topic, payload: payload.toString() }),
    );
    await observer.subscribeAsync(`sites/${state.sites[0]!.id}/devices/+/#`, { qos: 1 });
    // The retained statuses come first: what follows is news.
    await vi.waitFor(() => {
      const statuses = received.filter((message) => message.topic.endsWith('/status'));
      expect(statuses).toHaveLength(site.devices.length);
    });

    const tick = () =>
      runTick([site], connections, new Date(), 5, emptyPublishCounts(), (outcome) =>
        handlers.get(outcome.deviceId)!.settle(outcome),
      );
    const device = (kind: DeviceKind) => {
      const found = site.devices.find((candidate) => candidate.kind === kind)!;
      return {
        ...found,
        connection: connections.get(found.deviceId)!,
        handler: handlers.get(found.deviceId)!,
        topics: {
          commands: mqttTopics.commands(found.siteId, found.deviceId),
          ack: mqttTopics.commandAck(found.siteId, found.deviceId),
          telemetry: mqttTopics.telemetry(found.siteId, found.deviceId),
          status: mqttTopics.status(found.siteId, found.deviceId),
        },
      };
    };
    const acksOf = (ackTopic: string, id: string): CommandAck[] =>
      received
        .filter((message) => message.topic === ackTopic)
        .map((message) => commandAckSchema.parse(JSON.parse(message.payload)))
        .filter((ack) => ack.id === id);
    const send = (topic: string, command: Record<string, unknown>) =>
      observer.publishAsync(topic, JSON.stringify(command), { qos: 1 });
    return { site, tick, device, received, acksOf, send };
  }

  function command(type: string, params: Record<string, unknown>) {
    return {
      id: randomUUID(),
      type,
      params,
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    };
  }

  it('acknowledges a setpoint accepted then completed, shows it in the next reading, and never runs an id twice', async () => {
    const { tick, device, received, acksOf, send } = await startSite();
    const battery = device('battery');
    const readingsOf = () =>
      received
        .filter((message) => message.topic === battery.topics.telemetry)
        .map((message) => telemetryMessageSchema.parse(JSON.parse(message.payload)));

    const charge = command('set_power_setpoint', { powerKw: -2 });
    await send(battery.topics.commands, charge);
    await vi.waitFor(() => expect(acksOf(battery.topics.ack, charge.id)).toHaveLength(1));
    expect(acksOf(battery.topics.ack, charge.id)[0]).toEqual({ id: charge.id, status: 'accepted' });

    tick();
    await vi.waitFor(() => expect(acksOf(battery.topics.ack, charge.id)).toHaveLength(2));
    expect(acksOf(battery.topics.ack, charge.id).map((ack) => ack.status)).toEqual([
      'accepted',
      'completed',
    ]);
    await vi.waitFor(() => expect(readingsOf()).toHaveLength(1));
    expect(readingsOf()[0]!.metrics.power_kw).toBe(-2);

    // A new setpoint, then the first command delivered again: answered, not executed.
    const discharge = command('set_power_setpoint', { powerKw: 1 });
    await send(battery.topics.commands, discharge);
    await vi.waitFor(() => expect(acksOf(battery.topics.ack, discharge.id)).toHaveLength(1));
    tick();
    await vi.waitFor(() => expect(acksOf(battery.topics.ack, discharge.id)).toHaveLength(2));
    await vi.waitFor(() => expect(readingsOf()).toHaveLength(2));

    await send(battery.topics.commands, charge);
    await vi.waitFor(() => expect(acksOf(battery.topics.ack, charge.id)).toHaveLength(3));
    tick();
    await vi.waitFor(() => expect(readingsOf()).toHaveLength(3));

    expect(acksOf(battery.topics.ack, charge.id).map((ack) => ack.status)).toEqual([
      'accepted',
      'completed',
      'completed',
    ]);
    expect(readingsOf().map((reading) => reading.metrics.power_kw)).toEqual([-2, 1, 1]);
    expect(battery.handler.counts).toMatchObject({ received: 3, duplicates: 1, executed: 2 });
  });

  it('rejects an expired command and one its device does not take', async () => {
    const { site, device, acksOf, send } = await startSite();
    const pv = device('pv_inverter');
    const expired = {
      ...command('set_power_limit', { limitKw: 1 }),
      expiresAt: '2020-01-01T00:00:00Z',
    };
    const wrong = command('set_mode', { mode: 'idle' });

    await send(pv.topics.commands, expired);
    await send(pv.topics.commands, wrong);

    await vi.waitFor(() => expect(acksOf(pv.topics.ack, wrong.id)).toHaveLength(1));
    expect(acksOf(pv.topics.ack, expired.id)).toEqual([
      { id: expired.id, status: 'rejected', message: 'expired' },
    ]);
    expect(acksOf(pv.topics.ack, wrong.id)[0]).toMatchObject({ status: 'rejected' });
    expect(site.pendingCommands).toBe(0);
  });

  it('reboots: says offline, publishes nothing meanwhile, comes back online and completes', async () => {
    const { tick, device, received, acksOf, send } = await startSite();
    const pv = device('pv_inverter');
    const reboot = command('reboot', {});
    const statusesFrom = (index: number) =>
      received
        .slice(index)
        .filter((message) => message.topic === pv.topics.status)
        .map((message) => message.payload);

    const startIndex = received.length;
    await send(pv.topics.commands, reboot);
    await vi.waitFor(() => expect(statusesFrom(startIndex)).toContain('offline'));
    expect(pv.connection.isConnected).toBe(false);
    const readingsBefore = received.filter((message) => message.topic === pv.topics.telemetry);
    tick();

    await vi.waitFor(() => expect(acksOf(pv.topics.ack, reboot.id)).toHaveLength(2), {
      timeout: 5_000,
    });
    expect(acksOf(pv.topics.ack, reboot.id).map((ack) => ack.status)).toEqual([
      'accepted',
      'completed',
    ]);
    expect(statusesFrom(startIndex)).toEqual(['offline', 'online']);
    expect(received.filter((message) => message.topic === pv.topics.telemetry)).toEqual(
      readingsBefore,
    );

    await vi.waitFor(() => expect(pv.connection.isSubscribedToCommands).toBe(true));
    tick();
    await vi.waitFor(() =>
      expect(received.filter((message) => message.topic === pv.topics.telemetry)).toHaveLength(
        readingsBefore.length + 1,
      ),
    );
  });
});
