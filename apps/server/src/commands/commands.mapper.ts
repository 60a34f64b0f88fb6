import type { Command, DeviceCommandMessage } from '@ecogrid/contracts';
import type { CommandRow } from './commands.repository.js';

export function toCommand(row: CommandRow): Command {
  return {
    id: row.id,
    siteId: row.site_id,
    deviceId: row.device_id,
    type: row.type as Command['type'],
    params: (row.params ?? {}) as Record<string, unknown>,
    status: row.status as Command['status'],
    message: row.message,
    idempotencyKey: row.idempotency_key,
    bulkId: row.bulk_id,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    sentAt: row.sent_at?.toISOString() ?? null,
    updatedAt: row.updated_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/** What the device gets on its command topic. */
export function toDeviceMessage(row: CommandRow): DeviceCommandMessage {
  return {
    id: row.id,
    type: row.type as DeviceCommandMessage['type'],
    params: (row.params ?? {}) as Record<string, unknown>,
    expiresAt: row.expires_at.toISOString(),
  };
}

export function commandTopic(siteId: string, deviceId: string): string {
  return `sites/${siteId}/devices/${deviceId}/commands`;
}
