import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import mqtt, { type MqttClient } from 'mqtt';
import { hostname } from 'node:os';
import { CommandAcksService } from '../commands/command-acks.service.js';
import { CommandPublisher, type CommandLink } from '../commands/command-publisher.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { DeviceAuthService, type AuthenticatedDevice } from '../devices/device-auth.service.js';
import { DeviceStatusService } from '../devices/device-status.service.js';
import { HealthService } from '../health/health.service.js';
import { badTopicRejection, parseTopic } from '../ingest/core/index.js';
import { IngestService } from '../ingest/ingest.service.js';
import { ExpiringCache } from '../common/expiring-cache.js';

const IDENTITY_TTL_MS = 60_000;
const RECEIVE_MAXIMUM = 2000;

type SendPacket = (
  packet: { cmd: string; messageId?: number },
  callback?: (error?: Error) => void,
) => void;

/**
 * With MQTT_URL the broker is external (Mosquitto 2, EMQX 5): it authenticates devices and confines
 * them to their topics (deploy/mosquitto). The server joins a shared subscription with a persistent
 * session, so replicas split the load and nothing queued is lost while one restarts, and it sends
 * PUBACK for a message only after its readings (or a command acknowledgement) are committed
 * (handleMessage is held until then). Commands go out through the same client (CommandPublisher).
 */
