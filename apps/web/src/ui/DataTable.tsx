import { useId, type ReactNode } from 'react';
import { Button, focusRing } from './Button';
import { EmptyState, ErrorState, LoadingState } from './states';

export type SortDirection = 'asc' | 'desc';
export interface SortState {
  key: string;
  direction: SortDirection;
}

/** `-name` ↔ `{ key: 'name', direction: 'desc' }`, as the API's `sort` parameters spell it. */
export function parseSort(value: string): SortState {
  return value.startsWith('-')
    ? { key: value.slice(1), direction: 'desc' }
    : { key: value, direction: 'asc' };
}
export function formatSort(sort: SortState): string {
  return sort.direction === 'desc' ? `-${sort.key}` : sort.key;
}

export interface Column<Row> {
  /** Unique within the table. */
  key: string;
  header: string;
  cell: (row: Row) => ReactNode;
  /** Set when the column can be sorted by: the key passed to onSortChange. */
  sortKey?: string;
  align?: 'left' | 'right';
  /** Hidden on phones where the column adds little (the stacked view still lists the others). */
  hideOnPhone?: boolean;
}

export interface PaginationState {
  page: number;
  totalPages: number;
  total: number;
  limit: number;
}

export interface DataTableProps<Row> {
  /** The table's accessible name (a visually hidden caption). */
  caption: string;
  columns: readonly Column<Row>[];
  rows: readonly Row[] | undefined;
  rowKey: (row: Row) => string;
  loading?: boolean;
  error?: unknown;
  onRetry?: () => void;
  /** Shown when there are no rows (e.g. "No devices match these filters"). */
  emptyTitle?: string;
  emptyHint?: ReactNode;
  sort?: SortState;
  onSortChange?: (sort: SortState) => void;
  pagination?: PaginationState;
  onPageChange?: (page: number) => void;
  /** Row selection by key; a header checkbox selects the rows shown. */
  selection?: ReadonlySet<string>;
  onSelectionChange?: (selection: Set<string>) => void;
  /** A short label per row for the selection checkbox ("Select Inverter 1"). */
  rowLabel?: (row: Row) => string;
}

function SortButton({
  column,
  sort,
  onSortChange,
}: {
  column: Column<unknown>;
  sort: SortState | undefined;
  onSortChange: (sort: SortState) => void;
}) {
  const active = sort?.key === column.sortKey;
  const next: SortDirection = active && sort?.direction === 'asc' ? 'desc' : 'asc';
  return (
    <button
      type="button"
      className={`inline-flex items-center gap-1 rounded font-semibold hover:text-emerald-700 dark:hover:text-emerald-300 ${focusRing}`}
      onClick={() => onSortChange({ key: column.sortKey!, direction: next })}
    >
      {column.header}
      <span aria-hidden="true" className="text-xs">
        {active ? (sort?.direction === 'asc' ? '▲' : '▼') : '↕'}
      </span>
      <span className="sr-only">
        {active ? `, sorted ${sort?.direction === 'asc' ? 'ascending' : 'descending'}` : ''}, sort{' '}
        {next === 'asc' ? 'ascending' : 'descending'}
      </span>
    </button>
  );
}

/**
 * A table with server-driven sort and pagination, optional row selection, and its loading, error
 * and empty states. On phones each row stacks into a card of label: value lines.
 */
