import { Inject, Injectable } from '@nestjs/common';
import {
  paginate,
  type BulkTag,
  type CreateDevice,
  type Device,
  type DeviceCredentials,
  type ListDevicesQuery,
  type Pagination,
  type UpdateDevice,
} from '@ecogrid/contracts';
import type { Updateable } from 'kysely';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors.js';
import { AuditService } from '../audit/audit.service.js';
import { tenantScopeOf, type Principal } from '../auth/principal.js';
import type { ScopedTransaction } from '../database/scope.js';
import type { Devices } from '../database/schema.generated.js';
import { SitesRepository } from '../sites/sites.repository.js';
import { validateDeviceConfig } from './device-config.js';
import { newDeviceSecret } from './device-secrets.js';
import { toDevice } from './devices.mapper.js';
import { DevicesRepository, type DeviceRow } from './devices.repository.js';

export interface CreatedDevice {
  device: Device;
  credentials: DeviceCredentials;
}

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class DevicesService {
  constructor(
    @Inject(DevicesRepository) private readonly repository: DevicesRepository,
    @Inject(SitesRepository) private readonly sites: SitesRepository,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async list(
    principal: Principal,
    query: ListDevicesQuery,
  ): Promise<{ data: Device[]; pagination: Pagination }> {
    const { rows, total } = await this.repository.transaction(tenantScopeOf(principal), (trx) =>
      this.repository.list(trx, principal.tenantId!, query),
    );
    return { data: rows.map(toDevice), pagination: paginate(query, total) };
  }

  get(principal: Principal, id: string): Promise<Device> {
    return this.repository.transaction(tenantScopeOf(principal), async (trx) =>
      toDevice(await this.find(trx, principal, id)),
    );
  }

  create(principal: Principal, input: CreateDevice): Promise<CreatedDevice> {
    return this.repository.transaction(tenantScopeOf(principal), (trx) =>
      this.createIn(trx, principal, input, 'body'),
    );
  }

  /** Creates one device with its credentials inside the caller's transaction. */
  async createIn(
    trx: ScopedTransaction,
    principal: Principal,
    input: CreateDevice,
    location: string,
  ): Promise<CreatedDevice> {
    const config = validateDeviceConfig(input.type, input.config, `${location}.config`);
    if (!config.ok) throw new ValidationError(config.details);
    if (!(await this.sites.findById(trx, principal.tenantId!, input.siteId))) {
      throw new ValidationError([{ field: `${location}.siteId`, message: 'no such site' }]);
    }
    const row = await this.insertUnique(trx, {
      tenant_id: principal.tenantId!,
      site_id: input.siteId,
      type: input.type,
      name: input.name,
      manufacturer: input.manufacturer ?? null,
      model: input.model ?? null,
      serial: input.serial ?? null,
      rated_power_kw: input.ratedPowerKw ?? null,
      capacity_kwh: input.capacityKwh ?? null,
      config: JSON.stringify(config.config),
      firmware_version: input.firmwareVersion ?? null,
      tags: input.tags,
    });
    const { secret, hash } = newDeviceSecret();
    await this.repository.setSecret(trx, row.id, row.tenant_id, hash, false);
    const device = toDevice(row);
    await this.audit.record(trx, {
      action: 'device.create',
      resourceType: 'device',
      resourceId: row.id,
      newValues: device,
    });
    return { device, credentials: { username: row.id, secret } };
  }

  update(principal: Principal, id: string, input: UpdateDevice): Promise<Device> {
    return this.repository.transaction(tenantScopeOf(principal), async (trx) => {
      const before = await this.find(trx, principal, id);
      const changes: Updateable<Devices> = {};
      if (input.config !== undefined) {
        const config = validateDeviceConfig(before.type as Device['type'], input.config);
        if (!config.ok) throw new ValidationError(config.details);
        changes.config = JSON.stringify(config.config);
      }
      if (input.name !== undefined) changes.name = input.name;
      if (input.manufacturer !== undefined) changes.manufacturer = input.manufacturer;
      if (input.model !== undefined) changes.model = input.model;
      if (input.serial !== undefined) changes.serial = input.serial;
      if (input.ratedPowerKw !== undefined) changes.rated_power_kw = input.ratedPowerKw;
      if (input.capacityKwh !== undefined) changes.capacity_kwh = input.capacityKwh;
      if (input.firmwareVersion !== undefined) changes.firmware_version = input.firmwareVersion;
      if (input.tags !== undefined) changes.tags = input.tags;
      const after = await this.repository.update(trx, id, changes);
      await this.audit.record(trx, {
        action: 'device.update',
        resourceType: 'device',
        resourceId: id,
        oldValues: toDevice(before),
        newValues: toDevice(after),
      });
      return toDevice(after);
    });
  }

  remove(principal: Principal, id: string): Promise<void> {
    return this.repository.transaction(tenantScopeOf(principal), async (trx) => {
      const before = await this.find(trx, principal, id);
      await this.repository.delete(trx, id);
      await this.audit.record(trx, {
        action: 'device.delete',
        resourceType: 'device',
        resourceId: id,
        oldValues: toDevice(before),
      });
    });
  }

  /** A new secret, shown once; the old one stops working at once. */
  rotateSecret(principal: Principal, id: string): Promise<DeviceCredentials> {
    return this.repository.transaction(tenantScopeOf(principal), async (trx) => {
      const device = await this.find(trx, principal, id);
      const { secret, hash } = newDeviceSecret();
      await this.repository.setSecret(trx, device.id, device.tenant_id, hash, true);
      await this.audit.record(trx, {
        action: 'device.rotate_secret',
        resourceType: 'device',
        resourceId: id,
      });
      return { username: device.id, secret };
    });
  }

  bulkTag(principal: Principal, input: BulkTag): Promise<{ updated: number }> {
    return this.repository.transaction(tenantScopeOf(principal), async (trx) => {
      const updated = await this.repository.retag(
        trx,
        principal.tenantId!,
        input.deviceIds,
        input.add,
        input.remove,
      );
      await this.audit.record(trx, {
        action: 'device.bulk_tag',
        resourceType: 'device',
        newValues: {
          devices: input.deviceIds.length,
          updated,
          add: input.add,
          remove: input.remove,
        },
      });
      return { updated };
    });
  }

  private async insertUnique(
    trx: ScopedTransaction,
    device: Parameters<DevicesRepository['insert']>[1],
  ): Promise<DeviceRow> {
    try {
      return await this.repository.insert(trx, device);
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new ConflictError(
          `a device with serial "${String(device.serial)}" from this manufacturer exists`,
        );
      }
      throw error;
    }
  }

  private async find(trx: ScopedTransaction, principal: Principal, id: string): Promise<DeviceRow> {
    const row = await this.repository.findById(trx, principal.tenantId!, id);
    if (!row) throw new NotFoundError('device');
    return row;
  }
}
