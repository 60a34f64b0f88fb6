/*
 * A battery seen from its AC terminals. Signs follow OpenEMS: power > 0 discharges, < 0 charges.
 * Conversion losses are split into a charge and a discharge efficiency, so charging 1 kWh stores
 * less than 1 kWh and delivering 1 kWh takes more than 1 kWh out of the cells.
 */

export interface BatterySpec {
  capacityKwh: number;
  maxChargeKw: number;
  maxDischargeKw: number;
  /** Share of AC energy that ends up stored when charging, (0, 1]. */
  chargeEfficiency: number;
  /** Share of stored energy that leaves as AC when discharging, (0, 1]. */
  dischargeEfficiency: number;
}

export interface BatteryStep {
  /** The power actually delivered (> 0) or absorbed (< 0) after power and energy limits. */
  powerKw: number;
  socPct: number;
}

export function assertValidBatterySpec(spec: BatterySpec): void {
  const problems: string[] = [];
  if (!(spec.capacityKwh > 0)) problems.push('capacityKwh must be > 0');
  if (!(spec.maxChargeKw >= 0)) problems.push('maxChargeKw must be >= 0');
  if (!(spec.maxDischargeKw >= 0)) problems.push('maxDischargeKw must be >= 0');
  if (!(spec.chargeEfficiency > 0 && spec.chargeEfficiency <= 1)) {
    problems.push('chargeEfficiency must be in (0, 1]');
  }
  if (!(spec.dischargeEfficiency > 0 && spec.dischargeEfficiency <= 1)) {
    problems.push('dischargeEfficiency must be in (0, 1]');
  }
  if (problems.length > 0) throw new RangeError(`invalid battery: ${problems.join('; ')}`);
}

/**
 * Follows the setpoint for `dtSeconds` as far as the power limits and the stored energy allow;
 * the state of charge never leaves 0..100 %.
 */
export function stepBattery(
  spec: BatterySpec,
  socPct: number,
  setpointKw: number,
  dtSeconds: number,
): BatteryStep {
  if (!(dtSeconds > 0) || !Number.isFinite(dtSeconds)) {
    throw new RangeError(`dtSeconds must be a positive finite number, got ${dtSeconds}`);
  }
  if (!Number.isFinite(setpointKw)) {
    throw new RangeError(`setpointKw must be finite, got ${setpointKw}`);
  }

  const hours = dtSeconds / 3_600;
  const startSocPct = clampPercent(socPct);
  const storedKwh = (startSocPct / 100) * spec.capacityKwh;
  let powerKw = 0;
  let storedChangeKwh = 0;

  if (setpointKw > 0) {
    const energyLimitKw = (storedKwh * spec.dischargeEfficiency) / hours;
    powerKw = Math.min(setpointKw, spec.maxDischargeKw, energyLimitKw);
    storedChangeKwh = -(powerKw * hours) / spec.dischargeEfficiency;
  } else if (setpointKw < 0) {
    const headroomKwh = spec.capacityKwh - storedKwh;
    const energyLimitKw = headroomKwh / (spec.chargeEfficiency * hours);
    powerKw = -Math.min(-setpointKw, spec.maxChargeKw, energyLimitKw);
    storedChangeKwh = -powerKw * hours * spec.chargeEfficiency;
  }

  return {
    // `+ 0` so a full battery asked to charge reports 0, not -0.
    powerKw: powerKw + 0,
    // Floating-point rounding may step a hair past empty or full; the clamp keeps the invariant.
    socPct: clampPercent(startSocPct + (storedChangeKwh / spec.capacityKwh) * 100),
  };
}

function clampPercent(value: number): number {
  return Math.min(100, Math.max(0, value));
}
