import { Inject, Injectable } from '@nestjs/common';
import { isTerminalCommandStatus, type CommandStatus, type CommandType } from '@ecogrid/contracts';
import { AuditService } from '../audit/audit.service.js';
import { EventBus } from '../common/event-bus.js';
import type { DataScope, ScopedTransaction } from '../database/scope.js';
import { statusesMovableTo } from './command-rules.js';
import { CommandsMetrics } from './commands.metrics.js';
import { CommandsRepository, type CommandRow, type MovedCommand } from './commands.repository.js';

export const EXPIRED_MESSAGE = 'no answer before the command expired';
const EXPIRY_BATCH = 500;

/**
 * Every status move of a command: a conditional update (canMoveCommand decides which statuses it
 * may leave), its audit entry in the same transaction, and after the commit the domain event and
 * the terminal-status counter. A move that finds the command elsewhere changes nothing.
 */
@Injectable()
export class CommandLifecycle {
  constructor(
    @Inject(CommandsRepository) private readonly repository: CommandsRepository,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(EventBus) private readonly events: EventBus,
    @Inject(CommandsMetrics) private readonly metrics: CommandsMetrics,
  ) {}

  /** Records commands the broker accepted; those an acknowledgement overtook stay as they are. */
  async markSent(ids: readonly string[]): Promise<MovedCommand[]> {
    if (ids.length === 0) return [];
    const moved = await this.repository.transaction('platform', async (trx) => {
      const rows = await this.repository.move(trx, ids, 'sent', statusesMovableTo('sent'));
      await this.auditMoves(trx, rows);
      return rows;
    });
    this.announce(moved);
    return moved;
  }

  /**
   * A device's answer. 'moved' when it changed the status, 'unchanged' when the command is
   * already there or past it (a repeat, or too late), 'unknown' when the device has no such command.
   */
  async acknowledge(
    device: { tenantId: string; deviceId: string },
    ack: { id: string; status: CommandStatus; message?: string | undefined },
  ): Promise<{ outcome: 'moved' | 'unchanged' | 'unknown'; status?: CommandStatus }> {
    const scope: DataScope = { tenantId: device.tenantId };
    const result = await this.repository.transaction(scope, async (trx) => {
      const moved = await this.repository.move(
        trx,
        [ack.id],
        ack.status,
        statusesMovableTo(ack.status),
        { message: ack.message, deviceId: device.deviceId },
      );
      if (moved.length > 0) {
        await this.auditMoves(trx, moved);
        return { moved };
      }
      return { moved, current: await this.repository.statusOf(trx, ack.id, device.deviceId) };
    });
    if (result.moved.length > 0) {
      this.announce(result.moved);
      return { outcome: 'moved', status: ack.status };
    }
    return result.current === undefined
      ? { outcome: 'unknown' }
      : { outcome: 'unchanged', status: result.current };
  }

  /** Ends every command whose deadline (plus the grace) passed unanswered; returns how many. */
  async expireOverdue(graceSeconds: number): Promise<number> {
    let total = 0;
    for (;;) {
      const expired = await this.repository.transaction('platform', async (trx) => {
        const rows = await this.repository.expireOverdue(
          trx,
          graceSeconds,
          EXPIRED_MESSAGE,
          EXPIRY_BATCH,
        );
        await this.auditMoves(trx, rows);
        return rows;
      });
      this.announce(expired);
      total += expired.length;
      if (expired.length < EXPIRY_BATCH) return total;
    }
  }

  /** The event of a new command (pending), published after its transaction committed. */
  announceCreated(rows: readonly CommandRow[]): void {
    for (const row of rows) this.publish(row, 'pending');
  }

  private async auditMoves(trx: ScopedTransaction, rows: readonly MovedCommand[]): Promise<void> {
    for (const row of rows) {
      await this.audit.record(trx, {
        action: 'command.status_changed',
        tenantId: row.tenant_id,
        userId: null,
        resourceType: 'command',
        resourceId: row.id,
        oldValues: { status: row.previous },
        newValues: {
          status: row.status,
          ...(row.message !== null ? { message: row.message } : {}),
          deviceId: row.device_id,
        },
      });
    }
  }

  private announce(rows: readonly MovedCommand[]): void {
    for (const row of rows) {
      const status = row.status as CommandStatus;
      if (isTerminalCommandStatus(status)) this.metrics.finished.inc({ status });
      this.publish(row, status);
    }
  }

  private publish(row: CommandRow, status: CommandStatus): void {
    this.events.publish('command.status_changed', {
      tenantId: row.tenant_id,
      siteId: row.site_id,
      deviceId: row.device_id,
      commandId: row.id,
      commandType: row.type as CommandType,
      status,
      ...(row.message !== null ? { message: row.message } : {}),
      at: row.updated_at.toISOString(),
    });
  }
}
