import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { lockDataDir } from './data-dir-lock.js';
import type {
  PgliteWorkerData,
  PgliteWorkerMessage,
  PgliteWorkerRequest,
  SerializedDatabaseError,
} from './pglite.worker.js';

export interface EmbeddedQueryResult {
  rows: Record<string, unknown>[];
  affectedRows: number | undefined;
}

/** Shaped like node-postgres' DatabaseError, so callers handle both engines' errors alike. */
export class EmbeddedDatabaseError extends Error {
  readonly code: string | undefined;
  readonly detail: string | undefined;
  readonly constraint: string | undefined;

  constructor(fields: SerializedDatabaseError) {
    super(fields.message);
    this.name = 'DatabaseError';
    this.code = fields.code;
    this.detail = fields.detail;
    this.constraint = fields.constraint;
  }
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Connections the wire server accepts; queries from all of them run one at a time. */
  maxConnections?: number;
  /** Called when the data directory lock is lost (the process should stop). */
  onLockLost?: (error: Error) => void;
}

const STOP_TIMEOUT_MS = 15_000;

/**
 * The worker module beside this one: compiled `.js` when built; when running from TypeScript
 * sources (development, tests) the thread first registers the TS loader, which is per thread.
 */
function startWorker(workerData: PgliteWorkerData): Worker {
  const compiled = new URL('./pglite.worker.js', import.meta.url);
  if (existsSync(compiled)) return new Worker(compiled, { workerData });
  const source = new URL('./pglite.worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** PGlite in a worker thread behind the wire protocol on 127.0.0.1, its data dir locked. */
export class EmbeddedPostgres {
  private nextQueryId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (result: EmbeddedQueryResult) => void; reject: (error: Error) => void }
  >();
  private stopped = false;

  private constructor(
    private readonly worker: Worker,
    private readonly releaseLock: () => Promise<void>,
    readonly port: number,
    readonly dataDir: string,
  ) {
    worker.on('message', (message: PgliteWorkerMessage) => {
      if (message.type === 'result') {
        this.settle(message.id)?.resolve({
          rows: message.rows as Record<string, unknown>[],
          affectedRows: message.affectedRows,
        });
      } else if (message.type === 'query-error') {
        this.settle(message.id)?.reject(new EmbeddedDatabaseError(message.error));
      }
    });
    worker.on('exit', () => {
      this.stopped = true;
      for (const [id, waiter] of this.pending) {
        this.pending.delete(id);
        waiter.reject(new Error('the embedded database stopped'));
      }
    });
  }

  /** Runs one statement in the database thread. Callers serialise (see embedded-dialect.ts). */
  query(sql: string, params: readonly unknown[]): Promise<EmbeddedQueryResult> {
    if (this.stopped) return Promise.reject(new Error('the embedded database is stopped'));
    const id = this.nextQueryId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const request: PgliteWorkerRequest = { type: 'query', id, sql, params };
      this.worker.postMessage(request);
    });
  }

  private settle(id: number) {
    const waiter = this.pending.get(id);
    this.pending.delete(id);
    return waiter;
  }

  get connectionString(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
    const dataDir = path.resolve(options.dataDir);
    const releaseLock = await lockDataDir(dataDir, (error) => {
      if (options.onLockLost) options.onLockLost(error);
    });
    try {
      const workerData: PgliteWorkerData = {
        dataDir: path.join(dataDir, 'pglite'),
        host: '127.0.0.1',
        port: options.port,
        // For tools (psql, the drift check); the server itself sends its queries by message.
        maxConnections: options.maxConnections ?? 4,
      };
      const worker = startWorker(workerData);
      const port = await new Promise<number>((resolve, reject) => {
        worker.once('error', reject);
        worker.once('exit', (code) =>
          reject(new Error(`embedded database exited with code ${code}`)),
        );
        worker.on('message', (message: PgliteWorkerMessage) => {
          if (message.type === 'ready') resolve(message.port);
          if (message.type === 'error') reject(new Error(`embedded database: ${message.message}`));
        });
      });
      worker.removeAllListeners('exit');
      worker.removeAllListeners('error');
      return new EmbeddedPostgres(worker, releaseLock, port, dataDir);
    } catch (error) {
      await releaseLock().catch(() => undefined);
      throw error;
    }
  }

  async stop(): Promise<void> {
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('embedded database did not stop in time')),
          STOP_TIMEOUT_MS,
        );
        this.worker.on('message', (message: PgliteWorkerMessage) => {
          if (message.type === 'stopped') {
            clearTimeout(timer);
            resolve();
          }
        });
        this.worker.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        const request: PgliteWorkerRequest = { type: 'stop' };
        this.worker.postMessage(request);
      });
      await this.worker.terminate();
    } finally {
      await this.releaseLock().catch(() => undefined);
    }
  }
}
