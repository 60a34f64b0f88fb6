import type { TelemetryMessage } from '@ecogrid/contracts';
import { describe, expect, it } from 'vitest';
import { createFleet } from './fleet.js';
import type { PublishOutcome } from './mqtt/device-connection.js';
import { emptyPublishCounts, runTick, type TelemetrySink } from './runner.js';

class RecordingSink implements TelemetrySink {
  readonly messages: TelemetryMessage[] = [];
  constructor(private readonly outcome: PublishOutcome = 'sent') {}

  publishTelemetry(message: TelemetryMessage): PublishOutcome {
    if (this.outcome === 'sent') this.messages.push(message);
    return this.outcome;
  }
}

describe('runTick', () => {
  it('hands every device its own reading and counts the outcomes', () => {
    const sites = createFleet(2, 5);
    const sinks = new Map<string, RecordingSink>();
    for (const device of sites.flatMap((site) => site.devices)) {
      sinks.set(device.deviceId, new RecordingSink(device.kind === 'battery' ? 'offline' : 'sent'));
    }
    const counts = emptyPublishCounts();

    runTick(sites, sinks, new Date('2025-06-21T10:00:00Z'), 5, counts);

    expect(counts).toEqual({ sent: 4, offline: 2, busy: 0 });
    const pvReading = sinks.get('sim-local-site-00001-pv-1')?.messages[0];
    expect(pvReading?.metrics.power_kw).toBeGreaterThan(0);
    expect(sinks.get('sim-local-site-00002-meter-1')?.messages[0]?.metrics).toHaveProperty(
      'import_kwh',
    );
  });

  it('fails loudly when a device has no connection', () => {
    expect(() =>
      runTick(createFleet(1, 5), new Map(), new Date(), 5, emptyPublishCounts()),
    ).toThrow('no connection for device sim-local-site-00001-meter-1');
  });
});
