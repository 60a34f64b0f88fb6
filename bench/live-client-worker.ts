/**
 * One process of bench:live's WebSocket clients, forked and driven by bench/live.ts over IPC.
 * Each client does what the web app does: connect, authenticate with the access token in the
 * first message, subscribe, and after any close the server did not ask for reconnect with the web
 * app's backoff (1 s doubling up to 30 s, half fixed and half random) and subscribe again.
 * Measured here, on the receiving side: device.metrics messages and their latency (receive time
 * minus the reading's own timestamp, which the publisher set to its publish time on this same
 * machine), kept in a bounded histogram. Slow clients stop reading their sockets when told to.
 * The process exits when its parent goes away.
 */
import { WebSocket, type RawData } from 'ws';
import { LatencyHistogram, type SparseCounts } from './lib/latency-histogram.js';

export interface ClientSpec {
  /** One subscription per site, in this order. */
  siteIds: string[];
  /** Stops reading its socket on `pause` and is then never reconnected. */
  slow: boolean;
}

export type ToWorker =
  | {
      type: 'open';
      url: string;
      token: string;
      clients: ClientSpec[];
      /** Clients setting up at once. */
      concurrency: number;
      /** A client not subscribed by then counts as failed. */
      timeoutMs: number;
    }
  /** Counts and latencies start again from zero. */
  | { type: 'window' }
  /** From now on, record each client's next close, re-subscription and first update after it. */
  | { type: 'mark' }
  | { type: 'snapshot' }
  | { type: 'pause' }
  | { type: 'close' };

export interface Snapshot {
  type: 'snapshot';
  clients: number;
  /** Clients whose every subscription is confirmed on their current connection. */
  subscribed: number;
  updates: number;
  /** Since `window` (or since the process started), by this process's clock. */
  windowSeconds: number;
  histogram: SparseCounts;
  maxMs: number;
  /** Close codes the clients saw since `window` (1006: the connection dropped without one). */
  closes: Record<string, number>;
  /** Failed connection attempts since `window`, by reason. */
  errors: Record<string, number>;
  /** Per marked client: the close it saw, when it was subscribed again, when it had an update. */
  marked: {
    closeCode: number | null;
    closedAt: number | null;
    resubscribedAt: number | null;
    updatedAt: number | null;
  }[];
}

export type FromWorker =
  /** Sent once the process is up, so that its start-up is not counted as connecting. */
  | { type: 'hello' }
  | {
      type: 'opened';
      ready: number;
      failed: number;
      errors: Record<string, number>;
      /** Per ready client, from its first connection attempt to its last subscription confirmed. */
      setupMs: number[];
    }
  | Snapshot
  | { type: 'closed' };

const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;

const histogram = new LatencyHistogram();
let updates = 0;
let windowStart = performance.now();
let closes: Record<string, number> = {};
let errors: Record<string, number> = {};
let marking = false;
let url = '';
let token = '';
const clients: BenchClient[] = [];

const count = (table: Record<string, number>, key: string) => {
  table[key] = (table[key] ?? 0) + 1;
};

class BenchClient {
  private socket: WebSocket | undefined;
  private confirmed = 0;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private paused = false;
  readonly startedAt = Date.now();
  readyAt: number | undefined;
  mark: Snapshot['marked'][number] | undefined;
  private onReady: (() => void) | undefined;

  constructor(readonly spec: ClientSpec) {}

  get subscribed(): boolean {
    return (
      this.socket?.readyState === WebSocket.OPEN && this.confirmed === this.spec.siteIds.length
    );
  }

  /** Resolves once every subscription is confirmed (or never, if it never is). */
  start(): Promise<void> {
    return new Promise((resolve) => {
      this.onReady = resolve;
      this.connect();
    });
  }

