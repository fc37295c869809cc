// Candidacy: the shipped rules (data/candidacy/rules.json) read from a patient's diagnoses,
// medicines, test results and screening answers; every finding with its level, rule, reason and
// the records it came from; missing data as findings of their own; ended records ignored; and
// decisions kept with the findings they were made on. Roles: clinicians decide, nurses read,
// front desk and researchers see nothing of it.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, newPatient } from '../lib/server.mjs';
import { assertInvalid, stopServer, todayUTC, addDays, ymd, sqlite } from './helpers.mjs';

let srv;
let c; // clinician
let n; // nurse
let fd; // front desk
let rs; // researcher
const today = todayUTC();
const day = (k) => ymd(addDays(today, k));

before(async () => {
  srv = await startServer();
  c = await login(srv.base, 'clinician');
  n = await login(srv.base, 'nurse');
  fd = await login(srv.base, 'front_desk');
  rs = await login(srv.base, 'researcher');
});
after(async () => { await stopServer(srv); });

async function patient() {
  const r = await c.post('/api/v1/patients', newPatient({ birth_date: '1958-03-14' }));
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function created(path, body) {
  const r = await c.post(path, body);
  assert.equal(r.status, 201, `${path}: ${r.text}`);
  return r.body;
}

const SCREEN_ITEMS = ['pregnant_or_breastfeeding', 'cancer', 'active_infection', 'fever_last_week',
  'platelet_disorder', 'immunosuppression', 'systemic_steroids_2w', 'nsaids_48h', 'smoking', 'infection_at_site'];
const screening = (p, yes = [], on = day(0)) => created(`/api/v1/patients/${p.id}/assessments`, {
  instrument: 'candidacy-screening', performed_at: on,
  answers: Object.fromEntries(SCREEN_ITEMS.map((i) => [i, yes.includes(i) ? 'yes' : 'no'])),
});
const lab = (p, kind, value, unit, on = day(0)) =>
  created(`/api/v1/patients/${p.id}/observations`, { kind, value, unit, performed_on: on });

async function candidacy(p, who = c) {
  const r = await who.get(`/api/v1/patients/${p.id}/candidacy`);
  assert.equal(r.status, 200, r.text);
  return r.body;
}
// rule id -> finding, for one biologic
async function rules(p, biologic) {
  const b = (await candidacy(p)).biologics.find((x) => x.biologic === biologic);
  assert.ok(b, biologic);
  return Object.fromEntries(b.findings.map((f) => [f.rule, f]));
}

describe('findings', () => {
  test('a patient with nothing recorded: every biologic, missing data as findings, no verdict', async () => {
    const p = await patient();
    const out = await candidacy(p);
    assert.equal(out.patient_id, p.id);
    assert.equal(out.evaluated_on, day(0));
    assert.match(out.source, /contraindications/i);
    assert.deepEqual(out.biologics.map((b) => b.biologic).sort(), ['adipose_svf', 'bmac', 'prp']);
    for (const b of out.biologics) {
      const screen = b.findings.find((f) => f.rule === 'no_recent_screening');
      assert.ok(screen, `${b.biologic}: no screening is a finding`);
      assert.equal(screen.level, 'caution');
      assert.equal(screen.missing, true);
      assert.deepEqual(screen.records, []);
      assert.equal(b.blocks, 0);
      assert.equal(b.cautions, b.findings.filter((f) => f.level === 'caution').length);
      for (const f of b.findings) {
        for (const k of ['level', 'rule', 'reason', 'certainty', 'source']) assert.equal(typeof f[k], 'string', `${f.rule}.${k}`);
        assert.doesNotMatch(`${f.reason} ${f.source}`, /facts\.md|\.json/);
      }
    }
    const bmac = out.biologics.find((b) => b.biologic === 'bmac');
    assert.ok(bmac.findings.some((f) => f.rule === 'no_platelets_before_harvest'));
    assert.ok(!out.biologics.find((b) => b.biologic === 'prp').findings.some((f) => f.rule === 'no_platelets_before_harvest'));
    assert.doesNotMatch(JSON.stringify(out), /eligible/i);
  });

  test('a chronic diabetic neuropathy: a note, and HbA1c missing, then too high, then the latest result counts', async () => {
    const p = await patient();
    const dx = await created(`/api/v1/patients/${p.id}/conditions`, { icd10: 'E11.42', onset_date: day(-3 * 365) });
    let f = await rules(p, 'adipose_svf');
    assert.equal(f.chronic_neuropathy.level, 'note');
    assert.equal(f.chronic_neuropathy.records[0].id, dx.id);
    assert.equal(f.chronic_neuropathy.records[0].kind, 'condition');
    assert.equal(f.chronic_neuropathy.records[0].date, day(-3 * 365));
    assert.equal(f.no_recent_hba1c.missing, true);
    assert.deepEqual(f.no_recent_hba1c.records, []);

    const old = await lab(p, 'hba1c', 11.5, '%', day(-120)); // too old to count as recent
    f = await rules(p, 'adipose_svf');
    assert.equal(f.no_recent_hba1c.records[0].id, old.id, 'the last result is shown with its date');
    assert.equal(f.hba1c_high, undefined, 'a result older than 90 days is not read as current');

    const high = await lab(p, 'hba1c', 96, 'mmol/mol', day(-2)); // 10.93 %
    f = await rules(p, 'adipose_svf');
    assert.equal(f.no_recent_hba1c, undefined);
    assert.equal(f.hba1c_high.level, 'caution');
    assert.equal(f.hba1c_high.records[0].id, high.id);
    assert.equal(f.hba1c_high.records[0].unit, '%');
    assert.ok(Math.abs(f.hba1c_high.records[0].value - 10.93) < 0.01);
    assert.equal(f.hba1c_high.certainty, 'unconfirmed');

    await lab(p, 'hba1c', 10, '%', day(-1)); // the limit itself is not above it
    assert.equal((await rules(p, 'adipose_svf')).hba1c_high, undefined);
  });

  test('a recent neuropathy is no note; a non-diabetic patient needs no HbA1c', async () => {
    const p = await patient();
    await created(`/api/v1/patients/${p.id}/conditions`, { icd10: 'G62.1', onset_date: day(-60) });
    const f = await rules(p, 'prp');
    assert.equal(f.chronic_neuropathy, undefined);
    assert.equal(f.no_recent_hba1c, undefined);
  });

  test('anticoagulants and antiplatelets: a caution for PRP and marrow, stopped ones not, not for fat', async () => {
    const p = await patient();
    const w = await created(`/api/v1/patients/${p.id}/medications`, { drug: 'warfarin', start_date: day(-400) });
    await created(`/api/v1/patients/${p.id}/medications`, { drug: 'clopidogrel', start_date: day(-400), stop_date: day(-10) });
    await created(`/api/v1/patients/${p.id}/medications`, { drug: 'pregabalin', start_date: day(-30) });
    for (const b of ['prp', 'bmac']) {
      const f = (await rules(p, b)).anticoagulant;
      assert.equal(f.level, 'caution', b);
      assert.deepEqual(f.records.map((x) => [x.kind, x.id, x.label]), [['medication', w.id, 'Warfarin']], b);
    }
    assert.equal((await rules(p, 'adipose_svf')).anticoagulant, undefined);
    const r = await c.patch(`/api/v1/medications/${w.id}`, { status: 'entered_in_error', void_reason: 'other patient' }, { 'If-Match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal((await rules(p, 'prp')).anticoagulant, undefined, 'a medicine entered in error does not count');
  });

  test('screening answers: a yes blocks or cautions per biologic; voided or older than 30 days it does not count', async () => {
    const p = await patient();
    const s = await screening(p, ['pregnant_or_breastfeeding', 'smoking']);
    for (const b of ['prp', 'bmac', 'adipose_svf']) {
      const f = await rules(p, b);
      assert.equal(f.pregnancy.level, 'blocks', b);
      assert.deepEqual(f.pregnancy.records.map((x) => [x.kind, x.id, x.item, x.value]),
        [['assessment', s.id, 'pregnant_or_breastfeeding', 'yes']]);
      assert.equal(f.pregnancy.records[0].label, 'Pre-procedure screening for PRP and cell therapy');
      assert.equal(f.pregnancy.records[0].href, `/api/v1/assessments/${s.id}`);
      assert.equal(f.no_recent_screening, undefined, b);
    }
    assert.equal((await rules(p, 'prp')).smoking_prp.level, 'caution');
    assert.equal((await rules(p, 'bmac')).smoking_prp, undefined);
    const out = await candidacy(p);
    for (const b of out.biologics) {
      const order = b.findings.map((f) => ['blocks', 'caution', 'note'].indexOf(f.level));
      assert.deepEqual(order, [...order].sort((x, y) => x - y), `${b.biologic}: blocks, then cautions, then notes`);
      assert.equal(b.blocks, 1);
    }
    const v = await c.post(`/api/v1/assessments/${s.id}/void`, { reason: 'wrong patient' }, { 'If-Match': '"1"' });
    assert.equal(v.status, 200, v.text);
    let f = await rules(p, 'prp');
    assert.equal(f.pregnancy, undefined);
    assert.ok(f.no_recent_screening);
    await screening(p, ['cancer'], day(-31));
    f = await rules(p, 'adipose_svf');
    assert.equal(f.cancer_cells, undefined, 'answers from 31 days ago are out of date');
    assert.equal(f.no_recent_screening.records.length, 1, 'the out-of-date screening is shown');
    await screening(p, ['cancer'], day(-1));
    assert.equal((await rules(p, 'adipose_svf')).cancer_cells.level, 'blocks');
    assert.equal((await rules(p, 'prp')).cancer_prp.level, 'caution');
  });

  test('platelets and haemoglobin below the limits: PRP and marrow (platelets), every biologic (haemoglobin)', async () => {
    const p = await patient();
    const plt = await lab(p, 'platelet_count', 85, '10^3/uL');
    await lab(p, 'haemoglobin', 95, 'g/L');
    const prp = await rules(p, 'prp');
    assert.equal(prp.platelets_low.records[0].id, plt.id);
    assert.equal(prp.haemoglobin_low.records[0].value, 9.5);
    assert.equal((await rules(p, 'adipose_svf')).platelets_low, undefined);
    const bmac = await rules(p, 'bmac');
    assert.ok(bmac.platelets_low);
    assert.equal(bmac.no_platelets_before_harvest, undefined);
    const v = await c.post(`/api/v1/observations/${plt.id}/void`, { reason: 'haemolysed sample' }, { 'If-Match': '"1"' });
    assert.equal(v.status, 200, v.text);
    assert.equal((await rules(p, 'prp')).platelets_low, undefined);
    assert.ok((await rules(p, 'bmac')).no_platelets_before_harvest);
    assert.ok((await rules(p, 'prp')).no_platelets_before_prp);
    const critical = await lab(p, 'platelet_count', 45, '10^3/uL');
    const f = await rules(p, 'prp');
    assert.equal(f.platelets_critical_prp.level, 'blocks');
    assert.equal(f.platelets_critical_prp.records[0].id, critical.id);
    assert.equal(f.platelets_critical_prp.certainty, 'unconfirmed', 'the limit of 50 is not from a published source');
    assert.equal(f.platelets_low.level, 'caution');
    assert.equal((await rules(p, 'bmac')).platelets_critical_prp, undefined);
  });

  test('answers that matter only close to the procedure expire sooner than the screening', async () => {
    const p = await patient();
    await screening(p, ['nsaids_48h', 'fever_last_week', 'systemic_steroids_2w'], day(-3));
    let f = await rules(p, 'prp');
    assert.equal(f.no_recent_screening, undefined, 'the screening itself is recent');
    assert.equal(f.nsaids_prp, undefined, 'NSAIDs reported 3 days ago say nothing of the last 48 hours now');
    assert.ok(f.fever_prp && f.steroids_prp);
    await screening(p, ['nsaids_48h'], day(-2));
    f = await rules(p, 'prp');
    assert.ok(f.nsaids_prp);
    assert.equal(f.fever_prp, undefined, 'the latest screening answered no');
  });

  test('HbA1c above the limit is a caution for cell therapy, not for PRP', async () => {
    const p = await patient();
    await lab(p, 'hba1c', 11, '%');
    assert.ok((await rules(p, 'bmac')).hba1c_high);
    assert.equal((await rules(p, 'prp')).hba1c_high, undefined);
  });

  test('reading candidacy is audited as a read of the patient', async () => {
    const p = await patient();
    await candidacy(p, n);
    assert.equal(sqlite(srv.db, `SELECT count(*) FROM audit WHERE action = 'candidacy.read' AND patient_id = '${p.id}'`), '1');
  });

  test('unknown patient: 404', async () => {
    const r = await c.get('/api/v1/patients/0190f0f0-0000-7000-8000-000000000000/candidacy');
    assert.equal(r.status, 404);
  });
});

describe('decisions', () => {
  test('kept with the findings as they stood: later records do not change it', async () => {
    const p = await patient();
    await lab(p, 'platelet_count', 80, '10^3/uL');
    const before = (await candidacy(p)).biologics.find((b) => b.biologic === 'prp');
    const d = await created(`/api/v1/patients/${p.id}/candidacy-decisions`,
      { biologic: 'prp', decision: 'defer', rationale: 'Repeat the platelet count in 2 weeks.' });
    assert.equal(d.decision, 'defer');
    assert.equal(d.status, 'final');
    assert.equal(d.decided_by, c.staff.id);
    assert.deepEqual(d.findings, { ...before, evaluated_on: day(0) });
    await lab(p, 'platelet_count', 210, '10^3/uL');
    const again = await c.get(`/api/v1/candidacy-decisions/${d.id}`);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body.findings, d.findings);
    assert.ok(again.body.findings.findings.some((f) => f.rule === 'platelets_low'));
    assert.ok(!(await rules(p, 'prp')).platelets_low);
    const list = await n.get(`/api/v1/patients/${p.id}/candidacy-decisions`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.items.map((x) => x.id), [d.id]);
  });

  test('bad input: 422 naming each field; nothing written', async () => {
    const p = await patient();
    const url = `/api/v1/patients/${p.id}/candidacy-decisions`;
    assertInvalid(await c.post(url, { biologic: 'stem_cells', decision: 'eligible', rationale: '', findings: {} }),
      ['biologic', 'decision', 'rationale', 'findings']);
    assertInvalid(await c.post(url, {}), ['biologic', 'decision', 'rationale']);
    assert.deepEqual((await c.get(url)).body.items, []);
  });

  test('void with a reason; a voided decision cannot be voided again', async () => {
    const p = await patient();
    const d = await created(`/api/v1/patients/${p.id}/candidacy-decisions`,
      { biologic: 'bmac', decision: 'candidate', rationale: 'No contraindication found; warfarin held 5 days.' });
    assertInvalid(await c.post(`/api/v1/candidacy-decisions/${d.id}/void`, {}, { 'If-Match': '"1"' }), ['reason']);
    const v = await c.post(`/api/v1/candidacy-decisions/${d.id}/void`, { reason: 'Decided for the wrong biologic' }, { 'If-Match': '"1"' });
    assert.equal(v.status, 200, v.text);
    assert.equal(v.body.status, 'voided');
    const again = await c.post(`/api/v1/candidacy-decisions/${d.id}/void`, { reason: 'x' }, { 'If-Match': '"2"' });
    assert.equal(again.status, 409);
  });

  test('roles: clinicians decide; nurses read; front desk and researchers see nothing', async () => {
    const p = await patient();
    const body = { biologic: 'prp', decision: 'candidate', rationale: 'ok' };
    const url = `/api/v1/patients/${p.id}/candidacy-decisions`;
    assert.equal((await n.post(url, body)).status, 403);
    assert.equal((await n.get(`/api/v1/patients/${p.id}/candidacy`)).status, 200);
    for (const who of [fd, rs]) {
      assert.equal((await who.get(`/api/v1/patients/${p.id}/candidacy`)).status, 403);
      assert.equal((await who.get(url)).status, 403);
      assert.equal((await who.post(url, body)).status, 403);
    }
  });
});
