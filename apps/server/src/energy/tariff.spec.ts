import { describe, expect, it } from 'vitest';
import { localDays } from './local-time.js';
import { type Tariff, tariffSchema } from '@ecogrid/contracts';
import { importPriceAt, tariffCost } from './tariff.js';

const BERLIN = 'Europe/Berlin';
const WEEKDAYS = [1, 2, 3, 4, 5];
const utc = (iso: string): number => new Date(iso).getTime();

function makeTariff(overrides: Partial<Tariff> = {}): Tariff {
  return tariffSchema.parse({
    currency: 'EUR',
    importPricePerKwh: 0.3,
    exportPricePerKwh: 0.08,
    periods: [{ name: 'peak', pricePerKwh: 0.4, days: WEEKDAYS, startHour: 17, endHour: 20 }],
    ...overrides,
  });
}

function issuesOf(input: unknown): { field: string; message: string }[] {
  const result = tariffSchema.safeParse(input);
  return (result.error?.issues ?? []).map((issue) => ({
    field: issue.path.join('.'),
    message: issue.message,
  }));
}

describe('tariff schema', () => {
  const base = { currency: 'EUR', importPricePerKwh: 0.3, exportPricePerKwh: 0.08 };

  it('accepts a tariff without periods and defaults them to none', () => {
    expect(tariffSchema.parse(base).periods).toEqual([]);
  });

  it('refuses overlapping periods and names the field and the overlap', () => {
    const issues = issuesOf({
      ...base,
      periods: [
        { name: 'peak', pricePerKwh: 0.4, days: WEEKDAYS, startHour: 17, endHour: 20 },
        { name: 'friday evening', pricePerKwh: 0.35, days: [5, 6], startHour: 19, endHour: 23 },
      ],
    });
    expect(issues).toEqual([
      { field: 'periods.1', message: 'overlaps period "peak" (periods.0) on Fri 19:00–20:00' },
    ]);
  });

  it('accepts periods that touch without overlapping', () => {
    const tariff = tariffSchema.parse({
      ...base,
      periods: [
        { name: 'shoulder', pricePerKwh: 0.35, days: WEEKDAYS, startHour: 7, endHour: 17 },
        { name: 'peak', pricePerKwh: 0.4, days: WEEKDAYS, startHour: 17, endHour: 20 },
        { name: 'weekend peak', pricePerKwh: 0.38, days: [6, 7], startHour: 17, endHour: 20 },
      ],
    });
    expect(tariff.periods).toHaveLength(3);
  });

  it('names each invalid field', () => {
    const issues = issuesOf({
      currency: 'euro',
      importPricePerKwh: 0.3,
      exportPricePerKwh: '0.08',
      periods: [
        { name: '', pricePerKwh: 0.4, days: [0, 1], startHour: 20, endHour: 25 },
        { name: 'late', pricePerKwh: 0.4, days: [1, 1], startHour: 21, endHour: 21 },
      ],
    });
    const fields = issues.map((issue) => issue.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'currency',
        'exportPricePerKwh',
        'periods.0.name',
        'periods.0.days.0',
        'periods.0.endHour',
        'periods.1.days',
      ]),
    );
  });

  it('refuses a period ending before it starts, naming endHour', () => {
    const issues = issuesOf({
      ...base,
      periods: [{ name: 'night', pricePerKwh: 0.2, days: [1], startHour: 22, endHour: 6 }],
    });
    expect(issues).toEqual([
      {
        field: 'periods.0.endHour',
        message: 'endHour must be after startHour; split a period over midnight in two',
      },
    ]);
  });

  it('refuses a currency that is not ISO 4217 and duplicate period names', () => {
    expect(issuesOf({ ...base, currency: 'XYZ' })).toEqual([
      { field: 'currency', message: 'an ISO 4217 currency' },
    ]);
    const duplicate = { name: 'peak', pricePerKwh: 0.4, days: [1], startHour: 17, endHour: 18 };
    expect(
      issuesOf({ ...base, periods: [duplicate, { ...duplicate, days: [2] }] }).map(
        (issue) => issue.field,
      ),
    ).toEqual(['periods.1.name']);
  });
});

