import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Present while the auth hook is on, for the rate limit's allow list (see below). */
    ecogridBrokerHookSecret?: BrokerHookSecret;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The secret an Authorization header carries: `Bearer <secret>`, or the password of `Basic`. */
function presentedSecret(authorization: string): string | undefined {
  const bearer = /^Bearer (\S{1,512})$/.exec(authorization);
  if (bearer) return bearer[1];
  const basic = /^Basic ([A-Za-z0-9+/=]{1,1400})$/.exec(authorization);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  return separator >= 0 ? decoded.slice(separator + 1) : undefined;
}

/**
 * MQTT_AUTH_HOOK_SECRET, the shared secret of the broker-side auth hook. The broker sends it as
 * `Authorization: Bearer <secret>` (EMQX sets headers); `Basic` with the secret as password is
 * accepted too, since mosquitto-go-auth can set no header but its HTTP client turns
 * `user:secret@host` in the URL into Basic. Compared in constant time, as digests.
 */
@Injectable()
export class BrokerHookSecret implements OnModuleInit {
  private readonly expected: Buffer | undefined;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {
    this.expected =
      config.MQTT_AUTH_HOOK_SECRET === undefined ? undefined : digest(config.MQTT_AUTH_HOOK_SECRET);
  }

  /** Off while MQTT_AUTH_HOOK_SECRET is unset: the hook's routes answer 404. */
  get enabled(): boolean {
    return this.expected !== undefined;
  }

  presentedIn(authorization: string | string[] | undefined): boolean {
    if (!this.expected || typeof authorization !== 'string') return false;
    const presented = presentedSecret(authorization);
    return presented !== undefined && timingSafeEqual(digest(presented), this.expected);
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify && !fastify.hasDecorator('ecogridBrokerHookSecret'))
      fastify.decorate<BrokerHookSecret>('ecogridBrokerHookSecret', this);
  }
}

/**
 * The hook's routes keep the per-client rate limit for everyone but the broker: it is one client
 * address asking for every device (a reconnect storm of thousands, an ACL check per topic), and
 * an answer it does not get counts as "no" (EMQX falls through to its defaults, go-auth denies).
 * Callers without the secret are throttled as on any route.
 */
export const brokerHookRateLimit = {
  allowList: (request: FastifyRequest): boolean =>
    request.server.ecogridBrokerHookSecret?.presentedIn(request.headers.authorization) ?? false,
};
