import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  LIVE_CLOSE,
  liveClientMessageSchema,
  type LiveClientMessage,
  type LiveServerMessage,
  type LiveTopic,
} from '@ecogrid/contracts';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { decodeJwt } from 'jose';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { AuthService } from '../auth/auth.service.js';
import type { Principal } from '../auth/principal.js';
import { APP_CONFIG } from '../config/config.module.js';
import { parseOrigins, type AppConfig } from '../config/config.schema.js';
import { LIVE_BUS } from './live.tokens.js';
import type { LiveBus } from './live-bus.js';
import { LiveHub, type LiveClient, type LiveViewer, type ResolvedTopic } from './live-hub.js';
import { LiveMetrics } from './live.metrics.js';
import { LiveDirectory } from './live-directory.service.js';
import { FleetSummaries } from './fleet-summaries.service.js';

export const LIVE_PATH = '/api/v1/ws';
/** A client sending more than this many messages a second is cut off (1008). */
const MAX_MESSAGES_PER_SECOND = 50;
const MAX_MESSAGE_BYTES = 16 * 1024;
/** A ping unanswered this long: the client is behind, and gets only the latest values. */
const STALL_MS = 2000;
/** Coalesced updates of a client leave together on this grid (adds at most this much delay). */
const COALESCE_TICK_MS = 50;

interface Connection {
  client: LiveClient;
  ws: WebSocket;
  principal: Principal | undefined;
  expiresAt: number;
  authTimer: NodeJS.Timeout | undefined;
  expiryTimer: NodeJS.Timeout | undefined;
  /** When the ping still unanswered was sent (undefined: none outstanding). */
  pingSentAt: number | undefined;
  /** Messages are handled one after the other, in the order they came. */
  queue: Promise<void>;
  windowStart: number;
  windowCount: number;
}

class LiveRequestError extends Error {
  constructor(
    readonly code: Extract<LiveServerMessage, { type: 'error' }>['code'],
    message: string,
  ) {
    super(message);
  }
}

/**
 * The live stream at /api/v1/ws (ws on the HTTP server's upgrade): the access token comes in the
 * first message and is renewed on the same connection; every subscription is checked against the
 * caller's tenant and site limits; updates come from the live bus (in-process, or Redis across
 * replicas). On shutdown clients are told 1012 so they reconnect to another replica.
 */
