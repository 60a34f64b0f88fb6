import type { TelemetryMessage } from '@ecogrid/contracts';
import type { PublishOutcome } from './mqtt/device-connection.js';
import type { SimulatedSite } from './site.js';

/** Where a device's readings go; a DeviceConnection in production. */
export interface TelemetrySink {
  publishTelemetry(message: TelemetryMessage): PublishOutcome;
}

export type PublishCounts = Record<PublishOutcome, number>;

export function emptyPublishCounts(): PublishCounts {
  return { sent: 0, offline: 0, busy: 0 };
}

/** Steps every site to `at` and hands each device's reading to that device's sink. */
export function runTick(
  sites: readonly SimulatedSite[],
  sinksByDeviceId: ReadonlyMap<string, TelemetrySink>,
  at: Date,
  dtSeconds: number,
  counts: PublishCounts,
): void {
  for (const site of sites) {
    for (const reading of site.step(at, dtSeconds).telemetry) {
      const sink = sinksByDeviceId.get(reading.deviceId);
      if (!sink) throw new Error(`no connection for device ${reading.deviceId}`);
      counts[sink.publishTelemetry(reading.message)] += 1;
    }
  }
}