@Injectable()
export class ExternalBrokerService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('mqtt');
  private client: MqttClient | undefined;
  private commandLink: CommandLink | undefined;
  /** The broker vouched for the sender; the server still maps it to its tenant and site. */
  private readonly identities = new ExpiringCache<string, AuthenticatedDevice>(
    IDENTITY_TTL_MS,
    100_000,
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DeviceAuthService) private readonly deviceAuth: DeviceAuthService,
    @Inject(IngestService) private readonly ingest: IngestService,
    @Inject(DeviceStatusService) private readonly status: DeviceStatusService,
    @Inject(HealthService) private readonly health: HealthService,
    @Inject(CommandAcksService) private readonly commandAcks: CommandAcksService,
    @Inject(CommandPublisher) private readonly commands: CommandPublisher,
  ) {}

  onModuleInit(): void {
    if (!this.config.MQTT_URL) return;
    const group = this.config.MQTT_SHARE_GROUP;
    const client = mqtt.connect(this.config.MQTT_URL, {
      // Stable per replica: the broker keeps its session (and queued messages) across restarts.
      clientId:
        this.config.MQTT_CLIENT_ID ??
        `ecogrid-server-${hostname().slice(0, 40)}-${this.config.PORT}`,
      clean: false,
      protocolVersion: 5,
      // Many messages in flight at once, so batches fill; each PUBACK still waits for its commit.
      properties: { sessionExpiryInterval: 3600, receiveMaximum: RECEIVE_MAXIMUM },
      reconnectPeriod: 1000,
      ...(this.config.MQTT_USERNAME ? { username: this.config.MQTT_USERNAME } : {}),
      ...(this.config.MQTT_PASSWORD ? { password: this.config.MQTT_PASSWORD } : {}),
    });
    this.holdAcksUntilCommitted(client);
    client.on('connect', () => {
      this.logger.log(`connected to the external broker; shared subscription group "${group}"`);
      client.subscribe(
        [
          `$share/${group}/sites/+/devices/+/telemetry`,
          `$share/${group}/sites/+/devices/+/telemetry/+`,
          `$share/${group}/sites/+/devices/+/status`,
          `$share/${group}/sites/+/devices/+/commands/ack`,
        ],
        { qos: 1 },
        (error) => {
          if (error) this.logger.error({ err: error }, 'subscription failed');
        },
      );
    });
    client.on('error', (error) =>
      this.logger.warn({ err: error.message }, 'broker connection error'),
    );
    this.client = client;
    this.commandLink = {
      // The callback of a QoS 1 publish comes with the broker's PUBACK.
      publish: (topic, payload) =>
        client.connected
          ? client.publishAsync(topic, payload, { qos: 1 }).then(() => undefined)
          : Promise.reject(new Error('not connected to the external broker')),
      // The broker knows who listens, the server does not: a device's recorded status decides.
      reachableDevices: () => undefined,
    };
    this.commands.attach(this.commandLink);
    this.health.register('mqtt', () => {
      if (!client.connected)
        return Promise.reject(
          new Error(`not connected to ${this.config.MQTT_URL!.replace(/\/\/[^@/]*@/, '//')}`),
        );
      return Promise.resolve('connected to the external broker');
    });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.commandLink) this.commands.detach(this.commandLink);
    await this.client?.endAsync();
  }

  /**
   * mqtt.js handles incoming messages one at a time and sends the PUBACK when `handleMessage`
   * completes. Waiting there for the commit would allow one message per batch. Instead each message
   * starts its ingest and completes at once, and its PUBACK is held back (by messageId) until the
   * ingest committed; if it fails, no PUBACK is sent and the session is reconnected, so the broker
   * redelivers. A PUBACK is only sent on the connection its message came in on: after a reconnect
   * the broker redelivers what was not acknowledged, and the idempotent write drops the repeats.
   *
   * In-flight messages are bounded by the Receive Maximum announced to the broker, and enforced
   * here too: a broker resuming a session may send its whole queue at once, so past the bound the
   * next message is not read until earlier ones are committed (the socket applies backpressure).
   */
  private holdAcksUntilCommitted(client: MqttClient): void {
    const committed = new Map<number, Promise<void>>();
    let connection = 0;
    let inFlight = 0;
    const waiting: (() => void)[] = [];
    client.on('connect', () => {
      connection++;
      committed.clear();
    });
    const settle = () => {
      inFlight--;
      if (inFlight < RECEIVE_MAXIMUM) waiting.shift()?.();
    };
    client.handleMessage = (packet, done) => {
      inFlight++;
      const work = this.handle(packet.topic, Buffer.from(packet.payload));
      work.then(settle, settle);
      if (packet.messageId !== undefined && packet.qos > 0) committed.set(packet.messageId, work);
      else
        work.catch((error: unknown) =>
          this.logger.warn({ err: error }, 'could not ingest a QoS 0 message'),
        );
      if (inFlight < RECEIVE_MAXIMUM) done();
      else waiting.push(() => done());
    };
    const internals = client as unknown as { _sendPacket: SendPacket };
    const send = internals._sendPacket.bind(client);
    internals._sendPacket = (packet, callback) => {
      const work =
        packet.cmd === 'puback' && packet.messageId !== undefined
          ? committed.get(packet.messageId)
          : undefined;
      if (!work) return send(packet, callback);
      committed.delete(packet.messageId!);
      const sentOn = connection;
      // mqtt.js waits for this callback before it reads the next message: answer at once, and
      // send the PUBACK itself when the commit is done.
      callback?.();
      work.then(
        () => {
          if (sentOn === connection && client.connected) send(packet);
        },
        (error: unknown) => {
          this.logger.warn(
            { err: error },
            'could not ingest a message; reconnecting for redelivery',
          );
          if (sentOn === connection) client.reconnect();
        },
      );
    };
  }

  private async handle(topic: string, payload: Buffer): Promise<void> {
    const parsed = parseTopic(topic);
    if (!parsed.ok) {
      await this.ingest.reject(null, [badTopicRejection(topic, parsed.detail, null)], 'mqtt');
      return;
    }
    // Cached, and concurrent lookups of one device share a query: after a restart the broker
    // delivers a backlog at once, and a query per message would starve the pool.
    const deviceId = parsed.topic.deviceId;
    const device = await this.identities.get(deviceId, () => this.deviceAuth.find(deviceId));
    if (!device || device.siteId !== parsed.topic.siteId) {
      await this.ingest.reject(
        device?.tenantId ?? null,
        [
          {
            reason: 'unknown_device',
            detail: `no device ${parsed.topic.deviceId} on site ${parsed.topic.siteId}`,
            deviceId: null,
          },
        ],
        'mqtt',
      );
      return;
    }
    if (parsed.topic.kind === 'status') {
      const value = payload.toString('utf8').trim();
      if (value === 'online' || value === 'offline')
        await this.status.report(device.deviceId, value, 'status_topic');
      return;
    }
    if (parsed.topic.kind === 'telemetry' || parsed.topic.kind === 'telemetry_metric') {
      await this.ingest.ingest(device, {
        payload,
        ...(parsed.topic.kind === 'telemetry_metric' ? { metric: parsed.topic.metric } : {}),
        receivedAt: new Date(),
        transport: 'mqtt',
      });
    } else if (parsed.topic.kind === 'command_ack') {
      await this.commandAcks.handle(device, payload);
    }
  }
}
