import {
  type BATTERY_MODES,
  COMMANDS_BY_DEVICE_TYPE,
  commandParamsSchemas,
  createBulkCommandSchema,
  type CommandParams,
  type CreateBulkCommand,
  type CommandType,
  type DeviceType,
} from '@ecogrid/contracts';
import { COMMAND_TYPE_LABELS } from './device-labels';

/**
 * The parameter form of each command. Labels and units live here; bounds and choices are read off
 * the contract's schemas so the form can never offer what the server refuses.
 */
export type CommandField =
  | {
      kind: 'number';
      name: string;
      label: string;
      unit: string;
      min: number;
      max: number;
      step: number;
      hint?: string;
    }
  | { kind: 'choice'; name: string; label: string; options: readonly ChoiceOption[] }
  | { kind: 'toggle'; name: string; label: string; onLabel: string; offLabel: string };

export interface ChoiceOption {
  value: string;
  label: string;
}

export type CommandFormValues = Readonly<Record<string, string>>;

export type CommandFormResult =
  | { ok: true; type: CommandType; params: CommandParams }
  | { ok: false; errors: Readonly<Record<string, string>> };

interface NumberBounds {
  minValue: number | null;
  maxValue: number | null;
}

function numberField(
  name: string,
  label: string,
  unit: string,
  bounds: NumberBounds,
  step: number,
  hint?: string,
): CommandField {
  return {
    kind: 'number',
    name,
    label,
    unit,
    min: bounds.minValue ?? Number.MIN_SAFE_INTEGER,
    max: bounds.maxValue ?? Number.MAX_SAFE_INTEGER,
    step,
    ...(hint ? { hint } : {}),
  };
}

const BATTERY_MODE_LABELS: Record<(typeof BATTERY_MODES)[number], string> = {
  auto: 'Automatic',
  idle: 'Idle',
  force_charge: 'Force charge',
  force_discharge: 'Force discharge',
};

export const COMMAND_FIELDS: Record<CommandType, readonly CommandField[]> = {
  set_power_limit: [
    numberField(
      'limitKw',
      'Power limit',
      'kW',
      commandParamsSchemas.set_power_limit.shape.limitKw,
      0.1,
      '0 stops feeding in',
    ),
  ],
  set_mode: [
    {
      kind: 'choice',
      name: 'mode',
      label: 'Mode',
      options: commandParamsSchemas.set_mode.shape.mode.options.map((mode) => ({
        value: mode,
        label: BATTERY_MODE_LABELS[mode],
      })),
    },
  ],
  set_power_setpoint: [
    numberField(
      'powerKw',
      'Power setpoint',
      'kW',
      commandParamsSchemas.set_power_setpoint.shape.powerKw,
      0.1,
      'positive discharges, negative charges',
    ),
  ],
  start_charging: [],
  stop_charging: [],
  set_current_limit: [
    numberField(
      'currentA',
      'Current limit',
      'A',
      commandParamsSchemas.set_current_limit.shape.currentA,
      1,
      'at least 6 A while charging',
    ),
  ],
  switch: [{ kind: 'toggle', name: 'on', label: 'State', onLabel: 'On', offLabel: 'Off' }],
  reboot: [],
};

/** The commands a device of this type takes, in the contract's order. */
export function commandsFor(deviceType: DeviceType): readonly CommandType[] {
  return COMMANDS_BY_DEVICE_TYPE[deviceType];
}

export function initialCommandValues(type: CommandType): CommandFormValues {
  const values: Record<string, string> = {};
  for (const field of COMMAND_FIELDS[type]) {
    if (field.kind === 'number') values[field.name] = '';
    else if (field.kind === 'choice') values[field.name] = field.options[0]?.value ?? '';
    else values[field.name] = 'on';
  }
  return values;
}

const numberFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 3 });

