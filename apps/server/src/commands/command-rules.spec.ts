import { canMoveCommand, COMMAND_STATUSES } from '@ecogrid/contracts';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  OPEN_COMMAND_STATUSES,
  sameRequest,
  statusesMovableTo,
} from './command-rules.js';

describe('command status rules', () => {
  it('lists exactly the statuses canMoveCommand allows to move to each status', () => {
    for (const to of COMMAND_STATUSES) {
      const from = statusesMovableTo(to);
      for (const status of COMMAND_STATUSES)
        expect(from.includes(status)).toBe(canMoveCommand(status, to));
    }
    expect(statusesMovableTo('sent')).toEqual(['pending']);
    expect(statusesMovableTo('completed')).toEqual(['pending', 'sent', 'accepted']);
    expect(statusesMovableTo('pending')).toEqual([]);
  });

  it('counts pending, sent and accepted as open and nothing else', () => {
    expect(OPEN_COMMAND_STATUSES).toEqual(['pending', 'sent', 'accepted']);
  });
});

describe('repeated requests', () => {
  it('treats parameters with the same values in another key order as the same request', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    expect(
      sameRequest(
        { type: 'set_mode', params: { mode: 'auto' } },
        { type: 'set_mode', params: { mode: 'auto' } },
      ),
    ).toBe(true);
  });

  it('tells apart another type or another parameter value', () => {
    const existing = { type: 'set_power_limit', params: { limitKw: 5 } };
    expect(sameRequest(existing, { type: 'set_power_limit', params: { limitKw: 6 } })).toBe(false);
    expect(sameRequest(existing, { type: 'reboot', params: {} })).toBe(false);
    expect(sameRequest(existing, { type: 'set_power_limit', params: {} })).toBe(false);
  });
});
