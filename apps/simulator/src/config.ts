import { parseArgs } from 'node:util';
import { z } from 'zod';

export interface SimulatorConfig {
  apiUrl: string;
  mqttUrl: string;
  username: string;
  password: string;
  /** Names the fleet: its sites' tag and names, so a restart finds them again. */
  fleet: string;
  siteCount: number;
  devicesPerSite: number;
  intervalMs: number;
  /** Simulated seconds per real second until simulated time reaches the present. */
  speed: number;
  /** Simulated instant of the first reading (epoch ms). */
  startMs: number;
  /** Read devices and credentials from this file instead of provisioning. */
  devicesFile: string | undefined;
  stateFile: string;
  /** Absent: the run picks a seed and logs it, so any run can be replayed. */
  seed: number | undefined;
  /** MQTT connection attempts per second, first connections and retries together. */
  connectsPerSecond: number;
  help: boolean;
}

/** What one process is sized and tested for (10,000 devices), with headroom. */
export const MAX_DEVICES = 20_000;
/** The platform keeps raw readings 90 days by default and refuses older ones. */
const MAX_START_AGE_MS = 90 * 86_400_000;
const DEFAULT_BACKFILL_MS = 86_400_000;

interface OptionSpec {
  env: string;
  type: 'string' | 'boolean';
  value: string;
  description: string;
}

const OPTIONS = {
  sites: { env: 'SITES', type: 'string', value: 'n', description: 'sites to simulate (default 1)' },
  devices: {
    env: 'DEVICES_PER_SITE',
    type: 'string',
    value: 'n',
    description:
      'devices per site (default 3): grid meter, PV, battery, EV charger, heat pump, commercial load, then more EV/PV/…',
  },
  interval: {
    env: 'INTERVAL_MS',
    type: 'string',
    value: 'ms',
    description: 'publish interval in ms (default 5000)',
  },
  speed: {
    env: 'SIM_SPEED',
    type: 'string',
    value: 'x',
    description: 'time acceleration until simulated time reaches now (default 1)',
  },
  start: {
    env: 'SIM_START',
    type: 'string',
    value: 'when',
    description:
      'first simulated instant: ISO time or 12h/7d ago (default now; 1d ago with --speed > 1)',
  },
  api: {
    env: 'API_URL',
    type: 'string',
    value: 'url',
    description: 'REST API (default http://localhost:3000)',
  },
  mqtt: {
    env: 'MQTT_URL',
    type: 'string',
    value: 'url',
    description: 'MQTT broker (default mqtt://localhost:1883)',
  },
  username: {
    env: 'SIM_USERNAME',
    type: 'string',
    value: 'name',
    description: 'user that provisions sites and devices (default demo-admin)',
  },
  password: {
    env: 'SIM_PASSWORD',
    type: 'string',
    value: 'secret',
    description: 'its password (default the demo password; prefer the variable)',
  },
  fleet: {
    env: 'SIM_FLEET',
    type: 'string',
    value: 'name',
    description: 'fleet name (default "default")',
  },
  'devices-file': {
    env: 'SIM_DEVICES_FILE',
    type: 'string',
    value: 'path',
    description: 'use these devices and credentials instead of provisioning',
  },
  'state-file': {
    env: 'SIM_STATE_FILE',
    type: 'string',
    value: 'path',
    description: 'where credentials are kept (default ./data/simulator-fleet.json)',
  },
  seed: {
    env: 'SIM_SEED',
    type: 'string',
    value: 'n',
    description: 'seed of the noise, to replay a run',
  },
  'connect-rate': {
    env: 'SIM_CONNECT_RATE',
    type: 'string',
    value: 'n',
    description: 'MQTT connection attempts per second (default 200)',
  },
  help: { env: '', type: 'boolean', value: '', description: 'show this help' },
} as const satisfies Record<string, OptionSpec>;

type OptionName = keyof typeof OPTIONS;

export function usage(): string {
  const lines = Object.entries(OPTIONS).map(([name, option]) => {
    const flag = option.value ? `--${name} <${option.value}>` : `--${name}`;
    const env = option.env ? ` [${option.env}]` : '';
    return `  ${flag.padEnd(26)} ${option.description}${env}`;
  });
  return ['Usage: node dist/main.js [options]', '', ...lines].join('\n');
}

/** `FOO=` in a compose file means "not set", not "set to zero". */
const unsetWhenEmpty = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const integerOption = (minimum: number, maximum: number) => {
  const error = `must be an integer from ${minimum} to ${maximum}`;
  return z.preprocess(
    unsetWhenEmpty,
    z.coerce
      .number({ error })
      .int({ error })
      .min(minimum, { error })
      .max(maximum, { error })
      .optional(),
  );
};

const urlOption = (protocol: RegExp, error: string) =>
  z.preprocess(unsetWhenEmpty, z.url({ protocol, error }).optional());

const textOption = (schema: z.ZodString) => z.preprocess(unsetWhenEmpty, schema.optional());

