import type { FleetSummary, LiveServerMessage, LiveTopic } from '@ecogrid/contracts';
import { Coalescer } from './coalescer.js';
import type { LiveUpdate } from './live-bus.js';

/** The part of a WebSocket the hub uses (ws's WebSocket has all three). */
export interface LiveSocket {
  send(text: string): void;
  readonly bufferedAmount: number;
  close(code: number, reason: string): void;
  /** Optional: hold writes until `uncork`, so the messages of one tick leave in one write. */
  cork?(): void;
  uncork?(): void;
}

/** Who is at the other end, as their access token established it. */
export interface LiveViewer {
  userId: string;
  tenantId: string;
  /** Null: every site of the tenant. */
  siteIds: readonly string[] | null;
}

/** A subscription once checked: a device subscription knows its device's site. */
export type ResolvedTopic =
  | { kind: 'fleet' }
  | { kind: 'site'; siteId: string }
  | { kind: 'device'; deviceId: string; siteId: string }
  | { kind: 'alerts' }
  | { kind: 'commands'; siteId?: string; deviceId?: string };

export interface LiveHubOptions {
  maxHz: number;
  /** Above this many bytes waiting in a client's socket, its metrics are held (latest kept). */
  softBufferBytes: number;
  /** Above this, or above the soft bound for longer than `slowGraceMs`, the client is closed. */
  hardBufferBytes: number;
  slowGraceMs: number;
  maxSubscriptions: number;
  /** The grid coalesced updates leave on (see Coalescer's tickMs). */
  tickMs?: number;
  now?: () => number;
  onClosedSlow?: () => void;
  onSent?: (type: LiveServerMessage['type']) => void;
}

export const CLOSE_TOO_SLOW = 4008;

type MetricsValue = {
  siteId: string;
  deviceId: string;
  ts: string;
  metrics: Record<string, number>;
};

interface Ref {
  client: LiveClient;
  id: string;
  topic: ResolvedTopic;
}

export class LiveClient {
  viewer: LiveViewer | undefined;
  readonly subscriptions = new Map<string, Ref>();
  /** Metrics due while the socket was backed up: the latest per key, sent once it drains. */
  readonly held = new Map<string, MetricsValue>();
  slowSince: number | undefined;
  /** Behind on reading (its last ping is unanswered): device values are held, latest only. */
  stalled = false;
  corked = false;
  /** When a message was last written to it. */
  lastSentAt = 0;
  closed = false;
  readonly coalescer: Coalescer<MetricsValue>;

  constructor(
    readonly socket: LiveSocket,
    private readonly hub: LiveHub,
    maxHz: number,
    now: () => number,
    tickMs: number,
  ) {
    this.coalescer = new Coalescer<MetricsValue>({
      maxHz,
      now,
      tickMs,
      merge: mergeMetrics,
      send: (key, value) => hub.deliverMetrics(this, key, value),
    });
  }

  sentSince(at: number): boolean {
    return this.lastSentAt >= at;
  }

  /** Whether this client may see what happens at `siteId`. */
  sees(siteId: string): boolean {
    const siteIds = this.viewer?.siteIds;
    return siteIds === null || siteIds === undefined || siteIds.includes(siteId);
  }
}

function mergeMetrics(waiting: MetricsValue, newer: MetricsValue): MetricsValue {
  return {
    siteId: newer.siteId,
    deviceId: newer.deviceId,
    ts: newer.ts > waiting.ts ? newer.ts : waiting.ts,
    metrics: { ...waiting.metrics, ...newer.metrics },
  };
}

const KEY_SEPARATOR = '\u0000';

/**
 * Every connected client of this replica, what each follows, and the delivery of live updates to
 * them: indexes by site, device and tenant so one update costs only its followers; device metrics
 * coalesced per client and device; a client whose socket stays backed up is closed, so a slow
 * reader never makes the server hold a growing backlog.
 */
export class LiveHub {
  private readonly clients = new Set<LiveClient>();
  private readonly bySite = new Map<string, Set<Ref>>();
  private readonly byDevice = new Map<string, Set<Ref>>();
  /** fleet, alerts and commands subscriptions, by tenant. */
  private readonly byTenant = new Map<string, Set<Ref>>();
  private readonly now: () => number;
  /**
   * A device update's JSON without its subscription id, shared by every client it reaches unmerged
   * (a thousand followers of one site cost one serialization, not a thousand).
   */
  private readonly serialized = new WeakMap<MetricsValue, string>();

  constructor(private readonly options: LiveHubOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.clients.size;
  }

  add(socket: LiveSocket): LiveClient {
    const client = new LiveClient(
      socket,
      this,
      this.options.maxHz,
      this.now,
      this.options.tickMs ?? 0,
    );
    this.clients.add(client);
    return client;
  }

