/** A small RFC 4180 CSV reader: quoted fields, doubled quotes, CR/LF/CRLF line ends, a BOM. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = (): void => {
    row.push(field);
    field = '';
    // A blank line is no record.
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
  };
  for (; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') endRow();
    else if (ch === '\r') {
      if (text[i + 1] === '\n') i++;
      endRow();
    } else field += ch;
  }
  if (quoted) throw new Error('CSV ends inside a quoted field');
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

/** Header-keyed records; header names are trimmed and lower-cased so `Customer_ID` still works. */
export function parseCsvRecords(text: string): { columns: string[]; records: Array<Record<string, string>> } {
  const [header, ...body] = parseCsv(text);
  if (!header) return { columns: [], records: [] };
  const columns = header.map((h) => h.trim().toLowerCase());
  const records = body.map((cells) => {
    const rec: Record<string, string> = {};
    columns.forEach((c, i) => (rec[c] = (cells[i] ?? '').trim()));
    return rec;
  });
  return { columns, records };
}
