/**
 * npm run api:generate — writes the server's OpenAPI document to apps/web/src/api/openapi.json
 * (keys sorted, so a regeneration changes only what changed) and the web client's types derived
 * from it to apps/web/src/api/schema.d.ts.
 * npm run api:check — regenerates both in memory and exits 1 when the committed files differ.
 *
 * The document is built from the modules' metadata alone: Nest's preview mode registers controllers
 * without instantiating providers, so no database is opened and no socket listens. It runs from
 * the compiled server (apps/server/dist/cli/openapi.js): parameters and bodies are documented from
 * the decorator metadata that tsc emits and esbuild (tsx) does not.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { AppModule } from '../app.module.js';
import { loadConfig } from '../config/config.schema.js';
import type { Database } from '../database/database.js';
import { buildOpenApiDocument } from '../http/openapi.js';

const WEB_ROOT = new URL('../../../web/', import.meta.url);
const DOCUMENT_FILE = new URL('src/api/openapi.json', WEB_ROOT);
const TYPES_FILE = new URL('src/api/schema.d.ts', WEB_ROOT);

const TYPES_HEADER =
  '/**\n' +
  ' * Generated from openapi.json by `npm run api:generate`; do not edit by hand.\n' +
  ' * CI runs `npm run api:check`, which fails when this file and the server disagree.\n' +
  ' */\n\n';

interface OpenApiTypescript {
  default: (schema: unknown, options?: Record<string, unknown>) => Promise<unknown>;
  astToString: (ast: unknown) => string;
}

/** Objects with their keys in code-point order, at every depth; arrays keep their order. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  }
  return sorted;
}

async function buildDocument(): Promise<string> {
  // Defaults only: the document must not depend on the environment it is generated in.
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent' });
  const app = await NestFactory.create<NestFastifyApplication>(
    // Preview mode never resolves providers, so the database is never asked for.
    AppModule.forRoot({ config, database: null as unknown as Database }),
    new FastifyAdapter(),
    { preview: true, logger: false, abortOnError: false },
  );
  try {
    const document = buildOpenApiDocument(app);
    // Without decorator metadata Nest documents no path parameter: refuse such a document.
    const documentsPathParameters = Object.entries(document.paths)
      .filter(([path]) => path.includes('{'))
      .every(([, operations]) =>
        Object.values(operations).some(
          (operation: unknown) =>
            typeof operation === 'object' &&
            operation !== null &&
            'parameters' in operation &&
            Array.isArray(operation.parameters) &&
            operation.parameters.some(
              (parameter: unknown) =>
                typeof parameter === 'object' &&
                parameter !== null &&
                'in' in parameter &&
                parameter.in === 'path',
            ),
        ),
      );
    if (!documentsPathParameters) {
      throw new Error(
        'path parameters are missing: run the compiled server (node apps/server/dist/cli/openapi.js), ' +
          'whose decorator metadata describes parameters and bodies',
      );
    }
    return `${JSON.stringify(sortKeys(document), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

/** openapi-typescript is a dependency of the web app, so it is resolved from there. */
async function buildTypes(documentJson: string): Promise<string> {
  const requireFromWeb = createRequire(new URL('package.json', WEB_ROOT));
  const packageJson = requireFromWeb.resolve('openapi-typescript/package.json');
  const entry = new URL('dist/index.mjs', pathToFileURL(packageJson));
  const generator = (await import(entry.href)) as OpenApiTypescript;
  const ast = await generator.default(JSON.parse(documentJson), { alphabetize: true });
  return TYPES_HEADER + generator.astToString(ast);
}

function readOrEmpty(file: URL): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const unknown = process.argv.slice(2).filter((argument) => argument !== '--check');
  if (unknown.length > 0) {
    process.stderr.write(`api: unknown argument ${unknown[0]}; use --check or nothing\n`);
    process.exit(2);
  }
  const documentJson = await buildDocument();
  const types = await buildTypes(documentJson);
  if (check) {
    const stale = [
      readOrEmpty(DOCUMENT_FILE) === documentJson ? null : 'apps/web/src/api/openapi.json',
      readOrEmpty(TYPES_FILE) === types ? null : 'apps/web/src/api/schema.d.ts',
    ].filter((name): name is string => name !== null);
    if (stale.length > 0) {
      process.stderr.write(
        `api: ${stale.join(' and ')} differ from the server's API; run npm run api:generate\n`,
      );
      process.exit(1);
    }
    process.stdout.write('api: the web client matches the server\n');
    return;
  }
  writeFileSync(DOCUMENT_FILE, documentJson);
  writeFileSync(TYPES_FILE, types);
  process.stdout.write('api: apps/web/src/api/openapi.json and schema.d.ts written\n');
}

main().catch((error: unknown) => {
  process.stderr.write(
    `api: cannot build the OpenAPI document: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
