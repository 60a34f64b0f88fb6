import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BackupError } from './errors.js';

const MASK = '*****';

/** The URL with its password replaced, for any line an operator or a log may see. */
export function maskDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = MASK;
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', MASK);
    return parsed.href;
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

export interface ToolConnection {
  /** Passed as --dbname: the URL without its password. */
  dbname: string;
  /** Extra environment for the tool; carries the password. */
  env: Record<string, string>;
  /** Secrets to scrub from anything the tool prints. */
  secrets: string[];
}

/**
 * Moves the password out of the URL into PGPASSWORD: a command line is visible to every user of the
 * machine (`ps`), the environment of a process is not.
 */
export function toolConnection(url: string, connectTimeoutMs: number): ToolConnection {
  const parsed = new URL(url);
  const encoded = parsed.password;
  // libpq also accepts the password as a query parameter.
  const password =
    (encoded ? decodePassword(encoded) : parsed.searchParams.get('password')) || undefined;
  parsed.password = '';
  parsed.searchParams.delete('password');
  return {
    dbname: parsed.href,
    env: {
      ...(password ? { PGPASSWORD: password } : {}),
      PGCONNECT_TIMEOUT: String(Math.max(1, Math.ceil(connectTimeoutMs / 1000))),
      PGAPPNAME: 'ecogrid-backup',
    },
    secrets: urlSecrets(url),
  };
}

/** libpq reads the URL's password percent-decoded; a malformed escape is taken as written. */
function decodePassword(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

/** The password of a URL as written (percent-encoded) and as meant, to scrub from messages. */
export function urlSecrets(url: string): string[] {
  try {
    const parsed = new URL(url);
    const encoded = parsed.password;
    const query = parsed.searchParams.get('password');
    const secrets = [encoded, encoded && decodePassword(encoded), query].filter(
      (secret): secret is string => Boolean(secret),
    );
    return secrets.length ? [...new Set([url, ...secrets])] : [];
  } catch {
    return [url];
  }
}

export function scrub(line: string, secrets: string[]): string {
  return secrets.reduce((text, secret) => text.split(secret).join(MASK), line);
}

/**
 * The verbose lines pg_dump and pg_restore print as they reach each table's data, e.g.
 * `pg_dump: dumping contents of table "public.server_instances"` and
 * `pg_restore: processing data for table "public.server_instances"`.
 */
const TABLE_DATA_LINE = /(?:dumping contents of table|processing data for table) "?([^"]+)"?\s*$/;

export function tableOfVerboseLine(line: string): string | undefined {
  return TABLE_DATA_LINE.exec(line)?.[1];
}

export interface ToolRun {
  tool: 'pg_dump' | 'pg_restore';
  args: string[];
  connection?: ToolConnection;
  /** Called with each table whose data the tool reaches, in order. */
  onTable?: (table: string) => void;
}

/** Runs pg_dump or pg_restore; resolves with its stdout, fails with its error lines on one line. */
export async function runTool({ tool, args, connection, onTable }: ToolRun): Promise<string> {
  const secrets = connection?.secrets ?? [];
  const child = spawn(tool, args, {
    env: { ...process.env, ...connection?.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const errors: string[] = [];
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  const stderrDone = new Promise<void>((resolve) => {
    const lines = createInterface({ input: child.stderr });
    lines.on('line', (raw) => {
      const line = scrub(raw, secrets);
      const table = tableOfVerboseLine(line);
      if (table !== undefined) onTable?.(table);
      else if (/^\S+: (error|detail|hint): /.test(line)) errors.push(line.replace(/^\S+: /, ''));
    });
    lines.on('close', resolve);
  });
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new BackupError(
              'TOOL_MISSING',
              `${tool} was not found on PATH; install the PostgreSQL client tools (Debian: apt-get install postgresql-client)`,
            )
          : error,
      );
    });
    child.once('close', resolve);
  });
  await stderrDone;
  if (exitCode !== 0) {
    const reason = errors.length ? errors.join('; ') : `exited with code ${String(exitCode)}`;
    throw new BackupError('TOOL_FAILED', `${tool} failed: ${reason.replace(/\s+/g, ' ').trim()}`);
  }
  return stdout;
}

/** Tables whose data a custom archive holds, from its table of contents (no database needed). */
export async function archiveDataTables(file: string): Promise<number> {
  const listing = await runTool({ tool: 'pg_restore', args: ['--list', file] });
  return listing.split('\n').filter((line) => /^\d+; \d+ \d+ TABLE DATA /.test(line)).length;
}
