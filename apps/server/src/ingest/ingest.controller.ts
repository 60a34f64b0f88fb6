import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBasicAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Access } from '../auth/access.decorator.js';
import { IngestService } from './ingest.service.js';

const ingestResultSchema = z.object({
  accepted: z.number().int(),
  rejected: z.number().int(),
  results: z.array(
    z.object({
      status: z.enum(['accepted', 'rejected']),
      metric: z.string().optional(),
      ts: z.string().optional(),
      reason: z.string().optional(),
      detail: z.string().optional(),
    }),
  ),
});

@ApiTags('ingest')
@ApiBasicAuth()
@Controller('api/v1/ingest')
export class IngestController {
  constructor(@Inject(IngestService) private readonly ingest: IngestService) {}

  /**
   * Telemetry over HTTP, in the MQTT telemetry shape (one message or an array, up to 10,000
   * readings), authenticated with the device's credentials (Basic: device id, secret). A 200 means
   * every accepted reading is committed.
   */
  // Any JSON body: the ingest parser judges it reading by reading, keeping the valid ones.
  @Post()
  @HttpCode(200)
  @Access('POST /api/v1/ingest')
  @ApiOkResponse({ description: 'Per-reading results', standardSchema: ingestResultSchema })
  async post(
    @Req() request: FastifyRequest,
    @Body({ schema: z.unknown() }) body: unknown,
  ): Promise<z.infer<typeof ingestResultSchema>> {
    const device = request.device!;
    const outcome = await this.ingest.ingest(device, {
      payload: Buffer.from(JSON.stringify(body ?? null)),
      receivedAt: new Date(),
      transport: 'http',
    });
    return {
      accepted: outcome.accepted,
      rejected: outcome.rejections.length,
      results: [
        ...outcome.readings.map((reading) => ({
          status: 'accepted' as const,
          metric: reading.metric,
          ts: reading.ts.toISOString(),
        })),
        ...outcome.rejections.map((rejection) => ({
          status: 'rejected' as const,
          reason: rejection.reason,
          detail: rejection.detail,
          ...(rejection.metric ? { metric: rejection.metric } : {}),
        })),
      ],
    };
  }
}
