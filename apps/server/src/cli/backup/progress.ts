/** What a backup or restore reports while it runs; the CLI turns each event into one line. */
export type ProgressEvent =
  /** A step begins. */
  | { kind: 'phase'; message: string }
  /** A table's data is being dumped or restored (PostgreSQL tools report each one). */
  | { kind: 'table'; index: number; total: number; table: string }
  /** A long step that reports nothing of its own is still running (embedded engine). */
  | { kind: 'waiting'; activity: string; elapsedSeconds: number };

export type ProgressListener = (event: ProgressEvent) => void;

export function formatProgress(command: 'backup' | 'restore', event: ProgressEvent): string {
  switch (event.kind) {
    case 'phase':
      return `${command}: ${event.message}`;
    case 'table':
      return `${command}: [${event.index}/${event.total}] table ${event.table}`;
    case 'waiting':
      return `${command}: still ${event.activity}… ${event.elapsedSeconds} s`;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export function secondsSince(startedAt: number): number {
  return Math.round((performance.now() - startedAt) / 100) / 10;
}
