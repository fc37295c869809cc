-- 010: an adverse event may name the procedure it followed.
ALTER TABLE adverse_events ADD COLUMN procedure_id TEXT REFERENCES procedures(id);