describe('import price at an instant', () => {
  const tariff = makeTariff();

  it('prices 16:30 UTC on a winter weekday (17:30 in Berlin) at the peak price', () => {
    expect(importPriceAt(tariff, new Date('2026-01-14T16:30:00Z'), BERLIN)).toEqual({
      pricePerKwh: 0.4,
      periodName: 'peak',
    });
  });

  it('prices 16:30 UTC on a summer weekday (18:30 in Berlin) at the peak price', () => {
    expect(importPriceAt(tariff, utc('2026-07-15T16:30:00Z'), BERLIN).periodName).toBe('peak');
  });

  it('prices 15:30 UTC on a winter weekday (16:30 in Berlin) at the default price', () => {
    expect(importPriceAt(tariff, utc('2026-01-14T15:30:00Z'), BERLIN)).toEqual({
      pricePerKwh: 0.3,
      periodName: null,
    });
  });

  it('follows local time at the period edges and on the weekend', () => {
    // Summer: the peak is 15:00–18:00 UTC.
    expect(importPriceAt(tariff, utc('2026-07-15T15:00:00Z'), BERLIN).periodName).toBe('peak');
    expect(importPriceAt(tariff, utc('2026-07-15T14:59:59Z'), BERLIN).periodName).toBeNull();
    expect(importPriceAt(tariff, utc('2026-07-15T18:00:00Z'), BERLIN).periodName).toBeNull();
    // Saturday 17:30 in Berlin.
    expect(importPriceAt(tariff, utc('2026-01-17T16:30:00Z'), BERLIN).periodName).toBeNull();
  });
});

describe('tariff cost of metered intervals', () => {
  const tariff = makeTariff();

  it('splits an interval crossing a period boundary in proportion to time', () => {
    // 16:50–17:30 in Berlin: 10 minutes off-peak and 30 minutes peak.
    const cost = tariffCost(
      tariff,
      [
        {
          start: utc('2026-01-14T15:50:00Z'),
          end: utc('2026-01-14T16:30:00Z'),
          importKwh: 4,
          exportKwh: 0,
        },
      ],
      BERLIN,
    );
    expect(cost.byPeriod).toEqual([
      { periodName: 'peak', importKwh: expect.closeTo(3, 12), importCost: expect.closeTo(1.2, 12) },
      { periodName: null, importKwh: expect.closeTo(1, 12), importCost: expect.closeTo(0.3, 12) },
    ]);
    expect(cost.importKwh).toBeCloseTo(4, 12);
    expect(cost.importCost).toBeCloseTo(1.5, 12);
  });

  it('charges import by period and credits export at the flat price', () => {
    const cost = tariffCost(
      tariff,
      [
        // 16:30–17:30 in Berlin, half off-peak and half peak.
        {
          start: new Date('2026-01-14T15:30:00Z'),
          end: new Date('2026-01-14T16:30:00Z'),
          importKwh: 2,
          exportKwh: 0,
        },
        // Summer noon: export only.
        {
          start: utc('2026-07-15T10:00:00Z'),
          end: utc('2026-07-15T11:00:00Z'),
          importKwh: 0,
          exportKwh: 5,
        },
      ],
      BERLIN,
    );
    expect(cost.currency).toBe('EUR');
    expect(cost.importCost).toBeCloseTo(0.7, 12);
    expect(cost.exportKwh).toBe(5);
    expect(cost.exportRevenue).toBeCloseTo(0.4, 12);
    expect(cost.netCost).toBeCloseTo(0.3, 12);
  });

  describe('on DST days', () => {
    const nightTariff = makeTariff({
      periods: [
        { name: 'night', pricePerKwh: 0.1, days: [1, 2, 3, 4, 5, 6, 7], startHour: 2, endHour: 3 },
      ],
    });
    const wholeDay = (iso: string, kwhPerHour: number) => {
      const [day] = localDays({ start: utc(iso), end: utc(iso) + 1 }, BERLIN);
      const hours = (day!.end - day!.start) / 3_600_000;
      return { ...day!, importKwh: kwhPerHour * hours, exportKwh: 0 };
    };

    it('gives a 02:00–03:00 period no energy on the spring-forward day', () => {
      const cost = tariffCost(nightTariff, [wholeDay('2026-03-29T12:00:00Z', 1)], BERLIN);
      expect(cost.importKwh).toBeCloseTo(23, 9);
      expect(cost.byPeriod[0]).toEqual({ periodName: 'night', importKwh: 0, importCost: 0 });
      expect(cost.byPeriod[1]!.importKwh).toBeCloseTo(23, 9);
    });

    it('charges both 02:00 hours of the fall-back day at the period price', () => {
      const cost = tariffCost(nightTariff, [wholeDay('2026-10-25T12:00:00Z', 1)], BERLIN);
      expect(cost.importKwh).toBeCloseTo(25, 9);
      expect(cost.byPeriod[0]!.importKwh).toBeCloseTo(2, 9);
      expect(cost.importCost).toBeCloseTo(2 * 0.1 + 23 * 0.3, 9);
    });
  });

  it('prices an instantaneous amount at the price of its instant and refuses negative energy', () => {
    const instant = utc('2026-01-14T16:30:00Z');
    expect(
      tariffCost(tariff, [{ start: instant, end: instant, importKwh: 1, exportKwh: 0 }], BERLIN)
        .importCost,
    ).toBeCloseTo(0.4, 12);
    expect(() =>
      tariffCost(
        tariff,
        [{ start: instant, end: instant + 1, importKwh: -1, exportKwh: 0 }],
        BERLIN,
      ),
    ).toThrow(RangeError);
  });
});
