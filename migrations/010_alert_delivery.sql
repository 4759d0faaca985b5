-- Alert delivery (src/alerts/): where alerts go, each attempt's outcome; and the live event log that
-- GET /api/events streams (src/live/hub.ts), filled by triggers so every process's writes appear.

CREATE TABLE alert_destinations (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('slack', 'webhook', 'email')),
  -- An https:// URL (slack, webhook) or an e-mail address.
  target       text NOT NULL,
  -- HMAC-SHA256 key of a signed webhook.
  secret       text,
  min_severity integer NOT NULL DEFAULT 1,
  drills       boolean NOT NULL DEFAULT true,
  enabled      boolean NOT NULL DEFAULT true,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE alert_deliveries (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id        bigint NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
  destination_id  bigint NOT NULL REFERENCES alert_destinations(id) ON DELETE CASCADE,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  sent_at         timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (alert_id, destination_id)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt_at) WHERE status = 'pending';

-- What happened, for live views: topic, the roles that may see it, and a small payload (ids, status).
CREATE TABLE live_events (
  id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at    timestamptz NOT NULL DEFAULT now(),
  topic text NOT NULL,
  roles text[] NOT NULL,
  data  jsonb NOT NULL
);
CREATE INDEX live_events_at ON live_events (at);

CREATE FUNCTION earshot_live_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ev_id bigint;
BEGIN
  IF TG_TABLE_NAME = 'mentions' THEN
    INSERT INTO live_events (topic, roles, data)
      VALUES ('mention', ARRAY['agent', 'pr', 'product'],
              jsonb_build_object('op', lower(TG_OP), 'id', NEW.id, 'case_id', NEW.case_id, 'source', NEW.source, 'sentiment', NEW.sentiment, 'drill', NEW.drill))
      RETURNING id INTO ev_id;
  ELSIF TG_TABLE_NAME = 'cases' THEN
    INSERT INTO live_events (topic, roles, data)
      VALUES ('case', ARRAY['agent'],
              jsonb_build_object('op', lower(TG_OP), 'id', NEW.id, 'status', NEW.status, 'priority', NEW.priority, 'assignee', NEW.assignee, 'queue', NEW.queue))
      RETURNING id INTO ev_id;
  ELSE
    INSERT INTO live_events (topic, roles, data)
      VALUES ('alert', ARRAY['pr', 'product'],
              jsonb_build_object('op', lower(TG_OP), 'id', NEW.id, 'kind', NEW.kind, 'severity', NEW.severity, 'message', NEW.message, 'drill', NEW.drill,
                                 'acknowledged', NEW.acknowledged_at IS NOT NULL, 'resolved', NEW.resolved_at IS NOT NULL))
      RETURNING id INTO ev_id;
  END IF;
  -- The schema in the channel name keeps tenants (and test schemas) apart.
  PERFORM pg_notify('earshot_live_' || current_schema(), ev_id::text);
  RETURN NEW;
END $$;

-- Mentions appear once they are classified (the pipeline inserts them with their sentiment).
CREATE TRIGGER mentions_live AFTER INSERT ON mentions FOR EACH ROW EXECUTE FUNCTION earshot_live_event();
CREATE TRIGGER cases_live AFTER INSERT OR UPDATE OF status, priority, assignee, queue ON cases FOR EACH ROW EXECUTE FUNCTION earshot_live_event();
CREATE TRIGGER alerts_live AFTER INSERT OR UPDATE ON alerts FOR EACH ROW EXECUTE FUNCTION earshot_live_event();
