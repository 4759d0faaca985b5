-- earshot's core tables. Plain SQL that runs unchanged on PostgreSQL 15+ and on the embedded server.

-- Raw deliveries, written before any sender is told "accepted". The unique key is the dedupe authority.
CREATE TABLE inbox (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source       text NOT NULL,
  external_id  text NOT NULL,
  payload      jsonb NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  enqueued_at  timestamptz,
  processed_at timestamptz,
  attempts     integer NOT NULL DEFAULT 0,
  last_error   text,
  UNIQUE (source, external_id)
);
CREATE INDEX inbox_pending ON inbox (received_at) WHERE processed_at IS NULL;

-- The brand's customers (the CRM side); attributes hold plan, product, firmware, region, spend, ...
CREATE TABLE customers (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id text NOT NULL UNIQUE,
  name        text,
  email       text,
  attributes  jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customers_email ON customers (lower(email));

-- A customer's handles; source '*' matches every channel. Handles are stored canonical (lower case, no '@').
CREATE TABLE customer_handles (
  customer_ref bigint NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  source       text NOT NULL DEFAULT '*',
  handle       text NOT NULL,
  PRIMARY KEY (source, handle)
);
CREATE INDEX customer_handles_customer ON customer_handles (customer_ref);

-- People who post, per channel; linked to a customer by handle, email or by hand (link_origin says which).
CREATE TABLE authors (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source       text NOT NULL,
  handle       text NOT NULL,
  name         text,
  followers    integer,
  customer_ref bigint REFERENCES customers(id) ON DELETE SET NULL,
  link_origin  text CHECK (link_origin IN ('handle', 'email', 'manual')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source, handle)
);
CREATE INDEX authors_customer ON authors (customer_ref);

CREATE TABLE clusters (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  engine_key  text UNIQUE,
  label       jsonb NOT NULL DEFAULT '[]',
  name        text,
  status      text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'confirmed', 'fixed', 'dismissed')),
  solution    text,
  size        integer NOT NULL DEFAULT 0,
  first_seen  timestamptz,
  last_seen   timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cases (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  status            text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'assigned', 'waiting', 'resolved', 'reopened')),
  priority          text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  category          text NOT NULL,
  queue             text,
  assignee          text,
  source            text NOT NULL,
  author_id         bigint NOT NULL REFERENCES authors(id),
  customer_ref      bigint REFERENCES customers(id) ON DELETE SET NULL,
  conversation_key  text,
  subject           text NOT NULL,
  mention_count     integer NOT NULL DEFAULT 0,
  cluster_id        bigint REFERENCES clusters(id) ON DELETE SET NULL,
  opened_at         timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  first_response_at timestamptz,
  resolved_at       timestamptz
);
CREATE INDEX cases_open_by_author ON cases (author_id, source) WHERE status <> 'resolved';
CREATE INDEX cases_conversation ON cases (source, conversation_key) WHERE status <> 'resolved';
CREATE INDEX cases_status ON cases (status, id DESC);

-- Append-only history of every case: who did what, when.
CREATE TABLE case_events (
  id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id bigint NOT NULL REFERENCES cases(id),
  at      timestamptz NOT NULL DEFAULT now(),
  actor   text NOT NULL,
  kind    text NOT NULL,
  data    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case ON case_events (case_id, id);

CREATE TABLE mentions (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  inbox_id        bigint REFERENCES inbox(id),
  source          text NOT NULL,
  external_id     text NOT NULL,
  author_id       bigint NOT NULL REFERENCES authors(id),
  text            text NOT NULL,
  url             text,
  in_reply_to     text,
  conversation_id text,
  created_at      timestamptz NOT NULL,
  ingested_at     timestamptz NOT NULL DEFAULT now(),
  is_retweet      boolean NOT NULL DEFAULT false,
  fingerprint     text,
  duplicate_of    bigint REFERENCES mentions(id),
  sentiment       text CHECK (sentiment IN ('negative', 'neutral', 'positive')),
  sentiment_score real,
  actionable      boolean,
  category        text,
  priority        text CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  queue           text,
  ignored         boolean NOT NULL DEFAULT false,
  reasons         jsonb NOT NULL DEFAULT '[]',
  rules           jsonb NOT NULL DEFAULT '[]',
  case_id         bigint REFERENCES cases(id),
  cluster_id      bigint REFERENCES clusters(id) ON DELETE SET NULL,
  UNIQUE (source, external_id)
);
CREATE INDEX mentions_recent ON mentions (id DESC);
CREATE INDEX mentions_created ON mentions (created_at);
CREATE INDEX mentions_author ON mentions (author_id, created_at DESC);
CREATE INDEX mentions_fingerprint ON mentions (fingerprint, created_at DESC) WHERE fingerprint IS NOT NULL;
CREATE INDEX mentions_case ON mentions (case_id);

-- Poll positions (since_id, ETag, ...) and each source's health, kept with the data they guard.
CREATE TABLE cursors (
  source               text NOT NULL,
  key                  text NOT NULL,
  value                text,
  etag                 text,
  last_modified        text,
  healthy              boolean NOT NULL DEFAULT true,
  consecutive_failures integer NOT NULL DEFAULT 0,
  last_error           text,
  last_success_at      timestamptz,
  last_failure_at      timestamptz,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, key)
);

CREATE TABLE alerts (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind            text NOT NULL,
  cluster_id      bigint REFERENCES clusters(id) ON DELETE SET NULL,
  severity        integer NOT NULL DEFAULT 1,
  message         text NOT NULL,
  data            jsonb NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  acknowledged_by text
);

CREATE TABLE outreach_campaigns (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  cluster_id     bigint NOT NULL REFERENCES clusters(id),
  name           text NOT NULL,
  channel        text NOT NULL CHECK (channel IN ('email', 'dm', 'csv')),
  template       text NOT NULL,
  fixed_template text,
  status         text NOT NULL DEFAULT 'draft',
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- One row per customer per cluster: never contact the same customer twice for the same cluster.
CREATE TABLE outreach (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id  bigint REFERENCES outreach_campaigns(id) ON DELETE SET NULL,
  cluster_id   bigint NOT NULL REFERENCES clusters(id),
  customer_ref bigint NOT NULL REFERENCES customers(id),
  kind         text NOT NULL CHECK (kind IN ('at_risk', 'complainant')),
  score        real,
  reason       text,
  status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'contacted', 'replied', 'complained', 'fixed_notified')),
  message      text,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (cluster_id, customer_ref)
);

CREATE TABLE users (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email         text NOT NULL UNIQUE,
  name          text,
  role          text NOT NULL CHECK (role IN ('agent', 'pr', 'product', 'admin')),
  team          text,
  password_hash text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  disabled_at   timestamptz
);

-- Only a hash of each token is kept; the token itself is shown once, when it is made.
CREATE TABLE api_tokens (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text NOT NULL,
  token_hash   text NOT NULL UNIQUE,
  role         text NOT NULL CHECK (role IN ('agent', 'pr', 'product', 'admin', 'ingest')),
  user_id      bigint REFERENCES users(id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);

-- Replies sent (or to send) where the customer spoke; the idempotency key makes a retry safe.
CREATE TABLE replies (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id         bigint NOT NULL REFERENCES cases(id),
  mention_id      bigint REFERENCES mentions(id),
  source          text NOT NULL,
  in_reply_to     text NOT NULL,
  text            text NOT NULL,
  idempotency_key text NOT NULL UNIQUE,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'dry_run')),
  platform_id     text,
  error           text,
  attempts        integer NOT NULL DEFAULT 0,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz
);
