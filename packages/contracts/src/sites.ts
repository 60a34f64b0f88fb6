import { z } from 'zod';
import { paginationQuerySchema } from './pagination.js';

const timeZoneSchema = z
  .string()
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA timezone such as Europe/Berlin');

/**
 * Time-of-use tariff: import is charged at the price of the period covering the site's local time
 * (ISO weekday, whole hours [startHour, endHour)), else at importPricePerKwh; export earns the flat
 * exportPricePerKwh. Periods may not overlap; one over midnight is written as two.
 */
/** Generous: prices per kWh differ by orders of magnitude between currencies (EUR 0.30, IDR 1,500). */
const MAX_ABSOLUTE_PRICE = 1_000_000;
const ISO_WEEKDAY_NAMES = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** Negative prices exist (dynamic tariffs, curtailment), so only the magnitude is bounded. */
const priceSchema = z.number().min(-MAX_ABSOLUTE_PRICE).max(MAX_ABSOLUTE_PRICE);

const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR')
  .refine((code) => Intl.supportedValuesOf('currency').includes(code), 'an ISO 4217 currency');

export const tariffPeriodSchema = z
  .object({
    name: z.string().trim().min(1).max(64),
    pricePerKwh: priceSchema,
    days: z
      .array(z.number().int().min(1).max(7))
      .min(1)
      .max(7)
      .refine((days) => new Set(days).size === days.length, 'each ISO weekday at most once'),
    startHour: z.number().int().min(0).max(23),
    endHour: z.number().int().min(1).max(24),
  })
  .refine((period) => period.endHour > period.startHour, {
    path: ['endHour'],
    message: 'endHour must be after startHour; split a period over midnight in two',
  });

export const tariffSchema = z
  .object({
    currency: currencySchema,
    importPricePerKwh: priceSchema,
    exportPricePerKwh: priceSchema,
    periods: z.array(tariffPeriodSchema).max(64).default([]),
  })
  .superRefine((tariff, context) => {
    tariff.periods.forEach((period, index) => {
      for (let earlier = 0; earlier < index; earlier++) {
        const other = tariff.periods[earlier]!;
        if (other.name === period.name) {
          context.addIssue({
            code: 'custom',
            path: ['periods', index, 'name'],
            message: `the name "${period.name}" is already used by periods.${earlier}`,
          });
        }
        const overlap = periodOverlap(other, period);
        if (overlap) {
          context.addIssue({
            code: 'custom',
            path: ['periods', index],
            message: `overlaps period "${other.name}" (periods.${earlier}) on ${overlap}`,
          });
        }
      }
    });
  });

export type TariffPeriod = z.infer<typeof tariffPeriodSchema>;
export type Tariff = z.infer<typeof tariffSchema>;

function periodOverlap(
  first: Pick<TariffPeriod, 'days' | 'startHour' | 'endHour'>,
  second: Pick<TariffPeriod, 'days' | 'startHour' | 'endHour'>,
): string | undefined {
  const sharedDay = first.days.find((day) => second.days.includes(day));
  const fromHour = Math.max(first.startHour, second.startHour);
  const toHour = Math.min(first.endHour, second.endHour);
  if (sharedDay === undefined || fromHour >= toHour) return undefined;
  return `${ISO_WEEKDAY_NAMES[sharedDay]} ${formatHour(fromHour)}–${formatHour(toHour)}`;
}

function formatHour(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

export const DEFAULT_TARIFF: Tariff = {
  currency: 'EUR',
  importPricePerKwh: 0.3,
  exportPricePerKwh: 0.08,
  periods: [],
};

const tagsSchema = z
  .array(
    z
      .string()
      .trim()
      .min(1)
      .max(50)
      .regex(/^[^,;]+$/, 'no commas or semicolons'),
  )
  .max(50);

export const siteSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  address: z.string().nullable(),
  latitude: z.number(),
  longitude: z.number(),
  timezone: z.string(),
  capacityKw: z.number(),
  gridLimitKw: z.number().nullable(),
  tariff: tariffSchema,
  co2FactorGPerKwh: z.number(),
  tags: z.array(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Site = z.infer<typeof siteSchema>;

export const createSiteSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    address: z.string().trim().max(500).nullable().optional(),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    timezone: timeZoneSchema,
    capacityKw: z.number().finite().min(0).max(1_000_000).default(0),
    gridLimitKw: z.number().finite().min(0).max(1_000_000).nullable().optional(),
    tariff: tariffSchema.optional(),
    co2FactorGPerKwh: z.number().finite().min(0).max(2000).default(0),
    tags: tagsSchema.default([]),
  })
  .strict();
export const updateSiteSchema = createSiteSchema
  .partial()
  .extend({
    capacityKw: z.number().finite().min(0).max(1_000_000).optional(),
    co2FactorGPerKwh: z.number().finite().min(0).max(2000).optional(),
    tags: tagsSchema.optional(),
  })
  .strict();
export type CreateSite = z.infer<typeof createSiteSchema>;
export type UpdateSite = z.infer<typeof updateSiteSchema>;

export const listSitesQuerySchema = paginationQuerySchema.extend({
  search: z.string().trim().max(100).optional(),
  tag: z.string().trim().max(50).optional(),
  timezone: z.string().max(64).optional(),
  sort: z
    .enum(['name', '-name', 'capacityKw', '-capacityKw', 'createdAt', '-createdAt'])
    .default('name'),
});
export type ListSitesQuery = z.infer<typeof listSitesQuerySchema>;

export { tagsSchema, timeZoneSchema };