  remove(client: LiveClient): void {
    if (!this.clients.delete(client)) return;
    client.closed = true;
    for (const ref of client.subscriptions.values()) this.unindex(ref);
    client.subscriptions.clear();
    client.held.clear();
    client.coalescer.close();
  }

  /** Adds or replaces a subscription; false when the client already has its maximum. */
  subscribe(client: LiveClient, id: string, topic: ResolvedTopic): boolean {
    const existing = client.subscriptions.get(id);
    if (!existing && client.subscriptions.size >= this.options.maxSubscriptions) return false;
    if (existing) this.unsubscribe(client, id);
    const ref: Ref = { client, id, topic };
    client.subscriptions.set(id, ref);
    this.index(ref);
    return true;
  }

  unsubscribe(client: LiveClient, id: string): boolean {
    const ref = client.subscriptions.get(id);
    if (!ref) return false;
    client.subscriptions.delete(id);
    this.unindex(ref);
    const prefix = `${id}${KEY_SEPARATOR}`;
    for (const key of [...client.held.keys()]) if (key.startsWith(prefix)) client.held.delete(key);
    client.coalescer.dropPrefix(prefix);
    return true;
  }

  /** The subscriptions a client holds (after re-authentication, to check them again). */
  subscriptionsOf(client: LiveClient): { id: string; topic: ResolvedTopic }[] {
    return [...client.subscriptions.values()].map(({ id, topic }) => ({ id, topic }));
  }

  dispatch(updates: readonly LiveUpdate[]): void {
    for (const update of updates) {
      if (update.kind === 'metrics') this.dispatchMetrics(update);
      else if (update.kind === 'status') this.dispatchStatus(update);
      else this.dispatchCommand(update);
    }
  }

  /** Fleet subscribers grouped by what they may see, so each group's summary is computed once. */
  fleetGroups(): Map<string, { viewer: LiveViewer; refs: Ref[] }> {
    const groups = new Map<string, { viewer: LiveViewer; refs: Ref[] }>();
    for (const refs of this.byTenant.values()) {
      for (const ref of refs) {
        const viewer = ref.client.viewer;
        if (ref.topic.kind !== 'fleet' || !viewer) continue;
        const key = fleetGroupKey(viewer);
        const group = groups.get(key) ?? { viewer, refs: [] };
        group.refs.push(ref);
        groups.set(key, group);
      }
    }
    return groups;
  }

  sendSummary(refs: readonly { client: LiveClient; id: string }[], summary: FleetSummary): void {
    const at = new Date(this.now()).toISOString();
    for (const ref of refs) {
      this.send(ref.client, { type: 'fleet.summary', subscription: ref.id, at, summary });
    }
  }

  /** Writes one message; a socket over the hard bound is closed instead. */
  send(client: LiveClient, message: LiveServerMessage): void {
    this.write(client, message.type, () => JSON.stringify(message));
  }

  private write(client: LiveClient, type: LiveServerMessage['type'], text: () => string): void {
    if (client.closed) return;
    if (client.socket.bufferedAmount > this.options.hardBufferBytes) {
      this.closeSlow(client);
      return;
    }
    const socket = client.socket;
    if (socket.cork && socket.uncork && !client.corked) {
      // Everything for this client in this tick (a dispatch, a coalescer flush) is one write.
      client.corked = true;
      socket.cork();
      process.nextTick(() => {
        client.corked = false;
        socket.uncork?.();
      });
    }
    socket.send(text());
    client.lastSentAt = this.now();
    this.options.onSent?.(type);
  }

  /** Called by a client's coalescer when a device's update is due. */
  deliverMetrics(client: LiveClient, key: string, value: MetricsValue): void {
    const subscription = key.slice(0, key.indexOf(KEY_SEPARATOR));
    if (client.closed || !client.subscriptions.has(subscription)) return;
    if (client.stalled || client.socket.bufferedAmount > this.options.softBufferBytes) {
      const held = client.held.get(key);
      client.held.set(key, held ? mergeMetrics(held, value) : value);
      client.slowSince ??= this.now();
      return;
    }
    this.write(client, 'device.metrics', () => {
      let body = this.serialized.get(value);
      if (body === undefined) {
        // The same fields, in the same order, as LiveServerMessage's device.metrics.
        const { siteId, deviceId, ts, metrics } = value;
        body = JSON.stringify({ siteId, deviceId, ts, metrics }).slice(1);
        this.serialized.set(value, body);
      }
      return `{"type":"device.metrics","subscription":${JSON.stringify(subscription)},${body}`;
    });
  }

