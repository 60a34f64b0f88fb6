import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../../config/config.schema.js';
import { DatabaseUnreachableError } from '../../database/database.js';
import { BackupError, UsageError } from './errors.js';
import { maskDatabaseUrl, scrub, urlSecrets } from './postgres-tools.js';

type Command = 'db:backup' | 'db:restore';

/** Failures an operator can fix: one line, no stack trace. */
const EXPECTED_FAILURES = [BackupError, ConfigError, DatabaseUnreachableError];
const FILE_ERRORS = new Set(['ENOENT', 'EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'EISDIR', 'ENOTDIR']);

/** util.parseArgs, with its errors turned into a UsageError (exit 2) of one line. */
export function parseCommandLine<T extends ParseArgsConfig>(
  config: T,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!code.startsWith('ERR_PARSE_ARGS_')) throw error;
    // Node's messages go on with advice about `--`; the first sentence names the problem.
    const first = (error as Error).message.split(/\.\s/)[0] ?? '';
    throw new UsageError(first.replace(/\.$/, ''));
  }
}

/**
 * Runs a command and sets the exit code: 0 on success, 2 for wrong usage, 1 for any failure, which
 * is reported on one line prefixed with the command name.
 */
export async function runCommand(command: Command, main: () => Promise<void>): Promise<void> {
  try {
    await main();
    process.exitCode = 0;
  } catch (error) {
    process.exitCode = error instanceof UsageError ? 2 : 1;
    process.stderr.write(`${command}: ${describeFailure(error)}\n`);
    if (!isExpected(error) && error instanceof Error && error.stack) {
      process.stderr.write(`${error.stack}\n`);
    }
  }
}

function isExpected(error: unknown): boolean {
  if (error instanceof UsageError) return true;
  if (EXPECTED_FAILURES.some((type) => error instanceof type)) return true;
  return FILE_ERRORS.has((error as NodeJS.ErrnoException | undefined)?.code ?? '');
}

function describeFailure(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  if (error instanceof UsageError) message += ' (see --help)';
  else if (!isExpected(error)) message = `unexpected error: ${message}`;
  // A driver's message could quote the connection string; never let a password through.
  const url = process.env.DATABASE_URL;
  if (url) message = scrub(message.split(url).join(maskDatabaseUrl(url)), urlSecrets(url));
  return message.replace(/\s*\n\s*/g, ' ');
}

export function printLine(line: string): void {
  process.stdout.write(`${line}\n`);
}
