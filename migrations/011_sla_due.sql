-- SLA due times stored on the case (src/support/sla-due.ts), so the queue sorts by SLA in SQL with an
-- index instead of computing every open case's clocks per request.
--   sla_due     the earliest due time of a running clock (NULL when both clocks have stopped)
--   sla_near    the earliest instant a running clock turns "near breach"
--   sla_missed  a stopped clock stopped after its due time (the case stays breached)
--   sla_policy  fingerprint of the SLA policy these were computed with; NULL = to be computed
ALTER TABLE cases
  ADD COLUMN sla_due    timestamptz,
  ADD COLUMN sla_near   timestamptz,
  ADD COLUMN sla_missed boolean NOT NULL DEFAULT false,
  ADD COLUMN sla_policy text;

CREATE INDEX cases_open_sla ON cases (sla_due, id) WHERE status <> 'resolved';
CREATE INDEX cases_sla_stale ON cases (id) WHERE sla_policy IS NULL;

-- Any change to what the clocks depend on marks the row stale, whichever code path made it.
CREATE FUNCTION cases_sla_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sla_policy := NULL;
  RETURN NEW;
END $$;

CREATE TRIGGER cases_sla_stale BEFORE UPDATE OF priority, opened_at, first_response_at, resolved_at ON cases
  FOR EACH ROW
  WHEN (OLD.priority IS DISTINCT FROM NEW.priority OR OLD.opened_at IS DISTINCT FROM NEW.opened_at
        OR OLD.first_response_at IS DISTINCT FROM NEW.first_response_at OR OLD.resolved_at IS DISTINCT FROM NEW.resolved_at)
  EXECUTE FUNCTION cases_sla_stale();
