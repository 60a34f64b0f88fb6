import { describe, expect, it } from 'vitest';
import { csvFilename, toCsv } from './csv';

interface Row {
  name: string;
  kw: number | null;
  at?: Date;
}

const columns = [
  { header: 'name', value: (row: Row) => row.name },
  { header: 'power_kw', value: (row: Row) => row.kw },
];

describe('toCsv', () => {
  it('writes a header and one CRLF line per row', () => {
    expect(toCsv([{ name: 'PV 1', kw: 3.5 }], columns)).toBe('name,power_kw\r\nPV 1,3.5\r\n');
  });

  it('quotes commas, quotes and line breaks', () => {
    const csv = toCsv([{ name: 'Roof "east", block 2\nnorth', kw: 1 }], columns);
    expect(csv).toBe('name,power_kw\r\n"Roof ""east"", block 2\nnorth",1\r\n');
  });

  it('leaves unknown values empty and keeps negative numbers as numbers', () => {
    expect(
      toCsv(
        [
          { name: 'Grid', kw: null },
          { name: 'Battery', kw: -2 },
        ],
        columns,
      ),
    ).toBe('name,power_kw\r\nGrid,\r\nBattery,-2\r\n');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(toCsv([{ name: '=HYPERLINK("x")', kw: 0 }], columns)).toContain(`"'=HYPERLINK(""x"")"`);
    expect(toCsv([{ name: '@sum', kw: 0 }], columns)).toContain("'@sum");
  });

  it('writes dates as ISO instants', () => {
    const csv = toCsv(
      [{ name: 'x', kw: 1, at: new Date(Date.UTC(2026, 0, 2, 3, 4)) }],
      [{ header: 'at', value: (row: Row) => row.at }],
    );
    expect(csv).toBe('at\r\n2026-01-02T03:04:00.000Z\r\n');
  });
});

describe('csvFilename', () => {
  it('keeps only safe characters', () => {
    expect(csvFilename('energy', 'Site / Nord: 1', '2026-01-01')).toBe(
      'energy-Site-Nord-1-2026-01-01.csv',
    );
    expect(csvFilename('')).toBe('export.csv');
  });
});
