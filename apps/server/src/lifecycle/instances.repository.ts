import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { Database } from '../database/database.js';

export interface InstanceRegistration {
  id: string;
  hostname: string;
  pid: number;
  version: string;
}

@Injectable()
export class InstancesRepository {
  constructor(@Inject(Database) private readonly database: Database) {}

  async register(instance: InstanceRegistration): Promise<void> {
    await this.database.db.insertInto('server_instances').values(instance).execute();
  }

  /** Refreshes this instance and forgets instances silent for longer than `staleAfterMs`. */
  async touch(id: string, staleAfterMs: number): Promise<void> {
    await this.database.db
      .updateTable('server_instances')
      .set({ last_seen_at: sql`now()` })
      .where('id', '=', id)
      .execute();
    await this.database.db
      .deleteFrom('server_instances')
      .where('last_seen_at', '<', sql<Date>`now() - make_interval(secs => ${staleAfterMs / 1000})`)
      .execute();
  }

  async remove(id: string): Promise<void> {
    await this.database.db.deleteFrom('server_instances').where('id', '=', id).execute();
  }
}
