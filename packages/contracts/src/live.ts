import { z } from 'zod';
import { commandStatusSchema, commandTypeSchema } from './commands.js';
import { deviceStatusSchema } from './devices.js';

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
  z.object({ type: z.literal('auth'), token: z.string().min(1).max(8192) }).strict(),
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
