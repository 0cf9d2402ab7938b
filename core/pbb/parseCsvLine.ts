/**
 * Parses one CSV line (RFC 4180: comma separated, fields optionally in double quotes, `""` for a
 * quote inside one). A ledger keeps each record on one line, so a broken line can be reported
 * and skipped without taking its neighbours with it. Throws with the reason when malformed.
 */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote === -1) throw new Error(`unterminated quoted field at column ${fields.length + 1}`);
        value += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      if (i < line.length && line[i] !== ',') {
        throw new Error(`unexpected text after the closing quote at column ${fields.length + 1}`);
      }
      fields.push(value);
    } else {
      const comma = line.indexOf(',', i);
      const value = comma === -1 ? line.slice(i) : line.slice(i, comma);
      if (value.includes('"')) throw new Error(`stray quote in unquoted field at column ${fields.length + 1}`);
      fields.push(value);
      i = comma === -1 ? line.length : comma;
    }
    if (i >= line.length) return fields;
    i++; // past the comma
    if (i === line.length) {
      fields.push('');
      return fields;
    }
  }
}
