import { Body, Controller, Get, HttpCode, Inject, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  changePasswordSchema,
  profileSchema,
  updateProfileSchema,
  type UpdateProfile,
} from '@ecogrid/contracts';
import type { z } from 'zod';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { ProfileService } from './profile.service.js';

@ApiTags('profile')
@ApiBearerAuth()
@Controller('api/v1/me')
export class ProfileController {
  constructor(@Inject(ProfileService) private readonly profile: ProfileService) {}

  @Get()
  @Access('GET /api/v1/me')
  @ApiOkResponse({ standardSchema: profileSchema })
  get(@CurrentPrincipal() principal: Principal) {
    return this.profile.get(principal);
  }

  @Patch()
  @Access('PATCH /api/v1/me')
  @ApiOkResponse({ standardSchema: profileSchema })
  update(
    @CurrentPrincipal() principal: Principal,
    @Body({ schema: updateProfileSchema }) body: UpdateProfile,
  ) {
    return this.profile.update(principal, body);
  }

  @Post('password')
  @HttpCode(204)
  @Access('POST /api/v1/me/password')
  async changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body({ schema: changePasswordSchema }) body: z.infer<typeof changePasswordSchema>,
  ) {
    await this.profile.changePassword(principal, body.currentPassword, body.newPassword);
  }
}
