/** Markdown tables for bench output, so figures paste straight into the README and notes. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [
    line(headers),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...cells.map((r) => line(r.map(String))),
  ].join('\n');
}

/** One markdown table row, cells as given (no padding): `| a | b |`. */
export const mdRow = (cells: readonly (string | number)[]): string => `| ${cells.join(' | ')} |`;

export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n < 1 ? 3 : 1);
}

export const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);
