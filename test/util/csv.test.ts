import { describe, expect, it } from 'vitest';
import { readCsv, writeCsv } from '../../src/util/csv.js';

describe('RFC 4180 CSV', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF or LF, with the line each record starts on', () => {
    const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""","two\r\nlines"\r\nplain,,end\n\nlast,"",z';
    expect(readCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', 'two\r\nlines'] },
      { line: 4, fields: ['plain', '', 'end'] },
      { line: 6, fields: ['last', '', 'z'] },
    ]);
  });

  it('reports a broken record by its line and goes on with the next', () => {
    expect(readCsv('ok,1\nbad"quote,2\n"closed"junk,3\nok,4\n"never closed,5\nmore')).toEqual([
      { line: 1, fields: ['ok', '1'] },
      { line: 2, problem: 'a quote inside an unquoted field' },
      { line: 3, problem: 'text after a closing quote' },
      { line: 4, fields: ['ok', '4'] },
      { line: 5, problem: 'a quoted field is never closed' },
    ]);
  });

  it('writes what it reads back, quoting only where needed', () => {
    const records = [
      ['address', 'themes'],
      ['a@example.org', '宏观经济|房地产'],
      ['b@example.org', 'comma, inside'],
      ['"quoted"', ' edge space'],
      ['line\nbreak', ''],
    ];
    const text = writeCsv(records);
    expect(text.split('\r\n')[1]).toBe('a@example.org,宏观经济|房地产');
    expect(text).toContain('"comma, inside"');
    expect(text).toContain('"""quoted"""," edge space"');
    expect(readCsv(text).map((record) => ('fields' in record ? record.fields : record.problem))).toEqual(records);
  });
});
