import type { Command, CommandStatus, Device } from '@ecogrid/contracts';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DevicePage } from './DevicePage';
import {
  FakeApi,
  JsonResponse,
  makeDevice,
  makeSite,
  page,
  renderAs,
  resetHarness,
  uuid,
  type FakeLiveServer,
} from './test-harness';

let api: FakeApi;
let device: Device;

function makeCommand(overrides: Partial<Command> = {}): Command {
  return {
    id: uuid(),
    siteId: device.siteId,
    deviceId: device.id,
    type: 'reboot',
    params: {},
    status: 'pending',
    message: null,
    idempotencyKey: null,
    bulkId: null,
    createdBy: null,
    createdAt: '2026-03-01T10:00:00.000Z',
    sentAt: null,
    updatedAt: '2026-03-01T10:00:00.000Z',
    expiresAt: '2026-03-01T10:05:00.000Z',
    finishedAt: null,
    ...overrides,
  };
}

beforeEach(() => {
  const site = makeSite({ name: 'Harbour' });
  device = makeDevice({ siteId: site.id, type: 'battery', name: 'Battery East' });
  api = new FakeApi()
    .on('GET', /^\/api\/v1\/sites$/, () => page([site]))
    .on('GET', /^\/api\/v1\/devices\/[^/]+$/, () => device)
    .on('GET', /\/latest$/, () => ({
      deviceId: device.id,
      values: [
        { metric: 'power_kw', ts: '2026-03-01T10:00:00.000Z', value: 3.5 },
        { metric: 'soc_pct', ts: '2026-03-01T10:00:00.000Z', value: 61 },
      ],
    }))
    .on('GET', /\/devices\/[^/]+\/commands$/, () => page([]));
});

afterEach(() => {
  cleanup();
  resetHarness();
});

async function open(role: 'admin' | 'operator' | 'viewer') {
  const rendered = await renderAs(<DevicePage />, {
    path: `/devices/${device.id}`,
    route: '/devices/:id',
    role,
    api,
  });
  await screen.findByRole('heading', { level: 1, name: 'Battery East' });
  return rendered;
}

function pushStatus(
  live: FakeLiveServer,
  commandId: string,
  status: CommandStatus,
  message?: string,
) {
  live.push(
    { kind: 'commands', deviceId: device.id },
    {
      type: 'command.status',
      commandId,
      siteId: device.siteId,
      deviceId: device.id,
      commandType: 'set_power_setpoint',
      status,
      at: new Date().toISOString(),
      ...(message ? { message } : {}),
    },
  );
}

