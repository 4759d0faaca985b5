/**
 * Outreach campaigns: from a cluster's at-risk list, one message per customer; the closed loop when the
 * cluster is fixed. The UNIQUE (cluster_id, customer_ref) row is the promise never to contact the same
 * customer twice about the same cluster: a second campaign only adds customers the first did not have.
 */
import type { Queryable } from '../storage/db.ts';
import { clusterProfile } from '../clusters/profile.ts';
import { DEFAULT_FIXED_TEMPLATE, fillTemplate, templateVars, type Recipient } from './template.ts';
import { X_HANDLE_SQL } from './send.ts';
import { AppError } from '../domain/errors.ts';

export type OutreachChannel = 'email' | 'dm' | 'csv';
export const OUTREACH_STATUSES = [
  'queued',
  'sending',
  'contacted',
  'replied',
  'complained',
  'fixed_notified',
  'failed',
] as const;
export type OutreachStatus = (typeof OUTREACH_STATUSES)[number];
/** 'x_dm': sent through the X adapter by the 'outreach-send' job; 'export': the download is the deliverable. */
export type CampaignDelivery = 'x_dm' | 'export';

export interface CampaignInput {
  name: string;
  channel: OutreachChannel;
  template: string;
  fixed_template?: string | null;
  /** At most this many of the ranked at-risk customers. */
  limit?: number;
}

export interface Campaign {
  id: number;
  cluster_id: number;
  name: string;
  channel: OutreachChannel;
  delivery: CampaignDelivery;
  template: string;
  fixed_template: string | null;
  status: string;
  note: string | null;
  created_by: string;
  created_at: string;
  sent_at: string | null;
  counts: Record<string, number>;
}

/** Without X user-context credentials there is no DM path: the campaign is delivered as an export, and says so. */
const DM_NOTE =
  'direct messages are not available: X direct messages need X_CONSUMER_KEY/SECRET and X_ACCESS_TOKEN/SECRET ' +
  '(Facebook has replies only); delivered as an e-mail export instead';
const NO_HANDLE = 'no X handle: in the export instead';

/** `xDm`: whether the X adapter can send direct messages (user-context credentials configured). */
export async function createCampaign(
  tx: Queryable,
  clusterId: number,
  input: CampaignInput,
  actor: string,
  opts: { xDm?: boolean } = {},
): Promise<{ campaign: Campaign; added: number; skipped: number }> {
  const c = await tx.query<{ status: string }>('SELECT status FROM clusters WHERE id = $1 AND merged_into IS NULL', [
    clusterId,
  ]);
  if (!c.rows[0]) throw new AppError('not_found', `no cluster ${clusterId} (or it was merged into another)`);
  if (c.rows[0].status === 'dismissed') throw new AppError('conflict', `cluster ${clusterId} is dismissed`);
  const profile = await clusterProfile(tx, clusterId, input.limit ?? Infinity);
  const dmByX = input.channel === 'dm' && opts.xDm === true;
  const { rows } = await tx.query<{ id: number }>(
    `INSERT INTO outreach_campaigns (cluster_id, name, channel, delivery, template, fixed_template, status, note, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $8) RETURNING id`,
    [
      clusterId,
      input.name,
      input.channel,
      dmByX ? 'x_dm' : 'export',
      input.template,
      input.fixed_template ?? null,
      input.channel === 'dm' && !dmByX ? DM_NOTE : null,
      actor,
    ],
  );
  const campaignId = rows[0]!.id;
  const ids = profile.at_risk.map((a) => a.customer_id);
  const recipients = await recipientsById(tx, ids);
  let added = 0;
  for (const a of profile.at_risk) {
    const r = recipients.get(a.customer_id);
    if (!r) continue;
    const ins = await tx.query(
      `INSERT INTO outreach (campaign_id, cluster_id, customer_ref, kind, score, reason, status, message)
       VALUES ($1, $2, $3, 'at_risk', $4, $5, 'queued', $6) ON CONFLICT (cluster_id, customer_ref) DO NOTHING`,
      [campaignId, clusterId, r.ref, a.score, a.reason, fillTemplate(input.template, templateVars(r))],
    );
    added += ins.rowCount ?? 0;
  }
  return { campaign: (await getCampaign(tx, campaignId))!, added, skipped: profile.at_risk.length - added };
}

/**
 * Hands the queued messages over for delivery. Export campaigns: they become 'contacted' and appear in
 * the export. X DM campaigns: customers with an X handle stay queued for the 'outreach-send' job (their
 * ids are returned for the caller to enqueue after the commit); the others go to the export, with a note.
 * Sending again only re-offers what is still queued; the job's claim keeps every DM single.
 */
