import type { LiveClientMessage, LiveServerMessage } from '@ecogrid/contracts';
import { WebSocket, type RawData } from 'ws';

/** A test's WebSocket client of /api/v1/ws: sends client messages, awaits server messages. */
export class TestLiveClient {
  readonly received: LiveServerMessage[] = [];
  closeCode: number | undefined;
  private readonly waiters: Array<() => void> = [];
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: RawData) => {
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString('utf8');
      this.received.push(JSON.parse(text) as LiveServerMessage);
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code) => {
        this.closeCode = code;
        this.wake();
        resolve(code);
      });
    });
  }

  static async connect(baseUrl: string, headers: Record<string, string> = {}) {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/v1/ws`, { headers });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_request, response) =>
        reject(new Error(`handshake refused: ${response.statusCode}`)),
      );
    });
    return new TestLiveClient(ws);
  }

  send(message: LiveClientMessage | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  async authenticate(
    token: string,
  ): Promise<Extract<LiveServerMessage, { type: 'authenticated' }>> {
    const from = this.received.length;
    this.send({ type: 'auth', token });
    return this.next('authenticated', from);
  }

  /** Subscribes and resolves with the answer: `subscribed` or the `error` about it. */
  async subscribe(id: string, topic: Record<string, unknown>) {
    const from = this.received.length;
    this.send({ type: 'subscribe', id, topic });
    return this.waitFor(
      (message) =>
        (message.type === 'subscribed' && message.id === id) ||
        (message.type === 'error' && message.id === id),
      from,
    );
  }

  next<T extends LiveServerMessage['type']>(
    type: T,
    from = 0,
    timeoutMs = 10_000,
  ): Promise<Extract<LiveServerMessage, { type: T }>> {
    return this.waitFor((message) => message.type === type, from, timeoutMs) as Promise<
      Extract<LiveServerMessage, { type: T }>
    >;
  }

  async waitFor(
    matches: (message: LiveServerMessage) => boolean,
    from = 0,
    timeoutMs = 10_000,
  ): Promise<LiveServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.slice(from).find(matches);
      if (found) return found;
      if (this.closeCode !== undefined) {
        throw new Error(`connection closed (${this.closeCode}) before the awaited message`);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.received.slice(from).slice(-5))}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
