import { describe, expect, it } from 'vitest';
import { ConfigError, parseSimulatorConfig, redactUrl } from './config.js';

describe('parseSimulatorConfig', () => {
  it('uses the documented defaults', () => {
    expect(parseSimulatorConfig({})).toEqual({
      mqttUrl: 'mqtt://localhost:1883',
      siteCount: 1,
      intervalMs: 5_000,
      seed: undefined,
    });
  });

  it('reads every variable', () => {
    expect(
      parseSimulatorConfig({
        MQTT_URL: 'mqtts://broker.example:8883',
        SITES: '25',
        INTERVAL_MS: '1000',
        SIM_SEED: '1234',
      }),
    ).toEqual({
      mqttUrl: 'mqtts://broker.example:8883',
      siteCount: 25,
      intervalMs: 1_000,
      seed: 1_234,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(parseSimulatorConfig({ SITES: '', SIM_SEED: ' ' })).toMatchObject({
      siteCount: 1,
      seed: undefined,
    });
  });

  it.each([
    ['SITES', '0'],
    ['SITES', 'many'],
    ['SITES', '2.5'],
    ['INTERVAL_MS', '10'],
    ['SIM_SEED', '-1'],
    ['MQTT_URL', 'http://broker:1883'],
    ['MQTT_URL', 'not a url'],
  ])('rejects %s=%s with one line that names the variable', (name, value) => {
    let message = '';
    try {
      parseSimulatorConfig({ [name]: value });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as ConfigError).message;
    }

    expect(message).toMatch(new RegExp(`^Invalid environment: ${name}: `));
    expect(message).not.toContain('\n');
  });

  it('does not echo a rejected broker URL, which may hold a password', () => {
    const parse = () => parseSimulatorConfig({ MQTT_URL: 'http://user:secret@broker' });

    expect(parse).toThrow(ConfigError);
    expect(parse).not.toThrow(/secret/);
  });
});

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('mqtt://sim:hunter2@broker:1883')).toBe('mqtt://sim:***@broker:1883');
    expect(redactUrl('mqtt://broker:1883')).toBe('mqtt://broker:1883');
  });
});
