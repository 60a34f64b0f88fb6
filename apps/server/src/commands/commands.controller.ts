import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  bulkCommandResultSchema,
  commandSchema,
  createBulkCommandSchema,
  createCommandSchema,
  listCommandsQuerySchema,
  pageOf,
  uuidSchema,
  type CreateBulkCommand,
  type ListCommandsQuery,
} from '@ecogrid/contracts';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { CommandsService } from './commands.service.js';

const createCommandBody = z.toJSONSchema(createCommandSchema, {
  target: 'openapi-3.0',
  io: 'input',
  unrepresentable: 'any',
});

@ApiTags('commands')
@ApiBearerAuth()
@Controller('api/v1')
export class CommandsController {
  constructor(@Inject(CommandsService) private readonly commands: CommandsService) {}

  @Post('devices/:id/commands')
  @HttpCode(201)
  @Access('POST /api/v1/devices/:id/commands')
  // The service reads the body after finding the device: one the caller cannot see is a 404.
  @ApiBody({ schema: createCommandBody as object })
  @ApiCreatedResponse({ description: 'A new command', standardSchema: commandSchema })
  @ApiOkResponse({
    description: 'The command this idempotency key already made (same type and params)',
    standardSchema: commandSchema,
  })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Param('id', { schema: uuidSchema }) id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { command, created } = await this.commands.create(principal, id, body);
    if (!created) void reply.status(200);
    return command;
  }

  @Get('devices/:id/commands')
  @Access('GET /api/v1/devices/:id/commands')
  @ApiOkResponse({ standardSchema: pageOf(commandSchema) })
  listForDevice(
    @CurrentPrincipal() principal: Principal,
    @Param('id', { schema: uuidSchema }) id: string,
    @Query({ schema: listCommandsQuerySchema }) query: ListCommandsQuery,
  ) {
    return this.commands.listForDevice(principal, id, query);
  }

  @Get('sites/:id/commands')
  @Access('GET /api/v1/sites/:id/commands')
  @ApiOkResponse({ standardSchema: pageOf(commandSchema) })
  listForSite(
    @CurrentPrincipal() principal: Principal,
    @Param('id', { schema: uuidSchema }) id: string,
    @Query({ schema: listCommandsQuerySchema }) query: ListCommandsQuery,
  ) {
    return this.commands.listForSite(principal, id, query);
  }

  @Post('commands/bulk')
  @HttpCode(201)
  @Access('POST /api/v1/commands/bulk')
  @ApiCreatedResponse({ standardSchema: bulkCommandResultSchema })
  @ApiOkResponse({
    description: 'Nothing new: the idempotency key already made every command',
    standardSchema: bulkCommandResultSchema,
  })
  async createBulk(
    @CurrentPrincipal() principal: Principal,
    @Body({ schema: createBulkCommandSchema }) body: CreateBulkCommand,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { result, created } = await this.commands.createBulk(principal, body);
    if (!created) void reply.status(200);
    return result;
  }

  @Get('commands/:id')
  @Access('GET /api/v1/commands/:id')
  @ApiOkResponse({ standardSchema: commandSchema })
  get(@CurrentPrincipal() principal: Principal, @Param('id', { schema: uuidSchema }) id: string) {
    return this.commands.get(principal, id);
  }
}
