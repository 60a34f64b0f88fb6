type Tone = 'good' | 'bad' | 'warn' | 'neutral' | 'info';

const TONES: Record<Tone, string> = {
  good: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/60 dark:text-emerald-200',
  bad: 'bg-red-100 text-red-800 dark:bg-red-900/60 dark:text-red-200',
  warn: 'bg-amber-100 text-amber-900 dark:bg-amber-900/60 dark:text-amber-100',
  info: 'bg-sky-100 text-sky-800 dark:bg-sky-900/60 dark:text-sky-200',
  neutral: 'bg-slate-200 text-slate-700 dark:bg-slate-700 dark:text-slate-200',
};

/** Device, command and connection statuses by tone; anything else is neutral. */
const TONE_OF: Record<string, Tone> = {
  online: 'good',
  live: 'good',
  completed: 'good',
  active: 'good',
  accepted: 'info',
  sent: 'info',
  pending: 'info',
  reconnecting: 'warn',
  unknown: 'neutral',
  offline: 'neutral',
  expired: 'warn',
  cancelled: 'neutral',
  fault: 'bad',
  failed: 'bad',
  rejected: 'bad',
  blocked: 'bad',
  suspended: 'bad',
};

export function statusTone(status: string): Tone {
  return TONE_OF[status] ?? 'neutral';
}

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return (
    <span
      className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${TONES[statusTone(status)]}`}
    >
      <span aria-hidden="true" className="size-1.5 rounded-full bg-current" />
      {label ?? status.replaceAll('_', ' ')}
    </span>
  );
}
