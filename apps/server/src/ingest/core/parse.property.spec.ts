import { randomUUID } from 'node:crypto';
import { METRIC_NAME_PATTERN } from '@ecogrid/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ParsedTelemetry, type ReceivedTelemetry, parseTelemetry } from './parse.js';
import { REJECT_REASONS, type RejectReason } from './rejections.js';

/*
 * The expectations here are computed from how each part was generated (valid, or invalid for a
 * known reason), never by re-running the parser's own checks.
 */

const now = new Date('2026-03-29T12:00:00.000Z');
const receivedAt = new Date(now.getTime() - 1_000);
const minute = 60_000;
const day = 86_400_000;
const retentionDays = 30;
const oldestKept = now.getTime() - retentionDays * day;
const newestKept = now.getTime() + 5 * minute;
const deviceId = randomUUID();

function message(payload: Uint8Array | string, metric?: string): ReceivedTelemetry {
  return {
    siteId: randomUUID(),
    deviceId,
    ...(metric === undefined ? {} : { metric }),
    payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
    receivedAt,
    now,
    retentionDays,
  };
}

/** What must hold for any input at all. */
function expectWellFormed(result: ParsedTelemetry) {
  for (const reading of result.readings) {
    expect(reading.deviceId).toBe(deviceId);
    expect(reading.metric).toMatch(METRIC_NAME_PATTERN);
    expect(Number.isFinite(reading.value) && Math.abs(reading.value) <= 1e15).toBe(true);
    expect(reading.ts.getTime()).toBeGreaterThanOrEqual(oldestKept);
    expect(reading.ts.getTime()).toBeLessThanOrEqual(newestKept);
  }
  for (const rejection of result.rejections) {
    expect(REJECT_REASONS).toContain(rejection.reason);
    expect(rejection.deviceId).toBe(deviceId);
  }
}

const isNonFiniteSpelling = (text: string) =>
  ['nan', 'inf', 'infinity'].includes(text.trim().toLowerCase().replace(/^[+-]/, ''));

// ---- generated parts, each labelled with what the parser must make of it -------------------

type Verdict = { valid: true } | { valid: false; reason: RejectReason };
const valid: Verdict = { valid: true };
const invalid = (reason: RejectReason): Verdict => ({ valid: false, reason });

interface Part {
  json: string;
  verdict: Verdict;
}
interface Timestamp extends Part {
  epochMs: number;
}

const validName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('power_kw', 'energy_kwh', 'soc_pct', 'voltage_v') },
  { weight: 1, arbitrary: fc.stringMatching(METRIC_NAME_PATTERN) },
);
const invalidName = fc.oneof(
  fc.constantFrom('power', 'Power_kw', 'power_KW', '_kw', 'power-kw', '9power_kw', 'NaN', ''),
  fc.string({ maxLength: 20 }).filter((name) => !METRIC_NAME_PATTERN.test(name)),
);
const name = fc.oneof(
  { weight: 5, arbitrary: validName.map((text) => ({ text, verdict: valid })) },
  {
    weight: 1,
    arbitrary: invalidName.map((text) => ({ text, verdict: invalid('unknown_metric') })),
  },
);

const validValue = fc
  .oneof(fc.double({ min: -1e15, max: 1e15, noNaN: true }), fc.integer())
  .map((value): Part => ({ json: JSON.stringify(value), verdict: valid }));
const nonFiniteValue = fc
  .constantFrom(
    'NaN',
    'Infinity',
    '-Infinity',
    '1e400',
    '-1e999',
    '"NaN"',
    '" -inf "',
    '"Infinity"',
  )
  .map((json): Part => ({ json, verdict: invalid('non_finite_value') }));
const outOfRangeValue = fc
  .tuple(fc.double({ min: 1.000001e15, max: 1e308, noNaN: true }), fc.boolean())
  .map(([size, negative]): Part => ({
    json: JSON.stringify(negative ? -size : size),
    verdict: invalid('value_out_of_range'),
  }));
const wrongTypeValue = fc
  .oneof(
    fc.boolean(),
    fc.constant(null),
    fc.string({ maxLength: 10 }).filter((text) => !isNonFiniteSpelling(text)),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
  )
  .map((value): Part => ({ json: JSON.stringify(value), verdict: invalid('wrong_type') }));
const value = fc.oneof(
  { weight: 6, arbitrary: validValue },
  { weight: 1, arbitrary: nonFiniteValue },
  { weight: 1, arbitrary: outOfRangeValue },
  { weight: 1, arbitrary: wrongTypeValue },
);

/** The same instant as epoch ms, as UTC, or in a local time with its offset. */
function spellings(epochMs: number): fc.Arbitrary<string> {
  const withOffset = fc.integer({ min: -12 * 4, max: 14 * 4 }).map((quarters) => {
    const offsetMinutes = quarters * 15;
    const local = new Date(epochMs + offsetMinutes * minute).toISOString().slice(0, 23);
    const sign = offsetMinutes < 0 ? '-' : '+';
    const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
    const minutes = String(Math.abs(offsetMinutes) % 60).padStart(2, '0');
    return JSON.stringify(`${local}${sign}${hours}:${minutes}`);
  });
  return fc.oneof(
    fc.constant(String(epochMs)),
    fc.constant(JSON.stringify(new Date(epochMs).toISOString())),
    withOffset,
  );
}

function instantIn(min: number, max: number, verdict: Verdict): fc.Arbitrary<Timestamp> {
  return fc
    .integer({ min, max })
    .chain((epochMs) => spellings(epochMs).map((json) => ({ json, epochMs, verdict })));
}

