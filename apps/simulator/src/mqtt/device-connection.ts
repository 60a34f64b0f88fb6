import { mqttTopics, type TelemetryMessage } from '@ecogrid/contracts';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';

export interface DeviceIdentity {
  siteId: string;
  deviceId: string;
}

/** What happened to one reading handed to a device connection. */
export type PublishOutcome = 'sent' | 'offline' | 'busy';

export interface DeviceConnectionEvents {
  onAcknowledged?: () => void;
  onError?: (identity: DeviceIdentity, error: Error) => void;
}

export const ONLINE = 'online';
export const OFFLINE = 'offline';

/**
 * One MQTT connection per device, as a real device has: the Last Will is per connection, and the
 * broker checks each device's credentials against its own topics.
 */
export function deviceClientOptions(identity: DeviceIdentity): IClientOptions {
  return {
    clientId: `ecogrid-sim-${identity.deviceId}`,
    clean: true,
    keepalive: 30,
    connectTimeout: 10_000,
    // Spread reconnects so a broker restart is not met by every device in the same millisecond.
    reconnectPeriod: 2_000 + Math.floor(Math.random() * 1_000),
    will: {
      topic: mqttTopics.status(identity.siteId, identity.deviceId),
      payload: OFFLINE,
      qos: 1,
      retain: true,
    },
  };
}

export class DeviceConnection {
  private telemetryInFlight: Promise<void> | undefined;
  private lastErrorMessage: string | undefined;
  private readonly statusTopic: string;
  private readonly telemetryTopic: string;

  private constructor(
    readonly identity: DeviceIdentity,
    private readonly client: MqttClient,
    private readonly events: DeviceConnectionEvents,
  ) {
    this.statusTopic = mqttTopics.status(identity.siteId, identity.deviceId);
    this.telemetryTopic = mqttTopics.telemetry(identity.siteId, identity.deviceId);

    // After every (re)connect: the Last Will may have set the retained status to offline meanwhile.
    client.on('connect', () => {
      this.lastErrorMessage = undefined;
      client
        .publishAsync(this.statusTopic, ONLINE, { qos: 1, retain: true })
        .catch((error: unknown) => this.reportError(error));
    });
    client.on('error', (error) => this.reportError(error));
  }

  static open(
    brokerUrl: string,
    identity: DeviceIdentity,
    events: DeviceConnectionEvents = {},
  ): DeviceConnection {
    return new DeviceConnection(
      identity,
      connect(brokerUrl, deviceClientOptions(identity)),
      events,
    );
  }

  get isConnected(): boolean {
    return this.client.connected;
  }

  /**
   * Publishes with QoS 1. At most one reading per device is in flight: a device whose broker
   * does not acknowledge skips readings rather than queueing them without bound.
   */
  publishTelemetry(message: TelemetryMessage): PublishOutcome {
    if (!this.client.connected) return 'offline';
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
    const goodbye = async () => {
      if (this.client.connected) {
        await this.telemetryInFlight;
        await this.client.publishAsync(this.statusTopic, OFFLINE, { qos: 1, retain: true });
      }
      await this.client.endAsync();
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
      await this.client.endAsync(true);
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
