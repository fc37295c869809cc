-- 022: what the patient list shows beside each name, kept per patient: the newest active
-- diagnosis, the latest NRS (a diary entry or a clinic reading) and the last visit (the latest
-- assessment, test result or procedure), voided records left out. The view says how each is
-- computed from the records; triggers on every table it reads keep a patient's row in the same
-- transaction as the change, so the list reads one row per patient instead of six subqueries,
-- and no write path can forget it. A new record only moves the row forward (a key compared with
-- the one kept: constant work, however many records the patient has); a change or a removal
-- computes the row again from the view.
--
-- Each value is a max() over the patient's rows, with the columns beside it taken from the row
-- that holds the max (SQLite's rule for a lone min() or max()): no sort, so no sorter memory
-- allocated and freed for each record written. The keys sort as the (date, time written, id)
-- triples they join, the id (a UUIDv7) settling records written in the same second: a date that
-- is a prefix of another ('2024' and '2024-05') sorts first, and a missing onset ('') before
-- every date.
CREATE VIEW patient_summary_now AS
SELECT p.id AS patient_id,
  (SELECT icd10 FROM (SELECT icd10, max(coalesce(onset_date, '') || ' ' || created_at || ' ' || id)
    FROM conditions WHERE patient_id = p.id AND status = 'active')) AS icd10,
  (SELECT etiology FROM (SELECT etiology, max(coalesce(onset_date, '') || ' ' || created_at || ' ' || id)
    FROM conditions WHERE patient_id = p.id AND status = 'active')) AS etiology,
  (SELECT onset_date FROM (SELECT onset_date, max(coalesce(onset_date, '') || ' ' || created_at || ' ' || id)
    FROM conditions WHERE patient_id = p.id AND status = 'active')) AS onset_date,
  (SELECT max(coalesce(onset_date, '') || ' ' || created_at || ' ' || id)
    FROM conditions WHERE patient_id = p.id AND status = 'active') AS condition_key,
  (SELECT v FROM (SELECT v, max(k) FROM (
      SELECT nrs AS v, entry_date || ' ' || created_at || ' ' || id AS k FROM diary_entries
        WHERE patient_id = p.id AND status != 'voided' AND nrs IS NOT NULL
      UNION ALL SELECT total, substr(performed_at, 1, 10) || ' ' || created_at || ' ' || id FROM assessments
        WHERE patient_id = p.id AND instrument_id = 'nrs' AND status != 'voided'))) AS nrs,
  (SELECT substr(max(k), 1, 10) FROM (
      SELECT entry_date || ' ' || created_at || ' ' || id AS k FROM diary_entries
        WHERE patient_id = p.id AND status != 'voided' AND nrs IS NOT NULL
      UNION ALL SELECT substr(performed_at, 1, 10) || ' ' || created_at || ' ' || id FROM assessments
        WHERE patient_id = p.id AND instrument_id = 'nrs' AND status != 'voided')) AS nrs_date,
  (SELECT max(k) FROM (
      SELECT entry_date || ' ' || created_at || ' ' || id AS k FROM diary_entries
        WHERE patient_id = p.id AND status != 'voided' AND nrs IS NOT NULL
      UNION ALL SELECT substr(performed_at, 1, 10) || ' ' || created_at || ' ' || id FROM assessments
        WHERE patient_id = p.id AND instrument_id = 'nrs' AND status != 'voided')) AS nrs_key,
  (SELECT max(d) FROM (SELECT substr(performed_at, 1, 10) AS d FROM assessments
      WHERE patient_id = p.id AND status != 'voided'
    UNION ALL SELECT performed_on FROM observations WHERE patient_id = p.id AND status != 'voided'
    UNION ALL SELECT performed_on FROM procedures WHERE patient_id = p.id AND status != 'voided'))
    AS last_visit
FROM patients p;

CREATE TABLE patient_summaries (
  patient_id TEXT PRIMARY KEY,
  icd10 TEXT,
  etiology TEXT,
  onset_date TEXT,
  condition_key TEXT, -- the newest active diagnosis's (onset, time written, id)
  nrs REAL,
  nrs_date TEXT,
  nrs_key TEXT,       -- the latest NRS reading's (date, time written, id)
  last_visit TEXT
) WITHOUT ROWID;
CREATE INDEX patient_summaries_by_visit ON patient_summaries (last_visit);

-- Patients with nothing to show have no row (the list reads them as all NULL).
INSERT INTO patient_summaries SELECT * FROM patient_summary_now
WHERE coalesce(icd10, nrs, last_visit) IS NOT NULL;

-- New records: the row moves forward when the new one is newer than what it shows.
CREATE TRIGGER summary_conditions_insert AFTER INSERT ON conditions
WHEN NEW.status = 'active' BEGIN
  INSERT INTO patient_summaries (patient_id, icd10, etiology, onset_date, condition_key)
  VALUES (NEW.patient_id, NEW.icd10, NEW.etiology, NEW.onset_date,
          coalesce(NEW.onset_date, '') || ' ' || NEW.created_at || ' ' || NEW.id)
  ON CONFLICT (patient_id) DO UPDATE SET icd10 = excluded.icd10, etiology = excluded.etiology,
    onset_date = excluded.onset_date, condition_key = excluded.condition_key
  WHERE patient_summaries.condition_key IS NULL
     OR excluded.condition_key > patient_summaries.condition_key;
END;
CREATE TRIGGER summary_diary_entries_insert AFTER INSERT ON diary_entries
WHEN NEW.status != 'voided' AND NEW.nrs IS NOT NULL BEGIN
  INSERT INTO patient_summaries (patient_id, nrs, nrs_date, nrs_key)
  VALUES (NEW.patient_id, NEW.nrs, NEW.entry_date, NEW.entry_date || ' ' || NEW.created_at || ' ' || NEW.id)
  ON CONFLICT (patient_id) DO UPDATE SET nrs = excluded.nrs, nrs_date = excluded.nrs_date,
    nrs_key = excluded.nrs_key
  WHERE patient_summaries.nrs_key IS NULL OR excluded.nrs_key > patient_summaries.nrs_key;
END;
CREATE TRIGGER summary_assessments_insert_nrs AFTER INSERT ON assessments
WHEN NEW.status != 'voided' AND NEW.instrument_id = 'nrs' BEGIN
  INSERT INTO patient_summaries (patient_id, nrs, nrs_date, nrs_key)
  VALUES (NEW.patient_id, NEW.total, substr(NEW.performed_at, 1, 10),
          substr(NEW.performed_at, 1, 10) || ' ' || NEW.created_at || ' ' || NEW.id)
  ON CONFLICT (patient_id) DO UPDATE SET nrs = excluded.nrs, nrs_date = excluded.nrs_date,
    nrs_key = excluded.nrs_key
  WHERE patient_summaries.nrs_key IS NULL OR excluded.nrs_key > patient_summaries.nrs_key;
END;
CREATE TRIGGER summary_assessments_insert_visit AFTER INSERT ON assessments
WHEN NEW.status != 'voided' BEGIN
  INSERT INTO patient_summaries (patient_id, last_visit) VALUES (NEW.patient_id, substr(NEW.performed_at, 1, 10))
  ON CONFLICT (patient_id) DO UPDATE SET last_visit = excluded.last_visit
  WHERE patient_summaries.last_visit IS NULL OR excluded.last_visit > patient_summaries.last_visit;
END;
CREATE TRIGGER summary_observations_insert AFTER INSERT ON observations
WHEN NEW.status != 'voided' BEGIN
  INSERT INTO patient_summaries (patient_id, last_visit) VALUES (NEW.patient_id, NEW.performed_on)
  ON CONFLICT (patient_id) DO UPDATE SET last_visit = excluded.last_visit
  WHERE patient_summaries.last_visit IS NULL OR excluded.last_visit > patient_summaries.last_visit;
END;
CREATE TRIGGER summary_procedures_insert AFTER INSERT ON procedures
WHEN NEW.status != 'voided' BEGIN
  INSERT INTO patient_summaries (patient_id, last_visit) VALUES (NEW.patient_id, NEW.performed_on)
  ON CONFLICT (patient_id) DO UPDATE SET last_visit = excluded.last_visit
  WHERE patient_summaries.last_visit IS NULL OR excluded.last_visit > patient_summaries.last_visit;
END;

-- Changes and removals (a record voided, corrected or moved): the row computed again.
CREATE TRIGGER summary_conditions_update AFTER UPDATE ON conditions BEGIN
  INSERT OR REPLACE INTO patient_summaries
  SELECT * FROM patient_summary_now WHERE patient_id = OLD.patient_id;
  INSERT OR REPLACE INTO patient_summaries
  SELECT * FROM patient_summary_now WHERE patient_id = NEW.patient_id;
END;
CREATE TRIGGER summary_conditions_delete AFTER DELETE ON conditions BEGIN
  INSERT OR REPLACE INTO patient_summaries
  SELECT * FROM patient_summary_now WHERE patient_id = OLD.patient_id;
END;
CREATE TRIGGER summary_diary_entries_update AFTER UPDATE ON diary_entries BEGIN
  INSERT OR REPLACE INTO patient_summaries
  SELECT * FROM patient_summary_now WHERE patient_id = OLD.patient_id;
  INSERT OR REPLACE INTO patient_summaries
  SELECT * FROM patient_summary_now WHERE patient_id = NEW.patient_id;
END;
CREATE TRIGGER summary_diary_entries_delete AFTER DELETE ON diary_entries BEGIN
  INSERT OR REPLACE INTO patient_summaries
  SELECT * FROM patient_summary_now WHERE patient_id = OLD.patient_id;
END;
CREATE TRIGGER summary_assessments_update AFTER UPDATE ON assessments BEGIN
  INSERT OR REPLACE INTO patient_summaries
  SELECT * FROM patient_summary_now WHERE patient_id = OLD.patient_id;
  INSERT OR REPLACE INTO patient_summaries
  SELECT * FROM patient_summary_now WHERE patient_id = NEW.patient_id;
END;
CREATE TRIGGER summary_assessments_delete AFTER DELETE ON assessments BEGIN
  INSERT OR REPLACE INTO patient_summaries
  SELECT * FROM patient_summary_now WHERE patient_id = OLD.patient_id;
END;
CREATE TRIGGER summary_observations_update AFTER UPDATE ON observations BEGIN
  INSERT OR REPLACE INTO patient_summaries
  SELECT * FROM patient_summary_now WHERE patient_id = OLD.patient_id;
  INSERT OR REPLACE INTO patient_summaries
  SELECT * FROM patient_summary_now WHERE patient_id = NEW.patient_id;
END;
CREATE TRIGGER summary_observations_delete AFTER DELETE ON observations BEGIN
  INSERT OR REPLACE INTO patient_summaries
  SELECT * FROM patient_summary_now WHERE patient_id = OLD.patient_id;
END;
CREATE TRIGGER summary_procedures_update AFTER UPDATE ON procedures BEGIN
  INSERT OR REPLACE INTO patient_summaries
  SELECT * FROM patient_summary_now WHERE patient_id = OLD.patient_id;
  INSERT OR REPLACE INTO patient_summaries
  SELECT * FROM patient_summary_now WHERE patient_id = NEW.patient_id;
END;
CREATE TRIGGER summary_procedures_delete AFTER DELETE ON procedures BEGIN
  INSERT OR REPLACE INTO patient_summaries
  SELECT * FROM patient_summary_now WHERE patient_id = OLD.patient_id;
END;
