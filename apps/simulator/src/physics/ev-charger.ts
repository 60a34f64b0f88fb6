import { type RandomSource, standardNormal, uniformBetween } from './random.js';

/*
 * A wallbox and the cars that use it. Cars arrive mostly in the evening (a bell around
 * `arrivalHour` local time), stay plugged in overnight and charge at the lower of the charger's
 * and the car's power limit until they reach their target state of charge; then the box idles
 * until the car leaves. Power is the average over each step, so a car that fills up or leaves
 * halfway through a step draws only what it really took, and the energy counter grows by exactly
 * power × time.
 */

export interface EvChargerSpec {
  /** The wallbox's limit, kW AC (e.g. 11 for 3 × 16 A). */
  maxPowerKw: number;
  phases: 1 | 3;
  /** Expected arrivals per day. */
  sessionsPerDay: number;
  arrivalHour: number;
  arrivalSpreadHours: number;
  /** How long a car stays plugged in. */
  stayHours: number;
  staySpreadHours: number;
  /** Share of the AC energy that ends up in the car's battery. */
  chargingEfficiency: number;
}

export const homeWallbox: EvChargerSpec = {
  maxPowerKw: 11,
  phases: 3,
  sessionsPerDay: 0.8,
  arrivalHour: 18,
  arrivalSpreadHours: 1.5,
  stayHours: 13,
  staySpreadHours: 1.5,
  chargingEfficiency: 0.9,
};

/** A car plugged into the charger. */
export interface EvSession {
  vehicleCapacityKwh: number;
  /** The car's on-board charger limit, kW AC. */
  vehicleMaxKw: number;
  socPct: number;
  targetSocPct: number;
  departureAtMs: number;
}

export interface EvChargerStep {
  /** The car plugged in after the step, or null. */
  session: EvSession | null;
  /** Average AC power over the step, kW: 0 ≤ power ≤ the charger's and the car's limit. */
  powerKw: number;
}

const MIN_STAY_HOURS = 1;
const MAX_STAY_HOURS = 20;
/** On-board chargers: many cars take 11 kW on three phases, some only 7.4 kW, a few 22 kW. */
const VEHICLE_CHARGER_KW = [7.4, 11, 11, 11, 22] as const;

function hoursApart(hour: number, otherHour: number): number {
  const difference = Math.abs(hour - otherHour) % 24;
  return Math.min(difference, 24 - difference);
}

/** Arrivals per hour at a local hour: `sessionsPerDay` spread as a bell around `arrivalHour`. */
export function arrivalRatePerHour(spec: EvChargerSpec, localHour: number): number {
  const spread = spec.arrivalSpreadHours;
  const distance = hoursApart(localHour, spec.arrivalHour) / spread;
  return (
    (spec.sessionsPerDay * Math.exp(-0.5 * distance * distance)) / (spread * Math.sqrt(2 * Math.PI))
  );
}

/** Probability that a car arrives within a step of `dtSeconds` (a Poisson process). */
export function arrivalProbability(
  spec: EvChargerSpec,
  localHour: number,
  dtSeconds: number,
): number {
  return 1 - Math.exp(-arrivalRatePerHour(spec, localHour) * (dtSeconds / 3_600));
}

export function drawSession(spec: EvChargerSpec, atMs: number, random: RandomSource): EvSession {
  const stayHours = Math.min(
    MAX_STAY_HOURS,
    Math.max(MIN_STAY_HOURS, spec.stayHours + spec.staySpreadHours * standardNormal(random)),
  );
  const vehicleMaxKw =
    VEHICLE_CHARGER_KW[Math.floor(random() * VEHICLE_CHARGER_KW.length)] ?? VEHICLE_CHARGER_KW[1];
  return {
    vehicleCapacityKwh: uniformBetween(random, 40, 85),
    vehicleMaxKw,
    socPct: uniformBetween(random, 15, 60),
    targetSocPct: uniformBetween(random, 80, 100),
    departureAtMs: atMs + stayHours * 3_600_000,
  };
}

/**
 * Charges a plugged-in car over the step ending at `atMs`: at the power limit while it needs
 * energy and is still there, nothing once it reached its target.
 */
export function chargeSession(
  spec: EvChargerSpec,
  session: EvSession,
  atMs: number,
  dtSeconds: number,
): { session: EvSession; powerKw: number } {
  const stepStartMs = atMs - dtSeconds * 1_000;
  const pluggedSeconds = Math.min(
    dtSeconds,
    Math.max(0, (session.departureAtMs - stepStartMs) / 1_000),
  );
  const limitKw = Math.max(0, Math.min(spec.maxPowerKw, session.vehicleMaxKw));
  const neededAcKwh =
    (Math.max(0, session.targetSocPct - session.socPct) / 100) *
    (session.vehicleCapacityKwh / spec.chargingEfficiency);
  const deliveredAcKwh = Math.min(limitKw * (pluggedSeconds / 3_600), neededAcKwh);
  const storedPct = ((deliveredAcKwh * spec.chargingEfficiency) / session.vehicleCapacityKwh) * 100;
  const socPct =
    deliveredAcKwh >= neededAcKwh
      ? Math.max(session.socPct, session.targetSocPct)
      : session.socPct + storedPct;
  return {
    session: { ...session, socPct },
    powerKw: deliveredAcKwh / (dtSeconds / 3_600),
  };
}

/** One step of the charger: charge the car that is there, let it leave, or let one arrive. */
export function stepEvCharger(
  spec: EvChargerSpec,
  session: EvSession | null,
  atMs: number,
  localHour: number,
  dtSeconds: number,
  random: RandomSource,
): EvChargerStep {
  if (!(dtSeconds > 0) || !Number.isFinite(dtSeconds)) {
    throw new RangeError(`dtSeconds must be a positive finite number, got ${dtSeconds}`);
  }
  if (session) {
    const charged = chargeSession(spec, session, atMs, dtSeconds);
    const leaves = atMs >= session.departureAtMs;
    return { session: leaves ? null : charged.session, powerKw: charged.powerKw };
  }
  // A car arriving within the step starts charging with the next one.
  if (random() < arrivalProbability(spec, localHour, dtSeconds)) {
    return { session: drawSession(spec, atMs, random), powerKw: 0 };
  }
  return { session: null, powerKw: 0 };
}

/** Current per phase at 230 V for an AC power, A. */
export function phaseCurrentA(powerKw: number, phases: 1 | 3): number {
  return (powerKw * 1_000) / (phases * 230);
}
