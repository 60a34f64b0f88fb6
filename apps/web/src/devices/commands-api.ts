import type {
  BulkCommandResult,
  Command,
  CommandParams,
  CommandType,
  CreateBulkCommand,
  ListCommandsQuery,
  Pagination,
} from '@ecogrid/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, data } from '../api/client';

export interface CommandPage {
  data: Command[];
  pagination: Pagination;
}

export const commandKeys = {
  all: ['commands'] as const,
  device: (deviceId: string) => ['commands', 'device', deviceId] as const,
  deviceList: (deviceId: string, query: ListCommandsQuery) =>
    ['commands', 'device', deviceId, query] as const,
  one: (id: string) => ['commands', 'one', id] as const,
};

export interface SendCommand {
  deviceId: string;
  type: CommandType;
  params: CommandParams;
  /** One per confirmed submission: a double click or a retry never makes a second command. */
  idempotencyKey: string;
}

export function sendCommand({ deviceId, ...body }: SendCommand): Promise<Command> {
  return data(
    api.POST('/api/v1/devices/{id}/commands', {
      params: { path: { id: deviceId } },
      body,
    }),
  );
}

export function sendBulkCommand(body: CreateBulkCommand): Promise<BulkCommandResult> {
  return data(api.POST('/api/v1/commands/bulk', { body }));
}

export function fetchCommand(id: string): Promise<Command> {
  return data(api.GET('/api/v1/commands/{id}', { params: { path: { id } } }));
}

export function fetchDeviceCommands(
  deviceId: string,
  query: ListCommandsQuery,
): Promise<CommandPage> {
  return data(
    api.GET('/api/v1/devices/{id}/commands', {
      params: { path: { id: deviceId }, query },
    }),
  );
}

export function useDeviceCommands(deviceId: string, query: ListCommandsQuery) {
  return useQuery({
    queryKey: commandKeys.deviceList(deviceId, query),
    queryFn: () => fetchDeviceCommands(deviceId, query),
    placeholderData: keepPreviousData,
  });
}
