import { ROLES, listUsersQuerySchema, type Role, type User } from '@ecogrid/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useSession } from '../auth/session';
import { siteNameMap, useSiteOptions } from '../devices/devices-api';
import {
  Button,
  Card,
  ConfirmDialog,
  CsvButton,
  DataTable,
  Page,
  SelectField,
  StatusBadge,
  TextField,
  csvFilename,
  describeError,
  formatDateTime,
  toCsv,
  type Column,
  type CsvColumn,
} from '../ui';
import { AdminGuard } from './AdminGuard';
import {
  deleteUser,
  fetchAllUsers,
  setUserBlocked,
  userKeys,
  useUsers,
  type UserListFilters,
} from './admin-api';
import { UserEditor, type EditorMode } from './UserEditor';
import { ROLE_LABELS, siteLimitSummary, userActions } from './user-form';

const PAGE_SIZE = 20;
const TYPING_DELAY_MS = 300;

type Pending = { kind: 'delete' | 'block'; user: User } | null;

export function UsersPage() {
  return (
    <AdminGuard capability="users:manage" title="Users">
      <UsersScreen />
    </AdminGuard>
  );
}

function userState(user: User): { status: string; label: string } {
  if (user.blocked) return { status: 'blocked', label: 'Blocked' };
  if (user.lockedUntil && Date.parse(user.lockedUntil) > Date.now()) {
    return { status: 'expired', label: 'Locked' };
  }
  return { status: 'active', label: 'Active' };
}

