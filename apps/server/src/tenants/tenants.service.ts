import { Inject, Injectable } from '@nestjs/common';
import {
  paginate,
  type CreateTenant,
  type ListTenantsQuery,
  type Pagination,
  type Tenant,
  type UpdateTenant,
} from '@ecogrid/contracts';
import type { Updateable } from 'kysely';
import { ConflictError, NotFoundError } from '../common/errors.js';
import { AuditService } from '../audit/audit.service.js';
import { AuthRepository } from '../auth/auth.repository.js';
import type { ScopedTransaction } from '../database/scope.js';
import type { Tenants } from '../database/schema.generated.js';
import { TenantsRepository, type TenantRow } from './tenants.repository.js';

export function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    status: row.status as Tenant['status'],
    settings: (row.settings ?? {}) as Record<string, unknown>,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

@Injectable()
export class TenantsService {
  constructor(
    @Inject(TenantsRepository) private readonly repository: TenantsRepository,
    @Inject(AuthRepository) private readonly sessions: AuthRepository,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async list(query: ListTenantsQuery): Promise<{ data: Tenant[]; pagination: Pagination }> {
    const { rows, total } = await this.repository.transaction((trx) =>
      this.repository.list(trx, query),
    );
    return { data: rows.map(toTenant), pagination: paginate(query, total) };
  }

  get(id: string): Promise<Tenant> {
    return this.repository.transaction(async (trx) => toTenant(await this.find(trx, id)));
  }

  create(input: CreateTenant): Promise<Tenant> {
    return this.repository.transaction(async (trx) => {
      if (await this.repository.findBySlug(trx, input.slug)) {
        throw new ConflictError(`the slug "${input.slug}" is taken`);
      }
      const row = await this.repository.insert(trx, {
        name: input.name,
        slug: input.slug,
        settings: input.settings ?? {},
      });
      await this.audit.record(trx, {
        action: 'tenant.create',
        tenantId: row.id,
        resourceType: 'tenant',
        resourceId: row.id,
        newValues: toTenant(row),
      });
      return toTenant(row);
    });
  }

  update(id: string, input: UpdateTenant): Promise<Tenant> {
    return this.repository.transaction(async (trx) => {
      const before = await this.find(trx, id);
      const changes: Updateable<Tenants> = {};
      if (input.name !== undefined) changes.name = input.name;
      if (input.settings !== undefined) changes.settings = JSON.stringify(input.settings);
      const after = await this.repository.update(trx, id, changes);
      await this.audit.record(trx, {
        action: 'tenant.update',
        tenantId: id,
        resourceType: 'tenant',
        resourceId: id,
        oldValues: toTenant(before),
        newValues: toTenant(after),
      });
      return toTenant(after);
    });
  }

  /** Suspending ends every session of the tenant's users; they cannot sign in until reactivated. */
  setStatus(id: string, status: 'active' | 'suspended'): Promise<Tenant> {
    return this.repository.transaction(async (trx) => {
      const before = await this.find(trx, id);
      const after = await this.repository.update(trx, id, { status });
      const ended =
        status === 'suspended'
          ? await this.sessions.revokeTenantSessions(trx, id, 'tenant suspended')
          : 0;
      await this.audit.record(trx, {
        action: status === 'suspended' ? 'tenant.suspend' : 'tenant.activate',
        tenantId: id,
        resourceType: 'tenant',
        resourceId: id,
        oldValues: { status: before.status },
        newValues: { status, sessionsEnded: ended },
      });
      return toTenant(after);
    });
  }

  private async find(trx: ScopedTransaction, id: string): Promise<TenantRow> {
    const row = await this.repository.findById(trx, id);
    if (!row) throw new NotFoundError('tenant');
    return row;
  }
}
