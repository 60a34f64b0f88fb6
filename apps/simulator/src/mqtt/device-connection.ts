import { mqttTopics, type TelemetryMessage } from '@ecogrid/contracts';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';

export interface DeviceIdentity {
  siteId: string;
  deviceId: string;
}

/** A device's identity and, for a registered device, its secret (the MQTT password). */
export interface DeviceCredentials extends DeviceIdentity {
  secret?: string;
}

/** What happened to one reading handed to a device connection. */
export type PublishOutcome = 'sent' | 'offline' | 'busy';

export interface DeviceConnectionEvents {
  onAcknowledged?: () => void;
  onError?: (identity: DeviceIdentity, error: Error) => void;
  /** The broker accepted the connection. */
  onConnected?: (connection: DeviceConnection) => void;
  /** The connection ended or an attempt failed (not after close()): time to schedule a retry. */
  onClosed?: (connection: DeviceConnection) => void;
  onCommand?: (identity: DeviceIdentity, payload: string) => void;
}

export const ONLINE = 'online';
export const OFFLINE = 'offline';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'closed';

/**
 * One MQTT connection per device, as a real device has: the Last Will is per connection, and the
 * broker checks each device's credentials against its own topics. The platform's broker wants
 * the device id as client id and username and the secret as password, over MQTT 3.1.1.
 *
 * The client never reconnects on its own (`reconnectPeriod: 0`, `manualConnect`): whoever owns
 * the connection decides when to try again, so ten thousand devices share one backoff scheduler
 * and one connection-rate limit instead of running ten thousand timers.
 */
export function deviceClientOptions(credentials: DeviceCredentials): IClientOptions {
  return {
    clientId: credentials.deviceId,
    ...(credentials.secret !== undefined
      ? { username: credentials.deviceId, password: credentials.secret }
      : {}),
    protocolVersion: 4,
    clean: true,
    keepalive: 60,
    connectTimeout: 15_000,
    reconnectPeriod: 0,
    manualConnect: true,
    will: {
      topic: mqttTopics.status(credentials.siteId, credentials.deviceId),
      payload: OFFLINE,
      qos: 1,
      retain: true,
    },
  };
}

export class DeviceConnection {
  private telemetryInFlight: Promise<void> | undefined;
  private lastErrorMessage: string | undefined;
  private connectionState: ConnectionState = 'idle';
  private attempted = false;
  readonly identity: DeviceIdentity;
  private readonly statusTopic: string;
  private readonly telemetryTopic: string;
  private readonly commandsTopic: string;

  private constructor(
    credentials: DeviceCredentials,
    private readonly client: MqttClient,
    private readonly events: DeviceConnectionEvents,
  ) {
    this.identity = { siteId: credentials.siteId, deviceId: credentials.deviceId };
    this.statusTopic = mqttTopics.status(credentials.siteId, credentials.deviceId);
    this.telemetryTopic = mqttTopics.telemetry(credentials.siteId, credentials.deviceId);
    this.commandsTopic = mqttTopics.commands(credentials.siteId, credentials.deviceId);

    client.on('connect', () => {
      if (this.connectionState === 'closed') return;
      this.connectionState = 'connected';
      this.lastErrorMessage = undefined;
      // After every (re)connect: the Last Will may have set the retained status to offline meanwhile.
      client
        .publishAsync(this.statusTopic, ONLINE, { qos: 1, retain: true })
        .catch((error: unknown) => this.reportError(error));
      // A clean session forgets subscriptions: subscribe again on every connect.
      client
        .subscribeAsync(this.commandsTopic, { qos: 1 })
        .then((granted) => {
          if (granted.some((grant) => grant.qos === 128)) {
            this.reportError(
              new Error(`the broker refused the subscription to ${this.commandsTopic}`),
            );
          }
        })
        .catch((error: unknown) => this.reportError(error));
      this.events.onConnected?.(this);
    });
    client.on('close', () => {
      if (this.connectionState === 'closed' || this.connectionState === 'idle') return;
      this.connectionState = 'idle';
      this.events.onClosed?.(this);
    });
    client.on('message', (topic, payload) => {
      if (topic === this.commandsTopic) this.events.onCommand?.(this.identity, payload.toString());
    });
    client.on('error', (error) => this.reportError(error));
  }

  /** A connection that has not tried to connect yet: call connect() when it may. */
  static create(
    brokerUrl: string,
    credentials: DeviceCredentials,
    events: DeviceConnectionEvents = {},
  ): DeviceConnection {
    return new DeviceConnection(
      credentials,
      connect(brokerUrl, deviceClientOptions(credentials)),
      events,
    );
  }

  /** A connection that starts connecting at once (without retries unless the owner calls connect()). */
  static open(
    brokerUrl: string,
    credentials: DeviceCredentials,
    events: DeviceConnectionEvents = {},
  ): DeviceConnection {
    const connection = DeviceConnection.create(brokerUrl, credentials, events);
    connection.connect();
    return connection;
  }

  get state(): ConnectionState {
    return this.connectionState;
  }

  get isConnected(): boolean {
    return this.connectionState === 'connected' && this.client.connected;
  }

  /**
   * Starts one connection attempt when idle. Readings still in flight from before a drop stay in
   * the client's store and are sent again once connected, so their acknowledgements still come.
   */
  connect(): void {
    if (this.connectionState !== 'idle') return;
    this.connectionState = 'connecting';
    this.attempted = true;
    this.client.connect();
  }

  /**
   * Publishes with QoS 1. At most one reading per device is in flight: a device whose broker
   * does not acknowledge skips readings rather than queueing them without bound.
   */
  publishTelemetry(message: TelemetryMessage): PublishOutcome {
    if (!this.isConnected) return 'offline';
    if (this.telemetryInFlight) return 'busy';

    this.telemetryInFlight = this.client
      .publishAsync(this.telemetryTopic, JSON.stringify(message), { qos: 1 })
      .then(() => this.events.onAcknowledged?.())
      .catch((error: unknown) => this.reportError(error))
      .finally(() => {
        this.telemetryInFlight = undefined;
      });
    return 'sent';
  }

  /**
   * A clean disconnect does not fire the Last Will, so the device says `offline` itself first.
   * Gives up waiting after `timeoutMs` so a dead broker cannot block shutdown; never throws.
   */
  async close(timeoutMs = 5_000): Promise<void> {
    if (this.connectionState === 'closed') return;
    const wasConnected = this.isConnected;
    this.connectionState = 'closed';
    // A client that never tried has no stream to end.
    if (!this.attempted) return;

    const goodbye = async () => {
      if (wasConnected && this.client.connected) {
        await this.telemetryInFlight;
        await this.client.publishAsync(this.statusTopic, OFFLINE, { qos: 1, retain: true });
        await this.client.endAsync();
      } else {
        await this.client.endAsync(true);
      }
    };

    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timed_out'>((resolve) => {
      timer = setTimeout(() => resolve('timed_out'), timeoutMs);
    });
    try {
      const outcome = await Promise.race([goodbye(), deadline]);
      if (outcome === 'timed_out') await this.client.endAsync(true);
    } catch (error) {
      this.reportError(error);
      await this.client.endAsync(true).catch(() => undefined);
    } finally {
      clearTimeout(timer);
    }
  }

  private reportError(error: unknown): void {
    const normalized = error instanceof Error ? error : new Error(String(error));
    // A broker that is down fails every reconnect the same way: say it once per outage.
    if (normalized.message === this.lastErrorMessage) return;
    this.lastErrorMessage = normalized.message;
    this.events.onError?.(this.identity, normalized);
  }
}
