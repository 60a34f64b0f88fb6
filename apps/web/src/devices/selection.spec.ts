import { describe, expect, it } from 'vitest';
import { buildBulkTag, emptySelection, selectedRows, splitTags } from './selection';

const ids = [
  '0d9a4c1e-2b3f-4a5d-8e6f-7a8b9c0d1e2f',
  '1e0b5d2f-3c4a-4b6e-9f70-8b9cad0e1f30',
  '2f1c6e30-4d5b-4c7f-a081-9cadbe1f2041',
];

describe('bulk selection', () => {
  it('lists the selected rows it has seen, in selection order', () => {
    const seen = new Map(ids.map((id, index) => [id, { id, name: `Device ${index}` }]));
    const selection = new Set([ids[2]!, 'not-seen', ids[0]!]);
    expect(selectedRows(selection, seen).map((row) => row.name)).toEqual(['Device 2', 'Device 0']);
    expect(selectedRows(emptySelection, seen)).toEqual([]);
  });
});

describe('bulk tagging', () => {
  it('splits tags on commas, semicolons and lines, without repeats', () => {
    expect(splitTags(' east, roof;east\n\nwest ')).toEqual(['east', 'roof', 'west']);
  });

  it('builds the request for the selected devices', () => {
    const selection = new Set([ids[0]!, ids[1]!]);
    expect(buildBulkTag(selection, 'curtail', 'old, legacy')).toEqual({
      ok: true,
      body: { deviceIds: [ids[0], ids[1]], add: ['curtail'], remove: ['old', 'legacy'] },
    });
  });

  it('needs a selection and at least one tag', () => {
    expect(buildBulkTag(emptySelection, 'x', '')).toEqual({
      ok: false,
      errors: { form: 'Select at least one device' },
    });
    expect(buildBulkTag(new Set([ids[0]!]), ' ', '')).toEqual({
      ok: false,
      errors: { form: 'Enter a tag to add or remove' },
    });
  });

  it('refuses a tag that is too long, naming it', () => {
    const long = 'x'.repeat(51);
    const result = buildBulkTag(new Set([ids[0]!]), long, '');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.add).toContain(`"${long}"`);
  });

  it('refuses the same tag added and removed', () => {
    expect(buildBulkTag(new Set([ids[0]!]), 'east', 'east')).toEqual({
      ok: false,
      errors: { form: 'Add or remove "east", not both' },
    });
  });
});
