-- Channels in and out: what reading costs, what the platforms changed after we stored a mention,
-- and a 'sending' state that makes a reply's send claimable exactly once.

-- Posts read per UTC day (X bills reads; a post read twice in a day is billed once, so this is an upper bound).
CREATE TABLE channel_usage (
  day    date NOT NULL,
  source text NOT NULL,
  kind   text NOT NULL,
  count  bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (day, source, kind)
);

-- A source told to wait (429, Graph usage over its limit) is not polled before this time.
ALTER TABLE cursors ADD COLUMN paused_until timestamptz;

-- Removed on the platform (Facebook verb=remove): kept, marked, shown as removed.
ALTER TABLE mentions ADD COLUMN removed_at timestamptz;
ALTER TABLE mentions ADD COLUMN edited_at timestamptz;

-- Every edit and removal the platform reported, in arrival order. The first text stays on the mention
-- (it is what triage and the case saw); later texts are kept here. A change may arrive before its
-- mention is processed, so it is keyed by (source, external_id), not by the mention's id.
CREATE TABLE mention_changes (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source      text NOT NULL,
  external_id text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('edited', 'removed')),
  text        text,
  changed_at  timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  -- Meta redelivers: the same change twice is one row.
  UNIQUE (source, external_id, kind, changed_at)
);
CREATE INDEX mention_changes_ref ON mention_changes (source, external_id, id);

ALTER TABLE replies DROP CONSTRAINT replies_status_check;
ALTER TABLE replies ADD CONSTRAINT replies_status_check CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'dry_run'));
CREATE INDEX replies_case ON replies (case_id, id);
