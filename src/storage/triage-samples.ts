/** The latest stored mentions as triage saw them (text, author, customer, sentiment), for rule previews. */
import type { TriageSample } from '../triage/preview.ts';
import type { SentimentLabel } from '../domain/mention.ts';
import type { Queryable } from './db.ts';

interface Row {
  id: number;
  text: string;
  source: string;
  handle: string;
  followers: number | null;
  is_retweet: boolean;
  sentiment: SentimentLabel | null;
  sentiment_score: number | null;
  attributes: Record<string, string> | null;
}

export async function latestTriageSamples(db: Queryable, limit: number): Promise<TriageSample[]> {
  const { rows } = await db.query<Row>(
    `SELECT m.id, m.text, m.source, a.handle, a.followers, m.is_retweet, m.sentiment, m.sentiment_score, c.attributes
       FROM mentions m
       JOIN authors a ON a.id = m.author_id
       LEFT JOIN customers c ON c.id = a.customer_ref
      WHERE m.sentiment IS NOT NULL AND m.duplicate_of IS NULL
      ORDER BY m.id DESC
      LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    mentionId: r.id,
    input: {
      text: r.text,
      source: r.source,
      author: { handle: r.handle, followers: r.followers },
      isRetweet: r.is_retweet,
      customer: r.attributes ? { attributes: r.attributes } : null,
    },
    sentiment: { label: r.sentiment ?? 'neutral', score: r.sentiment_score ?? 0, reasons: [] },
  }));
}
