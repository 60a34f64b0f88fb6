import { describe, expect, it } from 'vitest';
import {
  auditExportFilename,
  changeSummary,
  emptyAuditFilters,
  isFiltered,
  localToIso,
  toAuditQuery,
} from './audit-filters';

describe('audit filters', () => {
  it('sends nothing when nothing is filtered', () => {
    expect(toAuditQuery(emptyAuditFilters)).toEqual({ ok: true, query: {} });
    expect(isFiltered(emptyAuditFilters)).toBe(false);
  });

  it('trims text filters and turns local times into UTC instants', () => {
    const from = '2026-03-01T08:00';
    const result = toAuditQuery({ ...emptyAuditFilters, action: ' user.create ', from });
    expect(result).toEqual({
      ok: true,
      query: { action: 'user.create', from: new Date(from).toISOString() },
    });
  });

  it('refuses a range that ends before it starts', () => {
    expect(
      toAuditQuery({ ...emptyAuditFilters, from: '2026-03-02T00:00', to: '2026-03-01T00:00' }),
    ).toEqual({ ok: false, errors: { to: 'Must be after "from"' } });
  });

  it('refuses a malformed user id and time', () => {
    const result = toAuditQuery({ ...emptyAuditFilters, userId: 'bob', from: 'yesterday' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors).sort()).toEqual(['from', 'userId']);
  });

  it('reads only well-formed local times', () => {
    expect(localToIso('2026-13-45T99:99')).toBeNull();
    expect(localToIso('')).toBeNull();
    expect(localToIso('2026-03-01T08:00')).toBe(new Date('2026-03-01T08:00').toISOString());
  });

  it('summarises an update by the keys whose values changed', () => {
    expect(
      changeSummary({ role: 'viewer', name: 'A' }, { role: 'admin', name: 'A', blocked: false }),
    ).toBe('role, blocked');
    expect(changeSummary({ role: 'viewer' }, { role: 'viewer' })).toBe('no change');
  });

  it('summarises a creation, a removal and an entry without values', () => {
    expect(changeSummary(null, { username: 'x' })).toBe('new values');
    expect(changeSummary({ username: 'x' }, null)).toBe('removed values');
    expect(changeSummary(null, null)).toBeNull();
  });

  it('names the export file after its time', () => {
    expect(auditExportFilename(new Date('2026-03-01T08:09:10.500Z'))).toBe(
      'audit-2026-03-01-08-09-10.csv',
    );
  });
});
