-- 008: candidacy decisions, each with the findings as they stood when it was made. Written from
-- 'schwann schema --kind candidacy_decision', with the staff reference added.
CREATE TABLE candidacy_decisions (
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  biologic TEXT NOT NULL,
  decision TEXT NOT NULL,
  rationale TEXT NOT NULL,
  findings TEXT NOT NULL,
  decided_by TEXT NOT NULL REFERENCES staff(id),
  status TEXT NOT NULL CHECK (status IN ('final','voided')),
  void_reason TEXT,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT
);
CREATE INDEX candidacy_decisions_by_patient ON candidacy_decisions (patient_id, created_at, id);