/** A few shared instants make duplicate (metric, ts) pairs across entries likely. */
const sharedInstants = [now.getTime() - minute, now.getTime() - day, now.getTime() + minute];
const timestamp: fc.Arbitrary<Timestamp | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(...sharedInstants)
      .chain((epochMs) => spellings(epochMs).map((json) => ({ json, epochMs, verdict: valid }))),
  },
  { weight: 3, arbitrary: instantIn(oldestKept, newestKept, valid) },
  {
    weight: 1,
    arbitrary: instantIn(newestKept + 1, now.getTime() + 365 * day, invalid('timestamp_in_future')),
  },
  { weight: 1, arbitrary: instantIn(0, oldestKept - 1, invalid('timestamp_too_old')) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        '"yesterday"',
        '"2026-02-30T00:00:00Z"',
        '"2026-03-29T12:00:00"',
        'true',
        'null',
        '-5',
        '{}',
        '[]',
        '""',
      )
      .map((json) => ({ json, epochMs: Number.NaN, verdict: invalid('bad_timestamp') })),
  },
);

const wellShapedEntry = fc.record({
  timestamp,
  metrics: fc.uniqueArray(fc.record({ name, value }), {
    maxLength: 8,
    selector: (metric) => metric.name.text,
  }),
});
type WellShapedEntry = typeof wellShapedEntry extends fc.Arbitrary<infer Entry> ? Entry : never;

const badlyShapedEntry = fc.constantFrom(
  '5',
  '"x"',
  'null',
  '[]',
  '{}',
  '{"metrics":5}',
  '{"metrics":[]}',
  '{"ts":1}',
);
const entry = fc.oneof(
  { weight: 6, arbitrary: wellShapedEntry },
  { weight: 1, arbitrary: badlyShapedEntry },
);

function entryJson(generated: WellShapedEntry | string): string {
  if (typeof generated === 'string') return generated;
  const metrics = generated.metrics
    .map((metric) => `${JSON.stringify(metric.name.text)}:${metric.value.json}`)
    .join(',');
  const ts = generated.timestamp ? `"ts":${generated.timestamp.json},` : '';
  return `{${ts}"metrics":{${metrics}}}`;
}

interface Expected {
  readings: string[];
  rejections: string[];
}

/** The last valid reading per (metric, instant) is kept; every invalid one is rejected once. */
function expectedOutcome(entries: Array<WellShapedEntry | string>): Expected {
  const readings = new Map<string, string>();
  const rejections: string[] = [];
  for (const generated of entries) {
    if (typeof generated === 'string') {
      rejections.push('-|bad_shape');
      continue;
    }
    const ts = generated.timestamp ?? { epochMs: receivedAt.getTime(), verdict: valid };
    for (const metric of generated.metrics) {
      const verdict = [metric.name.verdict, metric.value.verdict, ts.verdict].find(
        (candidate) => !candidate.valid,
      );
      if (verdict && !verdict.valid) {
        rejections.push(`${metric.name.text}|${verdict.reason}`);
      } else {
        const key = `${metric.name.text}|${ts.epochMs}`;
        readings.set(key, `${key}|${Number(metric.value.json)}`);
      }
    }
  }
  return { readings: [...readings.values()].sort(), rejections: rejections.sort() };
}

function actualOutcome(result: ParsedTelemetry): Expected {
  return {
    readings: result.readings
      .map((reading) => `${reading.metric}|${reading.ts.getTime()}|${reading.value}`)
      .sort(),
    rejections: result.rejections
      .map((rejection) => `${rejection.metric ?? '-'}|${rejection.reason}`)
      .sort(),
  };
}

describe('parseTelemetry properties', () => {
  it('never throws on arbitrary bytes, on either topic', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2_000 }),
        fc.option(validName, { nil: undefined }),
        (bytes, metric) => {
          expectWellFormed(parseTelemetry(message(bytes, metric)));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('never throws on arbitrary JSON, whole or cut short', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), fc.boolean(), (json, cutAt, cut) => {
        const text = JSON.stringify(json);
        const payload = cut ? text.slice(0, cutAt % (text.length + 1)) : text;
        expectWellFormed(parseTelemetry(message(payload)));
        const asMetrics = JSON.stringify([
          { metrics: json },
          { ts: json, metrics: { power_kw: 1 } },
        ]);
        expectWellFormed(parseTelemetry(message(asMetrics)));
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps every valid reading exactly once and rejects every invalid one with its reason', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 12 }), fc.boolean(), (entries, asSingleObject) => {
        // A lone "[]" entry sent unwrapped would be an empty batch, not a badly shaped entry.
        const single = asSingleObject && entries.length === 1 && entries[0] !== '[]';
        const body = single ? entryJson(entries[0]!) : `[${entries.map(entryJson).join(',')}]`;
        const result = parseTelemetry(message(body));
        expectWellFormed(result);
        expect(actualOutcome(result)).toEqual(expectedOutcome(entries));
      }),
      { numRuns: 2_000 },
    );
  });

  it('reads any number on the single-metric topic, or says why not', () => {
    fc.assert(
      fc.property(fc.double(), (number) => {
        const result = parseTelemetry(message(String(number), 'power_kw'));
        expectWellFormed(result);
        if (!Number.isFinite(number)) {
          expect(result.rejections.map((rejection) => rejection.reason)).toEqual([
            'non_finite_value',
          ]);
        } else if (Math.abs(number) > 1e15) {
          expect(result.rejections.map((rejection) => rejection.reason)).toEqual([
            'value_out_of_range',
          ]);
        } else {
          expect(result.readings.map((reading) => reading.value)).toEqual([
            number === 0 ? 0 : number,
          ]);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
