import { z } from 'zod';

/** One error shape for every HTTP answer that is not 2xx. */
export const errorDetailSchema = z.object({
  field: z.string().describe('Dotted path of the offending input, e.g. "query.limit"'),
  message: z.string(),
});

export const errorBodySchema = z.object({
  statusCode: z.number().int(),
  error: z.string().describe('HTTP reason phrase, e.g. "Bad Request"'),
  message: z.string(),
  code: z.string().optional().describe('Stable machine-readable error code'),
  details: z.array(errorDetailSchema).optional(),
  requestId: z.string(),
});

export type ErrorDetail = z.infer<typeof errorDetailSchema>;
export type ErrorBody = z.infer<typeof errorBodySchema>;
