-- 017: appointments. A patient booked for an appointment type (data/appointment-types.json) at
-- [start_at, end_at) in UTC instants (YYYY-MM-DDTHH:MM:SSZ, so text order is time order), and the
-- resources it takes for that time. Nothing is deleted: an appointment is cancelled (with a
-- reason) or marked a no-show, and then frees its resources. The store checks, inside the write
-- transaction, that no live appointment (not cancelled, not no-show) holds a chosen resource at
-- an overlapping time: never a double booking.
CREATE TABLE appointments (
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  type TEXT NOT NULL,
  biologic TEXT,
  start_at TEXT NOT NULL,
  end_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('booked','arrived','completed','cancelled','no_show')),
  plan_step_id TEXT REFERENCES plan_steps(id),
  note TEXT,
  reason TEXT,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT,
  CHECK (start_at < end_at)
);
CREATE INDEX appointments_by_patient ON appointments (patient_id, start_at);
CREATE INDEX appointments_by_start ON appointments (start_at);

CREATE TABLE appointment_resources (
  appointment_id TEXT NOT NULL REFERENCES appointments(id),
  resource_id TEXT NOT NULL REFERENCES resources(id),
  start_at TEXT NOT NULL,
  end_at TEXT NOT NULL,
  PRIMARY KEY (appointment_id, resource_id)
);
CREATE INDEX appointment_resources_by_resource ON appointment_resources (resource_id, start_at);
