import {
  BATTERY_MODES,
  type CommandParams,
  type CommandType,
  type DeviceType,
} from '@ecogrid/contracts';
import { z } from 'zod';
import type { BatterySpec } from '../physics/battery.js';
import type { EvChargerSpec, EvSession } from '../physics/ev-charger.js';
import type { PvArraySpec } from '../physics/pv.js';
import { roundTo } from '../rounding.js';

/*
 * What a command does to a device's physics. Each controllable device keeps a small control
 * state (a battery's mode, a PV inverter's limit, a wallbox's permission and current, a switch);
 * a command is checked against the device as it is at that moment and either changes that state
 * (with a note for the operator on what the device will do) or fails with a reason and changes
 * nothing. The physics read the state on every step.
 *
 * Choices an operator can rely on:
 * - a setpoint or current beyond the device's rating is clamped to the rating, and the command
 *   completes with a message saying so (as a real inverter or wallbox does);
 * - a battery asked to charge while full, or to discharge while empty, fails: there is nothing it
 *   could do, and its mode stays as it was. A battery that fills up or runs empty later while
 *   following a setpoint or a forced mode keeps that mode and simply delivers 0 kW;
 * - `start_charging` permits charging: a plugged-in car charges at once, and with no car the
 *   command still completes (the next car charges) with a message saying no vehicle is there.
 */

export type BatteryMode = (typeof BATTERY_MODES)[number];

/** A command as the physics carry it out; `reboot` is not one: it takes the whole device away. */
export type DeviceControl =
  | { type: 'set_mode'; mode: BatteryMode }
  | { type: 'set_power_setpoint'; powerKw: number }
  | { type: 'set_power_limit'; limitKw: number }
  | { type: 'start_charging' }
  | { type: 'stop_charging' }
  | { type: 'set_current_limit'; currentA: number }
  | { type: 'switch'; on: boolean };

/** The control of a command checked by `checkCommand`; undefined for `reboot`. */
export function deviceControlOf(
  type: CommandType,
  params: CommandParams,
): DeviceControl | undefined {
  switch (type) {
    case 'set_mode':
      return { type, mode: (params as CommandParams<'set_mode'>).mode };
    case 'set_power_setpoint':
      return { type, powerKw: (params as CommandParams<'set_power_setpoint'>).powerKw };
    case 'set_power_limit':
      return { type, limitKw: (params as CommandParams<'set_power_limit'>).limitKw };
    case 'start_charging':
    case 'stop_charging':
      return { type };
    case 'set_current_limit':
      return { type, currentA: (params as CommandParams<'set_current_limit'>).currentA };
    case 'switch':
      return { type, on: (params as CommandParams<'switch'>).on };
    case 'reboot':
      return undefined;
  }
}

/** `setpoint` is the mode a `set_power_setpoint` leaves the battery in, until another mode is set. */
export type BatteryControlMode = BatteryMode | 'setpoint';

export interface BatteryControl {
  mode: BatteryControlMode;
  /** kW, > 0 discharge, < 0 charge; used in `setpoint` mode only. */
  setpointKw: number;
}

export interface PvControl {
  /** AC output cap in kW; null when the inverter runs free. */
  limitKw: number | null;
}

export interface EvControl {
  /** Whether a plugged-in car may charge; `stop_charging` suspends it until `start_charging`. */
  charging: boolean;
  /** Per-phase current cap in A; null for the wallbox's own maximum. */
  currentLimitA: number | null;
}

export interface SwitchControl {
  on: boolean;
}

export const defaultBatteryControl = (): BatteryControl => ({ mode: 'auto', setpointKw: 0 });
export const defaultPvControl = (): PvControl => ({ limitKw: null });
export const defaultEvControl = (): EvControl => ({ charging: true, currentLimitA: null });
export const defaultSwitchControl = (): SwitchControl => ({ on: true });

export type ControlDecision<C> =
  { ok: true; control: C; note: string } | { ok: false; reason: string };

const NOMINAL_VOLTAGE_V = 230;
/** A state of charge this close to 0 or 100 % counts as empty or full (floating-point dust). */
const SOC_TOLERANCE_PCT = 1e-6;

function kw(value: number): string {
  return `${roundTo(value, 3)} kW`;
}

function notTaken(kind: DeviceType, control: DeviceControl): { ok: false; reason: string } {
  return { ok: false, reason: `a ${kind} does not take ${control.type}` };
}

/** Why the battery cannot move power in `direction` (> 0 discharge, < 0 charge) now, if it cannot. */
function socBlocks(direction: number, socPct: number): string | undefined {
  if (direction < 0 && socPct >= 100 - SOC_TOLERANCE_PCT) {
    return 'the battery is full (100 % state of charge): it cannot charge';
  }
  if (direction > 0 && socPct <= SOC_TOLERANCE_PCT) {
    return 'the battery is empty (0 % state of charge): it cannot discharge';
  }
  return undefined;
}

