-- 014: signed checkpoints of the audit chain's head (Ed25519 with a key kept outside the
-- database), so that a chain rewritten by someone without the key no longer verifies.
CREATE TABLE audit_checkpoints (
  seq INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  at TEXT NOT NULL,
  public_key TEXT NOT NULL,
  signature TEXT NOT NULL
);
