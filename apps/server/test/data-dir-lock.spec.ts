import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../src/database/embedded/data-dir-lock.js';
import { REPO_ROOT } from './process.js';

describe('the embedded data-directory lock', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'ecogrid-lock-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a second holder while the first lives, and takes over at once when it was killed', async () => {
    const holder = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('./apps/server/src/database/embedded/data-dir-lock.ts').then(async (m) => { await m.lockDataDir(${JSON.stringify(dataDir)}, () => {}); console.log('LOCKED'); setInterval(() => {}, 1000); })`,
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) =>
      holder.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('LOCKED') && resolve()),
    );
    await expect(lockDataDir(dataDir, () => undefined)).rejects.toBeInstanceOf(DataDirLockedError);
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    // No waiting for the lock to age out: its holder is gone.
    const release = await lockDataDir(dataDir, () => undefined);
    await release();
  });
});
