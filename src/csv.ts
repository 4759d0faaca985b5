/**
 * The one CSV reader and the one CSV cell writer.
 * Reader: streaming RFC 4180 that keeps line numbers, for imports that report each rejected row:
 * quoted fields (with commas, doubled quotes and line breaks inside), CR/LF/CRLF, a leading BOM.
 * Feed it chunks; it hands back whole records with the line each started on.
 */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvReader {
  private field = '';
  private row: string[] = [];
  private quoted = false;
  /** A quote just closed inside a quoted field: the next char decides (another quote = literal). */
  private quoteSeen = false;
  private line = 1;
  private rowLine = 1;
  private pendingCr = false;
  private started = false;

  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let i = 0;
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) i = 1;
    }
    for (; i < chunk.length; i++) {
      const ch = chunk[i] as string;
      if (this.pendingCr) {
        this.pendingCr = false;
        if (ch === '\n') continue;
      }
      if (this.quoted) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (ch === '"') {
            this.field += '"';
            continue;
          }
          this.quoted = false; // fall through: ch is handled as unquoted
        } else {
          if (ch === '"') this.quoteSeen = true;
          else {
            if (ch === '\n' || ch === '\r') this.line++;
            if (ch === '\r') {
              this.field += '\n';
              this.pendingCr = true;
            } else this.field += ch;
          }
          continue;
        }
      }
      if (ch === '"' && this.field === '') this.quoted = true;
      else if (ch === ',') {
        this.row.push(this.field);
        this.field = '';
      } else if (ch === '\n' || ch === '\r') {
        if (ch === '\r') this.pendingCr = true;
        this.endRow(out);
        this.line++;
        this.rowLine = this.line;
      } else this.field += ch;
    }
    return out;
  }

  /** The last record; throws when the text ends inside quotes. */
  end(): CsvRecord[] {
    if (this.quoted && !this.quoteSeen)
      throw new CsvError(this.rowLine, 'the file ends inside a quoted field (a missing closing ")');
    this.quoted = false;
    const out: CsvRecord[] = [];
    if (this.field !== '' || this.row.length > 0) this.endRow(out);
    return out;
  }

  private endRow(out: CsvRecord[]): void {
    this.row.push(this.field);
    this.field = '';
    if (!(this.row.length === 1 && this.row[0] === '')) out.push({ line: this.rowLine, fields: this.row });
    this.row = [];
  }
}

export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** Whole text at once, for tests and small files. */
export function parseCsvText(text: string): CsvRecord[] {
  const r = new CsvReader();
  return [...r.push(text), ...r.end()];
}

/**
 * One CSV cell, RFC 4180 quoted when needed. Text that a spreadsheet would run as a formula (it
 * starts with = + - @, a tab or a CR) gets a leading ' so it shows as text: exports carry customers'
 * names and messages, which anyone on the internet can write. Numbers are written as they are.
 */
export function csvCell(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : typeof v === 'number' ? String(v) : neutraliseFormula(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);

export function neutraliseFormula(text: string): string {
  return FORMULA_START.has(text.charAt(0)) ? `'${text}` : text;
}

/** Header-keyed records; header names are trimmed and lower-cased so `Customer_ID` still works. */
export function parseCsvRecords(text: string): { columns: string[]; records: Array<Record<string, string>> } {
  const [header, ...body] = parseCsvText(text).map((r) => r.fields);
  if (!header) return { columns: [], records: [] };
  const columns = header.map((h) => h.trim().toLowerCase());
  const records = body.map((cells) => Object.fromEntries(columns.map((c, i) => [c, (cells[i] ?? '').trim()])));
  return { columns, records };
}
