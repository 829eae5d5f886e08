// CSV as RFC 4180 writes it: fields separated by commas, records by CRLF (LF alone is read too),
// a field quoted when it holds a comma, a quote, a line break or edge spaces, quotes doubled.

export type CsvRecord = { line: number; fields: string[] } | { line: number; problem: string };

/**
 * Every record of the text with the line it starts on (from 1). A record that breaks the format
 * (a stray quote, a quoted field never closed) is returned as a problem and reading goes on with
 * the next line. Empty lines are skipped; a byte order mark is dropped.
 */
export function readCsv(text: string): CsvRecord[] {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let line = 1;
  let index = 0;
  while (index < input.length) {
    const start = line;
    const fields: string[] = [];
    let problem: string | undefined;
    let field = '';
    let quoted = false;
    let afterQuote = false;
    for (;;) {
      if (index >= input.length) {
        if (quoted) problem = 'a quoted field is never closed';
        break;
      }
      const char = input[index]!;
      if (quoted) {
        if (char === '"' && input[index + 1] === '"') {
          field += '"';
          index += 2;
        } else if (char === '"') {
          quoted = false;
          afterQuote = true;
          index += 1;
        } else {
          if (char === '\n') line += 1;
          field += char;
          index += 1;
        }
        continue;
      }
      if (char === ',') {
        fields.push(field);
        field = '';
        afterQuote = false;
        index += 1;
      } else if (char === '\n' || (char === '\r' && input[index + 1] === '\n')) {
        index += char === '\r' ? 2 : 1;
        line += 1;
        break;
      } else if (char === '"' && field === '' && !afterQuote) {
        quoted = true;
        index += 1;
      } else if (char === '"' || afterQuote) {
        problem = afterQuote ? 'text after a closing quote' : 'a quote inside an unquoted field';
        // Skip to the end of this line: the record is unusable.
        const end = input.indexOf('\n', index);
        index = end < 0 ? input.length : end + 1;
        line += 1;
        break;
      } else {
        field += char;
        index += 1;
      }
    }
    if (problem) {
      records.push({ line: start, problem });
      continue;
    }
    fields.push(field);
    if (fields.length === 1 && fields[0] === '') continue; // an empty line
    records.push({ line: start, fields });
  }
  return records;
}

/** Records as CSV text, CRLF after each. */
export function writeCsv(records: readonly (readonly string[])[]): string {
  return records.map((fields) => `${fields.map(quoteField).join(',')}\r\n`).join('');
}

function quoteField(field: string): string {
  return /[",\r\n]|^\s|\s$/u.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}
