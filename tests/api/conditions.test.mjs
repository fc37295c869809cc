// Neuropathy diagnoses: codes and etiology, onset and chronicity (relative to today), sites, date
// rules, list, read, change with If-Match, entered_in_error.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, newPatient } from '../lib/server.mjs';
import {
  assertProblem, assertInvalid, tokenClient, todayUTC, addDays, addMonths, ymd, ym, UUID_RE, INSTANT_RE, stopServer,
} from './helpers.mjs';

let srv;
let c; // clinician
let patient;

before(async () => {
  srv = await startServer();
  c = await login(srv.base, 'clinician');
  patient = await newPat();
});
after(async () => { await stopServer(srv); });

async function newPat(over = {}) {
  const r = await c.post('/api/v1/patients', newPatient(over));
  assert.equal(r.status, 201, r.text);
  return r.body;
}
const addCond = (body, p = patient) => c.post(`/api/v1/patients/${p.id}/conditions`, body);
async function cond(body, p = patient) {
  const r = await addCond(body, p);
  assert.equal(r.status, 201, r.text);
  return r.body;
}

const today = todayUTC();

// Whole months from a full date to today: calendar months, less one when today's day of the month
// is before the onset's.
function monthsSince(d) {
  let m = (today.getUTCFullYear() - d.getUTCFullYear()) * 12 + (today.getUTCMonth() - d.getUTCMonth());
  if (today.getUTCDate() < d.getUTCDate()) m--;
  return m;
}

