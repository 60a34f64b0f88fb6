import { Inject, Injectable } from '@nestjs/common';
import {
  createDeviceSchema,
  deviceTypeSchema,
  MAX_IMPORT_ROWS,
  type CreateDevice,
  type ErrorDetail,
  type ImportResult,
} from '@ecogrid/contracts';
import { parse } from 'csv-parse/sync';
import { ValidationError } from '../common/errors.js';
import { issuesToDetails } from '../common/validation.pipe.js';
import { AuditService } from '../audit/audit.service.js';
import { tenantScopeOf, type Principal } from '../auth/principal.js';
import { SitesRepository } from '../sites/sites.repository.js';
import { validateDeviceConfig } from './device-config.js';
import { newDeviceSecret } from './device-secrets.js';
import { DevicesRepository } from './devices.repository.js';

export const IMPORT_COLUMNS = [
  'site_id',
  'site_name',
  'type',
  'name',
  'manufacturer',
  'model',
  'serial',
  'rated_power_kw',
  'capacity_kwh',
  'firmware_version',
  'tags',
  'config',
] as const;
type Column = (typeof IMPORT_COLUMNS)[number];
type CsvRecord = Partial<Record<Column, string>>;

const INSERT_CHUNK = 500;

function optionalNumber(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return Number(value);
}

/**
 * CSV import of up to 10,000 devices: every row is checked on its own, valid rows are created (each
 * with its credentials, returned once), and the answer lists each invalid row with its problems.
 */
