-- 002: the series of tests: instrument assessments, clinical observations (nerve conduction,
-- monofilament, vibration, biopsy, labs), the daily pain diary, concomitant medicines.
-- Nothing here is deleted: an entry made in error is voided with a reason.
CREATE TABLE assessments (
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  instrument_id TEXT NOT NULL,
  instrument_version TEXT NOT NULL,
  performed_at TEXT NOT NULL,
  answers TEXT NOT NULL,
  score TEXT NOT NULL,
  total REAL,
  status TEXT NOT NULL DEFAULT 'final' CHECK (status IN ('final','voided')),
  void_reason TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT
);
CREATE INDEX assessments_by_patient ON assessments (patient_id, performed_at);

CREATE TABLE observations (
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  kind TEXT NOT NULL,
  code_system TEXT NOT NULL,
  code TEXT NOT NULL,
  value REAL,
  value_text TEXT,
  unit TEXT,
  side TEXT,
  site TEXT,
  details TEXT,
  performed_on TEXT NOT NULL,
  abnormal INTEGER,
  interpretation TEXT,
  status TEXT NOT NULL DEFAULT 'final' CHECK (status IN ('final','voided')),
  void_reason TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT
);
CREATE INDEX observations_by_patient ON observations (patient_id, performed_on);

CREATE TABLE diary_entries (
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  entry_date TEXT NOT NULL,
  nrs INTEGER NOT NULL CHECK (nrs BETWEEN 0 AND 10),
  source TEXT NOT NULL CHECK (source IN ('staff','patient')),
  note TEXT,
  status TEXT NOT NULL DEFAULT 'final' CHECK (status IN ('final','voided')),
  void_reason TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT
);
CREATE INDEX diary_by_patient ON diary_entries (patient_id, entry_date);

CREATE TABLE medications (
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  drug TEXT NOT NULL,
  drug_class TEXT NOT NULL,
  dose_value REAL,
  dose_unit TEXT,
  frequency TEXT,
  start_date TEXT,
  stop_date TEXT,
  notes TEXT,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','entered_in_error')),
  void_reason TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT
);
CREATE INDEX medications_by_patient ON medications (patient_id, start_date);
