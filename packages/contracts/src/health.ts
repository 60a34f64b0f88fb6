import { z } from 'zod';

export const dependencyStatusSchema = z.enum(['up', 'down']);

export const dependencyReportSchema = z.object({
  name: z.string(),
  status: dependencyStatusSchema,
  responseTimeMs: z.number().nonnegative(),
  message: z.string().optional(),
});

export const healthReportSchema = z.object({
  status: z.enum(['ok', 'unavailable', 'shutting_down']),
  version: z.string(),
  uptimeSeconds: z.number().nonnegative(),
  checkedAt: z.iso.datetime(),
  dependencies: z.array(dependencyReportSchema),
});

export type DependencyReport = z.infer<typeof dependencyReportSchema>;
export type HealthReport = z.infer<typeof healthReportSchema>;
