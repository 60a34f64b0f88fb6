import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';

export class DataDirLockedError extends Error {
  constructor(dataDir: string, holder: string) {
    super(
      `data directory ${dataDir} is in use by another process${holder} — the embedded database ` +
        'allows one process at a time; stop the other one, or set DATA_DIR (or DATABASE_URL) for this one',
    );
    this.name = 'DataDirLockedError';
  }
}

const LOCK_NAME = 'ecogrid.lock';
/** Beside the lock (not inside: the lock is a directory that must stay empty to be released). */
const OWNER_NAME = 'ecogrid.lock.owner';
/** A lock not refreshed for this long belongs to a process that died; it may be taken over. */
const STALE_MS = 10_000;

/**
 * Holds an exclusive, cross-process lock on the embedded data directory for as long as this
 * process uses it. Two processes opening one PGlite directory would corrupt it.
 */
export async function lockDataDir(
  dataDir: string,
  onCompromised: (error: Error) => void,
): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, LOCK_NAME);
  const ownerPath = path.join(dataDir, OWNER_NAME);
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, {
      lockfilePath: lockPath,
      stale: STALE_MS,
      update: STALE_MS / 4,
      realpath: false,
      onCompromised,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    const owner = await readFile(ownerPath, 'utf8').catch(() => '');
    throw new DataDirLockedError(dataDir, owner ? ` (${owner.trim()})` : '');
  }
  await writeFile(ownerPath, `pid ${process.pid}`).catch(() => undefined);
  return async () => {
    await rm(ownerPath, { force: true });
    await release();
  };
}
