/** The channels' Prometheus metrics, on the process registry. Gauges read the database when scraped. */
import { Counter, Gauge } from 'prom-client';
import { registry } from '../metrics.ts';

interface Collectors {
  health: () => Promise<{ source: string; key: string; healthy: boolean }[]>;
  readToday: () => Promise<Record<string, number>>;
}

const collectors: Collectors[] = [];
/** Registers a runtime's readers; the newest that answers wins (tests open several runtimes in one process). */
export function addChannelCollectors(c: Collectors): () => void {
  collectors.push(c);
  return () => {
    const i = collectors.indexOf(c);
    if (i >= 0) collectors.splice(i, 1);
  };
}

async function firstAnswer<T>(read: (c: Collectors) => Promise<T>): Promise<T | null> {
  for (const c of [...collectors].reverse()) {
    try {
      return await read(c);
    } catch {
      /* a closed runtime: try the previous one */
    }
  }
  return null;
}

export const channelMetrics = {
  polls: new Counter({
    name: 'earshot_source_polls_total',
    help: 'Polls by source and outcome (ok, failed, rate_limited, skipped)',
    labelNames: ['source', 'outcome'],
    registers: [registry],
  }),
  postsRead: new Counter({
    name: 'earshot_source_posts_read_total',
    help: 'Posts, comments and entries read from each platform by this process',
    labelNames: ['source', 'kind'],
    registers: [registry],
  }),
  replies: new Counter({
    name: 'earshot_replies_total',
    help: 'Replies by source and outcome (sent, dry_run, failed, retry)',
    labelNames: ['source', 'outcome'],
    registers: [registry],
  }),
  webhooks: new Counter({
    name: 'earshot_webhooks_total',
    help: 'Webhook deliveries by source and outcome (accepted, bad_signature, bad_body)',
    labelNames: ['source', 'outcome'],
    registers: [registry],
  }),
  healthy: new Gauge({
    name: 'earshot_source_healthy',
    help: '1 when the source polls fine, 0 after EARSHOT_SOURCE_FAILURES failures in a row',
    labelNames: ['source', 'key'],
    registers: [registry],
    async collect() {
      this.reset();
      const states = await firstAnswer((c) => c.health());
      for (const s of states ?? []) this.set({ source: s.source, key: s.key }, s.healthy ? 1 : 0);
    },
  }),
  readToday: new Gauge({
    name: 'earshot_source_posts_read_today',
    help: 'Posts read today (UTC) per source, from the database: what X bills',
    labelNames: ['source'],
    registers: [registry],
    async collect() {
      this.reset();
      const today: Record<string, number> = (await firstAnswer((c) => c.readToday())) ?? {};
      for (const [source, n] of Object.entries(today)) this.set({ source }, n);
    },
  }),
};
