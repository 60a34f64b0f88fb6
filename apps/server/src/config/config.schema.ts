import { z } from 'zod';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const port = z.coerce.number().int().min(0).max(65_535);

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "900", "15m", "12h", "7d" → seconds. */
export const duration = z
  .string()
  .regex(/^\d+[smhd]?$/, 'a duration such as 900, 15m, 12h or 7d')
  .transform((value) => {
    const unit = /[smhd]$/.test(value) ? value.slice(-1) : 's';
    return Number.parseInt(value, 10) * DURATION_UNITS[unit]!;
  })
  .pipe(
    z
      .number()
      .int()
      .min(1)
      .max(366 * 86_400),
  )
  .or(z.number().int().min(1));

/** Examples printed in docs; a production secret equal to one of them is refused. */
export const DOCUMENTED_EXAMPLE_SECRETS = [
  'change-me-to-a-long-random-secret-of-32-bytes-or-more',
  'dev-only-jwt-secret-never-use-in-production-0000',
  'change-me-to-a-long-random-hook-secret-of-32-chars-or-more',
];

/**
 * Every environment variable the server reads. `.env.example` documents each one; a test keeps the
 * two in step.
 */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: port.default(3000),
    PUBLIC_URL: z.url().optional(),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    LOG_PRETTY: booleanFromEnv.default(false),

    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
    DATA_DIR: z.string().min(1).default('./data'),
    EMBEDDED_DB_PORT: port.default(0),
    MIGRATE_ON_START: booleanFromEnv.default(true),
    DATABASE_MIGRATION_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),

    JWT_SECRET: z.string().min(1).optional(),
    JWT_EXPIRES_IN: duration.default(15 * 60),
    JWT_ISSUER: z.string().min(1).max(200).default('ecogrid-ems'),
    JWT_AUDIENCE: z.string().min(1).max(200).default('ecogrid-ems-api'),
    REFRESH_TOKEN_TTL: duration.default(7 * 24 * 3600),
    ADMIN_LOGIN: z
      .string()
      .regex(/^[A-Za-z0-9._-]{3,64}$/, '3-64 letters, digits, dot, dash or underscore')
      .default('platform-admin'),
    ADMIN_PASSWORD: z.string().min(1).max(256).optional(),
    DEMO_SEED: booleanFromEnv.optional(),

    TELEMETRY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    ROLLUP_15M_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
    ROLLUP_1H_RETENTION_DAYS: z.coerce.number().int().min(1).max(7300).default(1100),
    ROLLUP_1D_RETENTION_DAYS: z.coerce.number().int().min(1).max(36500).default(3650),
    ROLLUP_OPEN_BUCKET_REFRESH: duration.default(60),
    INGEST_BATCH_SIZE: z.coerce.number().int().min(1).max(50_000).default(5000),
    INGEST_MAX_QUEUED: z.coerce.number().int().min(100).max(1_000_000).default(100_000),
    INGEST_MAX_DELAY_MS: z.coerce.number().int().min(0).max(250).default(100),
    INGEST_WRITE_CONCURRENCY: z.coerce.number().int().min(1).max(16).optional(),
    DEAD_LETTERS_PER_TENANT: z.coerce.number().int().min(100).max(10_000_000).default(10_000),
    DEVICE_OFFLINE_AFTER: duration.default(120),
    COMMAND_TIMEOUT: duration.default(5 * 60),
    COMMAND_EXPIRY_GRACE: duration.default(5),
    COMMAND_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
    MQTT_PORT: port.default(1883),
    MQTT_HOST: z.string().min(1).default('0.0.0.0'),
    MQTT_TLS_CERT: z.string().min(1).optional(),
    MQTT_TLS_KEY: z.string().min(1).optional(),
    MQTT_URL: z
      .string()
      .regex(/^(mqtts?|wss?|tcp|ssl):\/\//, 'must be an mqtt://, mqtts://, ws:// or wss:// URL')
      .optional(),
    MQTT_USERNAME: z.string().min(1).max(256).optional(),
    MQTT_PASSWORD: z.string().min(1).max(256).optional(),
    MQTT_CLIENT_ID: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional(),
    MQTT_SHARE_GROUP: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .default('ecogrid'),
    /**
     * The shared secret an external broker sends (`Authorization: Bearer …`) to the auth hook
     * (`POST /api/v1/mqtt/auth` and `/acl`); unset, the hook answers 404.
     */
    MQTT_AUTH_HOOK_SECRET: z.string().min(32, 'must be at least 32 characters').max(512).optional(),

    LIVE_MAX_HZ: z.coerce.number().min(0.1).max(50).default(2),
    LIVE_SOFT_BUFFER_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(256 * 1024),
    LIVE_HARD_BUFFER_BYTES: z.coerce
      .number()
      .int()
      .min(4096)
      .max(256 * 1024 * 1024)
      .default(4 * 1024 * 1024),
    LIVE_SLOW_GRACE_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
    LIVE_AUTH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    LIVE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    LIVE_MAX_SUBSCRIPTIONS: z.coerce.number().int().min(1).max(10_000).default(100),
    LIVE_MAX_CLIENTS: z.coerce.number().int().min(1).max(1_000_000).default(20_000),
    LIVE_SUMMARY_INTERVAL_MS: z.coerce.number().int().min(200).max(600_000).default(5_000),

    RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
    RATE_LIMIT_MAX_REQUESTS: z.coerce.number().int().min(1).max(1_000_000).default(600),
    LOGIN_RATE_LIMIT_MAX: z.coerce.number().int().min(1).max(10_000).default(20),

    CORS_ORIGIN: z.string().default(''),
    TRUST_PROXY: z.string().default(''),
    BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      // HTTP ingest takes batches of up to 10,000 readings.
      .default(4 * 1024 * 1024),

    SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(120_000).default(0),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  })
  .superRefine((config, context) => {
    const origins = parseOrigins(config.CORS_ORIGIN);
    for (const origin of origins) {
      if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
        context.addIssue({
          code: 'custom',
          path: ['CORS_ORIGIN'],
          message: `"${origin}" is not an origin (scheme://host[:port], no path)`,
        });
      }
    }
    if (config.NODE_ENV === 'production') {
      if (!config.ADMIN_PASSWORD) {
        context.addIssue({
          code: 'custom',
          path: ['ADMIN_PASSWORD'],
          message: 'is required in production (the platform admin password)',
        });
      }
      const secret = config.JWT_SECRET ?? '';
      if (Buffer.byteLength(secret) < 32 || DOCUMENTED_EXAMPLE_SECRETS.includes(secret)) {
        context.addIssue({
          code: 'custom',
          path: ['JWT_SECRET'],
          message: 'must be at least 32 bytes of your own randomness in production',
        });
      }
      const hookSecret = config.MQTT_AUTH_HOOK_SECRET;
      if (
        hookSecret !== undefined &&
        (DOCUMENTED_EXAMPLE_SECRETS.includes(hookSecret) || hookSecret === config.JWT_SECRET)
      ) {
        context.addIssue({
          code: 'custom',
          path: ['MQTT_AUTH_HOOK_SECRET'],
          message:
            'must be your own randomness in production, neither a documented example nor JWT_SECRET',
        });
      }
      if (config.DEMO_SEED) {
        context.addIssue({
          code: 'custom',
          path: ['DEMO_SEED'],
          message: 'the demo tenant and its known passwords are refused in production',
        });
      }
    }
    if (config.LIVE_SOFT_BUFFER_BYTES >= config.LIVE_HARD_BUFFER_BYTES) {
      context.addIssue({
        code: 'custom',
        path: ['LIVE_SOFT_BUFFER_BYTES'],
        message: 'must be below LIVE_HARD_BUFFER_BYTES',
      });
    }
    if (Boolean(config.MQTT_TLS_CERT) !== Boolean(config.MQTT_TLS_KEY)) {
      context.addIssue({
        code: 'custom',
        path: [config.MQTT_TLS_CERT ? 'MQTT_TLS_KEY' : 'MQTT_TLS_CERT'],
        message: 'MQTT_TLS_CERT and MQTT_TLS_KEY go together',
      });
    }
    if (config.NODE_ENV === 'production' && origins.includes('*')) {
      context.addIssue({
        code: 'custom',
        path: ['CORS_ORIGIN'],
        message: '"*" is refused in production; list the allowed origins',
      });
    }
  });

export type AppConfig = z.infer<typeof configSchema>;

export function parseOrigins(value: string): string[] {
  return value
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin.length > 0);
}

/** Never echoed in error messages: they hold credentials. */
const SECRET_VARIABLES = new Set([
  'DATABASE_URL',
  'DATABASE_MIGRATION_URL',
  'REDIS_URL',
  'JWT_SECRET',
  'ADMIN_PASSWORD',
  'MQTT_URL',
  'MQTT_PASSWORD',
  'MQTT_AUTH_HOOK_SECRET',
]);

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; the error names the first offending variable on one line. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): AppConfig {
  const present = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = configSchema.safeParse(present);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const variable = issue.path.join('.') || 'environment';
  const echo = typeof present[variable] === 'string' && !SECRET_VARIABLES.has(variable);
  const received = echo ? ` (got "${present[variable]}")` : '';
  throw new ConfigError(`invalid configuration: ${variable}: ${issue.message}${received}`);
}
