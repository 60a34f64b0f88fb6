import { Inject, Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { SchemaMigrator } from '../database/migrations.js';

export interface MigrationState {
  pending: string[];
  unknown: string[];
}

@Injectable()
export class HealthRepository {
  private migrator: SchemaMigrator | undefined;

  constructor(@Inject(Database) private readonly database: Database) {}

  ping(): Promise<void> {
    return this.database.ping();
  }

  async migrationState(): Promise<MigrationState> {
    this.migrator ??= await SchemaMigrator.create(this.database.db);
    const [pending, unknown] = await Promise.all([
      this.migrator.pending(),
      this.migrator.unknownApplied(),
    ]);
    return { pending: pending.map((migration) => migration.name), unknown };
  }
}
