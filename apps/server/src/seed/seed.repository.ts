import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { ScopedTransaction } from '../database/scope.js';

@Injectable()
export class SeedRepository {
  /** Instances starting together seed one after another, so each row is created once. */
  async lock(trx: ScopedTransaction): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext('ecogrid:seed'))`.execute(trx);
  }
}