/** Turns what the form holds (strings) into the command's parameters, or says what is wrong per field. */
export function parseCommandForm(type: CommandType, values: CommandFormValues): CommandFormResult {
  const errors: Record<string, string> = {};
  const params: Record<string, unknown> = {};
  for (const field of COMMAND_FIELDS[type]) {
    const raw = (values[field.name] ?? '').trim();
    if (field.kind === 'number') {
      if (raw === '') {
        errors[field.name] = `Enter the ${field.label.toLowerCase()}`;
        continue;
      }
      const value = Number(raw);
      if (!Number.isFinite(value)) {
        errors[field.name] = 'Enter a number, e.g. 2.5';
        continue;
      }
      if (value < field.min || value > field.max) {
        errors[field.name] =
          `Between ${numberFormat.format(field.min)} and ${numberFormat.format(field.max)} ${field.unit}`;
        continue;
      }
      params[field.name] = value;
    } else if (field.kind === 'choice') {
      if (!field.options.some((option) => option.value === raw)) {
        errors[field.name] = `Choose a ${field.label.toLowerCase()}`;
        continue;
      }
      params[field.name] = raw;
    } else {
      if (raw !== 'on' && raw !== 'off') {
        errors[field.name] = `Choose ${field.onLabel} or ${field.offLabel}`;
        continue;
      }
      params[field.name] = raw === 'on';
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  // The contract has the last word: anything it refuses is shown on its field.
  const checked = commandParamsSchemas[type].safeParse(params);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const name = typeof issue.path[0] === 'string' ? issue.path[0] : 'form';
      errors[name] ??= issue.message;
    }
    return { ok: false, errors };
  }
  return { ok: true, type, params: checked.data };
}

/** One line for confirmations and history: "Set power limit: 5 kW". */
export function describeCommand(type: CommandType, params: Readonly<Record<string, unknown>>) {
  const parts = COMMAND_FIELDS[type].flatMap((field) => {
    const value = params[field.name];
    if (value === undefined) return [];
    if (field.kind === 'number' && typeof value === 'number') {
      return [`${numberFormat.format(value)} ${field.unit}`];
    }
    if (field.kind === 'choice') {
      return [field.options.find((option) => option.value === value)?.label ?? plain(value)];
    }
    if (field.kind === 'toggle') return [value === true ? field.onLabel : field.offLabel];
    return [plain(value)];
  });
  const label = COMMAND_TYPE_LABELS[type];
  return parts.length > 0 ? `${label}: ${parts.join(', ')}` : label;
}

function plain(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : JSON.stringify(value);
}

/**
 * A fresh idempotency key for one confirmed submission. `crypto.randomUUID` exists only in secure
 * contexts (HTTPS, localhost); `getRandomValues` exists everywhere, so the app works over plain
 * HTTP on a plant's LAN too.
 */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `web-${hex}`;
}

export interface BulkCommandInput {
  tag: string;
  siteId: string;
  type: CommandType;
  values: CommandFormValues;
}

export type BulkCommandFormResult =
  | { ok: true; body: Omit<CreateBulkCommand, 'idempotencyKey'> }
  | { ok: false; errors: Readonly<Record<string, string>> };

/** One command to every device carrying a tag (optionally within one site). */
export function parseBulkCommandForm(input: BulkCommandInput): BulkCommandFormResult {
  const errors: Record<string, string> = {};
  const tag = input.tag.trim();
  if (!tag) errors['tag'] = 'Enter the tag of the devices to command';
  const params = parseCommandForm(input.type, input.values);
  if (!params.ok) Object.assign(errors, params.errors);
  if (Object.keys(errors).length > 0 || !params.ok) return { ok: false, errors };

  const body = createBulkCommandSchema.safeParse({
    tag,
    type: input.type,
    params: params.params,
    ...(input.siteId ? { siteId: input.siteId } : {}),
  });
  if (!body.success) {
    for (const issue of body.error.issues) {
      const name = typeof issue.path[0] === 'string' ? issue.path[0] : 'form';
      errors[name] ??= issue.message;
    }
    return { ok: false, errors };
  }
  const { idempotencyKey: _unused, ...rest } = body.data;
  return { ok: true, body: rest };
}
