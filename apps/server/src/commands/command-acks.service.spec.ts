import { describe, expect, it } from 'vitest';
import type { IngestService } from '../ingest/ingest.service.js';
import type { CommandLifecycle } from './command-lifecycle.service.js';
import { CommandAcksService } from './command-acks.service.js';
import type { CommandsMetrics } from './commands.metrics.js';

const COMMAND = '00000000-0000-4000-8000-00000000c0de';
const device = (deviceId: string) => ({ deviceId, tenantId: 't', siteId: 's' });
const ack = (status: string) => Buffer.from(JSON.stringify({ id: COMMAND, status }));

describe('CommandAcksService', () => {
  it('records one device’s answers in the order they came, however they are handed over', async () => {
    const log: string[] = [];
    let release!: () => void;
    const firstHeld = new Promise<void>((resolve) => (release = resolve));
    const lifecycle = {
      acknowledge: async (from: { deviceId: string }, answer: { status: string }) => {
        const name = `${from.deviceId}:${answer.status}`;
        log.push(`start ${name}`);
        if (name === 'a:accepted') await firstHeld;
        log.push(`end ${name}`);
        return { outcome: 'moved' as const };
      },
    } as unknown as CommandLifecycle;
    const metrics = { acks: { inc: () => undefined } } as unknown as CommandsMetrics;
    const acks = new CommandAcksService(lifecycle, {} as IngestService, metrics);

    const handled = [
      acks.handle(device('a'), ack('accepted')),
      acks.handle(device('a'), ack('completed')),
      // Another device is not held up by the first.
      acks.handle(device('b'), ack('completed')),
    ];
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log).toEqual(['start a:accepted', 'start b:completed', 'end b:completed']);
    release();
    await Promise.all(handled);
    expect(log.slice(3)).toEqual(['end a:accepted', 'start a:completed', 'end a:completed']);
  });
});
