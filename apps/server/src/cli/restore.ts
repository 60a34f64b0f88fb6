/** `npm run db:restore -- <file> [--force]`: restores a db:backup file into the server's database. */
import { loadConfig } from '../config/config.schema.js';
import {
  engineOf,
  formatBytes,
  formatProgress,
  restoreDatabase,
  UsageError,
} from './backup-engine.js';
import { displayPath } from './backup/backup-file.js';
import { parseCommandLine, printLine, runCommand } from './backup/cli.js';

const HELP = `Usage: npm run db:restore -- <file> [--force]

Restores a backup made by db:backup into the database the server uses: PostgreSQL when
DATABASE_URL is set, otherwise the embedded database in DATA_DIR (stop the server first).
A backup restores only into the engine that made it. A database that already has tables is
refused unless --force is given.

Options:
  -f, --force  replace the contents of a database that already has tables
  -h, --help   show this help
`;

await runCommand('db:restore', async () => {
  const { values, positionals } = parseCommandLine({
    options: {
      force: { type: 'boolean', short: 'f' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const [file, ...extra] = positionals;
  if (!file) throw new UsageError('missing the backup file to restore');
  if (extra.length > 0)
    throw new UsageError(`unexpected argument "${extra[0]}"; give one backup file`);
  const config = loadConfig();
  printLine(`restore: engine ${engineOf(config)}, from ${displayPath(file)}`);
  const result = await restoreDatabase({
    config,
    file,
    force: values.force ?? false,
    onProgress: (event) => printLine(formatProgress('restore', event)),
  });
  printLine(
    `restore: restored ${result.tables} tables (${formatBytes(result.bytes)}) into ${result.target} ` +
      `in ${result.seconds} s`,
  );
});