const optionsSchema = z.object({
  sites: integerOption(1, 10_000),
  devices: integerOption(1, 50),
  interval: integerOption(100, 3_600_000),
  speed: z.preprocess(
    unsetWhenEmpty,
    z.coerce
      .number({ error: 'must be a number from 1 to 100000' })
      .min(1, { error: 'must be a number from 1 to 100000' })
      .max(100_000, { error: 'must be a number from 1 to 100000' })
      .optional(),
  ),
  start: textOption(z.string()),
  api: urlOption(/^https?$/, 'must be an http:// or https:// URL'),
  mqtt: urlOption(
    /^(mqtt|mqtts|tcp|ssl|ws|wss)$/,
    'must be an mqtt://, mqtts://, ws:// or wss:// URL',
  ),
  username: textOption(z.string().min(1).max(64)),
  password: textOption(z.string().min(1).max(256)),
  fleet: textOption(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1–32 lower-case letters, digits or dashes'),
  ),
  'devices-file': textOption(z.string().min(1)),
  'state-file': textOption(z.string().min(1)),
  seed: integerOption(0, 0xffff_ffff),
  'connect-rate': integerOption(1, 10_000),
  help: z.boolean().optional(),
});

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const RELATIVE_START = /^(\d+(?:\.\d+)?)\s*(m|h|d)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--start`: an ISO-8601 instant, or a duration ago such as `90m`, `12h`, `7d`. */
export function parseStart(value: string, nowMs: number): number {
  const relative = RELATIVE_START.exec(value.trim());
  if (relative) return nowMs - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS];
  if (
    /^\d{4}-\d{2}-\d{2}T/.test(value) &&
    z.iso.datetime({ offset: true }).safeParse(value).success
  ) {
    return Date.parse(value);
  }
  throw new ConfigError('must be an ISO-8601 time with offset or a duration ago such as 12h or 7d');
}

/** The first sentence of Node's parseArgs messages, which run on with advice. */
function argumentError(error: unknown): ConfigError {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return new ConfigError(`Unknown option ${unknown[1]} (see --help)`);
  return new ConfigError(`Invalid arguments: ${message.split(/\.\s/)[0]!.replace(/\.$/, '')}`);
}

/**
 * Reads the simulator's settings from the command line, falling back to the environment; a bad
 * value throws a ConfigError with one line that names the option (or variable). Values are not
 * echoed: URLs and passwords may hold secrets.
 */
export function parseSimulatorConfig(
  argv: readonly string[],
  environment: Record<string, string | undefined>,
  nowMs = Date.now(),
): SimulatorConfig {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        Object.entries(OPTIONS).map(([name, option]) => [name, { type: option.type }]),
      ),
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw argumentError(error);
  }

  const fromCli = new Set(Object.keys(values));
  const raw: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(OPTIONS)) {
    raw[name] = values[name] ?? (option.env ? environment[option.env] : undefined);
  }
  const labelOf = (name: string) =>
    fromCli.has(name) || !(name in OPTIONS) || !OPTIONS[name as OptionName].env
      ? `--${name}`
      : OPTIONS[name as OptionName].env;

  const parsed = optionsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${labelOf(String(issue.path[0] ?? ''))}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid ${problems.join('; ')}`);
  }
  const options = parsed.data;

  const siteCount = options.sites ?? 1;
  const devicesPerSite = options.devices ?? 3;
  if (siteCount * devicesPerSite > MAX_DEVICES) {
    throw new ConfigError(
      `Invalid ${labelOf('sites')} × ${labelOf('devices')}: at most ${MAX_DEVICES} devices per process (got ${siteCount * devicesPerSite}); run more processes with different --fleet names`,
    );
  }

  const speed = options.speed ?? 1;
  let startMs = speed > 1 ? nowMs - DEFAULT_BACKFILL_MS : nowMs;
  if (options.start !== undefined) {
    try {
      startMs = parseStart(options.start, nowMs);
    } catch (error) {
      throw new ConfigError(`Invalid ${labelOf('start')}: ${(error as Error).message}`);
    }
    if (startMs > nowMs)
      throw new ConfigError(`Invalid ${labelOf('start')}: must not be in the future`);
    if (nowMs - startMs > MAX_START_AGE_MS) {
      throw new ConfigError(
        `Invalid ${labelOf('start')}: at most 90 days ago (the platform refuses older readings)`,
      );
    }
  }

  return {
    apiUrl: options.api ?? 'http://localhost:3000',
    mqttUrl: options.mqtt ?? 'mqtt://localhost:1883',
    username: options.username ?? 'demo-admin',
    password: options.password ?? 'EcoGrid-Admin-2026',
    fleet: options.fleet ?? 'default',
    siteCount,
    devicesPerSite,
    intervalMs: options.interval ?? 5_000,
    speed,
    startMs,
    devicesFile: options['devices-file'],
    stateFile: options['state-file'] ?? './data/simulator-fleet.json',
    seed: options.seed,
    connectsPerSecond: options['connect-rate'] ?? 200,
    help: options.help ?? false,
  };
}

/** A URL for logs, without the password. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
