/**
 * `earshot outreach`: from all mentions and the customer list, the root-cause clusters of the
 * negative ones, who complained, what those customers share, and who else is likely to hit it next.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { defaultSentimentModel } from '../analysis/sentiment/index.ts';
import { configOrExit } from './shared.ts';
import { buildCustomerBase, buildOutreachReport, type OutreachMention } from '../analysis/profile/index.ts';
import { parseCsvRecords } from '../csv.ts';

export function parseMentionLine(line: string): OutreachMention | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object';
  const rec = value as Record<string, unknown>;
  if (typeof rec.id !== 'string' && typeof rec.id !== 'number') return 'missing "id"';
  if (typeof rec.text !== 'string') return 'missing "text"';
  const author = typeof rec.author === 'object' && rec.author !== null ? (rec.author as Record<string, unknown>) : {};
  return {
    id: String(rec.id),
    text: rec.text,
    author: { handle: typeof author.handle === 'string' ? author.handle : undefined },
    source: typeof rec.source === 'string' ? rec.source : undefined,
    created_at: typeof rec.created_at === 'string' ? rec.created_at : undefined,
  };
}

export function register(program: Command): void {
  program
    .command('outreach')
    .description(
      'find root-cause clusters in the negative mentions, profile their complainants against the customer list, and rank the customers at risk',
    )
    .requiredOption(
      '--customers <file>',
      'CSV with a header: customer_id, handle (may be empty; with or without @) and any attribute columns',
    )
    .option(
      '--at-risk-limit <n>',
      'most at-risk customers listed per cluster (default: all who match a significant profile item)',
      (v) => Math.max(1, Math.floor(Number(v)) || 1),
    )
    .addHelpText(
      'after',
      `
Input (stdin): JSON Lines {"id","text","author":{"handle"},"source","created_at"} — all mentions;
only the ones the sentiment model reads as negative are clustered. Authors are linked to customers by
handle, case-insensitively and with or without '@'.

Attribute columns are found automatically: identifier-like columns (email, name) are ignored, numeric
columns with many values are cut into quantile buckets.

Output (stdout), report.json:
  {"clusters":[{"cluster","label":[terms],"size","mentions":[ids],"complainants":[customer_id],"shared_profile",
    "profile":[{"attribute","value","lift","support","precision","count","base_rate","p_value","text"}],
    "at_risk":[{"customer_id","score","reason"}]}]}
A profile item over two or three columns reads attribute "model+firmware", value "X200+4.1";
support is the share of complainants holding it, precision the share of its holders who complained.
p_value is Bonferroni-adjusted per conjunction length (one-sided Fisher exact test). A cluster whose
complainants share no significant profile has "shared_profile":false, "profile":[] and "at_risk":[].
at_risk is ranked, complainants excluded.

Example:
  earshot outreach --customers customers.csv < mentions.jsonl > report.json`,
    )
    .action(async (opts: { customers: string; atRiskLimit?: number }) => {
      let text: string;
      try {
        text = readFileSync(opts.customers, 'utf8');
      } catch (err) {
        process.stderr.write(`earshot: cannot read ${opts.customers}: ${(err as Error).message}\n`);
        process.exit(2);
      }
      const { columns, records } = parseCsvRecords(text);
      if (!columns.includes('customer_id')) {
        process.stderr.write(`earshot: ${opts.customers} has no customer_id column (header: ${columns.join(', ')})\n`);
        process.exit(2);
      }
      const base = buildCustomerBase(records);
      const mentions: OutreachMention[] = [];
      let bad = 0;
      let lineNo = 0;
      for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
        lineNo++;
        if (line.trim() === '') continue;
        const m = parseMentionLine(line);
        if (typeof m === 'string') {
          if (++bad <= 10) process.stderr.write(`earshot: line ${lineNo} skipped: ${m}\n`);
          continue;
        }
        mentions.push(m);
      }
      const model = defaultSentimentModel(configOrExit().sentimentModel);
      const report = buildOutreachReport(base, mentions, {
        isActionable: (m) => model.classify(m.text).label === 'negative',
        atRiskLimit: opts.atRiskLimit,
      });
      const { stats } = report;
      process.stderr.write(
        `earshot: ${stats.mentions} mentions, ${stats.actionable} negative, ${report.clusters.length} clusters, ` +
          `${stats.linked_authors} complainants linked to ${base.ids.length} customers` +
          `${bad ? `, ${bad} bad lines skipped` : ''}${base.skipped.length ? `; columns ignored: ${base.skipped.map((s) => s.column).join(', ')}` : ''}\n`,
      );
      await new Promise<void>((resolve, reject) =>
        process.stdout.write(`${JSON.stringify({ clusters: report.clusters })}\n`, (err) =>
          err ? reject(err) : resolve(),
        ),
      );
    });
}
