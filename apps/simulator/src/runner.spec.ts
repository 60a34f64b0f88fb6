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

  it('hands over the outcome of each command after the readings that show it', () => {
    const [site] = createFleet(1, 5);
    const battery = site!.devices.find((device) => device.kind === 'battery')!;
    const events: string[] = [];
    const sinks = new Map(
      site!.devices.map((device) => [
        device.deviceId,
        {
          publishTelemetry: (message: TelemetryMessage): PublishOutcome => {
            events.push(`reading ${device.kind} ${message.metrics.power_kw}`);
            return 'sent';
          },
        },
      ]),
    );
    site!.queueCommand(battery.deviceId, 'cmd-1', { type: 'set_mode', mode: 'idle' });

    runTick([site!], sinks, new Date('2025-06-21T10:00:00Z'), 5, emptyPublishCounts(), (outcome) =>
      events.push(`${outcome.status} ${outcome.commandId}`),
    );

    expect(events).toEqual([
      expect.stringMatching(/^reading grid_meter /),
      expect.stringMatching(/^reading pv_inverter /),
      'reading battery 0',
      'completed cmd-1',
    ]);
  });

  it('fails loudly when a device has no connection', () => {
    expect(() =>
      runTick(createFleet(1, 5), new Map(), new Date(), 5, emptyPublishCounts()),
    ).toThrow('no connection for device sim-local-site-00001-meter-1');
  });
});
