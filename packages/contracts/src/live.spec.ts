import { describe, expect, it } from 'vitest';
import { liveClientMessageSchema, liveServerMessageSchema, siteFlow } from './live.js';

const site = '7d1c9b52-1f0e-4c8a-9a65-3c2f5a6e8b10';
const device = '0b6f5f5e-6a36-4c59-9f5e-0d5f7f2b1c11';

describe('live stream contract', () => {
  it('reads the messages a client sends', () => {
    for (const message of [
      { type: 'auth', token: 'eyJ...' },
      { type: 'subscribe', id: 's1', topic: { kind: 'site', siteId: site } },
      { type: 'subscribe', id: 'f', topic: { kind: 'fleet' } },
      { type: 'subscribe', id: 'c', topic: { kind: 'commands', deviceId: device } },
      { type: 'unsubscribe', id: 's1' },
      { type: 'ping', at: 1 },
    ])
      expect(liveClientMessageSchema.safeParse(message).success, JSON.stringify(message)).toBe(
        true,
      );
  });

  it('refuses unknown types, bad ids and extra fields', () => {
    for (const message of [
      { type: 'shout' },
      { type: 'subscribe', id: 's1', topic: { kind: 'site', siteId: 'not-a-uuid' } },
      { type: 'subscribe', id: 's1', topic: { kind: 'everything' } },
      { type: 'subscribe', id: '', topic: { kind: 'fleet' } },
      { type: 'auth', token: 'x', role: 'admin' },
      { type: 'auth', token: 'x', tenantId: 'not-a-uuid' },
      { type: 'subscribe', id: 's', topic: { kind: 'fleet', tenantId: site } },
    ])
      expect(liveClientMessageSchema.safeParse(message).success, JSON.stringify(message)).toBe(
        false,
      );
  });

  it('lets a platform admin name the tenant to follow when authenticating', () => {
    expect(
      liveClientMessageSchema.safeParse({ type: 'auth', token: 'x', tenantId: site }).success,
    ).toBe(true);
  });

  it('describes what the server pushes', () => {
    expect(
      liveServerMessageSchema.safeParse({
        type: 'device.metrics',
        subscription: 's1',
        siteId: site,
        deviceId: device,
        ts: '2026-11-22T10:00:00.000Z',
        metrics: { power_kw: 3.2, soc_pct: 55 },
      }).success,
    ).toBe(true);
    expect(
      liveServerMessageSchema.safeParse({
        type: 'error',
        id: 's2',
        code: 'forbidden',
        message: 'not your site',
      }).success,
    ).toBe(true);
    expect(
      liveServerMessageSchema.safeParse({ type: 'error', code: 'oops', message: '' }).success,
    ).toBe(false);
  });
});

describe('siteFlow', () => {
  const devices = [
    { id: 'pv', type: 'pv_inverter' as const },
    { id: 'bat', type: 'battery' as const },
    { id: 'grid', type: 'grid_meter' as const },
  ];

  it('leaves for the loads what PV, grid and battery bring', () => {
    const latest = new Map([
      ['pv', { power_kw: 6 }],
      ['bat', { power_kw: -2, soc_pct: 40 }],
      ['grid', { power_kw: -1.5 }],
    ]);
    expect(siteFlow(devices, latest)).toEqual({
      pvKw: 6,
      batteryKw: -2,
      batterySocPct: 40,
      gridKw: -1.5,
      loadKw: 2.5,
    });
  });

  it('reports null for what the site lacks or has not reported yet', () => {
    const flow = siteFlow(devices, new Map([['pv', { power_kw: 3 }]]));
    expect(flow).toEqual({
      pvKw: 3,
      batteryKw: null,
      batterySocPct: null,
      gridKw: null,
      loadKw: null,
    });
  });
});