export async function sendCampaign(
  tx: Queryable,
  campaignId: number,
  dryRun: boolean,
): Promise<{ contacted: number; dm: number[]; campaign: Campaign }> {
  const campaign = await getCampaign(tx, campaignId);
  if (!campaign) throw new AppError('not_found', `no campaign ${campaignId}`);
  let dm: number[] = [];
  const notes = [campaign.note];
  if (campaign.delivery === 'x_dm') {
    await tx.query(
      `UPDATE outreach o SET delivery = CASE WHEN ${X_HANDLE_SQL} IS NULL THEN 'export' ELSE 'dm' END, updated_at = now()
        WHERE o.campaign_id = $1 AND o.status = 'queued' AND o.delivery IS NULL`,
      [campaignId],
    );
    const queued = await tx.query<{ id: number }>(
      `SELECT id FROM outreach WHERE campaign_id = $1 AND status = 'queued' AND delivery = 'dm' ORDER BY id`,
      [campaignId],
    );
    dm = queued.rows.map((r) => r.id);
    const r = await tx.query(
      `UPDATE outreach SET status = 'contacted', error = $2, updated_at = now() WHERE campaign_id = $1 AND status = 'queued' AND delivery = 'export'`,
      [campaignId, NO_HANDLE],
    );
    const exported = r.rowCount ?? 0;
    if (!campaign.note?.startsWith('sent by X direct message')) {
      notes[0] =
        'sent by X direct message to customers with an X handle; customers without one are in the e-mail export';
    }
    if (dryRun) notes.push('EARSHOT_DRY_RUN: direct messages are recorded, not sent');
    await tx.query(
      `UPDATE outreach_campaigns SET status = 'sent', sent_at = COALESCE(sent_at, now()), note = $2 WHERE id = $1`,
      [campaignId, [...new Set(notes.filter(Boolean))].join('; ') || null],
    );
    return { contacted: exported, dm, campaign: (await getCampaign(tx, campaignId))! };
  }
  const r = await tx.query(
    `UPDATE outreach SET status = 'contacted', delivery = 'export', updated_at = now() WHERE campaign_id = $1 AND status = 'queued'`,
    [campaignId],
  );
  if (dryRun) notes.push('EARSHOT_DRY_RUN: nothing was sent by earshot; the export holds the messages');
  await tx.query(
    `UPDATE outreach_campaigns SET status = 'sent', sent_at = COALESCE(sent_at, now()), note = $2 WHERE id = $1`,
    [campaignId, [...new Set(notes.filter(Boolean))].join('; ') || null],
  );
  return { contacted: r.rowCount ?? 0, dm, campaign: (await getCampaign(tx, campaignId))! };
}

/**
 * The closed loop, when a cluster is marked fixed: everyone who complained in it or was contacted about
 * it gets the "fixed" message once (fixed_at is set; a second fix finds nobody left). When the cluster
 * had an X DM campaign, customers with an X handle get it by DM (fixed_state 'queued', sent by the
 * 'outreach-send' job the dispatcher queues); everyone else finds it in the fixed export.
 */
export async function notifyFixed(tx: Queryable, clusterId: number): Promise<number> {
  const latest = await tx.query<{ id: number; fixed_template: string | null }>(
    'SELECT id, fixed_template FROM outreach_campaigns WHERE cluster_id = $1 ORDER BY (fixed_template IS NULL), id DESC LIMIT 1',
    [clusterId],
  );
  const template = latest.rows[0]?.fixed_template ?? DEFAULT_FIXED_TEMPLATE;
  await tx.query(
    `INSERT INTO outreach (campaign_id, cluster_id, customer_ref, kind, status)
     SELECT DISTINCT ON (a.customer_ref) $2::bigint, $1::bigint, a.customer_ref, 'complainant', 'complained'
       FROM mentions m JOIN authors a ON a.id = m.author_id WHERE m.cluster_id = $1 AND a.customer_ref IS NOT NULL
     ON CONFLICT (cluster_id, customer_ref) DO NOTHING`,
    [clusterId, latest.rows[0]?.id ?? null],
  );
  const byDm = await tx.query(`SELECT 1 FROM outreach_campaigns WHERE cluster_id = $1 AND delivery = 'x_dm' LIMIT 1`, [
    clusterId,
  ]);
  const dmState = byDm.rows.length > 0 ? 'queued' : null;
  const due = await tx.query<{
    id: number;
    customer_id: string;
    name: string | null;
    email: string | null;
    attributes: Record<string, unknown>;
    handle: string | null;
  }>(
    `SELECT o.id, c.customer_id, c.name, c.email, c.attributes, ${X_HANDLE_SQL} AS handle FROM outreach o JOIN customers c ON c.id = o.customer_ref
      WHERE o.cluster_id = $1 AND o.status IN ('contacted', 'replied', 'complained') AND o.fixed_at IS NULL FOR UPDATE OF o`,
    [clusterId],
  );
  for (const r of due.rows) {
    await tx.query(
      `UPDATE outreach SET status = 'fixed_notified', fixed_message = $2, fixed_state = $3, fixed_at = now(), updated_at = now() WHERE id = $1`,
      [r.id, fillTemplate(template, templateVars(r)), r.handle ? dmState : null],
    );
  }
  return due.rows.length;
}

