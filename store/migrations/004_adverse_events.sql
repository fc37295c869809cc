-- 004: adverse events after treatment (CTCAE grade, seriousness, relatedness, outcome).
-- Written from 'schwann schema --kind adverse_event'; changed with PATCH as the event evolves,
-- never deleted (entered_in_error with a reason).
CREATE TABLE adverse_events (
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  term TEXT NOT NULL,
  onset_date TEXT NOT NULL,
  grade INTEGER NOT NULL,
  serious INTEGER NOT NULL,
  serious_criteria TEXT,
  relatedness TEXT NOT NULL,
  expected INTEGER NOT NULL,
  action TEXT,
  outcome TEXT NOT NULL,
  resolved_date TEXT,
  status TEXT NOT NULL CHECK (status IN ('recorded','entered_in_error')),
  status_reason TEXT,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT
);
CREATE INDEX adverse_events_by_patient ON adverse_events (patient_id, onset_date, created_at, id);
