import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { createMetrics } from '../../src/metrics.ts';
import { isQueueConnectionError, queueErrorListener } from '../../src/queue/errors.ts';

function capturedLogger() {
  const stream = new PassThrough();
  const lines: { level: number; msg: string; client?: string; unlogged?: number }[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  return { log: createLogger({ level: 'info', destination: stream }), lines };
}

const metrics = createMetrics({ health: async () => [], readToday: async () => ({}) });
const counter = metrics.queueConnectionErrors;
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6390'), { code: 'ECONNREFUSED' });
const counted = async (client: string) =>
  (await counter.get()).values.find((v) => v.labels.client === client)?.value ?? 0;

describe('queue client errors', () => {
  it('tells connection errors from the rest', () => {
    expect(isQueueConnectionError(refused())).toBe(true);
    expect(isQueueConnectionError(new Error('Connection is closed.'))).toBe(true);
    expect(isQueueConnectionError(new Error('Command timed out'))).toBe(true);
    expect(isQueueConnectionError(new TypeError('cannot read properties of undefined'))).toBe(false);
  });

  it('counts every connection error but logs them at most once per interval, with how many went unlogged', async () => {
    const { log, lines } = capturedLogger();
    const onError = queueErrorListener(log, counter, 'test-rate-limited', 60_000);
    const before = await counted('test-rate-limited');
    for (let i = 0; i < 5; i++) onError(refused());
    await new Promise((r) => setImmediate(r));
    expect((await counted('test-rate-limited')) - before).toBe(5);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, client: 'test-rate-limited', unlogged: 0 });
  });

  it('logs every other error at error level, uncounted', async () => {
    const { log, lines } = capturedLogger();
    const onError = queueErrorListener(log, counter, 'test-other', 60_000);
    const before = await counted('test-other');
    onError(new TypeError('a bug'));
    onError(new TypeError('a bug'));
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [50, 'queue error'],
      [50, 'queue error'],
    ]);
    expect(await counted('test-other')).toBe(before);
  });
});
