import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isFinalStatus, RecentCommands, type RecordedCommand } from './recent-commands.js';

function entry(overrides: Partial<RecordedCommand> = {}): RecordedCommand {
  return { id: randomUUID(), type: 'switch', status: 'accepted', ...overrides };
}

describe('RecentCommands', () => {
  it('remembers the last answer per id, keeping the order of first receipt', () => {
    const recent = new RecentCommands(10);
    const first = entry();
    const second = entry();
    recent.record(first);
    recent.record(second);
    recent.record({ ...first, status: 'completed', message: 'switched on' });

    expect(recent.get(first.id)).toEqual({ ...first, status: 'completed', message: 'switched on' });
    expect(recent.entries().map(({ id }) => id)).toEqual([first.id, second.id]);
    expect(recent.get(randomUUID())).toBeUndefined();
  });

  it('forgets the oldest ids beyond its capacity', () => {
    const recent = new RecentCommands(3);
    const entries = Array.from({ length: 5 }, () => entry());
    for (const item of entries) recent.record(item);

    expect(recent.size).toBe(3);
    expect(recent.get(entries[0]!.id)).toBeUndefined();
    expect(recent.get(entries[1]!.id)).toBeUndefined();
    expect(recent.entries().map(({ id }) => id)).toEqual(entries.slice(2).map(({ id }) => id));
  });

  it('starts from saved entries, oldest first, within its capacity', () => {
    const saved = Array.from({ length: 4 }, () => entry({ status: 'completed' }));
    const recent = new RecentCommands(2, saved);
    expect(recent.entries()).toEqual(saved.slice(2));
  });

  it('hands out copies, so callers cannot change its memory', () => {
    const recent = new RecentCommands(2);
    const item = entry();
    recent.record(item);
    item.status = 'failed';
    recent.entries()[0]!.status = 'rejected';
    expect(recent.get(item.id)?.status).toBe('accepted');
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RecentCommands(0)).toThrow('capacity must be a positive integer');
    expect(() => new RecentCommands(1.5)).toThrow('capacity must be a positive integer');
  });

  it('counts every answer but accepted as final', () => {
    expect(
      ['accepted', 'rejected', 'completed', 'failed'].map((status) =>
        isFinalStatus(status as RecordedCommand['status']),
      ),
    ).toEqual([false, true, true, true]);
  });
});
