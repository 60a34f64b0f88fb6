import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';
import type { EmbeddedPostgres } from './embedded-postgres.js';

/**
 * Kysely's PostgreSQL dialect, with queries carried to the PGlite thread by message instead of the
 * wire protocol. PGlite is one session, so there is one connection: a transaction holds it until it
 * ends and every other query waits its turn, here, in order.
 */
export class EmbeddedDialect implements Dialect {
  constructor(private readonly embedded: EmbeddedPostgres) {}

  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new EmbeddedDriver(this.embedded);
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's dialect signature
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

class EmbeddedConnection implements DatabaseConnection {
  constructor(private readonly embedded: EmbeddedPostgres) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.embedded.query(compiled.sql, compiled.parameters);
    return {
      rows: result.rows as R[],
      ...(result.affectedRows !== undefined
        ? { numAffectedRows: BigInt(result.affectedRows) }
        : {}),
    };
  }

  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on the embedded database');
  }
}

class EmbeddedDriver implements Driver {
  private readonly connection: EmbeddedConnection;
  private queue: Promise<void> = Promise.resolve();
  private release: (() => void) | undefined;

  constructor(embedded: EmbeddedPostgres) {
    this.connection = new EmbeddedConnection(embedded);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.release = release;
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  releaseConnection(): Promise<void> {
    const release = this.release;
    this.release = undefined;
    release?.();
    return Promise.resolve();
  }

  async destroy(): Promise<void> {}
}
