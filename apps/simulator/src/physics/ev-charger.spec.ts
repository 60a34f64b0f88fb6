import { describe, expect, it } from 'vitest';
import {
  arrivalRatePerHour,
  chargeSession,
  type EvChargerSpec,
  type EvSession,
  homeWallbox,
  phaseCurrentA,
  stepEvCharger,
} from './ev-charger.js';
import { createSeededRandom, uniformBetween } from './random.js';

function makeCharger(overrides: Partial<EvChargerSpec> = {}): EvChargerSpec {
  return { ...homeWallbox, ...overrides };
}

function makeSession(overrides: Partial<EvSession> = {}): EvSession {
  return {
    vehicleCapacityKwh: 60,
    vehicleMaxKw: 11,
    socPct: 30,
    targetSocPct: 80,
    departureAtMs: Date.parse('2025-06-22T07:00:00Z'),
    ...overrides,
  };
}

const ONE_HOUR = 3_600;
const EVENING = Date.parse('2025-06-21T18:00:00Z');

describe('chargeSession', () => {
  it('charges at the lower of the charger and car limits', () => {
    const charger = makeCharger({ maxPowerKw: 11 });

    expect(chargeSession(charger, makeSession({ vehicleMaxKw: 22 }), EVENING, 60).powerKw).toBe(11);
    expect(chargeSession(charger, makeSession({ vehicleMaxKw: 7.4 }), EVENING, 60).powerKw).toBe(
      7.4,
    );
  });

  it('raises the state of charge by the stored share of the AC energy', () => {
    const charger = makeCharger({ maxPowerKw: 10, chargingEfficiency: 0.9 });
    const { session } = chargeSession(
      charger,
      makeSession({ vehicleMaxKw: 11 }),
      EVENING,
      ONE_HOUR,
    );

    // 10 kWh AC × 0.9 = 9 kWh into a 60 kWh battery = 15 %.
    expect(session.socPct).toBeCloseTo(45, 9);
  });

  it('stops when the car is full: only what still fits, then nothing', () => {
    const charger = makeCharger({ maxPowerKw: 11, chargingEfficiency: 0.9 });
    const nearlyFull = makeSession({ vehicleCapacityKwh: 50, socPct: 79, targetSocPct: 80 });

    const last = chargeSession(charger, nearlyFull, EVENING, ONE_HOUR);
    // 1 % of 50 kWh = 0.5 kWh stored needs 0.5 / 0.9 kWh from the grid within the hour.
    expect(last.powerKw).toBeCloseTo(0.5 / 0.9, 9);
    expect(last.session.socPct).toBe(80);

    const after = chargeSession(charger, last.session, EVENING + 3_600_000, ONE_HOUR);
    expect(after.powerKw).toBe(0);
    expect(after.session.socPct).toBe(80);
  });

  it('charges only for the part of the step the car is still there', () => {
    const charger = makeCharger({ maxPowerKw: 10 });
    const leavingAtHalfPast = makeSession({ departureAtMs: EVENING + 30 * 60_000 });

    // The step 18:00–19:00: plugged in for half of it, so half the power on average.
    const { powerKw } = chargeSession(charger, leavingAtHalfPast, EVENING + 3_600_000, ONE_HOUR);
    expect(powerKw).toBeCloseTo(5, 9);
  });
});

describe('stepEvCharger', () => {
  it('never exceeds its limit, never draws negative power, and stops when the car is full', () => {
    const random = createSeededRandom(77);
    const charger = makeCharger({ maxPowerKw: 7.4, sessionsPerDay: 1 });
    let session: EvSession | null = null;
    let atMs = Date.parse('2025-01-01T00:00:00Z');
    const violations: string[] = [];
    let charging = 0;
    let fullSteps = 0;

    // Two simulated months with irregular steps, from a second to an hour.
    while (atMs < Date.parse('2025-03-01T00:00:00Z')) {
      const dtSeconds = uniformBetween(random, 1, ONE_HOUR);
      atMs += dtSeconds * 1_000;
      const hour = new Date(atMs).getUTCHours() + new Date(atMs).getUTCMinutes() / 60;
      const before = session;
      const step = stepEvCharger(charger, session, atMs, hour, dtSeconds, random);
      const where = `at ${new Date(atMs).toISOString()}`;

      if (step.powerKw < 0) violations.push(`${where}: negative power ${step.powerKw}`);
      if (step.powerKw > charger.maxPowerKw + 1e-9) violations.push(`${where}: over the limit`);
      if (before && step.powerKw > before.vehicleMaxKw + 1e-9)
        violations.push(`${where}: over the car`);
      if (!before && step.powerKw !== 0) violations.push(`${where}: power without a car`);
      if (before && before.socPct >= before.targetSocPct) {
        fullSteps += 1;
        if (step.powerKw !== 0) violations.push(`${where}: charging a full car`);
      }
      if (step.session && step.session.socPct > step.session.targetSocPct + 1e-9) {
        violations.push(`${where}: charged past the target`);
      }
      if (step.powerKw > 0) charging += 1;
      session = step.session;
    }

    expect(violations).toEqual([]);
    expect(charging).toBeGreaterThan(100);
    expect(fullSteps).toBeGreaterThan(100);
  });

  it('sees cars arrive in the evening', () => {
    const random = createSeededRandom(5);
    const charger = makeCharger();
    const arrivals: number[] = [];
    const stepSeconds = 300;
    let session: EvSession | null = null;
    const startMs = Date.parse('2025-01-01T00:00:00Z');

    for (let index = 1; index <= (400 * 86_400) / stepSeconds; index += 1) {
      const atMs = startMs + index * stepSeconds * 1_000;
      const hour = ((index * stepSeconds) % 86_400) / 3_600;
      const step = stepEvCharger(charger, session, atMs, hour, stepSeconds, random);
      if (!session && step.session) arrivals.push(hour);
      session = step.session;
    }

    const evening = arrivals.filter((hour) => hour >= 15 && hour <= 21);
    expect(arrivals.length).toBeGreaterThan(200);
    expect(evening.length / arrivals.length).toBeGreaterThan(0.9);
  });

  it('spreads the expected sessions per day over the arrival bell', () => {
    const charger = makeCharger({ sessionsPerDay: 0.8 });
    let perDay = 0;
    for (let minute = 0; minute < 1_440; minute += 1)
      perDay += arrivalRatePerHour(charger, minute / 60) / 60;

    expect(perDay).toBeCloseTo(0.8, 3);
    expect(arrivalRatePerHour(charger, 18)).toBeGreaterThan(arrivalRatePerHour(charger, 12) * 100);
  });

  it('rejects a step that is not a positive duration', () => {
    expect(() => stepEvCharger(makeCharger(), null, 0, 18, 0, Math.random)).toThrow(RangeError);
  });
});

describe('phaseCurrentA', () => {
  it('splits power over the phases at 230 V', () => {
    expect(phaseCurrentA(11.04, 3)).toBeCloseTo(16, 9);
    expect(phaseCurrentA(7.36, 1)).toBeCloseTo(32, 9);
  });
});
