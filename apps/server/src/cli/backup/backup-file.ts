import { open } from 'node:fs/promises';
import path from 'node:path';
import type { DatabaseEngine } from '../../database/database.js';
import { BackupError } from './errors.js';

/** How a backup file was made, told from its content (never from its name). */
export type BackupFormat = 'postgres-custom' | 'embedded-sql';

/** The format each engine writes and reads. */
export const FORMAT_OF_ENGINE: Record<DatabaseEngine, BackupFormat> = {
  postgres: 'postgres-custom',
  embedded: 'embedded-sql',
};

/** pg_dump's custom archives start with these bytes (its "magic"). */
const CUSTOM_ARCHIVE_MAGIC = 'PGDMP';
/** pg_dump writes this into the header of every plain-SQL dump, PGlite's included. */
const PLAIN_DUMP_MARKER = '-- PostgreSQL database dump';
/** The header of a plain dump is short; reading this much finds the marker without loading the file. */
const HEAD_BYTES = 4096;

/** Written before PGlite's dump so a reader of the file knows where it came from. */
export function embeddedDumpHeader(serverVersion: string, madeAt: Date): string {
  return (
    `-- EcoGrid EMS backup of the embedded database (PGlite, PostgreSQL ${serverVersion}), ` +
    `made ${madeAt.toISOString()}. Restore with: npm run db:restore -- <this file>\n`
  );
}

export function identifyBackup(head: Buffer): BackupFormat | undefined {
  if (head.subarray(0, CUSTOM_ARCHIVE_MAGIC.length).toString('latin1') === CUSTOM_ARCHIVE_MAGIC) {
    return 'postgres-custom';
  }
  if (head.toString('utf8').includes(PLAIN_DUMP_MARKER)) return 'embedded-sql';
  return undefined;
}

export async function detectBackupFormat(file: string): Promise<BackupFormat> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new BackupError('NOT_A_BACKUP', `${displayPath(file)} does not exist`);
    if (code === 'EISDIR')
      throw new BackupError('NOT_A_BACKUP', `${displayPath(file)} is a directory`);
    throw error;
  }
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
    const format = identifyBackup(head.subarray(0, bytesRead));
    if (!format) {
      throw new BackupError(
        'NOT_A_BACKUP',
        `${displayPath(file)} is not a backup made by db:backup (neither a pg_dump archive nor a SQL dump)`,
      );
    }
    return format;
  } finally {
    await handle.close();
  }
}

/** The engine a backup of this format can be restored into, and what refusing it should say. */
export function wrongEngineMessage(file: string, format: BackupFormat): string {
  const name = displayPath(file);
  return format === 'postgres-custom'
    ? `${name} is a PostgreSQL backup (a pg_dump archive, made with DATABASE_URL set) and cannot be ` +
        'restored into the embedded database; moving data between engines is not supported yet'
    : `${name} is a backup of the embedded database (plain SQL from PGlite) and cannot be restored ` +
        'into PostgreSQL; moving data between engines is not supported yet';
}

/** `20250102T030405Z`: sorts by time and is safe in file names on every OS. */
export function fileTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
}

export function defaultBackupPath(engine: DatabaseEngine, madeAt: Date): string {
  const extension = engine === 'postgres' ? 'dump' : 'sql';
  return path.resolve('backups', `ecogrid-${engine}-${fileTimestamp(madeAt)}.${extension}`);
}

/** Relative to the working directory when inside it: shorter lines, and what the operator typed. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
