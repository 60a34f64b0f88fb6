import { z } from 'zod';
import { commandStatusSchema, commandTypeSchema } from './commands.js';
import { deviceStatusSchema, type DeviceType } from './devices.js';
import { fleetSummarySchema } from './telemetry.js';

/**
 * The live stream at `/api/v1/ws`: every message either side may send, each with a `type`. The
 * access token travels in the first message (`auth`), never in the URL, and is renewed on the same
 * connection (`auth` again) before it expires.
 */

/** What a client may follow; tenant and site limits are checked on every subscription. */
export const liveTopicSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fleet') }).strict(),
  z.object({ kind: z.literal('site'), siteId: z.uuid() }).strict(),
  z.object({ kind: z.literal('device'), deviceId: z.uuid() }).strict(),
  z.object({ kind: z.literal('alerts') }).strict(),
  z
    .object({
      kind: z.literal('commands'),
      siteId: z.uuid().optional(),
      deviceId: z.uuid().optional(),
    })
    .strict(),
]);
export type LiveTopic = z.infer<typeof liveTopicSchema>;

/** A client's own name for a subscription, echoed on what it receives for it. */
const subscriptionId = z.string().min(1).max(64);

export const liveClientMessageSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('auth'),
      token: z.string().min(1).max(8192),
      /** A platform admin names the tenant to follow, as X-Tenant-Id does on REST. */
      tenantId: z.uuid().optional(),
    })
    .strict(),
  z.object({ type: z.literal('subscribe'), id: subscriptionId, topic: liveTopicSchema }).strict(),
  z.object({ type: z.literal('unsubscribe'), id: subscriptionId }).strict(),
  z.object({ type: z.literal('ping'), at: z.number().optional() }).strict(),
]);
export type LiveClientMessage = z.infer<typeof liveClientMessageSchema>;

export const LIVE_ERROR_CODES = [
  'bad_message',
  'unauthenticated',
  'token_expired',
  'forbidden',
  'not_found',
  'too_many_subscriptions',
] as const;

const at = z.iso.datetime({ offset: true });

export const liveServerMessageSchema = z.discriminatedUnion('type', [
  /** The token was accepted; renew before `expiresAt`. */
  z.object({ type: z.literal('authenticated'), expiresAt: at }),
  z.object({ type: z.literal('subscribed'), id: subscriptionId }),
  z.object({ type: z.literal('unsubscribed'), id: subscriptionId }),
  /** About one message (`id` of its subscription, when it had one); the connection stays open. */
  z.object({
    type: z.literal('error'),
    id: subscriptionId.optional(),
    code: z.enum(LIVE_ERROR_CODES),
    message: z.string(),
  }),
  z.object({ type: z.literal('pong'), at: z.number().optional() }),
  /** The latest values of a device, coalesced to at most LIVE_MAX_HZ per device. */
  z.object({
    type: z.literal('device.metrics'),
    subscription: subscriptionId,
    siteId: z.uuid(),
    deviceId: z.uuid(),
    ts: at,
    metrics: z.record(z.string(), z.number()),
  }),
  z.object({
    type: z.literal('device.status'),
    subscription: subscriptionId,
    siteId: z.uuid(),
    deviceId: z.uuid(),
    status: deviceStatusSchema,
    at,
  }),
  /** The tenant's KPIs (as GET /api/v1/fleet/summary), on `fleet` subscriptions every few seconds. */
  z.object({
    type: z.literal('fleet.summary'),
    subscription: subscriptionId,
    at,
    summary: fleetSummarySchema,
  }),
  z.object({
    type: z.literal('command.status'),
    subscription: subscriptionId,
    commandId: z.uuid(),
    siteId: z.uuid(),
    deviceId: z.uuid(),
    commandType: commandTypeSchema,
    status: commandStatusSchema,
    message: z.string().optional(),
    at,
  }),
]);
export type LiveServerMessage = z.infer<typeof liveServerMessageSchema>;

/** Close codes beyond the standard ones (1012 "service restart" is standard: reconnect). */
export const LIVE_CLOSE = {
  serviceRestart: 1012,
  authTimeout: 4001,
  unauthenticated: 4002,
  tooSlow: 4008,
} as const;

/**
 * A site's power flows right now, from the latest `power_kw` of its devices. Signs follow the device
 * contract: grid > 0 imports, battery > 0 discharges; loads (consumption) are what the balance
 * leaves: PV + grid + battery. `null` where the site has no such device or no value yet.
 */
export interface SiteFlow {
  pvKw: number | null;
  batteryKw: number | null;
  batterySocPct: number | null;
  gridKw: number | null;
  loadKw: number | null;
}

export function siteFlow(
  devices: readonly { id: string; type: DeviceType }[],
  latest: ReadonlyMap<string, Readonly<Record<string, number>>>,
): SiteFlow {
  const sum = (type: DeviceType, metric: string): number | null => {
    let total: number | null = null;
    for (const device of devices) {
      if (device.type !== type) continue;
      const value = latest.get(device.id)?.[metric];
      if (value !== undefined && Number.isFinite(value)) total = (total ?? 0) + value;
    }
    return total;
  };
  const pvKw = sum('pv_inverter', 'power_kw');
  const batteryKw = sum('battery', 'power_kw');
  const gridKw = sum('grid_meter', 'power_kw');
  const socs = devices
    .filter((device) => device.type === 'battery')
    .map((device) => latest.get(device.id)?.['soc_pct'])
    .filter((value): value is number => value !== undefined && Number.isFinite(value));
  const known = [pvKw, batteryKw, gridKw].filter((value) => value !== null);
  return {
    pvKw,
    batteryKw,
    batterySocPct:
      socs.length > 0 ? socs.reduce((total, value) => total + value, 0) / socs.length : null,
    gridKw,
    loadKw:
      gridKw === null
        ? null
        : Math.max(
            0,
            known.reduce((total, value) => total + value, 0),
          ),
  };
}
