import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  createTenantSchema,
  listTenantsQuerySchema,
  pageOf,
  tenantSchema,
  updateTenantSchema,
  uuidSchema,
  type CreateTenant,
  type ListTenantsQuery,
  type UpdateTenant,
} from '@ecogrid/contracts';
import { Access } from '../auth/access.decorator.js';
import { TenantsService } from './tenants.service.js';

@ApiTags('tenants')
@ApiBearerAuth()
@Controller('api/v1/tenants')
export class TenantsController {
  constructor(@Inject(TenantsService) private readonly tenants: TenantsService) {}

  @Get()
  @Access('GET /api/v1/tenants')
  @ApiOkResponse({ standardSchema: pageOf(tenantSchema) })
  list(@Query({ schema: listTenantsQuerySchema }) query: ListTenantsQuery) {
    return this.tenants.list(query);
  }

  @Post()
  @Access('POST /api/v1/tenants')
  @ApiCreatedResponse({ standardSchema: tenantSchema })
  create(@Body({ schema: createTenantSchema }) body: CreateTenant) {
    return this.tenants.create(body);
  }

  @Get(':id')
  @Access('GET /api/v1/tenants/:id')
  @ApiOkResponse({ standardSchema: tenantSchema })
  get(@Param('id', { schema: uuidSchema }) id: string) {
    return this.tenants.get(id);
  }

  @Patch(':id')
  @Access('PATCH /api/v1/tenants/:id')
  @ApiOkResponse({ standardSchema: tenantSchema })
  update(
    @Param('id', { schema: uuidSchema }) id: string,
    @Body({ schema: updateTenantSchema }) body: UpdateTenant,
  ) {
    return this.tenants.update(id, body);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @Access('POST /api/v1/tenants/:id/suspend')
  @ApiOkResponse({ standardSchema: tenantSchema })
  suspend(@Param('id', { schema: uuidSchema }) id: string) {
    return this.tenants.setStatus(id, 'suspended');
  }

  @Post(':id/activate')
  @HttpCode(200)
  @Access('POST /api/v1/tenants/:id/activate')
  @ApiOkResponse({ standardSchema: tenantSchema })
  activate(@Param('id', { schema: uuidSchema }) id: string) {
    return this.tenants.setStatus(id, 'active');
  }
}
