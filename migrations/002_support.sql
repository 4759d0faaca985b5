-- Support: dashboard sessions, case tags/merges/SLA marks, and agents' corrections of triage.
-- Notes, assignments and status changes are case_events (append-only), not tables of their own.

-- Only a hash of each session id is kept, so a read of this table cannot be replayed as a login.
CREATE TABLE sessions (
  id_hash      text PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

ALTER TABLE cases
  ADD COLUMN tags                       text[] NOT NULL DEFAULT '{}',
  ADD COLUMN merged_into                bigint REFERENCES cases(id),
  ADD COLUMN reopen_count               integer NOT NULL DEFAULT 0,
  ADD COLUMN escalated_at               timestamptz,
  ADD COLUMN first_response_breached_at timestamptz,
  ADD COLUMN resolution_breached_at     timestamptz;
CREATE INDEX cases_resolved_by_author ON cases (author_id, source, resolved_at DESC) WHERE status = 'resolved';
CREATE INDEX cases_opened ON cases (opened_at);
CREATE INDEX cases_customer ON cases (customer_ref);

-- What an agent said triage got wrong; exported as labelled lines for `earshot train`.
CREATE TABLE corrections (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  mention_id bigint NOT NULL REFERENCES mentions(id),
  kind       text NOT NULL CHECK (kind IN ('not_actionable', 'actionable', 'category', 'sentiment')),
  before     text,
  after      text,
  note       text,
  actor      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX corrections_mention ON corrections (mention_id);
