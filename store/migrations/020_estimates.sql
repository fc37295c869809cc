-- 020: cost estimates. An estimate prices a plan's steps still to come from the price list in
-- force on the day it is made, with the clinic's expected results and adverse events for
-- patients like this one, and is kept as made: the patient's copy (JSON and PDF) reads the same
-- however the prices or the outcomes change later. Never changed, never deleted.
CREATE TABLE estimates (
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  plan_id TEXT NOT NULL REFERENCES plans(id),
  currency TEXT NOT NULL,
  total INTEGER NOT NULL CHECK (total >= 0),
  total_with_optional INTEGER NOT NULL CHECK (total_with_optional >= total),
  prices_on TEXT NOT NULL,
  valid_until TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT
);
CREATE INDEX estimates_by_patient ON estimates (patient_id, created_at);
