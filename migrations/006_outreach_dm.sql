-- Outreach by X direct message: each message is claimed before it is sent (never twice), and the
-- outcome is kept per customer: the platform's id, or the reason it failed. 'sending' is the claim;
-- 'failed' means nothing is known to have reached the customer (the reason says why).
ALTER TABLE outreach DROP CONSTRAINT IF EXISTS outreach_status_check;
ALTER TABLE outreach ADD CONSTRAINT outreach_status_check
  CHECK (status IN ('queued', 'sending', 'contacted', 'replied', 'complained', 'fixed_notified', 'failed'));

-- How the campaign is delivered: 'x_dm' (through the X adapter) or 'export' (e-mail/CRM file).
ALTER TABLE outreach_campaigns ADD COLUMN delivery text NOT NULL DEFAULT 'export' CHECK (delivery IN ('export', 'x_dm'));

-- First message: 'dm' (sent by the worker) or 'export' (in the download); the outcome of a DM.
ALTER TABLE outreach ADD COLUMN delivery text CHECK (delivery IN ('dm', 'export'));
ALTER TABLE outreach ADD COLUMN platform_id text;
ALTER TABLE outreach ADD COLUMN error text;
ALTER TABLE outreach ADD COLUMN sent_at timestamptz;
-- EARSHOT_DRY_RUN: recorded as contacted, nothing sent.
ALTER TABLE outreach ADD COLUMN dry_run boolean NOT NULL DEFAULT false;

-- The closed loop's "fixed" message by DM: its own claim and outcome (NULL: in the export, as before).
ALTER TABLE outreach ADD COLUMN fixed_state text CHECK (fixed_state IN ('queued', 'sending', 'sent', 'failed', 'dry_run'));
ALTER TABLE outreach ADD COLUMN fixed_platform_id text;
ALTER TABLE outreach ADD COLUMN fixed_error text;

-- The dispatcher's catch-up scan: DMs waiting for a job.
CREATE INDEX outreach_dm_due ON outreach (id) WHERE (status = 'queued' AND delivery = 'dm') OR fixed_state = 'queued';
