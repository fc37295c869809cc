-- 015: which patients' outcome data changed, for the outcome reports' in-memory profiles
-- (store/outcome_cache.c): one row per patient with the sequence number of its latest change,
-- written by triggers on every table the reports read, so no write path can forget it. A report
-- reloads just the patients changed since the sequence number it has seen.
CREATE TABLE outcome_changes (
  patient_id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL
);
CREATE INDEX outcome_changes_by_seq ON outcome_changes (seq);

CREATE TRIGGER outcome_patients_insert AFTER INSERT ON patients BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (NEW.id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_patients_update AFTER UPDATE ON patients BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (NEW.id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_patients_delete AFTER DELETE ON patients BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (OLD.id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_conditions_insert AFTER INSERT ON conditions BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (NEW.patient_id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_conditions_update AFTER UPDATE ON conditions BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (NEW.patient_id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_conditions_delete AFTER DELETE ON conditions BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (OLD.patient_id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_plans_insert AFTER INSERT ON plans BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (NEW.patient_id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_plans_update AFTER UPDATE ON plans BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (NEW.patient_id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_plans_delete AFTER DELETE ON plans BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (OLD.patient_id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_procedures_insert AFTER INSERT ON procedures BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (NEW.patient_id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_procedures_update AFTER UPDATE ON procedures BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (NEW.patient_id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_procedures_delete AFTER DELETE ON procedures BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (OLD.patient_id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_diary_entries_insert AFTER INSERT ON diary_entries BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (NEW.patient_id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_diary_entries_update AFTER UPDATE ON diary_entries BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (NEW.patient_id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_diary_entries_delete AFTER DELETE ON diary_entries BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (OLD.patient_id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_assessments_insert AFTER INSERT ON assessments BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (NEW.patient_id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_assessments_update AFTER UPDATE ON assessments BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (NEW.patient_id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_assessments_delete AFTER DELETE ON assessments BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (OLD.patient_id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_observations_insert AFTER INSERT ON observations BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (NEW.patient_id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_observations_update AFTER UPDATE ON observations BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (NEW.patient_id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_observations_delete AFTER DELETE ON observations BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (OLD.patient_id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_adverse_events_insert AFTER INSERT ON adverse_events BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (NEW.patient_id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_adverse_events_update AFTER UPDATE ON adverse_events BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (NEW.patient_id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
CREATE TRIGGER outcome_adverse_events_delete AFTER DELETE ON adverse_events BEGIN
  INSERT OR REPLACE INTO outcome_changes (patient_id, seq)
  VALUES (OLD.patient_id, (SELECT coalesce(max(seq), 0) + 1 FROM outcome_changes));
END;
