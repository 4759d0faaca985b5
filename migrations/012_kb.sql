-- The public side of the loop: the knowledge base of published clusters, cases from the website
-- (rate-limited in the database so every process sees the same counts), satisfaction surveys, and
-- customers' churn for retention.

-- A cluster is on the public knowledge base while published_at is set; unpublished_at marks a page
-- that was public once (it answers 410 Gone, not 404).
ALTER TABLE clusters ADD COLUMN published_at timestamptz;
ALTER TABLE clusters ADD COLUMN unpublished_at timestamptz;
ALTER TABLE clusters ADD COLUMN solution_updated_at timestamptz;
CREATE INDEX clusters_published ON clusters (published_at) WHERE published_at IS NOT NULL;

-- Fixed-window counters: (bucket, key, window start) → hits. Old windows are deleted as new ones start.
CREATE TABLE rate_limits (
  bucket       text NOT NULL,
  key          text NOT NULL,
  window_start timestamptz NOT NULL,
  hits         integer NOT NULL DEFAULT 0,
  PRIMARY KEY (bucket, key, window_start)
);

-- Secrets earshot makes for itself (the survey-link signing key) when none is configured, shared by
-- every process through the database.
CREATE TABLE app_secrets (
  name       text PRIMARY KEY,
  value      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One satisfaction survey per resolution of a case; answered once.
CREATE TABLE surveys (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id     bigint NOT NULL REFERENCES cases(id),
  email       text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  sent_at     timestamptz,
  send_error  text,
  rating      integer CHECK (rating BETWEEN 1 AND 5),
  comment     text,
  answered_at timestamptz
);
CREATE INDEX surveys_case ON surveys (case_id, id DESC);

ALTER TABLE customers ADD COLUMN churned_at timestamptz;
