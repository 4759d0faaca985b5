import { describe, it, expect } from 'vitest';
import { runCli } from '../helpers/process.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('earshot classify', () => {
  it('answers every line in order, with an error line for a bad one, and only JSON on stdout', async () => {
    const input = [
      JSON.stringify({
        id: 'a',
        text: '@acme on hold for 2 hours and still no refund, worst service ever 😡',
        author: { handle: 'sam', followers: 120 },
      }),
      '{"id":"b","text": broken json',
      JSON.stringify({ id: 'c', text: 'thanks @acme, the new app is great!', source: 'twitter' }),
      JSON.stringify({ id: 'd' }),
    ].join('\n');
    const { code, stdout, stderr } = await runCli(['classify'], input + '\n');
    expect(code, stderr).toBe(0);
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({
      id: 'a',
      sentiment: { label: 'negative' },
      actionable: true,
      category: 'billing',
    });
    expect(Object.keys(lines[0] ?? {})).toEqual(['id', 'sentiment', 'actionable', 'category', 'priority', 'reasons']);
    expect((lines[0]?.reasons as string[]).length).toBeGreaterThan(0);
    expect(lines[1]).toHaveProperty('error');
    expect(lines[1]).not.toHaveProperty('sentiment');
    expect(lines[2]).toMatchObject({ id: 'c', sentiment: { label: 'positive' }, actionable: false });
    expect(lines[3]).toMatchObject({ id: 'd' });
    expect(lines[3]).toHaveProperty('error');
  });

  it('trains a model and classifies with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-cli-'));
    const data = join(dir, 'labelled.jsonl');
    const model = join(dir, 'model.json');
    const rows = [
      ['the blorp app froze', 'negative'],
      ['blorp ate my files', 'negative'],
      ['the gleeb app is lovely', 'positive'],
      ['gleeb saved my day', 'positive'],
      ['the blorp and gleeb apps are installed', 'neutral'],
      ['opened the blorp settings', 'neutral'],
    ];
    const lines = Array.from({ length: 10 }, (_, i) =>
      rows.map(([text, label]) => JSON.stringify({ text: `${text} ${i}`, label })),
    ).flat();
    writeFileSync(data, lines.join('\n') + '\n');
    const trained = await runCli(['train', '--input', data, '--out', model], '');
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toBe('');
    const { code, stdout, stderr } = await runCli(
      ['classify', '--model', model],
      JSON.stringify({ id: 1, text: 'blorp again' }) + '\n',
    );
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ id: 1, sentiment: { label: 'negative' } });
  });

  it('names the file and line of a bad training row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-cli-'));
    const data = join(dir, 'bad.jsonl');
    writeFileSync(data, '{"text":"ok","label":"positive"}\n{"text":"x","label":"angry"}\n');
    const { code, stderr } = await runCli(['train', '--input', data, '--out', join(dir, 'm.json')], '');
    expect(code).not.toBe(0);
    expect(stderr).toContain(`${data}:2`);
  });
});
