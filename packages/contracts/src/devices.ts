import { z } from 'zod';
import { paginationQuerySchema } from './pagination.js';
import { tagsSchema } from './sites.js';

export const DEVICE_TYPES = [
  'pv_inverter',
  'battery',
  'grid_meter',
  'smart_meter',
  'ev_charger',
  'heat_pump',
  'load',
] as const;
export const deviceTypeSchema = z.enum(DEVICE_TYPES);
export type DeviceType = z.infer<typeof deviceTypeSchema>;

export const DEVICE_STATUSES = ['online', 'offline', 'fault', 'unknown'] as const;
export const deviceStatusSchema = z.enum(DEVICE_STATUSES);
export type DeviceStatus = z.infer<typeof deviceStatusSchema>;

const kw = z.number().finite().min(0).max(100_000);

/** Configuration each device type accepts; unknown keys are refused. */
export const deviceConfigSchemas = {
  pv_inverter: z
    .object({
      peakPowerKwp: kw.optional(),
      tiltDeg: z.number().min(0).max(90).optional(),
      azimuthDeg: z.number().min(0).max(360).optional(),
    })
    .strict(),
  battery: z
    .object({
      minSocPct: z.number().min(0).max(100).default(10),
      maxSocPct: z.number().min(0).max(100).default(95),
      maxChargeKw: kw.optional(),
      maxDischargeKw: kw.optional(),
      roundTripEfficiencyPct: z.number().min(50).max(100).optional(),
    })
    .strict()
    .refine((config) => config.minSocPct < config.maxSocPct, {
      message: 'minSocPct must be below maxSocPct',
      path: ['minSocPct'],
    }),
  grid_meter: z.object({ phases: z.union([z.literal(1), z.literal(3)]).optional() }).strict(),
  smart_meter: z
    .object({
      phases: z.union([z.literal(1), z.literal(3)]).optional(),
      measures: z.string().max(100).optional(),
    })
    .strict(),
  ev_charger: z
    .object({
      maxCurrentA: z.number().min(6).max(500).optional(),
      phases: z.union([z.literal(1), z.literal(3)]).optional(),
      connectors: z.number().int().min(1).max(8).optional(),
    })
    .strict(),
  heat_pump: z
    .object({
      thermalPowerKw: kw.optional(),
      cop: z.number().min(1).max(10).optional(),
      sgReady: z.boolean().optional(),
    })
    .strict(),
  load: z
    .object({
      category: z.enum(['household', 'commercial', 'industrial', 'other']).optional(),
      controllable: z.boolean().optional(),
    })
    .strict(),
} as const satisfies Record<DeviceType, z.ZodType>;

export const deviceSchema = z.object({
  id: z.uuid(),
  siteId: z.uuid(),
  type: deviceTypeSchema,
  name: z.string(),
  manufacturer: z.string().nullable(),
  model: z.string().nullable(),
  serial: z.string().nullable(),
  ratedPowerKw: z.number().nullable(),
  capacityKwh: z.number().nullable(),
  config: z.record(z.string(), z.unknown()),
  firmwareVersion: z.string().nullable(),
  status: deviceStatusSchema,
  lastSeenAt: z.iso.datetime().nullable(),
  tags: z.array(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Device = z.infer<typeof deviceSchema>;

/** Shown once, when a device is created or its secret rotated. */
export const deviceCredentialsSchema = z.object({
  username: z.string().describe('The device id: MQTT username and client id, HTTP ingest user'),
  secret: z.string(),
});
export type DeviceCredentials = z.infer<typeof deviceCredentialsSchema>;

const text = (max: number) => z.string().trim().min(1).max(max);

export const createDeviceSchema = z
  .object({
    siteId: z.uuid(),
    type: deviceTypeSchema,
    name: text(200),
    manufacturer: text(100).nullable().optional(),
    model: text(100).nullable().optional(),
    serial: text(100).nullable().optional(),
    ratedPowerKw: kw.nullable().optional(),
    capacityKwh: kw.nullable().optional(),
    config: z.record(z.string(), z.unknown()).default({}),
    firmwareVersion: text(64).nullable().optional(),
    tags: tagsSchema.default([]),
  })
  .strict();
export const updateDeviceSchema = z
  .object({
    name: text(200).optional(),
    manufacturer: text(100).nullable().optional(),
    model: text(100).nullable().optional(),
    serial: text(100).nullable().optional(),
    ratedPowerKw: kw.nullable().optional(),
    capacityKwh: kw.nullable().optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    firmwareVersion: text(64).nullable().optional(),
    tags: tagsSchema.optional(),
  })
  .strict();
export type CreateDevice = z.infer<typeof createDeviceSchema>;
export type UpdateDevice = z.infer<typeof updateDeviceSchema>;

export const listDevicesQuerySchema = paginationQuerySchema.extend({
  search: z.string().trim().max(100).optional(),
  siteId: z.uuid().optional(),
  type: deviceTypeSchema.optional(),
  status: deviceStatusSchema.optional(),
  tag: z.string().trim().max(50).optional(),
  sort: z
    .enum([
      'name',
      '-name',
      'type',
      '-type',
      'status',
      '-status',
      'lastSeenAt',
      '-lastSeenAt',
      'createdAt',
      '-createdAt',
    ])
    .default('name'),
});
export type ListDevicesQuery = z.infer<typeof listDevicesQuerySchema>;

export const bulkTagSchema = z
  .object({
    deviceIds: z.array(z.uuid()).min(1).max(10_000),
    add: tagsSchema.default([]),
    remove: tagsSchema.default([]),
  })
  .strict()
  .refine((body) => body.add.length + body.remove.length > 0, {
    message: 'add or remove at least one tag',
    path: ['add'],
  });
export type BulkTag = z.infer<typeof bulkTagSchema>;
export const bulkTagResultSchema = z.object({ updated: z.number().int() });

export const importRowErrorSchema = z.object({
  row: z.number().int().describe('1-based line number in the CSV, header = 1'),
  errors: z.array(z.object({ field: z.string(), message: z.string() })),
});
export const importResultSchema = z.object({
  created: z.number().int(),
  failed: z.number().int(),
  devices: z.array(
    z.object({ row: z.number().int(), id: z.uuid(), username: z.string(), secret: z.string() }),
  ),
  errors: z.array(importRowErrorSchema),
});
export type ImportResult = z.infer<typeof importResultSchema>;
export const MAX_IMPORT_ROWS = 10_000;
