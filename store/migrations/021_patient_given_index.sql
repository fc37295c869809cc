-- 021: the patient search by a given name reads its candidates from the index alone: the family
-- name and id it sorts by and whether the patient is archived are in the index, so only the page
-- of 50 it shows is read from the table (was: every patient with a matching given name).
DROP INDEX patients_by_given;
CREATE INDEX patients_by_given ON patients (given_name, family_name, id, archived_at);
