-- Root-cause clusters in the running service: the clustering engine's state (one writer at a time,
-- versioned so other processes know when to reload it), what the cluster stage has already placed,
-- manual merges/splits that the engine must not undo, and the profile headline shown in lists.

CREATE TABLE cluster_engine (
  id         integer PRIMARY KEY CHECK (id = 1),
  version    bigint NOT NULL,
  state      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Set once the cluster stage has seen a mention (placed it or left it a one-off).
ALTER TABLE mentions ADD COLUMN clustered_at timestamptz;
-- Moved by hand (split): the engine's later assignments leave it where product put it.
ALTER TABLE mentions ADD COLUMN cluster_pinned boolean NOT NULL DEFAULT false;
-- The cluster stage's backlog: negative, actionable, original mentions not yet seen.
CREATE INDEX mentions_cluster_pending ON mentions (id)
  WHERE clustered_at IS NULL AND sentiment = 'negative' AND actionable AND duplicate_of IS NULL;
CREATE INDEX mentions_cluster ON mentions (cluster_id, created_at) WHERE cluster_id IS NOT NULL;

-- A merged cluster points at the one it went into; the engine's later members follow the pointer.
ALTER TABLE clusters ADD COLUMN merged_into bigint REFERENCES clusters(id);
-- The engine's own count for its cluster, to see which clusters changed since the last write.
ALTER TABLE clusters ADD COLUMN engine_size integer NOT NULL DEFAULT 0;
-- Mentions per UTC day (YYYY-MM-DD → count), by the mentions' own time.
ALTER TABLE clusters ADD COLUMN daily jsonb NOT NULL DEFAULT '{}';
-- The strongest profile item ("model+firmware=X200+4.1") and its sentence, refreshed as the cluster grows.
ALTER TABLE clusters ADD COLUMN profile_key text;
ALTER TABLE clusters ADD COLUMN profile_text text;
ALTER TABLE clusters ADD COLUMN complainants integer NOT NULL DEFAULT 0;
ALTER TABLE clusters ADD COLUMN representatives jsonb NOT NULL DEFAULT '[]';
ALTER TABLE clusters ADD COLUMN channels jsonb NOT NULL DEFAULT '{}';

CREATE INDEX alerts_cluster ON alerts (cluster_id, kind, created_at DESC);
CREATE INDEX outreach_campaign ON outreach (campaign_id, id);

-- Outreach: how a campaign was delivered (and why, when DM was not possible); the closed loop's
-- "fixed" message per customer, kept apart from the first message and sent once (fixed_at).
ALTER TABLE outreach_campaigns ADD COLUMN note text;
ALTER TABLE outreach_campaigns ADD COLUMN sent_at timestamptz;
ALTER TABLE outreach ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE outreach ADD COLUMN fixed_message text;
ALTER TABLE outreach ADD COLUMN fixed_at timestamptz;
