import { describe, expect, it } from 'vitest';
import { ConfigError, parseSimulatorConfig, parseStart, redactUrl, usage } from './config.js';

const NOW = Date.parse('2025-06-21T12:00:00Z');
const parse = (argv: string[], environment: Record<string, string | undefined> = {}) =>
  parseSimulatorConfig(argv, environment, NOW);

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseSimulatorConfig', () => {
  it('uses the documented defaults', () => {
    expect(parse([])).toEqual({
      apiUrl: 'http://localhost:3000',
      mqttUrl: 'mqtt://localhost:1883',
      username: 'demo-admin',
      password: 'EcoGrid-Admin-2026',
      fleet: 'default',
      siteCount: 1,
      devicesPerSite: 3,
      intervalMs: 5_000,
      speed: 1,
      startMs: NOW,
      devicesFile: undefined,
      stateFile: './data/simulator-fleet.json',
      seed: undefined,
      connectsPerSecond: 200,
      help: false,
    });
  });

  it('reads every flag', () => {
    const config = parse([
      '--sites=25',
      '--devices',
      '6',
      '--interval',
      '1000',
      '--speed',
      '60',
      '--start',
      '2025-06-20T00:00:00Z',
      '--api',
      'https://ems.example',
      '--mqtt',
      'mqtts://broker.example:8883',
      '--username',
      'ops',
      '--password',
      'hunter2',
      '--fleet',
      'load-test',
      '--devices-file',
      'devices.json',
      '--state-file',
      '/tmp/fleet.json',
      '--seed',
      '1234',
      '--connect-rate',
      '50',
    ]);

    expect(config).toEqual({
      apiUrl: 'https://ems.example',
      mqttUrl: 'mqtts://broker.example:8883',
      username: 'ops',
      password: 'hunter2',
      fleet: 'load-test',
      siteCount: 25,
      devicesPerSite: 6,
      intervalMs: 1_000,
      speed: 60,
      startMs: Date.parse('2025-06-20T00:00:00Z'),
      devicesFile: 'devices.json',
      stateFile: '/tmp/fleet.json',
      seed: 1_234,
      connectsPerSecond: 50,
      help: false,
    });
  });

  it('falls back to the environment, the command line winning', () => {
    const environment = {
      SITES: '4',
      MQTT_URL: 'mqtt://broker:1883',
      SIM_PASSWORD: 'from-env',
      SITES_IGNORED: 'x',
    };

    expect(parse([], environment)).toMatchObject({
      siteCount: 4,
      mqttUrl: 'mqtt://broker:1883',
      password: 'from-env',
    });
    expect(parse(['--sites', '9'], environment).siteCount).toBe(9);
  });

  it('treats an empty variable as unset', () => {
    expect(parse([], { SITES: '', SIM_SEED: ' ' })).toMatchObject({
      siteCount: 1,
      seed: undefined,
    });
  });

  it('replays the last day when accelerated, unless told where to start', () => {
    expect(parse(['--speed', '60']).startMs).toBe(NOW - 86_400_000);
    expect(parse(['--speed', '60', '--start', '7d']).startMs).toBe(NOW - 7 * 86_400_000);
    expect(parse(['--start', '90m']).startMs).toBe(NOW - 90 * 60_000);
  });

  it.each([
    [['--sites', '0'], /^Invalid --sites: must be an integer from 1 to 10000$/],
    [['--sites', 'many'], /^Invalid --sites: /],
    [['--devices', '2.5'], /^Invalid --devices: /],
    [['--interval', '10'], /^Invalid --interval: /],
    [['--speed', '0.5'], /^Invalid --speed: /],
    [['--seed=-1'], /^Invalid --seed: /],
    [['--mqtt', 'http://broker:1883'], /^Invalid --mqtt: must be an mqtt:/],
    [['--api', 'ftp://x'], /^Invalid --api: /],
    [['--fleet', 'Has Spaces'], /^Invalid --fleet: /],
    [['--start', 'yesterday'], /^Invalid --start: /],
    [['--start', '2025-07-01T00:00:00Z'], /^Invalid --start: must not be in the future$/],
    [['--start', '400d'], /^Invalid --start: at most 90 days ago/],
    [['--sites', '5000', '--devices', '10'], /^Invalid --sites × --devices: at most 20000 devices/],
    [['--bogus'], /^Unknown option --bogus \(see --help\)$/],
    [['--sites'], /^Invalid arguments: /],
    [['positional'], /^Invalid arguments: /],
  ])('rejects %j with one line that names the option', (argv, pattern) => {
    const message = errorOf(() => parse(argv));

    expect(message).toMatch(pattern);
    expect(message).not.toContain('\n');
  });

  it('names the variable when the bad value came from the environment', () => {
    expect(errorOf(() => parse([], { SITES: '0' }))).toMatch(/^Invalid SITES: /);
    expect(errorOf(() => parse([], { INTERVAL_MS: 'x' }))).toMatch(/^Invalid INTERVAL_MS: /);
  });

  it('does not echo a rejected URL or password, which may hold secrets', () => {
    expect(errorOf(() => parse(['--mqtt', 'http://user:secret@broker']))).not.toContain('secret');
  });

  it('has a help text listing every option', () => {
    expect(parse(['--help']).help).toBe(true);
    for (const flag of [
      '--sites',
      '--devices',
      '--interval',
      '--speed',
      '--api',
      '--mqtt',
      '--devices-file',
      '--fleet',
    ]) {
      expect(usage()).toContain(flag);
    }
  });
});

describe('parseStart', () => {
  it('reads ISO times and durations ago', () => {
    expect(parseStart('2025-06-01T00:00:00+02:00', NOW)).toBe(Date.parse('2025-05-31T22:00:00Z'));
    expect(parseStart('12h', NOW)).toBe(NOW - 12 * 3_600_000);
    expect(() => parseStart('2025-06-01', NOW)).toThrow(ConfigError);
  });
});

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('mqtt://sim:hunter2@broker:1883')).toBe('mqtt://sim:***@broker:1883');
    expect(redactUrl('mqtt://broker:1883')).toBe('mqtt://broker:1883');
  });
});
