import { Logger, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { DevicesModule } from '../devices/devices.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { TelemetryModule } from '../telemetry/telemetry.module.js';
import { FleetSummaries } from './fleet-summaries.service.js';
import { LocalLiveBus, RedisLiveBus, type LiveBus } from './live-bus.js';
import { LiveDirectory } from './live-directory.service.js';
import { LiveForwarder } from './live-forwarder.service.js';
import { LiveGateway } from './live.gateway.js';
import { LiveMetrics } from './live.metrics.js';
import { LIVE_BUS } from './live.tokens.js';

@Module({
  imports: [AuthModule, SitesModule, DevicesModule, TelemetryModule],
  providers: [
    {
      provide: LIVE_BUS,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<LiveBus> => {
        if (!config.REDIS_URL) return new LocalLiveBus();
        const logger = new Logger('live');
        const bus = new RedisLiveBus(config.REDIS_URL, logger);
        try {
          await bus.start();
        } catch (error) {
          // Redis down at start-up: this replica's clients still get its own updates.
          logger.warn(`live bus: Redis not reachable yet (${(error as Error).message})`);
        }
        return bus;
      },
    },
    LiveMetrics,
    LiveDirectory,
    FleetSummaries,
    LiveForwarder,
    LiveGateway,
  ],
  exports: [LiveGateway],
})
export class LiveModule {}
