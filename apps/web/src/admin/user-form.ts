import {
  createUserSchema,
  updateUserSchema,
  type CreateUser,
  type Role,
  type UpdateUser,
  type User,
} from '@ecogrid/contracts';

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Admin',
  operator: 'Operator',
  viewer: 'Viewer',
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: 'manages users, sites, devices and reads the audit log',
  operator: 'sees dashboards and sends device commands',
  viewer: 'reads dashboards, history and exports',
};

/** Admins see every site of the tenant; only operators and viewers may be limited to some. */
export function roleTakesSiteLimits(role: Role): boolean {
  return role !== 'admin';
}

export interface SiteAccessValues {
  role: Role;
  /** false: all sites of the tenant (`siteIds: null`). */
  limitSites: boolean;
  siteIds: readonly string[];
}

export interface CreateUserValues extends SiteAccessValues {
  username: string;
  displayName: string;
  email: string;
  password: string;
  passwordConfirm: string;
}

export type CreateUserField = keyof CreateUserValues | 'form';
export type FieldErrors<F extends string> = Partial<Record<F, string>>;

export const emptyCreateUserValues: CreateUserValues = {
  username: '',
  displayName: '',
  email: '',
  role: 'viewer',
  limitSites: false,
  siteIds: [],
  password: '',
  passwordConfirm: '',
};

function siteIdsOf(values: SiteAccessValues): string[] | null {
  if (!roleTakesSiteLimits(values.role) || !values.limitSites) return null;
  return [...values.siteIds];
}

function siteLimitError(values: SiteAccessValues): string | undefined {
  if (roleTakesSiteLimits(values.role) && values.limitSites && values.siteIds.length === 0) {
    return 'Choose at least one site, or give access to all sites';
  }
  return undefined;
}

/** Schema issues → one message per form field (the first issue of each wins). */
function issuesToFields<F extends string>(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  fields: readonly F[],
  errors: FieldErrors<F | 'form'>,
): void {
  for (const issue of issues) {
    const head = issue.path[0];
    const field = fields.find((name) => name === head) ?? 'form';
    errors[field] ??= issue.message;
  }
}

const CREATE_FIELDS = [
  'username',
  'displayName',
  'email',
  'role',
  'siteIds',
  'password',
] as const satisfies readonly CreateUserField[];

export type CreateUserResult =
  { ok: true; body: CreateUser } | { ok: false; errors: FieldErrors<CreateUserField> };

export function validateCreateUser(values: CreateUserValues): CreateUserResult {
  const errors: FieldErrors<CreateUserField> = {};
  const email = values.email.trim();
  const candidate = {
    username: values.username.trim(),
    displayName: values.displayName,
    role: values.role,
    password: values.password,
    siteIds: siteIdsOf(values),
    ...(email ? { email } : {}),
  };
  const parsed = createUserSchema.safeParse(candidate);
  if (!parsed.success) issuesToFields(parsed.error.issues, CREATE_FIELDS, errors);
  const limit = siteLimitError(values);
  if (limit) errors.siteIds ??= limit;
  if (values.password && values.password !== values.passwordConfirm) {
    errors.passwordConfirm = 'The passwords differ';
  }
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, body: parsed.data };
}

export interface EditUserValues extends SiteAccessValues {
  displayName: string;
  email: string;
}

export type EditUserField = keyof EditUserValues | 'form';

export function editValuesOf(user: User): EditUserValues {
  return {
    displayName: user.displayName,
    email: user.email ?? '',
    role: user.role ?? 'viewer',
    limitSites: user.siteIds !== null,
    siteIds: user.siteIds ?? [],
  };
}

const EDIT_FIELDS = [
  'displayName',
  'email',
  'role',
  'siteIds',
] as const satisfies readonly EditUserField[];

export type EditUserResult =
  | { ok: true; body: UpdateUser; changed: boolean }
  | { ok: false; errors: FieldErrors<EditUserField> };

/** Only what changed is sent, so an edit never overwrites another admin's change to other fields. */
export function validateEditUser(user: User, values: EditUserValues): EditUserResult {
  const errors: FieldErrors<EditUserField> = {};
  const change: UpdateUser = {};
  if (values.displayName.trim() !== user.displayName) change.displayName = values.displayName;
  const email = values.email.trim() || null;
  if (email !== user.email) change.email = email;
  if (values.role !== user.role) change.role = values.role;
  const siteIds = siteIdsOf(values);
  if (!sameSites(siteIds, user.siteIds)) change.siteIds = siteIds;

  const parsed = updateUserSchema.safeParse(change);
  if (!parsed.success) issuesToFields(parsed.error.issues, EDIT_FIELDS, errors);
  const limit = siteLimitError(values);
  if (limit) errors.siteIds ??= limit;
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, body: parsed.data, changed: Object.keys(parsed.data).length > 0 };
}

function sameSites(first: readonly string[] | null, second: readonly string[] | null): boolean {
  if (first === null || second === null) return first === second;
  if (first.length !== second.length) return false;
  const set = new Set(first);
  return second.every((id) => set.has(id));
}

/**
 * The server's validation details name fields as `body.username`; the form shows each on its
 * input, anything else above the form.
 */
export function serverFieldErrors<F extends string>(
  details: readonly { field: string; message: string }[] | undefined,
  fields: readonly F[],
): FieldErrors<F | 'form'> {
  const errors: FieldErrors<F | 'form'> = {};
  for (const detail of details ?? []) {
    const name = detail.field.replace(/^body\./, '').split('.')[0];
    const field = fields.find((candidate) => candidate === name) ?? 'form';
    errors[field] ??= detail.message;
  }
  return errors;
}

/** What the caller may do to this user; the server refuses the rest, the page does not offer it. */
export function userActions(user: User, currentUserId: string | undefined) {
  const self = user.id === currentUserId;
  return {
    edit: true,
    changeRole: !self,
    block: !self && !user.blocked,
    unblock: !self && user.blocked,
    remove: !self,
  };
}

export function siteLimitSummary(
  siteIds: readonly string[] | null,
  siteNames: ReadonlyMap<string, string>,
): string {
  if (siteIds === null) return 'All sites';
  if (siteIds.length === 0) return 'No sites';
  const names = siteIds.map((id) => siteNames.get(id) ?? 'Unknown site');
  return names.length <= 2
    ? names.join(', ')
    : `${names.slice(0, 2).join(', ')} +${names.length - 2}`;
}
