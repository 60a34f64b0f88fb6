import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  loginRequestSchema,
  refreshRequestSchema,
  tokenResponseSchema,
  type TokenResponse,
} from '@ecogrid/contracts';
import { z } from 'zod';
import { Access } from './access.decorator.js';
import { AuthService } from './auth.service.js';
import { CurrentPrincipal, type Principal } from './principal.js';
import { loginRateLimit } from '../http/rate-limit.js';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @Access('POST /api/v1/auth/login')
  @RouteConfig({ rateLimit: loginRateLimit })
  @ApiOkResponse({ standardSchema: tokenResponseSchema })
  login(
    @Body({ schema: loginRequestSchema }) body: z.infer<typeof loginRequestSchema>,
  ): Promise<TokenResponse> {
    return this.auth.login(body.username, body.password);
  }

  @Post('refresh')
  @HttpCode(200)
  @Access('POST /api/v1/auth/refresh')
  @RouteConfig({ rateLimit: loginRateLimit })
  @ApiOkResponse({ standardSchema: tokenResponseSchema })
  refresh(
    @Body({ schema: refreshRequestSchema }) body: z.infer<typeof refreshRequestSchema>,
  ): Promise<TokenResponse> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @Access('POST /api/v1/auth/logout')
  async logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.auth.logout(principal);
  }

  @Post('logout-all')
  @HttpCode(200)
  @ApiBearerAuth()
  @Access('POST /api/v1/auth/logout-all')
  async logoutAll(@CurrentPrincipal() principal: Principal): Promise<{ sessionsEnded: number }> {
    return { sessionsEnded: await this.auth.logoutAll(principal) };
  }
}
