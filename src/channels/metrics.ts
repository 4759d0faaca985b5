/** The channels' Prometheus metrics, on a runtime's registry. Gauges read the database when scraped. */
import { Counter, Gauge, type Registry } from 'prom-client';

/** What the gauges read at each scrape (the runtime plugs in its database). */
export interface ChannelReaders {
  health: () => Promise<{ source: string; key: string; healthy: boolean }[]>;
  readToday: () => Promise<Record<string, number>>;
}

export type ChannelMetrics = ReturnType<typeof createChannelMetrics>;

export function createChannelMetrics(registry: Registry, read: ChannelReaders) {
  const registers = [registry];
  return {
    polls: new Counter({
      name: 'earshot_source_polls_total',
      help: 'Polls by source and outcome (ok, failed, rate_limited, skipped)',
      labelNames: ['source', 'outcome'],
      registers,
    }),
    postsRead: new Counter({
      name: 'earshot_source_posts_read_total',
      help: 'Posts, comments and entries read from each platform by this process',
      labelNames: ['source', 'kind'],
      registers,
    }),
    replies: new Counter({
      name: 'earshot_replies_total',
      help: 'Replies by source and outcome (sent, dry_run, failed, retry)',
      labelNames: ['source', 'outcome'],
      registers,
    }),
    webhooks: new Counter({
      name: 'earshot_webhooks_total',
      help: 'Webhook deliveries by source and outcome (accepted, bad_signature, bad_body)',
      labelNames: ['source', 'outcome'],
      registers,
    }),
    healthy: new Gauge({
      name: 'earshot_source_healthy',
      help: '1 when the source polls fine, 0 after EARSHOT_SOURCE_FAILURES failures in a row',
      labelNames: ['source', 'key'],
      registers,
      async collect() {
        this.reset();
        // The database away: the other metrics are still served, these stay empty.
        for (const s of await read.health().catch(() => []))
          this.set({ source: s.source, key: s.key }, s.healthy ? 1 : 0);
      },
    }),
    readToday: new Gauge({
      name: 'earshot_source_posts_read_today',
      help: 'Posts read today (UTC) per source, from the database: what X bills',
      labelNames: ['source'],
      registers,
      async collect() {
        this.reset();
        for (const [source, n] of Object.entries(await read.readToday().catch(() => ({})))) this.set({ source }, n);
      },
    }),
  };
}
