import { Injectable, Logger } from '@nestjs/common';
import { commandTopic, toDeviceMessage } from './commands.mapper.js';
import type { CommandRow } from './commands.repository.js';

/**
 * The way to the devices, provided by whichever broker runs: the embedded one (Aedes) or the
 * client of the external one. The broker attaches itself when it starts, so this module needs no
 * MQTT code and the MQTT module may depend on it (for acknowledgements) without a cycle.
 */
export interface CommandLink {
  /** Resolves once the broker accepted the QoS 1 publish; rejects when it did not. */
  publish(topic: string, payload: Buffer): Promise<void>;
  /**
   * The devices subscribed to their commands right now, or undefined when the broker cannot tell
   * (an external one): then a device's recorded status decides.
   */
  reachableDevices(): ReadonlySet<string> | undefined;
}

export class NoBrokerError extends Error {
  constructor() {
    super('no MQTT broker is running');
    this.name = 'NoBrokerError';
  }
}

/** How long a publish may wait for the broker before the command is left for the next attempt. */
const PUBLISH_TIMEOUT_MS = 10_000;

type ReadyListener = (deviceId: string) => void;

@Injectable()
export class CommandPublisher {
  private readonly logger = new Logger('commands');
  private link: CommandLink | undefined;
  /** Publishes waiting for the broker, ended at once when it goes away. */
  private readonly waiting = new Set<(error: Error) => void>();
  private readonly readyListeners = new Set<ReadyListener>();

  attach(link: CommandLink): void {
    this.link = link;
  }

  detach(link: CommandLink): void {
    if (this.link !== link) return;
    this.link = undefined;
    for (const fail of this.waiting) fail(new NoBrokerError());
  }

  get attached(): boolean {
    return this.link !== undefined;
  }

  /** See {@link CommandLink.reachableDevices}. */
  reachableDevices(): ReadonlySet<string> | undefined {
    return this.link?.reachableDevices();
  }

  /** Publishes a command to its device; resolves once the broker accepted it. */
  async publish(row: CommandRow): Promise<void> {
    const link = this.link;
    if (!link) throw new NoBrokerError();
    const payload = Buffer.from(JSON.stringify(toDeviceMessage(row)));
    let timer: NodeJS.Timeout | undefined;
    let fail: ((error: Error) => void) | undefined;
    try {
      await Promise.race([
        link.publish(commandTopic(row.site_id, row.device_id), payload),
        new Promise<never>((_resolve, reject) => {
          fail = reject;
          this.waiting.add(reject);
          timer = setTimeout(
            () =>
              reject(
                new Error(`the broker did not accept the publish in ${PUBLISH_TIMEOUT_MS} ms`),
              ),
            PUBLISH_TIMEOUT_MS,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
      if (fail) this.waiting.delete(fail);
    }
  }

  /** A device just subscribed to its commands (told by the embedded broker). */
  deviceReady(deviceId: string): void {
    for (const listener of this.readyListeners) {
      try {
        listener(deviceId);
      } catch (error) {
        this.logger.warn({ err: error, deviceId }, 'a device-ready listener failed');
      }
    }
  }

  onDeviceReady(listener: ReadyListener): () => void {
    this.readyListeners.add(listener);
    return () => this.readyListeners.delete(listener);
  }
}
