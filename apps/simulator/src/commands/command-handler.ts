import {
  checkCommand,
  type CommandAck,
  type DeviceCommandMessage,
  deviceCommandMessageSchema,
} from '@ecogrid/contracts';
import { z } from 'zod';
import type { CommandOutcome, DeviceKind } from '../site.js';
import { type DeviceControl, deviceControlOf } from './device-control.js';
import {
  type AckStatus,
  isFinalStatus,
  RecentCommands,
  type RecordedCommand,
} from './recent-commands.js';

/*
 * What a device does with a message on its commands topic, as real firmware would:
 *   1. a message that is not a command is answered `rejected` with the reason (if its id can be
 *      read; otherwise there is nobody to answer, and it is only logged);
 *   2. an id it has answered before is answered again with the last answer, never executed twice;
 *   3. a command past its expiresAt is `rejected` ("expired") and not executed;
 *   4. a command this device type does not take, or with bad parameters, is `rejected`;
 *   5. anything else is `accepted` at once; the physics carry it out on the next step, which
 *      answers `completed` (with what the device now does) or `failed` (with why it could not);
 *      `reboot` takes the device offline for a few seconds and answers `completed` once it is
 *      back.
 */

/** How long a rebooting device stays away. */
export const DEFAULT_REBOOT_MS = 5_000;
/** The contract's limit on an acknowledgement's message. */
const MAX_ACK_MESSAGE = 500;

/** The device's way to the broker: acknowledgements out, and a restart for `reboot`. */
export interface CommandLink {
  publishAck(ack: CommandAck): Promise<void>;
  /** Goes offline for `downMs` and resolves once connected again. */
  restart(downMs: number): Promise<void>;
}

/** The device's physics: the simulated site it belongs to. */
export interface CommandTarget {
  queueCommand(deviceId: string, commandId: string, control: DeviceControl): void;
  setRebooting(deviceId: string, rebooting: boolean): void;
}

export interface DeviceCommandHandlerOptions {
  deviceId: string;
  kind: DeviceKind;
  site: CommandTarget;
  link: CommandLink;
  /** What the device remembers of earlier commands (from the saved state, after a restart). */
  recent?: RecentCommands;
  rebootMs?: number;
  now?: () => number;
  /** One line per command outcome; the caller limits the rate. */
  log?: (line: string) => void;
}

export interface CommandCounts {
  received: number;
  /** Redeliveries answered from memory. */
  duplicates: number;
  rejected: number;
  /** Accepted and handed to the physics (or rebooted). */
  executed: number;
  completed: number;
  failed: number;
}

type ParsedMessage =
  | { ok: true; command: DeviceCommandMessage }
  | { ok: false; id: string | undefined; type: string; reason: string };

const readableIdSchema = z.object({ id: deviceCommandMessageSchema.shape.id });
const readableTypeSchema = z.object({ type: z.string().min(1).max(64) });

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid command';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}

/** A command message, or why it is not one (with its id and type when they can be read). */
export function parseCommandMessage(payload: string): ParsedMessage {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch (error) {
    return {
      ok: false,
      id: undefined,
      type: 'unknown',
      reason: `not JSON: ${(error as Error).message}`,
    };
  }
  const parsed = deviceCommandMessageSchema.safeParse(json);
  if (parsed.success) return { ok: true, command: parsed.data };
  const id = readableIdSchema.safeParse(json);
  const type = readableTypeSchema.safeParse(json);
  return {
    ok: false,
    id: id.success ? id.data.id : undefined,
    type: type.success ? type.data.type : 'unknown',
    reason: `invalid command: ${describeIssue(parsed.error)}`,
  };
}

function shorten(message: string): string {
  return message.length <= MAX_ACK_MESSAGE ? message : `${message.slice(0, MAX_ACK_MESSAGE - 1)}…`;
}

