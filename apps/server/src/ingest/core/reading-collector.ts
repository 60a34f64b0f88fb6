import {
  type RejectReason,
  type Rejection,
  DETAIL_MAX_CHARS,
  METRIC_MAX_CHARS,
  RAW_MAX_CHARS,
  toStorableText,
} from './rejections.js';

export interface Reading {
  deviceId: string;
  metric: string;
  ts: Date;
  value: number;
}

export interface ParsedTelemetry {
  readings: Reading[];
  rejections: Rejection[];
}

/**
 * Bounds the work one message may cause: readings and rejections together. The items past the
 * limit are kept out as one `too_many_readings` rejection, not one each, so that a single
 * message cannot fill the dead-letter table.
 */
export const MAX_READINGS_PER_MESSAGE = 10_000;

/** Gathers one message's outcome: the readings to store and the reasons for the rest. */
export class ReadingCollector {
  private readonly readingsByKey = new Map<string, Reading>();
  private readonly rejections: Rejection[] = [];
  private itemsSeen = 0;

  constructor(private readonly deviceId: string) {}

  /** Counts one reading (or malformed entry) and says whether it is within the limit. */
  admit(): boolean {
    this.itemsSeen++;
    return this.itemsSeen <= MAX_READINGS_PER_MESSAGE;
  }

  /**
   * A later reading for the same metric and instant replaces an earlier one, silently: it is the
   * device's latest word, and the store is idempotent on the same key anyway.
   */
  accept(metric: string, epochMs: number, value: number): void {
    const key = `${metric}@${epochMs}`;
    this.readingsByKey.set(key, { deviceId: this.deviceId, metric, ts: new Date(epochMs), value });
  }

  reject(reason: RejectReason, detail: string, metric?: string, raw?: string): void {
    const rejection: Rejection = {
      reason,
      detail: toStorableText(detail, DETAIL_MAX_CHARS),
      deviceId: this.deviceId,
    };
    if (metric !== undefined) rejection.metric = toStorableText(metric, METRIC_MAX_CHARS);
    if (raw !== undefined) rejection.raw = toStorableText(raw, RAW_MAX_CHARS);
    this.rejections.push(rejection);
  }

  result(): ParsedTelemetry {
    const rejections = [...this.rejections];
    const overLimit = this.itemsSeen - MAX_READINGS_PER_MESSAGE;
    if (overLimit > 0) {
      rejections.push({
        reason: 'too_many_readings',
        detail: `${overLimit} readings past the first ${MAX_READINGS_PER_MESSAGE} of this message were not stored`,
        deviceId: this.deviceId,
      });
    }
    return { readings: [...this.readingsByKey.values()], rejections };
  }
}