describe('device page', () => {
  it('shows the latest values and follows the live metrics and status', async () => {
    const { live } = await open('viewer');
    expect((await screen.findByTestId('device-metric-power_kw')).textContent).toBe('3.5 kW');
    expect(screen.getByTestId('device-metric-soc_pct').textContent).toBe('61 %');
    expect(screen.getByTestId('device-status').textContent).toContain('online');

    await waitFor(() =>
      expect(live.isSubscribed({ kind: 'device', deviceId: device.id })).toBe(true),
    );
    live.push(
      { kind: 'device', deviceId: device.id },
      {
        type: 'device.metrics',
        siteId: device.siteId,
        deviceId: device.id,
        ts: '2026-03-01T10:00:05.000Z',
        metrics: { power_kw: -2.25, voltage_v: 230 },
      },
    );
    expect(screen.getByTestId('device-metric-power_kw').textContent).toBe('-2.25 kW');
    expect(screen.getByTestId('device-metric-voltage_v').textContent).toBe('230 V');

    live.push(
      { kind: 'device', deviceId: device.id },
      {
        type: 'device.status',
        siteId: device.siteId,
        deviceId: device.id,
        status: 'fault',
        at: '2026-03-01T10:00:06.000Z',
      },
    );
    expect(screen.getByTestId('device-status').textContent).toContain('fault');
  });

  it('hides the command panel from viewers', async () => {
    await open('viewer');
    await screen.findByTestId('device-metric-power_kw');
    expect(screen.queryByTestId('command-panel')).toBeNull();
    expect(screen.queryByRole('button', { name: /send/i })).toBeNull();
    // The history stays readable, with its export.
    expect(await screen.findByText('No commands sent yet')).toBeTruthy();
    expect(screen.getAllByTestId('csv-export').length).toBeGreaterThan(0);
  });

  it('offers operators only the commands of the device type', async () => {
    await open('operator');
    const panel = await screen.findByTestId('command-panel');
    const options = within(panel)
      .getAllByRole('option')
      .map((option) => option.textContent);
    expect(options).toEqual(expect.arrayContaining(['Set mode', 'Set power setpoint', 'Reboot']));
    expect(options).not.toContain('Start charging');
    expect(options).not.toContain('Set power limit');
  });

  it('checks the parameters before anything is sent', async () => {
    await open('operator');
    const panel = await screen.findByTestId('command-panel');
    fireEvent.change(within(panel).getByLabelText('Command'), {
      target: { value: 'set_power_setpoint' },
    });
    fireEvent.click(within(panel).getByRole('button', { name: 'Review and send…' }));
    expect(await within(panel).findByText('Enter the power setpoint')).toBeTruthy();
    fireEvent.change(within(panel).getByLabelText('Power setpoint (kW)'), {
      target: { value: '200000' },
    });
    fireEvent.click(within(panel).getByRole('button', { name: 'Review and send…' }));
    expect(await within(panel).findByText('Between -100,000 and 100,000 kW')).toBeTruthy();
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(api.calls('POST', /commands/)).toHaveLength(0);
  });

  it('confirms, sends once, then follows the status live until it ends', async () => {
    const command = makeCommand({ type: 'set_power_setpoint', params: { powerKw: -3 } });
    api.on('POST', /\/devices\/[^/]+\/commands$/, () => new JsonResponse(201, command));
    const { live } = await open('operator');
    const panel = await screen.findByTestId('command-panel');
    fireEvent.change(within(panel).getByLabelText('Command'), {
      target: { value: 'set_power_setpoint' },
    });
    fireEvent.change(within(panel).getByLabelText('Power setpoint (kW)'), {
      target: { value: '-3' },
    });
    fireEvent.click(within(panel).getByRole('button', { name: 'Review and send…' }));

    const dialog = await screen.findByRole('alertdialog');
    expect(dialog.textContent).toContain('Set power setpoint: -3 kW');
    expect(api.calls('POST', /commands/)).toHaveLength(0);
    const send = within(dialog).getByRole('button', { name: 'Send command' });
    fireEvent.click(send);
    fireEvent.click(send);

    await waitFor(() => expect(screen.getByTestId('command-status').textContent).toBe('pending'));
    const posts = api.calls('POST', /\/commands$/);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body).toMatchObject({
      type: 'set_power_setpoint',
      params: { powerKw: -3 },
      idempotencyKey: expect.stringMatching(/^[\w.:-]+$/),
    });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(
      within(panel).getByRole<HTMLButtonElement>('button', { name: 'Review and send…' }).disabled,
    ).toBe(true);

    await waitFor(() =>
      expect(live.isSubscribed({ kind: 'commands', deviceId: device.id })).toBe(true),
    );
    pushStatus(live, command.id, 'sent');
    expect(screen.getByTestId('command-status').textContent).toBe('sent');
    pushStatus(live, uuid(), 'failed');
    expect(screen.getByTestId('command-status').textContent).toBe('sent');
    pushStatus(live, command.id, 'accepted');
    pushStatus(live, command.id, 'completed', 'setpoint applied');
    expect(screen.getByTestId('command-status').textContent).toBe('completed');
    expect(panel.textContent).toContain('setpoint applied');
    // A late message cannot take a finished command back.
    pushStatus(live, command.id, 'accepted');
    expect(screen.getByTestId('command-status').textContent).toBe('completed');
    expect(
      within(panel).getByRole<HTMLButtonElement>('button', { name: 'Review and send…' }).disabled,
    ).toBe(false);
  });

  it('retries a failed submission with the same idempotency key', async () => {
    let attempts = 0;
    const command = makeCommand();
    api.on('POST', /\/devices\/[^/]+\/commands$/, () => {
      attempts++;
      return attempts === 1
        ? new JsonResponse(503, { statusCode: 503, message: 'database unavailable' })
        : new JsonResponse(201, command);
    });
    await open('admin');
    const panel = await screen.findByTestId('command-panel');
    fireEvent.change(within(panel).getByLabelText('Command'), { target: { value: 'reboot' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Review and send…' }));
    const dialog = await screen.findByRole('alertdialog');
    expect(dialog.textContent).toContain('Reboot');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send command' }));
    expect(await within(dialog).findByText(/database unavailable/)).toBeTruthy();

    fireEvent.click(within(dialog).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.getByTestId('command-status').textContent).toBe('pending'));
    const keys = api
      .calls('POST', /\/commands$/)
      .map((call) => (call.body as { idempotencyKey: string }).idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it('lists the command history with a CSV export', async () => {
    api.on('GET', /\/devices\/[^/]+\/commands$/, () =>
      page([
        makeCommand({
          type: 'set_mode',
          params: { mode: 'force_charge' },
          status: 'rejected',
          message: 'grid limit',
        }),
      ]),
    );
    await open('viewer');
    expect(await screen.findByText('Set mode: Force charge')).toBeTruthy();
    expect(screen.getByText('grid limit')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Export command history as CSV' })).toBeTruthy();
  });

  it('says so when the device does not exist', async () => {
    api.on(
      'GET',
      /^\/api\/v1\/devices\/[^/]+$/,
      () => new JsonResponse(404, { statusCode: 404, message: 'device not found' }),
    );
    await renderAs(<DevicePage />, {
      path: `/devices/${device.id}`,
      route: '/devices/:id',
      role: 'operator',
      api,
    });
    expect(await screen.findByText('Device not found')).toBeTruthy();
    expect(screen.queryByTestId('command-panel')).toBeNull();
  });

  it('refuses an address that is not a device id without asking the server', async () => {
    await renderAs(<DevicePage />, { path: '/devices/nope', route: '/devices/:id', api });
    expect(await screen.findByText('No such device')).toBeTruthy();
    expect(api.calls('GET', /\/devices\//)).toHaveLength(0);
  });
});
