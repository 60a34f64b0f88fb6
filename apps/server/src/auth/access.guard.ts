import {
  Inject,
  Injectable,
  Logger,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthenticatedError, ValidationError } from '../common/errors.js';
import { requestContext } from '../common/request-context.js';
import { accessRuleOf, type AccessRule } from './access-matrix.js';
import { ACCESS_KEY } from './access.decorator.js';
import { DeviceAuthService, type AuthenticatedDevice } from '../devices/device-auth.service.js';
import { AuthService } from './auth.service.js';
import type { Principal } from './principal.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The one place authorization is decided: every route's access-matrix entry, enforced. */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger('access');

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(DeviceAuthService) private readonly devices: DeviceAuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const declared = this.reflector.get<string | undefined>(ACCESS_KEY, context.getHandler());
    const actual = `${request.method} ${request.routeOptions.url ?? ''}`;
    const rule = declared === undefined ? undefined : accessRuleOf(declared);
    if (
      !rule ||
      (declared !== actual &&
        !(request.method === 'HEAD' && declared === `GET ${request.routeOptions.url ?? ''}`))
    ) {
      // Fails closed: a route missing from the matrix (or naming another route) serves nobody.
      this.logger.error(
        `route ${actual} has no matching access-matrix entry (declared: ${declared ?? 'none'})`,
      );
      throw new ForbiddenError('this route is not open to anyone');
    }
    if (rule.kind === 'public') return true;
    if (rule.kind === 'device') {
      request.device = await this.authenticateDevice(request);
      return true;
    }

    const principal = await this.authenticate(request);
    this.authorize(rule, principal);
    request.principal = principal;
    const actor = { userId: principal.userId, tenantId: principal.tenantId };
    const store = requestContext.getStore();
    if (store) store.actor = actor;
    if (request.ecogridContext) request.ecogridContext.actor = actor;
    return true;
  }

  private async authenticateDevice(request: FastifyRequest): Promise<AuthenticatedDevice> {
    const header = request.headers.authorization;
    const match =
      typeof header === 'string' ? /^Basic ([A-Za-z0-9+/=]{1,700})$/.exec(header) : null;
    const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    const separator = decoded.indexOf(':');
    const device =
      separator > 0
        ? await this.devices.authenticate(decoded.slice(0, separator), decoded.slice(separator + 1))
        : undefined;
    if (!device) {
      throw new UnauthenticatedError(
        'send the device credentials: "Authorization: Basic base64(deviceId:secret)"',
      );
    }
    return device;
  }

  private async authenticate(request: FastifyRequest): Promise<Principal> {
    const header = request.headers.authorization;
    const match =
      typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]{10,4096})$/.exec(header) : null;
    if (!match)
      throw new UnauthenticatedError('sign in first: send "Authorization: Bearer <access token>"');
    const tenantHeader = request.headers['x-tenant-id'];
    const requestedTenant = typeof tenantHeader === 'string' ? tenantHeader : undefined;
    if (requestedTenant !== undefined && !UUID.test(requestedTenant)) {
      throw new ValidationError([
        { field: 'header.x-tenant-id', message: 'must be a tenant id (UUID)' },
      ]);
    }
    return this.auth.authenticate(match[1]!, requestedTenant);
  }

  private authorize(
    rule: Exclude<AccessRule, { kind: 'public' | 'device' }>,
    principal: Principal,
  ): void {
    if (rule.kind === 'platform') {
      if (!principal.isPlatformAdmin) throw new ForbiddenError('platform admins only');
      return;
    }
    if (principal.isPlatformAdmin) {
      if (!rule.platformAdmin) throw new ForbiddenError();
      if (rule.tenant && !principal.tenantId) {
        throw new ValidationError([
          { field: 'header.x-tenant-id', message: 'a platform admin names the tenant to act in' },
        ]);
      }
      return;
    }
    if (!principal.role || !rule.roles.includes(principal.role)) {
      throw new ForbiddenError(`needs the role ${rule.roles.join(' or ')}`);
    }
  }
}
