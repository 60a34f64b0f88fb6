import { Inject, Injectable } from '@nestjs/common';
import type { ListDevicesQuery } from '@ecogrid/contracts';
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import { Database } from '../database/database.js';
import { likePattern } from '../database/like.js';
import { listPage, sortBy } from '../database/list-page.js';
import { inScope, type DataScope, type ScopedTransaction } from '../database/scope.js';
import type {
  DB,
  DeviceCredentials as DeviceCredentialsTable,
  Devices,
} from '../database/schema.generated.js';

export type DeviceRow = Selectable<Devices>;

const SORT_COLUMNS = {
  name: sql`lower(name)`,
  type: sql`type`,
  status: sql`status`,
  lastSeenAt: sql`last_seen_at`,
  createdAt: sql`created_at`,
} as const;

export interface DeviceIdentity {
  deviceId: string;
  tenantId: string;
  siteId: string;
  secretHash: Uint8Array;
}

@Injectable()
export class DevicesRepository {
  constructor(@Inject(Database) private readonly database: Database) {}

  transaction<T>(scope: DataScope, work: (trx: ScopedTransaction) => Promise<T>): Promise<T> {
    return inScope(this.database.db, scope, work);
  }

  async list(
    trx: ScopedTransaction,
    tenantId: string,
    query: ListDevicesQuery,
  ): Promise<{ rows: DeviceRow[]; total: number }> {
    let filtered = trx.selectFrom('devices').where('tenant_id', '=', tenantId);
    if (query.search) {
      const pattern = likePattern(query.search);
      filtered = filtered.where((eb) =>
        eb.or([
          eb('name', 'ilike', pattern),
          eb('serial', 'ilike', pattern),
          eb('manufacturer', 'ilike', pattern),
          eb('model', 'ilike', pattern),
        ]),
      );
    }
    if (query.siteId) filtered = filtered.where('site_id', '=', query.siteId);
    if (query.type) filtered = filtered.where('type', '=', query.type);
    if (query.status) filtered = filtered.where('status', '=', query.status);
    if (query.tag) filtered = filtered.where(sql<boolean>`${query.tag} = any(tags)`);
    const column = SORT_COLUMNS[query.sort.replace(/^-/, '') as keyof typeof SORT_COLUMNS];
    return listPage<DB, 'devices', DeviceRow>(
      filtered,
      sortBy(column, query.sort.startsWith('-')),
      query,
    );
  }

  findById(trx: ScopedTransaction, tenantId: string, id: string): Promise<DeviceRow | undefined> {
    return trx
      .selectFrom('devices')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  insert(trx: ScopedTransaction, device: Insertable<Devices>): Promise<DeviceRow> {
    return trx.insertInto('devices').values(device).returningAll().executeTakeFirstOrThrow();
  }

  insertMany(trx: ScopedTransaction, devices: Insertable<Devices>[]): Promise<DeviceRow[]> {
    return devices.length === 0
      ? Promise.resolve([])
      : trx.insertInto('devices').values(devices).returningAll().execute();
  }

  async insertSecrets(
    trx: ScopedTransaction,
    secrets: Insertable<DeviceCredentialsTable>[],
  ): Promise<void> {
    if (secrets.length > 0) await trx.insertInto('device_credentials').values(secrets).execute();
  }

  serials(
    trx: ScopedTransaction,
    tenantId: string,
  ): Promise<{ manufacturer: string | null; serial: string | null }[]> {
    return trx
      .selectFrom('devices')
      .select(['manufacturer', 'serial'])
      .where('tenant_id', '=', tenantId)
      .where('serial', 'is not', null)
      .execute();
  }

  update(trx: ScopedTransaction, id: string, changes: Updateable<Devices>): Promise<DeviceRow> {
    return trx
      .updateTable('devices')
      .set({ ...changes, updated_at: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async delete(trx: ScopedTransaction, id: string): Promise<void> {
    await trx.deleteFrom('devices').where('id', '=', id).execute();
  }

  async setSecret(
    trx: ScopedTransaction,
    deviceId: string,
    tenantId: string,
    secretHash: Buffer,
    rotated: boolean,
  ): Promise<void> {
    await trx
      .insertInto('device_credentials')
      .values({ device_id: deviceId, tenant_id: tenantId, secret_hash: secretHash })
      .onConflict((conflict) =>
        conflict
          .column('device_id')
          .doUpdateSet({ secret_hash: secretHash, rotated_at: rotated ? sql`now()` : null }),
      )
      .execute();
  }

  /** Adds and removes tags on many devices at once; returns how many rows changed. */
  async retag(
    trx: ScopedTransaction,
    tenantId: string,
    deviceIds: readonly string[],
    add: readonly string[],
    remove: readonly string[],
  ): Promise<number> {
    const result = await trx
      .updateTable('devices')
      .set({
        tags: sql<
          string[]
        >`array(select distinct tag from unnest(array_cat(tags, ${add}::text[])) as tag where tag <> all(${remove}::text[]) order by tag)`,
        updated_at: sql`now()`,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', deviceIds)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Sets a device's status; returns it with the previous one when it changed. */
  async setStatus(
    trx: ScopedTransaction,
    deviceId: string,
    status: 'online' | 'offline',
  ): Promise<{ tenantId: string; siteId: string; previous: string } | undefined> {
    const result = await sql<{ tenant_id: string; site_id: string; previous: string }>`
      with before as (select id, status from devices where id = ${deviceId} for update)
      update devices d
      set status = ${status}, last_seen_at = case when ${status} = 'online' then now() else d.last_seen_at end
      from before
      where d.id = before.id and before.status is distinct from ${status}
      returning d.tenant_id, d.site_id, before.status as previous`.execute(trx);
    const row = result.rows[0];
    return row
      ? { tenantId: row.tenant_id, siteId: row.site_id, previous: row.previous }
      : undefined;
  }

  /** Marks offline every online device not heard from since `silentSince`; returns them. */
  async markSilentOffline(
    trx: ScopedTransaction,
    silentSince: Date,
  ): Promise<{ deviceId: string; tenantId: string; siteId: string }[]> {
    const rows = await trx
      .updateTable('devices')
      .set({ status: 'offline' })
      .where('status', '=', 'online')
      .where('last_seen_at', '<', silentSince)
      .returning(['id', 'tenant_id', 'site_id'])
      .execute();
    return rows.map((row) => ({ deviceId: row.id, tenantId: row.tenant_id, siteId: row.site_id }));
  }

  /** For device authentication, before any tenant is known (MQTT CONNECT, HTTP ingest). */
  identity(trx: ScopedTransaction, deviceId: string): Promise<DeviceIdentity | undefined> {
    return trx
      .selectFrom('devices')
      .innerJoin('device_credentials', 'device_credentials.device_id', 'devices.id')
      .innerJoin('tenants', 'tenants.id', 'devices.tenant_id')
      .select([
        'devices.id as deviceId',
        'devices.tenant_id as tenantId',
        'devices.site_id as siteId',
        'device_credentials.secret_hash as secretHash',
      ])
      .where('devices.id', '=', deviceId)
      .where('tenants.status', '=', 'active')
      .executeTakeFirst();
  }
}
