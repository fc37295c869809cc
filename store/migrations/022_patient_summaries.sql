-- 022: what the patient list shows beside each name, kept per patient: the newest active
-- diagnosis, the latest NRS (a diary entry or a clinic reading) and the last visit (the latest
-- assessment, test result or procedure), voided records left out. The view says how each is
-- computed from the records; triggers on every table it reads write a patient's row again in the
-- same transaction as the change, so the list reads one row per patient instead of six
-- subqueries, and no write path can forget it.
CREATE VIEW patient_summary_now AS
SELECT p.id AS patient_id,
  (SELECT icd10 FROM conditions WHERE patient_id = p.id AND status = 'active'
    ORDER BY coalesce(onset_date, '') DESC, created_at DESC LIMIT 1) AS icd10,
  (SELECT etiology FROM conditions WHERE patient_id = p.id AND status = 'active'
    ORDER BY coalesce(onset_date, '') DESC, created_at DESC LIMIT 1) AS etiology,
  (SELECT onset_date FROM conditions WHERE patient_id = p.id AND status = 'active'
    ORDER BY coalesce(onset_date, '') DESC, created_at DESC LIMIT 1) AS onset_date,
  (SELECT v FROM (SELECT entry_date AS d, nrs AS v, created_at AS c FROM diary_entries
      WHERE patient_id = p.id AND status != 'voided' AND nrs IS NOT NULL
    UNION ALL SELECT substr(performed_at, 1, 10), total, created_at FROM assessments
      WHERE patient_id = p.id AND instrument_id = 'nrs' AND status != 'voided')
    ORDER BY d DESC, c DESC LIMIT 1) AS nrs,
  (SELECT d FROM (SELECT entry_date AS d, created_at AS c FROM diary_entries
      WHERE patient_id = p.id AND status != 'voided' AND nrs IS NOT NULL
    UNION ALL SELECT substr(performed_at, 1, 10), created_at FROM assessments
      WHERE patient_id = p.id AND instrument_id = 'nrs' AND status != 'voided')
    ORDER BY d DESC, c DESC LIMIT 1) AS nrs_date,
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
  nrs REAL,
  nrs_date TEXT,
  last_visit TEXT
) WITHOUT ROWID;
CREATE INDEX patient_summaries_by_visit ON patient_summaries (last_visit);

-- Patients with nothing to show have no row (the list reads them as all NULL).
INSERT INTO patient_summaries SELECT * FROM patient_summary_now
WHERE coalesce(icd10, nrs, last_visit) IS NOT NULL;

CREATE TRIGGER summary_conditions_insert AFTER INSERT ON conditions BEGIN
  INSERT OR REPLACE INTO patient_summaries
  SELECT * FROM patient_summary_now WHERE patient_id = NEW.patient_id;
END;
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
CREATE TRIGGER summary_diary_entries_insert AFTER INSERT ON diary_entries BEGIN
  INSERT OR REPLACE INTO patient_summaries
  SELECT * FROM patient_summary_now WHERE patient_id = NEW.patient_id;
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
CREATE TRIGGER summary_assessments_insert AFTER INSERT ON assessments BEGIN
  INSERT OR REPLACE INTO patient_summaries
  SELECT * FROM patient_summary_now WHERE patient_id = NEW.patient_id;
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
CREATE TRIGGER summary_observations_insert AFTER INSERT ON observations BEGIN
  INSERT OR REPLACE INTO patient_summaries
  SELECT * FROM patient_summary_now WHERE patient_id = NEW.patient_id;
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
CREATE TRIGGER summary_procedures_insert AFTER INSERT ON procedures BEGIN
  INSERT OR REPLACE INTO patient_summaries
  SELECT * FROM patient_summary_now WHERE patient_id = NEW.patient_id;
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