  /**
   * Run about once a second: sends held metrics to clients that drained, and closes those that
   * stayed backed up for longer than the grace.
   */
  sweep(): void {
    const now = this.now();
    for (const client of this.clients) {
      if (client.closed) continue;
      if (client.socket.bufferedAmount > this.options.softBufferBytes) {
        client.slowSince ??= now;
        if (now - client.slowSince > this.options.slowGraceMs) this.closeSlow(client);
        continue;
      }
      client.slowSince = undefined;
      if (client.held.size === 0 || client.stalled) continue;
      const held = [...client.held];
      client.held.clear();
      for (const [key, value] of held) this.deliverMetrics(client, key, value);
    }
  }

  /** Every client, e.g. to close them all on shutdown. */
  all(): LiveClient[] {
    return [...this.clients];
  }

  closeSlow(client: LiveClient): void {
    if (client.closed) return;
    client.socket.close(CLOSE_TOO_SLOW, 'too slow: messages were not read in time');
    this.remove(client);
    this.options.onClosedSlow?.();
  }

  private dispatchMetrics(update: Extract<LiveUpdate, { kind: 'metrics' }>): void {
    const value: MetricsValue = {
      siteId: update.siteId,
      deviceId: update.deviceId,
      ts: update.ts,
      metrics: update.metrics,
    };
    for (const ref of this.followersOf(update.siteId, update.deviceId)) {
      if (!ref.client.sees(update.siteId) || ref.client.viewer?.tenantId !== update.tenantId)
        continue;
      ref.client.coalescer.push(`${ref.id}${KEY_SEPARATOR}${update.deviceId}`, value);
    }
  }

  private dispatchStatus(update: Extract<LiveUpdate, { kind: 'status' }>): void {
    const refs = [...this.followersOf(update.siteId, update.deviceId)];
    for (const ref of this.byTenant.get(update.tenantId) ?? []) {
      if (ref.topic.kind === 'fleet') refs.push(ref);
    }
    for (const ref of refs) {
      if (!ref.client.sees(update.siteId) || ref.client.viewer?.tenantId !== update.tenantId)
        continue;
      this.send(ref.client, {
        type: 'device.status',
        subscription: ref.id,
        siteId: update.siteId,
        deviceId: update.deviceId,
        status: update.status,
        at: update.at,
      });
    }
  }

  private dispatchCommand(update: Extract<LiveUpdate, { kind: 'command' }>): void {
    for (const ref of this.byTenant.get(update.tenantId) ?? []) {
      const topic = ref.topic;
      if (topic.kind !== 'commands' || !ref.client.sees(update.siteId)) continue;
      if (topic.siteId && topic.siteId !== update.siteId) continue;
      if (topic.deviceId && topic.deviceId !== update.deviceId) continue;
      this.send(ref.client, {
        type: 'command.status',
        subscription: ref.id,
        commandId: update.commandId,
        siteId: update.siteId,
        deviceId: update.deviceId,
        commandType: update.commandType,
        status: update.status,
        ...(update.message !== undefined ? { message: update.message } : {}),
        at: update.at,
      });
    }
  }

  private *followersOf(siteId: string, deviceId: string): Iterable<Ref> {
    yield* this.bySite.get(siteId) ?? [];
    yield* this.byDevice.get(deviceId) ?? [];
  }

  private index(ref: Ref): void {
    const [map, key] = this.slotOf(ref);
    if (!key) return;
    let refs = map.get(key);
    if (!refs) map.set(key, (refs = new Set()));
    refs.add(ref);
  }

  private unindex(ref: Ref): void {
    const [map, key] = this.slotOf(ref);
    if (!key) return;
    const refs = map.get(key);
    refs?.delete(ref);
    if (refs?.size === 0) map.delete(key);
  }

  private slotOf(ref: Ref): [Map<string, Set<Ref>>, string | undefined] {
    switch (ref.topic.kind) {
      case 'site':
        return [this.bySite, ref.topic.siteId];
      case 'device':
        return [this.byDevice, ref.topic.deviceId];
      default:
        return [this.byTenant, ref.client.viewer?.tenantId];
    }
  }
}

export function fleetGroupKey(viewer: LiveViewer): string {
  return `${viewer.tenantId}|${viewer.siteIds ? [...viewer.siteIds].sort().join(',') : '*'}`;
}

/** The topic as the client wrote it, for logs and errors. */
export function describeTopic(topic: LiveTopic): string {
  switch (topic.kind) {
    case 'site':
      return `site ${topic.siteId}`;
    case 'device':
      return `device ${topic.deviceId}`;
    case 'commands':
      return `commands${topic.siteId ? ` of site ${topic.siteId}` : ''}${topic.deviceId ? ` of device ${topic.deviceId}` : ''}`;
    default:
      return topic.kind;
  }
}
