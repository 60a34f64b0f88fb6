import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { CommandAcksService } from '../commands/command-acks.service.js';
import { CommandPublisher, type CommandLink } from '../commands/command-publisher.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { DeviceAuthService, type AuthenticatedDevice } from '../devices/device-auth.service.js';
import { DeviceStatusService } from '../devices/device-status.service.js';
import { HealthService } from '../health/health.service.js';
import { badTopicRejection, isTopicAllowedForDevice, parseTopic } from '../ingest/core/index.js';
import { IngestService } from '../ingest/ingest.service.js';

const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;
/** How many ports above MQTT_PORT to try, outside production, when it is taken (another broker). */
const PORT_FALLBACKS = 10;

function authError(message: string, returnCode: number): AuthenticateError {
  const error: AuthenticateError = Object.assign(new Error(message), { returnCode });
  return error;
}

/**
 * The embedded MQTT 3.1.1 broker (Aedes), used when MQTT_URL is not set. Devices connect with their
 * own credentials (username: device id, which is also the client id; password: secret) and may
 * touch only their own topics. A telemetry PUBLISH is acknowledged (PUBACK) only once its readings
 * are committed, a command acknowledgement only once it is recorded: the broker's authorization
 * hook waits for both. The server publishes commands through it (CommandPublisher).
 */
