-- Login attempts counted per key in fixed 15-minute windows, in the database so every API process
-- shares one count and no spray of keys can flush it. Keys: 'ai:<e-mail>|<ip>', 'a:<e-mail>', 'i:<ip>'.
CREATE TABLE login_throttle (
  key          text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  attempts     integer NOT NULL
);
CREATE INDEX login_throttle_window ON login_throttle (window_start);

-- API tokens may expire (NULL: never).
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;
