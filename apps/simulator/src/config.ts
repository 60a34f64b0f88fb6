import { z } from 'zod';

export interface SimulatorConfig {
  mqttUrl: string;
  siteCount: number;
  intervalMs: number;
  /** Absent: the run picks a seed and logs it, so any run can be replayed. */
  seed: number | undefined;
}

// Each site opens one connection per device (3): keep a single process well inside what one
// broker and one event loop handle until the fleet simulator batches connections.
const MAX_SITES = 1_000;

/** `FOO=` in a compose file means "not set", not "set to zero". */
const unsetWhenEmpty = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const integerVariable = (minimum: number, maximum: number) => {
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

const environmentSchema = z.object({
  MQTT_URL: z.preprocess(
    unsetWhenEmpty,
    z
      .url({
        protocol: /^(mqtt|mqtts|tcp|ssl|ws|wss)$/,
        error: 'must be an mqtt://, mqtts://, ws:// or wss:// URL',
      })
      .default('mqtt://localhost:1883'),
  ),
  SITES: integerVariable(1, MAX_SITES).default(1),
  INTERVAL_MS: integerVariable(100, 3_600_000).default(5_000),
  SIM_SEED: integerVariable(0, 0xffff_ffff),
});

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads the simulator's settings from the environment; the error message names the variable. */
export function parseSimulatorConfig(
  environment: Record<string, string | undefined>,
): SimulatorConfig {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    // The offending value is not echoed: MQTT_URL may carry a password.
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid environment: ${problems.join('; ')}`);
  }
  return {
    mqttUrl: parsed.data.MQTT_URL,
    siteCount: parsed.data.SITES,
    intervalMs: parsed.data.INTERVAL_MS,
    seed: parsed.data.SIM_SEED,
  };
}

/** The broker URL for logs, without the password. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
