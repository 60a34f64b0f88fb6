import { z } from 'zod';
import type { DeviceType } from './devices.js';
import { paginationQuerySchema } from './pagination.js';

/**
 * Device commands: what an operator may ask of each device type, the message the device gets on
 * `sites/{siteId}/devices/{deviceId}/commands`, the acknowledgement it answers with on
 * `…/commands/ack`, and the life of a command from pending to exactly one terminal state.
 */

export const COMMAND_TYPES = [
  'set_power_limit',
  'set_mode',
  'set_power_setpoint',
  'start_charging',
  'stop_charging',
  'set_current_limit',
  'switch',
  'reboot',
] as const;
export const commandTypeSchema = z.enum(COMMAND_TYPES);
export type CommandType = z.infer<typeof commandTypeSchema>;

export const BATTERY_MODES = ['auto', 'idle', 'force_charge', 'force_discharge'] as const;

const none = z.object({}).strict();

/** Parameters per command type; unknown keys are refused. Signs follow the device contract. */
export const commandParamsSchemas = {
  /** PV inverter: cap its output (0 stops feeding in). */
  set_power_limit: z.object({ limitKw: z.number().finite().min(0).max(100_000) }).strict(),
  set_mode: z.object({ mode: z.enum(BATTERY_MODES) }).strict(),
  /** Battery: > 0 discharge, < 0 charge, in kW. */
  set_power_setpoint: z
    .object({ powerKw: z.number().finite().min(-100_000).max(100_000) })
    .strict(),
  start_charging: none,
  stop_charging: none,
  /** EV charger: 6 A is the least IEC 61851 allows while charging. */
  set_current_limit: z.object({ currentA: z.number().finite().min(6).max(500) }).strict(),
  switch: z.object({ on: z.boolean() }).strict(),
  reboot: none,
} as const satisfies Record<CommandType, z.ZodType>;

export type CommandParams<T extends CommandType = CommandType> = z.infer<
  (typeof commandParamsSchemas)[T]
>;

/** The commands each device type understands. */
export const COMMANDS_BY_DEVICE_TYPE: Record<DeviceType, readonly CommandType[]> = {
  pv_inverter: ['set_power_limit', 'reboot'],
  battery: ['set_mode', 'set_power_setpoint', 'reboot'],
  grid_meter: ['reboot'],
  smart_meter: ['reboot'],
  ev_charger: ['start_charging', 'stop_charging', 'set_current_limit', 'reboot'],
  heat_pump: ['switch', 'reboot'],
  load: ['switch', 'reboot'],
};

export const createCommandSchema = z
  .object({
    type: commandTypeSchema,
    params: z.record(z.string(), z.unknown()).default({}),
    /** The same key for the same device never makes a second command. */
    idempotencyKey: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[\w.:-]+$/, 'letters, digits and . _ : - only')
      .optional(),
  })
  .strict();
export type CreateCommand = z.infer<typeof createCommandSchema>;

export type CommandCheck =
  | { ok: true; type: CommandType; params: CommandParams }
  | { ok: false; field: 'type' | 'params'; message: string };

/** Whether a device of `deviceType` takes this command, and its parameters as the device gets them. */
export function checkCommand(deviceType: DeviceType, command: CreateCommand): CommandCheck {
  const allowed = COMMANDS_BY_DEVICE_TYPE[deviceType];
  if (!allowed.includes(command.type)) {
    return {
      ok: false,
      field: 'type',
      message: `a ${deviceType} takes ${allowed.join(', ')}, not ${command.type}`,
    };
  }
  const params = commandParamsSchemas[command.type].safeParse(command.params);
  if (!params.success) {
    const issue = params.error.issues[0]!;
    const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { ok: false, field: 'params', message: `${where}${issue.message}` };
  }
  return { ok: true, type: command.type, params: params.data };
}

