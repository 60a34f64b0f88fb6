import type { DependencyReport, HealthReport } from '@ecogrid/contracts';

/** What the operator should conclude at a glance. */
export type OverallState =
  'checking' | 'operational' | 'degraded' | 'shutting_down' | 'unreachable';

/** Visual emphasis; the view maps it to colours, and always shows the label too. */
export type StatusTone = 'neutral' | 'good' | 'warning' | 'critical';

export interface DependencyView {
  name: string;
  isUp: boolean;
  statusLabel: 'Up' | 'Down';
  responseTime: string;
  message?: string;
}

export interface HealthView {
  state: OverallState;
  label: string;
  tone: StatusTone;
  summary: string;
  version?: string;
  uptime?: string;
  /** ISO-8601 instant of the server's check; the view formats it in the reader's locale. */
  checkedAt?: string;
  dependencies: DependencyView[];
}

export const checkingHealthView: HealthView = {
  state: 'checking',
  label: 'Checking…',
  tone: 'neutral',
  summary: 'Asking the server for its status.',
  dependencies: [],
};

export function healthViewFromReport(report: HealthReport): HealthView {
  const dependencies = report.dependencies.map(toDependencyView);
  const common = {
    version: report.version,
    uptime: formatUptime(report.uptimeSeconds),
    checkedAt: report.checkedAt,
    dependencies,
  };

  switch (report.status) {
    case 'ok':
      return {
        ...common,
        state: 'operational',
        label: 'Operational',
        tone: 'good',
        summary: 'All systems are working.',
      };
    case 'unavailable':
      return {
        ...common,
        state: 'degraded',
        label: 'Degraded',
        tone: 'critical',
        summary: describeDownDependencies(dependencies),
      };
    case 'shutting_down':
      // A replica drains like this during a rolling upgrade; the others keep serving.
      return {
        ...common,
        state: 'shutting_down',
        label: 'Shutting down',
        tone: 'warning',
        summary: 'This server is shutting down and no longer accepts new work.',
      };
  }
}

export function healthViewFromFailure(error: unknown): HealthView {
  const reason = error instanceof Error && error.message ? error.message : 'unknown error';
  return {
    state: 'unreachable',
    label: 'Unreachable',
    tone: 'critical',
    summary: `The server could not be reached: ${reason}.`,
    dependencies: [],
  };
}

/** Coarse on purpose: an operator wants "3 d 4 h", not a second-precise counter. */
export function formatUptime(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  const remainingSeconds = seconds % 60;

  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min ${remainingSeconds} s`;
  return `${remainingSeconds} s`;
}

export function formatResponseTime(milliseconds: number): string {
  if (milliseconds >= 1_000) return `${(milliseconds / 1_000).toFixed(1)} s`;
  if (milliseconds < 10) return `${milliseconds.toFixed(1)} ms`;
  return `${Math.round(milliseconds)} ms`;
}

function toDependencyView(dependency: DependencyReport): DependencyView {
  const isUp = dependency.status === 'up';
  return {
    name: dependency.name,
    isUp,
    statusLabel: isUp ? 'Up' : 'Down',
    responseTime: formatResponseTime(dependency.responseTimeMs),
    ...(dependency.message ? { message: dependency.message } : {}),
  };
}

function describeDownDependencies(dependencies: DependencyView[]): string {
  const downNames = dependencies.filter((dependency) => !dependency.isUp).map(({ name }) => name);
  if (downNames.length === 0) return 'The server reports that it cannot serve requests.';
  const verb = downNames.length === 1 ? 'is' : 'are';
  return `Not ready: ${downNames.join(', ')} ${verb} down.`;
}
