-- 019: calendar feed tokens. A token lets a calendar app read one resource's iCalendar feed
-- (GET /api/v1/resources/{id}/calendar.ics?token=...) without signing in. Only the token's
-- BLAKE2b hash is kept (as for API tokens); the token itself is shown once, when it is made.
-- Nothing is deleted: a token is revoked (revoked_at, revoked_by) and then opens nothing.
CREATE TABLE feed_tokens (
  id TEXT PRIMARY KEY,
  token_hash BLOB NOT NULL UNIQUE,
  resource_id TEXT NOT NULL REFERENCES resources(id),
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT REFERENCES staff(id),
  revoked_at TEXT,
  revoked_by TEXT REFERENCES staff(id)
);
CREATE INDEX feed_tokens_by_resource ON feed_tokens (resource_id, created_at);
