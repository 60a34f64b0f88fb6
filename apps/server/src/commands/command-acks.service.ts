import { Inject, Injectable, Logger } from '@nestjs/common';
import { commandAckSchema, type CommandAck } from '@ecogrid/contracts';
import type { AuthenticatedDevice } from '../devices/device-auth.service.js';
import {
  DETAIL_MAX_CHARS,
  RAW_MAX_CHARS,
  toStorableText,
  type Rejection,
} from '../ingest/core/index.js';
import { IngestService } from '../ingest/ingest.service.js';
import { CommandLifecycle } from './command-lifecycle.service.js';
import { CommandsMetrics } from './commands.metrics.js';

/** An acknowledgement is a few hundred bytes; anything far larger is not one. */
const MAX_ACK_BYTES = 4096;

/**
 * Acknowledgements devices publish on `…/commands/ack`. `handle` resolves once the answer is
 * recorded (or refused), so the broker acknowledges the message only then; it throws only when
 * the database failed, so that the device sends it again. An answer that is not for one of this
 * device's commands changes nothing: it is logged and kept as a dead letter.
 */
@Injectable()
export class CommandAcksService {
  private readonly logger = new Logger('commands');
  /** The last answer of each device still being recorded. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    @Inject(CommandLifecycle) private readonly lifecycle: CommandLifecycle,
    @Inject(IngestService) private readonly ingest: IngestService,
    @Inject(CommandsMetrics) private readonly metrics: CommandsMetrics,
  ) {}

  /**
   * Answers of one device are recorded in the order they arrived: a broker hands over messages
   * concurrently (the external one holds PUBACKs, not reading), and `completed` applied before
   * its `accepted` would leave `accepted` a no-op and the device's history a step short.
   */
  handle(device: AuthenticatedDevice, payload: Uint8Array): Promise<void> {
    const previous = this.queues.get(device.deviceId) ?? Promise.resolve();
    const result = previous.then(() => this.record(device, payload));
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(device.deviceId, settled);
    void settled.then(() => {
      if (this.queues.get(device.deviceId) === settled) this.queues.delete(device.deviceId);
    });
    return result;
  }

  private async record(device: AuthenticatedDevice, payload: Uint8Array): Promise<void> {
    const ack = this.parse(payload);
    if (!ack.ok) {
      this.metrics.acks.inc({ outcome: 'invalid' });
      await this.refuse(device, ack.rejection);
      return;
    }
    const { outcome, status } = await this.lifecycle.acknowledge(device, ack.value);
    if (outcome === 'unknown') {
      this.metrics.acks.inc({ outcome: 'unknown_command' });
      this.logger.warn(
        { deviceId: device.deviceId, commandId: ack.value.id },
        'acknowledgement for no command of this device; ignored',
      );
      await this.refuse(device, {
        reason: 'unknown_command',
        detail: `acknowledges ${ack.value.id}, which is no command of this device`,
        deviceId: device.deviceId,
        raw: this.raw(payload),
      });
      return;
    }
    this.metrics.acks.inc({ outcome });
    if (outcome === 'unchanged' && status !== ack.value.status) {
      this.logger.log(
        { deviceId: device.deviceId, commandId: ack.value.id, status, answer: ack.value.status },
        'acknowledgement after the command ended; ignored',
      );
    }
  }

  private parse(
    payload: Uint8Array,
  ): { ok: true; value: CommandAck } | { ok: false; rejection: Rejection } {
    const raw = this.raw(payload);
    if (payload.byteLength > MAX_ACK_BYTES) {
      return {
        ok: false,
        rejection: {
          reason: 'payload_too_large',
          detail: `an acknowledgement has at most ${MAX_ACK_BYTES} bytes, got ${payload.byteLength}`,
          deviceId: null,
          raw,
        },
      };
    }
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(payload).toString('utf8'));
    } catch {
      return {
        ok: false,
        rejection: {
          reason: 'malformed_json',
          detail: 'acknowledgement is not JSON',
          deviceId: null,
          raw,
        },
      };
    }
    const parsed = commandAckSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      return {
        ok: false,
        rejection: {
          reason: 'bad_shape',
          detail: toStorableText(`acknowledgement ${where}${issue.message}`, DETAIL_MAX_CHARS),
          deviceId: null,
          raw,
        },
      };
    }
    return { ok: true, value: parsed.data };
  }

  private raw(payload: Uint8Array): string {
    return toStorableText(
      Buffer.from(payload.subarray(0, RAW_MAX_CHARS * 4)).toString('utf8'),
      RAW_MAX_CHARS,
    );
  }

  private async refuse(device: AuthenticatedDevice, rejection: Rejection): Promise<void> {
    await this.ingest.reject(
      device.tenantId,
      [{ ...rejection, deviceId: device.deviceId }],
      'mqtt',
    );
  }
}
