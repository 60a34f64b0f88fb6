import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  bulkTagResultSchema,
  bulkTagSchema,
  createDeviceSchema,
  deviceCredentialsSchema,
  deviceSchema,
  importResultSchema,
  listDevicesQuerySchema,
  pageOf,
  updateDeviceSchema,
  uuidSchema,
  type BulkTag,
  type CreateDevice,
  type ListDevicesQuery,
  type UpdateDevice,
} from '@ecogrid/contracts';
import { z } from 'zod';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { DeviceImportService, IMPORT_COLUMNS } from './device-import.service.js';
import { DevicesService } from './devices.service.js';

const csvBodySchema = z
  .string({ error: 'send the CSV as text/csv' })
  .min(1)
  .max(16 * 1024 * 1024);
const createdDeviceSchema = z.object({
  device: deviceSchema,
  credentials: deviceCredentialsSchema,
});

@ApiTags('devices')
@ApiBearerAuth()
@Controller('api/v1/devices')
export class DevicesController {
  constructor(
    @Inject(DevicesService) private readonly devices: DevicesService,
    @Inject(DeviceImportService) private readonly importer: DeviceImportService,
  ) {}

  @Get()
  @Access('GET /api/v1/devices')
  @ApiOkResponse({ standardSchema: pageOf(deviceSchema) })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query({ schema: listDevicesQuerySchema }) query: ListDevicesQuery,
  ) {
    return this.devices.list(principal, query);
  }

  @Post()
  @Access('POST /api/v1/devices')
  @ApiCreatedResponse({
    description: 'The device and its credentials; the secret is shown only now',
    standardSchema: createdDeviceSchema,
  })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body({ schema: createDeviceSchema }) body: CreateDevice,
  ) {
    return this.devices.create(principal, body);
  }

  @Post('import')
  @HttpCode(200)
  @Access('POST /api/v1/devices/import')
  @ApiConsumes('text/csv')
  @ApiBody({
    description: `CSV with a header row; columns: ${IMPORT_COLUMNS.join(', ')} (tags separated by ";", config as JSON)`,
  })
  @ApiOkResponse({ standardSchema: importResultSchema })
  import(@CurrentPrincipal() principal: Principal, @Body({ schema: csvBodySchema }) csv: string) {
    return this.importer.import(principal, csv);
  }

  @Post('tags')
  @HttpCode(200)
  @Access('POST /api/v1/devices/tags')
  @ApiOkResponse({ standardSchema: bulkTagResultSchema })
  bulkTag(
    @CurrentPrincipal() principal: Principal,
    @Body({ schema: bulkTagSchema }) body: BulkTag,
  ) {
    return this.devices.bulkTag(principal, body);
  }

  @Get(':id')
  @Access('GET /api/v1/devices/:id')
  @ApiOkResponse({ standardSchema: deviceSchema })
  get(@CurrentPrincipal() principal: Principal, @Param('id', { schema: uuidSchema }) id: string) {
    return this.devices.get(principal, id);
  }

  @Patch(':id')
  @Access('PATCH /api/v1/devices/:id')
  @ApiOkResponse({ standardSchema: deviceSchema })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', { schema: uuidSchema }) id: string,
    @Body({ schema: updateDeviceSchema }) body: UpdateDevice,
  ) {
    return this.devices.update(principal, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Access('DELETE /api/v1/devices/:id')
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('id', { schema: uuidSchema }) id: string,
  ) {
    await this.devices.remove(principal, id);
  }

  @Post(':id/credentials')
  @HttpCode(200)
  @Access('POST /api/v1/devices/:id/credentials')
  @ApiOkResponse({
    description: 'A new secret, shown only now; the old one stops working',
    standardSchema: deviceCredentialsSchema,
  })
  rotate(
    @CurrentPrincipal() principal: Principal,
    @Param('id', { schema: uuidSchema }) id: string,
  ) {
    return this.devices.rotateSecret(principal, id);
  }
}
