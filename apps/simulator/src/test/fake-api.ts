import type { Fetch } from '../api-client.js';

/** Reads RFC 4180 CSV (quoted fields, doubled quotes, CRLF), as the platform's importer does. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

interface FakeSite {
  id: string;
  name: string;
  latitude: number;
  longitude: number;
  timezone: string;
  tags: string[];
}

interface FakeDevice {
  id: string;
  siteId: string;
  type: string;
  name: string;
  ratedPowerKw: number | null;
  capacityKwh: number | null;
  config: Record<string, unknown>;
  tags: string[];
  secret: string;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/**
 * Just enough of the platform's REST API for provisioning: login, sites, device import, device
 * list and secret rotation, with ids, tags and paging. Optionally rate-limits the first requests.
 */
export class FakeApi {
  readonly sites: FakeSite[] = [];
  readonly devices: FakeDevice[] = [];
  readonly requests: string[] = [];
  /** Lines (1-based, header = 1) of the next import to refuse. */
  refuseImportLines = new Set<number>();
  rateLimitNext = 0;
  private nextId = 1;

  private id(): string {
    const id = `00000000-0000-4000-8000-${String(this.nextId).padStart(12, '0')}`;
    this.nextId += 1;
    return id;
  }

  readonly fetch: Fetch = (input, init) => Promise.resolve(this.handle(input, init));

  private handle(input: string, init: RequestInit): Response {
    const url = new URL(input);
    const method = init.method ?? 'GET';
    this.requests.push(`${method} ${url.pathname}${url.search}`);
    const body = typeof init.body === 'string' ? init.body : '';
    if (this.rateLimitNext > 0) {
      this.rateLimitNext -= 1;
      return json(429, { statusCode: 429, message: 'too many requests' }, { 'retry-after': '7' });
    }
    if (url.pathname === '/api/v1/auth/login') {
      const credentials = JSON.parse(body) as { username: string; password: string };
      if (credentials.password !== 'right')
        return json(401, { statusCode: 401, message: 'bad credentials' });
      return json(200, { accessToken: 'token', refreshToken: 'refresh', expiresIn: 900 });
    }
    const headers = new Headers(init.headers);
    if (headers.get('authorization') !== 'Bearer token')
      return json(401, { message: 'unauthorized' });

    if (url.pathname === '/api/v1/sites' && method === 'GET') {
      return this.page(
        this.sites.filter((site) => site.tags.includes(url.searchParams.get('tag') ?? '')),
        url,
      );
    }
    if (url.pathname === '/api/v1/sites' && method === 'POST') {
      const input = JSON.parse(body) as Omit<FakeSite, 'id'>;
      const site = { ...input, id: this.id() };
      this.sites.push(site);
      return json(201, { ...site, capacityKw: 0, createdAt: new Date().toISOString() });
    }
    if (url.pathname === '/api/v1/devices' && method === 'GET') {
      const tag = url.searchParams.get('tag') ?? '';
      return this.page(
        this.devices
          .filter((device) => device.tags.includes(tag))
          .map(({ secret: _secret, ...device }) => device),
        url,
      );
    }
    if (url.pathname === '/api/v1/devices/import' && method === 'POST') {
      const [header, ...rows] = parseCsv(body);
      const created: { row: number; id: string; username: string; secret: string }[] = [];
      const errors: { row: number; errors: { field: string; message: string }[] }[] = [];
      rows.forEach((cells, index) => {
        const line = index + 2;
        const record = Object.fromEntries(
          header!.map((column, column_index) => [column, cells[column_index] ?? '']),
        );
        if (
          this.refuseImportLines.has(line) ||
          !this.sites.some((site) => site.id === record.site_id)
        ) {
          errors.push({ row: line, errors: [{ field: 'site_id', message: 'no such site' }] });
          return;
        }
        const device: FakeDevice = {
          id: this.id(),
          siteId: record.site_id!,
          type: record.type!,
          name: record.name!,
          ratedPowerKw: record.rated_power_kw ? Number(record.rated_power_kw) : null,
          capacityKwh: record.capacity_kwh ? Number(record.capacity_kwh) : null,
          config: record.config ? (JSON.parse(record.config) as Record<string, unknown>) : {},
          tags: record.tags ? record.tags.split(';') : [],
          secret: `secret-${this.nextId}`,
        };
        this.devices.push(device);
        created.push({ row: line, id: device.id, username: device.id, secret: device.secret });
      });
      this.refuseImportLines = new Set();
      return json(200, {
        created: created.length,
        failed: errors.length,
        devices: created,
        errors,
      });
    }
    const rotate = /^\/api\/v1\/devices\/([^/]+)\/credentials$/.exec(url.pathname);
    if (rotate && method === 'POST') {
      const device = this.devices.find((candidate) => candidate.id === rotate[1]);
      if (!device) return json(404, { message: 'no such device' });
      device.secret = `rotated-${this.nextId++}`;
      return json(200, { username: device.id, secret: device.secret });
    }
    return json(404, { message: `no route ${method} ${url.pathname}` });
  }

  private page(items: unknown[], url: URL): Response {
    const limit = Number(url.searchParams.get('limit') ?? 20);
    const page = Number(url.searchParams.get('page') ?? 1);
    return json(200, {
      data: items.slice((page - 1) * limit, page * limit),
      pagination: { page, limit, total: items.length, totalPages: Math.ceil(items.length / limit) },
    });
  }
}
