import { type CommandAck, commandAckSchema } from '@ecogrid/contracts';
import { z } from 'zod';

/*
 * A device's memory of the commands it answered, so that a redelivered command (QoS 1 delivers at
 * least once; the server may also publish again) is never executed twice: the device answers
 * again with what it answered last. The memory is bounded: beyond `capacity` ids the oldest are
 * forgotten, long after the server stopped waiting for them.
 */

export const DEFAULT_RECENT_COMMANDS = 2_000;

export type AckStatus = CommandAck['status'];

/** The last acknowledgement a device sent for a command, and what it was. */
export const recordedCommandSchema = z.object({
  id: commandAckSchema.shape.id,
  /** The command type as received; `unknown` when the message did not say. */
  type: z.string().max(64),
  status: commandAckSchema.shape.status,
  message: commandAckSchema.shape.message,
});
export type RecordedCommand = z.infer<typeof recordedCommandSchema>;

export function isFinalStatus(status: AckStatus): boolean {
  return status !== 'accepted';
}

export class RecentCommands {
  /** In the order the ids were first seen, so the oldest is evicted first. */
  private readonly byId = new Map<string, RecordedCommand>();

  constructor(
    private readonly capacity = DEFAULT_RECENT_COMMANDS,
    entries: readonly RecordedCommand[] = [],
  ) {
    if (!(Number.isInteger(capacity) && capacity > 0)) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
    for (const entry of entries) this.record(entry);
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): RecordedCommand | undefined {
    return this.byId.get(id);
  }

  /** Remembers a command's latest acknowledgement (an update keeps its place in the order). */
  record(entry: RecordedCommand): void {
    this.byId.set(entry.id, { ...entry });
    while (this.byId.size > this.capacity) {
      const oldest = this.byId.keys().next();
      if (oldest.done) break;
      this.byId.delete(oldest.value);
    }
  }

  /** Oldest first, to save and to pass back to the constructor. */
  entries(): RecordedCommand[] {
    return [...this.byId.values()].map((entry) => ({ ...entry }));
  }
}
