import { METRIC_NAME_PATTERN } from '@ecogrid/contracts';
import { parseLenientJson } from './lenient-json.js';
import { type ParsedTelemetry, ReadingCollector } from './reading-collector.js';
import {
  type RejectReason,
  RAW_MAX_CHARS,
  describeJsonValue,
  toStorableText,
} from './rejections.js';
import { type TimestampResult, checkWindow, readTimestamp, typeOf } from './timestamps.js';

export {
  MAX_READINGS_PER_MESSAGE,
  type ParsedTelemetry,
  type Reading,
} from './reading-collector.js';

export const DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;

/**
 * Doubles hold integers exactly up to 2^53 (about 9e15); no meter reads beyond 1e15 in its unit,
 * while devices do send sentinels such as 3.4e38 (float max) for "no data".
 */
export const MAX_ABSOLUTE_VALUE = 1e15;

/** A ts, as JSON, is kept this short in dead letters: it repeats in every reading's rejection. */
const TIMESTAMP_RAW_MAX_CHARS = 64;
const NON_FINITE_SPELLING = /^\s*[+-]?(?:nan|inf|infinity)\s*$/i;

export interface ReceivedTelemetry {
  siteId: string;
  deviceId: string;
  /** From the single-metric topic `…/telemetry/{metric}`, whose body is a bare number. */
  metric?: string;
  payload: Uint8Array;
  receivedAt: Date;
  now: Date;
  retentionDays: number;
  maxPayloadBytes?: number;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

/**
 * Turns one received telemetry message into the readings to store and a rejection, with its
 * reason, for everything else. A bad reading never costs the good ones beside it. Never throws.
 */
export function parseTelemetry(message: ReceivedTelemetry): ParsedTelemetry {
  const collector = new ReadingCollector(message.deviceId);
  const maxPayloadBytes = message.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  if (message.payload.byteLength > maxPayloadBytes) {
    const detail = `${message.payload.byteLength} bytes, limit ${maxPayloadBytes}`;
    collector.reject('payload_too_large', detail, message.metric, rawPrefix(message.payload));
    return collector.result();
  }
  const text = decodeUtf8(message.payload);
  if (text === undefined) {
    collector.reject('malformed_json', 'not UTF-8', message.metric, rawPrefix(message.payload));
  } else if (message.metric === undefined) {
    readTelemetryBody(text, message, collector);
  } else {
    readBareNumber(text, message.metric, message, collector);
  }
  return collector.result();
}

/** `{"ts"?, "metrics": {name: number}}` or an array of those. */
function readTelemetryBody(text: string, message: ReceivedTelemetry, collector: ReadingCollector) {
  const json = parseLenientJson(text);
  if (!json.ok) {
    collector.reject('malformed_json', json.error, undefined, text.slice(0, RAW_MAX_CHARS));
    return;
  }
  const entries = Array.isArray(json.value) ? (json.value as unknown[]) : [json.value];
  for (const entry of entries) readEntry(entry, message, collector);
}

function readEntry(entry: unknown, message: ReceivedTelemetry, collector: ReadingCollector) {
  if (!isJsonObject(entry) || !isJsonObject(entry.metrics)) {
    if (collector.admit()) {
      const detail = 'expected {"ts"?: ISO-8601 or epoch ms, "metrics": {name: number}}';
      collector.reject('bad_shape', detail, undefined, describeJsonValue(entry, RAW_MAX_CHARS));
    }
    return;
  }
  const hasTimestamp = Object.hasOwn(entry, 'ts');
  const timestamp = hasTimestamp
    ? readTimestamp(entry.ts, message)
    : checkWindow(message.receivedAt.getTime(), message);
  const timestampRaw = hasTimestamp
    ? describeJsonValue(entry.ts, TIMESTAMP_RAW_MAX_CHARS)
    : undefined;

  for (const [metric, value] of Object.entries(entry.metrics)) {
    if (!collector.admit()) continue;
    const problem = problemWith(metric, value, timestamp);
    if (problem) {
      collector.reject(
        problem.reason,
        problem.detail,
        metric,
        readingRaw(timestampRaw, metric, value),
      );
    } else if (timestamp.ok) {
      collector.accept(metric, timestamp.epochMs, value as number);
    }
  }
}

/** The single-metric topic: a bare number, stamped with the time of receipt. */
function readBareNumber(
  text: string,
  metric: string,
  message: ReceivedTelemetry,
  collector: ReadingCollector,
) {
  const raw = text.slice(0, RAW_MAX_CHARS);
  // printf's "nan" and "inf" are what small devices send; they are not JSON, so catch them first.
  const json = NON_FINITE_SPELLING.test(text)
    ? { ok: true as const, value: text.trim() }
    : parseLenientJson(text);
  if (!json.ok) {
    collector.reject('malformed_json', `expected a bare number: ${json.error}`, metric, raw);
    return;
  }
  const timestamp = checkWindow(message.receivedAt.getTime(), message);
  const problem = problemWith(metric, json.value, timestamp);
  if (problem) collector.reject(problem.reason, problem.detail, metric, raw);
  else if (timestamp.ok) collector.accept(metric, timestamp.epochMs, json.value as number);
}

interface Problem {
  reason: RejectReason;
  detail: string;
}

/** One reason per reading, checked in this order: the name, then the value, then the time. */
function problemWith(
  metric: string,
  value: unknown,
  timestamp: TimestampResult,
): Problem | undefined {
  if (!METRIC_NAME_PATTERN.test(metric)) {
    return {
      reason: 'unknown_metric',
      detail: `"${toStorableText(metric, 100)}" is not snake_case ending in a unit (_kw, _kwh, _v, _a, _hz, _pct, _c, _kvar, _kva, _pf)`,
    };
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      return { reason: 'non_finite_value', detail: `${metric} is ${value}` };
    if (Math.abs(value) > MAX_ABSOLUTE_VALUE) {
      return {
        reason: 'value_out_of_range',
        detail: `${metric} is ${value}, beyond ±${MAX_ABSOLUTE_VALUE}`,
      };
    }
  } else if (typeof value === 'string' && NON_FINITE_SPELLING.test(value)) {
    return { reason: 'non_finite_value', detail: `${metric} is "${value.trim()}"` };
  } else {
    return { reason: 'wrong_type', detail: `${metric}: expected a number, got ${typeOf(value)}` };
  }
  if (!timestamp.ok) return { reason: timestamp.reason, detail: `${metric}: ${timestamp.detail}` };
  return undefined;
}

/** The reading as the device sent it, bounded, for the dead-letter table. */
function readingRaw(timestampRaw: string | undefined, metric: string, value: unknown): string {
  const metrics = `{${describeJsonValue(metric, 100)}:${describeJsonValue(value, RAW_MAX_CHARS)}}`;
  return timestampRaw === undefined
    ? `{"metrics":${metrics}}`
    : `{"ts":${timestampRaw},"metrics":${metrics}}`;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeUtf8(payload: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(payload);
  } catch {
    return undefined;
  }
}

function rawPrefix(payload: Uint8Array): string {
  // Four bytes per character at most: enough bytes for RAW_MAX_CHARS, never the whole payload.
  return lossyUtf8.decode(payload.subarray(0, RAW_MAX_CHARS * 4));
}
