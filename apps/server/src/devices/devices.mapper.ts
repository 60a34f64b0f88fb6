import type { Device } from '@ecogrid/contracts';
import type { DeviceRow } from './devices.repository.js';

export function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    siteId: row.site_id,
    type: row.type as Device['type'],
    name: row.name,
    manufacturer: row.manufacturer,
    model: row.model,
    serial: row.serial,
    ratedPowerKw: row.rated_power_kw,
    capacityKwh: row.capacity_kwh,
    config: (row.config ?? {}) as Record<string, unknown>,
    firmwareVersion: row.firmware_version,
    status: row.status as Device['status'],
    lastSeenAt: row.last_seen_at?.toISOString() ?? null,
    tags: row.tags,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
