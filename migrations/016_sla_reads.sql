-- Reads at 1M mentions / 200k cases (issue #15, `npm run bench -- firehose` part `scale`; plans in
-- bench/results/firehose-scale-*.txt).
--   cases_open_sla_missed  the SLA queue's tier "a stopped clock stopped late" in due order: open
--                          cases whose first response came late, without walking every open case
--                          (src/storage/cases.ts, SLA_TIERS; the other tiers walk cases_open_sla).
CREATE INDEX cases_open_sla_missed ON cases (sla_due, id) WHERE status <> 'resolved' AND sla_missed;
--   cases_open_near        the tier "near breach" (sla_near <= now <= sla_due): a stabbing query on the
--                          interval instead of walking every running clock in due order to find the
--                          few near breach (103k open cases, 40 near breach: 101 ms → 0.7 ms).
--                          least() keeps the range valid whatever the policy's near-breach ratio.
CREATE INDEX cases_open_near ON cases USING gist (tstzrange(least(sla_near, sla_due), sla_due, '[]'))
  WHERE status <> 'resolved' AND NOT sla_missed AND sla_due IS NOT NULL;
