-- 003: the audit table keeps only its sequence key. An index by patient put every audited read
-- on a random index page, so each group commit wrote about a dozen pages instead of one or two
-- and read latency doubled (docs/BENCHMARKS.md). A per-patient audit query now scans the table;
-- a reporting copy (schwann backup) can add the index when such queries are frequent.
DROP INDEX IF EXISTS audit_by_patient;
