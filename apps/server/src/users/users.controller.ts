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
  createUserSchema,
  listUsersQuerySchema,
  pageOf,
  updateUserSchema,
  userSchema,
  uuidSchema,
  type CreateUser,
  type ListUsersQuery,
  type UpdateUser,
} from '@ecogrid/contracts';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users')
export class UsersController {
  constructor(@Inject(UsersService) private readonly users: UsersService) {}

  @Get()
  @Access('GET /api/v1/users')
  @ApiOkResponse({ standardSchema: pageOf(userSchema) })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query({ schema: listUsersQuerySchema }) query: ListUsersQuery,
  ) {
    return this.users.list(principal, query);
  }

  @Post()
  @Access('POST /api/v1/users')
  @ApiCreatedResponse({ standardSchema: userSchema })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body({ schema: createUserSchema }) body: CreateUser,
  ) {
    return this.users.create(principal, body);
  }

  @Get(':id')
  @Access('GET /api/v1/users/:id')
  @ApiOkResponse({ standardSchema: userSchema })
  get(@CurrentPrincipal() principal: Principal, @Param('id', { schema: uuidSchema }) id: string) {
    return this.users.get(principal, id);
  }

  @Patch(':id')
  @Access('PATCH /api/v1/users/:id')
  @ApiOkResponse({ standardSchema: userSchema })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', { schema: uuidSchema }) id: string,
    @Body({ schema: updateUserSchema }) body: UpdateUser,
  ) {
    return this.users.update(principal, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Access('DELETE /api/v1/users/:id')
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('id', { schema: uuidSchema }) id: string,
  ) {
    await this.users.remove(principal, id);
  }

  @Post(':id/block')
  @HttpCode(200)
  @Access('POST /api/v1/users/:id/block')
  @ApiOkResponse({ standardSchema: userSchema })
  block(@CurrentPrincipal() principal: Principal, @Param('id', { schema: uuidSchema }) id: string) {
    return this.users.setBlocked(principal, id, true);
  }

  @Post(':id/unblock')
  @HttpCode(200)
  @Access('POST /api/v1/users/:id/unblock')
  @ApiOkResponse({ standardSchema: userSchema })
  unblock(
    @CurrentPrincipal() principal: Principal,
    @Param('id', { schema: uuidSchema }) id: string,
  ) {
    return this.users.setBlocked(principal, id, false);
  }
}
