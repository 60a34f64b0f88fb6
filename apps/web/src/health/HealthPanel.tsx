import type { ReactNode } from 'react';
import type { DependencyView, HealthView, StatusTone } from './health-status';
import { DEFAULT_HEALTH_REFRESH_MS, useHealthView } from './use-health-view';

const badgeClassByTone: Record<StatusTone, string> = {
  neutral: 'bg-slate-100 text-slate-700 ring-slate-300 dark:bg-slate-800 dark:text-slate-200',
  good: 'bg-emerald-50 text-emerald-800 ring-emerald-300 dark:bg-emerald-950 dark:text-emerald-200',
  warning: 'bg-amber-50 text-amber-800 ring-amber-300 dark:bg-amber-950 dark:text-amber-200',
  critical: 'bg-red-50 text-red-800 ring-red-300 dark:bg-red-950 dark:text-red-200',
};

const dotClassByTone: Record<StatusTone, string> = {
  neutral: 'bg-slate-400',
  good: 'bg-emerald-500',
  warning: 'bg-amber-500',
  critical: 'bg-red-500',
};

interface HealthPanelProps {
  refreshIntervalMs?: number;
}

export function HealthPanel({ refreshIntervalMs = DEFAULT_HEALTH_REFRESH_MS }: HealthPanelProps) {
  const view = useHealthView(refreshIntervalMs);

  return (
    <section
      aria-labelledby="health-heading"
      className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm sm:p-6 dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id="health-heading" className="text-lg font-semibold">
        System status
      </h2>
      {/* Only the verdict is live: uptime changes on every poll and must not be re-announced. */}
      <div
        role="status"
        aria-live="polite"
        aria-atomic="true"
        className="mt-3 flex flex-wrap items-center gap-x-3 gap-y-2"
      >
        <StatusBadge tone={view.tone} label={view.label} />
        <p className="text-sm text-slate-600 dark:text-slate-400">{view.summary}</p>
      </div>

      <ServerFacts view={view} />
      <DependencyList dependencies={view.dependencies} />
    </section>
  );
}

function StatusBadge({ tone, label }: { tone: StatusTone; label: string }) {
  return (
    <span
      className={`inline-flex items-center gap-2 rounded-full px-3 py-1 text-sm font-medium ring-1 ring-inset ${badgeClassByTone[tone]}`}
    >
      <span aria-hidden="true" className={`size-2 rounded-full ${dotClassByTone[tone]}`} />
      {label}
    </span>
  );
}

function ServerFacts({ view }: { view: HealthView }) {
  if (view.version === undefined && view.uptime === undefined) return null;

  return (
    <dl className="mt-5 grid grid-cols-1 gap-4 sm:grid-cols-3">
      <Fact term="Version">{view.version}</Fact>
      <Fact term="Uptime">{view.uptime}</Fact>
      <Fact term="Last checked">
        {view.checkedAt ? (
          <time dateTime={view.checkedAt}>{new Date(view.checkedAt).toLocaleTimeString()}</time>
        ) : undefined}
      </Fact>
    </dl>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="rounded-lg bg-slate-50 px-4 py-3 dark:bg-slate-800/60">
      <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase dark:text-slate-400">
        {term}
      </dt>
      <dd className="mt-1 font-mono text-sm">{children ?? '—'}</dd>
    </div>
  );
}

function DependencyList({ dependencies }: { dependencies: DependencyView[] }) {
  if (dependencies.length === 0) return null;

  return (
    <div className="mt-6">
      <h3 id="dependencies-heading" className="text-sm font-semibold">
        Dependencies
      </h3>
      <ul
        aria-labelledby="dependencies-heading"
        className="mt-2 divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800"
      >
        {dependencies.map((dependency) => (
          <li
            key={dependency.name}
            className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 px-4 py-3"
          >
            <div className="min-w-0">
              <p className="font-medium">{dependency.name}</p>
              {dependency.message ? (
                <p className="text-sm break-words text-slate-600 dark:text-slate-400">
                  {dependency.message}
                </p>
              ) : null}
            </div>
            <div className="flex items-center gap-3 text-sm">
              <span className="font-mono text-slate-600 tabular-nums dark:text-slate-400">
                {dependency.responseTime}
              </span>
              <StatusBadge
                tone={dependency.isUp ? 'good' : 'critical'}
                label={dependency.statusLabel}
              />
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
