import { z } from 'zod';
import { paginationQuerySchema } from './pagination.js';

export const ROLES = ['admin', 'operator', 'viewer'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const usernameSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{3,64}$/, '3-64 letters, digits, dot, dash or underscore');
export const emailSchema = z.email().max(254);
export const displayNameSchema = z.string().trim().min(1).max(100);
/** The policy's length bounds; the rest (not the username, not common) is checked by the server. */
export const passwordSchema = z.string().min(10, 'at least 10 characters').max(256);
export const uuidSchema = z.uuid();

export const preferencesSchema = z
  .object({
    theme: z.enum(['light', 'dark', 'system']).default('system'),
    timezone: z
      .string()
      .max(64)
      .refine((zone) => isTimeZone(zone), 'an IANA timezone such as Europe/Berlin')
      .optional(),
    units: z.enum(['metric', 'imperial']).default('metric'),
  })
  .strict();
export type Preferences = z.infer<typeof preferencesSchema>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const userSchema = z.object({
  id: uuidSchema,
  tenantId: uuidSchema.nullable(),
  username: z.string(),
  email: z.string().nullable(),
  displayName: z.string(),
  role: roleSchema.nullable(),
  isPlatformAdmin: z.boolean(),
  siteIds: z.array(uuidSchema).nullable(),
  blocked: z.boolean(),
  lockedUntil: z.iso.datetime().nullable(),
  lastLoginAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type User = z.infer<typeof userSchema>;

export const profileSchema = userSchema.extend({ preferences: preferencesSchema });
export type Profile = z.infer<typeof profileSchema>;

export const loginRequestSchema = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) })
  .strict();
export const refreshRequestSchema = z.object({ refreshToken: z.string().min(1).max(200) }).strict();
export const tokenResponseSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int().describe('Seconds until the access token expires'),
  tokenType: z.literal('Bearer'),
  user: profileSchema,
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export const createUserSchema = z
  .object({
    username: usernameSchema,
    password: passwordSchema,
    displayName: displayNameSchema,
    email: emailSchema.optional(),
    role: roleSchema,
    siteIds: z.array(uuidSchema).max(1000).nullable().optional(),
  })
  .strict();
export const updateUserSchema = z
  .object({
    displayName: displayNameSchema.optional(),
    email: emailSchema.nullable().optional(),
    role: roleSchema.optional(),
    siteIds: z.array(uuidSchema).max(1000).nullable().optional(),
  })
  .strict();
export const listUsersQuerySchema = paginationQuerySchema.extend({
  search: z.string().trim().max(100).optional(),
  role: roleSchema.optional(),
  blocked: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  sort: z
    .enum([
      'username',
      '-username',
      'displayName',
      '-displayName',
      'createdAt',
      '-createdAt',
      'lastLoginAt',
      '-lastLoginAt',
    ])
    .default('username'),
});
export type CreateUser = z.infer<typeof createUserSchema>;
export type UpdateUser = z.infer<typeof updateUserSchema>;
export type ListUsersQuery = z.infer<typeof listUsersQuerySchema>;

export const updateProfileSchema = z
  .object({
    displayName: displayNameSchema.optional(),
    email: emailSchema.nullable().optional(),
    preferences: preferencesSchema.partial().strict().optional(),
  })
  .strict();
export const changePasswordSchema = z
  .object({ currentPassword: z.string().min(1).max(256), newPassword: passwordSchema })
  .strict();
export type UpdateProfile = z.infer<typeof updateProfileSchema>;

export const tenantStatusSchema = z.enum(['active', 'suspended']);
export const tenantSchema = z.object({
  id: uuidSchema,
  name: z.string(),
  slug: z.string(),
  status: tenantStatusSchema,
  settings: z.record(z.string(), z.unknown()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Tenant = z.infer<typeof tenantSchema>;
export const tenantSettingsSchema = z
  .record(z.string().max(64), z.unknown())
  .refine(
    (settings) => JSON.stringify(settings).length <= 16_384,
    'settings are at most 16 KB of JSON',
  );
export const createTenantSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes'),
    settings: tenantSettingsSchema.optional(),
  })
  .strict();
export const updateTenantSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    settings: tenantSettingsSchema.optional(),
  })
  .strict();
export const listTenantsQuerySchema = paginationQuerySchema.extend({
  search: z.string().trim().max(100).optional(),
  status: tenantStatusSchema.optional(),
});
export type CreateTenant = z.infer<typeof createTenantSchema>;
export type UpdateTenant = z.infer<typeof updateTenantSchema>;
export type ListTenantsQuery = z.infer<typeof listTenantsQuerySchema>;

export const auditEntrySchema = z.object({
  id: z.string(),
  tenantId: uuidSchema.nullable(),
  userId: uuidSchema.nullable(),
  action: z.string(),
  resourceType: z.string().nullable(),
  resourceId: z.string().nullable(),
  oldValues: z.unknown().nullable(),
  newValues: z.unknown().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export const listAuditQuerySchema = paginationQuerySchema.extend({
  userId: uuidSchema.optional(),
  action: z.string().max(64).optional(),
  resourceType: z.string().max(64).optional(),
  resourceId: z.string().max(128).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type ListAuditQuery = z.infer<typeof listAuditQuerySchema>;
export const exportAuditQuerySchema = listAuditQuerySchema.omit({ page: true, limit: true });
