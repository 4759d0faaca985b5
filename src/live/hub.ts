/**
 * The live event hub: what happened (live_events rows, written by triggers in whichever process
 * changed the data) reaches every open event stream in this process. One PostgreSQL connection
 * LISTENs for the triggers' NOTIFY; a poll every few seconds covers a lost notification or a dropped
 * connection, so events arrive across processes and survive a database restart. Each subscriber gets
 * only the events its role may see.
 */
import pg from 'pg';
import type { Db } from '../storage/db.ts';
import type { Logger } from '../log.ts';
import type { Role } from '../storage/tokens.ts';

export interface LiveEvent {
  id: number;
  topic: string;
  at: string;
  roles: string[];
  data: Record<string, unknown>;
}

type Listener = (e: LiveEvent) => void;

interface Subscriber {
  role: Role;
  listener: Listener;
}

export function visibleTo(role: Role, e: Pick<LiveEvent, 'roles'>): boolean {
  return role === 'admin' || e.roles.includes(role);
}

const REPLAY_LIMIT = 1000;

type EventRow = Omit<LiveEvent, 'at'> & { at: Date };
const SELECT_EVENTS = 'SELECT id, topic, at, roles, data FROM live_events';
const toEvent = (r: EventRow): LiveEvent => ({ ...r, at: r.at.toISOString() });

export class LiveHub {
  private readonly subscribers = new Set<Subscriber>();
  private lastId: number | null = null;
  private client: pg.Client | null = null;
  private poller: NodeJS.Timeout | null = null;
  private fetching: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private lastCleanup = 0;

  constructor(
    private readonly db: Db,
    private readonly databaseUrl: string,
    private readonly schema: string,
    private readonly log: Logger,
    private readonly pollMs = 2_000,
  ) {}

  /** Subscribes; returns the unsubscribe function. Starts listening with the first subscriber. */
  async subscribe(role: Role, listener: Listener): Promise<() => void> {
    await this.start();
    const s = { role, listener };
    this.subscribers.add(s);
    return () => this.subscribers.delete(s);
  }

  /** Events after `afterId` the role may see (a reconnect's Last-Event-ID), oldest first. */
  async replay(role: Role, afterId: number): Promise<LiveEvent[]> {
    const { rows } = await this.db.query<EventRow>(
      `${SELECT_EVENTS} WHERE id > $1 AND ($2 = 'admin' OR $2 = ANY(roles)) ORDER BY id LIMIT ${REPLAY_LIMIT}`,
      [afterId, role],
    );
    return rows.map(toEvent);
  }

  /** The newest event id now (a fresh stream starts after it). */
  async latestId(): Promise<number> {
    const { rows } = await this.db.query<{ id: number | null }>('SELECT max(id) AS id FROM live_events');
    return rows[0]?.id ?? 0;
  }

  private async start(): Promise<void> {
    if (this.lastId !== null || this.closed) return;
    this.lastId = await this.latestId();
    this.poller = setInterval(() => this.fetchNew(), this.pollMs);
    this.poller.unref();
    await this.listen();
  }

  private async listen(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('error', (err) => {
      this.log.warn({ error: err.message }, 'live events connection failed; polling until it is back');
      this.client = null;
      client.end().catch(() => {});
      setTimeout(() => void this.listen().catch(() => {}), 2_000).unref();
    });
    client.on('notification', () => this.fetchNew());
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(`earshot_live_${this.schema}`)}`);
      this.client = client;
    } catch (err) {
      client.emit('error', err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** Reads every event after the last one seen and hands each to the subscribers who may see it. */
  private fetchNew(): void {
    if (this.fetching) {
      this.again = true;
      return;
    }
    this.fetching = (async () => {
      do {
        this.again = false;
        const { rows } = await this.db.query<EventRow>(`${SELECT_EVENTS} WHERE id > $1 ORDER BY id LIMIT 500`, [
          this.lastId ?? 0,
        ]);
        for (const e of rows.map(toEvent)) {
          this.lastId = e.id;
          for (const s of this.subscribers) if (visibleTo(s.role, e)) s.listener(e);
        }
        if (rows.length === 500) this.again = true;
      } while (this.again && !this.closed);
      if (Date.now() - this.lastCleanup > 3_600_000) {
        this.lastCleanup = Date.now();
        await this.db.query(`DELETE FROM live_events WHERE at < now() - interval '2 days'`);
      }
    })()
      .catch((err: unknown) =>
        this.log.warn({ error: (err as Error).message }, 'live events not read; retrying on the next poll'),
      )
      .finally(() => {
        this.fetching = null;
      });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.poller) clearInterval(this.poller);
    this.subscribers.clear();
    await this.fetching;
    await this.client?.end().catch(() => {});
  }
}
