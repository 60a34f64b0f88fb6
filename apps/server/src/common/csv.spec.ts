import { describe, expect, it } from 'vitest';
import { csvField, csvLine } from './csv.js';

describe('csv', () => {
  it('quotes separators, quotes and line breaks', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', 'two\nlines', null, 3])).toBe(
      'a,"b,c","say ""hi""","two\nlines",,3\r\n',
    );
  });

  it('neutralises values a spreadsheet would run as formulas', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
  });

  it('writes dates as ISO-8601 and objects as JSON', () => {
    expect(csvField(new Date('2026-03-29T01:00:00Z'))).toBe('2026-03-29T01:00:00.000Z');
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
  });
});
