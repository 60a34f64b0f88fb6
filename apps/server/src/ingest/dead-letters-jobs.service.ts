import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { DeadLettersRepository } from './dead-letters.repository.js';

const PRUNE_INTERVAL_MS = 60_000;

/**
 * Keeps the dead-letter table bounded: every minute, each tenant's newest
 * `DEAD_LETTERS_PER_TENANT` rejections stay (unknown senders count as one tenant) and the rest go.
 * A device flooding bad input therefore costs a bounded amount of storage.
 */
@Injectable()
export class DeadLettersJobsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('dead-letters');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DeadLettersRepository) private readonly deadLetters: DeadLettersRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Prunes once (one run at a time); answers how many dead letters were removed. */
  prune(): Promise<number> {
    this.running ??= this.deadLetters
      .prune(this.config.DEAD_LETTERS_PER_TENANT)
      .then(
        (removed) => {
          if (removed > 0) this.logger.log(`pruned ${removed} old dead letter(s)`);
          return removed;
        },
        (error: unknown) => {
          this.logger.warn({ err: error }, 'pruning dead letters failed; will retry');
          return 0;
        },
      )
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
