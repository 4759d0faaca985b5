-- The cluster stage's placement log: every mention the engine has seen carries its place in the
-- engine's add order, so a process rebuilds the engine from a checkpoint plus the mentions placed
-- after it, instead of every run writing the whole engine (which grows with the mentions stored).

-- Position in the engine's add order, written in the transaction that placed the mention.
ALTER TABLE mentions ADD COLUMN cluster_seq bigint;
CREATE UNIQUE INDEX mentions_cluster_seq ON mentions (cluster_seq) WHERE cluster_seq IS NOT NULL;

-- `version` and `seq` move every run (cheap); `state` is the engine as of `checkpoint_seq`, rewritten
-- only now and then (at `checkpoint_version`). No state yet: an empty engine at seq 0.
ALTER TABLE cluster_engine ALTER COLUMN state DROP NOT NULL;
ALTER TABLE cluster_engine ADD COLUMN seq bigint NOT NULL DEFAULT 0;
ALTER TABLE cluster_engine ADD COLUMN checkpoint_seq bigint NOT NULL DEFAULT 0;
ALTER TABLE cluster_engine ADD COLUMN checkpoint_version bigint NOT NULL DEFAULT 0;