@Injectable()
export class LiveGateway
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('live');
  private readonly connections = new Map<WebSocket, Connection>();
  private readonly hub: LiveHub;
  private server: WebSocketServer | undefined;
  private httpServer: Server | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private summaryTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private readonly allowedOrigins: string[];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(LIVE_BUS) private readonly bus: LiveBus,
    @Inject(LiveDirectory) private readonly directory: LiveDirectory,
    @Inject(FleetSummaries) private readonly summaries: FleetSummaries,
    @Inject(LiveMetrics) private readonly metrics: LiveMetrics,
  ) {
    this.allowedOrigins = parseOrigins(config.CORS_ORIGIN);
    this.hub = new LiveHub({
      maxHz: config.LIVE_MAX_HZ,
      softBufferBytes: config.LIVE_SOFT_BUFFER_BYTES,
      hardBufferBytes: config.LIVE_HARD_BUFFER_BYTES,
      slowGraceMs: config.LIVE_SLOW_GRACE_MS,
      maxSubscriptions: config.LIVE_MAX_SUBSCRIPTIONS,
      tickMs: COALESCE_TICK_MS,
      onClosedSlow: () => this.metrics.closedSlow.inc(),
      onSent: (type) => this.metrics.sent.inc({ type }),
    });
  }

  get clientCount(): number {
    return this.hub.size;
  }

  onApplicationBootstrap(): void {
    this.bus.listen((updates) => this.hub.dispatch(updates));
    this.server = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_MESSAGE_BYTES,
      perMessageDeflate: false,
    });
    this.httpServer = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.httpServer.on('upgrade', this.onUpgrade);
    this.heartbeat = setInterval(() => this.beat(), this.config.LIVE_HEARTBEAT_MS);
    this.sweeper = setInterval(() => this.sweep(), 1000);
    this.summaryTimer = setInterval(
      () => void this.pushSummaries(),
      this.config.LIVE_SUMMARY_INTERVAL_MS,
    );
    for (const timer of [this.heartbeat, this.sweeper, this.summaryTimer]) timer.unref();
    this.logger.log(`live updates at ${LIVE_PATH} (${this.bus.kind} fan-out)`);
  }

  /** Before the HTTP server closes: every client is told to reconnect elsewhere (1012). */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    this.httpServer?.off('upgrade', this.onUpgrade);
    clearInterval(this.heartbeat);
    clearInterval(this.sweeper);
    clearInterval(this.summaryTimer);
    const closed = [...this.connections.values()].map(
      (connection) =>
        new Promise<void>((resolve) => {
          connection.ws.once('close', () => resolve());
          this.end(connection, LIVE_CLOSE.serviceRestart, 'server restarting; reconnect');
          // A peer that never answers the close handshake is cut after a second.
          setTimeout(() => {
            connection.ws.terminate();
            resolve();
          }, 1000).unref();
        }),
    );
    await Promise.all(closed);
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }

  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== LIVE_PATH) {
      // Not ours (no other route upgrades): answer and close rather than leave the socket hanging.
      refuse(socket, 404, 'Not Found');
      return;
    }
    if (this.closing) {
      refuse(socket, 503, 'Service Unavailable');
      return;
    }
    if (!this.originAllowed(request)) {
      this.metrics.refused.inc({ reason: 'origin' });
      refuse(socket, 403, 'Forbidden');
      return;
    }
    if (this.hub.size >= this.config.LIVE_MAX_CLIENTS) {
      this.metrics.refused.inc({ reason: 'capacity' });
      refuse(socket, 503, 'Service Unavailable');
      return;
    }
    this.server!.handleUpgrade(request, socket, head, (ws) => this.accept(ws, socket));
  };

  /**
   * Browsers always send Origin on a WebSocket handshake and cannot forge it: it must be one of
   * CORS_ORIGIN ("*" allows any), or the server's own host when CORS_ORIGIN is empty. Clients
   * that are not browsers send none and authenticate like any API client.
   */
  private originAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    if (this.allowedOrigins.includes('*') || this.allowedOrigins.includes(origin)) return true;
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      return false;
    }
    const forwarded = request.headers['x-forwarded-host'];
    const ownHosts = [request.headers.host, typeof forwarded === 'string' ? forwarded : undefined];
    return ownHosts.includes(host);
  }

  private accept(ws: WebSocket, raw: Duplex): void {
    const client = this.hub.add({
      send: (text) => ws.send(text),
      get bufferedAmount() {
        return ws.bufferedAmount;
      },
      close: (code, reason) => ws.close(code, reason),
      cork: () => raw.cork(),
      uncork: () => raw.uncork(),
    });
    const connection: Connection = {
      client,
      ws,
      principal: undefined,
      expiresAt: 0,
      pingSentAt: undefined,
      queue: Promise.resolve(),
      windowStart: Date.now(),
      windowCount: 0,
      authTimer: setTimeout(
        () => this.end(connection, LIVE_CLOSE.authTimeout, 'authenticate first'),
        this.config.LIVE_AUTH_TIMEOUT_MS,
      ),
      expiryTimer: undefined,
    };
    this.connections.set(ws, connection);
    this.metrics.clients.set(this.hub.size);
    ws.on('pong', () => {
      connection.pingSentAt = undefined;
      // Reading again: what was held for it goes out on the next sweep.
      connection.client.stalled = false;
    });
    ws.on('message', (data, isBinary) => this.onMessage(connection, data, isBinary));
    ws.on('error', (error) => this.logger.debug({ err: error.message }, 'live client error'));
    ws.on('close', () => this.forget(connection));
  }

  private onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    const now = Date.now();
    if (now - connection.windowStart >= 1000) {
      connection.windowStart = now;
      connection.windowCount = 0;
    }
    if (++connection.windowCount > MAX_MESSAGES_PER_SECOND) {
      this.end(connection, 1008, `more than ${MAX_MESSAGES_PER_SECOND} messages a second`);
      return;
    }
    let message: LiveClientMessage;
    try {
      if (isBinary) throw new Error('binary frames are not understood; send JSON text');
      const parsed = liveClientMessageSchema.safeParse(JSON.parse(rawText(data)));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(
          `not a client message: ${issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'invalid'}`,
        );
      }
      message = parsed.data;
    } catch (error) {
      this.reply(connection, {
        type: 'error',
        code: 'bad_message',
        message: error instanceof SyntaxError ? 'not JSON' : (error as Error).message,
      });
      return;
    }
    connection.queue = connection.queue
      .then(() => this.handle(connection, message))
      .catch((error: unknown) => {
        this.logger.warn({ err: error }, 'live message failed');
        const id = 'id' in message ? message.id : undefined;
        this.reply(connection, {
          type: 'error',
          ...(id !== undefined ? { id } : {}),
          code: error instanceof LiveRequestError ? error.code : 'bad_message',
          message: error instanceof LiveRequestError ? error.message : 'could not be handled',
        });
      });
  }

  private async handle(connection: Connection, message: LiveClientMessage): Promise<void> {
    if (connection.client.closed) return;
    switch (message.type) {
      case 'auth':
        await this.authenticate(connection, message.token, message.tenantId);
        return;
      case 'ping':
        this.reply(connection, {
          type: 'pong',
          ...(message.at !== undefined ? { at: message.at } : {}),
        });
        return;
      case 'subscribe':
        await this.subscribe(connection, message.id, message.topic);
        return;
      case 'unsubscribe':
        this.requireViewer(connection);
        this.hub.unsubscribe(connection.client, message.id);
        this.reply(connection, { type: 'unsubscribed', id: message.id });
        return;
    }
  }

  private async authenticate(
    connection: Connection,
    token: string,
    tenantId: string | undefined,
  ): Promise<void> {
    let principal: Principal;
    try {
      principal = await this.auth.authenticate(token, tenantId);
    } catch (error) {
      const first = connection.principal === undefined;
      this.reply(connection, {
        type: 'error',
        code: /expired/.test((error as Error).message) ? 'token_expired' : 'unauthenticated',
        message: (error as Error).message,
      });
      // A bad first token ends the connection; a failed renewal leaves the old token in force.
      if (first) this.end(connection, LIVE_CLOSE.unauthenticated, 'unauthenticated');
      return;
    }
    if (connection.principal && connection.principal.userId !== principal.userId) {
      this.reply(connection, {
        type: 'error',
        code: 'unauthenticated',
        message: 'a connection stays with the user who opened it',
      });
      this.end(connection, LIVE_CLOSE.unauthenticated, 'another user');
      return;
    }
    const expiresAt = (decodeJwt(token).exp ?? 0) * 1000;
    connection.principal = principal;
    connection.expiresAt = expiresAt;
    clearTimeout(connection.authTimer);
    clearTimeout(connection.expiryTimer);
    connection.expiryTimer = setTimeout(
      () => {
        this.reply(connection, {
          type: 'error',
          code: 'token_expired',
          message: 'the access token expired; renew it with an auth message before expiresAt',
        });
        this.end(connection, LIVE_CLOSE.unauthenticated, 'token expired');
      },
      Math.max(0, expiresAt - Date.now()),
    );
    const previous = connection.client.viewer;
    connection.client.viewer = principal.tenantId
      ? { userId: principal.userId, tenantId: principal.tenantId, siteIds: principal.siteIds }
      : undefined;
    this.reply(connection, { type: 'authenticated', expiresAt: new Date(expiresAt).toISOString() });
    if (previous) this.recheck(connection, previous);
  }

  /** After a renewal the user's limits may have changed: subscriptions now out of reach end. */
  private recheck(connection: Connection, previous: LiveViewer): void {
    const viewer = connection.client.viewer;
    for (const { id, topic } of this.hub.subscriptionsOf(connection.client)) {
      const siteId = 'siteId' in topic ? topic.siteId : undefined;
      const lost =
        !viewer ||
        viewer.tenantId !== previous.tenantId ||
        (siteId !== undefined && !connection.client.sees(siteId));
      if (!lost) continue;
      this.hub.unsubscribe(connection.client, id);
      this.reply(connection, {
        type: 'error',
        id,
        code: 'forbidden',
        message: 'your access changed: this subscription ended',
      });
    }
  }

  private requireViewer(connection: Connection): LiveViewer {
    if (!connection.principal) throw new LiveRequestError('unauthenticated', 'authenticate first');
    const viewer = connection.client.viewer;
    if (!viewer) {
      throw new LiveRequestError(
        'forbidden',
        'a platform admin names the tenant to follow: send auth with tenantId',
      );
    }
    return viewer;
  }

  private async subscribe(connection: Connection, id: string, topic: LiveTopic): Promise<void> {
    const viewer = this.requireViewer(connection);
    const resolved = await this.resolve(viewer, topic);
    if (!this.hub.subscribe(connection.client, id, resolved)) {
      throw new LiveRequestError(
        'too_many_subscriptions',
        `at most ${this.config.LIVE_MAX_SUBSCRIPTIONS} subscriptions per connection`,
      );
    }
    this.reply(connection, { type: 'subscribed', id });
    if (resolved.kind === 'fleet') {
      const summary = await this.summaries.get(viewer);
      this.hub.sendSummary([{ client: connection.client, id }], summary);
    }
  }

  /** Checks a topic against the viewer's tenant and site limits. */
  private async resolve(viewer: LiveViewer, topic: LiveTopic): Promise<ResolvedTopic> {
    const checkSite = async (siteId: string) => {
      if (!(await this.directory.siteExists(viewer.tenantId, siteId))) {
        throw new LiveRequestError('not_found', 'no such site');
      }
      if (viewer.siteIds && !viewer.siteIds.includes(siteId)) {
        throw new LiveRequestError('forbidden', 'this site is outside your access');
      }
    };
    const findDevice = async (deviceId: string) => {
      const device = await this.directory.device(viewer.tenantId, deviceId);
      if (!device) throw new LiveRequestError('not_found', 'no such device');
      if (viewer.siteIds && !viewer.siteIds.includes(device.siteId)) {
        throw new LiveRequestError('forbidden', 'this device is outside your access');
      }
      return device;
    };
    switch (topic.kind) {
      case 'fleet':
      case 'alerts':
        return { kind: topic.kind };
      case 'site':
        await checkSite(topic.siteId);
        return { kind: 'site', siteId: topic.siteId };
      case 'device': {
        const device = await findDevice(topic.deviceId);
        return { kind: 'device', deviceId: topic.deviceId, siteId: device.siteId };
      }
      case 'commands': {
        if (topic.deviceId) {
          const device = await findDevice(topic.deviceId);
          if (topic.siteId && topic.siteId !== device.siteId) {
            throw new LiveRequestError('not_found', 'the device is not at that site');
          }
          return { kind: 'commands', deviceId: topic.deviceId, siteId: device.siteId };
        }
        if (topic.siteId) {
          await checkSite(topic.siteId);
          return { kind: 'commands', siteId: topic.siteId };
        }
        return { kind: 'commands' };
      }
    }
  }

  private async pushSummaries(): Promise<void> {
    for (const { viewer, refs } of this.hub.fleetGroups().values()) {
      try {
        const summary = await this.summaries.get(viewer);
        this.hub.sendSummary(refs, summary);
      } catch (error) {
        this.logger.warn({ err: error }, 'fleet summary for live clients failed');
      }
    }
  }

  /** Pings every client that has no ping outstanding. */
  private beat(): void {
    const now = Date.now();
    for (const connection of this.connections.values()) {
      if (connection.pingSentAt !== undefined || connection.ws.readyState !== WebSocket.OPEN) {
        continue;
      }
      connection.pingSentAt = now;
      connection.ws.ping();
    }
  }

  /**
   * A pong comes back only after the client has read everything sent before the ping, so an
   * unanswered ping measures how far behind a client is, whatever the kernel buffers on the way
   * (several MB per loopback socket, which `bufferedAmount` never sees). Behind by more than
   * STALL_MS: only the latest device values are kept for it (held, not written); behind by more
   * than LIVE_SLOW_GRACE_MS: closed, 4008 if it was being sent to, or cut as dead if idle.
   */
  private sweep(): void {
    const now = Date.now();
    for (const connection of this.connections.values()) {
      const since = connection.pingSentAt;
      if (since === undefined || connection.client.closed) continue;
      const behind = now - since;
      if (behind > STALL_MS) connection.client.stalled = true;
      if (behind <= this.config.LIVE_SLOW_GRACE_MS) continue;
      if (connection.client.sentSince(since)) {
        this.hub.closeSlow(connection.client);
      } else {
        this.metrics.closedDead.inc();
        this.hub.remove(connection.client);
      }
      // A client that does not read will not read the close frame either.
      setTimeout(() => connection.ws.terminate(), 1000).unref();
    }
    this.hub.sweep();
  }

  private reply(connection: Connection, message: LiveServerMessage): void {
    if (connection.ws.readyState !== WebSocket.OPEN) return;
    this.hub.send(connection.client, message);
  }

  private end(connection: Connection, code: number, reason: string): void {
    if (
      connection.ws.readyState === WebSocket.OPEN ||
      connection.ws.readyState === WebSocket.CONNECTING
    ) {
      connection.ws.close(code, reason);
    }
    this.forget(connection);
  }

  private forget(connection: Connection): void {
    clearTimeout(connection.authTimer);
    clearTimeout(connection.expiryTimer);
    this.hub.remove(connection.client);
    if (
      this.connections.get(connection.ws) === connection &&
      connection.ws.readyState === WebSocket.CLOSED
    ) {
      this.connections.delete(connection.ws);
    }
    this.metrics.clients.set(this.hub.size);
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
