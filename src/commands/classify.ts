/**
 * `earshot classify`: JSON Lines in on stdin, one decision per line out on stdout, same order.
 * Stdin is split into lines per chunk and the output is written one batch per chunk; a readline
 * interface costs an event per line and caps the rate well below what the models can do.
 */
import type { Command } from 'commander';
import { configOrExit, fail } from './shared.ts';
import { defaultSentimentModel, loadSentimentModel, type SentimentModel } from '../analysis/sentiment/index.ts';
import { loadRules, triage, type RuleSet, type TriageInput } from '../triage/index.ts';
import { checkClassifyRequest } from '../domain/incoming-mention.ts';

export function register(program: Command): void {
  program
    .command('classify')
    .summary('classify mentions (JSON Lines on stdin): sentiment, actionable, category, priority, reasons')
    .description(
      'Classify mentions from stdin: sentiment, whether someone must answer, category and priority.\n' +
        'Input: one JSON object per line, {"id","text","source"?,"author"?:{"handle"?,"followers"?}}; text, source and author\n' +
        'follow the incoming-mention contract (src/domain/incoming-mention.ts).\n' +
        'Output: one line per input in the same order, {"id","sentiment":{"label","score"},"actionable","category","priority","reasons"};\n' +
        'a line that cannot be read gives {"id"?,"error"} and the run goes on. Logs go to stderr.',
    )
    .option(
      '--model <file>',
      'a model written by `earshot train` (default: the shipped learned model; EARSHOT_SENTIMENT_MODEL=rules for the rule-based one)',
    )
    .option(
      '--rules <dir>',
      'the triage rules directory (default: EARSHOT_RULES, else the rules/ shipped with earshot)',
    )
    .addHelpText(
      'after',
      '\nExample:\n  echo \'{"id":"1","text":"@acme on hold for 2 hours, still no refund"}\' | earshot classify\n',
    )
    .action(async (opts: { model?: string; rules?: string }) => {
      const config = configOrExit();
      try {
        const model = opts.model ? await loadSentimentModel(opts.model) : defaultSentimentModel(config.sentimentModel);
        const rules = await loadRules(opts.rules ?? config.rulesDir);
        await classifyStream(process.stdin, process.stdout, model, rules);
      } catch (err) {
        fail(`classify: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
}

/** Reads JSON Lines from `input` and writes one result line per non-blank input line to `output`. */
export async function classifyStream(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  model: SentimentModel,
  rules: RuleSet,
): Promise<void> {
  input.setEncoding('utf8');
  let rest = '';
  const flush = async (text: string): Promise<void> => {
    if (text && !output.write(text)) await new Promise<void>((resolve) => output.once('drain', resolve));
  };
  for await (const chunk of input) {
    const data = rest + (chunk as string);
    const last = data.lastIndexOf('\n');
    if (last === -1) {
      rest = data;
      continue;
    }
    rest = data.slice(last + 1);
    await flush(classifyLines(data.slice(0, last), model, rules));
  }
  if (rest.trim()) await flush(classifyLines(rest, model, rules));
}

function classifyLines(block: string, model: SentimentModel, rules: RuleSet): string {
  let out = '';
  let start = 0;
  while (start <= block.length) {
    let end = block.indexOf('\n', start);
    if (end === -1) end = block.length;
    const line = block.slice(start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    out += classifyLine(line, model, rules) + '\n';
  }
  return out;
}

export function classifyLine(line: string, model: SentimentModel, rules: RuleSet): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    return JSON.stringify({ error: `not JSON: ${(err as Error).message}` });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return JSON.stringify({ error: 'expected a JSON object' });
  const m = parsed as Record<string, unknown>;
  const id = typeof m.id === 'string' || typeof m.id === 'number' ? (m.id as string | number) : undefined;
  if (id === undefined) return JSON.stringify({ error: '"id" must be a string or a number' });
  const checked = checkClassifyRequest(parsed);
  if (!checked.ok) return errorLine(id, checked.reason);
  const { text, source, author } = checked.request;
  const input: TriageInput = { text };
  if (source !== undefined) input.source = source;
  if (author) input.author = { handle: author.handle, followers: author.followers };
  try {
    const sentiment = model.classify(input.text);
    const t = triage(input, sentiment, rules);
    return JSON.stringify({
      id,
      sentiment: { label: sentiment.label, score: sentiment.score },
      actionable: t.actionable,
      category: t.category,
      priority: t.priority,
      reasons: [...sentiment.reasons, ...t.reasons],
    });
  } catch (err) {
    return errorLine(id, `classification failed: ${(err as Error).message}`);
  }
}

function errorLine(id: string | number, error: string): string {
  return JSON.stringify({ id, error });
}
