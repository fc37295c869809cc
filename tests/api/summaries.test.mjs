// The summaries beside each name in the patient list (migration 022) are kept by triggers: a new
// record moves a patient's row forward by comparing keys, a change or a removal computes it again
// from the view that defines it. Whatever the records went through, the kept rows must equal the
// view: after a synthetic registry is loaded (thousands of records, many written in the same
// second), and again after records are voided, corrected, resolved and removed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, sqlite } from './helpers.mjs';

const dir = mkdtempSync(join(tmpdir(), 'schwann-summaries-'));
const db = join(dir, 'synth.db');
after(() => rmSync(dir, { recursive: true, force: true }));

// Patients whose kept row differs from the view (no row counts as all NULL).
const differing = () => Number(sqlite(db, `SELECT count(*) FROM patient_summary_now v
  LEFT JOIN patient_summaries s USING (patient_id)
  WHERE NOT (v.icd10 IS s.icd10 AND v.etiology IS s.etiology AND v.onset_date IS s.onset_date
    AND v.condition_key IS s.condition_key AND v.nrs IS s.nrs AND v.nrs_date IS s.nrs_date
    AND v.nrs_key IS s.nrs_key AND v.last_visit IS s.last_visit)`));

test('the kept summaries equal the view after a load and after changes of every kind', () => {
  const r = cli(['synth', '--db', db, '--patients', '120', '--seed', '7']);
  assert.equal(r.status, 0, r.stderr);
  const shown = Number(sqlite(db, 'SELECT count(*) FROM patient_summaries WHERE icd10 IS NOT NULL AND nrs IS NOT NULL'));
  assert.ok(shown >= 100, `${shown} patients with a diagnosis and an NRS beside their name`);
  assert.equal(differing(), 0, 'after the load');

  // Every third diary entry and fourth reading voided, a third of the diagnoses resolved, some
  // onsets corrected to a year only, test results removed, procedures voided.
  sqlite(db, `UPDATE diary_entries SET status = 'voided' WHERE rowid % 3 = 0;
    UPDATE assessments SET status = 'voided' WHERE rowid % 4 = 0;
    UPDATE conditions SET status = 'resolved' WHERE rowid % 3 = 0;
    UPDATE conditions SET onset_date = '2020' WHERE rowid % 5 = 1;
    DELETE FROM observations WHERE rowid % 3 = 0;
    UPDATE procedures SET status = 'voided' WHERE rowid % 2 = 0;`);
  assert.equal(differing(), 0, 'after the changes');

  // New records after the changes: the row moves forward only when the new one is newer.
  sqlite(db, `INSERT INTO diary_entries (id, patient_id, entry_date, nrs, source, status, created_at, updated_at)
    SELECT 'ffffffff-ffff-7fff-bfff-' || substr(id, 25), id, '2001-01-01', 9, 'patient', 'final',
      '2001-01-01T00:00:00Z', '2001-01-01T00:00:00Z' FROM patients WHERE rowid % 2 = 0;
    INSERT INTO diary_entries (id, patient_id, entry_date, nrs, source, status, created_at, updated_at)
    SELECT 'ffffffff-ffff-7fff-bfff-' || substr(id, 25) || 'x', id, '2099-01-01', 1, 'patient', 'final',
      '2099-01-01T00:00:00Z', '2099-01-01T00:00:00Z' FROM patients WHERE rowid % 3 = 0;`);
  assert.equal(differing(), 0, 'after an old entry written late and a newer one');
  assert.equal(sqlite(db, `SELECT count(*) FROM patient_summaries WHERE nrs_date = '2099-01-01'`),
    sqlite(db, 'SELECT count(*) FROM patients WHERE rowid % 3 = 0'), 'the newer ones shown');
});
