/**
 * `earshot detect < mentions.jsonl > alerts.jsonl`: the crisis detector over a stream of mentions in
 * time order, one alert line per crisis (and per positive surge, kind 'positive_surge'). Streams in
 * constant memory; sentiment is classified here when a line has none.
 */
import { fstatSync } from 'node:fs';
import type { Command } from 'commander';
import { byteProgress, configOrExit, fail } from './shared.ts';
import { defaultSentimentModel, type SentimentModel } from '../analysis/sentiment/index.ts';
import { StreamDetector, type StreamMention } from '../analysis/crisis/index.ts';
import { isSentimentLabel } from '../analysis/sentiment/index.ts';

export function register(program: Command): void {
  program
    .command('detect')
    .summary('detect crises in a stream of mentions (JSON Lines on stdin), one alert per line on stdout')
    .description(
      'Replay mentions and print crisis alerts as the detector would have raised them.\n' +
        'Input: one JSON object per line, sorted by created_at:\n' +
        '  {"id","text","created_at","source","author":{"handle","followers"},"sentiment"?:{"label"}}\n' +
        '(sentiment is classified from the text when absent).\n' +
        'Output: one line per alert, {"at","kind","severity","scope"}, where "at" is the created_at of a mention\n' +
        'already read: alerts use only the mentions up to then. Kinds: volume_spike and sentiment_shift are\n' +
        'crises; positive_surge is information. Unreadable lines are skipped and counted on stderr.',
    )
    .option('--no-progress', 'no progress bar on stderr')
    .addHelpText('after', '\nExample:\n  earshot detect < mentions.jsonl > alerts.jsonl\n')
    .action(async (opts: { progress: boolean }) => {
      const model = defaultSentimentModel(configOrExit().sentimentModel);
      try {
        let size = 0;
        try {
          const st = fstatSync(0);
          if (st.isFile()) size = st.size;
        } catch {
          /* a pipe: no size, no bar */
        }
        const bar = size > 0 ? byteProgress(opts.progress, 'detect', ['mentions', 'alerts']) : null;
        bar?.start(size, 0, { mentions: 0, alerts: 0 });
        const r = await detectStream(process.stdin, process.stdout, model, (bytes, mentions, alerts) =>
          bar?.update(bytes, { mentions, alerts }),
        );
        bar?.stop();
        if (r.skipped) process.stderr.write(`earshot detect: skipped ${r.skipped} unreadable line(s)\n`);
      } catch (err) {
        fail(`detect: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
}

export async function detectStream(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  model: SentimentModel,
  progress?: (bytes: number, mentions: number, alerts: number) => void,
): Promise<{ mentions: number; alerts: number; skipped: number }> {
  const detector = new StreamDetector();
  const counts = { mentions: 0, alerts: 0, skipped: 0 };
  let bytes = 0;
  let rest = '';
  let lastProgress = 0;
  const handle = (line: string): string => {
    if (!line.trim()) return '';
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(line) as Record<string, unknown>;
    } catch {
      counts.skipped++;
      return '';
    }
    const at = typeof m.created_at === 'string' ? Date.parse(m.created_at) : Number.NaN;
    if (typeof m !== 'object' || m === null || Number.isNaN(at)) {
      counts.skipped++;
      return '';
    }
    const given = (m.sentiment as { label?: unknown } | undefined)?.label;
    const label = isSentimentLabel(given)
      ? given
      : typeof m.text === 'string'
        ? model.classify(m.text).label
        : 'neutral';
    const author = m.author as { followers?: unknown } | undefined;
    const mention: StreamMention = {
      at,
      sentiment: label,
      followers: typeof author?.followers === 'number' ? author.followers : 0,
    };
    counts.mentions++;
    let out = '';
    for (const e of detector.push(mention)) {
      if (e.type !== 'open' && e.type !== 'info') continue;
      counts.alerts++;
      out +=
        JSON.stringify({
          at: m.created_at,
          kind: e.signal.kind,
          severity: e.signal.severity,
          scope: { brand: '*', channel: '*', window_minutes: e.signal.windowMinutes },
        }) + '\n';
    }
    return out;
  };
  const write = async (text: string) => {
    if (text && !output.write(text)) await new Promise<void>((resolve) => output.once('drain', resolve));
  };
  input.setEncoding('utf8');
  for await (const chunk of input) {
    const data = rest + (chunk as string);
    bytes += Buffer.byteLength(chunk as string);
    const lines = data.split('\n');
    rest = lines.pop() ?? '';
    let out = '';
    for (const line of lines) out += handle(line);
    await write(out);
    if (progress && counts.mentions - lastProgress > 5000) {
      lastProgress = counts.mentions;
      progress(bytes, counts.mentions, counts.alerts);
    }
  }
  await write(handle(rest));
  progress?.(bytes, counts.mentions, counts.alerts);
  return counts;
}
