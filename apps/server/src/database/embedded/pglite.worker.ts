/**
 * Runs embedded PostgreSQL (PGlite, WASM) in its own thread, so the main event loop never stalls on
 * WASM work. The server's queries arrive as messages (embedded-dialect.ts); the wire protocol on
 * loopback serves tools (psql, the schema drift check).
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { parentPort, workerData } from 'node:worker_threads';

export interface PgliteWorkerData {
  dataDir: string;
  host: string;
  port: number;
  maxConnections: number;
}

export type PgliteWorkerMessage =
  | { type: 'ready'; port: number }
  | { type: 'error'; message: string }
  | { type: 'stopped' }
  | {
      type: 'result';
      id: number;
      rows: unknown[];
      affectedRows: number | undefined;
      command: string | undefined;
    }
  | { type: 'query-error'; id: number; error: SerializedDatabaseError };

export type PgliteWorkerRequest =
  { type: 'stop' } | { type: 'query'; id: number; sql: string; params: readonly unknown[] };

/** A PostgreSQL error's fields, as node-postgres exposes them, across the thread boundary. */
export interface SerializedDatabaseError {
  message: string;
  code?: string;
  detail?: string;
  hint?: string;
  constraint?: string;
  table?: string;
  column?: string;
  schema?: string;
  severity?: string;
}

const INT8_OID = 20;

const options = workerData as PgliteWorkerData;
const port = parentPort!;
let database: PGlite | undefined;
let server: PGLiteSocketServer | undefined;

function post(message: PgliteWorkerMessage): void {
  port.postMessage(message);
}

async function start(): Promise<void> {
  // Parse like node-postgres does for PostgreSQL, so both engines hand the code the same values
  // (int8 as a string: it may exceed Number.MAX_SAFE_INTEGER).
  database = await PGlite.create({
    dataDir: options.dataDir,
    parsers: { [INT8_OID]: (value: string) => value },
  });
  server = new PGLiteSocketServer({
    db: database,
    host: options.host,
    port: options.port,
    maxConnections: options.maxConnections,
  });
  await server.start();
  const address = server.getServerConn();
  post({ type: 'ready', port: Number(address.slice(address.lastIndexOf(':') + 1)) });
}

async function stop(): Promise<void> {
  await server?.stop();
  // Closing flushes PGlite's data files; skipping it risks a dirty data directory.
  await database?.close();
  post({ type: 'stopped' });
}

/**
 * The server's own queries arrive here, one at a time (the caller holds the only connection), and
 * run through PGlite's query API: no wire protocol in between. A statement without parameters may
 * hold several commands (migrations), so it runs through exec().
 */
async function runQuery(id: number, sql: string, params: readonly unknown[]): Promise<void> {
  try {
    if (params.length === 0) {
      const results = await database!.exec(sql);
      const last = results.at(-1);
      post({
        type: 'result',
        id,
        rows: last?.rows ?? [],
        affectedRows: last?.affectedRows,
        command: undefined,
      });
    } else {
      const result = await database!.query(sql, params as unknown[]);
      post({
        type: 'result',
        id,
        rows: result.rows,
        affectedRows: result.affectedRows,
        command: undefined,
      });
    }
  } catch (error) {
    post({ type: 'query-error', id, error: serializeError(error) });
  }
}

function serializeError(error: unknown): SerializedDatabaseError {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields = error as Error & Partial<Record<keyof SerializedDatabaseError, string>>;
  const serialized: SerializedDatabaseError = { message: error.message };
  for (const key of [
    'code',
    'detail',
    'hint',
    'constraint',
    'table',
    'column',
    'schema',
    'severity',
  ] as const) {
    if (typeof fields[key] === 'string') serialized[key] = fields[key];
  }
  return serialized;
}

port.on('message', (message: PgliteWorkerRequest) => {
  if (message.type === 'query') {
    void runQuery(message.id, message.sql, message.params);
  } else if (message.type === 'stop') {
    stop().catch((error: unknown) => post({ type: 'error', message: String(error) }));
  }
});

start().catch((error: unknown) => {
  post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
});
