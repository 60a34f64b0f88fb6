import type { Device, Site } from '@ecogrid/contracts';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DevicesPage } from './DevicesPage';
import { FakeApi, makeDevice, makeSite, page, renderAs, resetHarness, uuid } from './test-harness';

let api: FakeApi;
let site: Site;
let devices: Device[];

beforeEach(() => {
  site = makeSite({ name: 'Harbour' });
  devices = Array.from({ length: 25 }, (_, index) =>
    makeDevice({
      siteId: site.id,
      name: `Device ${String(index + 1).padStart(2, '0')}`,
      type: index % 2 === 0 ? 'battery' : 'pv_inverter',
      tags: index < 3 ? ['roof'] : [],
    }),
  );
  api = new FakeApi()
    .on('GET', /^\/api\/v1\/sites$/, () => page([site]))
    .on('GET', /^\/api\/v1\/devices$/, (_request, url) => {
      const pageNumber = Number(url.searchParams.get('page') ?? 1);
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const type = url.searchParams.get('type');
      const matching = devices.filter((device) => !type || device.type === type);
      return page(
        matching.slice((pageNumber - 1) * limit, pageNumber * limit),
        pageNumber,
        limit,
        matching.length,
      );
    });
});

afterEach(() => {
  cleanup();
  resetHarness();
});

async function open(
  role: 'admin' | 'operator' | 'viewer',
  path = '/devices',
  firstShown = 'Device 01',
) {
  await renderAs(<DevicesPage />, { path, route: '/devices', role, api });
  await screen.findByRole('link', { name: firstShown });
}

function lastListQuery() {
  const calls = api.calls('GET', /^\/api\/v1\/devices$/);
  return calls[calls.length - 1]!.url.searchParams;
}

describe('devices list', () => {
  it('lists a page of devices with their site, type and status', async () => {
    await open('viewer');
    const table = screen.getByRole('table', { name: 'Devices' });
    expect(within(table).getAllByRole('row')).toHaveLength(21);
    expect(within(table).getAllByText('Harbour').length).toBe(20);
    expect(screen.getByText('25 devices')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Export devices as CSV' })).toBeTruthy();
  });

  it('asks the server for the filtered, sorted page and starts again at page 1', async () => {
    await open('viewer', '/devices?page=2', 'Device 21');
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'battery' } });
    await waitFor(() => expect(lastListQuery().get('type')).toBe('battery'));
    expect(lastListQuery().get('page')).toBe('1');

    fireEvent.click(screen.getByRole('button', { name: /^Status/ }));
    await waitFor(() => expect(lastListQuery().get('sort')).toBe('status'));
    fireEvent.click(screen.getByRole('button', { name: /^Status/ }));
    await waitFor(() => expect(lastListQuery().get('sort')).toBe('-status'));
  });

  it('searches after typing stops', async () => {
    await open('viewer');
    fireEvent.change(screen.getByLabelText('Search'), { target: { value: 'east' } });
    await waitFor(() => expect(lastListQuery().get('search')).toBe('east'));
  });

  it('keeps a selection across pages and tags it all at once (admins)', async () => {
    api.on('POST', /^\/api\/v1\/devices\/tags$/, () => ({ updated: 3 }));
    await open('admin');
    fireEvent.click(screen.getByLabelText('Select Device 01'));
    fireEvent.click(screen.getByLabelText('Select Device 02'));
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    fireEvent.click(await screen.findByLabelText('Select Device 21'));
    expect(screen.getByRole('heading', { name: '3 selected' })).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Add tags'), { target: { value: 'curtail, east' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply to 3' }));
    expect(await screen.findByText('Tags updated on 3 devices.')).toBeTruthy();
    const [call] = api.calls('POST', /\/devices\/tags$/);
    expect(call!.body).toEqual({
      deviceIds: [devices[0]!.id, devices[1]!.id, devices[20]!.id],
      add: ['curtail', 'east'],
      remove: [],
    });
  });

  it('selects the whole page from the header and clears the selection', async () => {
    await open('viewer');
    fireEvent.click(screen.getByLabelText('Select all rows on this page'));
    expect(screen.getByRole('heading', { name: '20 selected' })).toBeTruthy();
    // Viewers may export what they selected, not tag it.
    expect(screen.queryByLabelText('Add tags')).toBeNull();
    expect(screen.getByRole('button', { name: 'Export selected devices as CSV' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Clear selection' }));
    expect(screen.queryByRole('heading', { name: /selected/ })).toBeNull();
  });

  it('refuses a bulk tag without a tag, without asking the server', async () => {
    await open('admin');
    fireEvent.click(screen.getByLabelText('Select Device 01'));
    fireEvent.click(screen.getByRole('button', { name: 'Apply to 1' }));
    expect(await screen.findByText('Enter a tag to add or remove')).toBeTruthy();
    expect(api.calls('POST', /tags/)).toHaveLength(0);
  });

  it('offers the bulk command to operators, not to viewers', async () => {
    await open('viewer');
    expect(screen.queryByText('Command devices by tag')).toBeNull();
    cleanup();
    resetHarness();
    await open('operator');
    expect(screen.getByText('Command devices by tag')).toBeTruthy();
    fireEvent.click(screen.getByLabelText('Select Device 01'));
    expect(screen.queryByLabelText('Add tags')).toBeNull();
  });

  it('sends one command to every device with a tag, after confirmation', async () => {
    const bulkId = uuid();
    api.on('POST', /^\/api\/v1\/commands\/bulk$/, () => ({
      bulkId,
      commands: [],
      skipped: [
        { deviceId: devices[1]!.id, reason: 'a pv_inverter takes set_power_limit, reboot' },
      ],
    }));
    await open('operator', '/devices?tag=roof');
    const details = screen.getByText('Command devices by tag').closest('details')!;
    details.open = true;
    fireEvent(details, new Event('toggle'));
    const form = await screen.findByRole('form', { name: 'Command devices by tag' });
    expect(within(form).getByLabelText<HTMLInputElement>('Devices tagged').value).toBe('roof');
    fireEvent.change(within(form).getByLabelText('Command'), { target: { value: 'set_mode' } });
    fireEvent.change(within(form).getByLabelText('Mode'), { target: { value: 'idle' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Review and send…' }));

    const dialog = await screen.findByRole('alertdialog');
    expect(dialog.textContent).toContain('Set mode: Idle');
    expect(dialog.textContent).toContain('“roof”');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send command' }));
    expect(await screen.findByText(/Sent to 0 devices, skipped 1/)).toBeTruthy();
    const [call] = api.calls('POST', /\/commands\/bulk$/);
    expect(call!.body).toMatchObject({
      tag: 'roof',
      type: 'set_mode',
      params: { mode: 'idle' },
      idempotencyKey: expect.any(String),
    });
  });
});
