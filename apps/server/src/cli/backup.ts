/** `npm run db:backup -- [--out <file>]`: backs up the database the server would use. */
import { loadConfig } from '../config/config.schema.js';
import { backupDatabase, engineOf, formatBytes, formatProgress } from './backup-engine.js';
import { displayPath } from './backup/backup-file.js';
import { parseCommandLine, printLine, runCommand } from './backup/cli.js';

const HELP = `Usage: npm run db:backup -- [--out <file>]

Backs up the database the server uses: PostgreSQL when DATABASE_URL is set (a pg_dump custom
archive, .dump), otherwise the embedded database in DATA_DIR (plain SQL, .sql). The embedded
database can be backed up only while the server is stopped.

Options:
  -o, --out <file>  where to write the backup; never overwrites a file
                    (default: ./backups/ecogrid-<engine>-<UTC timestamp>.dump|.sql)
  -h, --help        show this help
`;

await runCommand('db:backup', async () => {
  const { values } = parseCommandLine({
    options: {
      out: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const config = loadConfig();
  printLine(`backup: engine ${engineOf(config)}`);
  const result = await backupDatabase({
    config,
    out: values.out,
    onProgress: (event) => printLine(formatProgress('backup', event)),
  });
  printLine(
    `backup: wrote ${displayPath(result.file)} (${result.tables} tables, ${formatBytes(result.bytes)}) ` +
      `in ${result.seconds} s`,
  );
});
