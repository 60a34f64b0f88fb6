import {
  canMoveCommand,
  COMMAND_STATUSES,
  isTerminalCommandStatus,
  type CommandStatus,
} from '@ecogrid/contracts';

/** The statuses a command may be in for a move to `to` (canMoveCommand, read backwards). */
export function statusesMovableTo(to: CommandStatus): CommandStatus[] {
  return COMMAND_STATUSES.filter((from) => canMoveCommand(from, to));
}

/** Statuses still waiting for an answer: the dispatcher and the expiry sweep look at these. */
export const OPEN_COMMAND_STATUSES: readonly CommandStatus[] = COMMAND_STATUSES.filter(
  (status) => !isTerminalCommandStatus(status),
);

/** JSON text with object keys sorted, so two equal parameter objects give the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Whether a repeated request (same idempotency key) asks for the very same command. */
export function sameRequest(
  existing: { type: string; params: unknown },
  requested: { type: string; params: unknown },
): boolean {
  return (
    existing.type === requested.type &&
    canonicalJson(existing.params) === canonicalJson(requested.params)
  );
}
