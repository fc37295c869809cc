// Instruments and assessments, through HTTP: the instrument list and forms; recording and scoring
// each instrument (facts.md §0 and §1); validation (every error at once); list with filters, read,
// void with If-Match; archived and unknown patients; clinical.read / clinical.write permissions;
// audit records. The engine-level scoring cases are in tests/cases/instruments/.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, login, client, newPatient } from '../lib/server.mjs';
import {
  ROOT, ROLES, parseRoutes, parseRolePerms, assertProblem, assertInvalid, tokenClient, todayUTC, addDays, ymd,
  UUID_RE, INSTANT_RE, stopServer,
} from './helpers.mjs';

const INSTRUMENTS = ['nrs', 'dn4', 'dn4-interview', 'mnsi-history', 'mnsi-exam', 'tcns', 'pgic', 'candidacy-screening', 'rand-36'];
const defOf = (id) => JSON.parse(readFileSync(join(ROOT, 'data/instruments', `${id}.json`), 'utf8'));
const NO_SUCH = '01a21209-9800-7e0c-baad-0e9d82dabcb6';

let srv;
let admin; let clin; let nurse; let desk; let researcher;
const as = {}; // role -> client
let patient;

before(async () => {
  srv = await startServer();
  admin = await login(srv.base, 'admin');
  clin = await login(srv.base, 'clinician');
  nurse = await login(srv.base, 'nurse');
  desk = await login(srv.base, 'front_desk');
  researcher = tokenClient(srv.base, srv.db, 'researcher');
  Object.assign(as, { admin, clinician: clin, nurse, front_desk: desk, researcher });
  patient = await newPat();
});
after(async () => { await stopServer(srv); });

async function newPat(over = {}) {
  const r = await clin.post('/api/v1/patients', newPatient(over));
  assert.equal(r.status, 201, r.text);
  return r.body;
}

