import { z } from 'zod';

/**
 * Metric names carry their unit as a suffix. Signs follow OpenEMS: grid power > 0 is import,
 * battery power > 0 is discharge; production and consumption are >= 0.
 */
export const METRIC_NAME_PATTERN = /^[a-z][a-z0-9_]{0,62}_(kw|kwh|v|a|hz|pct|c|kvar|kva|pf)$/;

export const metricNameSchema = z
  .string()
  .regex(METRIC_NAME_PATTERN, 'metric names are snake_case and end with their unit, e.g. power_kw');

/** ISO-8601 string or epoch milliseconds. */
export const readingTimestampSchema = z.union([
  z.iso.datetime({ offset: true }),
  z.number().int().min(0).max(8_640_000_000_000_000),
]);

/** The JSON body of `sites/{siteId}/devices/{deviceId}/telemetry`. */
export const telemetryMessageSchema = z.object({
  ts: readingTimestampSchema.optional(),
  metrics: z.record(metricNameSchema, z.number()),
});

export const telemetryPayloadSchema = z.union([
  telemetryMessageSchema,
  z.array(telemetryMessageSchema).max(10_000),
]);

export type TelemetryMessage = z.infer<typeof telemetryMessageSchema>;

export const deviceStatusPayloadSchema = z.enum(['online', 'offline']);

export const mqttTopics = {
  telemetry: (siteId: string, deviceId: string) => `sites/${siteId}/devices/${deviceId}/telemetry`,
  metric: (siteId: string, deviceId: string, metric: string) =>
    `sites/${siteId}/devices/${deviceId}/telemetry/${metric}`,
  status: (siteId: string, deviceId: string) => `sites/${siteId}/devices/${deviceId}/status`,
  commands: (siteId: string, deviceId: string) => `sites/${siteId}/devices/${deviceId}/commands`,
  commandAck: (siteId: string, deviceId: string) =>
    `sites/${siteId}/devices/${deviceId}/commands/ack`,
} as const;

export const RESOLUTIONS = ['auto', 'raw', '15m', '1h', '1d'] as const;
export const resolutionSchema = z.enum(RESOLUTIONS);
export type Resolution = z.infer<typeof resolutionSchema>;

const isoInstant = z.iso.datetime({ offset: true });

export const telemetryQuerySchema = z
  .object({
    metrics: z
      .string()
      .max(1000)
      .transform((value) =>
        value
          .split(',')
          .map((metric) => metric.trim())
          .filter(Boolean),
      )
      .pipe(z.array(metricNameSchema).min(1).max(20)),
    from: isoInstant,
    to: isoInstant,
    resolution: resolutionSchema.default('auto'),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .refine((query) => Date.parse(query.from) < Date.parse(query.to), {
    message: 'from must be before to',
    path: ['to'],
  });
export type TelemetryQuery = z.infer<typeof telemetryQuerySchema>;

export const telemetrySeriesSchema = z.object({
  deviceId: z.uuid(),
  resolution: z.enum(['raw', '15m', '1h', '1d']),
  truncated: z.boolean(),
  series: z.array(
    z.object({
      metric: z.string(),
      points: z.array(
        z.object({
          ts: z.iso.datetime(),
          value: z.number(),
          min: z.number().optional(),
          max: z.number().optional(),
          count: z.number().int().optional(),
          delta: z.number().nullable().optional(),
        }),
      ),
    }),
  ),
});
export type TelemetrySeries = z.infer<typeof telemetrySeriesSchema>;

export const latestValuesSchema = z.object({
  deviceId: z.uuid(),
  values: z.array(z.object({ metric: z.string(), ts: z.iso.datetime(), value: z.number() })),
});

export const energyQuerySchema = z
  .object({
    from: isoInstant,
    to: isoInstant,
    resolution: z.enum(['15m', '1h', '1d']).optional(),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .refine((query) => Date.parse(query.from) < Date.parse(query.to), {
    message: 'from must be before to',
    path: ['to'],
  });
export type EnergyQuery = z.infer<typeof energyQuerySchema>;

const energyFields = {
  productionKwh: z.number(),
  consumptionKwh: z.number(),
  gridImportKwh: z.number(),
  gridExportKwh: z.number(),
  batteryChargeKwh: z.number(),
  batteryDischargeKwh: z.number(),
};
export const siteEnergySchema = z.object({
  siteId: z.uuid(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  resolution: z.enum(['15m', '1h', '1d']),
  currency: z.string(),
  totals: z.object({
    ...energyFields,
    selfConsumptionRatio: z.number(),
    selfSufficiencyRatio: z.number(),
    co2AvoidedKg: z.number(),
    importCost: z.number(),
    exportRevenue: z.number(),
    netCost: z.number(),
  }),
  series: z.array(z.object({ start: z.iso.datetime(), end: z.iso.datetime(), ...energyFields })),
});
export type SiteEnergy = z.infer<typeof siteEnergySchema>;

export const fleetSummarySchema = z.object({
  sites: z.number().int(),
  installedCapacityKw: z.number(),
  live: z.object({
    productionKw: z.number(),
    consumptionKw: z.number(),
    gridKw: z.number(),
    batteryKw: z.number(),
  }),
  today: z.object({
    productionKwh: z.number(),
    gridImportKwh: z.number(),
    gridExportKwh: z.number(),
    co2AvoidedKg: z.number(),
    gridRevenue: z.array(z.object({ currency: z.string(), amount: z.number() })),
  }),
});
export type FleetSummary = z.infer<typeof fleetSummarySchema>;
