import { describe, expect, it } from 'vitest';
import {
  commandStatusTone,
  initialTrackerState,
  isFinished,
  trackerReducer,
  type TrackerAction,
  type TrackerState,
} from './command-tracker';

const commandId = '0d9a4c1e-2b3f-4a5d-8e6f-7a8b9c0d1e2f';
const otherId = '1e0b5d2f-3c4a-4b6e-9f70-8b9cad0e1f30';

const created: TrackerAction = {
  kind: 'created',
  command: {
    id: commandId,
    type: 'reboot',
    status: 'pending',
    message: null,
    createdAt: '2026-03-01T10:00:00.000Z',
  },
};

function update(status: string, id = commandId, message?: string): TrackerAction {
  return {
    kind: 'update',
    update: {
      commandId: id,
      status: status as never,
      at: '2026-03-01T10:00:01.000Z',
      ...(message ? { message } : {}),
    },
  };
}

function run(...actions: TrackerAction[]): TrackerState {
  return actions.reduce(trackerReducer, initialTrackerState);
}

describe('command tracker', () => {
  it('follows a command from pending through sent and accepted to completed', () => {
    const state = run(
      created,
      update('sent'),
      update('accepted'),
      update('completed', commandId, 'done'),
    );
    expect(state.tracked?.status).toBe('completed');
    expect(state.tracked?.message).toBe('done');
    expect(state.tracked?.steps.map((step) => step.status)).toEqual([
      'pending',
      'sent',
      'accepted',
      'completed',
    ]);
    expect(isFinished(state.tracked)).toBe(true);
  });

  it('never leaves a terminal status', () => {
    const state = run(created, update('rejected', commandId, 'busy'), update('completed'));
    expect(state.tracked?.status).toBe('rejected');
    expect(state.tracked?.message).toBe('busy');
  });

  it('ignores a late "sent" once the device has accepted', () => {
    const state = run(created, update('accepted'), update('sent'));
    expect(state.tracked?.status).toBe('accepted');
    expect(isFinished(state.tracked)).toBe(false);
  });

  it('applies live updates that arrived before the POST answer named the command', () => {
    const state = run({ kind: 'submitting' }, update('sent'), update('accepted'), created);
    expect(state.tracked?.status).toBe('accepted');
    expect(state.early).toEqual([]);
  });

  it('ignores updates about other commands once its own is known', () => {
    const state = run(created, update('failed', otherId));
    expect(state.tracked?.status).toBe('pending');
  });

  it('forgets the previous command when a new one is submitted', () => {
    const state = run(created, update('completed'), { kind: 'submitting' });
    expect(state.tracked).toBeNull();
  });

  it('keeps a message that arrives with a repeated status', () => {
    const state = run(created, update('pending', commandId, 'queued at the gateway'));
    expect(state.tracked?.message).toBe('queued at the gateway');
    expect(state.tracked?.steps).toHaveLength(1);
  });

  it('gives each status a tone', () => {
    expect(commandStatusTone('sent')).toBe('progress');
    expect(commandStatusTone('completed')).toBe('success');
    expect(commandStatusTone('failed')).toBe('danger');
    expect(commandStatusTone('expired')).toBe('warning');
  });
});
