-- 013: a medicine not on the list is recorded as drug "other" with its name.
ALTER TABLE medications ADD COLUMN other_name TEXT;