@Injectable()
export class EmbeddedBrokerService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('mqtt');
  private readonly identities = new WeakMap<Client, AuthenticatedDevice>();
  private broker: Aedes | undefined;
  private server: Server | undefined;
  private listeningPort: number | undefined;
  /** Devices subscribed to their own command topic, by device id: whom a command reaches now. */
  private readonly commandSubscribers = new Map<string, Client>();
  private commandLink: CommandLink | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DeviceAuthService) private readonly deviceAuth: DeviceAuthService,
    @Inject(IngestService) private readonly ingest: IngestService,
    @Inject(DeviceStatusService) private readonly status: DeviceStatusService,
    @Inject(HealthService) private readonly health: HealthService,
    @Inject(CommandAcksService) private readonly commandAcks: CommandAcksService,
    @Inject(CommandPublisher) private readonly commands: CommandPublisher,
  ) {}

  /** The port devices connect to, once listening. */
  get port(): number | undefined {
    return this.listeningPort;
  }

  get url(): string | undefined {
    if (this.listeningPort === undefined) return undefined;
    return `${this.config.MQTT_TLS_CERT ? 'mqtts' : 'mqtt'}://localhost:${this.listeningPort}`;
  }

  async onModuleInit(): Promise<void> {
    if (this.config.MQTT_URL) return;
    const broker = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        void this.authenticate(client, username, password).then(
          (device) => {
            this.identities.set(client, device);
            done(null, true);
          },
          (error: AuthenticateError) => done(error, false),
        );
      },
      authorizePublish: (client, packet, done) => {
        void this.authorizePublish(client, packet.topic, packet.payload).then(
          () => done(null),
          (error: Error) => done(error),
        );
      },
      authorizeSubscribe: (client, subscription, done) => {
        const device = this.identities.get(client);
        const allowed = device && isTopicAllowedForDevice(subscription.topic, device, 'subscribe');
        // A refused subscription is answered with a failure code in SUBACK; the client stays.
        done(null, allowed ? subscription : null);
      },
    });
    // Status updates, including a Last Will published for a device that vanished.
    broker.on('publish', (packet, client) => {
      if (!client && !packet.topic.endsWith('/status')) return;
      const parsed = parseTopic(packet.topic);
      if (!parsed.ok || parsed.topic.kind !== 'status') return;
      const value = Buffer.from(packet.payload).toString('utf8').trim();
      if (value !== 'online' && value !== 'offline') return;
      const reason = client ? 'status_topic' : 'last_will';
      this.status.report(parsed.topic.deviceId, value, reason).catch((error: unknown) => {
        this.logger.warn({ err: error }, 'could not record a device status');
      });
    });
    this.trackCommandSubscribers(broker);
    broker.on('clientError', (client, error) => {
      this.logger.debug({ clientId: client.id, err: error.message }, 'client error');
    });
    this.broker = broker;
    this.server = this.config.MQTT_TLS_CERT
      ? createTlsServer(
          {
            cert: readFileSync(this.config.MQTT_TLS_CERT),
            key: readFileSync(this.config.MQTT_TLS_KEY!),
          },
          (socket) => broker.handle(socket),
        )
      : createServer((socket) => broker.handle(socket));
    this.listeningPort = await this.listen(this.server);
    this.commandLink = {
      publish: (topic, payload) => this.publishCommand(broker, topic, payload),
      reachableDevices: () => new Set(this.commandSubscribers.keys()),
    };
    this.commands.attach(this.commandLink);
    this.health.register('mqtt', () =>
      Promise.resolve(
        `embedded broker on port ${this.listeningPort}, ${broker.connectedClients} client(s)`,
      ),
    );
    this.logger.log(
      `embedded MQTT broker listening on ${this.config.MQTT_HOST}:${this.listeningPort}`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.commandLink) this.commands.detach(this.commandLink);
    // Stop accepting first; the listener reports closed only once every connection ended, which
    // closing the broker (it disconnects its clients) brings about.
    const listenerClosed = new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
    await new Promise<void>((resolve) =>
      this.broker ? this.broker.close(() => resolve()) : resolve(),
    );
    await listenerClosed;
  }

  private async listen(server: Server): Promise<number> {
    const fallbacks =
      this.config.NODE_ENV === 'production' || this.config.MQTT_PORT === 0 ? 0 : PORT_FALLBACKS;
    for (let attempt = 0; ; attempt++) {
      const port = this.config.MQTT_PORT === 0 ? 0 : this.config.MQTT_PORT + attempt;
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, this.config.MQTT_HOST, () => {
            server.off('error', reject);
            resolve();
          });
        });
        const address = server.address();
        const bound = typeof address === 'object' && address ? address.port : port;
        if (attempt > 0) {
          this.logger.warn(
            `MQTT port ${this.config.MQTT_PORT} is taken (another broker?); using ${bound} — set MQTT_PORT to choose`,
          );
        }
        return bound;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EADDRINUSE' || attempt >= fallbacks) {
          throw Object.assign(
            new Error(
              `the MQTT port ${port} is not available (${code ?? String(error)}); set MQTT_PORT, or MQTT_URL for an external broker`,
            ),
            { code },
          );
        }
      }
    }
  }

  private async authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<AuthenticatedDevice> {
    if (!username || !password) throw authError('credentials required', BAD_USERNAME_OR_PASSWORD);
    if (client.id !== username)
      throw authError('the client id must be the device id', NOT_AUTHORIZED);
    const device = await this.deviceAuth.authenticate(username, password.toString('utf8'));
    if (!device) throw authError('bad device credentials', BAD_USERNAME_OR_PASSWORD);
    return device;
  }

  private async authorizePublish(
    client: Client | null,
    topic: string,
    payload: Buffer | string,
  ): Promise<void> {
    // Publishes of the server itself (commands) have no client.
    if (!client) return;
    const device = this.identities.get(client);
    if (!device || !isTopicAllowedForDevice(topic, device, 'publish')) {
      await this.ingest.reject(
        device?.tenantId ?? null,
        [badTopicRejection(topic, 'not this device’s topic', device?.deviceId ?? null)],
        'mqtt',
      );
      throw new Error('not authorized to publish on this topic');
    }
    const parsed = parseTopic(topic);
    if (!parsed.ok) throw new Error(parsed.detail);
    if (parsed.topic.kind === 'telemetry' || parsed.topic.kind === 'telemetry_metric') {
      await this.ingest.ingest(device, {
        payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
        ...(parsed.topic.kind === 'telemetry_metric' ? { metric: parsed.topic.metric } : {}),
        receivedAt: new Date(),
        transport: 'mqtt',
      });
    } else if (parsed.topic.kind === 'command_ack') {
      // Like telemetry: the PUBACK waits until the answer is recorded.
      await this.commandAcks.handle(
        device,
        typeof payload === 'string' ? Buffer.from(payload) : payload,
      );
    }
  }

  /** The server's own QoS 1 publish of a command; resolves once the broker took it. */
  private publishCommand(broker: Aedes, topic: string, payload: Buffer): Promise<void> {
    if (broker.closed) return Promise.reject(new Error('the embedded broker is closed'));
    return new Promise((resolve, reject) => {
      broker.publish(
        { cmd: 'publish', topic, payload, qos: 1, retain: false, dup: false },
        (error) => (error ? reject(error) : resolve()),
      );
    });
  }

  /**
   * Remembers which devices listen to their commands, so commands go out only to them, and tells
   * the dispatcher when one starts listening (its pending commands go out then). A client taken
   * over by a reconnect of the same device is forgotten only if it is still the one remembered.
   */
  private trackCommandSubscribers(broker: Aedes): void {
    broker.on('subscribe', (subscriptions, client) => {
      const device = this.identities.get(client);
      if (!device) return;
      const own = `sites/${device.siteId}/devices/${device.deviceId}/commands`;
      if (
        subscriptions.some((subscription) => subscription.topic === own && subscription.qos < 128)
      ) {
        this.commandSubscribers.set(device.deviceId, client);
        this.commands.deviceReady(device.deviceId);
      }
    });
    broker.on('unsubscribe', (topics, client) => {
      const device = this.identities.get(client);
      if (
        device &&
        topics.includes(`sites/${device.siteId}/devices/${device.deviceId}/commands`) &&
        this.commandSubscribers.get(device.deviceId) === client
      ) {
        this.commandSubscribers.delete(device.deviceId);
      }
    });
    broker.on('clientDisconnect', (client) => {
      const device = this.identities.get(client);
      if (device && this.commandSubscribers.get(device.deviceId) === client) {
        this.commandSubscribers.delete(device.deviceId);
      }
    });
  }
}
