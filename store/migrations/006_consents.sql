-- 006: consents to a plan (document and version signed, who took it; withdrawn with a reason).
-- Written from 'schwann schema --kind consent', with the reference to the plan added by hand.
CREATE TABLE consents (
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  document_id TEXT NOT NULL,
  document_version TEXT NOT NULL,
  biologic TEXT NOT NULL,
  plan_id TEXT NOT NULL REFERENCES plans(id),
  signed_on TEXT NOT NULL,
  witness TEXT NOT NULL,
  withdrawn_on TEXT,
  status TEXT NOT NULL CHECK (status IN ('signed','withdrawn')),
  status_reason TEXT,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT
);
CREATE INDEX consents_by_patient ON consents (patient_id, signed_on, created_at, id);
