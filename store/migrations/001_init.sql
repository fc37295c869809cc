-- 001: staff, sessions, API tokens, patients, neuropathy diagnoses, the audit chain.
CREATE TABLE staff (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin','clinician','nurse','front_desk','researcher')),
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);

CREATE TABLE sessions (
  token_hash BLOB PRIMARY KEY,
  staff_id TEXT NOT NULL REFERENCES staff(id),
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  ip TEXT
) WITHOUT ROWID;

CREATE TABLE api_tokens (
  token_hash BLOB PRIMARY KEY,
  staff_id TEXT NOT NULL REFERENCES staff(id),
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
) WITHOUT ROWID;

CREATE TABLE patients (
  id TEXT PRIMARY KEY,
  mrn TEXT NOT NULL UNIQUE,
  family_name TEXT NOT NULL COLLATE NOCASE,
  given_name TEXT NOT NULL COLLATE NOCASE,
  birth_date TEXT NOT NULL,
  sex_at_birth TEXT NOT NULL,
  phone TEXT,
  email TEXT,
  address_line TEXT,
  address_city TEXT,
  address_region TEXT,
  address_postal_code TEXT,
  address_country TEXT,
  research_consent INTEGER NOT NULL DEFAULT 0,
  synthetic INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT,
  archived_at TEXT,
  archive_reason TEXT
);
CREATE INDEX patients_by_name ON patients (family_name, given_name, id);
CREATE INDEX patients_by_given ON patients (given_name);
CREATE INDEX patients_by_birth ON patients (birth_date);

CREATE TABLE conditions (
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  icd10 TEXT NOT NULL,
  etiology TEXT NOT NULL,
  onset_date TEXT,
  diagnosed_date TEXT,
  sites TEXT NOT NULL DEFAULT '',
  notes TEXT,
  status TEXT NOT NULL DEFAULT 'active',
  status_reason TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT
);
CREATE INDEX conditions_by_patient ON conditions (patient_id, created_at);

CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor_id TEXT,
  actor_role TEXT,
  action TEXT NOT NULL,
  resource_type TEXT,
  resource_id TEXT,
  patient_id TEXT,
  ip TEXT,
  request_id TEXT,
  detail TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_by_patient ON audit (patient_id, seq);
