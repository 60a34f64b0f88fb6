import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
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

/** True when the lock names a process of this host that no longer exists. */
function ownerIsDead(owner: string): boolean {
  const match = /^pid (\d+) host (\S+)$/.exec(owner.trim());
  if (!match || match[2] !== hostname()) return false;
  try {
    process.kill(Number(match[1]), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
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
  const take = () =>
    lockfile.lock(dataDir, {
      lockfilePath: lockPath,
      stale: STALE_MS,
      update: STALE_MS / 4,
      realpath: false,
      onCompromised,
    });
  let release: () => Promise<void>;
  try {
    release = await take();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    const owner = await readFile(ownerPath, 'utf8').catch(() => '');
    if (!ownerIsDead(owner)) {
      const pid = /^pid (\d+)/.exec(owner.trim())?.[1];
      throw new DataDirLockedError(dataDir, pid ? ` (pid ${pid})` : '');
    }
    // The holder was killed (a crash, SIGKILL): its lock need not age out before a restart.
    await rm(lockPath, { recursive: true, force: true });
    release = await take();
  }
  await writeFile(ownerPath, `pid ${process.pid} host ${hostname()}`).catch(() => undefined);
  return async () => {
    await rm(ownerPath, { force: true });
    await release();
  };
}
