import type { Device, LiveServerMessage, LiveTopic, Profile, Role, Site } from '@ecogrid/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { vi } from 'vitest';
import { SessionProvider } from '../auth/session';
import { tokenStore } from '../auth/token-store';
import { LiveProvider } from '../live/LiveProvider';
import type { SocketLike } from '../live/live-client';

/**
 * Component tests render a screen with the app's real providers (session, live client, queries,
 * router); only the network edge is replaced: `fetch` answers from a route table and the WebSocket
 * is an in-memory server speaking the live protocol.
 */

export type Handler = (request: Request, url: URL) => unknown;

interface ApiRoute {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

export class JsonResponse {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

export class FakeApi {
  readonly requests: { method: string; url: URL; body: unknown }[] = [];
  private readonly routes: ApiRoute[] = [];

  on(method: string, pattern: RegExp, handler: Handler): this {
    this.routes.unshift({ method, pattern, handler });
    return this;
  }

  /** Requests made to `method` and a path matching `pattern`. */
  calls(method: string, pattern: RegExp) {
    return this.requests.filter(
      (request) => request.method === method && pattern.test(request.url.pathname),
    );
  }

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const url = new URL(request.url, 'http://localhost:3000');
    const text = request.method === 'GET' ? '' : await request.text();
    const body: unknown = text ? JSON.parse(text) : undefined;
    this.requests.push({ method: request.method, url, body });
    const route = this.routes.find(
      (candidate) => candidate.method === request.method && candidate.pattern.test(url.pathname),
    );
    if (!route) return json(404, { statusCode: 404, message: `no route for ${url.pathname}` });
    const answer = await route.handler(request, url);
    if (answer instanceof Response) return answer;
    if (answer instanceof JsonResponse) return json(answer.status, answer.body);
    if (answer === undefined) return new Response(null, { status: 204 });
    return json(200, answer);
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(private readonly server: FakeLiveServer) {
    setTimeout(() => {
      this.readyState = 1;
      this.onopen?.({});
    }, 0);
  }

  send(data: string): void {
    this.server.receive(this, JSON.parse(data) as { type: string; id?: string; topic?: LiveTopic });
  }

  close(): void {
    this.readyState = 3;
  }

  deliver(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

/** The live stream's server side: accepts any token and records subscriptions. */
export class FakeLiveServer {
  private socket: FakeSocket | null = null;
  readonly subscriptions = new Map<string, LiveTopic>();

  readonly createSocket = (): SocketLike => {
    this.socket = new FakeSocket(this);
    return this.socket;
  };

  receive(socket: FakeSocket, message: { type: string; id?: string; topic?: LiveTopic }): void {
    if (message.type === 'auth') {
      socket.deliver({
        type: 'authenticated',
        expiresAt: new Date(Date.now() + 900_000).toISOString(),
      });
    } else if (message.type === 'subscribe' && message.id && message.topic) {
      this.subscriptions.set(message.id, message.topic);
      socket.deliver({ type: 'subscribed', id: message.id });
    } else if (message.type === 'unsubscribe' && message.id) {
      this.subscriptions.delete(message.id);
    }
  }

  isSubscribed(topic: LiveTopic): boolean {
    return this.idOf(topic) !== undefined;
  }

  /** Sends `message` on the subscription following `topic`. */
  push(topic: LiveTopic, message: DistributiveOmit<LiveServerMessage, 'subscription'>): void {
    const id = this.idOf(topic);
    if (!id || !this.socket) throw new Error(`nobody follows ${JSON.stringify(topic)}`);
    const socket = this.socket;
    act(() => socket.deliver({ ...message, subscription: id }));
  }

  private idOf(topic: LiveTopic): string | undefined {
    const key = JSON.stringify(topic, Object.keys(topic).sort());
    for (const [id, candidate] of this.subscriptions) {
      if (JSON.stringify(candidate, Object.keys(candidate).sort()) === key) return id;
    }
    return undefined;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

let counter = 0;
/** A random-looking, valid v4 UUID (the contracts validate ids). */
export function uuid(): string {
  counter++;
  const hex = (counter.toString(16) + Math.random().toString(16).slice(2)).padEnd(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function makeProfile(overrides: Partial<Profile> = {}): Profile {
  return {
    id: uuid(),
    tenantId: uuid(),
    username: 'someone',
    email: null,
    displayName: 'Someone',
    role: 'viewer',
    isPlatformAdmin: false,
    siteIds: null,
    blocked: false,
    lockedUntil: null,
    lastLoginAt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    preferences: { theme: 'system', units: 'metric', timezone: 'UTC' },
    ...overrides,
  };
}

export function makeSite(overrides: Partial<Site> = {}): Site {
  return {
    id: uuid(),
    name: 'Harbour',
    address: null,
    latitude: 53.5,
    longitude: 10,
    timezone: 'Europe/Berlin',
    capacityKw: 100,
    gridLimitKw: null,
    tariff: { currency: 'EUR', importPricePerKwh: 0.3, exportPricePerKwh: 0.08, periods: [] },
    co2FactorGPerKwh: 400,
    tags: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function makeDevice(overrides: Partial<Device> = {}): Device {
  return {
    id: uuid(),
    siteId: uuid(),
    type: 'battery',
    name: 'Battery 1',
    manufacturer: null,
    model: null,
    serial: null,
    ratedPowerKw: 10,
    capacityKwh: 20,
    config: {},
    firmwareVersion: null,
    status: 'online',
    lastSeenAt: '2026-03-01T10:00:00.000Z',
    tags: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function page<T>(rows: T[], pageNumber = 1, limit = 20, total = rows.length) {
  return {
    data: rows,
    pagination: { page: pageNumber, limit, total, totalPages: Math.ceil(total / limit) },
  };
}

export interface RenderOptions {
  path: string;
  route: string;
  role?: Role | null;
  profile?: Partial<Profile>;
  api: FakeApi;
}

export interface Rendered {
  live: FakeLiveServer;
  profile: Profile;
}

/** Renders `element` at `path` for a signed-in user of `role`. */
export async function renderAs(element: ReactElement, options: RenderOptions): Promise<Rendered> {
  vi.stubGlobal('fetch', options.api.fetch);
  const live = new FakeLiveServer();
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } },
  });
  const profile = makeProfile({ role: options.role ?? 'viewer', ...options.profile });
  render(
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <LiveProvider createSocket={live.createSocket}>
          <MemoryRouter initialEntries={[options.path]}>
            <Routes>
              <Route path={options.route} element={element} />
            </Routes>
          </MemoryRouter>
        </LiveProvider>
      </SessionProvider>
    </QueryClientProvider>,
  );
  await act(async () => {
    tokenStore.accept({
      accessToken: 'access',
      refreshToken: 'refresh',
      expiresIn: 900,
      tokenType: 'Bearer',
      user: profile,
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
  return { live, profile };
}

/** Signs out and forgets stubs between tests. */
export function resetHarness(): void {
  act(() => tokenStore.clear());
  vi.unstubAllGlobals();
}
