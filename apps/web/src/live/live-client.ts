import {
  LIVE_CLOSE,
  liveServerMessageSchema,
  type LiveClientMessage,
  type LiveServerMessage,
  type LiveTopic,
} from '@ecogrid/contracts';

export type ConnectionState = 'live' | 'reconnecting' | 'offline';

/** The part of the browser's WebSocket the client uses, so tests can pass their own. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => SocketLike;

export interface LiveClientOptions {
  url: string;
  /** The current access token, or null when signed out. */
  getToken: () => string | null;
  /** Renews the session (after close code 4002); resolves to the new token, or null. */
  refreshToken: () => Promise<string | null>;
  createSocket?: SocketFactory;
  random?: () => number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** First reconnect delay; doubles per failed attempt up to maxDelayMs, with jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How often to ping; a connection silent for two intervals is dropped and reopened. */
  heartbeatMs?: number;
  /** Consecutive failed attempts after which the state says offline (it keeps trying). */
  offlineAfterAttempts?: number;
}

export type LiveListener = (message: LiveServerMessage) => void;

interface Subscription {
  id: string;
  topic: LiveTopic;
  listeners: Set<LiveListener>;
}

const OPEN = 1;
const NORMAL_CLOSURE = 1000;

/** Messages addressed to one subscription carry its id as `subscription` (or `id` for errors). */
function subscriptionOf(message: LiveServerMessage): string | undefined {
  if ('subscription' in message) return message.subscription;
  if (message.type === 'error' || message.type === 'subscribed' || message.type === 'unsubscribed')
    return message.id;
  return undefined;
}

/**
 * The live stream's client, free of React: authenticates with the first message, renews the token
 * on the same connection, reconnects by itself with exponential backoff and jitter, and restores
 * every subscription on each new connection. Identical topics share one subscription.
 */
export class LiveClient {
  private socket: SocketLike | null = null;
  private authenticated = false;
  private running = false;
  private attempt = 0;
  private reconnectTimer: unknown = null;
  private heartbeatTimer: unknown = null;
  private lastMessageAt = 0;
  private nextId = 1;
  private connectionState: ConnectionState = 'offline';
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly options: Required<LiveClientOptions>;

  constructor(options: LiveClientOptions) {
    this.options = {
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      random: Math.random,
      setTimer: (callback, ms) => setTimeout(callback, ms),
      clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      baseDelayMs: 1_000,
      maxDelayMs: 30_000,
      heartbeatMs: 20_000,
      offlineAfterAttempts: 5,
      ...options,
    };
  }

  get state(): ConnectionState {
    return this.connectionState;
  }

  onStateChange(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  stop(): void {
    this.running = false;
    this.options.clearTimer(this.reconnectTimer);
    this.options.clearTimer(this.heartbeatTimer);
    this.reconnectTimer = null;
    this.heartbeatTimer = null;
    const socket = this.socket;
    this.socket = null;
    this.authenticated = false;
    if (socket) {
      socket.onclose = null;
      socket.close(NORMAL_CLOSURE, 'signed out');
    }
    this.setState('offline');
  }

  /** Sends the renewed token on the open connection (call after each refresh). */
  reauthenticate(token: string): void {
    if (this.socket?.readyState === OPEN) this.send({ type: 'auth', token });
  }

  /** Follows `topic`; the returned function stops following it. */
  subscribe(topic: LiveTopic, listener: LiveListener): () => void {
    const key = JSON.stringify(topic, Object.keys(topic).sort());
    let subscription = [...this.subscriptions.values()].find(
      (candidate) => JSON.stringify(candidate.topic, Object.keys(candidate.topic).sort()) === key,
    );
    if (!subscription) {
      subscription = { id: `s${this.nextId++}`, topic, listeners: new Set() };
      this.subscriptions.set(subscription.id, subscription);
      if (this.authenticated) this.send({ type: 'subscribe', id: subscription.id, topic });
    }
    const current = subscription;
    current.listeners.add(listener);
    return () => {
      current.listeners.delete(listener);
      if (current.listeners.size > 0 || !this.subscriptions.has(current.id)) return;
      this.subscriptions.delete(current.id);
      if (this.authenticated) this.send({ type: 'unsubscribe', id: current.id });
    };
  }

  /** The delay before reconnect attempt `attempt` (0-based): half fixed, half random. */
  backoffDelay(attempt: number): number {
    const ceiling = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** attempt);
    return Math.round(ceiling / 2 + (ceiling / 2) * this.options.random());
  }

