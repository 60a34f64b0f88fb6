import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CommandsModule } from './commands/commands.module.js';
import { CommonModule } from './common/common.module.js';
import { ConfigModule } from './config/config.module.js';
import { IngestModule } from './ingest/ingest.module.js';
import type { AppConfig } from './config/config.schema.js';
import type { Database } from './database/database.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { LifecycleModule } from './lifecycle/lifecycle.module.js';
import { LiveModule } from './live/live.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { MqttModule } from './mqtt/mqtt.module.js';
import { ProfileModule } from './profile/profile.module.js';
import { DevicesModule } from './devices/devices.module.js';
import { SeedModule } from './seed/seed.module.js';
import { SitesModule } from './sites/sites.module.js';
import { TelemetryModule } from './telemetry/telemetry.module.js';
import { TenantsModule } from './tenants/tenants.module.js';
import { UsersModule } from './users/users.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  database: Database;
  /** Extra modules, e.g. a test's own controller; production passes none. */
  imports?: ModuleMetadata['imports'];
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(options.config),
        CommonModule,
        DatabaseModule.forRoot(options.database),
        LifecycleModule,
        MetricsModule,
        HealthModule,
        AuditModule,
        AuthModule,
        UsersModule,
        ProfileModule,
        TenantsModule,
        SeedModule,
        SitesModule,
        DevicesModule,
        TelemetryModule,
        IngestModule,
        CommandsModule,
        MqttModule,
        LiveModule,
        ...(options.imports ?? []),
      ],
    };
  }
}
