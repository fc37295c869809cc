// Adverse events: recorded with CTCAE grade, seriousness and its criterion, relatedness,
// expectedness and outcome; every rule across fields; changed as the event evolves; audited;
// clinicians and nurses record them, front desk and researchers do not see them.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, newPatient } from '../lib/server.mjs';
import { assertInvalid, assertProblem, stopServer, todayUTC, addDays, ymd, sqlite } from './helpers.mjs';

let srv;
let c; // clinician
let n; // nurse
let fd; // front desk
let p;
const today = todayUTC();
const day = (k) => ymd(addDays(today, k));

before(async () => {
  srv = await startServer();
  c = await login(srv.base, 'clinician');
  n = await login(srv.base, 'nurse');
  fd = await login(srv.base, 'front_desk');
  const r = await c.post('/api/v1/patients', newPatient({ birth_date: '1960-05-01' }));
  assert.equal(r.status, 201, r.text);
  p = r.body;
});
after(async () => { await stopServer(srv); });

const base = () => ({
  term: 'Pain and swelling at the injection site', onset_date: day(-3), grade: 2, serious: false,
  relatedness: 'probable', expected: true, outcome: 'recovering', action: 'Ice, paracetamol',
});
const post = (body, who = c) => who.post(`/api/v1/patients/${p.id}/adverse-events`, body);

describe('recording', () => {
  test('201 with every field, the status recorded, Location and ETag', async () => {
    const r = await post(base(), n);
    assert.equal(r.status, 201, r.text);
    const e = r.body;
    assert.equal(r.headers.get('location'), `/api/v1/adverse-events/${e.id}`);
    assert.equal(r.headers.get('etag'), '"1"');
    for (const [k, v] of Object.entries(base())) assert.deepEqual(e[k], v, k);
    assert.equal(e.serious_criteria, null);
    assert.equal(e.resolved_date, null);
    assert.equal(e.status, 'recorded');
    assert.equal(e.patient_id, p.id);
    assert.deepEqual((await c.get(`/api/v1/adverse-events/${e.id}`)).body, e);
  });

  test('every field wrong at once: 422 naming each', async () => {
    assertInvalid(await post({ term: '', onset_date: '2026-02-30', grade: 6, serious: 'no', relatedness: 'maybe', expected: null, outcome: 'fine', colour: 'red' }),
      ['term', 'onset_date', 'grade', 'serious', 'relatedness', 'expected', 'outcome', 'colour']);
    assertInvalid(await post({}), ['term', 'onset_date', 'grade', 'serious', 'relatedness', 'expected', 'outcome']);
  });

  test('dates: not in the future, not before birth, resolved not before onset', async () => {
    assertInvalid(await post({ ...base(), onset_date: day(1) }), ['onset_date']);
    assertInvalid(await post({ ...base(), onset_date: '1960-04-30' }), ['onset_date']);
    assertInvalid(await post({ ...base(), outcome: 'recovered', resolved_date: day(-4) }), ['resolved_date']);
    assert.equal((await post({ ...base(), outcome: 'recovered', resolved_date: day(-3) })).status, 201);
  });

  test('grade 5 is fatal and fatal is grade 5, serious, with its criterion', async () => {
    const r = await post({ ...base(), grade: 5, outcome: 'not_recovered' });
    assertInvalid(r, ['outcome', 'serious_criteria'].slice(0, 1), { exact: false });
    assert.match(r.body.errors.find((e) => e.path === 'outcome').message, /fatal/);
    assertInvalid(await post({ ...base(), grade: 3, outcome: 'fatal', serious: true, serious_criteria: 'death' }), ['grade']);
    assertInvalid(await post({ ...base(), grade: 5, outcome: 'fatal' }), ['serious']);
    const ok = await post({ ...base(), grade: 5, outcome: 'fatal', serious: true, serious_criteria: 'death', relatedness: 'unlikely' });
    assert.equal(ok.status, 201, ok.text);
  });

  test('a serious event names its criterion; a non-serious one has none', async () => {
    assertInvalid(await post({ ...base(), serious: true }), ['serious_criteria']);
    assertInvalid(await post({ ...base(), serious: false, serious_criteria: 'hospitalisation' }), ['serious_criteria']);
    assertInvalid(await post({ ...base(), serious: true, serious_criteria: 'bad' }), ['serious_criteria']);
    const r = await post({ ...base(), grade: 3, serious: true, serious_criteria: 'hospitalisation' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.serious_criteria, 'hospitalisation');
  });
});

describe('as it evolves', () => {
  test('PATCH the outcome and resolved date; the rules apply to the changed record', async () => {
    const e = (await post(base())).body;
    const url = `/api/v1/adverse-events/${e.id}`;
    assertInvalid(await c.patch(url, { grade: 5 }, { 'If-Match': '"1"' }), ['outcome']);
    assertInvalid(await c.patch(url, { resolved_date: day(-10) }, { 'If-Match': '"1"' }), ['resolved_date']);
    assertInvalid(await c.patch(url, { patient_id: p.id }, { 'If-Match': '"1"' }), ['patient_id']);
    const r = await n.patch(url, { outcome: 'recovered', resolved_date: day(0) }, { 'If-Match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.outcome, 'recovered');
    assert.equal(r.body.resolved_date, day(0));
    assert.equal(r.body.version, 2);
    assert.equal(r.body.term, e.term, 'untouched fields stay');
    assertProblem(await c.patch(url, { grade: 1 }, { 'If-Match': '"1"' }), 412);
    const list = (await c.get(`/api/v1/patients/${p.id}/adverse-events`)).body.items;
    assert.ok(list.some((x) => x.id === e.id && x.outcome === 'recovered'));
    for (let i = 1; i < list.length; i++) assert.ok(list[i - 1].onset_date <= list[i].onset_date, 'by onset');
  });

  test('each read and write is in the audit log', async () => {
    const e = (await post(base())).body;
    await c.get(`/api/v1/adverse-events/${e.id}`);
    await c.patch(`/api/v1/adverse-events/${e.id}`, { outcome: 'recovered' }, { 'If-Match': '"1"' });
    const actions = sqlite(srv.db, `SELECT group_concat(action, ' ') FROM (SELECT action FROM audit WHERE resource_id = '${e.id}' ORDER BY seq)`);
    assert.equal(actions, 'adverse_event.create adverse_event.read adverse_event.update');
  });
});

test('front desk cannot see or record adverse events (403)', async () => {
  assertProblem(await post(base(), fd), 403);
  assertProblem(await fd.get(`/api/v1/patients/${p.id}/adverse-events`), 403);
});
