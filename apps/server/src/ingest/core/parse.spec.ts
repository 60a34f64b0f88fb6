import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_READINGS_PER_MESSAGE, type ReceivedTelemetry, parseTelemetry } from './parse.js';
import { RAW_MAX_CHARS } from './rejections.js';

const now = new Date('2026-03-29T12:00:00.000Z');
const minute = 60_000;
const day = 86_400_000;

function makeMessage(body: unknown, overrides: Partial<ReceivedTelemetry> = {}): ReceivedTelemetry {
  const payload =
    body instanceof Uint8Array
      ? body
      : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return {
    siteId: randomUUID(),
    deviceId: randomUUID(),
    payload,
    receivedAt: new Date(now.getTime() - 1_000),
    now,
    retentionDays: 30,
    ...overrides,
  };
}

function parse(body: unknown, overrides: Partial<ReceivedTelemetry> = {}) {
  return parseTelemetry(makeMessage(body, overrides));
}

function valuesByMetric(result: ReturnType<typeof parse>) {
  return Object.fromEntries(result.readings.map((reading) => [reading.metric, reading.value]));
}

function reasons(result: ReturnType<typeof parse>) {
  return result.rejections.map((rejection) => [rejection.metric, rejection.reason]);
}

describe('parseTelemetry: accepted readings', () => {
  it('reads one message with an ISO-8601 timestamp and converts it to UTC', () => {
    const message = makeMessage({
      ts: '2026-03-29T12:30:00+02:00',
      metrics: { power_kw: 3.2, soc_pct: 55 },
    });
    expect(parseTelemetry(message)).toEqual({
      readings: [
        {
          deviceId: message.deviceId,
          metric: 'power_kw',
          ts: new Date('2026-03-29T10:30:00Z'),
          value: 3.2,
        },
        {
          deviceId: message.deviceId,
          metric: 'soc_pct',
          ts: new Date('2026-03-29T10:30:00Z'),
          value: 55,
        },
      ],
      rejections: [],
    });
  });

  it('reads an array with epoch milliseconds, and stamps a message without ts with its receipt', () => {
    const result = parse([
      { ts: now.getTime() - 10 * minute, metrics: { energy_kwh: 1203.5 } },
      { metrics: { voltage_v: 231.2 } },
    ]);
    expect(result.rejections).toEqual([]);
    expect(result.readings.map((reading) => [reading.metric, reading.ts.getTime()])).toEqual([
      ['energy_kwh', now.getTime() - 10 * minute],
      ['voltage_v', now.getTime() - 1_000],
    ]);
  });

  it.each([
    ['2026-03-29T11:00:00.1235Z', '2026-03-29T11:00:00.124Z'],
    ['2026-03-29T11:00:00.12349999Z', '2026-03-29T11:00:00.123Z'],
    ['2026-03-29T11:00:00.9999Z', '2026-03-29T11:00:01.000Z'],
    ['2026-03-29T13:00+0200', '2026-03-29T11:00:00.000Z'],
    ['2026-03-29T13:00:00+02', '2026-03-29T11:00:00.000Z'],
    ['2026-03-29t05:30:00-05:30', '2026-03-29T11:00:00.000Z'],
    ['2026-03-29T11:00:00z', '2026-03-29T11:00:00.000Z'],
  ])('rounds and normalises the timestamp %s to %s', (ts, expected) => {
    const result = parse({ ts, metrics: { power_kw: 1 } });
    expect(result.readings[0]?.ts.toISOString()).toBe(expected);
  });

  it('rounds fractional epoch milliseconds', () => {
    const result = parse({ ts: now.getTime() - 1000.5, metrics: { power_kw: 1 } });
    expect(result.readings[0]?.ts.getTime()).toBe(now.getTime() - 1000);
  });

  it('keeps the last of duplicate (metric, ts) readings, however the instant is spelt, and counts nothing', () => {
    const instant = new Date(now.getTime() - 5 * minute);
    const result = parse([
      { ts: instant.getTime(), metrics: { power_kw: 1, soc_pct: 40 } },
      { ts: instant.toISOString(), metrics: { power_kw: 2 } },
      { ts: '2026-03-29T13:55:00+02:00', metrics: { power_kw: 3 } },
    ]);
    expect(result.rejections).toEqual([]);
    expect(result.readings).toHaveLength(2);
    expect(valuesByMetric(result)).toEqual({ power_kw: 3, soc_pct: 40 });
  });

  it('accepts a timestamp exactly at the edges of the window', () => {
    const result = parse([
      { ts: now.getTime() + 5 * minute, metrics: { power_kw: 1 } },
      { ts: now.getTime() - 30 * day, metrics: { power_kw: 2 } },
    ]);
    expect(result.rejections).toEqual([]);
    expect(result.readings).toHaveLength(2);
  });

  it('accepts an empty array and empty metrics as nothing to store', () => {
    expect(parse([])).toEqual({ readings: [], rejections: [] });
    expect(parse({ metrics: {} })).toEqual({ readings: [], rejections: [] });
  });
});

