import type { AuditEntry } from '@ecogrid/contracts';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeApi, page, renderAs, resetHarness, uuid } from '../devices/test-harness';
import { AuditPage } from './AuditPage';

let api: FakeApi;
const userId = uuid();

function entry(overrides: Partial<AuditEntry>): AuditEntry {
  return {
    id: String(Math.floor(Math.random() * 1e9)),
    tenantId: uuid(),
    userId,
    action: 'user.create',
    resourceType: 'user',
    resourceId: uuid(),
    oldValues: null,
    newValues: { username: 'night.shift', role: 'viewer' },
    ip: '10.0.0.7',
    userAgent: null,
    requestId: null,
    createdAt: '2026-03-01T10:00:00.000Z',
    ...overrides,
  };
}

beforeEach(() => {
  api = new FakeApi()
    .on('GET', /^\/api\/v1\/users$/, () =>
      page([
        {
          id: userId,
          tenantId: uuid(),
          username: 'boss',
          email: null,
          displayName: 'Boss',
          role: 'admin',
          isPlatformAdmin: false,
          siteIds: null,
          blocked: false,
          lockedUntil: null,
          lastLoginAt: null,
          createdAt: '2026-01-01T00:00:00.000Z',
          updatedAt: '2026-01-01T00:00:00.000Z',
        },
      ]),
    )
    .on('GET', /^\/api\/v1\/audit$/, () =>
      page([
        entry({}),
        entry({ action: 'user.block', userId: null, newValues: { blocked: true } }),
      ]),
    )
    .on(
      'GET',
      /^\/api\/v1\/audit\/export$/,
      () =>
        new Response('createdAt,userId,action\r\n2026-03-01T10:00:00.000Z,,user.create\r\n', {
          headers: { 'content-type': 'text/csv' },
        }),
    );
});

const objectUrlFunctions = ['createObjectURL', 'revokeObjectURL'].map(
  (name) => [name, Object.getOwnPropertyDescriptor(URL, name)] as const,
);

afterEach(() => {
  cleanup();
  resetHarness();
  for (const [name, descriptor] of objectUrlFunctions) {
    if (descriptor) Object.defineProperty(URL, name, descriptor);
  }
});

async function open(role: 'admin' | 'operator' | 'viewer' = 'admin') {
  await renderAs(<AuditPage />, { path: '/admin/audit', route: '/admin/audit', role, api });
}

function lastAuditQuery() {
  const calls = api.calls('GET', /^\/api\/v1\/audit$/);
  return calls[calls.length - 1]!.url.searchParams;
}

describe('audit log screen', () => {
  it('is refused to operators without asking for the log', async () => {
    await open('operator');
    expect(await screen.findByText('Not allowed')).toBeTruthy();
    expect(api.calls('GET', /\/audit/)).toHaveLength(0);
  });

  it('lists entries with who did what and what changed', async () => {
    await open();
    const table = await screen.findByRole('table', { name: 'Audit entries' });
    await waitFor(() => expect(within(table).getAllByText('boss').length).toBe(1));
    expect(within(table).getByText('system')).toBeTruthy();
    expect(within(table).getAllByText('new values')).toHaveLength(2);
    expect(within(table).getAllByText('10.0.0.7')).toHaveLength(2);
  });

  it('filters by user, action and time range', async () => {
    await open();
    await screen.findByRole('table', { name: 'Audit entries' });
    await screen.findByRole('option', { name: 'boss' });
    fireEvent.change(screen.getByLabelText('User'), { target: { value: userId } });
    fireEvent.change(screen.getByLabelText('Action'), { target: { value: 'user.block' } });
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-03-01T08:00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply filters' }));
    await waitFor(() => expect(lastAuditQuery().get('action')).toBe('user.block'));
    expect(lastAuditQuery().get('userId')).toBe(userId);
    expect(lastAuditQuery().get('from')).toBe(new Date('2026-03-01T08:00').toISOString());
    expect(lastAuditQuery().get('page')).toBe('1');
  });

  it('refuses a range that ends before it starts, without asking the server', async () => {
    await open();
    await screen.findByRole('table', { name: 'Audit entries' });
    const before = api.calls('GET', /^\/api\/v1\/audit$/).length;
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-03-02T00:00' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-03-01T00:00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply filters' }));
    expect(await screen.findByText('Must be after "from"')).toBeTruthy();
    expect(api.calls('GET', /^\/api\/v1\/audit$/)).toHaveLength(before);
  });

  it('exports through the server with the applied filters', async () => {
    URL.createObjectURL = () => 'blob:audit';
    URL.revokeObjectURL = () => undefined;
    await open();
    await screen.findByRole('table', { name: 'Audit entries' });
    fireEvent.change(screen.getByLabelText('Action'), { target: { value: 'user.create' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply filters' }));
    await waitFor(() => expect(lastAuditQuery().get('action')).toBe('user.create'));
    fireEvent.click(screen.getByRole('button', { name: 'Export audit log as CSV' }));
    await waitFor(() => expect(api.calls('GET', /\/audit\/export$/)).toHaveLength(1));
    const [call] = api.calls('GET', /\/audit\/export$/);
    expect(call!.url.searchParams.get('action')).toBe('user.create');
  });
});
