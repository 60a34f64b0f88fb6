import {
  COMMAND_STATUSES,
  MAX_PAGE_LIMIT,
  type Command,
  type CommandStatus,
  type ListCommandsQuery,
} from '@ecogrid/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useLiveSubscription } from '../live/LiveProvider';
import {
  Card,
  CsvButton,
  DataTable,
  SelectField,
  StatusBadge,
  csvFilename,
  toCsv,
  type Column,
  type CsvColumn,
} from '../ui';
import { describeCommand } from './command-form';
import { commandKeys, fetchDeviceCommands, useDeviceCommands } from './commands-api';
import { COMMAND_STATUS_LABELS, formatTimestamp } from './device-labels';

const PAGE_SIZE = 10;
/** Refetch at most this often while statuses stream in. */
const LIVE_REFRESH_MS = 1_000;
/** The CSV holds at most this many pages of 100. */
const MAX_EXPORT_PAGES = 100;

export interface CommandHistoryProps {
  deviceId: string;
  deviceName: string;
  timeZone?: string;
}

export function CommandHistory({ deviceId, deviceName, timeZone }: CommandHistoryProps) {
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<CommandStatus | ''>('');
  const [sort, setSort] = useState<ListCommandsQuery['sort']>('-createdAt');
  const query: ListCommandsQuery = {
    page,
    limit: PAGE_SIZE,
    sort,
    ...(status ? { status } : {}),
  };
  const commands = useDeviceCommands(deviceId, query);
  const queryClient = useQueryClient();
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useLiveSubscription({ kind: 'commands', deviceId }, (message) => {
    if (message.type !== 'command.status' || refreshTimer.current) return;
    refreshTimer.current = setTimeout(() => {
      refreshTimer.current = null;
      void queryClient.invalidateQueries({ queryKey: commandKeys.device(deviceId) });
    }, LIVE_REFRESH_MS);
  });
  useEffect(
    () => () => {
      if (refreshTimer.current) clearTimeout(refreshTimer.current);
    },
    [],
  );

  const columns: Column<Command>[] = [
    {
      key: 'createdAt',
      header: 'Sent',
      sortKey: 'createdAt',
      cell: (command) => formatTimestamp(command.createdAt, timeZone),
    },
    {
      key: 'command',
      header: 'Command',
      cell: (command) => describeCommand(command.type, command.params),
    },
    {
      key: 'status',
      header: 'Status',
      cell: (command) => <StatusBadge status={command.status} />,
    },
    {
      key: 'message',
      header: 'Message',
      hideOnPhone: true,
      cell: (command) => command.message ?? '—',
    },
    {
      key: 'finishedAt',
      header: 'Finished',
      hideOnPhone: true,
      cell: (command) => formatTimestamp(command.finishedAt, timeZone),
    },
  ];

  const csvColumns: CsvColumn<Command>[] = [
    { header: 'id', value: (command) => command.id },
    { header: 'createdAt', value: (command) => command.createdAt },
    { header: 'type', value: (command) => command.type },
    { header: 'params', value: (command) => JSON.stringify(command.params) },
    { header: 'status', value: (command) => command.status },
    { header: 'message', value: (command) => command.message },
    { header: 'sentAt', value: (command) => command.sentAt },
    { header: 'finishedAt', value: (command) => command.finishedAt },
    { header: 'bulkId', value: (command) => command.bulkId },
  ];

  const exportAll = async () => {
    const rows: Command[] = [];
    for (let exportPage = 1; exportPage <= MAX_EXPORT_PAGES; exportPage++) {
      const result = await fetchDeviceCommands(deviceId, {
        ...query,
        page: exportPage,
        limit: MAX_PAGE_LIMIT,
      });
      rows.push(...result.data);
      if (exportPage >= result.pagination.totalPages) break;
    }
    return toCsv(rows, csvColumns);
  };

  return (
    <Card
      title="Command history"
      actions={
        <>
          <SelectField
            label="Status"
            className="w-36 [&_label]:sr-only"
            value={status}
            onChange={(event) => {
              setStatus(event.target.value as CommandStatus | '');
              setPage(1);
            }}
          >
            <option value="">All statuses</option>
            {COMMAND_STATUSES.map((value) => (
              <option key={value} value={value}>
                {COMMAND_STATUS_LABELS[value]}
              </option>
            ))}
          </SelectField>
          <CsvButton
            label="command history"
            filename={csvFilename('commands', deviceName)}
            csv={exportAll}
          />
        </>
      }
    >
      <DataTable
        caption={`Commands sent to ${deviceName}`}
        columns={columns}
        rows={commands.data?.data}
        rowKey={(command) => command.id}
        loading={commands.isFetching}
        error={commands.isError ? commands.error : undefined}
        onRetry={() => void commands.refetch()}
        emptyTitle={status ? 'No commands with this status' : 'No commands sent yet'}
        sort={{ key: 'createdAt', direction: sort === 'createdAt' ? 'asc' : 'desc' }}
        onSortChange={(next) => {
          setSort(next.direction === 'asc' ? 'createdAt' : '-createdAt');
          setPage(1);
        }}
        pagination={commands.data?.pagination}
        onPageChange={setPage}
      />
    </Card>
  );
}
