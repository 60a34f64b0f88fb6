/**
 * npm run migrate -- status | up | down [--dry-run]
 * Applies or reverts the reviewed SQL migrations of apps/server/migrations on the configured
 * database (DATABASE_URL, or the embedded one in DATA_DIR), under the same advisory lock as start-up.
 */
import { parseArgs } from 'node:util';
import { SchemaMigrator } from '../database/migrations.js';
import { exitWithError, openConfiguredDatabase } from './cli-database.js';

const USAGE = `usage: npm run migrate -- <status|up|down> [--dry-run]
  status     list every migration and when it was applied
  up         apply all pending migrations
  down       revert the most recent migration
  --dry-run  print the SQL that up/down would run and change nothing`;

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    exitWithError('migrate', error, 2);
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const command = parsed.positionals[0] ?? (parsed.values['dry-run'] ? 'up' : 'status');
  if (!['status', 'up', 'down'].includes(command) || parsed.positionals.length > 1) {
    exitWithError('migrate', `unknown command "${parsed.positionals.join(' ')}"\n${USAGE}`, 2);
  }
  const dryRun = parsed.values['dry-run'];

  const database = await openConfiguredDatabase();
  try {
    const migrator = await SchemaMigrator.create(database.db);
    await migrator.assertNotNewerThanCode();
    process.stdout.write(`database: ${database.target}\n`);
    if (command === 'status') {
      for (const migration of await migrator.status()) {
        const state = migration.appliedAt
          ? `applied ${migration.appliedAt.toISOString()}`
          : 'pending';
        process.stdout.write(`  ${migration.name.padEnd(48)} ${state}\n`);
      }
    } else if (command === 'up') {
      const pending = await migrator.pending();
      if (dryRun) {
        if (pending.length === 0)
          process.stdout.write('-- nothing to apply: the schema is current\n');
        for (const migration of pending)
          process.stdout.write(`-- ${migration.name} (up)\n${migration.up}\n\n`);
        process.stdout.write('-- dry run: nothing was changed\n');
      } else {
        const applied = await migrator.up();
        process.stdout.write(
          applied.length
            ? `applied: ${applied.join(', ')}\n`
            : 'nothing to apply: the schema is current\n',
        );
      }
    } else {
      const applied = await migrator.appliedNames();
      const last = migrator.migrations.find((migration) => migration.name === applied.at(-1));
      if (dryRun) {
        process.stdout.write(
          last ? `-- ${last.name} (down)\n${last.down}\n\n` : '-- nothing to revert\n',
        );
        process.stdout.write('-- dry run: nothing was changed\n');
      } else {
        const reverted = await migrator.down();
        process.stdout.write(
          reverted.length ? `reverted: ${reverted.join(', ')}\n` : 'nothing to revert\n',
        );
      }
    }
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => exitWithError('migrate', error));
