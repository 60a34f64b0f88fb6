import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { errorBodySchema, healthReportSchema } from '@ecogrid/contracts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '../src/database/database.js';
import { createTestApp, type TestApp } from './app.js';
import { createTestDatabase, testEngines, type TestDatabaseTarget } from './database.js';

describe.each(testEngines())('HTTP edge on %s', (engine) => {
  let target: TestDatabaseTarget;
  let database: Database;
  let testApp: TestApp;
  let webRoot: string;

  beforeAll(async () => {
    target = await createTestDatabase(engine);
    database = await target.open();
    webRoot = await mkdtemp(path.join(tmpdir(), 'ecogrid-web-'));
    await writeFile(path.join(webRoot, 'index.html'), '<!doctype html><title>EcoGrid EMS</title>');
    testApp = await createTestApp(
      database,
      { CORS_ORIGIN: 'https://ops.example.com', BODY_LIMIT_BYTES: '2048' },
      webRoot,
    );
  });

  afterAll(async () => {
    await testApp?.app.close();
    await database?.close();
    await target?.drop();
  });

  const inject = (...args: Parameters<TestApp['app']['inject']>) => testApp.app.inject(...args);

  it('answers readiness with every dependency, its status and response time', async () => {
    const response = await inject({ method: 'GET', url: '/api/health/ready' });
    expect(response.statusCode).toBe(200);
    const report = healthReportSchema.parse(response.json());
    expect(report.status).toBe('ok');
    expect(report.dependencies.map((dependency) => dependency.name)).toEqual([
      'database',
      'migrations',
      'ingest',
      'mqtt',
    ]);
    for (const dependency of report.dependencies) {
      expect(dependency.status).toBe('up');
      expect(dependency.responseTimeMs).toBeGreaterThanOrEqual(0);
    }
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('answers liveness', async () => {
    const response = await inject({ method: 'GET', url: '/api/health' });
    expect(response.statusCode).toBe(200);
    expect(healthReportSchema.parse(response.json()).status).toBe('ok');
  });

  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const given = await inject({
      method: 'GET',
      url: '/api/health',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const unsafe = await inject({
      method: 'GET',
      url: '/api/health',
      headers: { 'x-request-id': 'bad id\twith spaces' },
    });
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown API route with the one error shape, carrying the request id', async () => {
    const response = await inject({
      method: 'GET',
      url: '/api/v1/nothing-here',
      headers: { 'x-request-id': 'req-404' },
    });
    expect(response.statusCode).toBe(404);
    const body = errorBodySchema.parse(response.json());
    expect(body).toMatchObject({ statusCode: 404, error: 'Not Found', requestId: 'req-404' });
  });

  it('names each invalid field of a body in a 400', async () => {
    const response = await inject({
      method: 'POST',
      url: '/api/v1/probe/echo',
      payload: { name: '', count: 11 },
    });
    expect(response.statusCode).toBe(400);
    const body = errorBodySchema.parse(response.json());
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.details?.map((detail) => detail.field).sort()).toEqual(['body.count', 'body.name']);
  });

  it('names an out-of-range query parameter', async () => {
    const response = await inject({ method: 'GET', url: '/api/v1/probe/list?limit=500' });
    expect(response.statusCode).toBe(400);
    expect(errorBodySchema.parse(response.json()).details).toEqual([
      { field: 'query.limit', message: expect.stringContaining('100') as string },
    ]);
    const ok = await inject({ method: 'GET', url: '/api/v1/probe/list?page=2&limit=5' });
    expect(ok.json()).toEqual({
      data: [],
      pagination: { page: 2, limit: 5, total: 0, totalPages: 0 },
    });
  });

  it('rejects malformed JSON with 400 in the error shape', async () => {
    const response = await inject({
      method: 'POST',
      url: '/api/v1/probe/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "x", ',
    });
    expect(response.statusCode).toBe(400);
    expect(errorBodySchema.parse(response.json()).statusCode).toBe(400);
  });

  it('rejects a body over the limit with 413 in the error shape', async () => {
    const response = await inject({
      method: 'POST',
      url: '/api/v1/probe/echo',
      payload: { name: 'x'.repeat(4096), count: 1 },
    });
    expect(response.statusCode).toBe(413);
    expect(errorBodySchema.parse(response.json()).statusCode).toBe(413);
  });

  it('hides the detail of an unexpected error behind a 500 and logs it with the request id', async () => {
    const response = await inject({
      method: 'GET',
      url: '/api/v1/probe/boom',
      headers: { 'x-request-id': 'req-500' },
    });
    expect(response.statusCode).toBe(500);
    const body = errorBodySchema.parse(response.json());
    expect(body.message).not.toContain('secret internal detail');
    const logged = testApp.logs.find((line) => line.reqId === 'req-500' && line.level === 'error');
    expect(logged).toBeDefined();
  });

  it('carries the request id on every log line of a request, also from services', async () => {
    await inject({
      method: 'POST',
      url: '/api/v1/probe/echo',
      headers: { 'x-request-id': 'req-logs', authorization: 'Bearer do-not-log-me' },
      payload: { name: 'a', count: 1 },
    });
    // "request completed" is written after the response hooks, which may outlast inject().
    const lines = await vi.waitFor(() => {
      const found = testApp.logs.filter((line) => line.reqId === 'req-logs');
      expect(found.map((line) => line.msg)).toEqual(
        expect.arrayContaining(['incoming request', 'echo called', 'request completed']),
      );
      return found;
    });
    for (const line of lines)
      expect(Object.keys(line).filter((key) => key === 'reqId')).toHaveLength(1);
    expect(JSON.stringify(testApp.logs)).not.toContain('do-not-log-me');
  });

  it('allows only the configured CORS origins, with credentials', async () => {
    const allowed = await inject({
      method: 'OPTIONS',
      url: '/api/health',
      headers: { origin: 'https://ops.example.com', 'access-control-request-method': 'GET' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://ops.example.com');
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    const denied = await inject({
      method: 'GET',
      url: '/api/health',
      headers: { origin: 'https://evil.example.com' },
    });
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends security headers and compresses large answers', async () => {
    const response = await inject({
      method: 'GET',
      url: '/api/openapi.json',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['content-encoding']).toBe('gzip');
  });

  it('publishes an OpenAPI 3 document and interactive docs', async () => {
    const document = (await inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/health', '/api/health/ready']),
    );
    expect(document.components.schemas.ErrorBody).toBeDefined();
    const docs = await inject({ method: 'GET', url: '/api/docs' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('exports Prometheus metrics with an HTTP histogram by route template and status', async () => {
    await inject({ method: 'GET', url: '/api/v1/probe/list?page=3' });
    const response = await inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain('process_cpu_user_seconds_total');
    expect(response.body).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/probe\/list",status_code="200"\} \d+/,
    );
    expect(response.body).not.toContain('page=3');
  });

  it('serves the web app at / and its client-side routes', async () => {
    const root = await inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(200);
    expect(root.body).toContain('EcoGrid EMS');
    const deepLink = await inject({ method: 'GET', url: '/sites/42' });
    expect(deepLink.statusCode).toBe(200);
    expect(deepLink.headers['content-type']).toContain('text/html');
    // A build file that is not there (a stale tab after an upgrade) is a 404, not the page.
    const staleAsset = await inject({ method: 'GET', url: '/assets/index-0ld.js' });
    expect(staleAsset.statusCode).toBe(404);
  });

  it('registers the running instance for operators', async () => {
    const rows = await database.db.selectFrom('server_instances').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ pid: process.pid, version: '0.1.0' });
  });
});
