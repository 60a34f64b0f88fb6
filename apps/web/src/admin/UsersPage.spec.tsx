import type { Site, User } from '@ecogrid/contracts';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FakeApi,
  JsonResponse,
  makeSite,
  page,
  renderAs,
  resetHarness,
  uuid,
} from '../devices/test-harness';
import { UsersPage } from './UsersPage';

let api: FakeApi;
let sites: Site[];
let users: User[];
const adminId = uuid();

function makeUser(overrides: Partial<User>): User {
  return {
    id: uuid(),
    tenantId: uuid(),
    username: 'user',
    email: null,
    displayName: 'User',
    role: 'viewer',
    isPlatformAdmin: false,
    siteIds: null,
    blocked: false,
    lockedUntil: null,
    lastLoginAt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

beforeEach(() => {
  sites = [makeSite({ name: 'Harbour' }), makeSite({ name: 'Depot' })];
  users = [
    makeUser({ id: adminId, username: 'boss', displayName: 'The Boss', role: 'admin' }),
    makeUser({ username: 'ops', displayName: 'Ops', role: 'operator', siteIds: [sites[0]!.id] }),
    makeUser({ username: 'gone', displayName: 'Gone', blocked: true }),
  ];
  api = new FakeApi()
    .on('GET', /^\/api\/v1\/sites$/, () => page(sites))
    .on('GET', /^\/api\/v1\/users$/, () => page(users));
});

afterEach(() => {
  cleanup();
  resetHarness();
});

async function open(role: 'admin' | 'operator' | 'viewer' = 'admin') {
  return renderAs(<UsersPage />, {
    path: '/admin/users',
    route: '/admin/users',
    role,
    profile: { id: adminId },
    api,
  });
}

describe('users screen', () => {
  it('shows a viewer or an operator a refusal and never asks for the users', async () => {
    for (const role of ['viewer', 'operator'] as const) {
      await open(role);
      expect(await screen.findByText('Not allowed')).toBeTruthy();
      expect(screen.queryByRole('table')).toBeNull();
      cleanup();
      resetHarness();
    }
    expect(api.calls('GET', /\/users/)).toHaveLength(0);
  });

  it('lists the users with role, site limits and status', async () => {
    await open();
    const table = await screen.findByRole('table', { name: 'Users' });
    const opsRow = within(table).getByText('ops').closest('tr')!;
    expect(opsRow.textContent).toContain('Operator');
    await waitFor(() => expect(opsRow.textContent).toContain('Harbour'));
    const goneRow = within(table).getByText('gone').closest('tr')!;
    expect(goneRow.textContent).toContain('Blocked');
    expect(screen.getByRole('button', { name: 'Export users as CSV' })).toBeTruthy();
  });

  it('offers no block or delete on the signed-in admin, and unblock only to the blocked', async () => {
    await open();
    await screen.findByRole('table', { name: 'Users' });
    expect(screen.queryByRole('button', { name: 'Delete boss' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Block boss' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Block ops' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Unblock gone' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Block gone' })).toBeNull();
  });

  it('checks the new user form before sending it', async () => {
    await open();
    fireEvent.click(await screen.findByRole('button', { name: 'New user' }));
    const form = screen.getByRole('form', { name: 'New user' });
    fireEvent.change(within(form).getByLabelText('Username'), { target: { value: 'x' } });
    fireEvent.change(within(form).getByLabelText('Initial password'), {
      target: { value: 'short' },
    });
    fireEvent.click(within(form).getByRole('button', { name: 'Create user' }));
    expect(await within(form).findByText('at least 10 characters')).toBeTruthy();
    expect(within(form).getByText('3-64 letters, digits, dot, dash or underscore')).toBeTruthy();
    expect(api.calls('POST', /\/users$/)).toHaveLength(0);
  });

  it('creates a viewer limited to sites chosen from the list', async () => {
    api.on(
      'POST',
      /^\/api\/v1\/users$/,
      (_request) => new JsonResponse(201, makeUser({ username: 'night.shift' })),
    );
    await open();
    fireEvent.click(await screen.findByRole('button', { name: 'New user' }));
    const form = screen.getByRole('form', { name: 'New user' });
    fireEvent.change(within(form).getByLabelText('Username'), {
      target: { value: 'night.shift' },
    });
    fireEvent.change(within(form).getByLabelText('Display name'), {
      target: { value: 'Night Shift' },
    });
    fireEvent.change(within(form).getByLabelText('Role'), { target: { value: 'viewer' } });
    fireEvent.click(within(form).getByLabelText('Only these sites'));
    fireEvent.click(within(form).getByRole('button', { name: 'Create user' }));
    expect(
      await within(form).findByText('Choose at least one site, or give access to all sites'),
    ).toBeTruthy();
    fireEvent.click(within(form).getByLabelText('Depot'));
    fireEvent.change(within(form).getByLabelText('Initial password'), {
      target: { value: 'correct-horse-42' },
    });
    fireEvent.change(within(form).getByLabelText('Repeat the password'), {
      target: { value: 'correct-horse-42' },
    });
    fireEvent.click(within(form).getByRole('button', { name: 'Create user' }));
    expect(await screen.findByText('night.shift was created.')).toBeTruthy();
    const [call] = api.calls('POST', /\/users$/);
    expect(call!.body).toEqual({
      username: 'night.shift',
      displayName: 'Night Shift',
      role: 'viewer',
      siteIds: [sites[1]!.id],
      password: 'correct-horse-42',
    });
  });

  it('shows the server refusing a taken username on its field', async () => {
    api.on(
      'POST',
      /^\/api\/v1\/users$/,
      () => new JsonResponse(409, { statusCode: 409, message: 'the username "ops" is taken' }),
    );
    await open();
    fireEvent.click(await screen.findByRole('button', { name: 'New user' }));
    const form = screen.getByRole('form', { name: 'New user' });
    fireEvent.change(within(form).getByLabelText('Username'), { target: { value: 'ops' } });
    fireEvent.change(within(form).getByLabelText('Display name'), { target: { value: 'Ops 2' } });
    fireEvent.change(within(form).getByLabelText('Initial password'), {
      target: { value: 'correct-horse-42' },
    });
    fireEvent.change(within(form).getByLabelText('Repeat the password'), {
      target: { value: 'correct-horse-42' },
    });
    fireEvent.click(within(form).getByRole('button', { name: 'Create user' }));
    expect(await within(form).findByText('the username "ops" is taken')).toBeTruthy();
  });

  it('changes a role and lifts a site limit, sending only what changed', async () => {
    const ops = users[1]!;
    api.on('PATCH', /^\/api\/v1\/users\/[^/]+$/, () => ({ ...ops, role: 'viewer', siteIds: null }));
    await open();
    fireEvent.click(await screen.findByRole('button', { name: 'Edit ops' }));
    const form = screen.getByRole('form', { name: 'Edit ops' });
    expect(within(form).queryByLabelText('Username')).toBeNull();
    expect(within(form).queryByLabelText('Initial password')).toBeNull();
    fireEvent.change(within(form).getByLabelText('Role'), { target: { value: 'viewer' } });
    fireEvent.click(within(form).getByLabelText('All sites'));
    fireEvent.click(within(form).getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('ops was saved.')).toBeTruthy();
    const [call] = api.calls('PATCH', /\/users\//);
    expect(call!.url.pathname).toBe(`/api/v1/users/${ops.id}`);
    expect(call!.body).toEqual({ role: 'viewer', siteIds: null });
  });

  it('does not let an admin change their own role', async () => {
    await open();
    fireEvent.click(await screen.findByRole('button', { name: 'Edit boss' }));
    const form = screen.getByRole('form', { name: 'Edit boss' });
    expect(within(form).getByLabelText<HTMLSelectElement>('Role').disabled).toBe(true);
  });

  it('blocks and deletes only after confirmation', async () => {
    const ops = users[1]!;
    api
      .on('POST', /\/block$/, () => ({ ...ops, blocked: true }))
      .on('DELETE', /^\/api\/v1\/users\/[^/]+$/, () => undefined);
    await open();
    fireEvent.click(await screen.findByRole('button', { name: 'Block ops' }));
    let dialog = screen.getByRole('alertdialog');
    expect(api.calls('POST', /\/block$/)).toHaveLength(0);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Block user' }));
    expect(await screen.findByText('ops is blocked; their sessions ended.')).toBeTruthy();
    expect(api.calls('POST', /\/block$/)[0]!.url.pathname).toBe(`/api/v1/users/${ops.id}/block`);

    fireEvent.click(screen.getByRole('button', { name: 'Delete gone' }));
    dialog = screen.getByRole('alertdialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(api.calls('DELETE', /\/users\//)).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Delete gone' }));
    fireEvent.click(
      within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete user' }),
    );
    expect(await screen.findByText('gone was deleted.')).toBeTruthy();
    expect(api.calls('DELETE', /\/users\//)).toHaveLength(1);
  });

  it('unblocks at once and shows a refusal from the server', async () => {
    api.on(
      'POST',
      /\/unblock$/,
      () =>
        new JsonResponse(409, {
          statusCode: 409,
          message: 'a tenant keeps at least one unblocked admin',
        }),
    );
    await open();
    fireEvent.click(await screen.findByRole('button', { name: 'Unblock gone' }));
    expect(await screen.findByText('a tenant keeps at least one unblocked admin')).toBeTruthy();
  });
});
