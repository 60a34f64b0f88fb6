import {
  canMoveCommand,
  isTerminalCommandStatus,
  type Command,
  type CommandStatus,
  type CommandType,
} from '@ecogrid/contracts';

/**
 * Follows the last command sent from the command panel until it ends. Updates arrive from three
 * places in any order: the POST answer, the live stream (which may report a status before the POST
 * answer names the command) and a fetch while the stream is down. Only moves the contract allows
 * are applied, so a late or repeated update never takes a command backwards or out of a terminal
 * state.
 */
export interface StatusUpdate {
  commandId: string;
  status: CommandStatus;
  message?: string | null;
  at: string;
}

export interface TrackedCommand {
  id: string;
  type: CommandType;
  status: CommandStatus;
  message: string | null;
  /** Each status reached, in order, with when. */
  steps: readonly { status: CommandStatus; at: string }[];
}

export interface TrackerState {
  tracked: TrackedCommand | null;
  /** Updates for commands not known yet (the live stream overtook the POST answer). */
  early: readonly StatusUpdate[];
}

export type TrackerAction =
  | { kind: 'created'; command: Pick<Command, 'id' | 'type' | 'status' | 'message' | 'createdAt'> }
  | { kind: 'update'; update: StatusUpdate }
  /** A new command is on its way: forget the last one and keep what arrives until it is named. */
  | { kind: 'submitting' }
  | { kind: 'reset' };

/** Updates kept for commands not yet known; a panel sends one command at a time. */
const MAX_EARLY = 50;

export const initialTrackerState: TrackerState = { tracked: null, early: [] };

export function trackerReducer(state: TrackerState, action: TrackerAction): TrackerState {
  switch (action.kind) {
    case 'reset':
    case 'submitting':
      return initialTrackerState;
    case 'created': {
      const { command } = action;
      let tracked: TrackedCommand = {
        id: command.id,
        type: command.type,
        status: command.status,
        message: command.message,
        steps: [{ status: command.status, at: command.createdAt }],
      };
      for (const update of state.early) {
        if (update.commandId === command.id) tracked = applyUpdate(tracked, update);
      }
      return { tracked, early: [] };
    }
    case 'update': {
      const { update } = action;
      if (state.tracked?.id === update.commandId) {
        const next = applyUpdate(state.tracked, update);
        return next === state.tracked ? state : { ...state, tracked: next };
      }
      // About another command (another operator's, or an earlier one): kept only while ours has
      // no id yet, since it may be ours.
      if (state.tracked) return state;
      return { ...state, early: [...state.early, update].slice(-MAX_EARLY) };
    }
  }
}

function applyUpdate(tracked: TrackedCommand, update: StatusUpdate): TrackedCommand {
  if (update.status === tracked.status) {
    // The same status again may still bring the device's words.
    if (update.message && update.message !== tracked.message) {
      return { ...tracked, message: update.message };
    }
    return tracked;
  }
  if (!canMoveCommand(tracked.status, update.status)) return tracked;
  return {
    ...tracked,
    status: update.status,
    message: update.message ?? tracked.message,
    steps: [...tracked.steps, { status: update.status, at: update.at }],
  };
}

export function isFinished(tracked: TrackedCommand | null): boolean {
  return tracked !== null && isTerminalCommandStatus(tracked.status);
}

export type StatusTone = 'neutral' | 'progress' | 'success' | 'danger' | 'warning';

export function commandStatusTone(status: CommandStatus): StatusTone {
  switch (status) {
    case 'pending':
    case 'sent':
    case 'accepted':
      return 'progress';
    case 'completed':
      return 'success';
    case 'rejected':
    case 'failed':
      return 'danger';
    case 'expired':
      return 'warning';
  }
}
