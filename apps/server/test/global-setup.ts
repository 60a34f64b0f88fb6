import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { Database } from '../src/database/database.js';
import { EmbeddedPostgres } from '../src/database/embedded/embedded-postgres.js';
import { SchemaMigrator } from '../src/database/migrations.js';

export interface TestDatabaseTemplates {
  runDir: string;
  embeddedEmpty: string;
  embeddedMigrated: string;
  /** Set when TEST_DATABASE_URL is: a migrated template database on that server. */
  postgresTemplate?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabases: TestDatabaseTemplates;
  }
}

/**
 * Builds once per run what every test file copies: an initialised embedded data directory (empty
 * and migrated), and on PostgreSQL a migrated template database, so each file gets a fresh database
 * in well under a second instead of re-running initdb and the migrations.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runDir = await mkdtemp(path.join(tmpdir(), 'ecogrid-test-'));
  const embeddedEmpty = path.join(runDir, 'template-empty');
  const embeddedMigrated = path.join(runDir, 'template-migrated');
  const empty = await EmbeddedPostgres.start({ dataDir: embeddedEmpty, port: 0 });
  await empty.stop();
  await cp(embeddedEmpty, embeddedMigrated, { recursive: true });
  const migrated = await Database.open({
    dataDir: embeddedMigrated,
    poolMax: 1,
    connectTimeoutMs: 10_000,
  });
  await (await SchemaMigrator.create(migrated.db)).up();
  await migrated.close();

  let postgresTemplate: string | undefined;
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    postgresTemplate = `ecogrid_tpl_${process.pid}_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database "${postgresTemplate}"`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${postgresTemplate}`;
    const template = await Database.open({
      url: url.href,
      dataDir: runDir,
      poolMax: 1,
      connectTimeoutMs: 10_000,
    });
    await (await SchemaMigrator.create(template.db)).up();
    await template.close();
  }

  project.provide('testDatabases', {
    runDir,
    embeddedEmpty,
    embeddedMigrated,
    ...(postgresTemplate ? { postgresTemplate } : {}),
  });

  return async () => {
    if (adminUrl && postgresTemplate) {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`drop database if exists "${postgresTemplate}" with (force)`);
      await admin.end();
    }
    await rm(runDir, { recursive: true, force: true });
  };
}