  pause(): void {
    if (!this.spec.slow) return;
    this.paused = true;
    this.socket?.pause();
  }

  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      if (this.paused || socket.readyState !== WebSocket.OPEN) socket.terminate();
      else socket.close(1000, 'done');
      setTimeout(() => {
        socket.terminate();
        resolve();
      }, 2000).unref();
    });
  }

  private connect(): void {
    if (this.stopped) return;
    const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 20_000 });
    this.socket = socket;
    this.confirmed = 0;
    socket.on('open', () => socket.send(JSON.stringify({ type: 'auth', token })));
    socket.on('message', (data) => this.onMessage(socket, data));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      count(errors, error.code ?? error.message),
    );
    socket.on('close', (code) => this.onClose(socket, code));
  }

  private onMessage(socket: WebSocket, data: RawData): void {
    const message = JSON.parse(text(data)) as {
      type: string;
      ts?: string;
      id?: string;
      code?: string;
    };
    switch (message.type) {
      case 'device.metrics': {
        const now = Date.now();
        updates++;
        histogram.record(Math.max(0, now - Date.parse(message.ts!)));
        if (this.mark && this.mark.resubscribedAt !== null && this.mark.updatedAt === null)
          this.mark.updatedAt = now;
        return;
      }
      case 'authenticated':
        this.attempt = 0;
        this.spec.siteIds.forEach((siteId, index) =>
          socket.send(
            JSON.stringify({ type: 'subscribe', id: `s${index}`, topic: { kind: 'site', siteId } }),
          ),
        );
        return;
      case 'subscribed':
        if (++this.confirmed < this.spec.siteIds.length) return;
        if (this.readyAt === undefined) {
          this.readyAt = Date.now();
          this.onReady?.();
        }
        if (this.mark && this.mark.closedAt !== null && this.mark.resubscribedAt === null)
          this.mark.resubscribedAt = Date.now();
        // A slow client paused before this connection stops reading again at once.
        if (this.paused) socket.pause();
        return;
      case 'error':
        count(errors, `server error ${message.code}`);
        return;
    }
  }

  private onClose(socket: WebSocket, code: number): void {
    if (socket !== this.socket || this.stopped) return;
    count(closes, String(code));
    if (this.mark && this.mark.closedAt === null) {
      this.mark.closeCode = code;
      this.mark.closedAt = Date.now();
    }
    if (this.paused) return;
    const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** this.attempt);
    this.attempt++;
    this.reconnectTimer = setTimeout(
      () => this.connect(),
      Math.round(ceiling / 2 + (ceiling / 2) * Math.random()),
    );
  }
}

function text(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

async function open(message: Extract<ToWorker, { type: 'open' }>): Promise<void> {
  url = message.url;
  token = message.token;
  const opening = message.clients.map((spec) => new BenchClient(spec));
  clients.push(...opening);
  let next = 0;
  const slot = async () => {
    for (let index = next++; index < opening.length; index = next++) {
      const client = opening[index]!;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        client.start(),
        new Promise((resolve) => (timer = setTimeout(resolve, message.timeoutMs))),
      ]);
      clearTimeout(timer);
      // Given up on: it stops trying, so it neither loads the server nor counts later.
      if (client.readyAt === undefined) await client.stop();
    }
  };
  await Promise.all(Array.from({ length: message.concurrency }, slot));
  const ready = opening.filter((client) => client.readyAt !== undefined);
  send({
    type: 'opened',
    ready: ready.length,
    failed: opening.length - ready.length,
    errors,
    setupMs: ready.map((client) => client.readyAt! - client.startedAt),
  });
}

function snapshot(): Snapshot {
  return {
    type: 'snapshot',
    clients: clients.length,
    subscribed: clients.filter((client) => client.subscribed).length,
    updates,
    windowSeconds: (performance.now() - windowStart) / 1000,
    histogram: histogram.sparse(),
    maxMs: histogram.max,
    closes,
    errors,
    marked: marking ? clients.map((client) => client.mark!) : [],
  };
}

function send(message: FromWorker): void {
  process.send?.(message);
}

process.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'open':
      void open(message);
      return;
    case 'window':
      windowStart = performance.now();
      histogram.clear();
      updates = 0;
      closes = {};
      errors = {};
      return;
    case 'mark':
      marking = true;
      for (const client of clients)
        client.mark = { closeCode: null, closedAt: null, resubscribedAt: null, updatedAt: null };
      return;
    case 'snapshot':
      send(snapshot());
      return;
    case 'pause':
      for (const client of clients) client.pause();
      return;
    case 'close':
      void Promise.all(clients.map((client) => client.stop())).then(() => {
        clients.length = 0;
        marking = false;
        send({ type: 'closed' });
      });
      return;
  }
});
process.on('disconnect', () => process.exit(0));
// Ctrl-C reaches the whole process group: the parent decides when this process ends.
process.on('SIGINT', () => undefined);
send({ type: 'hello' });
