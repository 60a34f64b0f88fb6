import { describe, expect, it } from 'vitest';
import {
  canMoveCommand,
  checkCommand,
  COMMAND_STATUSES,
  commandAckSchema,
  COMMANDS_BY_DEVICE_TYPE,
  createCommandSchema,
  isTerminalCommandStatus,
  TERMINAL_COMMAND_STATUSES,
} from './commands.js';
import { DEVICE_TYPES } from './devices.js';

const command = (body: unknown) => createCommandSchema.parse(body);

describe('device commands contract', () => {
  it('takes a battery setpoint with its sign and refuses it for a PV inverter', () => {
    expect(
      checkCommand('battery', command({ type: 'set_power_setpoint', params: { powerKw: -3.5 } })),
    ).toEqual({ ok: true, type: 'set_power_setpoint', params: { powerKw: -3.5 } });
    const refused = checkCommand(
      'pv_inverter',
      command({ type: 'set_power_setpoint', params: { powerKw: 2 } }),
    );
    expect(refused).toMatchObject({ ok: false, field: 'type' });
    expect(refused.ok || refused.message).toContain('set_power_limit');
  });

  it('names the parameter that is wrong, and refuses unknown ones', () => {
    expect(
      checkCommand('ev_charger', command({ type: 'set_current_limit', params: { currentA: 3 } })),
    ).toMatchObject({ ok: false, field: 'params', message: expect.stringContaining('currentA') });
    expect(
      checkCommand('load', command({ type: 'switch', params: { on: true, force: 1 } })),
    ).toMatchObject({ ok: false, field: 'params' });
    expect(
      checkCommand('battery', command({ type: 'set_mode', params: { mode: 'turbo' } })).ok,
    ).toBe(false);
    expect(
      checkCommand(
        'pv_inverter',
        command({ type: 'set_power_limit', params: { limitKw: Infinity } }),
      ).ok,
    ).toBe(false);
  });

  it('lets every device type reboot, and defaults params to none', () => {
    for (const type of DEVICE_TYPES) {
      expect(COMMANDS_BY_DEVICE_TYPE[type]).toContain('reboot');
      expect(checkCommand(type, command({ type: 'reboot' })).ok).toBe(true);
    }
  });

  it('refuses a malformed idempotency key and unknown body fields', () => {
    expect(
      createCommandSchema.safeParse({ type: 'reboot', idempotencyKey: 'has space' }).success,
    ).toBe(false);
    expect(createCommandSchema.safeParse({ type: 'reboot', deviceId: 'x' }).success).toBe(false);
    expect(
      createCommandSchema.safeParse({ type: 'reboot', idempotencyKey: 'ui:42-a' }).success,
    ).toBe(true);
  });

  it('ends every command exactly once: nothing leaves a terminal state', () => {
    for (const from of TERMINAL_COMMAND_STATUSES)
      for (const to of COMMAND_STATUSES) expect(canMoveCommand(from, to)).toBe(false);
    // every non-terminal state can still end, by expiry among others
    for (const from of COMMAND_STATUSES.filter((status) => !isTerminalCommandStatus(status)))
      expect(canMoveCommand(from, 'expired')).toBe(true);
    expect(canMoveCommand('accepted', 'sent')).toBe(false);
    expect(canMoveCommand('pending', 'accepted')).toBe(true);
  });

  it('reads a device acknowledgement and refuses a made-up status', () => {
    const id = '0b6f5f5e-6a36-4c59-9f5e-0d5f7f2b1c11';
    expect(commandAckSchema.safeParse({ id, status: 'completed' }).success).toBe(true);
    expect(commandAckSchema.safeParse({ id, status: 'done' }).success).toBe(false);
    expect(commandAckSchema.safeParse({ id, status: 'pending' }).success).toBe(false);
  });
});
