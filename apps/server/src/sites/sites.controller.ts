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
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  createSiteSchema,
  listSitesQuerySchema,
  pageOf,
  siteSchema,
  updateSiteSchema,
  uuidSchema,
  type CreateSite,
  type ListSitesQuery,
  type UpdateSite,
} from '@ecogrid/contracts';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { SitesService } from './sites.service.js';

@ApiTags('sites')
@ApiBearerAuth()
@Controller('api/v1/sites')
export class SitesController {
  constructor(@Inject(SitesService) private readonly sites: SitesService) {}

  @Get()
  @Access('GET /api/v1/sites')
  @ApiOkResponse({ standardSchema: pageOf(siteSchema) })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query({ schema: listSitesQuerySchema }) query: ListSitesQuery,
  ) {
    return this.sites.list(principal, query);
  }

  @Post()
  @Access('POST /api/v1/sites')
  @ApiCreatedResponse({ standardSchema: siteSchema })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body({ schema: createSiteSchema }) body: CreateSite,
  ) {
    return this.sites.create(principal, body);
  }

  @Get(':id')
  @Access('GET /api/v1/sites/:id')
  @ApiOkResponse({ standardSchema: siteSchema })
  get(@CurrentPrincipal() principal: Principal, @Param('id', { schema: uuidSchema }) id: string) {
    return this.sites.get(principal, id);
  }

  @Patch(':id')
  @Access('PATCH /api/v1/sites/:id')
  @ApiOkResponse({ standardSchema: siteSchema })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', { schema: uuidSchema }) id: string,
    @Body({ schema: updateSiteSchema }) body: UpdateSite,
  ) {
    return this.sites.update(principal, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Access('DELETE /api/v1/sites/:id')
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('id', { schema: uuidSchema }) id: string,
  ) {
    await this.sites.remove(principal, id);
  }
}