/** Handles the commands of one device. Never throws: a bad message gets an answer, not a crash. */
export class DeviceCommandHandler {
  readonly recent: RecentCommands;
  readonly counts: CommandCounts = {
    received: 0,
    duplicates: 0,
    rejected: 0,
    executed: 0,
    completed: 0,
    failed: 0,
  };
  private readonly deviceId: string;
  private readonly rebootMs: number;
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: DeviceCommandHandlerOptions) {
    this.deviceId = options.deviceId;
    this.recent = options.recent ?? new RecentCommands();
    this.rebootMs = options.rebootMs ?? DEFAULT_REBOOT_MS;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
  }

  /**
   * Commands that were still running when the previous run stopped cannot finish now (a restart
   * is a reboot): answers `failed` for each, sent once the device is connected.
   */
  failInterrupted(): Promise<void> {
    const interrupted = this.recent.entries().filter((entry) => !isFinalStatus(entry.status));
    return Promise.all(
      interrupted.map((entry) =>
        this.answer(
          entry.id,
          entry.type,
          'failed',
          'interrupted: the device restarted before the command finished',
        ),
      ),
    ).then(() => {});
  }

  /** Handles one message from the commands topic; resolves once its first answer is sent. */
  async handle(payload: string): Promise<void> {
    this.counts.received += 1;
    const parsed = parseCommandMessage(payload);
    if (!parsed.ok) {
      if (parsed.id === undefined) {
        this.counts.rejected += 1;
        this.log(`device ${this.deviceId}: unanswerable command message (${parsed.reason})`);
        return;
      }
      if (await this.answerDuplicate(parsed.id)) return;
      this.counts.rejected += 1;
      await this.answer(parsed.id, parsed.type, 'rejected', parsed.reason);
      return;
    }

    const { command } = parsed;
    if (await this.answerDuplicate(command.id)) return;
    if (Date.parse(command.expiresAt) <= this.now()) {
      this.counts.rejected += 1;
      await this.answer(command.id, command.type, 'rejected', 'expired');
      return;
    }
    const check = checkCommand(this.options.kind, { type: command.type, params: command.params });
    if (!check.ok) {
      this.counts.rejected += 1;
      await this.answer(command.id, command.type, 'rejected', check.message);
      return;
    }

    this.counts.executed += 1;
    const control = deviceControlOf(check.type, check.params);
    if (!control) {
      await this.answer(command.id, command.type, 'accepted', 'rebooting');
      this.reboot(command.id).catch((error: unknown) => {
        this.log(`device ${this.deviceId}: reboot failed: ${(error as Error).message}`);
      });
      return;
    }
    // Recorded before the physics can finish it, so a redelivery meanwhile is not executed.
    const accepted = this.answer(command.id, command.type, 'accepted');
    this.options.site.queueCommand(this.deviceId, command.id, control);
    await accepted;
  }

  /** The outcome of a command the physics carried out (from the site's step). */
  settle(outcome: CommandOutcome): void {
    const recorded = this.recent.get(outcome.commandId);
    if (outcome.status === 'completed') this.counts.completed += 1;
    else this.counts.failed += 1;
    void this.answer(
      outcome.commandId,
      recorded?.type ?? 'unknown',
      outcome.status,
      outcome.message,
    );
  }

  private async reboot(commandId: string): Promise<void> {
    const startedMs = this.now();
    const { site, link } = this.options;
    site.setRebooting(this.deviceId, true);
    // The physics come back after the downtime; the connection follows as the broker allows.
    const physicsBack = setTimeout(() => site.setRebooting(this.deviceId, false), this.rebootMs);
    try {
      await link.restart(this.rebootMs);
    } catch (error) {
      clearTimeout(physicsBack);
      site.setRebooting(this.deviceId, false);
      this.log(
        `device ${this.deviceId}: command ${commandId} reboot interrupted: ${(error as Error).message}`,
      );
      return;
    }
    this.counts.completed += 1;
    const seconds = Math.round((this.now() - startedMs) / 100) / 10;
    await this.answer(commandId, 'reboot', 'completed', `rebooted; back online after ${seconds} s`);
  }

  /** Answers a known id again with its last answer; false when the id is new. */
  private async answerDuplicate(id: string): Promise<boolean> {
    const known = this.recent.get(id);
    if (!known) return false;
    this.counts.duplicates += 1;
    this.log(
      `device ${this.deviceId}: command ${id} ${known.type} received again; answered ${known.status} again, not executed`,
    );
    await this.send(known);
    return true;
  }

  private async answer(
    id: string,
    type: string,
    status: AckStatus,
    message?: string,
  ): Promise<void> {
    const entry: RecordedCommand = {
      id,
      type: type.slice(0, 64),
      status,
      ...(message !== undefined ? { message: shorten(message) } : {}),
    };
    this.recent.record(entry);
    if (isFinalStatus(status)) {
      this.log(
        `device ${this.deviceId}: command ${id} ${entry.type} ${status}${entry.message ? `: ${entry.message}` : ''}`,
      );
    }
    await this.send(entry);
  }

  private async send(entry: RecordedCommand): Promise<void> {
    const ack: CommandAck = {
      id: entry.id,
      status: entry.status,
      ...(entry.message !== undefined ? { message: entry.message } : {}),
    };
    try {
      await this.options.link.publishAck(ack);
    } catch (error) {
      this.log(
        `device ${this.deviceId}: could not acknowledge command ${entry.id} (${entry.status}): ${(error as Error).message}`,
      );
    }
  }
}
