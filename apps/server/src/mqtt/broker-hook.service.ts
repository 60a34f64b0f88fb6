import { Inject, Injectable, Logger } from '@nestjs/common';
import type { MqttHookAction } from '@ecogrid/contracts';
import { createHmac, randomBytes } from 'node:crypto';
import { DeviceAuthService, type AuthenticatedDevice } from '../devices/device-auth.service.js';
import { isTopicAllowedForDevice, parseTopic } from '../ingest/core/index.js';
import { ExpiringCache } from '../common/expiring-cache.js';

/**
 * How long a successful credential check, or a device's identity, is taken as still true. A secret
 * rotated (or a tenant suspended) within this time may still let in a client that presented the
 * old secret successfully just before, for the rest of it; nothing is cached for a failed check.
 */
export const BROKER_HOOK_CACHE_TTL_MS = 30_000;
const MAX_CACHED = 200_000;

export type HookDecision = { allow: true } | { allow: false; reason: string };

const deny = (reason: string): HookDecision => ({ allow: false, reason });
const ALLOW: HookDecision = { allow: true };

/**
 * The decisions behind the broker-side auth hook, for an external broker: the same as the embedded
 * broker's (mqtt/embedded-broker.service.ts). A device connects with its device id as username and
 * client id and its current secret as password, and may then touch only its own topics
 * (`isTopicAllowedForDevice`). The server's own account (MQTT_USERNAME) is the broker's business:
 * a superuser or built-in user there, never asked about here.
 */
@Injectable()
export class BrokerHookService {
  private readonly logger = new Logger('mqtt');
  /** Successful checks by device id and a keyed hash of the password (never the password). */
  private readonly checks = new ExpiringCache<string, AuthenticatedDevice>(
    BROKER_HOOK_CACHE_TTL_MS,
    MAX_CACHED,
  );
  /** Device id → tenant and site, for the ACL checks that follow a connection. */
  private readonly identities = new ExpiringCache<string, AuthenticatedDevice>(
    BROKER_HOOK_CACHE_TTL_MS,
    MAX_CACHED,
  );
  private readonly cacheKey = randomBytes(32);

  constructor(@Inject(DeviceAuthService) private readonly deviceAuth: DeviceAuthService) {}

  /**
   * May this client connect? Only a device, with its id as client id and username and its current
   * secret. A reconnect storm asks once per device and password in BROKER_HOOK_CACHE_TTL_MS, and
   * concurrent questions about the same credentials share one check.
   */
  async authenticate(clientId: string, username: string, password: string): Promise<HookDecision> {
    if (username.length === 0 || password.length === 0) return this.denied('credentials required');
    if (clientId !== username) return this.denied('the client id must be the device id');
    const passwordHash = createHmac('sha256', this.cacheKey).update(password, 'utf8').digest('hex');
    const device = await this.checks.get(`${username}:${passwordHash}`, () =>
      this.deviceAuth.authenticate(username, password),
    );
    if (!device) return this.denied('bad device credentials');
    this.identities.remember(device.deviceId, device);
    return ALLOW;
  }

  /**
   * May this client publish to (or subscribe to) this topic? Only what the embedded broker allows
   * a device: its own telemetry, status and command acks to publish, its own commands to subscribe
   * to; no wildcard, no system topic, nothing of another device. Several actions (mosquitto-go-auth's
   * read-and-write) must all be allowed.
   */
  async authorize(
    clientId: string,
    username: string,
    topic: string,
    actions: readonly MqttHookAction[],
  ): Promise<HookDecision> {
    if (clientId !== username) return this.denied('the client id must be the device id');
    // A topic that is not this device's own needs no lookup to be refused; this also keeps
    // anything but a well-formed device id away from the database.
    const parsed = parseTopic(topic);
    if (!parsed.ok || parsed.topic.deviceId !== username)
      return this.denied('not this device’s topic');
    const device = await this.identities.get(username, () => this.deviceAuth.find(username));
    if (!device) return this.denied('unknown device');
    const allowed = actions.every((action) => isTopicAllowedForDevice(topic, device, action));
    return allowed ? ALLOW : this.denied(`may not ${actions.join(' and ')} on this topic`);
  }

  private denied(reason: string): HookDecision {
    this.logger.debug(`auth hook: deny (${reason})`);
    return deny(reason);
  }
}
