-- 005: treatment plans made from a protocol for one diagnosis, and their steps (visits due on
-- dates with windows). Written from 'schwann schema --kind plan' and '--kind plan_step', with
-- the references to the diagnosis and the plan added by hand.
CREATE TABLE plans (
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  protocol_id TEXT NOT NULL,
  protocol_version TEXT NOT NULL,
  biologic TEXT NOT NULL,
  regulatory_class TEXT NOT NULL,
  investigational INTEGER NOT NULL,
  condition_id TEXT NOT NULL REFERENCES conditions(id),
  start_date TEXT NOT NULL,
  study_reference TEXT,
  notes TEXT,
  status TEXT NOT NULL CHECK (status IN ('proposed','accepted','declined','in_progress','completed','stopped')),
  status_reason TEXT,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT
);
CREATE INDEX plans_by_patient ON plans (patient_id, start_date, created_at, id);

CREATE TABLE plan_steps (
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  plan_id TEXT NOT NULL REFERENCES plans(id),
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  due_date TEXT NOT NULL,
  window_from TEXT NOT NULL,
  window_to TEXT NOT NULL,
  optional INTEGER NOT NULL,
  instruments TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('planned','done','skipped')),
  status_reason TEXT,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT
);
CREATE INDEX plan_steps_by_patient ON plan_steps (patient_id, plan_id, seq, id);
