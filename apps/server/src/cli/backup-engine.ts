/**
 * Backup and restore of the server's database, for the db:backup and db:restore commands (thin
 * wrappers) and for tests. The engine is chosen as the server chooses it: DATABASE_URL set means
 * PostgreSQL (pg_dump custom archives), otherwise the embedded PGlite database in DATA_DIR (plain SQL
 * from PGlite's own pg_dump). A backup only restores into the engine that made it.
 */
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AppConfig } from '../config/config.schema.js';
import type { DatabaseEngine } from '../database/database.js';
import {
  defaultBackupPath,
  detectBackupFormat,
  displayPath,
  FORMAT_OF_ENGINE,
  wrongEngineMessage,
} from './backup/backup-file.js';
import { dumpEmbedded, embeddedTarget, restoreEmbedded } from './backup/embedded-backup.js';
import { BackupError } from './backup/errors.js';
import { dumpPostgres, postgresTarget, restorePostgres } from './backup/postgres-backup.js';
import { secondsSince, type ProgressListener } from './backup/progress.js';

export { BackupError, UsageError, type BackupErrorCode } from './backup/errors.js';
export { detectBackupFormat, identifyBackup, type BackupFormat } from './backup/backup-file.js';
export { maskDatabaseUrl } from './backup/postgres-tools.js';
export { formatBytes, formatProgress, type ProgressEvent } from './backup/progress.js';

export interface BackupOptions {
  config: AppConfig;
  /** Where to write; default `./backups/ecogrid-<engine>-<UTC timestamp>.dump|.sql`. */
  out?: string | undefined;
  onProgress?: ProgressListener;
}

export interface BackupResult {
  engine: DatabaseEngine;
  /** Absolute path of the backup written. */
  file: string;
  bytes: number;
  tables: number;
  seconds: number;
}

export interface RestoreOptions {
  config: AppConfig;
  file: string;
  /** Replace the contents of a database that already has tables. */
  force?: boolean;
  onProgress?: ProgressListener;
}

export interface RestoreResult {
  engine: DatabaseEngine;
  /** Where the backup went: host:port/database or the embedded data directory. */
  target: string;
  bytes: number;
  tables: number;
  seconds: number;
}

export function engineOf(config: AppConfig): DatabaseEngine {
  return config.DATABASE_URL ? 'postgres' : 'embedded';
}

export async function backupDatabase(options: BackupOptions): Promise<BackupResult> {
  const { config } = options;
  const onProgress = options.onProgress ?? (() => undefined);
  const engine = engineOf(config);
  const file = path.resolve(options.out ?? defaultBackupPath(engine, new Date()));
  if (await stat(file).catch(() => undefined)) {
    throw new BackupError(
      'OUTPUT_EXISTS',
      `${displayPath(file)} already exists; choose another --out (backups are never overwritten)`,
    );
  }
  await mkdir(path.dirname(file), { recursive: true });
  // Written under another name and renamed when complete, so a failed run never leaves a file that
  // looks like a good backup.
  const partial = `${file}.partial`;
  const startedAt = performance.now();
  let tables: number;
  try {
    tables = config.DATABASE_URL
      ? await dumpPostgres(config, postgresTarget(config.DATABASE_URL), partial, onProgress)
      : await dumpEmbedded(embeddedTarget(config.DATA_DIR), partial, onProgress);
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  const { size } = await stat(file);
  return { engine, file, bytes: size, tables, seconds: secondsSince(startedAt) };
}

export async function restoreDatabase(options: RestoreOptions): Promise<RestoreResult> {
  const { config } = options;
  const onProgress = options.onProgress ?? (() => undefined);
  const force = options.force ?? false;
  const engine = engineOf(config);
  const file = path.resolve(options.file);
  const format = await detectBackupFormat(file);
  if (format !== FORMAT_OF_ENGINE[engine]) {
    throw new BackupError('WRONG_ENGINE', wrongEngineMessage(file, format));
  }
  const { size } = await stat(file);
  const startedAt = performance.now();
  if (config.DATABASE_URL) {
    const target = postgresTarget(config.DATABASE_URL);
    const tables = await restorePostgres(config, target, file, force, onProgress);
    return {
      engine,
      target: target.description,
      bytes: size,
      tables,
      seconds: secondsSince(startedAt),
    };
  }
  const target = embeddedTarget(config.DATA_DIR);
  const tables = await restoreEmbedded(target, file, force, onProgress);
  return { engine, target: target.dataDir, bytes: size, tables, seconds: secondsSince(startedAt) };
}