describe('create', () => {
  test('full onset date: 201 with Location, ETag and every field', async () => {
    const onset = addMonths(today, -30);
    const diagnosed = addMonths(today, -20);
    const r = await addCond({
      icd10: 'E11.42', onset_date: ymd(onset), diagnosed_date: ymd(diagnosed),
      sites: ['foot_left', 'foot_right'], notes: 'Burning pain, worse at night.\nStocking distribution.',
    });
    assert.equal(r.status, 201, r.text);
    const k = r.body;
    assert.match(k.id, UUID_RE);
    assert.equal(r.headers.get('location'), `/api/v1/conditions/${k.id}`);
    assert.equal(r.headers.get('etag'), '"1"');
    assert.equal(k.patient_id, patient.id);
    assert.equal(k.code_system, 'ICD-10-CM');
    assert.equal(k.icd10, 'E11.42');
    assert.equal(k.description, 'Type 2 diabetes mellitus with diabetic polyneuropathy');
    assert.equal(k.etiology, 'diabetic');
    assert.equal(k.onset_date, ymd(onset));
    assert.equal(k.diagnosed_date, ymd(diagnosed));
    assert.deepEqual(k.sites, ['foot_left', 'foot_right']);
    assert.equal(k.notes, 'Burning pain, worse at night.\nStocking distribution.');
    assert.equal(k.status, 'active');
    assert.equal(k.status_reason, null);
    assert.equal(k.duration_months, 30);
    assert.equal(k.chronicity, 'chronic');
    assert.equal(k.chronic_threshold_months, 12);
    assert.equal(k.version, 1);
    assert.match(k.created_at, INSTANT_RE);
    assert.equal(k.updated_by, c.staff.id);
    const g = await c.get(`/api/v1/conditions/${k.id}`);
    assert.equal(g.status, 200);
    assert.deepEqual(g.body, k);
  });

  test('year-month onset: accepted, duration counted from the middle of that month', async () => {
    const onset = addMonths(today, -3);
    const k = await cond({ icd10: 'G62.1', onset_date: ym(onset) });
    assert.equal(k.onset_date, ym(onset));
    assert.equal(k.duration_months, today.getUTCDate() < 15 ? 2 : 3);
    assert.equal(k.chronicity, 'recent');
  });

  test('no onset: chronicity "unknown", duration_months null', async () => {
    const k = await cond({ icd10: 'G62.0' });
    assert.equal(k.onset_date, null);
    assert.equal(k.diagnosed_date, null);
    assert.equal(k.duration_months, null);
    assert.equal(k.chronicity, 'unknown');
    assert.deepEqual(k.sites, []);
    assert.equal(k.notes, null);
  });

  test('onset this month or today: 0 months, recent', async () => {
    for (const onset of [ymd(today), ym(today)]) {
      const k = await cond({ icd10: 'G62.9', onset_date: onset });
      assert.equal(k.duration_months, 0, onset);
      assert.equal(k.chronicity, 'recent', onset);
    }
  });

  test('chronicity at the 12-month boundary', async () => {
    const exactly12 = addMonths(today, -12);
    const dayAfter = addDays(exactly12, 1);
    const dayBefore = addDays(exactly12, -1);
    const a = await cond({ icd10: 'E11.42', onset_date: ymd(exactly12) });
    assert.equal(a.duration_months, monthsSince(exactly12));
    assert.equal(a.duration_months, 12);
    assert.equal(a.chronicity, 'chronic', `onset ${ymd(exactly12)} is 12 months ago`);
    const b = await cond({ icd10: 'E11.42', onset_date: ymd(dayAfter) });
    assert.equal(b.duration_months, 11, `onset ${ymd(dayAfter)}`);
    assert.equal(b.chronicity, 'recent', `onset ${ymd(dayAfter)} is not yet 12 months ago`);
    const d = await cond({ icd10: 'E11.42', onset_date: ymd(dayBefore) });
    assert.equal(d.chronicity, 'chronic');
    assert.equal(d.duration_months, monthsSince(dayBefore));
  });

  test('icd10 not on the list: 422', async () => {
    for (const icd10 of ['E11.9', 'G62', 'X99.99', 'E1142', 'E11.42 ', '']) {
      assertInvalid(await addCond({ icd10 }), ['icd10'], { msg: icd10 });
    }
    assertInvalid(await addCond({}), ['icd10']);
    assertInvalid(await addCond({ icd10: 11.42 }), ['icd10']);
  });

  test('lower-case code accepted and normalised', async () => {
    const k = await cond({ icd10: 'e11.42' });
    assert.equal(k.icd10, 'E11.42');
    assert.equal(k.etiology, 'diabetic');
    assert.equal((await c.get(`/api/v1/conditions/${k.id}`)).body.icd10, 'E11.42');
  });

  test('the same code with the same onset twice: 409 naming the first; another onset, or after entered in error, is fine', async () => {
    const q = await newPat();
    const first = await cond({ icd10: 'G62.1', onset_date: '2021-05' }, q);
    const r = await addCond({ icd10: 'G62.1', onset_date: '2021-05', notes: 'again' }, q);
    assertProblem(r, 409);
    assert.equal(r.body.existing_id, first.id);
    assert.match(r.body.detail, /already has this diagnosis/);
    assert.equal((await addCond({ icd10: 'G62.1', onset_date: '2021-06' }, q)).status, 201);
    const noOnset = await cond({ icd10: 'G62.0' }, q);
    assert.equal((await addCond({ icd10: 'G62.0' }, q)).body.existing_id, noOnset.id, 'both onsets unknown: the same diagnosis');
    const moved = await c.patch(`/api/v1/conditions/${noOnset.id}`, { onset_date: '2021-06' }, { 'If-Match': '"1"' });
    assert.equal(moved.status, 200, 'its own onset may change');
    const clash = await c.patch(`/api/v1/conditions/${noOnset.id}`, { icd10: 'G62.1' }, { 'If-Match': '"2"' });
    assertProblem(clash, 409);
    const e = await c.patch(`/api/v1/conditions/${first.id}`, { status: 'entered_in_error', status_reason: 'Typed twice' }, { 'If-Match': '"1"' });
    assert.equal(e.status, 200, e.text);
    assert.equal((await addCond({ icd10: 'G62.1', onset_date: '2021-05' }, q)).status, 201, 'an entry in error does not count');
  });

  test('etiology follows the code', async () => {
    const cases = { 'E11.42': 'diabetic', 'G62.1': 'alcohol', 'G62.0': 'chemotherapy_drug', 'E53.8': 'b12_deficiency',
      'B02.23': 'post_herpetic', 'G60.0': 'hereditary', 'G60.8': 'idiopathic', 'G62.2': 'other_toxic' };
    for (const [icd10, etiology] of Object.entries(cases)) {
      const k = await cond({ icd10 }, await newPat());
      assert.equal(k.etiology, etiology, icd10);
    }
  });

  test('an etiology sent by the client is refused (it follows from the code)', async () => {
    assertInvalid(await addCond({ icd10: 'E11.42', etiology: 'alcohol' }), ['etiology']);
  });

  test('sites: every known site accepted in the order given', async () => {
    const all = ['hand_right', 'foot_left', 'foot_right', 'leg_left', 'leg_right', 'hand_left', 'arm_left', 'arm_right'];
    const k = await cond({ icd10: 'G62.9', sites: all });
    assert.deepEqual(k.sites, all);
  });

  test('sites: unknown, duplicate, wrong type: 422 with the index', async () => {
    assertInvalid(await addCond({ icd10: 'G62.9', sites: ['foot_left', 'toe'] }), ['sites[1]']);
    assertInvalid(await addCond({ icd10: 'G62.9', sites: ['foot_left', 'foot_right', 'foot_left'] }), ['sites[2]']);
    assertInvalid(await addCond({ icd10: 'G62.9', sites: [1, 'Foot_Left'] }), ['sites[0]', 'sites[1]']);
    assertInvalid(await addCond({ icd10: 'G62.9', sites: 'foot_left' }), ['sites']);
  });

  test('onset before birth: 422', async () => {
    const p = await newPat({ birth_date: '1980-06-15' });
    assertInvalid(await addCond({ icd10: 'E11.42', onset_date: '1980-06-14' }, p), ['onset_date']);
    assertInvalid(await addCond({ icd10: 'E11.42', onset_date: '1980-05' }, p), ['onset_date']);
    assert.equal((await addCond({ icd10: 'E11.42', onset_date: '1980-06-15' }, p)).status, 201);
    assert.equal((await addCond({ icd10: 'E11.42', onset_date: '1980-06' }, p)).status, 201, 'the birth month itself');
  });

  test('diagnosed before birth (with no onset given): 422', async () => {
    const p = await newPat({ birth_date: '1980-06-15' });
    assertInvalid(await addCond({ icd10: 'E11.42', diagnosed_date: '1975-01-01' }, p), ['diagnosed_date']);
    assert.deepEqual((await c.get(`/api/v1/patients/${p.id}/conditions`)).body.items, []);
  });

  test('diagnosed before onset: 422', async () => {
    assertInvalid(await addCond({ icd10: 'E11.42', onset_date: '2020-05-10', diagnosed_date: '2020-05-09' }), ['diagnosed_date']);
    assertInvalid(await addCond({ icd10: 'E11.42', onset_date: '2020-05', diagnosed_date: '2020-04-30' }), ['diagnosed_date']);
    assert.equal((await addCond({ icd10: 'E11.42', onset_date: '2020-05', diagnosed_date: '2020-05-01' })).status, 201);
    assert.equal((await addCond({ icd10: 'E11.42', onset_date: '2020-05-10', diagnosed_date: '2020-05-10' })).status, 201);
  });

  test('future dates: 422', async () => {
    const tomorrow = ymd(addDays(today, 1));
    assertInvalid(await addCond({ icd10: 'E11.42', onset_date: tomorrow }), ['onset_date']);
    assertInvalid(await addCond({ icd10: 'E11.42', onset_date: ym(addMonths(today, 1)) }), ['onset_date']);
    assertInvalid(await addCond({ icd10: 'E11.42', diagnosed_date: tomorrow }), ['diagnosed_date']);
  });

  test('impossible or malformed dates: 422', async () => {
    assertInvalid(await addCond({ icd10: 'E11.42', onset_date: '2023-02-30' }), ['onset_date']);
    assertInvalid(await addCond({ icd10: 'E11.42', onset_date: '2023-13' }), ['onset_date']);
    assertInvalid(await addCond({ icd10: 'E11.42', onset_date: '2023' }), ['onset_date']);
    assertInvalid(await addCond({ icd10: 'E11.42', diagnosed_date: '2023-02' }), ['diagnosed_date'], { msg: 'diagnosis needs a full date' });
    assertInvalid(await addCond({ icd10: 'E11.42', onset_date: 20230201 }), ['onset_date']);
  });

  test('all errors at once', async () => {
    const r = await addCond({ icd10: 'Z00', onset_date: '2023-02-30', diagnosed_date: 'soon', sites: ['nose'], status: 'cured', notes: 5, extra: 1 });
    assertInvalid(r, ['icd10', 'onset_date', 'diagnosed_date', 'sites[0]', 'status', 'notes', 'extra']);
  });

  test('notes: at most 2000 characters', async () => {
    const q = await newPat();
    assertInvalid(await addCond({ icd10: 'E11.42', notes: 'n'.repeat(2001) }, q), ['notes']);
    assert.equal((await addCond({ icd10: 'E11.42', notes: 'n'.repeat(2000) }, q)).status, 201);
  });

  test('unknown or malformed patient: 404', async () => {
    assertProblem(await c.post('/api/v1/patients/01a21209-9800-7e0c-baad-0e9d82dabcb6/conditions', { icd10: 'E11.42' }), 404);
    assertProblem(await c.post('/api/v1/patients/nope/conditions', { icd10: 'E11.42' }), 404);
    assertProblem(await c.get('/api/v1/patients/nope/conditions'), 404);
  });

  test('archived patient: 409, nothing added', async () => {
    const p = await newPat();
    const a = await c.post(`/api/v1/patients/${p.id}/archive`, { reason: 'test' }, { 'If-Match': '"1"' });
    assert.equal(a.status, 200);
    assertProblem(await addCond({ icd10: 'E11.42' }, p), 409);
    assert.deepEqual((await c.get(`/api/v1/patients/${p.id}/conditions`)).body.items, []);
  });
});