function UsersScreen() {
  const { profile } = useSession();
  const timeZone = profile?.preferences.timezone;
  const [filters, setFilters] = useState<UserListFilters>({
    search: '',
    role: '',
    blocked: '',
    sort: 'username',
    page: 1,
    limit: PAGE_SIZE,
  });
  const [search, setSearch] = useState('');
  const [editor, setEditor] = useState<EditorMode | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const users = useUsers(filters);
  const sites = useSiteOptions();
  const siteNames = useMemo(() => siteNameMap(sites.data), [sites.data]);
  const queryClient = useQueryClient();

  useEffect(() => {
    const timer = setTimeout(() => {
      setFilters((current) =>
        current.search === search ? current : { ...current, search, page: 1 },
      );
    }, TYPING_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search]);

  const refresh = () => void queryClient.invalidateQueries({ queryKey: userKeys.all });

  const block = useMutation({
    mutationFn: setUserBlocked,
    onSuccess: (user) => {
      setNotice(
        `${user.username} is ${user.blocked ? 'blocked; their sessions ended' : 'unblocked'}.`,
      );
      setPending(null);
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: deleteUser,
    onSuccess: (_result, id) => {
      const user = pending?.user;
      setNotice(`${user?.id === id ? user.username : 'The user'} was deleted.`);
      setPending(null);
      if (editor?.kind === 'edit' && editor.user.id === id) setEditor(null);
      refresh();
    },
  });

  const change = (next: Partial<UserListFilters>) =>
    setFilters((current) => ({ ...current, ...next, page: next.page ?? 1 }));

  const columns: Column<User>[] = [
    {
      key: 'username',
      header: 'User',
      sortKey: 'username',
      cell: (user) => (
        <span className="flex flex-col">
          <span className="font-medium">{user.displayName}</span>
          <span className="text-xs text-slate-500 dark:text-slate-400">{user.username}</span>
        </span>
      ),
    },
    { key: 'email', header: 'Email', hideOnPhone: true, cell: (user) => user.email ?? '—' },
    {
      key: 'role',
      header: 'Role',
      cell: (user) => (user.role ? ROLE_LABELS[user.role] : 'Platform admin'),
    },
    {
      key: 'sites',
      header: 'Sites',
      hideOnPhone: true,
      cell: (user) => siteLimitSummary(user.siteIds, siteNames),
    },
    {
      key: 'status',
      header: 'Status',
      cell: (user) => {
        const state = userState(user);
        return <StatusBadge status={state.status} label={state.label} />;
      },
    },
    {
      key: 'lastLoginAt',
      header: 'Last sign-in',
      sortKey: 'lastLoginAt',
      hideOnPhone: true,
      cell: (user) => (user.lastLoginAt ? formatDateTime(user.lastLoginAt, timeZone) : 'never'),
    },
    {
      key: 'actions',
      header: 'Actions',
      cell: (user) => {
        const actions = userActions(user, profile?.id);
        return (
          <span className="flex flex-wrap justify-end gap-1 sm:justify-start">
            <Button
              size="sm"
              aria-label={`Edit ${user.username}`}
              onClick={() => {
                setNotice(null);
                setEditor({ kind: 'edit', user });
              }}
            >
              Edit
            </Button>
            {actions.block && (
              <Button
                size="sm"
                aria-label={`Block ${user.username}`}
                onClick={() => setPending({ kind: 'block', user })}
              >
                Block
              </Button>
            )}
            {actions.unblock && (
              <Button
                size="sm"
                aria-label={`Unblock ${user.username}`}
                disabled={block.isPending}
                onClick={() => block.mutate({ id: user.id, blocked: false })}
              >
                Unblock
              </Button>
            )}
            {actions.remove && (
              <Button
                size="sm"
                variant="danger"
                aria-label={`Delete ${user.username}`}
                onClick={() => setPending({ kind: 'delete', user })}
              >
                Delete
              </Button>
            )}
          </span>
        );
      },
    },
  ];

  const csvColumns: CsvColumn<User>[] = [
    { header: 'id', value: (user) => user.id },
    { header: 'username', value: (user) => user.username },
    { header: 'displayName', value: (user) => user.displayName },
    { header: 'email', value: (user) => user.email },
    { header: 'role', value: (user) => user.role },
    { header: 'sites', value: (user) => siteLimitSummary(user.siteIds, siteNames) },
    { header: 'siteIds', value: (user) => (user.siteIds ? user.siteIds.join(';') : '') },
    { header: 'blocked', value: (user) => user.blocked },
    { header: 'lastLoginAt', value: (user) => user.lastLoginAt },
    { header: 'createdAt', value: (user) => user.createdAt },
  ];

  const sort = filters.sort.startsWith('-')
    ? { key: filters.sort.slice(1), direction: 'desc' as const }
    : { key: filters.sort, direction: 'asc' as const };
  const filtered = filters.search.trim() !== '' || filters.role !== '' || filters.blocked !== '';
  const actionError = block.error ?? remove.error;

  return (
    <Page
      title="Users"
      description="Who may sign in to this organisation, with which role and on which sites."
      actions={
        <>
          <Button
            variant="primary"
            onClick={() => {
              setNotice(null);
              setEditor({ kind: 'create' });
            }}
          >
            New user
          </Button>
          <CsvButton
            label="users"
            filename={csvFilename('users')}
            csv={async () =>
              toCsv(
                await fetchAllUsers({
                  search: filters.search,
                  role: filters.role,
                  blocked: filters.blocked,
                  sort: filters.sort,
                }),
                csvColumns,
              )
            }
          />
        </>
      }
    >
      {editor && (
        <UserEditor
          mode={editor}
          currentUserId={profile?.id}
          sites={sites.data}
          sitesError={sites.isError}
          onClose={() => setEditor(null)}
          onSaved={(user, created) => {
            setEditor(null);
            setNotice(created ? `${user.username} was created.` : `${user.username} was saved.`);
            refresh();
          }}
        />
      )}
      {notice && (
        <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
          {notice}
        </p>
      )}
      {actionError && !pending && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {describeError(actionError)}
        </p>
      )}

      <Card>
        <div role="search" aria-label="Filter users" className="mb-3 grid gap-3 sm:grid-cols-3">
          <TextField
            label="Search"
            type="search"
            placeholder="Username, name or email"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
          <SelectField
            label="Role"
            value={filters.role}
            onChange={(event) => change({ role: event.target.value as Role | '' })}
          >
            <option value="">All roles</option>
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {ROLE_LABELS[role]}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Status"
            value={filters.blocked}
            onChange={(event) =>
              change({ blocked: event.target.value as UserListFilters['blocked'] })
            }
          >
            <option value="">Everyone</option>
            <option value="false">Active</option>
            <option value="true">Blocked</option>
          </SelectField>
        </div>
        <DataTable
          caption="Users"
          columns={columns}
          rows={users.data?.data}
          rowKey={(user) => user.id}
          loading={users.isFetching}
          error={users.isError ? users.error : undefined}
          onRetry={() => void users.refetch()}
          emptyTitle={filtered ? 'No users match these filters' : 'No users yet'}
          sort={sort}
          onSortChange={(next) => {
            const value = listUsersQuerySchema.shape.sort.safeParse(
              next.direction === 'desc' ? `-${next.key}` : next.key,
            );
            if (value.success) change({ sort: value.data });
          }}
          pagination={users.data?.pagination}
          onPageChange={(page) => change({ page })}
        />
      </Card>

      <ConfirmDialog
        open={pending !== null}
        title={
          pending?.kind === 'delete'
            ? `Delete ${pending.user.username}?`
            : `Block ${pending?.user.username ?? ''}?`
        }
        destructive
        confirmLabel={pending?.kind === 'delete' ? 'Delete user' : 'Block user'}
        busy={block.isPending || remove.isPending}
        onConfirm={() => {
          if (!pending) return;
          if (pending.kind === 'delete') remove.mutate(pending.user.id);
          else block.mutate({ id: pending.user.id, blocked: true });
        }}
        onCancel={() => {
          setPending(null);
          block.reset();
          remove.reset();
        }}
      >
        <p>
          {pending?.kind === 'delete'
            ? 'The user and their sessions are removed for good; audit entries keep their id.'
            : 'They are signed out everywhere at once and cannot sign in until unblocked.'}
        </p>
        {(block.isError || remove.isError) && (
          <p role="alert" className="mt-2 text-red-700 dark:text-red-300">
            {describeError(block.error ?? remove.error)}
          </p>
        )}
      </ConfirmDialog>
    </Page>
  );
}