@Injectable()
export class DeviceImportService {
  constructor(
    @Inject(DevicesRepository) private readonly devices: DevicesRepository,
    @Inject(SitesRepository) private readonly sites: SitesRepository,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async import(principal: Principal, csv: string): Promise<ImportResult> {
    const records = this.parse(csv);
    const tenantId = principal.tenantId!;
    return this.devices.transaction(tenantScopeOf(principal), async (trx) => {
      const siteRows = await this.sites.listAll(trx, tenantId);
      const siteIds = new Set(siteRows.map((site) => site.id));
      const siteByName = new Map(siteRows.map((site) => [site.name.toLowerCase(), site.id]));
      const taken = new Set(
        (await this.devices.serials(trx, tenantId)).map((row) =>
          serialKey(row.manufacturer, row.serial),
        ),
      );

      const errors: ImportResult['errors'] = [];
      const valid: { row: number; input: CreateDevice; config: Record<string, unknown> }[] = [];
      records.forEach(({ record, line }) => {
        const problems: ErrorDetail[] = [];
        const siteId =
          record.site_id?.trim() ||
          (record.site_name ? siteByName.get(record.site_name.trim().toLowerCase()) : undefined);
        if (!siteId || !siteIds.has(siteId))
          problems.push({
            field: record.site_id ? 'site_id' : 'site_name',
            message: 'no such site',
          });
        let config: unknown = {};
        if (record.config?.trim()) {
          try {
            config = JSON.parse(record.config);
          } catch {
            problems.push({ field: 'config', message: 'is not valid JSON' });
          }
        }
        const candidate = createDeviceSchema.safeParse({
          siteId: siteId ?? '00000000-0000-0000-0000-000000000000',
          type: record.type?.trim(),
          name: record.name,
          manufacturer: record.manufacturer?.trim() || null,
          model: record.model?.trim() || null,
          serial: record.serial?.trim() || null,
          ratedPowerKw: optionalNumber(record.rated_power_kw),
          capacityKwh: optionalNumber(record.capacity_kwh),
          firmwareVersion: record.firmware_version?.trim() || null,
          tags: record.tags
            ? record.tags
                .split(';')
                .map((tag) => tag.trim())
                .filter(Boolean)
            : [],
          config,
        });
        if (!candidate.success) {
          problems.push(
            ...issuesToDetails(candidate.error.issues).map((detail) => ({
              ...detail,
              field: toColumn(detail.field),
            })),
          );
        }
        // The configuration is checked whenever the type is known, so a row reports all its problems.
        let normalised: Record<string, unknown> = {};
        const type = deviceTypeSchema.safeParse(record.type?.trim());
        if (type.success && !problems.some((problem) => problem.field === 'config')) {
          const checked = validateDeviceConfig(type.data, config, 'config');
          if (checked.ok) normalised = checked.config;
          else problems.push(...checked.details);
        }
        if (candidate.success && candidate.data.serial) {
          const key = serialKey(candidate.data.manufacturer ?? null, candidate.data.serial);
          if (taken.has(key))
            problems.push({
              field: 'serial',
              message: 'already used by another device of this manufacturer',
            });
          taken.add(key);
        }
        if (problems.length > 0 || !candidate.success) errors.push({ row: line, errors: problems });
        else valid.push({ row: line, input: candidate.data, config: normalised });
      });

      const created: ImportResult['devices'] = [];
      for (let start = 0; start < valid.length; start += INSERT_CHUNK) {
        const chunk = valid.slice(start, start + INSERT_CHUNK);
        const rows = await this.devices.insertMany(
          trx,
          chunk.map(({ input, config }) => ({
            tenant_id: tenantId,
            site_id: input.siteId,
            type: input.type,
            name: input.name,
            manufacturer: input.manufacturer ?? null,
            model: input.model ?? null,
            serial: input.serial ?? null,
            rated_power_kw: input.ratedPowerKw ?? null,
            capacity_kwh: input.capacityKwh ?? null,
            config: JSON.stringify(config),
            firmware_version: input.firmwareVersion ?? null,
            tags: input.tags,
          })),
        );
        const secrets = rows.map(() => newDeviceSecret());
        await this.devices.insertSecrets(
          trx,
          rows.map((row, index) => ({
            device_id: row.id,
            tenant_id: tenantId,
            secret_hash: secrets[index]!.hash,
          })),
        );
        rows.forEach((row, index) =>
          created.push({
            row: chunk[index]!.row,
            id: row.id,
            username: row.id,
            secret: secrets[index]!.secret,
          }),
        );
      }
      await this.audit.record(trx, {
        action: 'device.import',
        resourceType: 'device',
        newValues: { rows: records.length, created: created.length, failed: errors.length },
      });
      return { created: created.length, failed: errors.length, devices: created, errors };
    });
  }

  private parse(csv: string): { record: CsvRecord; line: number }[] {
    let parsed: { record: Record<string, string>; info: { lines: number } }[];
    try {
      parsed = parse<{ record: Record<string, string>; info: { lines: number } }>(csv, {
        columns: true,
        bom: true,
        skip_empty_lines: true,
        trim: false,
        info: true,
        relax_column_count: true,
      });
    } catch (error) {
      throw new ValidationError([
        { field: 'body', message: `not a readable CSV: ${(error as Error).message}` },
      ]);
    }
    const header = parsed[0] ? Object.keys(parsed[0].record) : [];
    const unknown = header.filter(
      (column) => !(IMPORT_COLUMNS as readonly string[]).includes(column),
    );
    if (unknown.length > 0) {
      throw new ValidationError([
        {
          field: 'body',
          message: `unknown column(s): ${unknown.join(', ')}; known: ${IMPORT_COLUMNS.join(', ')}`,
        },
      ]);
    }
    if (parsed.length > MAX_IMPORT_ROWS) {
      throw new ValidationError([
        {
          field: 'body',
          message: `at most ${MAX_IMPORT_ROWS} rows per import (got ${parsed.length})`,
        },
      ]);
    }
    return parsed.map((entry) => ({ record: entry.record, line: entry.info.lines }));
  }
}

function serialKey(manufacturer: string | null, serial: string | null): string {
  return `${(manufacturer ?? '').toLowerCase()}\u0000${(serial ?? '').toLowerCase()}`;
}

const FIELD_TO_COLUMN: Record<string, Column> = {
  siteId: 'site_id',
  ratedPowerKw: 'rated_power_kw',
  capacityKwh: 'capacity_kwh',
  firmwareVersion: 'firmware_version',
};

function toColumn(field: string): string {
  const [first, ...rest] = field.split('.');
  return [FIELD_TO_COLUMN[first!] ?? first, ...rest].join('.');
}
