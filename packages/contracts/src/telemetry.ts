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
