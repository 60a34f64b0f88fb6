import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { EmbeddedPostgres } from './embedded/embedded-postgres.js';
import type { DB } from './schema.generated.js';

export type DatabaseEngine = 'postgres' | 'embedded';

export interface DatabaseOptions {
  /** PostgreSQL URL; when absent the embedded database in `dataDir` is used. */
  url?: string | undefined;
  dataDir: string;
  embeddedPort?: number;
  poolMax: number;
  connectTimeoutMs: number;
  onEmbeddedLockLost?: (error: Error) => void;
}

export class DatabaseUnreachableError extends Error {
  constructor(target: string, cause: unknown) {
    super(`cannot reach the database at ${target}: ${reasonOf(cause)}`);
    this.name = 'DatabaseUnreachableError';
  }
}

function reasonOf(cause: unknown): string {
  if (cause instanceof AggregateError && cause.errors.length > 0) return reasonOf(cause.errors[0]);
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return cause.message || code || cause.name;
  }
  return String(cause);
}

/** host:port/database of a URL, without credentials, for messages and logs. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

/** The one data-access path: Kysely over node-postgres, to PostgreSQL or to embedded PGlite. */
export class Database {
  private constructor(
    readonly db: Kysely<DB>,
    readonly engine: DatabaseEngine,
    readonly target: string,
    private readonly embedded: EmbeddedPostgres | undefined,
  ) {}

  static async open(options: DatabaseOptions): Promise<Database> {
    const embedded = options.url
      ? undefined
      : await EmbeddedPostgres.start({
          dataDir: options.dataDir,
          port: options.embeddedPort ?? 0,
          ...(options.onEmbeddedLockLost ? { onLockLost: options.onEmbeddedLockLost } : {}),
        });
    const connectionString = options.url ?? embedded!.connectionString;
    const target = options.url ? describeDatabaseUrl(options.url) : `embedded ${embedded!.dataDir}`;
    const pool = new pg.Pool({
      connectionString,
      // PGlite is a single session: one connection keeps the protocol messages of concurrent
      // queries from interleaving; PostgreSQL gets a real pool.
      max: embedded ? 1 : options.poolMax,
      connectionTimeoutMillis: options.connectTimeoutMs,
      idleTimeoutMillis: 30_000,
      application_name: 'ecogrid',
    });
    // An idle client losing its server must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    const database = new Database(
      new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }),
      embedded ? 'embedded' : 'postgres',
      target,
      embedded,
    );
    try {
      await database.ping();
    } catch (error) {
      await database.close().catch(() => undefined);
      throw new DatabaseUnreachableError(target, error);
    }
    return database;
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    try {
      await this.db.destroy();
    } finally {
      await this.embedded?.stop();
    }
  }
}
