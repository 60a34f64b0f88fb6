import { BackupError } from './errors.js';

/** Lists the tables of schema public; one query text for PostgreSQL (via Kysely) and PGlite. */
export const PUBLIC_TABLES_SQL = `
  select c.relname as name
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'public' and c.relkind in ('r', 'p')
  order by c.relname`;

const LISTED_TABLES = 8;

/** A restore adds to nothing: it refuses a database that already holds tables, naming them. */
export function refuseNonEmpty(target: string, tables: string[]): void {
  if (tables.length === 0) return;
  const shown = tables.slice(0, LISTED_TABLES).join(', ');
  const more = tables.length > LISTED_TABLES ? ` and ${tables.length - LISTED_TABLES} more` : '';
  throw new BackupError(
    'NOT_EMPTY',
    `${target} is not empty (tables in schema public: ${shown}${more}); ` +
      'pass --force to replace its contents with the backup',
  );
}
