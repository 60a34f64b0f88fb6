import { Inject, Injectable } from '@nestjs/common';
import {
  DEFAULT_TARIFF,
  paginate,
  type CreateSite,
  type ListSitesQuery,
  type Pagination,
  type Site,
  type UpdateSite,
} from '@ecogrid/contracts';
import type { Updateable } from 'kysely';
import { NotFoundError } from '../common/errors.js';
import { AuditService } from '../audit/audit.service.js';
import { tenantScopeOf, type Principal } from '../auth/principal.js';
import type { ScopedTransaction } from '../database/scope.js';
import type { Sites } from '../database/schema.generated.js';
import { toSite } from './sites.mapper.js';
import { SitesRepository, type SiteRow } from './sites.repository.js';

@Injectable()
export class SitesService {
  constructor(
    @Inject(SitesRepository) private readonly repository: SitesRepository,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async list(
    principal: Principal,
    query: ListSitesQuery,
  ): Promise<{ data: Site[]; pagination: Pagination }> {
    const { rows, total } = await this.repository.transaction(tenantScopeOf(principal), (trx) =>
      this.repository.list(trx, principal.tenantId!, query),
    );
    return { data: rows.map(toSite), pagination: paginate(query, total) };
  }

  get(principal: Principal, id: string): Promise<Site> {
    return this.repository.transaction(tenantScopeOf(principal), async (trx) =>
      toSite(await this.find(trx, principal, id)),
    );
  }

  create(principal: Principal, input: CreateSite): Promise<Site> {
    return this.repository.transaction(tenantScopeOf(principal), async (trx) => {
      const row = await this.repository.insert(trx, {
        tenant_id: principal.tenantId!,
        name: input.name,
        address: input.address ?? null,
        latitude: input.latitude,
        longitude: input.longitude,
        timezone: input.timezone,
        capacity_kw: input.capacityKw,
        grid_limit_kw: input.gridLimitKw ?? null,
        tariff: JSON.stringify(input.tariff ?? DEFAULT_TARIFF),
        co2_factor_g_per_kwh: input.co2FactorGPerKwh,
        tags: input.tags,
      });
      const site = toSite(row);
      await this.audit.record(trx, {
        action: 'site.create',
        resourceType: 'site',
        resourceId: row.id,
        newValues: site,
      });
      return site;
    });
  }

  update(principal: Principal, id: string, input: UpdateSite): Promise<Site> {
    return this.repository.transaction(tenantScopeOf(principal), async (trx) => {
      const before = await this.find(trx, principal, id);
      const changes: Updateable<Sites> = {};
      if (input.name !== undefined) changes.name = input.name;
      if (input.address !== undefined) changes.address = input.address;
      if (input.latitude !== undefined) changes.latitude = input.latitude;
      if (input.longitude !== undefined) changes.longitude = input.longitude;
      if (input.timezone !== undefined) changes.timezone = input.timezone;
      if (input.capacityKw !== undefined) changes.capacity_kw = input.capacityKw;
      if (input.gridLimitKw !== undefined) changes.grid_limit_kw = input.gridLimitKw;
      if (input.tariff !== undefined) changes.tariff = JSON.stringify(input.tariff);
      if (input.co2FactorGPerKwh !== undefined)
        changes.co2_factor_g_per_kwh = input.co2FactorGPerKwh;
      if (input.tags !== undefined) changes.tags = input.tags;
      const after = await this.repository.update(trx, id, changes);
      await this.audit.record(trx, {
        action: 'site.update',
        resourceType: 'site',
        resourceId: id,
        oldValues: toSite(before),
        newValues: toSite(after),
      });
      return toSite(after);
    });
  }

  /** Deleting a site deletes its devices (and, with them, their telemetry). */
  remove(principal: Principal, id: string): Promise<void> {
    return this.repository.transaction(tenantScopeOf(principal), async (trx) => {
      const before = await this.find(trx, principal, id);
      const devices = await this.repository.countDevices(trx, id);
      await this.repository.delete(trx, id);
      await this.audit.record(trx, {
        action: 'site.delete',
        resourceType: 'site',
        resourceId: id,
        oldValues: { ...toSite(before), devices },
      });
    });
  }

  private async find(trx: ScopedTransaction, principal: Principal, id: string): Promise<SiteRow> {
    const row = await this.repository.findById(trx, principal.tenantId!, id);
    if (!row) throw new NotFoundError('site');
    return row;
  }
}
