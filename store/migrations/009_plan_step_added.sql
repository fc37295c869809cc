-- 009: steps a clinician adds to a plan beyond its protocol's (a repeat injection) say why.
ALTER TABLE plan_steps ADD COLUMN added_reason TEXT;
