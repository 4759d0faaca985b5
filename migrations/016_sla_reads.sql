-- Reads at 1M mentions / 200k cases (issue #15, `npm run bench -- firehose` part `scale`; plans in
-- bench/results/firehose-scale-*.txt).
--   cases_open_sla_missed  the SLA queue's tier "a stopped clock stopped late" in due order: open
--                          cases whose first response came late, without walking every open case
--                          (src/storage/cases.ts, SLA_TIERS; the other tiers walk cases_open_sla).
CREATE INDEX cases_open_sla_missed ON cases (sla_due, id) WHERE status <> 'resolved' AND sla_missed;