  private connect(): void {
    if (!this.running) return;
    const token = this.options.getToken();
    if (!token) {
      this.setState('offline');
      return;
    }
    let socket: SocketLike;
    try {
      socket = this.options.createSocket(this.options.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    this.authenticated = false;
    socket.onopen = () => {
      const current = this.options.getToken();
      if (current) this.send({ type: 'auth', token: current });
    };
    socket.onmessage = (event) => this.handleMessage(event.data);
    socket.onerror = () => {
      // A close event always follows; it decides what happens next.
    };
    socket.onclose = (event) => this.handleClose(socket, event.code);
  }

  private handleMessage(raw: unknown): void {
    this.lastMessageAt = Date.now();
    if (typeof raw !== 'string') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return;
    }
    const result = liveServerMessageSchema.safeParse(parsed);
    if (!result.success) return;
    const message = result.data;
    if (message.type === 'authenticated') {
      if (!this.authenticated) {
        this.authenticated = true;
        this.attempt = 0;
        for (const subscription of this.subscriptions.values()) {
          this.send({ type: 'subscribe', id: subscription.id, topic: subscription.topic });
        }
        this.startHeartbeat();
      }
      this.setState('live');
      return;
    }
    const id = subscriptionOf(message);
    if (id === undefined) return;
    const subscription = this.subscriptions.get(id);
    if (!subscription) return;
    for (const listener of [...subscription.listeners]) listener(message);
  }

  private handleClose(socket: SocketLike, code: number): void {
    if (socket !== this.socket) return;
    this.socket = null;
    this.authenticated = false;
    this.options.clearTimer(this.heartbeatTimer);
    if (!this.running) return;
    if (code === LIVE_CLOSE.unauthenticated) {
      // The token expired or the session changed: renew it, then reconnect at once.
      this.setState('reconnecting');
      void this.options.refreshToken().then((token) => {
        if (!this.running) return;
        if (token) this.connect();
        else this.setState('offline');
      });
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = this.backoffDelay(this.attempt);
    this.attempt++;
    this.setState(this.attempt >= this.options.offlineAfterAttempts ? 'offline' : 'reconnecting');
    this.options.clearTimer(this.reconnectTimer);
    this.reconnectTimer = this.options.setTimer(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private startHeartbeat(): void {
    this.options.clearTimer(this.heartbeatTimer);
    this.lastMessageAt = Date.now();
    const beat = () => {
      if (!this.socket || !this.authenticated) return;
      if (Date.now() - this.lastMessageAt > this.options.heartbeatMs * 2) {
        // Silent for too long: the connection is dead without having said so.
        const socket = this.socket;
        socket.close(4000, 'heartbeat timeout');
        this.handleClose(socket, 4000);
        return;
      }
      this.send({ type: 'ping', at: Date.now() });
      this.heartbeatTimer = this.options.setTimer(beat, this.options.heartbeatMs);
    };
    this.heartbeatTimer = this.options.setTimer(beat, this.options.heartbeatMs);
  }

  private send(message: LiveClientMessage): void {
    if (this.socket?.readyState !== OPEN) return;
    this.socket.send(JSON.stringify(message));
  }

  private setState(state: ConnectionState): void {
    if (state === this.connectionState) return;
    this.connectionState = state;
    for (const listener of this.stateListeners) listener(state);
  }
}

/** `ws://` or `wss://` on the page's own origin. */
export function liveUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api/v1/ws`;
}
