import {
  MAX_PAGE_LIMIT,
  type AuditEntry,
  type CreateUser,
  type ListUsersQuery,
  type Pagination,
  type Role,
  type UpdateUser,
  type User,
} from '@ecogrid/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, data, fetchCsv } from '../api/client';
import type { AuditQuery } from './audit-filters';

export interface UserListFilters {
  search: string;
  role: Role | '';
  blocked: '' | 'true' | 'false';
  sort: ListUsersQuery['sort'];
  page: number;
  limit: number;
}

export const userKeys = {
  all: ['users'] as const,
  list: (filters: UserListFilters) => ['users', 'list', filters] as const,
  options: ['users', 'options'] as const,
};

export const auditKeys = {
  list: (query: AuditQuery, page: number, limit: number) =>
    ['audit', 'list', query, page, limit] as const,
};

export function fetchUsers(
  filters: UserListFilters,
): Promise<{ data: User[]; pagination: Pagination }> {
  const search = filters.search.trim();
  return data(
    api.GET('/api/v1/users', {
      params: {
        query: {
          page: filters.page,
          limit: filters.limit,
          sort: filters.sort,
          ...(search ? { search } : {}),
          ...(filters.role ? { role: filters.role } : {}),
          ...(filters.blocked ? { blocked: filters.blocked } : {}),
        },
      },
    }),
  );
}

export function useUsers(filters: UserListFilters) {
  return useQuery({
    queryKey: userKeys.list(filters),
    queryFn: () => fetchUsers(filters),
    placeholderData: keepPreviousData,
  });
}

/** Every user of the tenant, for pickers and names in the audit log (bounded). */
const MAX_USER_PAGES = 20;

export async function fetchAllUsers(
  base: Omit<UserListFilters, 'page' | 'limit'> = {
    search: '',
    role: '',
    blocked: '',
    sort: 'username',
  },
): Promise<User[]> {
  const users: User[] = [];
  for (let page = 1; page <= MAX_USER_PAGES; page++) {
    const result = await fetchUsers({ ...base, page, limit: MAX_PAGE_LIMIT });
    users.push(...result.data);
    if (page >= result.pagination.totalPages) break;
  }
  return users;
}

export function useUserOptions(enabled = true) {
  return useQuery({
    queryKey: userKeys.options,
    queryFn: () => fetchAllUsers(),
    staleTime: 60_000,
    enabled,
  });
}

export function createUser(body: CreateUser): Promise<User> {
  return data(api.POST('/api/v1/users', { body }));
}

export function updateUser({ id, body }: { id: string; body: UpdateUser }): Promise<User> {
  return data(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body }));
}

export function setUserBlocked({ id, blocked }: { id: string; blocked: boolean }): Promise<User> {
  const options = { params: { path: { id } } };
  return data(
    blocked
      ? api.POST('/api/v1/users/{id}/block', options)
      : api.POST('/api/v1/users/{id}/unblock', options),
  );
}

export async function deleteUser(id: string): Promise<void> {
  await data(api.DELETE('/api/v1/users/{id}', { params: { path: { id } } }));
}

export function fetchAudit(
  query: AuditQuery,
  page: number,
  limit: number,
): Promise<{ data: AuditEntry[]; pagination: Pagination }> {
  return data(api.GET('/api/v1/audit', { params: { query: { ...query, page, limit } } }));
}

export function useAudit(query: AuditQuery, page: number, limit: number) {
  return useQuery({
    queryKey: auditKeys.list(query, page, limit),
    queryFn: () => fetchAudit(query, page, limit),
    placeholderData: keepPreviousData,
  });
}

/** The server's own CSV of every entry matching the filters (not only the page shown). */
export function exportAuditCsv(query: AuditQuery): Promise<string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'string' && value) params[key] = value;
  }
  return fetchCsv('/api/v1/audit/export', params);
}
