import { loadConfig, type AppConfig } from '../config/config.schema.js';
import { Database } from '../database/database.js';

/** Opens the database the server would use, from the same environment. */
export async function openConfiguredDatabase(config: AppConfig = loadConfig()): Promise<Database> {
  return Database.open({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    embeddedPort: 0,
    poolMax: 1,
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
  });
}

/** Ends a CLI with one line on stderr (no stack trace) for errors an operator can act on. */
export function exitWithError(command: string, error: unknown, code = 1): never {
  process.stderr.write(`${command}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(code);
}
