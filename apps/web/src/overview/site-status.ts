import type { Device, DeviceStatus } from '@ecogrid/contracts';

/** A site's status from its devices': any fault wins, then all online, then some online. */
export type SiteStatus = 'online' | 'partial' | 'fault' | 'offline' | 'unknown';

export const SITE_STATUS_COLORS: Record<SiteStatus, string> = {
  online: '#10b981',
  partial: '#f59e0b',
  fault: '#ef4444',
  offline: '#64748b',
  unknown: '#a1a1aa',
};

export const SITE_STATUS_LABELS: Record<SiteStatus, string> = {
  online: 'All devices online',
  partial: 'Some devices offline',
  fault: 'A device reports a fault',
  offline: 'All devices offline',
  unknown: 'No devices reporting',
};

export function siteStatusOf(statuses: readonly DeviceStatus[]): SiteStatus {
  if (statuses.length === 0) return 'unknown';
  if (statuses.includes('fault')) return 'fault';
  const online = statuses.filter((status) => status === 'online').length;
  if (online === statuses.length) return 'online';
  if (online > 0) return 'partial';
  if (statuses.every((status) => status === 'unknown')) return 'unknown';
  return 'offline';
}

/** Each site's status, from its devices (with live status overrides by device id). */
export function siteStatuses(
  devices: readonly Pick<Device, 'id' | 'siteId' | 'status'>[],
  overrides: ReadonlyMap<string, DeviceStatus> = new Map(),
): Map<string, SiteStatus> {
  const bySite = new Map<string, DeviceStatus[]>();
  for (const device of devices) {
    const list = bySite.get(device.siteId) ?? [];
    list.push(overrides.get(device.id) ?? device.status);
    bySite.set(device.siteId, list);
  }
  const result = new Map<string, SiteStatus>();
  for (const [siteId, statuses] of bySite) result.set(siteId, siteStatusOf(statuses));
  return result;
}
