-- 012: API tokens get an id, so that they can be listed and revoked without the token itself.
ALTER TABLE api_tokens ADD COLUMN id TEXT;
UPDATE api_tokens SET id = lower(hex(randomblob(16))) WHERE id IS NULL;
CREATE UNIQUE INDEX api_tokens_id ON api_tokens (id);
