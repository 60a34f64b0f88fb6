import { randomUUID } from 'node:crypto';
import { mqttTopics } from '@ecogrid/contracts';
import { describe, expect, it } from 'vitest';
import { badTopicRejection } from './rejections.js';
import { isTopicAllowedForDevice, parseTopic } from './topics.js';

function makeDevice() {
  return { siteId: randomUUID(), deviceId: randomUUID() };
}

describe('parseTopic', () => {
  const { siteId, deviceId } = makeDevice();

  it('recognises every topic of the device contract', () => {
    expect(parseTopic(mqttTopics.telemetry(siteId, deviceId))).toEqual({
      ok: true,
      topic: { kind: 'telemetry', siteId, deviceId },
    });
    expect(parseTopic(mqttTopics.metric(siteId, deviceId, 'power_kw'))).toEqual({
      ok: true,
      topic: { kind: 'telemetry_metric', siteId, deviceId, metric: 'power_kw' },
    });
    expect(parseTopic(mqttTopics.status(siteId, deviceId))).toEqual({
      ok: true,
      topic: { kind: 'status', siteId, deviceId },
    });
    expect(parseTopic(mqttTopics.commands(siteId, deviceId))).toEqual({
      ok: true,
      topic: { kind: 'commands', siteId, deviceId },
    });
    expect(parseTopic(mqttTopics.commandAck(siteId, deviceId))).toEqual({
      ok: true,
      topic: { kind: 'command_ack', siteId, deviceId },
    });
  });

  it('leaves the metric name of a single-metric topic to the parser', () => {
    const result = parseTopic(mqttTopics.metric(siteId, deviceId, 'Power'));
    expect(result).toMatchObject({
      ok: true,
      topic: { kind: 'telemetry_metric', metric: 'Power' },
    });
  });

  it.each([
    ['an empty topic', ''],
    ['a non-UUID site id', `sites/site-1/devices/${deviceId}/telemetry`],
    ['a non-UUID device id', `sites/${siteId}/devices/42/telemetry`],
    ['an upper-case UUID', `sites/${siteId.toUpperCase()}/devices/${deviceId}/telemetry`],
    ['an unknown channel', `sites/${siteId}/devices/${deviceId}/config`],
    ['a trailing slash', `sites/${siteId}/devices/${deviceId}/telemetry/`],
    ['a leading slash', `/sites/${siteId}/devices/${deviceId}/telemetry`],
    ['an extra level', `sites/${siteId}/devices/${deviceId}/telemetry/power_kw/x`],
    ['a wrong prefix', `site/${siteId}/devices/${deviceId}/telemetry`],
    ['a commands sub-topic other than ack', `sites/${siteId}/devices/${deviceId}/commands/nack`],
    ['a multi-level wildcard', `sites/${siteId}/devices/${deviceId}/#`],
    ['a single-level wildcard', `sites/+/devices/${deviceId}/telemetry`],
    ['a system topic', '$SYS/broker/uptime'],
    ['a NUL character', `sites/${siteId}/devices/${deviceId}/telemetry/power_kw\u0000`],
    [
      'a topic over the length limit',
      `sites/${siteId}/devices/${deviceId}/telemetry/${'a'.repeat(300)}_kw`,
    ],
  ])('refuses %s as bad_topic', (_case, topic) => {
    const result = parseTopic(topic);
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ reason: 'bad_topic', detail: expect.any(String) });
  });

  it('turns a bad topic into a dead-letter rejection, attributed or not', () => {
    const result = parseTopic('sites/x/devices/y/telemetry');
    if (result.ok) expect.unreachable();
    expect(badTopicRejection('sites/x/devices/y/telemetry', result.detail, null)).toEqual({
      reason: 'bad_topic',
      detail: expect.stringContaining('sites/x/devices/y/telemetry'),
      deviceId: null,
    });
  });
});

describe('isTopicAllowedForDevice', () => {
  const device = makeDevice();
  const { siteId, deviceId } = device;
  const other = makeDevice();

  it.each([
    ['telemetry', mqttTopics.telemetry(siteId, deviceId)],
    ['a single metric', mqttTopics.metric(siteId, deviceId, 'soc_pct')],
    ['status', mqttTopics.status(siteId, deviceId)],
    ['command acks', mqttTopics.commandAck(siteId, deviceId)],
  ])('lets a device publish its own %s', (_case, topic) => {
    expect(isTopicAllowedForDevice(topic, device, 'publish')).toBe(true);
  });

  it('lets a device subscribe to its own commands and to nothing else of its own', () => {
    expect(
      isTopicAllowedForDevice(mqttTopics.commands(siteId, deviceId), device, 'subscribe'),
    ).toBe(true);
    expect(
      isTopicAllowedForDevice(mqttTopics.telemetry(siteId, deviceId), device, 'subscribe'),
    ).toBe(false);
    expect(
      isTopicAllowedForDevice(mqttTopics.commandAck(siteId, deviceId), device, 'subscribe'),
    ).toBe(false);
  });

  it('refuses a device publishing commands to itself', () => {
    expect(isTopicAllowedForDevice(mqttTopics.commands(siteId, deviceId), device, 'publish')).toBe(
      false,
    );
  });

  it.each([
    ['another device of another site', mqttTopics.telemetry(other.siteId, other.deviceId)],
    ['another device of its own site', mqttTopics.telemetry(siteId, other.deviceId)],
    ['its own device id under another site', mqttTopics.telemetry(other.siteId, deviceId)],
  ])('refuses a reading on the topic of %s', (_case, topic) => {
    expect(isTopicAllowedForDevice(topic, device, 'publish')).toBe(false);
  });

  it("refuses subscribing to another device's commands", () => {
    const topic = mqttTopics.commands(other.siteId, other.deviceId);
    expect(isTopicAllowedForDevice(topic, device, 'subscribe')).toBe(false);
  });

  it.each([
    ['#', '#'],
    ['+ for the device', `sites/${siteId}/devices/+/commands`],
    ['+ for the site', `sites/+/devices/${deviceId}/commands`],
    ['# under its own device', `sites/${siteId}/devices/${deviceId}/#`],
    ['+ for the channel', `sites/${siteId}/devices/${deviceId}/+`],
    ['$SYS/#', '$SYS/#'],
    ['a $SYS topic', '$SYS/broker/clients/connected'],
    ['a shared subscription', `$share/group/sites/${siteId}/devices/${deviceId}/commands`],
  ])('refuses %s for both actions', (_case, topic) => {
    expect(isTopicAllowedForDevice(topic, device, 'subscribe')).toBe(false);
    expect(isTopicAllowedForDevice(topic, device, 'publish')).toBe(false);
  });
});
