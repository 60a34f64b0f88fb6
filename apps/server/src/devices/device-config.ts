import { deviceConfigSchemas, type DeviceType, type ErrorDetail } from '@ecogrid/contracts';
import { issuesToDetails } from '../common/validation.pipe.js';

/** Validates a device's configuration against its type; returns the normalised config or the problems. */
export function validateDeviceConfig(
  type: DeviceType,
  config: unknown,
  field = 'body.config',
): { ok: true; config: Record<string, unknown> } | { ok: false; details: ErrorDetail[] } {
  const result = deviceConfigSchemas[type].safeParse(config);
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, details: issuesToDetails(result.error.issues, field) };
}
