-- 018: billing. Money is integers in minor units of the row's ISO 4217 currency (no floating
-- point anywhere), each amount at most 10^12 minor units. Nothing is deleted.
--
-- prices: the price list as history. A price takes effect on effective_from (a date) and is in
-- force until the next one of the same item (kind, code, biologic; '' = any biologic) and
-- currency. A second price for the same item, currency and date is refused (UNIQUE): history is
-- never overwritten.
CREATE TABLE prices (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('appointment','procedure','test')),
  code TEXT NOT NULL,
  biologic TEXT NOT NULL DEFAULT '',
  amount INTEGER NOT NULL CHECK (amount >= 0 AND amount <= 1000000000000),
  currency TEXT NOT NULL,
  effective_from TEXT NOT NULL,
  label TEXT,
  created_at TEXT NOT NULL,
  created_by TEXT,
  UNIQUE (kind, code, biologic, currency, effective_from)
);

-- invoices and credit notes (kind). An invoice is a draft (changed only by voiding it), then
-- issued: numbered from its own gapless series (seq, assigned inside the write transaction) and
-- never changed again. A credit note is issued when made, numbered from its series, and credits
-- lines of one issued invoice (invoice_id).
CREATE TABLE invoices (
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  kind TEXT NOT NULL CHECK (kind IN ('invoice','credit_note')),
  invoice_id TEXT REFERENCES invoices(id),
  seq INTEGER,
  status TEXT NOT NULL CHECK (status IN ('draft','issued','void')),
  currency TEXT NOT NULL,
  total INTEGER NOT NULL CHECK (total >= 0),
  reason TEXT,
  issued_at TEXT,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT,
  CHECK ((status = 'issued') = (seq IS NOT NULL)),
  CHECK ((kind = 'credit_note') = (invoice_id IS NOT NULL))
);
CREATE UNIQUE INDEX invoices_number ON invoices (kind, seq);
CREATE INDEX invoices_by_patient ON invoices (patient_id, created_at);
CREATE INDEX invoices_by_invoice ON invoices (invoice_id);

-- The lines. An invoice line holds its source (a completed appointment or a recorded procedure)
-- while live: live = 1 from the draft on, 0 once its draft is voided or a credit note credits it
-- (credited_by). The partial unique index is the store's guarantee that nothing is invoiced
-- twice. A credit note's line names the invoice line it credits (credits_line) and is never live.
-- A draft's lines are replaced when it changes: the old ones stay, removed = 1 and not live.
CREATE TABLE invoice_lines (
  id TEXT PRIMARY KEY,
  invoice_id TEXT NOT NULL REFERENCES invoices(id),
  seq INTEGER NOT NULL,
  source_kind TEXT NOT NULL CHECK (source_kind IN ('appointment','procedure')),
  source_id TEXT NOT NULL,
  item_kind TEXT NOT NULL,
  item_code TEXT NOT NULL,
  item_biologic TEXT,
  label TEXT,
  service_date TEXT NOT NULL,
  price_id TEXT REFERENCES prices(id),
  amount INTEGER NOT NULL CHECK (amount >= 0 AND amount <= 1000000000000),
  credits_line TEXT REFERENCES invoice_lines(id),
  credited_by TEXT REFERENCES invoices(id),
  live INTEGER NOT NULL CHECK (live IN (0, 1)),
  removed INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1))
);
CREATE UNIQUE INDEX invoice_lines_seq ON invoice_lines (invoice_id, seq) WHERE removed = 0;
CREATE UNIQUE INDEX invoice_lines_source_once ON invoice_lines (source_kind, source_id)
  WHERE live = 1;

-- payments: received (amount > 0) or refunded (amount < 0, with a reason), by cash, card or
-- transfer, on the patient's account or an issued invoice of theirs. One entered in error is
-- voided with a reason, never deleted.
CREATE TABLE payments (
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  invoice_id TEXT REFERENCES invoices(id),
  amount INTEGER NOT NULL CHECK (amount <> 0 AND amount BETWEEN -1000000000000 AND 1000000000000),
  currency TEXT NOT NULL,
  method TEXT NOT NULL CHECK (method IN ('cash','card','transfer')),
  reference TEXT,
  reason TEXT,
  status TEXT NOT NULL CHECK (status IN ('recorded','voided')),
  void_reason TEXT,
  received_at TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT,
  CHECK (amount > 0 OR reason IS NOT NULL),
  CHECK ((status = 'voided') = (void_reason IS NOT NULL))
);
CREATE INDEX payments_by_patient ON payments (patient_id, received_at);
CREATE INDEX payments_by_invoice ON payments (invoice_id);
CREATE INDEX payments_by_time ON payments (received_at);
