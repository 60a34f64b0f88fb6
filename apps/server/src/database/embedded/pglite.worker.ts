/**
 * Runs embedded PostgreSQL (PGlite, WASM) in its own thread and serves it over the Postgres wire
 * protocol on loopback, so the server talks node-postgres to it exactly as to a real server and the
 * main event loop never stalls on WASM work.
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
  { type: 'ready'; port: number } | { type: 'error'; message: string } | { type: 'stopped' };

const options = workerData as PgliteWorkerData;
const port = parentPort!;
let database: PGlite | undefined;
let server: PGLiteSocketServer | undefined;

function post(message: PgliteWorkerMessage): void {
  port.postMessage(message);
}

async function start(): Promise<void> {
  database = await PGlite.create({ dataDir: options.dataDir });
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

port.on('message', (message: { type: 'stop' }) => {
  if (message.type === 'stop') {
    stop().catch((error: unknown) => post({ type: 'error', message: String(error) }));
  }
});

start().catch((error: unknown) => {
  post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
});
