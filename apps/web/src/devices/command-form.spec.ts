import { COMMAND_TYPES, DEVICE_TYPES, commandParamsSchemas } from '@ecogrid/contracts';
import { describe, expect, it } from 'vitest';
import {
  COMMAND_FIELDS,
  commandsFor,
  describeCommand,
  initialCommandValues,
  newIdempotencyKey,
  parseBulkCommandForm,
  parseCommandForm,
} from './command-form';

describe('command form', () => {
  it('has one field for every parameter the contract defines, and no other', () => {
    for (const type of COMMAND_TYPES) {
      const names = COMMAND_FIELDS[type].map((field) => field.name).sort();
      expect(names, type).toEqual(Object.keys(commandParamsSchemas[type].shape).sort());
    }
  });

  it('offers only the commands of the device type', () => {
    expect(commandsFor('ev_charger')).toEqual([
      'start_charging',
      'stop_charging',
      'set_current_limit',
      'reboot',
    ]);
    expect(commandsFor('grid_meter')).toEqual(['reboot']);
    for (const type of DEVICE_TYPES) expect(commandsFor(type)).toContain('reboot');
  });

  it('reads number bounds off the contract', () => {
    const [field] = COMMAND_FIELDS.set_current_limit;
    expect(field).toMatchObject({ kind: 'number', min: 6, max: 500, unit: 'A' });
  });

  it('turns a valid power limit into a number parameter', () => {
    expect(parseCommandForm('set_power_limit', { limitKw: ' 2.5 ' })).toEqual({
      ok: true,
      type: 'set_power_limit',
      params: { limitKw: 2.5 },
    });
  });

  it('asks for a missing value, a number, and a value within bounds', () => {
    expect(parseCommandForm('set_current_limit', { currentA: '' })).toEqual({
      ok: false,
      errors: { currentA: 'Enter the current limit' },
    });
    expect(parseCommandForm('set_current_limit', { currentA: 'ten' })).toEqual({
      ok: false,
      errors: { currentA: 'Enter a number, e.g. 2.5' },
    });
    expect(parseCommandForm('set_current_limit', { currentA: '5' })).toEqual({
      ok: false,
      errors: { currentA: 'Between 6 and 500 A' },
    });
  });

  it('accepts negative setpoints (charging) within the contract bounds', () => {
    expect(parseCommandForm('set_power_setpoint', { powerKw: '-3' })).toMatchObject({
      ok: true,
      params: { powerKw: -3 },
    });
  });

  it('refuses a mode the battery does not know', () => {
    expect(parseCommandForm('set_mode', { mode: 'turbo' })).toEqual({
      ok: false,
      errors: { mode: 'Choose a mode' },
    });
    expect(parseCommandForm('set_mode', { mode: 'force_charge' })).toMatchObject({
      ok: true,
      params: { mode: 'force_charge' },
    });
  });

  it('maps the switch toggle to a boolean', () => {
    expect(parseCommandForm('switch', { on: 'off' })).toMatchObject({
      ok: true,
      params: { on: false },
    });
    expect(parseCommandForm('switch', initialCommandValues('switch'))).toMatchObject({
      ok: true,
      params: { on: true },
    });
  });

  it('sends no parameters for commands without any', () => {
    expect(parseCommandForm('reboot', {})).toEqual({ ok: true, type: 'reboot', params: {} });
  });

  it('starts each form with valid defaults for choices and empty numbers', () => {
    expect(initialCommandValues('set_mode')).toEqual({ mode: 'auto' });
    expect(initialCommandValues('set_power_limit')).toEqual({ limitKw: '' });
  });

  it('describes a command in one line', () => {
    expect(describeCommand('set_power_limit', { limitKw: 5 })).toBe('Set power limit: 5 kW');
    expect(describeCommand('set_mode', { mode: 'force_discharge' })).toBe(
      'Set mode: Force discharge',
    );
    expect(describeCommand('switch', { on: false })).toBe('Switch on/off: Off');
    expect(describeCommand('reboot', {})).toBe('Reboot');
  });

  it('makes a new idempotency key every time, in the characters the server accepts', () => {
    const first = newIdempotencyKey();
    const second = newIdempotencyKey();
    expect(first).not.toBe(second);
    expect(first).toMatch(/^[\w.:-]{1,128}$/);
  });
});

describe('bulk command form', () => {
  it('needs a tag and valid parameters', () => {
    expect(
      parseBulkCommandForm({
        tag: ' ',
        siteId: '',
        type: 'set_power_limit',
        values: { limitKw: '' },
      }),
    ).toEqual({
      ok: false,
      errors: { tag: 'Enter the tag of the devices to command', limitKw: 'Enter the power limit' },
    });
  });

  it('builds the request, with the site only when one is chosen', () => {
    expect(parseBulkCommandForm({ tag: 'roof', siteId: '', type: 'reboot', values: {} })).toEqual({
      ok: true,
      body: { tag: 'roof', type: 'reboot', params: {} },
    });
    const siteId = '5b0c1d5e-8f4a-4d3c-9a51-0f2e3b4c5d6e';
    expect(
      parseBulkCommandForm({ tag: 'roof', siteId, type: 'switch', values: { on: 'off' } }),
    ).toEqual({ ok: true, body: { tag: 'roof', siteId, type: 'switch', params: { on: false } } });
  });
});
