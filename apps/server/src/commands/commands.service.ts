import { Inject, Injectable } from '@nestjs/common';
import {
  checkCommand,
  commandParamsSchemas,
  createCommandSchema,
  paginate,
  type BulkCommandResult,
  type Command,
  type CreateBulkCommand,
  type CreateCommand,
  type DeviceType,
  type ListCommandsQuery,
  type Pagination,
} from '@ecogrid/contracts';
import { randomUUID } from 'node:crypto';
import { AuditService } from '../audit/audit.service.js';
import { tenantScopeOf, type Principal } from '../auth/principal.js';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors.js';
import { issuesToDetails } from '../common/validation.pipe.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import type { ScopedTransaction } from '../database/scope.js';
import { CommandDispatcher } from './command-dispatcher.service.js';
import { CommandLifecycle } from './command-lifecycle.service.js';
import { sameRequest } from './command-rules.js';
import { toCommand } from './commands.mapper.js';
import { CommandsMetrics } from './commands.metrics.js';
import { CommandsRepository, type CommandRow, type CommandTarget } from './commands.repository.js';

/** The most devices one bulk command may address; narrow the tag or name a site beyond it. */
export const BULK_MAX_DEVICES = 1000;
const UNIQUE_VIOLATION = '23505';

export interface CreatedCommand {
  command: Command;
  /** False when the idempotency key named an existing command, which is returned instead. */
  created: boolean;
}

export interface CreatedBulk {
  result: BulkCommandResult;
  created: boolean;
}

/** Two requests with one idempotency key raced; the loser's transaction ended on the unique index. */
function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === UNIQUE_VIOLATION;
}