describe('the chronic threshold is a server option', () => {
  let six;
  before(async () => { six = await startServer({ db: srv.db, args: ['--chronic-months', '6'] }); });
  after(async () => { await stopServer(six, { ownsDir: false }); });

  test('--chronic-months 6 changes the answer for the same record', async () => {
    const onset = addMonths(today, -8);
    const k = await cond({ icd10: 'E11.42', onset_date: ymd(onset) });
    assert.equal(k.duration_months, 8);
    assert.equal(k.chronicity, 'recent');
    assert.equal(k.chronic_threshold_months, 12);
    const other = tokenClient(six.base, srv.db, 'clinician');
    const g = await other.get(`/api/v1/conditions/${k.id}`);
    assert.equal(g.status, 200, g.text);
    assert.equal(g.body.duration_months, 8);
    assert.equal(g.body.chronicity, 'chronic');
    assert.equal(g.body.chronic_threshold_months, 6);
    const five = await cond({ icd10: 'E11.42', onset_date: ymd(addMonths(today, -5)) });
    assert.equal((await other.get(`/api/v1/conditions/${five.id}`)).body.chronicity, 'recent');
  });
});

describe('list, read, change', () => {
  let p;
  let k1; let k2;
  before(async () => {
    p = await newPat();
    k1 = await cond({ icd10: 'E11.42', onset_date: '2019-03' }, p);
    k2 = await cond({ icd10: 'G62.1', onset_date: '2021-07-01', sites: ['hand_left'] }, p);
  });

  test("list for a patient: that patient's diagnoses in the order recorded", async () => {
    const r = await c.get(`/api/v1/patients/${p.id}/conditions`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.items.map((x) => x.id), [k1.id, k2.id]);
    assert.deepEqual(r.body.items[1], k2);
    assert.equal(r.body.next_cursor, null);
    const empty = await newPat();
    assert.deepEqual((await c.get(`/api/v1/patients/${empty.id}/conditions`)).body.items, []);
  });

  test('GET by id: ETag; unknown and malformed ids: 404', async () => {
    const g = await c.get(`/api/v1/conditions/${k1.id}`);
    assert.equal(g.headers.get('etag'), '"1"');
    assertProblem(await c.get('/api/v1/conditions/01a21209-9800-7e0c-baad-0e9d82dabcb6'), 404);
    assertProblem(await c.get('/api/v1/conditions/123'), 404);
    assertProblem(await c.get(`/api/v1/conditions/${p.id}`), 404, 'a patient id is not a diagnosis id');
  });

  test('PATCH with If-Match: 200, version+1, recomputed duration; sent fields only', async () => {
    const onset = addMonths(today, -2);
    const r = await c.patch(`/api/v1/conditions/${k2.id}`, { onset_date: ymd(onset), sites: ['hand_left', 'hand_right'] }, { 'If-Match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('etag'), '"2"');
    assert.equal(r.body.version, 2);
    assert.equal(r.body.onset_date, ymd(onset));
    assert.equal(r.body.duration_months, 2);
    assert.equal(r.body.chronicity, 'recent');
    assert.deepEqual(r.body.sites, ['hand_left', 'hand_right']);
    assert.equal(r.body.icd10, 'G62.1');
    assert.equal(r.body.created_at, k2.created_at);
    assert.deepEqual((await c.get(`/api/v1/conditions/${k2.id}`)).body, r.body);
  });

  test('PATCH the code: etiology follows', async () => {
    const k = await cond({ icd10: 'E11.42' }, p);
    const r = await c.patch(`/api/v1/conditions/${k.id}`, { icd10: 'g62.0' }, { 'If-Match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.icd10, 'G62.0');
    assert.equal(r.body.etiology, 'chemotherapy_drug');
  });

  test('PATCH: 428 without If-Match, 412 when stale, 400 when malformed, 404 when unknown', async () => {
    const k = await cond({ icd10: 'E11.42' }, p);
    assertProblem(await c.patch(`/api/v1/conditions/${k.id}`, { notes: 'x' }), 428);
    assertProblem(await c.patch(`/api/v1/conditions/${k.id}`, { notes: 'x' }, { 'If-Match': '"2"' }), 412);
    assertProblem(await c.patch(`/api/v1/conditions/${k.id}`, { notes: 'x' }, { 'If-Match': 'two' }), 400);
    assertProblem(await c.patch('/api/v1/conditions/01a21209-9800-7e0c-baad-0e9d82dabcb6', { notes: 'x' }, { 'If-Match': '"1"' }), 404);
    assert.equal((await c.get(`/api/v1/conditions/${k.id}`)).body.notes, null);
  });

  test('PATCH invalid: 422, record unchanged', async () => {
    const k = await cond({ icd10: 'E11.42', onset_date: '2020-01-01' }, p);
    assertInvalid(await c.patch(`/api/v1/conditions/${k.id}`, { diagnosed_date: '2019-12-31' }, { 'If-Match': '"1"' }), ['diagnosed_date']);
    assertInvalid(await c.patch(`/api/v1/conditions/${k.id}`, { icd10: null }, { 'If-Match': '"1"' }), ['icd10']);
    assertInvalid(await c.patch(`/api/v1/conditions/${k.id}`, { patient_id: patient.id }, { 'If-Match': '"1"' }), ['patient_id']);
    assert.deepEqual((await c.get(`/api/v1/conditions/${k.id}`)).body, k);
  });

  test('PATCH an onset before birth: 422', async () => {
    const k = await cond({ icd10: 'E11.42', onset_date: '1961-01-01' }, p);
    assertInvalid(await c.patch(`/api/v1/conditions/${k.id}`, { onset_date: '1960-04-11' }, { 'If-Match': '"1"' }), ['onset_date']);
    assertInvalid(await c.patch(`/api/v1/conditions/${k.id}`, { onset_date: '1960-03' }, { 'If-Match': '"1"' }), ['onset_date']);
  });

  test("a patient's birth date cannot be moved after the onset of one of their diagnoses", async () => {
    const q = await newPat({ birth_date: '1970-01-01' });
    await cond({ icd10: 'E11.42', onset_date: '1990-06-01' }, q);
    const r = await c.patch(`/api/v1/patients/${q.id}`, { birth_date: '1995-01-01' }, { 'If-Match': '"1"' });
    assertInvalid(r, ['birth_date']);
    assert.equal((await c.get(`/api/v1/patients/${q.id}`)).body.birth_date, '1970-01-01');
  });

  test('entered_in_error needs status_reason', async () => {
    const k = await cond({ icd10: 'E11.42', onset_date: '2020-02-02' }, p);
    assertInvalid(await c.patch(`/api/v1/conditions/${k.id}`, { status: 'entered_in_error' }, { 'If-Match': '"1"' }), ['status_reason']);
    assertInvalid(await c.patch(`/api/v1/conditions/${k.id}`, { status: 'entered_in_error', status_reason: '' }, { 'If-Match': '"1"' }), ['status_reason']);
    const r = await c.patch(`/api/v1/conditions/${k.id}`, { status: 'entered_in_error', status_reason: 'Wrong patient' }, { 'If-Match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'entered_in_error');
    assert.equal(r.body.status_reason, 'Wrong patient');
    assertInvalid(await addCond({ icd10: 'E11.42', status: 'entered_in_error' }, p), ['status_reason']);
  });

  test('status resolved and back to active', async () => {
    const k = await cond({ icd10: 'E11.42', onset_date: '2020-03-03' }, p);
    const a = await c.patch(`/api/v1/conditions/${k.id}`, { status: 'resolved' }, { 'If-Match': '"1"' });
    assert.equal(a.body.status, 'resolved');
    const b = await c.patch(`/api/v1/conditions/${k.id}`, { status: 'active' }, { 'If-Match': '"2"' });
    assert.equal(b.body.status, 'active');
    assert.equal(b.body.version, 3);
    assertInvalid(await c.patch(`/api/v1/conditions/${k.id}`, { status: 'gone' }, { 'If-Match': '"3"' }), ['status']);
  });

  test("an archived patient's diagnoses cannot be changed (409), like the patient", async () => {
    const q = await newPat();
    const k = await cond({ icd10: 'E11.42' }, q);
    assert.equal((await c.post(`/api/v1/patients/${q.id}/archive`, { reason: 'test' }, { 'If-Match': '"1"' })).status, 200);
    assertProblem(await c.patch(`/api/v1/conditions/${k.id}`, { notes: 'after archive' }, { 'If-Match': '"1"' }), 409);
    const g = await c.get(`/api/v1/conditions/${k.id}`);
    assert.equal(g.status, 200, 'still readable');
    assert.equal(g.body.notes, null);
    assert.equal(g.body.version, 1);
  });

  test('no hard delete: DELETE /api/v1/conditions/{id} is 405', async () => {
    assertProblem(await c.del(`/api/v1/conditions/${k1.id}`), 405);
    assert.equal((await c.get(`/api/v1/conditions/${k1.id}`)).status, 200);
  });
});
