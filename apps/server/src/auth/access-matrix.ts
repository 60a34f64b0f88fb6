import type { Role } from '@ecogrid/contracts';

/**
 * Who may call each route: the single table the guard enforces, the tests walk, and
 * docs/ROLE_MATRIX.md is generated from (`npm run docs:roles`).
 * - public: anyone, no token;
 * - platform: platform admins only;
 * - tenant roles: users of a tenant with one of `roles`; platform admins too when `platformAdmin`.
 *   With `tenant: true` the route works inside one tenant: a platform admin names it with the
 *   `X-Tenant-Id` header.
 */
export type AccessRule =
  | {
      readonly kind: 'public';
      /** Who the route is for when it checks a credential of its own (shown in the role matrix). */
      readonly note?: string;
    }
  /** A device, with its own credentials (HTTP Basic: device id and secret); no user may. */
  | { readonly kind: 'device' }
  | { readonly kind: 'platform' }
  | {
      readonly kind: 'roles';
      readonly roles: readonly Role[];
      readonly platformAdmin: boolean;
      readonly tenant: boolean;
    };

const PUBLIC: AccessRule = { kind: 'public' };
const DEVICE: AccessRule = { kind: 'device' };
const PLATFORM: AccessRule = { kind: 'platform' };
/** Any signed-in user, about themselves. */
const SELF: AccessRule = {
  kind: 'roles',
  roles: ['admin', 'operator', 'viewer'],
  platformAdmin: true,
  tenant: false,
};
const TENANT_ADMIN: AccessRule = {
  kind: 'roles',
  roles: ['admin'],
  platformAdmin: true,
  tenant: true,
};

/**
 * The external MQTT broker's auth hook (mqtt/broker-hook.controller.ts). Neither a user nor a device
 * calls it but the broker, with a deployment secret (MQTT_AUTH_HOOK_SECRET) rather than an identity
 * the guard knows, so the guard lets it through as public and the hook's own guard checks the
 * secret: 404 while it is unset (the hook is switched off, as if the route did not exist), 401
 * without it. A new kind would have the one guard answer for a credential that is configuration,
 * not a principal.
 */
const MQTT_BROKER: AccessRule = {
  kind: 'public',
  note: 'the MQTT broker (Bearer MQTT_AUTH_HOOK_SECRET; 404 while unset)',
};

/** Device commands: operators and admins of the tenant (site-limited users on their sites). */
const TENANT_OPERATE: AccessRule = {
  kind: 'roles',
  roles: ['admin', 'operator'],
  platformAdmin: true,
  tenant: true,
};

/** Read access inside a tenant (viewers and operators limited to their sites, in the data layer). */
const TENANT_READ: AccessRule = {
  kind: 'roles',
  roles: ['admin', 'operator', 'viewer'],
  platformAdmin: true,
  tenant: true,
};

export const ACCESS_MATRIX = {
  'GET /api/health': PUBLIC,
  'GET /api/health/ready': PUBLIC,
  'GET /metrics': PUBLIC,

  'POST /api/v1/auth/login': PUBLIC,
  'POST /api/v1/auth/refresh': PUBLIC,
  'POST /api/v1/auth/logout': SELF,
  'POST /api/v1/auth/logout-all': SELF,

  'GET /api/v1/me': SELF,
  'PATCH /api/v1/me': SELF,
  'POST /api/v1/me/password': SELF,

  'GET /api/v1/tenants': PLATFORM,
  'POST /api/v1/tenants': PLATFORM,
  'GET /api/v1/tenants/:id': PLATFORM,
  'PATCH /api/v1/tenants/:id': PLATFORM,
  'POST /api/v1/tenants/:id/suspend': PLATFORM,
  'POST /api/v1/tenants/:id/activate': PLATFORM,

  'GET /api/v1/users': TENANT_ADMIN,
  'POST /api/v1/users': TENANT_ADMIN,
  'GET /api/v1/users/:id': TENANT_ADMIN,
  'PATCH /api/v1/users/:id': TENANT_ADMIN,
  'DELETE /api/v1/users/:id': TENANT_ADMIN,
  'POST /api/v1/users/:id/block': TENANT_ADMIN,
  'POST /api/v1/users/:id/unblock': TENANT_ADMIN,

  'GET /api/v1/sites': TENANT_READ,
  'POST /api/v1/sites': TENANT_ADMIN,
  'GET /api/v1/sites/:id': TENANT_READ,
  'PATCH /api/v1/sites/:id': TENANT_ADMIN,
  'DELETE /api/v1/sites/:id': TENANT_ADMIN,

  'GET /api/v1/devices': TENANT_READ,
  'POST /api/v1/devices': TENANT_ADMIN,
  'POST /api/v1/devices/import': TENANT_ADMIN,
  'POST /api/v1/devices/tags': TENANT_ADMIN,
  'GET /api/v1/devices/:id': TENANT_READ,
  'PATCH /api/v1/devices/:id': TENANT_ADMIN,
  'DELETE /api/v1/devices/:id': TENANT_ADMIN,
  'POST /api/v1/devices/:id/credentials': TENANT_ADMIN,

  'GET /api/v1/devices/:id/telemetry': TENANT_READ,
  'GET /api/v1/devices/:id/latest': TENANT_READ,
  'GET /api/v1/sites/:id/energy': TENANT_READ,
  'GET /api/v1/fleet/summary': TENANT_READ,
  'GET /api/v1/ingest/dead-letters': TENANT_ADMIN,

  'POST /api/v1/devices/:id/commands': TENANT_OPERATE,
  'GET /api/v1/devices/:id/commands': TENANT_READ,
  'GET /api/v1/sites/:id/commands': TENANT_READ,
  'POST /api/v1/commands/bulk': TENANT_OPERATE,
  'GET /api/v1/commands/:id': TENANT_READ,

  'POST /api/v1/ingest': DEVICE,
  'POST /api/v1/mqtt/auth': MQTT_BROKER,
  'POST /api/v1/mqtt/acl': MQTT_BROKER,

  'GET /api/v1/audit': TENANT_ADMIN,
  'GET /api/v1/audit/export': TENANT_ADMIN,
} as const satisfies Record<string, AccessRule>;

export type RouteKey = keyof typeof ACCESS_MATRIX;

export function accessRuleOf(key: string): AccessRule | undefined {
  return (ACCESS_MATRIX as Record<string, AccessRule>)[key];
}

/** One line of the documented table: who may call the route. */
export function describeRule(rule: AccessRule): string {
  switch (rule.kind) {
    case 'public':
      return rule.note ?? 'anyone (no token)';
    case 'device':
      return 'a device (its own credentials)';
    case 'platform':
      return 'platform admin';
    case 'roles': {
      const who = [...rule.roles, ...(rule.platformAdmin ? ['platform admin'] : [])].join(', ');
      return rule.tenant ? `${who} (in a tenant)` : who;
    }
  }
}
