import type { CommandStatus, CommandType } from './commands.js';
import type { DeviceStatus } from './devices.js';

/** In-process domain events, published after the transaction that caused them commits. */
export interface DomainEvents {
  'device.status_changed': {
    tenantId: string;
    siteId: string;
    deviceId: string;
    status: DeviceStatus;
    reason: 'status_topic' | 'last_will' | 'telemetry' | 'heartbeat_timeout';
    at: string;
  };
  'readings.ingested': {
    /** Latest value per (device, metric) of one committed batch, for live views. */
    latest: {
      tenantId: string;
      siteId: string;
      deviceId: string;
      metric: string;
      ts: string;
      value: number;
    }[];
    inserted: number;
  };
  /** A command moved to a new status (one event per move, terminal ones included). */
  'command.status_changed': {
    tenantId: string;
    siteId: string;
    deviceId: string;
    commandId: string;
    commandType: CommandType;
    status: CommandStatus;
    message?: string;
    at: string;
  };
}
export type DomainEventName = keyof DomainEvents;
