import { listAuditQuerySchema, type ListAuditQuery } from '@ecogrid/contracts';

/**
 * The audit log's filters as the form holds them. Times come from `datetime-local` inputs, read
 * in the browser's timezone and sent as UTC instants.
 */
export interface AuditFilters {
  userId: string;
  action: string;
  resourceType: string;
  resourceId: string;
  /** `YYYY-MM-DDTHH:mm`, local time, or '' */
  from: string;
  to: string;
}

export const emptyAuditFilters: AuditFilters = {
  userId: '',
  action: '',
  resourceType: '',
  resourceId: '',
  from: '',
  to: '',
};

export type AuditFilterField = keyof AuditFilters;
export type AuditQuery = Omit<ListAuditQuery, 'page' | 'limit'>;

export type AuditQueryResult =
  | { ok: true; query: AuditQuery }
  | { ok: false; errors: Partial<Record<AuditFilterField, string>> };

export function localToIso(local: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(local)) return null;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The filters the server takes (empty ones left out), or what is wrong with each. */
export function toAuditQuery(filters: AuditFilters): AuditQueryResult {
  const errors: Partial<Record<AuditFilterField, string>> = {};
  const query: Record<string, string> = {};
  for (const field of ['userId', 'action', 'resourceType', 'resourceId'] as const) {
    const value = filters[field].trim();
    if (value) query[field] = value;
  }
  for (const field of ['from', 'to'] as const) {
    if (!filters[field]) continue;
    const iso = localToIso(filters[field]);
    if (iso === null) errors[field] = 'Enter a date and time';
    else query[field] = iso;
  }
  if (query['from'] && query['to'] && Date.parse(query['from']) >= Date.parse(query['to'])) {
    errors.to = 'Must be after "from"';
  }
  const parsed = listAuditQuerySchema.omit({ page: true, limit: true }).safeParse(query);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as AuditFilterField | undefined;
      if (field && field in emptyAuditFilters) errors[field] ??= messageFor(field, issue.message);
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, query: parsed.data };
}

function messageFor(field: AuditFilterField, message: string): string {
  return field === 'userId' ? 'A user id looks like 3f2c…-…; pick one from the list' : message;
}

export function isFiltered(filters: AuditFilters): boolean {
  const fields = Object.keys(emptyAuditFilters) as AuditFilterField[];
  return fields.some((field) => filters[field].trim() !== '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A short summary of what an entry changed: the keys whose values differ for an update, or what
 * happened to the whole record when there is only a before or an after.
 */
export function changeSummary(oldValues: unknown, newValues: unknown): string | null {
  if (isRecord(oldValues) && isRecord(newValues)) {
    const keys = new Set([...Object.keys(oldValues), ...Object.keys(newValues)]);
    const changed = [...keys].filter(
      (key) => JSON.stringify(oldValues[key]) !== JSON.stringify(newValues[key]),
    );
    return changed.length > 0 ? changed.join(', ') : 'no change';
  }
  if (isRecord(newValues)) return 'new values';
  if (isRecord(oldValues)) return 'removed values';
  if (oldValues === null && newValues === null) return null;
  return 'details';
}

/** A filename with the time of the export, like the server's own. */
export function auditExportFilename(now: Date): string {
  return `audit-${now.toISOString().slice(0, 19).replace(/[:T]/g, '-')}.csv`;
}
