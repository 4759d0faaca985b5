-- Dead letters: an inbox row whose processing failed EARSHOT_INBOX_MAX_ATTEMPTS times is set aside
-- (dead_at) instead of being retried forever; /ready, /metrics, the dashboard and
-- `earshot inbox list-dead` show it, and `earshot inbox retry` puts it back.
ALTER TABLE inbox ADD COLUMN IF NOT EXISTS dead_at timestamptz;
CREATE INDEX IF NOT EXISTS inbox_dead ON inbox (dead_at) WHERE dead_at IS NOT NULL;
DROP INDEX IF EXISTS inbox_pending;
CREATE INDEX inbox_pending ON inbox (received_at) WHERE processed_at IS NULL AND dead_at IS NULL;