@Injectable()
export class CommandsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CommandsRepository) private readonly repository: CommandsRepository,
    @Inject(CommandLifecycle) private readonly lifecycle: CommandLifecycle,
    @Inject(CommandDispatcher) private readonly dispatcher: CommandDispatcher,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(CommandsMetrics) private readonly metrics: CommandsMetrics,
  ) {}

  /**
   * A command for one device. The device is looked up before the body is read, so a device the
   * caller cannot see answers 404 whatever the body holds, as everywhere else.
   */
  async create(principal: Principal, deviceId: string, body: unknown): Promise<CreatedCommand> {
    const attempt = () =>
      this.repository.transaction(tenantScopeOf(principal), async (trx) => {
        const device = await this.repository.findDevice(trx, principal.tenantId!, deviceId);
        if (!device) throw new NotFoundError('device');
        const input = parseBody(body);
        const check = checkCommand(device.type as DeviceType, input);
        if (!check.ok)
          throw new ValidationError([{ field: `body.${check.field}`, message: check.message }]);
        if (input.idempotencyKey) {
          const [existing] = await this.repository.findByKey(
            trx,
            [device.id],
            input.idempotencyKey,
          );
          if (existing)
            return { row: this.reuse(existing, check, input.idempotencyKey), created: false };
        }
        const [row] = await this.insert(
          trx,
          principal,
          [device],
          check,
          input.idempotencyKey,
          null,
        );
        return { row: row!, created: true };
      });
    const { row, created } = await this.retryOnKeyRace(attempt);
    if (created) this.afterCreate([row]);
    return { command: toCommand(row), created };
  }

  /** One command to every device carrying a tag; devices whose type does not take it are skipped. */
  async createBulk(principal: Principal, input: CreateBulkCommand): Promise<CreatedBulk> {
    const params = commandParamsSchemas[input.type].safeParse(input.params);
    if (!params.success)
      throw new ValidationError(issuesToDetails(params.error.issues, 'body.params'));
    const attempt = () =>
      this.repository.transaction(tenantScopeOf(principal), async (trx) => {
        const tenantId = principal.tenantId!;
        if (input.siteId && !(await this.repository.siteExists(trx, tenantId, input.siteId))) {
          throw new ValidationError([{ field: 'body.siteId', message: 'no such site' }]);
        }
        const devices = await this.repository.devicesTagged(
          trx,
          tenantId,
          input.tag,
          input.siteId,
          BULK_MAX_DEVICES + 1,
        );
        if (devices.length === 0) {
          throw new ValidationError([
            {
              field: 'body.tag',
              message: `no device${input.siteId ? ' of this site' : ''} carries this tag`,
            },
          ]);
        }
        if (devices.length > BULK_MAX_DEVICES) {
          throw new ValidationError([
            {
              field: 'body.tag',
              message: `more than ${BULK_MAX_DEVICES} devices carry this tag; name a site or a narrower tag`,
            },
          ]);
        }
        const skipped: BulkCommandResult['skipped'] = [];
        const targets: CommandTarget[] = [];
        for (const device of devices) {
          const check = checkCommand(device.type as DeviceType, input);
          if (check.ok) targets.push(device);
          else skipped.push({ deviceId: device.id, reason: check.message });
        }
        const existing = input.idempotencyKey
          ? await this.repository.findByKey(
              trx,
              targets.map((device) => device.id),
              input.idempotencyKey,
            )
          : [];
        const request = { ok: true as const, type: input.type, params: params.data };
        const reused = existing.map((row) => this.reuse(row, request, input.idempotencyKey!));
        const have = new Set(reused.map((row) => row.device_id));
        // A repeat adds commands only for devices tagged since, under the bulk id it had.
        const bulkId = reused[0]?.bulk_id ?? randomUUID();
        const inserted = await this.insert(
          trx,
          principal,
          targets.filter((device) => !have.has(device.id)),
          request,
          input.idempotencyKey,
          bulkId,
        );
        return { bulkId, rows: [...reused, ...inserted], inserted, skipped };
      });
    const { bulkId, rows, inserted, skipped } = await this.retryOnKeyRace(attempt);
    this.afterCreate(inserted);
    rows.sort((a, b) => (a.device_id < b.device_id ? -1 : a.device_id > b.device_id ? 1 : 0));
    return {
      result: { bulkId, commands: rows.map(toCommand), skipped },
      created: inserted.length > 0,
    };
  }

  get(principal: Principal, id: string): Promise<Command> {
    return this.repository.transaction(tenantScopeOf(principal), async (trx) => {
      const row = await this.repository.findById(trx, principal.tenantId!, id);
      if (!row) throw new NotFoundError('command');
      return toCommand(row);
    });
  }

  async listForDevice(
    principal: Principal,
    deviceId: string,
    query: ListCommandsQuery,
  ): Promise<{ data: Command[]; pagination: Pagination }> {
    const { rows, total } = await this.repository.transaction(
      tenantScopeOf(principal),
      async (trx) => {
        if (!(await this.repository.findDevice(trx, principal.tenantId!, deviceId)))
          throw new NotFoundError('device');
        return this.repository.list(trx, principal.tenantId!, { deviceId }, query);
      },
    );
    return { data: rows.map(toCommand), pagination: paginate(query, total) };
  }

  async listForSite(
    principal: Principal,
    siteId: string,
    query: ListCommandsQuery,
  ): Promise<{ data: Command[]; pagination: Pagination }> {
    const { rows, total } = await this.repository.transaction(
      tenantScopeOf(principal),
      async (trx) => {
        if (!(await this.repository.siteExists(trx, principal.tenantId!, siteId)))
          throw new NotFoundError('site');
        return this.repository.list(trx, principal.tenantId!, { siteId }, query);
      },
    );
    return { data: rows.map(toCommand), pagination: paginate(query, total) };
  }

  private async insert(
    trx: ScopedTransaction,
    principal: Principal,
    devices: readonly CommandTarget[],
    request: { type: CreateCommand['type']; params: Record<string, unknown> },
    idempotencyKey: string | undefined,
    bulkId: string | null,
  ): Promise<CommandRow[]> {
    const rows = await this.repository.insertMany(
      trx,
      devices.map((device) => ({
        tenant_id: device.tenant_id,
        site_id: device.site_id,
        device_id: device.id,
        type: request.type,
        params: JSON.stringify(request.params),
        idempotency_key: idempotencyKey ?? null,
        bulk_id: bulkId,
        created_by: principal.userId,
      })),
      this.config.COMMAND_TIMEOUT,
    );
    for (const row of rows) {
      await this.audit.record(trx, {
        action: 'command.create',
        tenantId: row.tenant_id,
        resourceType: 'command',
        resourceId: row.id,
        newValues: toCommand(row),
      });
    }
    return rows;
  }

  /** The command an idempotency key already made, if the request is the same; 409 otherwise. */
  private reuse(
    existing: CommandRow,
    request: { type: string; params: unknown },
    idempotencyKey: string,
  ): CommandRow {
    if (!sameRequest(existing, request)) {
      throw new ConflictError(
        `the idempotency key "${idempotencyKey}" was used for another command (${existing.type} ${JSON.stringify(existing.params)}) of this device`,
      );
    }
    return existing;
  }

  private async retryOnKeyRace<T>(attempt: () => Promise<T>): Promise<T> {
    try {
      return await attempt();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // The other request committed first: this time the lookup finds its command.
      return attempt();
    }
  }

  private afterCreate(rows: readonly CommandRow[]): void {
    if (rows.length === 0) return;
    this.metrics.created.inc(rows.length);
    this.lifecycle.announceCreated(rows);
    this.dispatcher.dispatchCreated(rows.map((row) => row.id));
  }
}

function parseBody(body: unknown): CreateCommand {
  const parsed = createCommandSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError(issuesToDetails(parsed.error.issues, 'body'));
  return parsed.data;
}
