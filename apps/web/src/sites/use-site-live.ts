import { siteFlow, type Device, type DeviceStatus, type SiteFlow } from '@ecogrid/contracts';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { fetchLatest } from '../api/fleet';
import { useLiveSubscription } from '../live/LiveProvider';

export interface SiteLive {
  flow: SiteFlow;
  /** Latest metrics per device id. */
  latest: ReadonlyMap<string, Readonly<Record<string, number>>>;
  /** Live status per device id, where it changed since the page loaded. */
  statuses: ReadonlyMap<string, DeviceStatus>;
  /** When the last live value arrived (epoch ms), or null before the first. */
  updatedAt: number | null;
  seeding: boolean;
}

/** Live values overlaid on the seed: a newer message replaces a device's metrics it names. */
export function mergeMetrics(
  seed: ReadonlyMap<string, Record<string, number>>,
  live: ReadonlyMap<string, Record<string, number>>,
): Map<string, Record<string, number>> {
  const merged = new Map(seed);
  for (const [deviceId, metrics] of live) {
    merged.set(deviceId, { ...(merged.get(deviceId) ?? {}), ...metrics });
  }
  return merged;
}

/**
 * A site's power flows right now: seeded from each device's latest values, then kept current by the
 * site's live subscription (`device.metrics`, `device.status`).
 */
export function useSiteLive(
  siteId: string | null,
  devices: readonly Device[] | undefined,
): SiteLive {
  const deviceIds = (devices ?? []).map((device) => device.id);
  const seed = useQuery({
    queryKey: ['sites', 'latest', siteId, deviceIds.join(',')],
    enabled: siteId !== null && devices !== undefined,
    queryFn: async () => {
      const entries = await Promise.all(
        deviceIds.map(async (id) => [id, await fetchLatest(id).catch(() => ({}))] as const),
      );
      return new Map<string, Record<string, number>>(entries);
    },
    staleTime: Infinity,
  });
  const [live, setLive] = useState<{
    siteId: string | null;
    metrics: Map<string, Record<string, number>>;
    statuses: Map<string, DeviceStatus>;
    updatedAt: number | null;
  }>({ siteId, metrics: new Map(), statuses: new Map(), updatedAt: null });
  // A different site starts from its own seed.
  const current =
    live.siteId === siteId
      ? live
      : {
          siteId,
          metrics: new Map<string, Record<string, number>>(),
          statuses: new Map<string, DeviceStatus>(),
          updatedAt: null,
        };

  useLiveSubscription(siteId ? { kind: 'site', siteId } : null, (message) => {
    if (message.type === 'device.metrics' && message.siteId === siteId) {
      setLive((previous) => {
        const base = previous.siteId === siteId ? previous : { ...current };
        const metrics = new Map(base.metrics);
        metrics.set(message.deviceId, {
          ...(metrics.get(message.deviceId) ?? {}),
          ...message.metrics,
        });
        return { ...base, siteId, metrics, updatedAt: Date.now() };
      });
    } else if (message.type === 'device.status' && message.siteId === siteId) {
      setLive((previous) => {
        const base = previous.siteId === siteId ? previous : { ...current };
        const statuses = new Map(base.statuses);
        statuses.set(message.deviceId, message.status);
        return { ...base, siteId, statuses, updatedAt: Date.now() };
      });
    }
  });

  const latest = useMemo(
    () => mergeMetrics(seed.data ?? new Map(), current.metrics),
    [seed.data, current.metrics],
  );
  const flow = useMemo(() => siteFlow(devices ?? [], latest), [devices, latest]);
  return {
    flow,
    latest,
    statuses: current.statuses,
    updatedAt: current.updatedAt,
    seeding: seed.isPending && seed.fetchStatus !== 'idle',
  };
}
