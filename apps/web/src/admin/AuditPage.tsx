import type { AuditEntry } from '@ecogrid/contracts';
import { useMemo, useState, type FormEvent } from 'react';
import { useSession } from '../auth/session';
import {
  Button,
  Card,
  CsvButton,
  DataTable,
  Page,
  SelectField,
  TextField,
  formatDateTime,
  type Column,
} from '../ui';
import { AdminGuard } from './AdminGuard';
import { exportAuditCsv, useAudit, useUserOptions } from './admin-api';
import {
  auditExportFilename,
  changeSummary,
  emptyAuditFilters,
  isFiltered,
  toAuditQuery,
  type AuditFilterField,
  type AuditFilters,
  type AuditQuery,
} from './audit-filters';

const PAGE_SIZE = 25;

/** Actions the services record, offered as suggestions; any other text filters too. */
const KNOWN_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.login_refused',
  'auth.lockout',
  'auth.logout',
  'auth.logout_all',
  'auth.password_change',
  'auth.refresh_reuse',
  'profile.update',
  'user.create',
  'user.update',
  'user.role_change',
  'user.block',
  'user.unblock',
  'user.delete',
  'site.create',
  'site.update',
  'site.delete',
  'device.create',
  'device.update',
  'device.delete',
  'device.import',
  'device.bulk_tag',
  'device.rotate_secret',
  'command.create',
  'command.status_changed',
];

export function AuditPage() {
  return (
    <AdminGuard capability="audit:read" title="Audit log">
      <AuditScreen />
    </AdminGuard>
  );
}

function AuditScreen() {
  const { profile } = useSession();
  const timeZone = profile?.preferences.timezone;
  const [draft, setDraft] = useState<AuditFilters>(emptyAuditFilters);
  const [errors, setErrors] = useState<Partial<Record<AuditFilterField, string>>>({});
  const [query, setQuery] = useState<AuditQuery>({});
  const [page, setPage] = useState(1);
  const audit = useAudit(query, page, PAGE_SIZE);
  const users = useUserOptions();
  const userNames = useMemo(
    () => new Map((users.data ?? []).map((user) => [user.id, user.username])),
    [users.data],
  );

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const result = toAuditQuery(draft);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    setQuery(result.query);
    setPage(1);
  };

  const reset = () => {
    setDraft(emptyAuditFilters);
    setErrors({});
    setQuery({});
    setPage(1);
  };

  const set = (field: AuditFilterField, value: string) =>
    setDraft((current) => ({ ...current, [field]: value }));

  const columns: Column<AuditEntry>[] = [
    {
      key: 'createdAt',
      header: 'When',
      cell: (entry) => (
        <span className="whitespace-nowrap">{formatDateTime(entry.createdAt, timeZone)}</span>
      ),
    },
    {
      key: 'user',
      header: 'User',
      cell: (entry) =>
        entry.userId ? (userNames.get(entry.userId) ?? `${entry.userId.slice(0, 8)}…`) : 'system',
    },
    { key: 'action', header: 'Action', cell: (entry) => <code>{entry.action}</code> },
    {
      key: 'resource',
      header: 'Resource',
      cell: (entry) =>
        entry.resourceType
          ? `${entry.resourceType}${entry.resourceId ? ` ${entry.resourceId.slice(0, 8)}` : ''}`
          : '—',
    },
    {
      key: 'changes',
      header: 'Changes',
      hideOnPhone: true,
      cell: (entry) => <AuditChanges entry={entry} />,
    },
    { key: 'ip', header: 'Address', hideOnPhone: true, cell: (entry) => entry.ip ?? '—' },
  ];

  return (
    <Page
      title="Audit log"
      description="Every change in this organisation: who, what, when and from where."
      actions={
        <CsvButton
          label="audit log"
          filename={auditExportFilename(new Date())}
          csv={() => exportAuditCsv(query)}
        />
      }
    >
      <Card>
        <form
          role="search"
          aria-label="Filter the audit log"
          onSubmit={apply}
          noValidate
          className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3"
        >
          <SelectField
            label="User"
            value={draft.userId}
            error={errors.userId}
            onChange={(event) => set('userId', event.target.value)}
          >
            <option value="">Anyone</option>
            {(users.data ?? []).map((user) => (
              <option key={user.id} value={user.id}>
                {user.username}
              </option>
            ))}
          </SelectField>
          <TextField
            label="Action"
            list="audit-actions"
            placeholder="e.g. user.create"
            value={draft.action}
            error={errors.action}
            onChange={(event) => set('action', event.target.value)}
          />
          <datalist id="audit-actions">
            {KNOWN_ACTIONS.map((action) => (
              <option key={action} value={action} />
            ))}
          </datalist>
          <TextField
            label="Resource type"
            placeholder="e.g. user, device"
            value={draft.resourceType}
            error={errors.resourceType}
            onChange={(event) => set('resourceType', event.target.value)}
          />
          <TextField
            label="Resource id"
            value={draft.resourceId}
            error={errors.resourceId}
            onChange={(event) => set('resourceId', event.target.value)}
          />
          <TextField
            label="From"
            type="datetime-local"
            value={draft.from}
            error={errors.from}
            onChange={(event) => set('from', event.target.value)}
          />
          <TextField
            label="To"
            type="datetime-local"
            value={draft.to}
            error={errors.to}
            onChange={(event) => set('to', event.target.value)}
          />
          <div className="flex flex-wrap gap-2 sm:col-span-2 lg:col-span-3">
            <Button type="submit" variant="primary">
              Apply filters
            </Button>
            {(isFiltered(draft) || Object.keys(query).length > 0) && (
              <Button onClick={reset}>Reset</Button>
            )}
          </div>
        </form>
      </Card>
      <Card>
        <DataTable
          caption="Audit entries"
          columns={columns}
          rows={audit.data?.data}
          rowKey={(entry) => entry.id}
          loading={audit.isFetching}
          error={audit.isError ? audit.error : undefined}
          onRetry={() => void audit.refetch()}
          emptyTitle={
            Object.keys(query).length > 0 ? 'No entries match these filters' : 'No entries yet'
          }
          pagination={audit.data?.pagination}
          onPageChange={setPage}
        />
      </Card>
    </Page>
  );
}

function AuditChanges({ entry }: { entry: AuditEntry }) {
  const summary = changeSummary(entry.oldValues, entry.newValues);
  if (summary === null) return <>—</>;
  return (
    <details>
      <summary className="cursor-pointer">{summary}</summary>
      <div className="mt-1 grid gap-1 text-xs">
        {entry.oldValues !== null && (
          <pre className="max-w-md overflow-x-auto rounded bg-slate-100 p-2 dark:bg-slate-800">
            before: {JSON.stringify(entry.oldValues, null, 2)}
          </pre>
        )}
        {entry.newValues !== null && (
          <pre className="max-w-md overflow-x-auto rounded bg-slate-100 p-2 dark:bg-slate-800">
            after: {JSON.stringify(entry.newValues, null, 2)}
          </pre>
        )}
      </div>
    </details>
  );
}
