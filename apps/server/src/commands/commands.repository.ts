import { Inject, Injectable } from '@nestjs/common';
import type { CommandStatus, ListCommandsQuery } from '@ecogrid/contracts';
import { sql, type Insertable, type Selectable } from 'kysely';
import { Database } from '../database/database.js';
import { listPage, sortBy } from '../database/list-page.js';
import { inScope, type DataScope, type ScopedTransaction } from '../database/scope.js';
import type { Commands, DB } from '../database/schema.generated.js';
import { OPEN_COMMAND_STATUSES } from './command-rules.js';

export type CommandRow = Selectable<Commands>;
export type NewCommand = Insertable<Commands>;

/** A command after a status move, with the status it left. */
export type MovedCommand = CommandRow & { previous: CommandStatus };

/** What a command needs to know about its device. */
export interface CommandTarget {
  id: string;
  tenant_id: string;
  site_id: string;
  type: string;
}

/** Which open commands a dispatcher claims. */
export interface ClaimFilter {
  statuses: readonly CommandStatus[];
  commandIds?: readonly string[];
  /** Only commands of these devices (those the broker can reach now). */
  deviceIds?: readonly string[];
  /** Only commands of devices whose recorded status is online. */
  onlineDevicesOnly: boolean;
  limit: number;
  claimSeconds: number;
}

const TERMINAL_SQL = sql`('rejected', 'completed', 'failed', 'expired')`;

@Injectable()
export class CommandsRepository {
  constructor(@Inject(Database) private readonly database: Database) {}

  transaction<T>(scope: DataScope, work: (trx: ScopedTransaction) => Promise<T>): Promise<T> {
    return inScope(this.database.db, scope, work);
  }

