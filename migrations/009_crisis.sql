-- Crisis watch (src/crisis/): alerts that open, update and resolve; per-minute mention counts to judge
-- them against; the detector's learned state per series; fire drills marked everywhere they show.

ALTER TABLE alerts ADD COLUMN resolved_at timestamptz;
ALTER TABLE alerts ADD COLUMN resolved_by text;
ALTER TABLE alerts ADD COLUMN drill boolean NOT NULL DEFAULT false;
-- What the alert is about: {"brand": "*", "channel": "*"} for crisis alerts; '{}' for cluster alerts.
ALTER TABLE alerts ADD COLUMN scope jsonb NOT NULL DEFAULT '{}';
ALTER TABLE alerts ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX alerts_open ON alerts (kind, id DESC) WHERE resolved_at IS NULL;
CREATE INDEX alerts_drill ON alerts (id) WHERE drill;

-- A drill's mentions carry an external id starting 'earshot-drill:'; the pipeline stores them like any
-- other, and this flag (set on insert) lets every view mark them and one statement remove them.
ALTER TABLE mentions ADD COLUMN drill boolean NOT NULL DEFAULT false;
CREATE FUNCTION earshot_mark_drill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.drill := NEW.external_id LIKE 'earshot-drill:%';
  RETURN NEW;
END $$;
CREATE TRIGGER mentions_mark_drill BEFORE INSERT ON mentions FOR EACH ROW EXECUTE FUNCTION earshot_mark_drill();
CREATE INDEX mentions_drill ON mentions (id) WHERE drill;

-- Mentions per minute (by the mention's own time) per brand, channel and sentiment; drill counts kept
-- apart so removing a drill leaves the real series as it was.
CREATE TABLE mention_series (
  minute    timestamptz NOT NULL,
  brand     text NOT NULL,
  channel   text NOT NULL,
  sentiment text NOT NULL,
  drill     boolean NOT NULL DEFAULT false,
  mentions  integer NOT NULL,
  -- Sum over the minute's mentions of min(followers / 100k, 20).
  reach     real NOT NULL DEFAULT 0,
  PRIMARY KEY (brand, channel, minute, sentiment, drill)
);
CREATE INDEX mention_series_minute ON mention_series (minute);
-- The crisis watch recounts the minutes of mentions ingested since its last run (imports, backfills).
CREATE INDEX mentions_ingested ON mentions (ingested_at);

-- The detector's state per series key ("brand|channel"): the learned baseline and the open crisis.
CREATE TABLE crisis_state (
  series     text PRIMARY KEY,
  state      jsonb NOT NULL,
  alert_id   bigint REFERENCES alerts(id) ON DELETE SET NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
