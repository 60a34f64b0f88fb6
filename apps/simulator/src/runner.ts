import type { TelemetryMessage } from '@ecogrid/contracts';
import type { PublishOutcome } from './mqtt/device-connection.js';
import type { CommandOutcome, SimulatedSite } from './site.js';

/** Where a device's readings go; a DeviceConnection in production. */
export interface TelemetrySink {
  publishTelemetry(message: TelemetryMessage): PublishOutcome;
}

export type PublishCounts = Record<PublishOutcome, number>;

export function emptyPublishCounts(): PublishCounts {
  return { sent: 0, offline: 0, busy: 0 };
}

/** Where the outcome of a command the physics carried out goes: its device's command handler. */
export type CommandOutcomeSink = (outcome: CommandOutcome) => void;

/**
 * Steps every site to `at`, hands each device's reading to that device's sink and then the
 * outcomes of the commands the step carried out to `onCommandOutcome`, so a command's
 * `completed` follows the first reading that shows its effect.
 */
export function runTick(
  sites: readonly SimulatedSite[],
  sinksByDeviceId: ReadonlyMap<string, TelemetrySink>,
  at: Date,
  dtSeconds: number,
  counts: PublishCounts,
  onCommandOutcome?: CommandOutcomeSink,
): void {
  for (const site of sites) {
    const step = site.step(at, dtSeconds);
    for (const reading of step.telemetry) {
      const sink = sinksByDeviceId.get(reading.deviceId);
      if (!sink) throw new Error(`no connection for device ${reading.deviceId}`);
      counts[sink.publishTelemetry(reading.message)] += 1;
    }
    for (const outcome of step.commands) onCommandOutcome?.(outcome);
  }
}