export async function setOutreachStatus(
  tx: Queryable,
  outreachId: number,
  status: (typeof OUTREACH_STATUSES)[number],
): Promise<boolean> {
  const r = await tx.query('UPDATE outreach SET status = $2, updated_at = now() WHERE id = $1', [outreachId, status]);
  return (r.rowCount ?? 0) > 0;
}

export async function getCampaign(db: Queryable, id: number): Promise<Campaign | null> {
  const { rows } = await db.query<
    Omit<Campaign, 'id' | 'cluster_id' | 'counts' | 'created_at' | 'sent_at'> & {
      id: number;
      cluster_id: number;
      created_at: Date;
      sent_at: Date | null;
    }
  >(
    `SELECT id, cluster_id, name, channel, delivery, template, fixed_template, status, note, created_by, created_at, sent_at
       FROM outreach_campaigns WHERE id = $1`,
    [id],
  );
  const r = rows[0];
  if (!r) return null;
  const counts = await db.query<{ status: string; n: string }>(
    'SELECT status, count(*) AS n FROM outreach WHERE campaign_id = $1 GROUP BY status',
    [id],
  );
  return {
    ...r,
    id: r.id,
    cluster_id: r.cluster_id,
    created_at: r.created_at.toISOString(),
    sent_at: r.sent_at?.toISOString() ?? null,
    counts: Object.fromEntries(counts.rows.map((c) => [c.status, Number(c.n)])),
  };
}

export async function listCampaigns(db: Queryable, clusterId?: number): Promise<Campaign[]> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT id FROM outreach_campaigns ${clusterId ? 'WHERE cluster_id = $1' : ''} ORDER BY id DESC LIMIT 200`,
    clusterId ? [clusterId] : [],
  );
  const out: Campaign[] = [];
  for (const r of rows) out.push((await getCampaign(db, r.id))!);
  return out;
}

export interface OutreachRow {
  id: number;
  customer_id: string;
  name: string | null;
  email: string | null;
  kind: string;
  status: OutreachStatus;
  score: number | null;
  reason: string | null;
  message: string | null;
  fixed_message: string | null;
  /** 'dm' or 'export' once the campaign was sent. */
  delivery: string | null;
  /** X's dm_event_id of the first message. */
  platform_id: string | null;
  /** Why the DM failed, or why the customer is in the export instead. */
  error: string | null;
  dry_run: boolean;
  /** The "fixed" DM: queued, sending, sent, failed, dry_run; null when it is in the export. */
  fixed_state: string | null;
  fixed_platform_id: string | null;
  fixed_error: string | null;
}

export async function campaignRows(
  db: Queryable,
  where: { campaignId?: number; clusterId?: number },
): Promise<OutreachRow[]> {
  const { rows } = await db.query<OutreachRow & { id: number }>(
    `SELECT o.id, c.customer_id, c.name, c.email, o.kind, o.status, o.score, o.reason, o.message, o.fixed_message,
            o.delivery, o.platform_id, o.error, o.dry_run, o.fixed_state, o.fixed_platform_id, o.fixed_error
       FROM outreach o JOIN customers c ON c.id = o.customer_ref
      WHERE ($1::bigint IS NULL OR o.campaign_id = $1) AND ($2::bigint IS NULL OR o.cluster_id = $2)
      ORDER BY o.score DESC NULLS LAST, o.id`,
    [where.campaignId ?? null, where.clusterId ?? null],
  );
  return rows.map((r) => ({ ...r, id: r.id }));
}

async function recipientsById(tx: Queryable, ids: string[]): Promise<Map<string, Recipient & { ref: number }>> {
  const { rows } = await tx.query<Recipient & { id: number }>(
    'SELECT id, customer_id, name, email, attributes FROM customers WHERE customer_id = ANY($1::text[])',
    [ids],
  );
  return new Map(rows.map((r) => [r.customer_id, { ...r, ref: r.id }]));
}
