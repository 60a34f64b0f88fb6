import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { healthReportSchema, type HealthReport } from '@ecogrid/contracts';
import type { FastifyReply } from 'fastify';
import { Access } from '../auth/access.decorator.js';
import { HealthService } from './health.service.js';

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  constructor(@Inject(HealthService) private readonly health: HealthService) {}

  /** Liveness: the process answers. */
  @Get()
  @Access('GET /api/health')
  @Header('cache-control', 'no-store')
  @ApiOkResponse({ description: 'The process is alive', standardSchema: healthReportSchema })
  live(): HealthReport {
    return this.health.liveness();
  }

  /** Readiness: every dependency is up and this instance is not shutting down. */
  @Get('ready')
  @Access('GET /api/health/ready')
  @Header('cache-control', 'no-store')
  @ApiOkResponse({ description: 'Ready for traffic', standardSchema: healthReportSchema })
  @ApiServiceUnavailableResponse({
    description: 'A dependency is down, or the instance is shutting down',
    standardSchema: healthReportSchema,
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const report = await this.health.readiness();
    void reply.status(report.status === 'ok' ? 200 : 503);
    return report;
  }
}
