import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, missingBuilds, SCREENSHOTS, Stack } from './harness.js';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 812 };

/** Polls `read` until `accept` holds, or fails with what was last read. */
async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not hold within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}

describe('operator dashboard in Chromium', () => {
  let stack: Stack;
  const contexts: BrowserContext[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const missing = missingBuilds();
    if (missing.length > 0)
      throw new Error(`build first (npm run build): missing ${missing.join(', ')}`);
    stack = await Stack.start();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await stack?.stop();
  });

  async function signIn(
    who: { username: string; password: string },
    viewport = DESKTOP,
  ): Promise<Page> {
    const context = await stack.browser!.newContext({ viewport, acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${page.url()}: ${message.text()}`);
    });
    await page.goto(`${stack.baseUrl}/login`, { waitUntil: 'load' });
    await page.getByLabel('Username').fill(who.username);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('kpi-sites').waitFor({ timeout: 30_000 });
    return page;
  }

  // textContent, not innerText: the flow values live in SVG.
  const text = async (page: Page, testId: string) =>
    ((await page.getByTestId(testId).first().textContent({ timeout: 10_000 })) ?? '').trim();

  async function waitForFleet(page: Page): Promise<void> {
    // The simulator provisions its two sites through the API; the overview shows them once there.
    await eventually(
      async () => Number.parseInt(await text(page, 'kpi-sites'), 10),
      (sites) => sites >= 2,
      60_000,
      'the simulated sites on the overview',
    );
  }

  async function connectionState(page: Page, accept: (state: string) => boolean, what: string) {
    await eventually(() => text(page, 'connection-state'), accept, 60_000, what);
  }

  /** Waits until the live KPIs (production or consumption) show a new value. */
  async function kpisChange(page: Page, what: string): Promise<void> {
    const kpis = async () =>
      `${await text(page, 'kpi-production')}|${await text(page, 'kpi-consumption')}`;
    const before = await kpis();
    await eventually(kpis, (now) => now !== before, 45_000, what);
  }

  async function shoot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  it('signs an operator in and shows KPIs changing live, with the connection live', async () => {
    const page = await signIn(DEMO.operator);
    await waitForFleet(page);
    await connectionState(page, (state) => state === 'live', 'the live connection');
    await kpisChange(page, 'a live KPI change');
    await shoot(page, 'overview-desktop');
  });

  it('opens a site and sees its energy flow update', async () => {
    const page = await signIn(DEMO.operator);
    await waitForFleet(page);
    await page.getByRole('link', { name: 'Sites' }).first().click();
    await page.getByRole('link', { name: /e2e/i }).first().click();
    await page.getByTestId('energy-flow').waitFor();
    const flowText = async () =>
      (
        await Promise.all(
          ['flow-pv', 'flow-battery', 'flow-grid', 'flow-load'].map((id) => text(page, id)),
        )
      ).join('|');
    const first = await eventually(flowText, (value) => /\d/.test(value), 30_000, 'flow values');
    await eventually(flowText, (value) => value !== first, 30_000, 'a flow update');
    const direction = await page.getByTestId('flow-grid').first().getAttribute('data-direction');
    expect(direction).toMatch(/\S/);
    await shoot(page, 'site-desktop');
  });

  it('sends a battery setpoint and sees it accepted and completed', async () => {
    const page = await signIn(DEMO.operator);
    await waitForFleet(page);
    await page.goto(`${stack.baseUrl}/devices?type=battery`, { waitUntil: 'load' });
    await page
      .getByRole('link', { name: /battery/i })
      .first()
      .click();
    const panel = page.getByTestId('command-panel');
    await panel.waitFor();
    await panel.getByLabel(/command/i).selectOption('set_power_setpoint');
    await panel.getByLabel(/power/i).fill('-2');
    await panel.getByRole('button', { name: /review and send/i }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Send command' }).click();
    const seen = new Set<string>();
    await eventually(
      async () => {
        const status = await text(page, 'command-status');
        seen.add(status.trim().toLowerCase());
        return status.trim().toLowerCase();
      },
      (status) => status === 'completed',
      40_000,
      'the command to complete',
    );
    expect([...seen].some((status) => status === 'accepted' || status === 'sent')).toBe(true);
    // The simulated battery follows the setpoint: its live power shows the 2 kW of charging.
    await eventually(
      async () =>
        Number(await page.getByTestId('device-metric-power_kw').getAttribute('data-value')),
      (value) => Math.abs(value + 2) < 0.01,
      20_000,
      'the battery to charge at 2 kW',
    );
    await shoot(page, 'device-desktop');
  });

  it('exports the devices table as CSV with the devices in it', async () => {
    const page = await signIn(DEMO.operator);
    await waitForFleet(page);
    await page.goto(`${stack.baseUrl}/devices`, { waitUntil: 'load' });
    await page
      .getByRole('link', { name: /battery/i })
      .first()
      .waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('csv-export').first().click(),
    ]);
    const file = await download.path();
    const csv = await readFile(file, 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/name/i);
    expect(lines.length).toBeGreaterThanOrEqual(9);
    expect(csv).toMatch(/battery/);
    await shoot(page, 'devices-desktop');
  });

  it('switches to dark mode and keeps it', async () => {
    const page = await signIn(DEMO.admin);
    await page.goto(`${stack.baseUrl}/profile`, { waitUntil: 'load' });
    await page.getByTestId('theme-select').selectOption('dark');
    await eventually(
      () => page.evaluate(() => document.documentElement.classList.contains('dark')),
      (dark) => dark,
      10_000,
      'the dark class',
    );
    await shoot(page, 'profile-dark-desktop');
    await page.goto(`${stack.baseUrl}/`, { waitUntil: 'load' });
    await page.getByTestId('kpi-sites').waitFor();
    expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(
      true,
    );
    await shoot(page, 'overview-dark-desktop');
  });

  it('shows a viewer no command panel and no admin screens', async () => {
    const page = await signIn(DEMO.viewer);
    await waitForFleet(page);
    await page.goto(`${stack.baseUrl}/devices?type=battery`, { waitUntil: 'load' });
    await page
      .getByRole('link', { name: /battery/i })
      .first()
      .click();
    await page.getByTestId('device-status').waitFor();
    expect(await page.getByTestId('command-panel').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Users' }).count()).toBe(0);
    await page.goto(`${stack.baseUrl}/admin/users`, { waitUntil: 'load' });
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect(await page.getByRole('table').count()).toBe(0);
  });

  it('takes screenshots of every main screen on desktop and phone', async () => {
    for (const [width, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const page = await signIn(DEMO.admin, viewport);
      await waitForFleet(page);
      // The map draws its sites on a plain background (no tile server here): give WebGL a moment.
      await page.locator('canvas.maplibregl-canvas').waitFor({ timeout: 30_000 });
      await page.waitForTimeout(4000);
      await shoot(page, `overview-${width}`);
      for (const [name, url] of [
        ['sites', '/sites'],
        ['devices', '/devices'],
        ['users', '/admin/users'],
        ['audit', '/admin/audit'],
        ['profile', '/profile'],
      ] as const) {
        await page.goto(`${stack.baseUrl}${url}`, { waitUntil: 'load' });
        await page.waitForTimeout(1500);
        await shoot(page, `${name}-${width}`);
      }
      await page.goto(`${stack.baseUrl}/sites`, { waitUntil: 'load' });
      await page.getByRole('link', { name: /e2e/i }).first().click();
      await page.getByTestId('energy-flow').waitFor();
      await page.waitForTimeout(1500);
      await shoot(page, `site-${width}`);
      await page.goto(`${stack.baseUrl}/devices?type=battery`, { waitUntil: 'load' });
      await page
        .getByRole('link', { name: /battery/i })
        .first()
        .click();
      await page.getByTestId('device-status').waitFor();
      await page.waitForTimeout(1500);
      await shoot(page, `device-${width}`);
    }
    const login = await stack.browser!.newPage({ viewport: PHONE });
    await login.goto(`${stack.baseUrl}/login`, { waitUntil: 'load' });
    await shoot(login, 'login-phone');
    await login.close();
  });

  it('reconnects by itself after the server restarts, and live updates resume', async () => {
    const page = await signIn(DEMO.operator);
    await waitForFleet(page);
    await connectionState(page, (state) => state === 'live', 'the live connection');
    // Let the map finish loading first: its worker script cannot load while the server is down.
    await page.locator('canvas.maplibregl-canvas').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(2000);
    await stack.stopServer();
    await connectionState(
      page,
      (state) => state === 'reconnecting' || state === 'offline',
      'the indicator to leave live',
    );
    await stack.startServer();
    await connectionState(page, (state) => state === 'live', 'the live connection after restart');
    await kpisChange(page, 'a live KPI change after the restart');
  });

  it('logged no browser errors', () => {
    // A refused request while the server restarts is expected; anything else is a defect.
    const unexpected = consoleErrors.filter(
      (line) => !/ERR_CONNECTION_REFUSED|WebSocket connection|Failed to load resource/.test(line),
    );
    expect(unexpected).toEqual([]);
  });
});