const PERFORMED = '2025-06-01';
const post = (body, p = patient, who = clin) => who.post(`/api/v1/patients/${p.id}/assessments`, body);
const record = (instrument, answers, extra = {}) => ({ instrument, performed_at: PERFORMED, answers, ...extra });
async function mk(instrument, answers, { p = patient, who = clin, at = PERFORMED } = {}) {
  const r = await post({ instrument, performed_at: at, answers }, p, who);
  assert.equal(r.status, 201, `${instrument}: ${r.text}`);
  return r.body;
}
const list = async (p, q = '') => {
  const r = await clin.get(`/api/v1/patients/${p.id}/assessments${q}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.next_cursor, null);
  return r.body.items;
};

// ---------------------------------------------------------------- answer builders

// DN4 / DN4-interview / MNSI history: "yes" to the listed items, "no" to the rest.
const yesTo = (n, yes = []) => Object.fromEntries(
  Array.from({ length: n }, (_, i) => `q${i + 1}`).map((q) => [q, yes.includes(q) ? 'yes' : 'no']));
const allAnswers = (n, value) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`q${i + 1}`, value]));

// MNSI exam: every finding normal on both feet, with overrides (monofilament left out unless given).
const mnsiExam = (over = {}) => ({
  appearance_right: 'normal', appearance_left: 'normal', ulceration_right: 'absent', ulceration_left: 'absent',
  ankle_reflex_right: 'present', ankle_reflex_left: 'present', vibration_right: 'present', vibration_left: 'present',
  ...over,
});

const TCNS_SYMPTOMS = ['foot_pain', 'numbness', 'tingling', 'weakness', 'ataxia', 'upper_limb'];
const TCNS_REFLEXES = ['knee_right', 'knee_left', 'ankle_right', 'ankle_left'];
const TCNS_SENSORY = ['pinprick', 'temperature', 'light_touch', 'vibration', 'position'];
const tcns = (over = {}) => ({
  ...Object.fromEntries(TCNS_SYMPTOMS.map((k) => [k, 'no'])),
  ...Object.fromEntries(TCNS_REFLEXES.map((k) => [k, 'normal'])),
  ...Object.fromEntries(TCNS_SENSORY.map((k) => [k, 'normal'])),
  ...over,
});

// RAND-36: the printed option number of each answer, as text ("1" is the first option).
const RAND_SCALES = ['physical_functioning', 'role_physical', 'role_emotional', 'energy_fatigue',
  'emotional_wellbeing', 'social_functioning', 'pain', 'general_health'];
const rand36 = (pick) => Object.fromEntries(Array.from({ length: 36 }, (_, i) => [`q${i + 1}`, String(pick(i + 1))]));

const cutoff = (score, label) => {
  const c = score.cutoffs.find((x) => x.label === label);
  assert.ok(c, `cut-off ${label} in ${JSON.stringify(score.cutoffs)}`);
  return c;
};

// ---------------------------------------------------------------- instruments

describe('instruments', () => {
  test('the list has all 9 instruments with version, title, citation and licence as defined', async () => {
    const r = await clin.get('/api/v1/instruments');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.next_cursor, null);
    const items = r.body.items;
    assert.deepEqual(items.map((x) => x.id).sort(), [...INSTRUMENTS].sort());
    for (const it of items) {
      const def = defOf(it.id);
      assert.equal(it.version, def.version, it.id);
      assert.match(it.version, /^\d+\.\d+/, it.id);
      assert.equal(it.title, def.title, it.id);
      assert.equal(it.citation, def.citation, it.id);
      assert.ok(it.citation.length > 10, it.id);
      assert.deepEqual(it.licence, def.licence, it.id);
      assert.ok(['public_domain', 'free', 'unclear', 'licensed', 'paid'].includes(it.licence.status), it.id);
      assert.equal(it.administration, def.administration, it.id);
      assert.equal(it.form, undefined, `${it.id}: the list is a summary, without the form`);
    }
    const nrs = items.find((x) => x.id === 'nrs');
    assert.deepEqual(nrs.codes.map((x) => x.code), ['72514-3'], 'NRS carries its LOINC code');
  });

  test('every signed-in role may read the instruments; signed out may not', async () => {
    for (const role of ROLES) {
      const l = await as[role].get('/api/v1/instruments');
      assert.equal(l.status, 200, `${role}: ${l.text}`);
      assert.equal(l.body.items.length, INSTRUMENTS.length, role);
      const one = await as[role].get('/api/v1/instruments/tcns');
      assert.equal(one.status, 200, `${role}: ${one.text}`);
      assert.equal(one.body.id, 'tcns');
    }
    const anon = client(srv.base);
    assertProblem(await anon.get('/api/v1/instruments'), 401);
    assertProblem(await anon.get('/api/v1/instruments/nrs'), 401);
  });

  test('GET one: the summary, the definition, and a form for every instrument', async () => {
    for (const id of INSTRUMENTS) {
      const r = await clin.get(`/api/v1/instruments/${id}`);
      assert.equal(r.status, 200, `${id}: ${r.text}`);
      const def = defOf(id);
      assert.equal(r.body.id, id);
      assert.equal(r.body.version, def.version);
      assert.equal(r.body.title, def.title);
      assert.deepEqual(r.body.licence, def.licence);
      assert.deepEqual(r.body.definition, def, id);
      assert.ok(Array.isArray(r.body.form) && r.body.form.length > 0, id);
      for (const f of r.body.form) {
        assert.equal(typeof f.id, 'string');
        assert.equal(typeof f.text, 'string');
        assert.ok(['choice', 'integer'].includes(f.type), `${id}.${f.id}`);
        assert.equal(typeof f.required, 'boolean');
        assert.equal(typeof f.scored, 'boolean');
      }
    }
  });

  test('mnsi-exam form: every finding expanded per side, monofilament optional, points as defined', async () => {
    const r = await clin.get('/api/v1/instruments/mnsi-exam');
    const form = r.body.form;
    const ids = form.map((f) => f.id);
    assert.deepEqual(ids, [
      'appearance_right', 'appearance_left', 'ulceration_right', 'ulceration_left',
      'ankle_reflex_right', 'ankle_reflex_left', 'vibration_right', 'vibration_left',
      'monofilament_right', 'monofilament_left',
    ]);
    for (const bare of ['appearance', 'ulceration', 'ankle_reflex', 'vibration', 'monofilament']) {
      assert.ok(!ids.includes(bare), `${bare} without a side is not a form item`);
    }
    const by = Object.fromEntries(form.map((f) => [f.id, f]));
    assert.match(by.appearance_right.text, /right/);
    assert.match(by.appearance_left.text, /left/);
    assert.equal(by.appearance_left.section, 'Appearance of foot');
    for (const id of ids) {
      assert.equal(by[id].type, 'choice', id);
      assert.equal(by[id].required, !id.startsWith('monofilament'), `${id} required`);
    }
    assert.deepEqual(by.ankle_reflex_left.answers, [
      { value: 'present', label: 'Present', points: 0 },
      { value: 'reinforcement', label: 'Present with reinforcement', points: 0.5 },
      { value: 'absent', label: 'Absent', points: 1 },
    ]);
    assert.deepEqual(by.monofilament_right.answers.map((a) => [a.value, a.points]),
      [['normal', 0], ['reduced', 0.5], ['absent', 1]]);
  });

  test('other forms: NRS integer 0-10, MNSI history reverse-scored and unscored items, PGIC without points', async () => {
    const nrs = (await clin.get('/api/v1/instruments/nrs')).body.form;
    assert.equal(nrs.length, 1);
    assert.equal(nrs[0].id, 'score');
    assert.equal(nrs[0].type, 'integer');
    assert.equal(nrs[0].min, 0);
    assert.equal(nrs[0].max, 10);
    assert.equal(nrs[0].answers, undefined);

    const h = Object.fromEntries((await clin.get('/api/v1/instruments/mnsi-history')).body.form.map((f) => [f.id, f]));
    assert.equal(Object.keys(h).length, 15);
    assert.equal(h.q4.scored, false);
    assert.equal(h.q10.scored, false);
    assert.equal(h.q1.scored, true);
    const pts = (f) => Object.fromEntries(f.answers.map((a) => [a.value, a.points]));
    assert.deepEqual(pts(h.q1), { yes: 1, no: 0 });
    assert.deepEqual(pts(h.q7), { yes: 0, no: 1 }, 'q7 is reverse-scored');
    assert.deepEqual(pts(h.q13), { yes: 0, no: 1 }, 'q13 is reverse-scored');

    const pgic = (await clin.get('/api/v1/instruments/pgic')).body.form;
    assert.equal(pgic.length, 1);
    assert.deepEqual(pgic[0].answers.map((a) => a.value), ['very_much_improved', 'much_improved',
      'minimally_improved', 'no_change', 'minimally_worse', 'much_worse', 'very_much_worse']);
    for (const a of pgic[0].answers) assert.equal(a.points, null, a.value);

    const t = (await clin.get('/api/v1/instruments/tcns')).body.form.map((f) => f.id);
    for (const k of [...TCNS_SYMPTOMS, ...TCNS_REFLEXES, ...TCNS_SENSORY]) assert.ok(t.includes(k), k);
    assert.equal(t.length, 15);
  });

  test('rand-36 form: 36 optional items numbered as printed, grouped under the printed stems, each with its scale', async () => {
    const form = (await clin.get('/api/v1/instruments/rand-36')).body.form;
    assert.deepEqual(form.map((f) => f.id), Array.from({ length: 36 }, (_, i) => `q${i + 1}`));
    const by = Object.fromEntries(form.map((f) => [f.id, f]));
    for (const f of form) {
      assert.equal(f.required, false, `${f.id}: skipping is allowed`);
      assert.equal(f.type, 'choice', f.id);
      assert.deepEqual(f.answers.map((a) => a.value), f.answers.map((_, i) => String(i + 1)), `${f.id}: options "1".."n"`);
    }
    assert.deepEqual(by.q2.scores, [], 'item 2 (health compared with a year ago) is in no scale');
    assert.deepEqual(by.q1.scores, ['general_health']);
    assert.deepEqual(by.q20.scores, ['social_functioning']);
    assert.deepEqual(by.q21.scores, ['pain']);
    assert.deepEqual(by.q9.scores, ['physical_functioning']);
    assert.match(by.q3.section, /Does your health now limit you/);
    assert.equal(by.q3.section, by.q12.section);
    assert.notEqual(by.q13.section, by.q17.section, 'physical and emotional role items have their own stems');
    assert.match(by.q23.section, /How much of the time during the past 4 weeks/);
    assert.equal(by.q21.answers.length, 6);
    assert.deepEqual(by.q21.answers.map((a) => a.points), [100, 80, 60, 40, 20, 0]);
    assert.deepEqual(by.q24.answers.map((a) => a.points), [0, 20, 40, 60, 80, 100]);
    // Other instruments say which score each item counts towards too.
    const mnsi = Object.fromEntries((await clin.get('/api/v1/instruments/mnsi-exam')).body.form.map((f) => [f.id, f]));
    assert.deepEqual(mnsi.monofilament_left.scores, ['total_10']);
    assert.deepEqual(mnsi.vibration_right.scores, ['total_8', 'total_10']);
  });

  test('unknown instrument: 404', async () => {
    for (const id of ['nope', 'NRS', 'dn4x', 'mnsi']) {
      const b = assertProblem(await clin.get(`/api/v1/instruments/${id}`), 404, id);
      assert.match(b.detail, /instrument/i);
    }
  });
});

// ---------------------------------------------------------------- create and score

describe('create and score', () => {
  test('NRS: 201 with Location, ETag and the whole record; GET returns the same', async () => {
    const r = await post(record('nrs', { score: 5 }));
    assert.equal(r.status, 201, r.text);
    const a = r.body;
    assert.match(a.id, UUID_RE);
    assert.equal(r.headers.get('location'), `/api/v1/assessments/${a.id}`);
    assert.equal(r.headers.get('etag'), '"1"');
    assert.equal(a.patient_id, patient.id);
    assert.equal(a.instrument, 'nrs');
    assert.equal(a.instrument_version, '1.0');
    assert.equal(a.performed_at, PERFORMED);
    assert.deepEqual(a.answers, { score: 5 });
    assert.equal(a.status, 'final');
    assert.equal(a.void_reason, null);
    assert.equal(a.version, 1);
    assert.match(a.created_at, INSTANT_RE);
    assert.equal(a.updated_at, a.created_at);
    assert.equal(a.updated_by, clin.staff.id);
    const s = a.score;
    assert.equal(s.total, 5);
    assert.equal(s.min, 0);
    assert.equal(s.max, 10);
    assert.equal(s.variant, null);
    assert.deepEqual(s.band, { label: 'moderate', interpretation: 'Moderate pain (4 to under 7)' });
    assert.equal(s.interpretation, 'Moderate pain (4 to under 7)');
    assert.equal(s.instrument, 'nrs');
    assert.equal(s.instrument_version, '1.0');
    assert.deepEqual(s.subscores, {});
    const g = await clin.get(r.headers.get('location'));
    assert.equal(g.status, 200, g.text);
    assert.equal(g.headers.get('etag'), '"1"');
    assert.deepEqual(g.body, a);
  });

  test('NRS bands: mild 0-<4, moderate 4-<7, severe 7-10 (facts.md 1.1)', async () => {
    const expect = { 0: 'mild', 3: 'mild', 4: 'moderate', 6: 'moderate', 7: 'severe', 10: 'severe' };
    for (const [n, band] of Object.entries(expect)) {
      const a = await mk('nrs', { score: Number(n) });
      assert.equal(a.score.total, Number(n));
      assert.equal(a.score.band.label, band, `NRS ${n}`);
      assert.equal(a.score.interpretation, a.score.band.interpretation);
    }
  });

  test('score.instrument_version is the version of the definition it was scored by', async () => {
    for (const id of INSTRUMENTS) {
      const v = (await clin.get(`/api/v1/instruments/${id}`)).body.version;
      const answers = {
        nrs: { score: 2 }, dn4: yesTo(10), 'dn4-interview': yesTo(7), 'mnsi-history': yesTo(15),
        'mnsi-exam': mnsiExam(), tcns: tcns(), pgic: { change: 'no_change' }, 'rand-36': { q1: '3' },
        'candidacy-screening': Object.fromEntries(['pregnant_or_breastfeeding', 'cancer', 'active_infection',
          'fever_last_week', 'platelet_disorder', 'immunosuppression', 'systemic_steroids_2w', 'nsaids_48h',
          'smoking', 'infection_at_site'].map((k) => [k, 'no'])),
      }[id];
      assert.ok(answers, `${id}: a sample answer set is needed here`);
      const a = await mk(id, answers);
      assert.equal(a.instrument, id);
      assert.equal(a.score.instrument, id);
      assert.equal(a.score.instrument_version, v, id);
      assert.equal(a.instrument_version, v, id);
    }
  });

  test('DN4: count of yes 0-10, cut-off 4 (facts.md 1.2); interview subscore 0-7', async () => {
    const pos = await mk('dn4', yesTo(10, ['q1', 'q2', 'q3', 'q8']));
    assert.equal(pos.score.total, 4);
    assert.equal(pos.score.min, 0);
    assert.equal(pos.score.max, 10);
    assert.equal(pos.score.subscores.interview.value, 3);
    assert.equal(pos.score.subscores.interview.max, 7);
    const c = cutoff(pos.score, 'positive');
    assert.equal(c.at_least, 4);
    assert.equal(c.met, true);
    assert.equal(c.primary, true);
    assert.equal(pos.score.interpretation, 'DN4 positive (4 or more of 10): neuropathic pain likely');

    const neg = await mk('dn4', yesTo(10, ['q1', 'q2', 'q3']));
    assert.equal(neg.score.total, 3);
    assert.equal(cutoff(neg.score, 'positive').met, false);
    assert.equal(neg.score.interpretation, null);

    const all = await mk('dn4', allAnswers(10, 'yes'));
    assert.equal(all.score.total, 10, 'the range is 0-10, not 0-100 (pitfall 0.5)');
  });

  test('DN4-interview: items 1-7, cut-off 3 of 7', async () => {
    const pos = await mk('dn4-interview', yesTo(7, ['q1', 'q4', 'q6']));
    assert.equal(pos.score.total, 3);
    assert.equal(pos.score.max, 7);
    assert.equal(cutoff(pos.score, 'positive').met, true);
    assert.match(pos.score.interpretation, /DN4-interview positive/);
    const neg = await mk('dn4-interview', yesTo(7, ['q1', 'q4']));
    assert.equal(neg.score.total, 2);
    assert.equal(cutoff(neg.score, 'positive').met, false);
    assert.equal(neg.score.interpretation, null);
  });

  test('MNSI history: all 15 "yes" scores 11, not 15 (pitfall 0.1); maximum 13', async () => {
    const a = await mk('mnsi-history', allAnswers(15, 'yes'));
    assert.equal(a.score.total, 11);
    assert.equal(a.score.min, 0);
    assert.equal(a.score.max, 13);
    assert.equal(cutoff(a.score, 'abnormal').met, true);
    assert.equal(cutoff(a.score, 'abnormal (cut-off 4)').met, true);
    assert.equal(a.score.interpretation, '7 or more abnormal responses: abnormal (original cut-off)');

    const none = await mk('mnsi-history', allAnswers(15, 'no'));
    assert.equal(none.score.total, 2, '"no" to 7 and 13 scores one point each');

    const max = await mk('mnsi-history', { ...allAnswers(15, 'yes'), q7: 'no', q13: 'no' });
    assert.equal(max.score.total, 13);

    const four = await mk('mnsi-history', { ...yesTo(15, ['q1', 'q2', 'q3', 'q7', 'q13']), q7: 'no' });
    assert.equal(four.score.total, 4);
    assert.equal(cutoff(four.score, 'abnormal').met, false, 'primary cut-off is 7');
    assert.equal(cutoff(four.score, 'abnormal (cut-off 4)').met, true);
    assert.equal(four.score.interpretation, null, 'only the primary cut-off gives the interpretation');

    const unscored = await mk('mnsi-history', { ...yesTo(15, ['q4', 'q10', 'q7', 'q13']) });
    assert.equal(unscored.score.total, 0, 'items 4 and 10 are not scored');
  });

  test('MNSI exam, 8-point: variant 8-point, max 8, cut-off 2.5 on total_8', async () => {
    const a = await mk('mnsi-exam', mnsiExam({
      appearance_right: 'abnormal', appearance_left: 'abnormal', ankle_reflex_right: 'reinforcement',
    }));
    assert.equal(a.score.total, 2.5);
    assert.equal(a.score.max, 8);
    assert.equal(a.score.variant, '8-point');
    const c = cutoff(a.score, 'abnormal');
    assert.equal(c.score, 'total_8');
    assert.equal(c.at_least, 2.5);
    assert.equal(c.met, true);
    assert.equal(a.score.interpretation, '2.5 or more on the 8-point exam: abnormal (the validated cut-off)');
    assert.equal(a.score.subscores.total_10.value, null, 'no monofilament: no 10-point score');
    assert.equal(a.score.subscores.total_10.max, 10);

    const b = await mk('mnsi-exam', mnsiExam({ appearance_right: 'abnormal', appearance_left: 'abnormal' }));
    assert.equal(b.score.total, 2);
    assert.equal(cutoff(b.score, 'abnormal').met, false);
    assert.equal(b.score.interpretation, null);

    const worst = await mk('mnsi-exam', mnsiExam({
      appearance_right: 'abnormal', appearance_left: 'abnormal', ulceration_right: 'present', ulceration_left: 'present',
      ankle_reflex_right: 'absent', ankle_reflex_left: 'absent', vibration_right: 'absent', vibration_left: 'absent',
    }));
    assert.equal(worst.score.total, 8);
  });

  test('MNSI exam, 10-point: with the monofilament, max 10; the 2.5 cut-off still on total_8 (pitfall 0.2)', async () => {
    // total_8 = 2 (not abnormal), monofilament absent both sides: total_10 = 4, still not abnormal.
    const a = await mk('mnsi-exam', mnsiExam({
      appearance_right: 'abnormal', appearance_left: 'abnormal', monofilament_right: 'absent', monofilament_left: 'absent',
    }));
    assert.equal(a.score.variant, '10-point');
    assert.equal(a.score.total, 4);
    assert.equal(a.score.max, 10);
    assert.equal(a.score.subscores.total_8.value, 2);
    assert.equal(a.score.subscores.total_8.max, 8);
    const c = cutoff(a.score, 'abnormal');
    assert.equal(c.score, 'total_8');
    assert.equal(c.met, false, 'a 10-point total of 4 is not compared with 2.5');
    assert.equal(a.score.interpretation, null);

    // total_8 = 2.5 (abnormal), monofilament normal: total_10 = 2.5.
    const b = await mk('mnsi-exam', mnsiExam({
      appearance_right: 'abnormal', appearance_left: 'abnormal', ankle_reflex_left: 'reinforcement',
      monofilament_right: 'normal', monofilament_left: 'normal',
    }));
    assert.equal(b.score.variant, '10-point');
    assert.equal(b.score.total, 2.5);
    assert.equal(b.score.subscores.total_8.value, 2.5);
    assert.equal(cutoff(b.score, 'abnormal').met, true);
    assert.match(b.score.interpretation, /8-point exam: abnormal/);

    // Monofilament on one foot only is incomplete: 422 at the other foot, not silently dropped.
    const one = await post({ instrument: 'mnsi-exam', performed_at: '2026-01-05', answers: mnsiExam({ monofilament_right: 'absent' }) });
    assertInvalid(one, ['answers.monofilament_left']);
  });

  test('TCNS: symptoms, reflexes and sensory subscores; reflexes per side (pitfall 0.3); bands', async () => {
    const zero = await mk('tcns', tcns());
    assert.equal(zero.score.total, 0);
    assert.equal(zero.score.max, 19);
    assert.equal(zero.score.band.label, 'no DSPN');
    const subs = zero.score.subscores;
    assert.deepEqual(Object.keys(subs).sort(), ['reflexes', 'sensory', 'symptoms']);
    assert.equal(subs.symptoms.max, 6);
    assert.equal(subs.reflexes.max, 8);
    assert.equal(subs.sensory.max, 5);

    const reflexes = await mk('tcns', tcns(Object.fromEntries(TCNS_REFLEXES.map((k) => [k, 'absent']))));
    assert.equal(reflexes.score.subscores.reflexes.value, 8, 'four reflexes, 0-2 each');
    assert.equal(reflexes.score.total, 8);
    assert.equal(reflexes.score.band.label, 'mild');

    const mixed = await mk('tcns', tcns({
      ...Object.fromEntries(TCNS_SYMPTOMS.map((k) => [k, 'yes'])), knee_right: 'absent', pinprick: 'abnormal',
    }));
    assert.equal(mixed.score.subscores.symptoms.value, 6);
    assert.equal(mixed.score.subscores.reflexes.value, 2);
    assert.equal(mixed.score.subscores.sensory.value, 1);
    assert.equal(mixed.score.total, 9);
    assert.deepEqual(mixed.score.band, { label: 'moderate', interpretation: '9-11: moderate DSPN' });
    assert.equal(mixed.score.interpretation, '9-11: moderate DSPN');

    const worst = await mk('tcns', {
      ...Object.fromEntries(TCNS_SYMPTOMS.map((k) => [k, 'yes'])),
      ...Object.fromEntries(TCNS_REFLEXES.map((k) => [k, 'absent'])),
      ...Object.fromEntries(TCNS_SENSORY.map((k) => [k, 'abnormal'])),
    });
    assert.equal(worst.score.total, 19);
    assert.equal(worst.score.band.label, 'severe');
  });

  test('PGIC: the label is stored, no number; flags.much_improved_or_better', async () => {
    const expect = {
      very_much_improved: true, much_improved: true, minimally_improved: false, no_change: false,
      minimally_worse: false, much_worse: false, very_much_worse: false,
    };
    for (const [change, flag] of Object.entries(expect)) {
      const a = await mk('pgic', { change });
      assert.deepEqual(a.answers, { change }, change);
      assert.equal(a.score.total, null, change);
      assert.equal(a.score.max, null, change);
      assert.equal(a.score.band, null, change);
      assert.deepEqual(a.score.flags, { much_improved_or_better: flag }, change);
      const g = await clin.get(`/api/v1/assessments/${a.id}`);
      assert.equal(g.body.answers.change, change, 'the label is what is stored');
      assert.equal(g.body.score.flags.much_improved_or_better, flag);
    }
  });

  test('RAND-36: eight scales 0-100 (higher is better), no total; a scale with no answered item has no value', async () => {
    const best = await mk('rand-36', rand36((q) => ({ 1: 1, 2: 1, 20: 1, 21: 1, 22: 1, 23: 1, 26: 1, 27: 1, 30: 1, 34: 1, 36: 1,
      24: 6, 25: 6, 28: 6, 29: 6, 31: 6, 32: 5, 33: 5, 35: 5 }[q] || (q <= 12 ? 3 : 2))));
    assert.equal(best.score.total, null);
    assert.equal(best.score.max, null);
    assert.equal(best.score.interpretation, null);
    assert.deepEqual(Object.keys(best.score.subscores).sort(), [...RAND_SCALES].sort());
    for (const k of RAND_SCALES) {
      assert.equal(best.score.subscores[k].value, 100, k);
      assert.equal(best.score.subscores[k].max, 100, k);
    }
    // Skipped items are left out of the mean; pain from q22 alone; the role and energy scales
    // have no answered item and no value.
    const some = await mk('rand-36', { q3: '1', q4: '3', q22: '2', q2: '5' });
    assert.equal(some.score.subscores.physical_functioning.value, 50);
    assert.equal(some.score.subscores.pain.value, 75);
    for (const k of RAND_SCALES.filter((x) => !['physical_functioning', 'pain'].includes(x))) {
      assert.equal(some.score.subscores[k].value, null, k);
    }
    assert.deepEqual(some.answers, { q2: '5', q22: '2', q3: '1', q4: '3' }, 'answers stored as given');
    // Item 2 alone is a valid record with no scale at all.
    const q2 = await mk('rand-36', { q2: '3' });
    for (const k of RAND_SCALES) assert.equal(q2.score.subscores[k].value, null, k);
  });

  test('performed_at: a date or a UTC time, stored as sent; today and a leap day are accepted', async () => {
    const today = ymd(todayUTC());
    for (const at of [today, '2024-02-29', '2025-01-05T09:30:00Z', '1960-04-12', `${today}T00:00:00Z`]) {
      const r = await post({ instrument: 'nrs', performed_at: at, answers: { score: 1 } });
      assert.equal(r.status, 201, `${at}: ${r.text}`);
      assert.equal(r.body.performed_at, at);
    }
  });

  test('optional items given as null count as not tested', async () => {
    const a = await mk('mnsi-exam', mnsiExam({ monofilament_right: null, monofilament_left: null }));
    assert.equal(a.score.variant, '8-point');
    assert.equal(a.score.total, 0);
  });
});

// ---------------------------------------------------------------- validation

describe('validation: 422 naming every field', () => {
  let v; // a patient that must end with no assessments
  before(async () => { v = await newPat(); });
  const p = (body) => post(body, v);

  test('a missing required answer names the item', async () => {
    const ans = yesTo(10, ['q1']);
    delete ans.q3;
    const b = assertInvalid(await p(record('dn4', ans)), ['answers.q3']);
    assert.match(b.errors[0].message, /required/);
    assertInvalid(await p(record('dn4', { ...yesTo(10), q3: null })), ['answers.q3'], { msg: 'null is no answer' });
    assertInvalid(await p(record('nrs', {})), ['answers.score']);
    assertInvalid(await p(record('pgic', {})), ['answers.change']);
    const exam = mnsiExam();
    delete exam.vibration_left;
    assertInvalid(await p(record('mnsi-exam', exam)), ['answers.vibration_left']);
    const t = tcns();
    delete t.ankle_left;
    assertInvalid(await p(record('tcns', t)), ['answers.ankle_left']);
    assertInvalid(await p(record('mnsi-history', (({ q4, ...rest }) => rest)(yesTo(15)))), ['answers.q4'],
      { msg: 'unscored items are still asked' });
  });

  test('an empty form names every required item', async () => {
    assertInvalid(await p(record('dn4', {})), Array.from({ length: 10 }, (_, i) => `answers.q${i + 1}`));
    assertInvalid(await p(record('mnsi-exam', {})), Object.keys(mnsiExam()).map((k) => `answers.${k}`));
  });

  test('an unknown item is named', async () => {
    assertInvalid(await p(record('dn4', { ...yesTo(10), q11: 'yes' })), ['answers.q11']);
    assertInvalid(await p(record('dn4-interview', { ...yesTo(7), q8: 'yes' })), ['answers.q8']);
    assertInvalid(await p(record('mnsi-exam', { ...mnsiExam(), monofilament: 'absent' })), ['answers.monofilament'],
      { msg: 'a sided item needs its side' });
    assertInvalid(await p(record('tcns', { ...tcns(), ankle: 'absent' })), ['answers.ankle']);
    assertInvalid(await p(record('pgic', { change: 'no_change', score: 3 })), ['answers.score']);
  });

  test('an impossible value is named', async () => {
    for (const score of [11, -1, 2.5, '5', true, null]) {
      assertInvalid(await p(record('nrs', { score })), ['answers.score'], { msg: JSON.stringify(score) });
    }
    const r = await clin.call('POST', `/api/v1/patients/${v.id}/assessments`,
      '{"instrument":"nrs","performed_at":"2025-06-01","answers":{"score":5.0}}');
    assertInvalid(r, ['answers.score'], { msg: '5.0 is not an integer in JSON' });
    for (const bad of ['maybe', 'Yes', 1, true]) {
      assertInvalid(await p(record('dn4', { ...yesTo(10), q2: bad })), ['answers.q2'], { msg: JSON.stringify(bad) });
    }
    assertInvalid(await p(record('mnsi-exam', mnsiExam({ ankle_reflex_left: 'reduced' }))), ['answers.ankle_reflex_left']);
    assertInvalid(await p(record('mnsi-exam', mnsiExam({ vibration_right: 0.5 }))), ['answers.vibration_right']);
    assertInvalid(await p(record('mnsi-exam', mnsiExam({ monofilament_left: 'present' }))), ['answers.monofilament_left'],
      { msg: 'optional, but only its own answers' });
    assertInvalid(await p(record('tcns', tcns({ numbness: 'present', knee_left: 2 }))), ['answers.numbness', 'answers.knee_left']);
    const pg = assertInvalid(await p(record('pgic', { change: 'improved' })), ['answers.change']);
    assert.match(pg.errors[0].message, /much_improved/, 'the message lists the answers');
    assertInvalid(await p(record('pgic', { change: 1 })), ['answers.change'], { msg: 'a number is not a label' });
    // RAND-36: an answer outside the item's printed options names the item (q3 has 3 options,
    // q13 has 2, q21 has 6); a number is not the option's text; nothing answered is no record.
    const rb = assertInvalid(await p(record('rand-36', { q1: '1', q3: '4', q13: '3', q21: '7' })),
      ['answers.q3', 'answers.q13', 'answers.q21']);
    assert.match(rb.errors.find((e) => e.path === 'answers.q3').message, /1, 2, 3/);
    assert.match(rb.errors.find((e) => e.path === 'answers.q21').message, /1, 2, 3, 4, 5, 6/);
    assertInvalid(await p(record('rand-36', { q1: 1 })), ['answers.q1'], { msg: 'the option number is text' });
    assertInvalid(await p(record('rand-36', { q1: '0' })), ['answers.q1']);
    assertInvalid(await p(record('rand-36', { q37: '1' })), ['answers.q37']);
    assertInvalid(await p(record('rand-36', {})), ['answers'], { msg: 'an empty questionnaire' });
    assertInvalid(await p(record('rand-36', { q1: null, q2: null })), ['answers'], { msg: 'null is no answer' });
  });

  test('an unknown, missing or non-string instrument: 422 at "instrument"', async () => {
    assertInvalid(await p(record('nope', { score: 1 })), ['instrument']);
    assertInvalid(await p(record('NRS', { score: 1 })), ['instrument']);
    assertInvalid(await p({ performed_at: PERFORMED, answers: { score: 1 } }), ['instrument']);
    assertInvalid(await p(record(5, { score: 1 })), ['instrument']);
    assertInvalid(await p(record('', { score: 1 })), ['instrument']);
  });

  test('bad performed_at: impossible date, future date or time, bad time, wrong form', async () => {
    const tomorrow = ymd(addDays(todayUTC(), 1));
    const bad = ['2023-02-30', '2023-13-01', tomorrow, `${tomorrow}T00:00:00Z`, '2026-01-01T25:00:00Z',
      '2025-01-01T10:60:00Z', '2025-01-01T10:00:00', '2025-01-01T10:00:00+01:00', '2025-01-01 10:00:00Z',
      '01/06/2025', '2025-6-1', '1899-12-31', '', 20250601, null];
    for (const at of bad) {
      assertInvalid(await p(record('nrs', { score: 1 }, { performed_at: at })), ['performed_at'], { msg: JSON.stringify(at) });
    }
    assertInvalid(await p({ instrument: 'nrs', answers: { score: 1 } }), ['performed_at'], { msg: 'missing' });
  });

  test('performed_at later today is still the future: 422, nothing stored', async () => {
    const q = await newPat(); // its own patient, so a wrongly accepted record does not leak into other tests
    const inAnHour = `${new Date(Date.now() + 3600e3).toISOString().slice(0, 19)}Z`;
    assertInvalid(await post(record('nrs', { score: 1 }, { performed_at: inAnHour }), q), ['performed_at'],
      { msg: `${inAnHour} is an hour from now` });
    assert.deepEqual(await list(q), []);
  });

  test('performed_at before the patient was born: 422 (as for a diagnosis onset)', async () => {
    const q = await newPat({ birth_date: '1980-06-15' });
    assertInvalid(await post(record('nrs', { score: 1 }, { performed_at: '1980-06-14' }), q), ['performed_at']);
    assertInvalid(await post(record('nrs', { score: 1 }, { performed_at: '1970-01-01T12:00:00Z' }), q), ['performed_at']);
    assert.deepEqual(await list(q), []);
    const r = await post(record('nrs', { score: 1 }, { performed_at: '1980-06-15' }), q);
    assert.equal(r.status, 201, `the birth date itself: ${r.text}`);
  });

  test('answers must be an object', async () => {
    for (const answers of [5, 'yes', [], ['q1'], null, true]) {
      assertInvalid(await p(record('dn4', answers)), ['answers'], { msg: JSON.stringify(answers) });
    }
    assertInvalid(await p({ instrument: 'dn4', performed_at: PERFORMED }), ['answers'], { msg: 'missing' });
  });

  test('an unknown top-level field is refused (the score is the server\'s)', async () => {
    assertInvalid(await p(record('nrs', { score: 1 }, { score: { total: 9 } })), ['score']);
    assertInvalid(await p(record('nrs', { score: 1 }, { status: 'voided' })), ['status']);
    assertInvalid(await p(record('nrs', { score: 1 }, { patient_id: patient.id })), ['patient_id']);
    assertInvalid(await p(record('nrs', { score: 1 }, { instrument_version: '0.9' })), ['instrument_version']);
  });

  test('all errors at once: top-level fields', async () => {
    assertInvalid(await p({ instrument: 'nope', performed_at: '2023-02-30', answers: 5, extra: 1 }),
      ['instrument', 'performed_at', 'answers', 'extra']);
    assertInvalid(await p({}), ['instrument', 'performed_at', 'answers']);
  });

  test('all errors at once: several answers', async () => {
    const ans = { ...yesTo(10), q1: 'maybe', q11: 'yes' };
    delete ans.q3;
    delete ans.q9;
    assertInvalid(await p(record('dn4', ans)), ['answers.q1', 'answers.q3', 'answers.q9', 'answers.q11']);
  });

  test('all errors at once: answers together with performed_at and an unknown field', async () => {
    const ans = { ...yesTo(10), q1: 'maybe', q11: 'yes' };
    delete ans.q3;
    assertInvalid(await p({ instrument: 'dn4', performed_at: '2023-02-30', answers: ans, extra: 1 }),
      ['performed_at', 'extra', 'answers.q1', 'answers.q3', 'answers.q11']);
    assertInvalid(await p({ instrument: 'nrs', performed_at: ymd(addDays(todayUTC(), 1)), answers: { score: 11 } }),
      ['performed_at', 'answers.score']);
  });

  test('a body that is not a JSON object: 400', async () => {
    assertProblem(await clin.call('POST', `/api/v1/patients/${v.id}/assessments`, '[]'), 400);
    assertProblem(await clin.call('POST', `/api/v1/patients/${v.id}/assessments`, '{"instrument":'), 400);
  });

  test('nothing was stored by any of the refused requests', async () => {
    assert.deepEqual(await list(v), []);
  });
});

// ---------------------------------------------------------------- list and read

describe('list and read', () => {
  let p;
  const made = {}; // performed_at -> assessment
  const order = ['2024-12-31T23:59:59Z', '2025-01-05', '2025-01-05T09:30:00Z', '2025-02-01', '2025-03-10'];
  before(async () => {
    p = await newPat();
    // Recorded out of order.
    made['2025-03-10'] = await mk('nrs', { score: 3 }, { p, at: '2025-03-10' });
    made['2025-01-05'] = await mk('dn4', yesTo(10, ['q1']), { p, at: '2025-01-05' });
    made['2025-02-01'] = await mk('pgic', { change: 'much_improved' }, { p, at: '2025-02-01' });
    made['2025-01-05T09:30:00Z'] = await mk('nrs', { score: 8 }, { p, at: '2025-01-05T09:30:00Z' });
    made['2024-12-31T23:59:59Z'] = await mk('nrs', { score: 6 }, { p, at: '2024-12-31T23:59:59Z' });
  });
  const ids = (items) => items.map((x) => x.id);
  const idsOf = (...ats) => ats.map((at) => made[at].id);

  test("the patient's assessments, ordered by performed_at (oldest first), whole records", async () => {
    const items = await list(p);
    assert.deepEqual(items.map((x) => x.performed_at), order);
    assert.deepEqual(ids(items), idsOf(...order));
    for (const it of items) assert.deepEqual(it, made[it.performed_at]);
  });

  test("only this patient's assessments", async () => {
    const other = await newPat();
    assert.deepEqual(await list(other), []);
    await mk('nrs', { score: 1 }, { p: other });
    assert.equal((await list(other)).length, 1);
    assert.equal((await list(p)).length, order.length);
  });

  test('?instrument= filters; an unknown instrument is 422', async () => {
    assert.deepEqual(ids(await list(p, '?instrument=nrs')),
      idsOf('2024-12-31T23:59:59Z', '2025-01-05T09:30:00Z', '2025-03-10'));
    assert.deepEqual(ids(await list(p, '?instrument=pgic')), idsOf('2025-02-01'));
    assert.deepEqual(await list(p, '?instrument=tcns'), []);
    assertInvalid(await clin.get(`/api/v1/patients/${p.id}/assessments?instrument=nope`), ['instrument']);
    assertInvalid(await clin.get(`/api/v1/patients/${p.id}/assessments?instrument=NRS`), ['instrument']);
  });

  test('?from=&to= are inclusive days (a timed assessment on the to-day is included)', async () => {
    assert.deepEqual(ids(await list(p, '?from=2025-01-05&to=2025-02-01')),
      idsOf('2025-01-05', '2025-01-05T09:30:00Z', '2025-02-01'));
    assert.deepEqual(ids(await list(p, '?to=2025-01-05')),
      idsOf('2024-12-31T23:59:59Z', '2025-01-05', '2025-01-05T09:30:00Z'));
    assert.deepEqual(ids(await list(p, '?to=2024-12-31')), idsOf('2024-12-31T23:59:59Z'));
    assert.deepEqual(ids(await list(p, '?from=2025-01-06')), idsOf('2025-02-01', '2025-03-10'));
    assert.deepEqual(ids(await list(p, '?from=2025-03-10')), idsOf('2025-03-10'));
    assert.deepEqual(ids(await list(p, '?from=2025-01-01')), idsOf('2025-01-05', '2025-01-05T09:30:00Z', '2025-02-01', '2025-03-10'));
    assert.deepEqual(await list(p, '?from=2025-03-11'), []);
    assert.deepEqual(await list(p, '?from=2025-02-02&to=2025-03-09'), []);
    assert.deepEqual(ids(await list(p, '?instrument=nrs&from=2025-01-05&to=2025-03-10')),
      idsOf('2025-01-05T09:30:00Z', '2025-03-10'));
  });

  test('bad from/to dates: 422, all named at once', async () => {
    const q = (s) => clin.get(`/api/v1/patients/${p.id}/assessments?${s}`);
    assertInvalid(await q('from=2023-02-30'), ['from']);
    assertInvalid(await q('to=2025-13-01'), ['to']);
    assertInvalid(await q('from=2025-1-5'), ['from']);
    assertInvalid(await q('to=yesterday'), ['to']);
    assertInvalid(await q('from=2025-01-05T00:00:00Z'), ['from']);
    assertInvalid(await q('instrument=zz&from=2023-02-30&to=x'), ['instrument', 'from', 'to']);
  });

  test('GET one: 200 with ETag; unknown, malformed and non-assessment ids: 404', async () => {
    const a = made['2025-02-01'];
    const g = await clin.get(`/api/v1/assessments/${a.id}`);
    assert.equal(g.status, 200, g.text);
    assert.equal(g.headers.get('etag'), '"1"');
    assert.deepEqual(g.body, a);
    assertProblem(await clin.get(`/api/v1/assessments/${NO_SUCH}`), 404);
    assertProblem(await clin.get('/api/v1/assessments/nope'), 404);
    assertProblem(await clin.get(`/api/v1/assessments/${p.id}`), 404, 'a patient id is not an assessment id');
  });

  test('unknown patient: 404 on list and create', async () => {
    for (const id of [NO_SUCH, 'nope']) {
      assertProblem(await clin.get(`/api/v1/patients/${id}/assessments`), 404, id);
      assertProblem(await post(record('nrs', { score: 1 }), { id }), 404, id);
    }
  });
});

// ---------------------------------------------------------------- void

describe('void', () => {
  let p;
  before(async () => { p = await newPat(); });
  const voidIt = (id, body, ifMatch, who = clin) =>
    who.post(`/api/v1/assessments/${id}/void`, body, ifMatch === undefined ? {} : { 'If-Match': ifMatch });

  test('with a reason and If-Match: 200, status "voided", version 2; it stays in the list, marked', async () => {
    const keep = await mk('nrs', { score: 2 }, { p, at: '2025-01-01' });
    const a = await mk('nrs', { score: 9 }, { p, at: '2025-01-02' });
    const r = await voidIt(a.id, { reason: 'Entered for the wrong patient' }, '"1"');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('etag'), '"2"');
    assert.equal(r.body.status, 'voided');
    assert.equal(r.body.void_reason, 'Entered for the wrong patient');
    assert.equal(r.body.version, 2);
    assert.equal(r.body.updated_by, clin.staff.id);
    assert.match(r.body.updated_at, INSTANT_RE);
    assert.deepEqual(r.body.answers, a.answers, 'the answers are kept');
    assert.deepEqual(r.body.score, a.score, 'the score is kept');
    assert.equal(r.body.created_at, a.created_at);
    const g = await clin.get(`/api/v1/assessments/${a.id}`);
    assert.equal(g.headers.get('etag'), '"2"');
    assert.deepEqual(g.body, r.body);
    const items = await list(p);
    assert.deepEqual(items.map((x) => [x.id, x.status]), [[keep.id, 'final'], [a.id, 'voided']]);
    assert.equal(items[1].void_reason, 'Entered for the wrong patient');
  });

  test('without If-Match: 428; malformed: 400; stale: 412; the record is unchanged', async () => {
    const a = await mk('nrs', { score: 4 }, { p });
    assertProblem(await voidIt(a.id, { reason: 'x' }), 428);
    assertProblem(await voidIt(a.id, { reason: 'x' }, 'one'), 400);
    assertProblem(await voidIt(a.id, { reason: 'x' }, '"2"'), 412);
    assertProblem(await voidIt(a.id, { reason: 'x' }, '"0"'), 400);
    const g = await clin.get(`/api/v1/assessments/${a.id}`);
    assert.deepEqual(g.body, a);
  });

  test('without a reason, blank, too long or with other fields: 422', async () => {
    const a = await mk('nrs', { score: 4 }, { p });
    assertInvalid(await voidIt(a.id, {}, '"1"'), ['reason']);
    assertInvalid(await voidIt(a.id, { reason: '' }, '"1"'), ['reason']);
    assertInvalid(await voidIt(a.id, { reason: '   ' }, '"1"'), ['reason']);
    assertInvalid(await voidIt(a.id, { reason: 7 }, '"1"'), ['reason']);
    assertInvalid(await voidIt(a.id, { reason: 'r'.repeat(501) }, '"1"'), ['reason']);
    assertInvalid(await voidIt(a.id, { reason: 'ok', status: 'final' }, '"1"'), ['status']);
    assert.deepEqual((await clin.get(`/api/v1/assessments/${a.id}`)).body, a);
    const ok = await voidIt(a.id, { reason: 'r'.repeat(500) }, '"1"');
    assert.equal(ok.status, 200, ok.text);
  });

  test('already voided: 409, the first reason kept', async () => {
    const a = await mk('nrs', { score: 4 }, { p });
    assert.equal((await voidIt(a.id, { reason: 'first' }, '"1"')).status, 200);
    assertProblem(await voidIt(a.id, { reason: 'second' }, '"2"'), 409);
    const g = await clin.get(`/api/v1/assessments/${a.id}`);
    assert.equal(g.body.void_reason, 'first');
    assert.equal(g.body.version, 2);
  });

  test('concurrent voids of the same version: exactly one succeeds', async () => {
    const a = await mk('nrs', { score: 4 }, { p });
    const rs = await Promise.all([1, 2, 3, 4].map((i) => voidIt(a.id, { reason: `reason ${i}` }, '"1"')));
    const statuses = rs.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 1, `statuses ${statuses}`);
    for (const r of rs) if (r.status !== 200) assert.ok([409, 412].includes(r.status), `${r.status}: ${r.text}`);
    const g = await clin.get(`/api/v1/assessments/${a.id}`);
    assert.equal(g.body.version, 2);
    assert.equal(g.body.void_reason, rs.find((r) => r.status === 200).body.void_reason);
  });

  test('unknown assessment: 404', async () => {
    assertProblem(await voidIt(NO_SUCH, { reason: 'x' }, '"1"'), 404);
    assertProblem(await voidIt('nope', { reason: 'x' }, '"1"'), 404);
  });
});

// ---------------------------------------------------------------- archived patient

describe('archived patient', () => {
  const ids = (items) => items.map((x) => x.id);
  test('POST: 409 and nothing added; what was recorded before can still be read', async () => {
    const p = await newPat();
    const before = await mk('nrs', { score: 3 }, { p });
    const a = await clin.post(`/api/v1/patients/${p.id}/archive`, { reason: 'test' }, { 'If-Match': '"1"' });
    assert.equal(a.status, 200, a.text);
    assertProblem(await post(record('nrs', { score: 5 }), p), 409);
    assertProblem(await post(record('pgic', { change: 'no_change' }), p, nurse), 409);
    assert.deepEqual(ids(await list(p)), [before.id]);
    assert.equal((await clin.get(`/api/v1/assessments/${before.id}`)).status, 200);
  });

  test("void: 409, an archived patient's record is not changed (as for diagnoses)", async () => {
    const p = await newPat();
    const a = await mk('nrs', { score: 3 }, { p });
    assert.equal((await clin.post(`/api/v1/patients/${p.id}/archive`, { reason: 'test' }, { 'If-Match': '"1"' })).status, 200);
    assertProblem(await clin.post(`/api/v1/assessments/${a.id}/void`, { reason: 'x' }, { 'If-Match': '"1"' }), 409);
    const g = await clin.get(`/api/v1/assessments/${a.id}`);
    assert.equal(g.body.status, 'final');
    assert.equal(g.body.version, 1);
  });
});

// ---------------------------------------------------------------- permissions

describe('permissions', () => {
  let a;
  before(async () => { a = await mk('nrs', { score: 5 }); });

  test('the route table: assessments need clinical.read / clinical.write; instruments only a sign-in', () => {
    const want = {
      'GET /api/v1/instruments': 'PERM_SIGNED_IN',
      'GET /api/v1/instruments/{id}': 'PERM_SIGNED_IN',
      'GET /api/v1/patients/{id}/assessments': 'PERM_CLINICAL_READ',
      'POST /api/v1/patients/{id}/assessments': 'PERM_CLINICAL_WRITE',
      'GET /api/v1/assessments/{id}': 'PERM_CLINICAL_READ',
      'POST /api/v1/assessments/{id}/void': 'PERM_CLINICAL_WRITE',
    };
    const got = Object.fromEntries(parseRoutes()
      .filter((r) => /instruments|assessments/.test(r.path)).map((r) => [`${r.method} ${r.path}`, r.perm]));
    assert.deepEqual(got, want);
    const perms = parseRolePerms();
    for (const role of ['admin', 'clinician', 'nurse']) {
      assert.ok(perms[role].has('PERM_CLINICAL_READ') && perms[role].has('PERM_CLINICAL_WRITE'), role);
    }
    for (const role of ['front_desk', 'researcher']) {
      assert.ok(!perms[role].has('PERM_CLINICAL_READ') && !perms[role].has('PERM_CLINICAL_WRITE'), role);
    }
  });

  test('front desk and researcher: 403 on every assessment route, for real and unknown ids alike', async () => {
    const countBefore = (await list(patient)).length;
    for (const role of ['front_desk', 'researcher']) {
      const w = as[role];
      const calls = [
        ['GET', `/api/v1/patients/${patient.id}/assessments`],
        ['GET', `/api/v1/patients/${patient.id}/assessments?instrument=nrs`],
        ['POST', `/api/v1/patients/${patient.id}/assessments`, record('nrs', { score: 1 })],
        ['GET', `/api/v1/assessments/${a.id}`],
        ['POST', `/api/v1/assessments/${a.id}/void`, { reason: 'x' }, { 'If-Match': '"1"' }],
        ['GET', `/api/v1/patients/${NO_SUCH}/assessments`],
        ['POST', `/api/v1/patients/${NO_SUCH}/assessments`, record('nrs', { score: 1 })],
        ['GET', `/api/v1/assessments/${NO_SUCH}`],
        ['POST', `/api/v1/assessments/${NO_SUCH}/void`, { reason: 'x' }, { 'If-Match': '"1"' }],
        ['POST', `/api/v1/patients/${patient.id}/assessments`, { nonsense: true }],
      ];
      for (const [m, path, body, h] of calls) {
        const r = await w.call(m, path, body, h);
        assertProblem(r, 403, `${role} ${m} ${path}`);
        assert.ok(!/"score"|"answers"/.test(r.text), `${role} ${m} ${path}: no clinical data in the refusal`);
      }
    }
    const g = await clin.get(`/api/v1/assessments/${a.id}`);
    assert.equal(g.body.status, 'final', 'the refused void changed nothing');
    assert.equal(g.body.version, 1);
    assert.equal((await list(patient)).length, countBefore, 'the refused creates added nothing');
  });

  test('signed out: 401 on every assessment route', async () => {
    const anon = client(srv.base);
    assertProblem(await anon.get(`/api/v1/patients/${patient.id}/assessments`), 401);
    assertProblem(await anon.post(`/api/v1/patients/${patient.id}/assessments`, record('nrs', { score: 1 })), 401);
    assertProblem(await anon.get(`/api/v1/assessments/${a.id}`), 401);
    assertProblem(await anon.post(`/api/v1/assessments/${a.id}/void`, { reason: 'x' }, { 'If-Match': '"1"' }), 401);
  });

  test('a nurse may record, read, list and void', async () => {
    const r = await post(record('dn4-interview', yesTo(7, ['q1', 'q2', 'q3'])), patient, nurse);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.updated_by, nurse.staff.id);
    assert.equal((await nurse.get(`/api/v1/assessments/${r.body.id}`)).status, 200);
    const l = await nurse.get(`/api/v1/patients/${patient.id}/assessments`);
    assert.equal(l.status, 200);
    assert.ok(l.body.items.some((x) => x.id === r.body.id));
    const v = await nurse.post(`/api/v1/assessments/${r.body.id}/void`, { reason: 'duplicate' }, { 'If-Match': '"1"' });
    assert.equal(v.status, 200, v.text);
    assert.equal(v.body.status, 'voided');
    assert.equal(v.body.updated_by, nurse.staff.id);
  });

  test('admin and clinician (also with an API token) may record and read', async () => {
    for (const role of ['admin', 'clinician']) {
      for (const w of [as[role], tokenClient(srv.base, srv.db, role)]) {
        const r = await post(record('nrs', { score: 2 }), patient, w);
        assert.equal(r.status, 201, `${role}: ${r.text}`);
        assert.equal((await w.get(`/api/v1/assessments/${r.body.id}`)).status, 200, role);
        assert.equal((await w.get(`/api/v1/patients/${patient.id}/assessments`)).status, 200, role);
      }
    }
  });
});

// ---------------------------------------------------------------- audit

describe('audit', () => {
  let p;
  before(async () => { p = await newPat(); });

  // The records for one request, from the patient's audit trail (as admin).
  async function auditFor(res, patientId = p.id) {
    const rid = res.headers.get('x-request-id');
    assert.ok(rid, 'X-Request-Id');
    const out = [];
    let cursor = null;
    do {
      const q = new URLSearchParams({ limit: '500', patient_id: patientId, ...(cursor ? { cursor } : {}) });
      const r = await admin.get(`/api/v1/audit?${q}`);
      assert.equal(r.status, 200, r.text);
      out.push(...r.body.items);
      cursor = r.body.next_cursor;
    } while (cursor);
    return out.filter((a) => a.request_id === rid);
  }
  const one = (recs, msg) => {
    assert.equal(recs.length, 1, `${msg}: exactly one record: ${JSON.stringify(recs)}`);
    return recs[0];
  };

  test('create, read, list and void are recorded with actor, resource, patient and detail', async () => {
    const c = await post(record('tcns', tcns()), p);
    assert.equal(c.status, 201, c.text);
    const id = c.body.id;
    const ac = one(await auditFor(c), 'create');
    assert.equal(ac.action, 'assessment.create');
    assert.equal(ac.resource_type, 'assessment');
    assert.equal(ac.resource_id, id);
    assert.equal(ac.patient_id, p.id);
    assert.equal(ac.detail, 'tcns', 'detail is the instrument id');
    assert.equal(ac.actor_id, clin.staff.id);
    assert.equal(ac.actor_role, 'clinician');
    assert.match(ac.at, INSTANT_RE);

    const g = await nurse.get(`/api/v1/assessments/${id}`);
    assert.equal(g.status, 200);
    const ar = one(await auditFor(g), 'read');
    assert.equal(ar.action, 'assessment.read');
    assert.equal(ar.resource_type, 'assessment');
    assert.equal(ar.resource_id, id);
    assert.equal(ar.patient_id, p.id);
    assert.equal(ar.actor_id, nurse.staff.id);
    assert.equal(ar.actor_role, 'nurse');

    const l = await clin.get(`/api/v1/patients/${p.id}/assessments?instrument=tcns`);
    assert.equal(l.status, 200);
    const al = one(await auditFor(l), 'list');
    assert.equal(al.action, 'assessment.list');
    assert.equal(al.resource_type, 'patient');
    assert.equal(al.resource_id, p.id);
    assert.equal(al.patient_id, p.id);
    assert.equal(al.actor_id, clin.staff.id);

    const v = await nurse.post(`/api/v1/assessments/${id}/void`, { reason: 'Wrong form' }, { 'If-Match': '"1"' });
    assert.equal(v.status, 200, v.text);
    const av = one(await auditFor(v), 'void');
    assert.equal(av.action, 'assessment.void');
    assert.equal(av.resource_type, 'assessment');
    assert.equal(av.resource_id, id);
    assert.equal(av.patient_id, p.id);
    assert.equal(av.actor_id, nurse.staff.id);
    assert.equal(av.detail, 'Wrong form');
  });

  test('each instrument id is the detail of its create record', async () => {
    const r = await post(record('pgic', { change: 'much_improved' }), p, admin);
    assert.equal(r.status, 201);
    const a = one(await auditFor(r), 'create');
    assert.equal(a.action, 'assessment.create');
    assert.equal(a.detail, 'pgic');
    assert.equal(a.actor_role, 'admin');
  });

  test('refused requests record no assessment event', async () => {
    const bad = await post(record('nrs', { score: 11 }), p);
    assert.equal(bad.status, 422);
    assert.deepEqual(await auditFor(bad), []);
    const forbidden = await post(record('nrs', { score: 1 }), p, desk);
    assert.equal(forbidden.status, 403);
    assert.ok(!(await auditFor(forbidden)).some((x) => x.action.startsWith('assessment.')));
    const badList = await clin.get(`/api/v1/patients/${p.id}/assessments?from=2023-02-30`);
    assert.equal(badList.status, 422);
    assert.deepEqual(await auditFor(badList), []);
  });
});