export function DataTable<Row>({
  caption,
  columns,
  rows,
  rowKey,
  loading = false,
  error,
  onRetry,
  emptyTitle = 'Nothing here yet',
  emptyHint,
  sort,
  onSortChange,
  pagination,
  onPageChange,
  selection,
  onSelectionChange,
  rowLabel,
}: DataTableProps<Row>) {
  const captionId = useId();
  if (error) return <ErrorState error={error} onRetry={onRetry} />;
  if (loading && !rows) return <LoadingState />;
  const shown = rows ?? [];
  const selectable = selection !== undefined && onSelectionChange !== undefined;
  const shownKeys = shown.map(rowKey);
  const allSelected = shownKeys.length > 0 && shownKeys.every((key) => selection?.has(key));
  const someSelected = shownKeys.some((key) => selection?.has(key));

  const toggleAll = () => {
    if (!onSelectionChange) return;
    const next = new Set(selection);
    for (const key of shownKeys) {
      if (allSelected) next.delete(key);
      else next.add(key);
    }
    onSelectionChange(next);
  };
  const toggle = (key: string) => {
    if (!onSelectionChange) return;
    const next = new Set(selection);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    onSelectionChange(next);
  };

  return (
    <div className="min-w-0">
      {shown.length === 0 ? (
        <EmptyState title={emptyTitle}>{emptyHint}</EmptyState>
      ) : (
        <div className="overflow-x-auto max-sm:overflow-visible" aria-busy={loading}>
          <table
            aria-labelledby={captionId}
            className="w-full border-collapse text-left text-sm max-sm:block"
          >
            <caption id={captionId} className="sr-only">
              {caption}
            </caption>
            <thead className="border-b border-slate-200 text-slate-600 max-sm:sr-only dark:border-slate-700 dark:text-slate-300">
              <tr>
                {selectable && (
                  <th scope="col" className="w-8 px-2 py-2">
                    <input
                      type="checkbox"
                      aria-label="Select all rows on this page"
                      checked={allSelected}
                      ref={(input) => {
                        if (input) input.indeterminate = someSelected && !allSelected;
                      }}
                      onChange={toggleAll}
                      className="size-4 accent-emerald-600"
                    />
                  </th>
                )}
                {columns.map((column) => (
                  <th
                    key={column.key}
                    scope="col"
                    aria-sort={
                      sort && column.sortKey === sort.key
                        ? sort.direction === 'asc'
                          ? 'ascending'
                          : 'descending'
                        : undefined
                    }
                    className={`px-2 py-2 font-semibold whitespace-nowrap ${column.align === 'right' ? 'text-right' : ''} ${column.hideOnPhone ? 'max-sm:hidden' : ''}`}
                  >
                    {column.sortKey && onSortChange ? (
                      <SortButton
                        column={column as Column<unknown>}
                        sort={sort}
                        onSortChange={onSortChange}
                      />
                    ) : (
                      column.header
                    )}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="max-sm:block max-sm:space-y-2">
              {shown.map((row) => {
                const key = rowKey(row);
                const selected = selection?.has(key) ?? false;
                return (
                  <tr
                    key={key}
                    aria-selected={selectable ? selected : undefined}
                    className={`border-b border-slate-100 last:border-0 max-sm:block max-sm:rounded-md max-sm:border max-sm:border-slate-200 max-sm:p-2 dark:border-slate-800 dark:max-sm:border-slate-700 ${selected ? 'bg-emerald-50 dark:bg-emerald-950/40' : ''}`}
                  >
                    {selectable && (
                      <td className="px-2 py-2 max-sm:block max-sm:py-1">
                        <input
                          type="checkbox"
                          aria-label={rowLabel ? `Select ${rowLabel(row)}` : 'Select row'}
                          checked={selected}
                          onChange={() => toggle(key)}
                          className="size-4 accent-emerald-600"
                        />
                      </td>
                    )}
                    {columns.map((column) => (
                      <td
                        key={column.key}
                        className={`px-2 py-2 max-sm:flex max-sm:justify-between max-sm:gap-3 max-sm:py-1 ${column.align === 'right' ? 'text-right tabular-nums' : ''} ${column.hideOnPhone ? 'max-sm:hidden' : ''}`}
                      >
                        <span
                          aria-hidden="true"
                          className="font-medium text-slate-500 sm:hidden dark:text-slate-400"
                        >
                          {column.header}
                        </span>
                        <span className="min-w-0 max-sm:text-right">{column.cell(row)}</span>
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {pagination && onPageChange && pagination.total > 0 && (
        <nav
          aria-label={`${caption} pages`}
          className="mt-3 flex flex-wrap items-center justify-between gap-2 text-sm"
        >
          <span className="text-slate-600 dark:text-slate-400">
            {(pagination.page - 1) * pagination.limit + 1}–
            {Math.min(pagination.page * pagination.limit, pagination.total)} of {pagination.total}
          </span>
          <span className="flex items-center gap-2">
            <Button
              size="sm"
              disabled={pagination.page <= 1}
              onClick={() => onPageChange(pagination.page - 1)}
            >
              Previous
            </Button>
            <span aria-current="page">
              Page {pagination.page} of {Math.max(1, pagination.totalPages)}
            </span>
            <Button
              size="sm"
              disabled={pagination.page >= pagination.totalPages}
              onClick={() => onPageChange(pagination.page + 1)}
            >
              Next
            </Button>
          </span>
        </nav>
      )}
    </div>
  );
}
