import { COMMAND_TYPES, commandParamsSchemas } from '@ecogrid/contracts';
import { describe, expect, it } from 'vitest';
import { homeWallbox } from '../physics/ev-charger.js';
import {
  batteryTargetKw,
  chargerLimitKw,
  chargerMaxCurrentA,
  decideBattery,
  decideEvCharger,
  decidePv,
  defaultEvControl,
  deviceControlOf,
  deviceControlSnapshotSchema,
} from './device-control.js';

const battery = {
  capacityKwh: 10,
  maxChargeKw: 4,
  maxDischargeKw: 5,
  chargeEfficiency: 0.95,
  dischargeEfficiency: 0.95,
};

describe('deviceControlOf', () => {
  it('carries each command type but reboot to the physics, with its parameters', () => {
    const samples: Record<string, Record<string, unknown>> = {
      set_power_limit: { limitKw: 3 },
      set_mode: { mode: 'idle' },
      set_power_setpoint: { powerKw: -1 },
      start_charging: {},
      stop_charging: {},
      set_current_limit: { currentA: 10 },
      switch: { on: false },
      reboot: {},
    };
    for (const type of COMMAND_TYPES) {
      const params = commandParamsSchemas[type].parse(samples[type]);
      const control = deviceControlOf(type, params);
      if (type === 'reboot') expect(control).toBeUndefined();
      else expect(control).toEqual({ type, ...samples[type] });
    }
  });
});

describe('decideBattery', () => {
  it('clamps a setpoint to the charge and discharge ratings and says what was asked', () => {
    const charge = decideBattery({ type: 'set_power_setpoint', powerKw: -9 }, battery, 50);
    expect(charge).toEqual({
      ok: true,
      control: { mode: 'setpoint', setpointKw: -4 },
      note: 'following a setpoint of -4 kW (-9 kW asked; its maximum charge power is 4 kW)',
    });
    const within = decideBattery({ type: 'set_power_setpoint', powerKw: 2.5 }, battery, 50);
    expect(within).toMatchObject({ ok: true, note: 'following a setpoint of 2.5 kW' });
  });

  it('fails what the state of charge rules out, and allows the other direction', () => {
    expect(decideBattery({ type: 'set_mode', mode: 'force_discharge' }, battery, 0)).toEqual({
      ok: false,
      reason: 'the battery is empty (0 % state of charge): it cannot discharge',
    });
    expect(decideBattery({ type: 'set_power_setpoint', powerKw: -1 }, battery, 0)).toMatchObject({
      ok: true,
    });
    expect(decideBattery({ type: 'set_mode', mode: 'idle' }, battery, 100)).toMatchObject({
      ok: true,
    });
    expect(decideBattery({ type: 'switch', on: true }, battery, 50)).toEqual({
      ok: false,
      reason: 'a battery does not take switch',
    });
  });

  it('maps each mode to a power target, self-consumption to none', () => {
    expect(batteryTargetKw({ mode: 'auto', setpointKw: 3 }, battery)).toBeUndefined();
    expect(batteryTargetKw({ mode: 'idle', setpointKw: 3 }, battery)).toBe(0);
    expect(batteryTargetKw({ mode: 'force_charge', setpointKw: 0 }, battery)).toBe(-4);
    expect(batteryTargetKw({ mode: 'force_discharge', setpointKw: 0 }, battery)).toBe(5);
    expect(batteryTargetKw({ mode: 'setpoint', setpointKw: -1.5 }, battery)).toBe(-1.5);
  });
});

describe('PV and EV charger decisions', () => {
  it('takes a PV limit, noting when it curtails nothing', () => {
    expect(
      decidePv({ type: 'set_power_limit', limitKw: 0 }, { ratedKwp: 8, performanceRatio: 0.8 }),
    ).toEqual({ ok: true, control: { limitKw: 0 }, note: 'output limited to 0 kW' });
    expect(
      decidePv({ type: 'set_power_limit', limitKw: 8 }, { ratedKwp: 8, performanceRatio: 0.8 }),
    ).toMatchObject({ ok: true, note: expect.stringContaining('not curtailed') as string });
  });

  it('derives a wallbox limit from current × 230 V × phases, within its rating', () => {
    // 11 kW on three phases is 15.9 A per phase.
    expect(chargerMaxCurrentA(homeWallbox)).toBeCloseTo(15.94, 2);
    expect(chargerLimitKw(homeWallbox, defaultEvControl())).toBe(11);
    expect(chargerLimitKw(homeWallbox, { charging: true, currentLimitA: 6 })).toBeCloseTo(4.14, 9);
    expect(chargerLimitKw(homeWallbox, { charging: false, currentLimitA: 6 })).toBe(0);
    expect(
      chargerLimitKw({ ...homeWallbox, phases: 1 }, { charging: true, currentLimitA: 10 }),
    ).toBeCloseTo(2.3, 9);
  });

  it('keeps a current limit while charging is stopped, and says so', () => {
    const decision = decideEvCharger(
      { type: 'set_current_limit', currentA: 8 },
      { charging: false, currentLimitA: null },
      homeWallbox,
      null,
    );
    expect(decision).toEqual({
      ok: true,
      control: { charging: false, currentLimitA: 8 },
      note: 'current limited to 8 A per phase (5.52 kW); charging stays stopped until start_charging',
    });
  });
});

describe('deviceControlSnapshotSchema', () => {
  it('reads back what a site saves and refuses nonsense', () => {
    expect(deviceControlSnapshotSchema.parse({ mode: 'setpoint', setpointKw: -2 })).toEqual({
      mode: 'setpoint',
      setpointKw: -2,
    });
    expect(deviceControlSnapshotSchema.safeParse({ mode: 'turbo' }).success).toBe(false);
    expect(deviceControlSnapshotSchema.safeParse({ limitKw: -1 }).success).toBe(false);
  });
});
