import { DEFAULT_TARIFF, tariffSchema, type Site } from '@ecogrid/contracts';
import type { SiteRow } from './sites.repository.js';

export function toSite(row: SiteRow): Site {
  const tariff = tariffSchema.safeParse(row.tariff);
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    latitude: row.latitude,
    longitude: row.longitude,
    timezone: row.timezone,
    capacityKw: row.capacity_kw,
    gridLimitKw: row.grid_limit_kw,
    tariff: tariff.success ? tariff.data : DEFAULT_TARIFF,
    co2FactorGPerKwh: row.co2_factor_g_per_kwh,
    tags: row.tags,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
