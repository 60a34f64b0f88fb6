import { type CommandAck, mqttTopics, type TelemetryMessage } from '@ecogrid/contracts';
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

/** `rebooting`: away on purpose (see restart()), neither connected nor waiting for a retry. */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'rebooting' | 'closed';

/** Acknowledgements held while the device is offline, sent once it is connected again. */
const MAX_HELD_ACKS = 1_000;

interface HeldAck {
  payload: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

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
  private subscribed = false;
  private heldAcks: HeldAck[] = [];
  private reconnectWaiters: Waiter[] = [];
  private cancelRestart: (() => void) | undefined;
  readonly identity: DeviceIdentity;
  private readonly statusTopic: string;
  private readonly telemetryTopic: string;
  private readonly commandsTopic: string;
  private readonly commandAckTopic: string;

  private constructor(
    credentials: DeviceCredentials,
    private readonly client: MqttClient,
    private readonly events: DeviceConnectionEvents,
  ) {
    this.identity = { siteId: credentials.siteId, deviceId: credentials.deviceId };
    this.statusTopic = mqttTopics.status(credentials.siteId, credentials.deviceId);
    this.telemetryTopic = mqttTopics.telemetry(credentials.siteId, credentials.deviceId);
    this.commandsTopic = mqttTopics.commands(credentials.siteId, credentials.deviceId);
    this.commandAckTopic = mqttTopics.commandAck(credentials.siteId, credentials.deviceId);

    client.on('connect', () => {
      if (this.connectionState === 'closed') return;
      if (this.connectionState === 'rebooting') {
        // An attempt that was under way when the reboot began: a rebooting device is away.
        client.end(true);
        return;
      }
      this.connectionState = 'connected';
      this.lastErrorMessage = undefined;
      // After every (re)connect: the Last Will may have set the retained status to offline meanwhile.
      client
        .publishAsync(this.statusTopic, ONLINE, { qos: 1, retain: true })
        .catch((error: unknown) => this.reportError(error));
      // A clean session forgets subscriptions: subscribe again on every connect. A refused
      // subscription (SUBACK 0x80, which the client turns into an error) leaves the device
      // without commands but still publishing: reported, not fatal.
      const refused = (reason: string) =>
        this.reportError(
          new Error(`the broker refused the subscription to ${this.commandsTopic}: ${reason}`),
        );
      client
        .subscribeAsync(this.commandsTopic, { qos: 1 })
        .then((granted) => {
          if (granted.some((grant) => grant.qos === 128)) refused('SUBACK 0x80');
          else this.subscribed = this.isConnected;
        })
        .catch((error: unknown) => refused(error instanceof Error ? error.message : String(error)));
      for (const held of this.heldAcks.splice(0)) {
        client
          .publishAsync(this.commandAckTopic, held.payload, { qos: 1 })
          .then(() => held.resolve(), held.reject);
      }
      for (const waiter of this.reconnectWaiters.splice(0)) waiter.resolve();
      this.events.onConnected?.(this);
    });
    client.on('close', () => {
      this.subscribed = false;
      const { connectionState } = this;
      if (connectionState === 'closed' || connectionState === 'idle') return;
      if (connectionState === 'rebooting') return;
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

  /** Connected, and the broker granted the subscription to the device's commands. */
  get isSubscribedToCommands(): boolean {
    return this.subscribed && this.isConnected;
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
   * Publishes a command acknowledgement with QoS 1; resolves once the broker has it. While the
   * device is offline (dropped, rebooting) the acknowledgement waits and goes out after the next
   * connect, since the command's outcome must still reach the server.
   */
  publishAck(ack: CommandAck): Promise<void> {
    const payload = JSON.stringify(ack);
    if (this.connectionState === 'closed') {
      return Promise.reject(new Error('the connection is closed'));
    }
    if (this.isConnected) {
      return this.client.publishAsync(this.commandAckTopic, payload, { qos: 1 }).then(() => {});
    }
    if (this.heldAcks.length >= MAX_HELD_ACKS) {
      return Promise.reject(new Error('too many acknowledgements waiting for a connection'));
    }
    return new Promise((resolve, reject) => this.heldAcks.push({ payload, resolve, reject }));
  }

  /**
   * Restarts as a device does: says `offline` and disconnects, stays away `downMs`, then asks its
   * owner to connect it again (onClosed, as after a drop, so the fleet's connection rate limit
   * holds). Resolves once connected again; rejects if closed meanwhile.
   */
  async restart(downMs: number, timeoutMs = 5_000): Promise<void> {
    const { connectionState } = this;
    if (connectionState === 'closed') throw new Error('the connection is closed');
    if (connectionState === 'rebooting') throw new Error('the device is already restarting');
    const wasConnected = this.isConnected;
    this.connectionState = 'rebooting';
    this.subscribed = false;
    if (connectionState !== 'idle') await this.leave(wasConnected, timeoutMs);

    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.cancelRestart = undefined;
        resolve();
      }, downMs);
      this.cancelRestart = () => {
        clearTimeout(timer);
        reject(new Error('the connection closed while the device was restarting'));
      };
    });
    if (this.connectionState !== 'rebooting') {
      throw new Error('the connection closed while the device was restarting');
    }
    this.connectionState = 'idle';
    const back = new Promise<void>((resolve, reject) => {
      this.reconnectWaiters.push({ resolve, reject });
    });
    this.events.onClosed?.(this);
    return back;
  }

  /**
   * A clean disconnect does not fire the Last Will, so the device says `offline` itself first.
   * Gives up waiting after `timeoutMs` so a dead broker cannot block shutdown; never throws.
   */
  async close(timeoutMs = 5_000): Promise<void> {
    if (this.connectionState === 'closed') return;
    const wasConnected = this.isConnected;
    this.connectionState = 'closed';
    const closed = new Error('the connection is closed');
    this.cancelRestart?.();
    this.cancelRestart = undefined;
    for (const held of this.heldAcks.splice(0)) held.reject(closed);
    for (const waiter of this.reconnectWaiters.splice(0)) waiter.reject(closed);
    // A client that never tried has no stream to end.
    if (!this.attempted) return;
    await this.leave(wasConnected, timeoutMs);
  }

  /** Says `offline` (when connected) and disconnects, within `timeoutMs`; never throws. */
  private async leave(wasConnected: boolean, timeoutMs: number): Promise<void> {
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
