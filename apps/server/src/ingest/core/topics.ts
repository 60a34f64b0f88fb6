/**
 * The device contract's MQTT topics (docs: DESIGN.md "MQTT topics"). The tenant is never in the
 * topic: it follows from the device's credentials, which is why the ACL below compares both ids.
 */
export type DeviceTopic =
  | { kind: 'telemetry'; siteId: string; deviceId: string }
  | { kind: 'telemetry_metric'; siteId: string; deviceId: string; metric: string }
  | { kind: 'status'; siteId: string; deviceId: string }
  | { kind: 'commands'; siteId: string; deviceId: string }
  | { kind: 'command_ack'; siteId: string; deviceId: string };

export type DeviceTopicKind = DeviceTopic['kind'];

export type TopicParseResult =
  { ok: true; topic: DeviceTopic } | { ok: false; reason: 'bad_topic'; detail: string };

export interface DeviceIdentity {
  siteId: string;
  deviceId: string;
}

export type TopicAction = 'publish' | 'subscribe';

/** The longest valid topic is about 170 characters; anything far longer is not ours. */
export const MAX_TOPIC_LENGTH = 256;

/**
 * Only the lower-case form the server issues: one device must not be reachable under two
 * spellings, or the ACL and the idempotency key could disagree about who it is.
 */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const DEVICE_PUBLISHES: ReadonlySet<DeviceTopicKind> = new Set([
  'telemetry',
  'telemetry_metric',
  'status',
  'command_ack',
]);

export function parseTopic(topic: string): TopicParseResult {
  const refusal = refuseNonDeviceTopic(topic);
  if (refusal) return { ok: false, reason: 'bad_topic', detail: refusal };

  const [sites, siteId, devices, deviceId, channel, sub, ...rest] = topic.split('/');
  if (sites !== 'sites' || devices !== 'devices' || rest.length > 0) {
    return badTopic('not sites/{siteId}/devices/{deviceId}/…');
  }
  if (siteId === undefined || !CANONICAL_UUID.test(siteId)) {
    return badTopic('site id is not a lower-case UUID');
  }
  if (deviceId === undefined || !CANONICAL_UUID.test(deviceId)) {
    return badTopic('device id is not a lower-case UUID');
  }
  const ids = { siteId, deviceId };

  if (channel === 'telemetry' && sub === undefined) return parsed({ kind: 'telemetry', ...ids });
  // The metric name itself is checked by the parser, so that a misspelt name is dead-lettered
  // as `unknown_metric` rather than vanishing as a refused publish.
  if (channel === 'telemetry' && sub)
    return parsed({ kind: 'telemetry_metric', ...ids, metric: sub });
  if (channel === 'status' && sub === undefined) return parsed({ kind: 'status', ...ids });
  if (channel === 'commands' && sub === undefined) return parsed({ kind: 'commands', ...ids });
  if (channel === 'commands' && sub === 'ack') return parsed({ kind: 'command_ack', ...ids });
  return badTopic('not a telemetry, status or commands topic');
}

/**
 * Whether an authenticated device may publish to, or subscribe to, a topic (or topic filter).
 * A device publishes only its own telemetry, status and command acks, and subscribes only to its
 * own commands; wildcards and `$` system topics are always refused, since they reach beyond it.
 */
export function isTopicAllowedForDevice(
  topic: string,
  device: DeviceIdentity,
  action: TopicAction,
): boolean {
  const result = parseTopic(topic);
  if (!result.ok) return false;
  const { kind, siteId, deviceId } = result.topic;
  if (siteId !== device.siteId || deviceId !== device.deviceId) return false;
  return action === 'publish' ? DEVICE_PUBLISHES.has(kind) : kind === 'commands';
}

function refuseNonDeviceTopic(topic: string): string | undefined {
  if (topic.length === 0) return 'empty topic';
  if (topic.length > MAX_TOPIC_LENGTH) return `longer than ${MAX_TOPIC_LENGTH} characters`;
  if (topic.startsWith('$')) return 'system topic';
  if (topic.includes('+') || topic.includes('#')) return 'wildcards are not device topics';
  if (topic.includes('\u0000')) return 'contains NUL';
  return undefined;
}

function parsed(topic: DeviceTopic): TopicParseResult {
  return { ok: true, topic };
}

function badTopic(detail: string): TopicParseResult {
  return { ok: false, reason: 'bad_topic', detail };
}