describe('parseTelemetry: rejections keep the valid readings beside them', () => {
  it('rejects a metric name without a unit suffix as unknown_metric', () => {
    const result = parse({ metrics: { power: 3, Power_kw: 1, power_kw: 2 } });
    expect(valuesByMetric(result)).toEqual({ power_kw: 2 });
    expect(reasons(result)).toEqual([
      ['power', 'unknown_metric'],
      ['Power_kw', 'unknown_metric'],
    ]);
  });

  it('rejects NaN and infinities, spelt as strings, as Python tokens, or overflowing, as non_finite_value', () => {
    const body =
      '{"metrics": {"power_kw": NaN, "voltage_v": -Infinity, "current_a": Infinity,' +
      ' "energy_kwh": 1e400, "frequency_hz": "NaN", "temperature_c": " -inf ", "soc_pct": 50}}';
    const result = parse(body);
    expect(valuesByMetric(result)).toEqual({ soc_pct: 50 });
    expect(result.rejections.map((rejection) => rejection.reason)).toEqual(
      Array(6).fill('non_finite_value'),
    );
  });

  it('does not mistake NaN inside a string for a token', () => {
    const result = parse('{"metrics": {"NaN_kw": "x NaN y", "power_kw": 1}}');
    expect(valuesByMetric(result)).toEqual({ power_kw: 1 });
    expect(reasons(result)).toEqual([['NaN_kw', 'unknown_metric']]);
  });

  it('rejects values beyond ±1e15 (such as float-max sentinels) as value_out_of_range', () => {
    const result = parse({ metrics: { power_kw: 3.4e38, energy_kwh: -1e16, soc_pct: 1e15 } });
    expect(valuesByMetric(result)).toEqual({ soc_pct: 1e15 });
    expect(reasons(result)).toEqual([
      ['power_kw', 'value_out_of_range'],
      ['energy_kwh', 'value_out_of_range'],
    ]);
  });

  it('rejects strings, booleans, null, objects and arrays as wrong_type', () => {
    const result = parse({
      metrics: {
        power_kw: '3.2',
        soc_pct: true,
        voltage_v: null,
        current_a: {},
        energy_kwh: [1],
        frequency_hz: 50,
      },
    });
    expect(valuesByMetric(result)).toEqual({ frequency_hz: 50 });
    expect(result.rejections.map((rejection) => rejection.reason)).toEqual(
      Array(5).fill('wrong_type'),
    );
  });

  it('rejects readings more than 5 minutes ahead as timestamp_in_future', () => {
    const result = parse([
      { ts: now.getTime() + 6 * minute, metrics: { power_kw: 1, soc_pct: 2 } },
      { ts: now.getTime(), metrics: { power_kw: 3 } },
    ]);
    expect(valuesByMetric(result)).toEqual({ power_kw: 3 });
    expect(reasons(result)).toEqual([
      ['power_kw', 'timestamp_in_future'],
      ['soc_pct', 'timestamp_in_future'],
    ]);
  });

  it('rejects readings older than the retention as timestamp_too_old, hinting at epoch seconds', () => {
    const result = parse([
      { ts: now.getTime() - 31 * day, metrics: { power_kw: 1 } },
      { ts: Math.floor(now.getTime() / 1000), metrics: { soc_pct: 2 } },
      { metrics: { voltage_v: 230 } },
    ]);
    expect(valuesByMetric(result)).toEqual({ voltage_v: 230 });
    expect(reasons(result)).toEqual([
      ['power_kw', 'timestamp_too_old'],
      ['soc_pct', 'timestamp_too_old'],
    ]);
    expect(result.rejections[1]?.detail).toMatch(/epoch seconds/);
  });

  it.each([
    ['a word', 'yesterday'],
    ['a date that does not exist', '2026-02-30T00:00:00Z'],
    ['a local time without offset', '2026-03-29T12:00:00'],
    ['a date without time', '2026-03-29'],
    ['a leap second', '2026-03-29T11:59:60Z'],
    ['an offset beyond 23 hours', '2026-03-29T11:59:00+24:00'],
    ['a negative epoch', -1],
    ['an epoch beyond the Date range', 8.7e15],
    ['a boolean', true],
    ['null', null],
    ['an object', { seconds: 1 }],
  ])('rejects %s as bad_timestamp', (_case, ts) => {
    const result = parse([{ ts, metrics: { power_kw: 1 } }, { metrics: { power_kw: 2 } }]);
    expect(valuesByMetric(result)).toEqual({ power_kw: 2 });
    expect(reasons(result)).toEqual([['power_kw', 'bad_timestamp']]);
  });

  it('rejects entries that are not {ts?, metrics} as bad_shape', () => {
    const result = parse([
      5,
      'text',
      null,
      [],
      { ts: now.getTime() },
      { metrics: [1, 2] },
      { metrics: null },
      { metrics: { power_kw: 1 } },
    ]);
    expect(valuesByMetric(result)).toEqual({ power_kw: 1 });
    expect(result.rejections.map((rejection) => rejection.reason)).toEqual(
      Array(7).fill('bad_shape'),
    );
    expect(parse('"just a string"').rejections.map((rejection) => rejection.reason)).toEqual([
      'bad_shape',
    ]);
  });

  it('names one reason per reading: the name first, then the value, then the time', () => {
    const result = parse({ ts: 'never', metrics: { power: 'x', soc_pct: 'x', power_kw: 1 } });
    expect(reasons(result)).toEqual([
      ['power', 'unknown_metric'],
      ['soc_pct', 'wrong_type'],
      ['power_kw', 'bad_timestamp'],
    ]);
  });

  it('rejects the whole message as malformed_json when it is not JSON or not UTF-8', () => {
    const truncated = parse('{"metrics": {"power_kw": 1');
    expect(truncated.readings).toEqual([]);
    expect(truncated.rejections).toEqual([
      expect.objectContaining({ reason: 'malformed_json', raw: '{"metrics": {"power_kw": 1' }),
    ]);
    const binary = parse(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect(binary.rejections.map((rejection) => rejection.reason)).toEqual(['malformed_json']);
    expect(parse('').rejections.map((rejection) => rejection.reason)).toEqual(['malformed_json']);
  });

  it('rejects a payload over the limit as payload_too_large without reading it', () => {
    const body = JSON.stringify({ metrics: { power_kw: 1, padding_kw: 'x'.repeat(5000) } });
    const result = parse(body, { maxPayloadBytes: 1024 });
    expect(result.readings).toEqual([]);
    expect(result.rejections).toEqual([
      expect.objectContaining({
        reason: 'payload_too_large',
        detail: `${body.length} bytes, limit 1024`,
      }),
    ]);
    expect(result.rejections[0]!.raw!.length).toBeLessThanOrEqual(RAW_MAX_CHARS + 1);
  });

  it('keeps the first 10,000 readings of a message and rejects the rest as one too_many_readings', () => {
    const count = MAX_READINGS_PER_MESSAGE + 3;
    const metrics = Object.fromEntries(
      Array.from({ length: count }, (_, index) => [`power${index}_kw`, index]),
    );
    const result = parse({ metrics });
    expect(result.readings).toHaveLength(MAX_READINGS_PER_MESSAGE);
    expect(result.readings.at(-1)).toMatchObject({ metric: 'power9999_kw', value: 9999 });
    expect(result.rejections).toEqual([
      expect.objectContaining({
        reason: 'too_many_readings',
        detail: expect.stringMatching(/^3 readings/),
      }),
    ]);
  });
});

describe('parseTelemetry: the single-metric topic', () => {
  function parseBare(body: string | Uint8Array, metric = 'power_kw') {
    return parse(body, { metric });
  }

  it('reads a bare number stamped with the time of receipt', () => {
    const message = makeMessage(' 3.25\n', { metric: 'power_kw' });
    expect(parseTelemetry(message)).toEqual({
      readings: [
        { deviceId: message.deviceId, metric: 'power_kw', ts: message.receivedAt, value: 3.25 },
      ],
      rejections: [],
    });
  });

  it.each([
    ['nan', 'non_finite_value'],
    ['NaN', 'non_finite_value'],
    ['-inf', 'non_finite_value'],
    ['-Infinity', 'non_finite_value'],
    ['1e400', 'non_finite_value'],
    ['3.4e38', 'value_out_of_range'],
    ['true', 'wrong_type'],
    ['"3.2"', 'wrong_type'],
    ['{"value": 3}', 'wrong_type'],
    ['abc', 'malformed_json'],
    ['3,2', 'malformed_json'],
    ['', 'malformed_json'],
  ])('rejects the body %j as %s', (body, reason) => {
    const result = parseBare(body);
    expect(result.readings).toEqual([]);
    expect(result.rejections).toEqual([
      expect.objectContaining({ reason, metric: 'power_kw', raw: body }),
    ]);
  });

  it('rejects a topic metric without a unit as unknown_metric', () => {
    expect(parseBare('3', 'power').rejections).toEqual([
      expect.objectContaining({ reason: 'unknown_metric', metric: 'power' }),
    ]);
  });

  it('rejects a reading received before the retention window as timestamp_too_old', () => {
    const result = parse('3', {
      metric: 'power_kw',
      receivedAt: new Date(now.getTime() - 40 * day),
    });
    expect(result.rejections.map((rejection) => rejection.reason)).toEqual(['timestamp_too_old']);
  });
});

describe('parseTelemetry: what it keeps for the dead-letter table', () => {
  it('names the device, the metric and the reading as sent', () => {
    const message = makeMessage({ ts: 'soon', metrics: { power_kw: 1 } });
    expect(parseTelemetry(message).rejections).toEqual([
      {
        reason: 'bad_timestamp',
        detail: expect.stringContaining('power_kw'),
        deviceId: message.deviceId,
        metric: 'power_kw',
        raw: '{"ts":"soon","metrics":{"power_kw":1}}',
      },
    ]);
  });

  it('keeps stored text free of NUL and within bounds', () => {
    const longName = `bad\u0000${'x'.repeat(10_000)}`;
    const result = parse({ ts: 'y'.repeat(100_000), metrics: { [longName]: 'z'.repeat(100_000) } });
    const [rejection] = result.rejections;
    expect(rejection?.reason).toBe('unknown_metric');
    for (const text of [rejection!.detail, rejection!.metric!, rejection!.raw!]) {
      expect(text).not.toContain('\u0000');
      expect(text.length).toBeLessThanOrEqual(RAW_MAX_CHARS + 1);
    }
  });

  it('survives values nested too deep to encode again', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const result = parse(`{"metrics": {"power_kw": ${deep}, "soc_pct": 1}}`);
    expect(valuesByMetric(result)).toEqual({ soc_pct: 1 });
    expect(result.rejections).toEqual([
      expect.objectContaining({
        reason: 'wrong_type',
        raw: expect.stringContaining('nested too deep'),
      }),
    ]);
  });

  it('ignores unknown keys beside ts and metrics, as the contract schema does', () => {
    const result = parse({ ts: now.getTime(), metrics: { power_kw: 1 }, firmware: '1.2.3' });
    expect(result).toMatchObject({ readings: [{ metric: 'power_kw' }], rejections: [] });
  });
});