export function decideBattery(
  control: DeviceControl,
  battery: BatterySpec,
  socPct: number,
): ControlDecision<BatteryControl> {
  if (control.type === 'set_mode') {
    const direction =
      control.mode === 'force_charge' ? -1 : control.mode === 'force_discharge' ? 1 : 0;
    const blocked = socBlocks(direction, socPct);
    if (blocked) return { ok: false, reason: blocked };
    const notes: Record<BatteryMode, string> = {
      auto: 'self-consumption mode (auto)',
      idle: 'idle: neither charging nor discharging',
      force_charge: `charging at its maximum of ${kw(battery.maxChargeKw)}`,
      force_discharge: `discharging at its maximum of ${kw(battery.maxDischargeKw)}`,
    };
    return { ok: true, control: { mode: control.mode, setpointKw: 0 }, note: notes[control.mode] };
  }
  if (control.type === 'set_power_setpoint') {
    const requested = control.powerKw;
    const setpointKw =
      Math.min(battery.maxDischargeKw, Math.max(-battery.maxChargeKw, requested)) + 0;
    const blocked = socBlocks(setpointKw, socPct);
    if (blocked) return { ok: false, reason: blocked };
    let note = `following a setpoint of ${kw(setpointKw)}`;
    if (setpointKw !== requested) {
      const which = requested < 0 ? 'charge' : 'discharge';
      note += ` (${kw(requested)} asked; its maximum ${which} power is ${kw(Math.abs(setpointKw))})`;
    }
    return { ok: true, control: { mode: 'setpoint', setpointKw }, note };
  }
  return notTaken('battery', control);
}

/** The battery's power target for a step: a number, or undefined for self-consumption. */
export function batteryTargetKw(control: BatteryControl, battery: BatterySpec): number | undefined {
  switch (control.mode) {
    case 'auto':
      return undefined;
    case 'idle':
      return 0;
    case 'force_charge':
      return -battery.maxChargeKw;
    case 'force_discharge':
      return battery.maxDischargeKw;
    case 'setpoint':
      return control.setpointKw;
  }
}

export function pvRatingKw(array: PvArraySpec): number {
  return array.inverterLimitKw ?? array.ratedKwp;
}

export function decidePv(control: DeviceControl, array: PvArraySpec): ControlDecision<PvControl> {
  if (control.type !== 'set_power_limit') return notTaken('pv_inverter', control);
  const ratingKw = pvRatingKw(array);
  const note =
    control.limitKw >= ratingKw
      ? `limit of ${kw(control.limitKw)} is not below the inverter's rating of ${kw(ratingKw)}: output is not curtailed`
      : `output limited to ${kw(control.limitKw)}`;
  return { ok: true, control: { limitKw: control.limitKw }, note };
}

/** The wallbox's own per-phase maximum current. */
export function chargerMaxCurrentA(charger: EvChargerSpec): number {
  return (charger.maxPowerKw * 1_000) / (charger.phases * NOMINAL_VOLTAGE_V);
}

/** The most a wallbox may deliver under its control: current × voltage × phases, within its rating. */
export function chargerLimitKw(charger: EvChargerSpec, control: EvControl): number {
  if (!control.charging) return 0;
  if (control.currentLimitA === null) return charger.maxPowerKw;
  const currentKw = (control.currentLimitA * NOMINAL_VOLTAGE_V * charger.phases) / 1_000;
  return Math.min(charger.maxPowerKw, currentKw);
}

function vehicleNote(session: EvSession | null): string {
  if (!session) return 'no vehicle plugged in: the next one charges when it arrives';
  if (session.socPct >= session.targetSocPct) return 'the plugged-in vehicle is already charged';
  return 'charging the plugged-in vehicle';
}

export function decideEvCharger(
  control: DeviceControl,
  current: EvControl,
  charger: EvChargerSpec,
  session: EvSession | null,
): ControlDecision<EvControl> {
  switch (control.type) {
    case 'start_charging':
      return {
        ok: true,
        control: { ...current, charging: true },
        note: `charging permitted; ${vehicleNote(session)}`,
      };
    case 'stop_charging':
      return {
        ok: true,
        control: { ...current, charging: false },
        note: session
          ? 'charging stopped; the vehicle stays plugged in'
          : 'charging suspended; no vehicle plugged in',
      };
    case 'set_current_limit': {
      const maxA = chargerMaxCurrentA(charger);
      const currentA = Math.min(control.currentA, maxA);
      const next = { ...current, currentLimitA: currentA };
      let note = `current limited to ${roundTo(currentA, 1)} A per phase (${kw(chargerLimitKw(charger, { ...next, charging: true }))})`;
      if (currentA < control.currentA) {
        note += `; ${roundTo(control.currentA, 1)} A asked, the wallbox takes at most ${roundTo(maxA, 1)} A`;
      }
      if (!current.charging) note += '; charging stays stopped until start_charging';
      return { ok: true, control: next, note };
    }
    default:
      return notTaken('ev_charger', control);
  }
}

export function decideSwitch(
  kind: 'heat_pump' | 'load',
  control: DeviceControl,
): ControlDecision<SwitchControl> {
  if (control.type !== 'switch') return notTaken(kind, control);
  return {
    ok: true,
    control: { on: control.on },
    note: control.on ? 'switched on' : 'switched off',
  };
}

/** What a simulator restart keeps of a device's control state (only the fields of its kind). */
export const deviceControlSnapshotSchema = z.object({
  mode: z.enum([...BATTERY_MODES, 'setpoint']).optional(),
  setpointKw: z.number().finite().optional(),
  limitKw: z.number().finite().nonnegative().nullable().optional(),
  charging: z.boolean().optional(),
  currentLimitA: z.number().finite().positive().nullable().optional(),
  on: z.boolean().optional(),
});
export type DeviceControlSnapshot = z.infer<typeof deviceControlSnapshotSchema>;
