import { Inject, Injectable } from '@nestjs/common';
import type { DependencyReport, HealthReport } from '@ecogrid/contracts';
import { LifecycleService } from '../lifecycle/lifecycle.service.js';
import { APP_VERSION } from '../version.js';
import { HealthRepository } from './health.repository.js';

/** A dependency check: resolves when healthy (optionally with a note), throws with the reason. */
export type ReadinessCheck = () => Promise<string | void>;

const CHECK_TIMEOUT_MS = 3_000;

@Injectable()
export class HealthService {
  private readonly checks = new Map<string, ReadinessCheck>();

  constructor(
    @Inject(HealthRepository) private readonly repository: HealthRepository,
    @Inject(LifecycleService) private readonly lifecycle: LifecycleService,
  ) {
    this.register('database', () => this.repository.ping());
    this.register('migrations', async () => {
      const state = await this.repository.migrationState();
      if (state.unknown.length > 0)
        throw new Error(`schema is newer than code: ${state.unknown.join(', ')}`);
      if (state.pending.length > 0) throw new Error(`pending: ${state.pending.join(', ')}`);
      return 'current';
    });
  }

  /** Other modules (the MQTT broker, later) add their dependency here. */
  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  liveness(): HealthReport {
    return this.report(this.lifecycle.isShuttingDown ? 'shutting_down' : 'ok', []);
  }

  async readiness(): Promise<HealthReport> {
    const dependencies = await Promise.all(
      [...this.checks].map(([name, check]) => runCheck(name, check)),
    );
    const allUp = dependencies.every((dependency) => dependency.status === 'up');
    const status = this.lifecycle.isShuttingDown ? 'shutting_down' : allUp ? 'ok' : 'unavailable';
    return this.report(status, dependencies);
  }

  private report(status: HealthReport['status'], dependencies: DependencyReport[]): HealthReport {
    return {
      status,
      version: APP_VERSION,
      uptimeSeconds: Math.round(process.uptime()),
      checkedAt: new Date().toISOString(),
      dependencies,
    };
  }
}

async function runCheck(name: string, check: ReadinessCheck): Promise<DependencyReport> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const note = await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return {
      name,
      status: 'up',
      responseTimeMs: elapsed(started),
      ...(note ? { message: note } : {}),
    };
  } catch (error) {
    return {
      name,
      status: 'down',
      responseTimeMs: elapsed(started),
      message: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
