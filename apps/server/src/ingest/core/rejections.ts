/**
 * Why a message or reading was not stored. A closed list: it is the Prometheus label `reason`, so
 * adding a value is a deliberate change to dashboards and alerts.
 */
export const REJECT_REASONS = [
  'payload_too_large',
  'malformed_json',
  'bad_shape',
  'unknown_metric',
  'non_finite_value',
  'value_out_of_range',
  'wrong_type',
  'timestamp_in_future',
  'timestamp_too_old',
  'bad_timestamp',
  'bad_topic',
  'too_many_readings',
  // Through an external broker: a device the server does not know, or on another site's topic.
  'unknown_device',
  // A command acknowledgement for no command of the sending device.
  'unknown_command',
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

export interface Rejection {
  reason: RejectReason;
  detail: string;
  /** Null only for a `bad_topic` whose sender could not be attributed to a device. */
  deviceId: string | null;
  metric?: string;
  /** The offending input as text, cut to {@link RAW_MAX_CHARS}, for the dead-letter table. */
  raw?: string;
}

export const RAW_MAX_CHARS = 2048;
export const DETAIL_MAX_CHARS = 500;
/** Metric names are at most 66 characters; a longer one is kept only far enough to recognise it. */
export const METRIC_MAX_CHARS = 100;

/**
 * Makes device-supplied text safe to store and log: Postgres `text` refuses NUL, and a cut must not
 * split a surrogate pair (it would become an invalid code point).
 */
export function toStorableText(text: string, maxChars: number): string {
  const withoutNul = text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
  if (withoutNul.length <= maxChars) return withoutNul;
  const lastKept = withoutNul.charCodeAt(maxChars - 1);
  const splitsPair = lastKept >= 0xd800 && lastKept <= 0xdbff;
  return `${withoutNul.slice(0, splitsPair ? maxChars - 1 : maxChars)}…`;
}

/**
 * JSON text of a device-supplied value, bounded. Strings are cut before encoding so that a huge
 * value repeated in many rejections costs little; a value nested too deep to encode is described.
 */
export function describeJsonValue(value: unknown, maxChars: number): string {
  if (typeof value === 'string') {
    return toStorableText(JSON.stringify(toStorableText(value, maxChars)), maxChars);
  }
  try {
    return toStorableText(JSON.stringify(value) ?? 'undefined', maxChars);
  } catch {
    // JSON.stringify recurses: a value nested thousands deep overflows the stack.
    return Array.isArray(value) ? '[nested too deep to show]' : '{nested too deep to show}';
  }
}

/** The rejection for a message whose topic is not a device topic (see `parseTopic`). */
export function badTopicRejection(
  topic: string,
  detail: string,
  deviceId: string | null,
): Rejection {
  return {
    reason: 'bad_topic',
    detail: toStorableText(`${detail}: ${topic}`, DETAIL_MAX_CHARS),
    deviceId,
  };
}
