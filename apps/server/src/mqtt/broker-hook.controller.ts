import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  MOSQUITTO_ACL_ACCESS,
  mqttAclRequestSchema,
  mqttAuthRequestSchema,
  mqttHookAnswerSchema,
  type MqttAclRequest,
  type MqttAuthRequest,
  type MqttHookAnswer,
} from '@ecogrid/contracts';
import { Access } from '../auth/access.decorator.js';
import { requestContext } from '../common/request-context.js';
import { BrokerHookGuard } from './broker-hook.guard.js';
import { brokerHookRateLimit } from './broker-hook.secret.js';
import { BrokerHookService, type HookDecision } from './broker-hook.service.js';

function answer(decision: HookDecision, onAllow: Partial<MqttHookAnswer> = {}): MqttHookAnswer {
  // A question of the broker changes nothing: like a read, it leaves no audit entry (one per
  // connect and per topic would be thousands a minute). Refused callers are still audited.
  const context = requestContext.getStore();
  if (context) context.audited = true;
  return decision.allow
    ? { result: 'allow', ok: true, ...onAllow }
    : { result: 'deny', ok: false, error: decision.reason };
}

/**
 * The broker-side auth hook an external broker calls (EMQX 5 HTTP authentication and
 * authorization, mosquitto-go-auth's HTTP backend in JSON mode; deploy/emqx, deploy/mosquitto).
 * Every well-formed question is answered 200 with allow or deny: EMQX takes any other status as
 * "ignore" and falls through to its next source.
 */
@ApiTags('mqtt')
@ApiBearerAuth()
@Controller('api/v1/mqtt')
@UseGuards(BrokerHookGuard)
export class BrokerHookController {
  constructor(@Inject(BrokerHookService) private readonly hook: BrokerHookService) {}

  /** May a client connect: a device, with its id as username and client id, and its secret. */
  @Post('auth')
  @HttpCode(200)
  @Access('POST /api/v1/mqtt/auth')
  @RouteConfig({ rateLimit: brokerHookRateLimit })
  @ApiOkResponse({ standardSchema: mqttHookAnswerSchema })
  async auth(
    @Body({ schema: mqttAuthRequestSchema }) body: MqttAuthRequest,
  ): Promise<MqttHookAnswer> {
    const decision = await this.hook.authenticate(body.clientid, body.username, body.password);
    // No device is a superuser: EMQX applies the authorization checks to every one.
    return answer(decision, { is_superuser: false });
  }

  /** May a connected device publish to, or subscribe to, a topic: only its own topics. */
  @Post('acl')
  @HttpCode(200)
  @Access('POST /api/v1/mqtt/acl')
  @RouteConfig({ rateLimit: brokerHookRateLimit })
  @ApiOkResponse({ standardSchema: mqttHookAnswerSchema })
  async acl(@Body({ schema: mqttAclRequestSchema }) body: MqttAclRequest): Promise<MqttHookAnswer> {
    const actions = body.acc === undefined ? [body.action!] : MOSQUITTO_ACL_ACCESS[body.acc];
    return answer(await this.hook.authorize(body.clientid, body.username, body.topic, actions));
  }
}
