import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { toErrorBody } from '../common/http-exception.filter.js';
import { NotFoundError } from '../common/errors.js';

export const WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const API_PREFIXES = ['/api/', '/metrics'];

/**
 * Serves the built web app at `/`; unknown non-API paths get index.html (client-side routes),
 * unknown API paths get the JSON 404.
 */
export async function serveWebApp(app: NestFastifyApplication, root = WEB_DIST): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const hasWebApp = existsSync(`${root}/index.html`);
  if (hasWebApp) {
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
    });
  }
  if (!hasWebApp) return;
  // Matches only what no other route does; Nest's own not-found handling covers other methods.
  fastify.get('/*', (request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const isApi = API_PREFIXES.some((prefix) => request.url.startsWith(prefix));
    // A missing build file (a stale tab asking for assets of an older build) is a 404, not the
    // app's page: a client-side route never has a file extension.
    const isFile = /\/[^/]+\.[A-Za-z0-9]+$/.test(path);
    if (!isApi && !isFile) return reply.type('text/html').sendFile('index.html');
    return reply
      .status(404)
      .send(toErrorBody(new NotFoundError(`GET ${path}`), String(request.id)));
  });
}
