import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { paginate, paginationQuerySchema } from '@ecogrid/contracts';
import { z } from 'zod';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { REJECT_REASONS } from './core/index.js';
import { DeadLettersRepository } from './dead-letters.repository.js';

const deadLettersQuerySchema = paginationQuerySchema.extend({
  reason: z.enum(REJECT_REASONS).optional(),
});

/** Rejected telemetry of the tenant, newest first: what was refused, from which device, and why. */
@ApiTags('ingest')
@ApiBearerAuth()
@Controller('api/v1/ingest/dead-letters')
export class DeadLettersController {
  constructor(@Inject(DeadLettersRepository) private readonly deadLetters: DeadLettersRepository) {}

  @Get()
  @Access('GET /api/v1/ingest/dead-letters')
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query({ schema: deadLettersQuerySchema }) query: z.infer<typeof deadLettersQuerySchema>,
  ) {
    const { rows, total } = await this.deadLetters.list(
      principal.tenantId!,
      { limit: query.limit, offset: (query.page - 1) * query.limit },
      query.reason,
    );
    return {
      data: rows.map((row) => ({
        id: String(row.id),
        deviceId: row.device_id,
        reason: row.reason,
        detail: row.detail,
        metric: row.metric,
        raw: row.raw,
        transport: row.transport,
        receivedAt: row.received_at.toISOString(),
      })),
      pagination: paginate(query, total),
    };
  }
}
