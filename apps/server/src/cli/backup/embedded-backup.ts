import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DataDirLockedError, lockDataDir } from '../../database/embedded/data-dir-lock.js';
import { BackupError } from './errors.js';
import type { PgliteTask, PgliteTaskMessage } from './pglite-task.worker.js';
import type { ProgressListener } from './progress.js';
import { refuseNonEmpty } from './tables.js';

/** How often a long step says it is still running. */
const TICK_MS = 2_000;

export interface EmbeddedTarget {
  /** DATA_DIR, resolved; holds the lock. */
  dataDir: string;
  /** The PGlite directory inside it. */
  pgliteDir: string;
  description: string;
}

export function embeddedTarget(dataDir: string): EmbeddedTarget {
  const resolved = path.resolve(dataDir);
  return {
    dataDir: resolved,
    pgliteDir: path.join(resolved, 'pglite'),
    description: `the embedded database in ${resolved}`,
  };
}

/** Compiled `.js` when built; from TypeScript sources the thread first registers tsx (per thread). */
function startWorker(task: PgliteTask): Worker {
  const compiled = new URL('./pglite-task.worker.js', import.meta.url);
  if (existsSync(compiled)) return new Worker(compiled, { workerData: task });
  const source = new URL('./pglite-task.worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: task });
}

type Outcome = Exclude<PgliteTaskMessage, { type: 'step' }>;

/**
 * Locks DATA_DIR as the server does (so neither can open PGlite while the other has it), runs the
 * task in a worker, and releases the lock only after the worker has closed PGlite and exited.
 */
async function runTask(
  target: EmbeddedTarget,
  task: PgliteTask,
  command: 'db:backup' | 'db:restore',
  onProgress: ProgressListener,
): Promise<Outcome> {
  let worker: Worker | undefined;
  let lockLost: Error | undefined;
  let release: () => Promise<void>;
  try {
    release = await lockDataDir(target.dataDir, (error) => {
      lockLost = error;
      void worker?.terminate();
    });
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    throw new BackupError(
      'DATABASE_IN_USE',
      `${target.description} is in use by another process (is the server running?); ` +
        `stop the server first, then run ${command} again`,
    );
  }
  let stopTicker = (): void => undefined;
  try {
    const started = startWorker(task);
    worker = started;
    const outcome = await new Promise<Outcome | undefined>((resolve, reject) => {
      let result: Outcome | undefined;
      let failure: Error | undefined;
      started.on('message', (message: PgliteTaskMessage) => {
        stopTicker();
        if (message.type === 'step') stopTicker = startTicker(message.activity, onProgress);
        else result = message;
      });
      started.once('error', (error) => {
        failure = error;
      });
      // Settle on exit, not on the result: PGlite is closed and its files flushed only by then.
      started.once('exit', (code) => {
        if (result) resolve(result);
        else if (lockLost) resolve(undefined);
        else
          reject(failure ?? new Error(`the embedded database task stopped with exit code ${code}`));
      });
    });
    if (lockLost || !outcome) {
      throw new BackupError(
        'LOCK_LOST',
        `lost the lock on ${target.dataDir} while working (${lockLost?.message ?? 'unknown reason'}); ` +
          'another process may have opened the embedded database, so the result cannot be trusted',
      );
    }
    return outcome;
  } finally {
    stopTicker();
    await release();
  }
}

function startTicker(activity: string, onProgress: ProgressListener): () => void {
  const startedAt = performance.now();
  const timer = setInterval(() => {
    const elapsedSeconds = Math.round((performance.now() - startedAt) / 1000);
    onProgress({ kind: 'waiting', activity, elapsedSeconds });
  }, TICK_MS);
  return () => clearInterval(timer);
}

export async function dumpEmbedded(
  target: EmbeddedTarget,
  file: string,
  onProgress: ProgressListener,
): Promise<number> {
  // Checked before locking: the lock would create DATA_DIR, and PGlite an empty database in it.
  if (!existsSync(path.join(target.pgliteDir, 'PG_VERSION'))) {
    throw new BackupError(
      'NO_DATABASE',
      `there is no embedded database in ${target.dataDir} (DATA_DIR); nothing to back up`,
    );
  }
  onProgress({ kind: 'phase', message: `dumping ${target.description}` });
  const outcome = await runTask(
    target,
    { kind: 'dump', pgliteDir: target.pgliteDir, outFile: file },
    'db:backup',
    onProgress,
  );
  if (outcome.type === 'dumped') return outcome.tables;
  throw unexpectedOutcome('dumping', outcome);
}

export async function restoreEmbedded(
  target: EmbeddedTarget,
  file: string,
  force: boolean,
  onProgress: ProgressListener,
): Promise<number> {
  onProgress({ kind: 'phase', message: `restoring into ${target.description}` });
  const outcome = await runTask(
    target,
    { kind: 'restore', pgliteDir: target.pgliteDir, sqlFile: file, force },
    'db:restore',
    onProgress,
  );
  if (outcome.type === 'restored') return outcome.tables;
  if (outcome.type === 'not-empty') refuseNonEmpty(target.description, outcome.tables);
  throw unexpectedOutcome('restoring', outcome);
}

function unexpectedOutcome(activity: string, outcome: Outcome): Error {
  if (outcome.type === 'failed') {
    const unchanged = activity === 'restoring' ? '; the database was left as it was' : '';
    return new BackupError(
      'TOOL_FAILED',
      `${activity} failed: ${outcome.message.replace(/\s+/g, ' ').trim()}${unchanged}`,
    );
  }
  return new Error(
    `${activity}: unexpected answer from the embedded database task: ${outcome.type}`,
  );
}