export const COMMAND_STATUSES = [
  'pending',
  'sent',
  'accepted',
  'rejected',
  'completed',
  'failed',
  'expired',
] as const;
export const commandStatusSchema = z.enum(COMMAND_STATUSES);
export type CommandStatus = z.infer<typeof commandStatusSchema>;

export const TERMINAL_COMMAND_STATUSES: readonly CommandStatus[] = [
  'rejected',
  'completed',
  'failed',
  'expired',
];

/**
 * Allowed moves. A device may answer `completed` without `accepted` first (a quick command), and
 * an acknowledgement may overtake the server's own `sent` (pending → accepted). Nothing leaves a
 * terminal state, so a command ends exactly once.
 */
const TRANSITIONS: Record<CommandStatus, readonly CommandStatus[]> = {
  pending: ['sent', 'accepted', 'rejected', 'completed', 'failed', 'expired'],
  sent: ['accepted', 'rejected', 'completed', 'failed', 'expired'],
  accepted: ['completed', 'failed', 'expired'],
  rejected: [],
  completed: [],
  failed: [],
  expired: [],
};

export function isTerminalCommandStatus(status: CommandStatus): boolean {
  return TERMINAL_COMMAND_STATUSES.includes(status);
}

export function canMoveCommand(from: CommandStatus, to: CommandStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Server → device, QoS 1 on the device's command topic. */
export const deviceCommandMessageSchema = z.object({
  id: z.uuid(),
  type: commandTypeSchema,
  params: z.record(z.string(), z.unknown()),
  expiresAt: z.iso.datetime({ offset: true }),
});
export type DeviceCommandMessage = z.infer<typeof deviceCommandMessageSchema>;

/** Device → server on `…/commands/ack`. */
export const commandAckSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(['accepted', 'rejected', 'completed', 'failed']),
    message: z.string().max(500).optional(),
  })
  .strict();
export type CommandAck = z.infer<typeof commandAckSchema>;

/** A command as the REST API and the audit log show it. */
export const commandSchema = z.object({
  id: z.uuid(),
  siteId: z.uuid(),
  deviceId: z.uuid(),
  type: commandTypeSchema,
  params: z.record(z.string(), z.unknown()),
  status: commandStatusSchema,
  /** The device's words on its last acknowledgement, or why the server ended the command. */
  message: z.string().nullable(),
  idempotencyKey: z.string().nullable(),
  /** The bulk request it belongs to, if any. */
  bulkId: z.uuid().nullable(),
  createdBy: z.uuid().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  sentAt: z.iso.datetime({ offset: true }).nullable(),
  updatedAt: z.iso.datetime({ offset: true }),
  expiresAt: z.iso.datetime({ offset: true }),
  /** When it reached its terminal status. */
  finishedAt: z.iso.datetime({ offset: true }).nullable(),
});
export type Command = z.infer<typeof commandSchema>;

export const listCommandsQuerySchema = paginationQuerySchema.extend({
  status: commandStatusSchema.optional(),
  type: commandTypeSchema.optional(),
  sort: z.enum(['createdAt', '-createdAt']).default('-createdAt'),
});
export type ListCommandsQuery = z.infer<typeof listCommandsQuerySchema>;

/**
 * One command to every device of a site (or of the tenant) carrying a tag; devices whose type does
 * not take the command are listed as skipped, not failed.
 */
export const createBulkCommandSchema = z
  .object({
    tag: z.string().trim().min(1).max(50),
    siteId: z.uuid().optional(),
    type: commandTypeSchema,
    params: z.record(z.string(), z.unknown()).default({}),
    idempotencyKey: createCommandSchema.shape.idempotencyKey,
  })
  .strict();
export type CreateBulkCommand = z.infer<typeof createBulkCommandSchema>;

export const bulkCommandResultSchema = z.object({
  bulkId: z.uuid(),
  commands: z.array(commandSchema),
  skipped: z.array(z.object({ deviceId: z.uuid(), reason: z.string() })),
});
export type BulkCommandResult = z.infer<typeof bulkCommandResultSchema>;
