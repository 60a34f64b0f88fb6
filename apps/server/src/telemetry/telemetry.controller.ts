import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  energyQuerySchema,
  fleetSummarySchema,
  latestValuesSchema,
  siteEnergySchema,
  telemetryQuerySchema,
  telemetrySeriesSchema,
  uuidSchema,
  type EnergyQuery,
  type TelemetryQuery,
} from '@ecogrid/contracts';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { TelemetryQueriesService } from './telemetry-queries.service.js';

function sendCsv(reply: FastifyReply, name: string, lines: AsyncGenerator<string>): FastifyReply {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .header('cache-control', 'no-store')
    .send(Readable.from(lines));
}

@ApiTags('telemetry')
@ApiBearerAuth()
@Controller('api/v1')
export class TelemetryController {
  constructor(
    @Inject(TelemetryQueriesService) private readonly telemetry: TelemetryQueriesService,
  ) {}

  @Get('devices/:id/telemetry')
  @Access('GET /api/v1/devices/:id/telemetry')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description: 'Series per metric; format=csv streams rows',
    standardSchema: telemetrySeriesSchema,
  })
  async series(
    @CurrentPrincipal() principal: Principal,
    @Param('id', { schema: uuidSchema }) id: string,
    @Query({ schema: telemetryQuerySchema }) query: TelemetryQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (query.format === 'csv')
      return sendCsv(reply, `telemetry-${id}`, this.telemetry.seriesCsv(principal, id, query));
    return this.telemetry.series(principal, id, query);
  }

  @Get('devices/:id/latest')
  @Access('GET /api/v1/devices/:id/latest')
  @ApiOkResponse({ standardSchema: latestValuesSchema })
  latest(
    @CurrentPrincipal() principal: Principal,
    @Param('id', { schema: uuidSchema }) id: string,
  ) {
    return this.telemetry.latest(principal, id);
  }

  @Get('sites/:id/energy')
  @Access('GET /api/v1/sites/:id/energy')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ standardSchema: siteEnergySchema })
  async energy(
    @CurrentPrincipal() principal: Principal,
    @Param('id', { schema: uuidSchema }) id: string,
    @Query({ schema: energyQuerySchema }) query: EnergyQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (query.format === 'csv')
      return sendCsv(reply, `energy-${id}`, this.telemetry.siteEnergyCsv(principal, id, query));
    return this.telemetry.siteEnergy(principal, id, query);
  }

  @Get('fleet/summary')
  @Access('GET /api/v1/fleet/summary')
  @ApiOkResponse({ standardSchema: fleetSummarySchema })
  summary(@CurrentPrincipal() principal: Principal) {
    return this.telemetry.fleetSummary(principal);
  }
}
