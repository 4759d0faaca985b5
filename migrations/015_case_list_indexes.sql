-- Indexes for two case lists that scanned the whole cases table (issue #15, `npm run bench -- firehose`
-- part `scale`; plans in bench/results/firehose-scale-*.txt). At 63k cases each was a scan of the
-- table (43 ms and 18 ms), growing with it; with these, 0.1–0.2 ms at any size.
--   cases_assignee  GET /api/cases?assignee=… (the inbox's "mine"): newest first among one agent's
--                   cases, instead of walking every case newest first and filtering.
--   cases_cluster   a cluster's cases, newest first (GET /api/clusters/:id), instead of walking
--                   cases_opened backwards; also what ON DELETE SET NULL of a cluster needs.
CREATE INDEX cases_assignee ON cases (assignee, id DESC) WHERE assignee IS NOT NULL;
CREATE INDEX cases_cluster ON cases (cluster_id, opened_at DESC) WHERE cluster_id IS NOT NULL;
