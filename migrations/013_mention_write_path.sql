-- Cheaper mention writes (issue #15: case write was a quarter of a mention's CPU).
-- mentions_recent duplicated the primary key: a btree on id serves ORDER BY id DESC as well, and
-- every inserted or updated mention row paid for the second index.
DROP INDEX IF EXISTS mentions_recent;

-- Live events for mentions once per INSERT statement instead of once per row: one INSERT … SELECT
-- from the transition table and one NOTIFY (the hub reads live_events after its last id and never
-- the payload; the payload stays the newest event id). Same rows, same order, same data.
CREATE FUNCTION earshot_live_mentions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last_id bigint;
BEGIN
  WITH ev AS (
    INSERT INTO live_events (topic, roles, data)
      SELECT 'mention', ARRAY['agent', 'pr', 'product'],
             jsonb_build_object('op', 'insert', 'id', n.id, 'case_id', n.case_id, 'source', n.source, 'sentiment', n.sentiment, 'drill', n.drill)
        FROM new_mentions n ORDER BY n.id
      RETURNING id)
  SELECT max(id) INTO last_id FROM ev;
  IF last_id IS NOT NULL THEN
    PERFORM pg_notify('earshot_live_' || current_schema(), last_id::text);
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER mentions_live ON mentions;
CREATE TRIGGER mentions_live AFTER INSERT ON mentions REFERENCING NEW TABLE AS new_mentions
  FOR EACH STATEMENT EXECUTE FUNCTION earshot_live_mentions();
