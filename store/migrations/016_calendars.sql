-- 016: calendars. The resources appointments need (clinicians and nurses, linked to their staff
-- account; procedure and ultrasound rooms; the cell processor), each with its working hours per
-- weekday in the clinic's local time (JSON text, core/resource.h), and their closures (leave,
-- holidays, maintenance) as UTC instants [from_at, to_at). Nothing is deleted: a resource is set
-- inactive, a closure entered in error is voided with a reason. Appointments (the booking phase)
-- will name resources and add their own busy intervals.
CREATE TABLE resources (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('clinician','nurse','procedure_room','ultrasound_room',
                                     'cell_processor')),
  name TEXT NOT NULL,
  staff_id TEXT REFERENCES staff(id),
  hours TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT,
  CHECK ((kind IN ('clinician','nurse')) = (staff_id IS NOT NULL))
);
CREATE UNIQUE INDEX resources_name ON resources (name COLLATE NOCASE);
CREATE UNIQUE INDEX resources_staff ON resources (staff_id) WHERE staff_id IS NOT NULL;

CREATE TABLE resource_closures (
  id TEXT PRIMARY KEY,
  resource_id TEXT NOT NULL REFERENCES resources(id),
  from_at TEXT NOT NULL,
  to_at TEXT NOT NULL,
  reason TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active','voided')),
  void_reason TEXT,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT,
  CHECK (from_at < to_at)
);
CREATE INDEX resource_closures_by_resource ON resource_closures (resource_id, from_at);
CREATE INDEX resource_closures_active ON resource_closures (to_at) WHERE status = 'active';
