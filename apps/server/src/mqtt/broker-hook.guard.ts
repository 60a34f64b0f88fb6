import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { NotFoundError, UnauthenticatedError } from '../common/errors.js';
import { BrokerHookSecret } from './broker-hook.secret.js';

/**
 * The broker-side auth hook's own check, after the access guard let its public routes through
 * (auth/access-matrix.ts): 404 while the hook is off, 401 without its secret. It runs before the
 * body is validated, so a caller without the secret learns nothing about the expected input.
 */
@Injectable()
export class BrokerHookGuard implements CanActivate {
  constructor(@Inject(BrokerHookSecret) private readonly secret: BrokerHookSecret) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.secret.enabled) throw new NotFoundError('route');
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!this.secret.presentedIn(request.headers.authorization)) {
      throw new UnauthenticatedError(
        'send the hook secret: "Authorization: Bearer <MQTT_AUTH_HOOK_SECRET>"',
      );
    }
    return true;
  }
}