  findDevice(
    trx: ScopedTransaction,
    tenantId: string,
    deviceId: string,
  ): Promise<CommandTarget | undefined> {
    return trx
      .selectFrom('devices')
      .select(['id', 'tenant_id', 'site_id', 'type'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', deviceId)
      .executeTakeFirst();
  }

  async siteExists(trx: ScopedTransaction, tenantId: string, siteId: string): Promise<boolean> {
    const row = await trx
      .selectFrom('sites')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', siteId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The devices carrying a tag (of one site, when given), at most `limit`, in id order. */
  devicesTagged(
    trx: ScopedTransaction,
    tenantId: string,
    tag: string,
    siteId: string | undefined,
    limit: number,
  ): Promise<CommandTarget[]> {
    let query = trx
      .selectFrom('devices')
      .select(['id', 'tenant_id', 'site_id', 'type'])
      .where('tenant_id', '=', tenantId)
      .where(sql<boolean>`${tag} = any(tags)`);
    if (siteId) query = query.where('site_id', '=', siteId);
    return query.orderBy('id').limit(limit).execute();
  }

  findById(trx: ScopedTransaction, tenantId: string, id: string): Promise<CommandRow | undefined> {
    return trx
      .selectFrom('commands')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** The commands made with this idempotency key, for each of these devices that has one. */
  findByKey(
    trx: ScopedTransaction,
    deviceIds: readonly string[],
    idempotencyKey: string,
  ): Promise<CommandRow[]> {
    if (deviceIds.length === 0) return Promise.resolve([]);
    return trx
      .selectFrom('commands')
      .selectAll()
      .where('device_id', 'in', deviceIds)
      .where('idempotency_key', '=', idempotencyKey)
      .execute();
  }

  /** Inserts commands; each expires `timeoutSeconds` after its creation. */
  insertMany(
    trx: ScopedTransaction,
    commands: readonly Omit<NewCommand, 'expires_at'>[],
    timeoutSeconds: number,
  ): Promise<CommandRow[]> {
    if (commands.length === 0) return Promise.resolve([]);
    return trx
      .insertInto('commands')
      .values(
        commands.map((command) => ({
          ...command,
          expires_at: sql<Date>`now() + make_interval(secs => ${timeoutSeconds})`,
        })),
      )
      .returningAll()
      .execute();
  }

  async list(
    trx: ScopedTransaction,
    tenantId: string,
    owner: { deviceId: string } | { siteId: string },
    query: ListCommandsQuery,
  ): Promise<{ rows: CommandRow[]; total: number }> {
    let filtered = trx.selectFrom('commands').where('tenant_id', '=', tenantId);
    filtered =
      'deviceId' in owner
        ? filtered.where('device_id', '=', owner.deviceId)
        : filtered.where('site_id', '=', owner.siteId);
    if (query.status) filtered = filtered.where('status', '=', query.status);
    if (query.type) filtered = filtered.where('type', '=', query.type);
    return listPage<DB, 'commands', CommandRow>(
      filtered,
      sortBy(sql`created_at`, query.sort.startsWith('-')),
      query,
    );
  }

  /**
   * Claims open commands for publishing: each is held for `claimSeconds`, so another replica's
   * dispatcher (or this one's sweep) skips it; rows another transaction holds are skipped too.
   */
  claimForDispatch(trx: ScopedTransaction, filter: ClaimFilter): Promise<CommandRow[]> {
    return trx
      .updateTable('commands')
      .set({ claimed_until: sql<Date>`now() + make_interval(secs => ${filter.claimSeconds})` })
      .where('id', 'in', (eb) => {
        let open = eb
          .selectFrom('commands as open')
          .select('open.id')
          .where('open.status', 'in', filter.statuses)
          .where('open.expires_at', '>', sql<Date>`now()`)
          .where((where) =>
            where.or([
              where('open.claimed_until', 'is', null),
              where('open.claimed_until', '<', sql<Date>`now()`),
            ]),
          );
        // One array parameter, not one per id: the embedded broker may hold many devices.
        if (filter.commandIds)
          open = open.where(sql<boolean>`open.id = any(${sql.val(filter.commandIds)}::uuid[])`);
        if (filter.deviceIds)
          open = open.where(
            sql<boolean>`open.device_id = any(${sql.val(filter.deviceIds)}::uuid[])`,
          );
        if (filter.onlineDevicesOnly) {
          open = open.where((where) =>
            where.exists(
              where
                .selectFrom('devices')
                .select('devices.id')
                .whereRef('devices.id', '=', 'open.device_id')
                .where('devices.status', '=', 'online'),
            ),
          );
        }
        return open.orderBy('open.created_at').limit(filter.limit).forUpdate().skipLocked();
      })
      .returningAll()
      .execute();
  }

  async releaseClaims(trx: ScopedTransaction, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await trx.updateTable('commands').set({ claimed_until: null }).where('id', 'in', ids).execute();
  }

  /**
   * Moves commands to `to` when their status is one of `from` (a conditional update: a command
   * already elsewhere is left alone). With `deviceId`, only that device's commands move.
   */
  async move(
    trx: ScopedTransaction,
    ids: readonly string[],
    to: CommandStatus,
    from: readonly CommandStatus[],
    details: { message?: string | undefined; deviceId?: string } = {},
  ): Promise<MovedCommand[]> {
    if (ids.length === 0 || from.length === 0) return [];
    const result = await sql<MovedCommand>`
      with before as (
        select id, status from commands
        where id = any(${sql.val(ids)}::uuid[])
          ${details.deviceId ? sql`and device_id = ${details.deviceId}` : sql``}
        order by id
        for update
      )
      update commands c
      set status = ${to},
          message = coalesce(${details.message ?? null}::text, c.message),
          updated_at = now(),
          sent_at = case when ${to} = 'sent' then now() else c.sent_at end,
          finished_at = case when ${to} in ${TERMINAL_SQL} then now() else null end,
          claimed_until = null
      from before
      where c.id = before.id and before.status = any(${sql.val(from)}::text[])
      returning c.*, before.status as previous`.execute(trx);
    return result.rows;
  }

  /** The status of a device's command, or undefined when the device has no such command. */
  async statusOf(
    trx: ScopedTransaction,
    id: string,
    deviceId: string,
  ): Promise<CommandStatus | undefined> {
    const row = await trx
      .selectFrom('commands')
      .select('status')
      .where('id', '=', id)
      .where('device_id', '=', deviceId)
      .executeTakeFirst();
    return row?.status as CommandStatus | undefined;
  }

  /**
   * Ends, as expired, open commands whose deadline passed more than `graceSeconds` ago; rows
   * another transaction holds (an acknowledgement being recorded) are left to the next sweep.
   */
  async expireOverdue(
    trx: ScopedTransaction,
    graceSeconds: number,
    message: string,
    limit: number,
  ): Promise<MovedCommand[]> {
    const result = await sql<MovedCommand>`
      with overdue as (
        select id, status from commands
        where status = any(${sql.val(OPEN_COMMAND_STATUSES)}::text[])
          and expires_at < now() - make_interval(secs => ${graceSeconds})
        order by expires_at
        limit ${limit}
        for update skip locked
      )
      update commands c
      set status = 'expired', message = ${message}, updated_at = now(), finished_at = now(),
          claimed_until = null
      from overdue
      where c.id = overdue.id
      returning c.*, overdue.status as previous`.execute(trx);
    return result.rows;
  }
}
