import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { EmbeddedDialect } from './embedded/embedded-dialect.js';
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

export class RuntimeRoleError extends Error {
  constructor(role: string, reason: string) {
    super(`the runtime database role "${role}" ${reason}`);
    this.name = 'RuntimeRoleError';
  }
}

/**
 * The one data-access layer: Kysely with PostgreSQL's dialect, over node-postgres to a server, or by
 * message to the embedded PGlite thread (see embedded/embedded-dialect.ts).
 */
export class Database {
  private kysely: Kysely<DB>;
  private runtimeRole: string | undefined;

  private constructor(
    kysely: Kysely<DB>,
    private readonly poolConfig: pg.PoolConfig | undefined,
    readonly engine: DatabaseEngine,
    readonly target: string,
    private readonly embedded: EmbeddedPostgres | undefined,
  ) {
    this.kysely = kysely;
  }

  get db(): Kysely<DB> {
    return this.kysely;
  }

  /** The role queries run as, once `useRuntimeRole` switched to it. */
  get role(): string | undefined {
    return this.runtimeRole;
  }

  static async open(options: DatabaseOptions): Promise<Database> {
    const embedded = options.url
      ? undefined
      : await EmbeddedPostgres.start({
          dataDir: options.dataDir,
          port: options.embeddedPort ?? 0,
          ...(options.onEmbeddedLockLost ? { onLockLost: options.onEmbeddedLockLost } : {}),
        });
    const target = options.url ? describeDatabaseUrl(options.url) : `embedded ${embedded!.dataDir}`;
    const poolConfig: pg.PoolConfig | undefined = options.url
      ? {
          connectionString: options.url,
          max: options.poolMax,
          connectionTimeoutMillis: options.connectTimeoutMs,
          idleTimeoutMillis: 30_000,
          application_name: 'ecogrid',
        }
      : undefined;
    const database = new Database(
      poolConfig
        ? createPostgresKysely(poolConfig)
        : new Kysely<DB>({ dialect: new EmbeddedDialect(embedded!) }),
      poolConfig,
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

  /**
   * From now on every connection runs as `role` (SET ROLE on connect): a role that owns no table and
   * cannot bypass row-level security, so a query that forgot its tenant scope sees nothing.
   * Migrations run before this, as the owner.
   */
  async useRuntimeRole(role: string): Promise<void> {
    const found = await sql<{ rolsuper: boolean; rolbypassrls: boolean }>`
      select rolsuper, rolbypassrls from pg_roles where rolname = ${role}`.execute(this.kysely);
    const attributes = found.rows[0];
    if (!attributes) throw new RuntimeRoleError(role, 'does not exist; apply the migrations first');
    if (attributes.rolsuper || attributes.rolbypassrls) {
      throw new RuntimeRoleError(role, 'must not be a superuser nor have BYPASSRLS');
    }
    if (this.poolConfig) {
      const previous = this.kysely;
      this.kysely = createPostgresKysely(this.poolConfig, role);
      await previous.destroy();
    } else {
      // The embedded database is one session: switching it switches every later query.
      await sql`select set_config('role', ${role}, false)`.execute(this.kysely);
    }
    this.runtimeRole = role;
    await this.ping();
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

function createPostgresKysely(poolConfig: pg.PoolConfig, role?: string): Kysely<DB> {
  const pool = new pg.Pool(poolConfig);
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  if (role) {
    // Queued before any query of the new client, so no query runs as the connecting role.
    pool.on('connect', (client) => {
      client.query(`set role "${role}"`).catch(() => {
        // Never let a client that failed to drop its privileges run queries.
        void client.end().catch(() => undefined);
      });
    });
  }
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}
