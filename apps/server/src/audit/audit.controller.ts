import { Controller, Get, Header, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  auditEntrySchema,
  exportAuditQuerySchema,
  listAuditQuerySchema,
  pageOf,
  paginate,
  type AuditEntry,
  type ListAuditQuery,
} from '@ecogrid/contracts';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { csvLine } from '../common/csv.js';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import type { AuditRow } from './audit.repository.js';
import { AuditService } from './audit.service.js';

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: String(row.id),
    tenantId: row.tenant_id,
    userId: row.user_id,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    oldValues: row.old_values,
    newValues: row.new_values,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    createdAt: row.created_at.toISOString(),
  };
}

const CSV_COLUMNS = [
  'createdAt',
  'userId',
  'action',
  'resourceType',
  'resourceId',
  'oldValues',
  'newValues',
  'ip',
  'userAgent',
  'requestId',
] as const;

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class AuditController {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  @Get()
  @Access('GET /api/v1/audit')
  @ApiOkResponse({ standardSchema: pageOf(auditEntrySchema) })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query({ schema: listAuditQuerySchema }) query: ListAuditQuery,
  ) {
    const { page, limit, ...filter } = query;
    const { rows, total } = await this.audit.list(principal.tenantId!, filter, {
      limit,
      offset: (page - 1) * limit,
    });
    return { data: rows.map(toEntry), pagination: paginate(query, total) };
  }

  @Get('export')
  @Access('GET /api/v1/audit/export')
  @Header('cache-control', 'no-store')
  @ApiProduces('text/csv')
  exportCsv(
    @CurrentPrincipal() principal: Principal,
    @Query({ schema: exportAuditQuerySchema }) filter: Omit<ListAuditQuery, 'page' | 'limit'>,
    @Res() reply: FastifyReply,
  ): FastifyReply {
    const batches = this.audit.stream(principal.tenantId!, filter);
    async function* lines() {
      yield csvLine(CSV_COLUMNS);
      for await (const batch of batches) {
        for (const row of batch) {
          const entry = toEntry(row);
          yield csvLine(CSV_COLUMNS.map((column) => entry[column]));
        }
      }
    }
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="audit-${stamp}.csv"`)
      .send(Readable.from(lines()));
  }
}
