// The rest of the work-up, through HTTP: test results (the catalogue of kinds with their codes,
// unit conversion, impossible values, sides and sites, the monofilament 2-of-3 rule, vibration,
// tuning fork, IENFD by age and sex, labs), the pain diary, concomitant medicines, and the patient
// timeline that puts them on one axis. Also: archived patients, clinical.read/clinical.write
// permissions, and the audit records these routes leave. facts.md §3 for the clinical rules.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, client, newPatient } from '../lib/server.mjs';
import {
  parseRoutes, assertProblem, assertInvalid, tokenClient, todayUTC, addDays, ymd, UUID_RE, INSTANT_RE, stopServer,
} from './helpers.mjs';

const NO_SUCH = '01a21209-9800-7e0c-baad-0e9d82dabcb6';
const LOCAL = 'urn:schwann:observation';
const ON = '2025-06-01'; // a fixed past date for results whose date does not matter
const today = todayUTC();
const TODAY = ymd(today);
const TOMORROW = ymd(addDays(today, 1));

let srv;
let admin; let clin; let nurse; let desk; let researcher;
let patient; // born 1960-04-12, female (newPatient's defaults)

before(async () => {
  srv = await startServer();
  admin = await login(srv.base, 'admin');
  clin = await login(srv.base, 'clinician');
  nurse = await login(srv.base, 'nurse');
  desk = await login(srv.base, 'front_desk');
  researcher = tokenClient(srv.base, srv.db, 'researcher');
  patient = await newPat();
});
after(async () => { await stopServer(srv); });

async function newPat(over = {}) {
  const r = await clin.post('/api/v1/patients', newPatient(over));
  assert.equal(r.status, 201, r.text);
  return r.body;
}

// ---------------------------------------------------------------- small helpers

const near = (got, want, msg = '') => {
  assert.equal(typeof got, 'number', `${msg} is a number: ${got}`);
  assert.ok(Math.abs(got - want) < 1e-9, `${msg} expected ${want}, got ${got}`);
};

const postObs = (body, p = patient, who = clin) => who.post(`/api/v1/patients/${p.id}/observations`, body);
async function obs(body, p = patient, who = clin) {
  const r = await postObs({ performed_on: ON, ...body }, p, who);
  assert.equal(r.status, 201, `${body.kind}: ${r.text}`);
  return r.body;
}
const listObs = async (p = patient) => {
  const r = await clin.get(`/api/v1/patients/${p.id}/observations`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.next_cursor, null);
  return r.body.items;
};

const postDiary = (body, p = patient, who = clin) => who.post(`/api/v1/patients/${p.id}/diary`, body);
async function diary(body, p = patient, who = clin) {
  const r = await postDiary(body, p, who);
  assert.equal(r.status, 201, r.text);
  return r.body;
}
const listDiary = async (p = patient) => {
  const r = await clin.get(`/api/v1/patients/${p.id}/diary`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.next_cursor, null);
  return r.body.items;
};

const postMed = (body, p = patient, who = clin) => who.post(`/api/v1/patients/${p.id}/medications`, body);
async function med(body, p = patient, who = clin) {
  const r = await postMed(body, p, who);
  assert.equal(r.status, 201, r.text);
  return r.body;
}
const listMeds = async (p = patient) => {
  const r = await clin.get(`/api/v1/patients/${p.id}/medications`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.next_cursor, null);
  return r.body.items;
};

const timeline = async (p, who = clin) => {
  const r = await who.get(`/api/v1/patients/${p.id}/timeline`);
  assert.equal(r.status, 200, r.text);
  return r.body;
};

const dn4 = (yes) => Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`q${i + 1}`, i < yes ? 'yes' : 'no']));
async function assess(p, instrument, performed_at, answers) {
  const r = await clin.post(`/api/v1/patients/${p.id}/assessments`, { instrument, performed_at, answers });
  assert.equal(r.status, 201, `${instrument}: ${r.text}`);
  return r.body;
}

// ---------------------------------------------------------------- the catalogue

const LOINC = {
  hba1c: '4548-4', vitamin_b12: '2132-9', tsh: '3016-3', folate: '2284-8', fasting_glucose: '1558-6',
  platelet_count: '777-3', haemoglobin: '718-7',
};

// One valid result per kind, with what the server must answer. Every kind in the catalogue must be
// here (checked), so a new kind cannot go untested.
const SAMPLES = {
  sural_snap_amplitude: { body: { value: 12.5, unit: 'uV', side: 'left' }, value: 12.5, unit: 'uV', abnormal: false },
  sural_conduction_velocity: { body: { value: 38, unit: 'm/s', side: 'right' }, value: 38, unit: 'm/s', abnormal: true },
  peroneal_cmap_amplitude: { body: { value: 4.2, unit: 'mV', side: 'left' }, value: 4.2, unit: 'mV', abnormal: false },
  peroneal_conduction_velocity: { body: { value: 44, unit: 'm/s', side: 'left' }, value: 44, unit: 'm/s', abnormal: false },
  peroneal_distal_latency: { body: { value: 7.1, unit: 'ms', side: 'right' }, value: 7.1, unit: 'ms', abnormal: true },
  tibial_cmap_amplitude: { body: { value: 7.1, unit: 'mV', side: 'left' }, value: 7.1, unit: 'mV', abnormal: null },
  tibial_conduction_velocity: { body: { value: 50.7, unit: 'm/s', side: 'left' }, value: 50.7, unit: 'm/s', abnormal: null },
  tibial_distal_latency: { body: { value: 4.3, unit: 'ms', side: 'right' }, value: 4.3, unit: 'ms', abnormal: null },
  monofilament: {
    body: { side: 'left', site: 'hallux', responses: [true, true, false] },
    value: 2, unit: 'correct of 3', value_text: 'present', site: 'hallux', abnormal: false,
  },
  vibration_threshold: { body: { value: 18, unit: 'V', side: 'left' }, value: 18, unit: 'V', abnormal: false },
  tuning_fork: { body: { value: 'decreased', side: 'right' }, value: null, unit: null, value_text: 'decreased', abnormal: true },
  // the default patient is a woman of 65 on ON: lower limit 3.1 fibres/mm
  ienfd: { body: { value: 8.2, unit: 'fibers/mm' }, value: 8.2, unit: 'fibers/mm', abnormal: false },
  hba1c: { body: { value: 7.2, unit: '%' }, value: 7.2, unit: '%', abnormal: true },
  vitamin_b12: { body: { value: 350, unit: 'pg/mL' }, value: 350, unit: 'pg/mL', abnormal: false },
  tsh: { body: { value: 5.2, unit: 'mIU/L' }, value: 5.2, unit: 'mIU/L', abnormal: true },
  folate: { body: { value: 8, unit: 'ng/mL' }, value: 8, unit: 'ng/mL', abnormal: false },
  fasting_glucose: { body: { value: 99, unit: 'mg/dL' }, value: 99, unit: 'mg/dL', abnormal: false },
  platelet_count: { body: { value: 85, unit: '10^3/uL' }, value: 85, unit: '10^3/uL', abnormal: true },
  haemoglobin: { body: { value: 13.5, unit: 'g/dL' }, value: 13.5, unit: 'g/dL', abnormal: false },
};
const SIDED = new Set(['sural_snap_amplitude', 'sural_conduction_velocity', 'peroneal_cmap_amplitude',
  'peroneal_conduction_velocity', 'peroneal_distal_latency', 'tibial_cmap_amplitude', 'tibial_conduction_velocity',
  'tibial_distal_latency', 'monofilament', 'vibration_threshold', 'tuning_fork']);

let kinds; // kind -> catalogue entry
async function catalogue() {
  if (kinds) return kinds;
  const r = await clin.get('/api/v1/observation-kinds');
  assert.equal(r.status, 200, r.text);
  kinds = Object.fromEntries(r.body.items.map((k) => [k.kind, k]));
  return kinds;
}

describe('the test catalogue', () => {
  test('every kind has a label, a code system and code, a type, units and a side flag', async () => {
    const r = await clin.get('/api/v1/observation-kinds');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.next_cursor, null);
    const items = r.body.items;
    assert.deepEqual(items.map((k) => k.kind).sort(), Object.keys(SAMPLES).sort(), 'the kinds this file tests');
    for (const k of items) {
      assert.equal(typeof k.label, 'string', k.kind);
      assert.ok(k.label.length > 0, k.kind);
      assert.equal(typeof k.code_system, 'string', k.kind);
      assert.equal(typeof k.code, 'string', k.kind);
      assert.ok(k.code.length > 0, `${k.kind} has a code`);
      assert.ok(['number', 'grade', 'monofilament'].includes(k.type), `${k.kind} type ${k.type}`);
      assert.ok(Array.isArray(k.units), k.kind);
      assert.equal(k.sided, SIDED.has(k.kind), `${k.kind} sided`);
      if (k.type === 'number') {
        assert.equal(k.units[0], SAMPLES[k.kind].unit, `${k.kind}: the canonical unit comes first`);
        assert.equal(typeof k.min, 'number', k.kind);
        assert.equal(typeof k.max, 'number', k.kind);
        assert.ok(k.min < k.max, k.kind);
      } else {
        assert.deepEqual(k.units, [], `${k.kind} has no unit`);
      }
    }
    const codes = items.map((k) => `${k.code_system}|${k.code}`);
    assert.equal(new Set(codes).size, codes.length, 'codes are unique');
  });

  test('laboratory tests carry their LOINC codes; the others the local system', async () => {
    const k = await catalogue();
    for (const [kind, code] of Object.entries(LOINC)) {
      assert.equal(k[kind].code_system, 'http://loinc.org', kind);
      assert.equal(k[kind].code, code, kind);
    }
    for (const kind of Object.keys(SAMPLES).filter((x) => !LOINC[x])) {
      assert.equal(k[kind].code_system, LOCAL, kind);
    }
  });

  test('units, ranges, sites and grades', async () => {
    const k = await catalogue();
    assert.deepEqual(k.hba1c.units, ['%', 'mmol/mol']);
    assert.deepEqual(k.vitamin_b12.units.slice(0, 2), ['pg/mL', 'pmol/L']);
    assert.ok(k.fasting_glucose.units.includes('mmol/L'));
    assert.ok(k.peroneal_cmap_amplitude.units.includes('uV'));
    assert.equal(k.hba1c.min, 2);
    assert.equal(k.hba1c.max, 25);
    assert.equal(k.peroneal_conduction_velocity.max, 100);
    assert.equal(k.vibration_threshold.min, 0);
    assert.equal(k.monofilament.type, 'monofilament');
    assert.deepEqual(k.monofilament.sites, ['hallux', 'metatarsal_3', 'metatarsal_5']);
    assert.equal(k.tuning_fork.type, 'grade');
    assert.deepEqual(k.tuning_fork.grades, ['present', 'decreased', 'absent']);
    assert.match(k.vibration_threshold.rule, /25 V/);
    assert.ok(!k.tibial_conduction_velocity.rule, 'no rule for the tibial nerve');
  });

  test('readable by every signed-in role (no patient data), not anonymously', async () => {
    for (const who of [admin, clin, nurse, desk, researcher]) {
      assert.equal((await who.get('/api/v1/observation-kinds')).status, 200);
      assert.equal((await who.get('/api/v1/medication-list')).status, 200);
    }
    assertProblem(await client(srv.base).get('/api/v1/observation-kinds'), 401);
    assertProblem(await client(srv.base).get('/api/v1/medication-list'), 401);
  });
});

// ---------------------------------------------------------------- recording results

describe('test results: create', () => {
  test('each kind: 201 with Location, ETag, its code and the value read; GET gives the same', async () => {
    const k = await catalogue();
    for (const [kind, s] of Object.entries(SAMPLES)) {
      const r = await postObs({ kind, performed_on: ON, ...s.body });
      assert.equal(r.status, 201, `${kind}: ${r.text}`);
      const o = r.body;
      assert.match(o.id, UUID_RE, kind);
      assert.equal(r.headers.get('location'), `/api/v1/observations/${o.id}`, kind);
      assert.equal(r.headers.get('etag'), '"1"', kind);
      assert.equal(o.patient_id, patient.id);
      assert.equal(o.kind, kind);
      assert.equal(o.label, k[kind].label, kind);
      assert.equal(o.code_system, k[kind].code_system, kind);
      assert.equal(o.code, k[kind].code, kind);
      if (s.value === null) assert.equal(o.value, null, kind);
      else near(o.value, s.value, `${kind} value`);
      assert.equal(o.unit, s.unit, `${kind} unit`);
      assert.equal(o.value_text, s.value_text ?? null, `${kind} value_text`);
      assert.equal(o.side, s.body.side ?? null, `${kind} side`);
      assert.equal(o.site, s.site ?? null, `${kind} site`);
      assert.equal(o.performed_on, ON);
      assert.equal(o.abnormal, s.abnormal, `${kind} abnormal`);
      assert.equal(typeof o.interpretation, 'string', kind);
      if (s.abnormal === null) assert.match(o.interpretation, /no reference rule/, kind);
      else assert.ok(o.interpretation.startsWith(s.abnormal ? 'abnormal' : 'normal'), `${kind}: ${o.interpretation}`);
      assert.equal(o.status, 'final');
      assert.equal(o.void_reason, null);
      assert.equal(o.version, 1);
      assert.match(o.created_at, INSTANT_RE);
      assert.equal(o.updated_at, o.created_at);
      assert.equal(o.updated_by, clin.staff.id);
      const g = await clin.get(r.headers.get('location'));
      assert.equal(g.status, 200, g.text);
      assert.equal(g.headers.get('etag'), '"1"');
      assert.deepEqual(g.body, o, `${kind}: stored as answered`);
    }
  });

  test('units are converted to the canonical unit; the converted value is returned and stored', async () => {
    const cases = [
      ['hba1c', 53, 'mmol/mol', 7.0, '%', true], // 0.09148 * 53 + 2.152 = 7.00044
      ['hba1c', 42, 'mmol/mol', 5.994, '%', false],
      ['vitamin_b12', 150, 'pmol/L', 203.25, 'pg/mL', false], // 1 pmol/L = 1.355 pg/mL
      ['vitamin_b12', 100, 'pmol/L', 135.5, 'pg/mL', true],
      ['vitamin_b12', 250, 'ng/L', 250, 'pg/mL', false],
      ['fasting_glucose', 7.0, 'mmol/L', 126.112, 'mg/dL', true], // 1 mmol/L = 18.016 mg/dL
      ['fasting_glucose', 5.5, 'mmol/L', 99.088, 'mg/dL', false],
      ['folate', 20, 'nmol/L', 8.826, 'ng/mL', false], // 1 ng/mL = 2.266 nmol/L
      ['tsh', 2.5, 'µIU/mL', 2.5, 'mIU/L', false],
      ['peroneal_cmap_amplitude', 4200, 'uV', 4.2, 'mV', false],
      ['peroneal_cmap_amplitude', 1500, 'µV', 1.5, 'mV', true],
      ['tibial_cmap_amplitude', 7100, 'uV', 7.1, 'mV', null],
      ['sural_snap_amplitude', 10, 'µV', 10, 'uV', false],
      ['ienfd', 8, 'fibres/mm', 8, 'fibers/mm', false],
    ];
    for (const [kind, value, unit, want, canonical, abnormal] of cases) {
      const side = SIDED.has(kind) ? { side: 'left' } : {};
      const o = await obs({ kind, value, unit, ...side });
      const msg = `${kind} ${value} ${unit}`;
      near(o.value, want, msg);
      assert.equal(o.unit, canonical, msg);
      assert.equal(o.abnormal, abnormal, msg);
      const g = await clin.get(`/api/v1/observations/${o.id}`);
      near(g.body.value, want, `${msg} (stored)`);
      assert.equal(g.body.unit, canonical);
    }
  });

  test('impossible values: 422 naming "value", nothing recorded', async () => {
    const p = await newPat();
    const cases = [
      { kind: 'vibration_threshold', value: -1, unit: 'V', side: 'left' },
      { kind: 'vibration_threshold', value: 100.5, unit: 'V', side: 'left' },
      { kind: 'peroneal_conduction_velocity', value: 250, unit: 'm/s', side: 'left' },
      { kind: 'sural_conduction_velocity', value: 250, unit: 'm/s', side: 'right' },
      { kind: 'hba1c', value: 40, unit: '%' },
      { kind: 'hba1c', value: 1.5, unit: '%' },
      { kind: 'hba1c', value: 300, unit: 'mmol/mol' }, // 29.6 % after conversion
      { kind: 'vitamin_b12', value: -5, unit: 'pg/mL' },
      { kind: 'fasting_glucose', value: 5, unit: 'mg/dL' },
      { kind: 'fasting_glucose', value: 150, unit: 'mmol/L' }, // 2702 mg/dL
      { kind: 'peroneal_cmap_amplitude', value: 60000, unit: 'uV', side: 'left' }, // 60 mV
      { kind: 'ienfd', value: -0.1, unit: 'fibers/mm' },
      { kind: 'tsh', value: '2.5', unit: 'mIU/L' },
      { kind: 'tsh', unit: 'mIU/L' },
      { kind: 'tsh', value: null, unit: 'mIU/L' },
    ];
    for (const body of cases) {
      assertInvalid(await postObs({ performed_on: ON, ...body }, p), ['value'], { msg: JSON.stringify(body) });
    }
    assert.deepEqual(await listObs(p), []);
  });

  test('a unit that is not the kind\'s (or missing): 422 naming "unit"', async () => {
    const cases = [
      { kind: 'hba1c', value: 7, unit: 'mg/dL' },
      { kind: 'vibration_threshold', value: 20, unit: 'mV', side: 'left' },
      { kind: 'tsh', value: 2, unit: 'pg/mL' },
      { kind: 'ienfd', value: 8, unit: 'fibers/mm2' },
      { kind: 'peroneal_conduction_velocity', value: 45, unit: 'km/h', side: 'left' },
      { kind: 'peroneal_distal_latency', value: 4, unit: 's', side: 'left' },
      { kind: 'vitamin_b12', value: 300 },
      { kind: 'vitamin_b12', value: 300, unit: 5 },
    ];
    for (const body of cases) {
      assertInvalid(await postObs({ performed_on: ON, ...body }), ['unit'], { msg: JSON.stringify(body) });
    }
  });

  test('side: required for sided tests, refused for labs and biopsy, only left or right', async () => {
    const k = await catalogue();
    for (const [kind, s] of Object.entries(SAMPLES)) {
      const { side, ...rest } = s.body;
      if (k[kind].sided) {
        assertInvalid(await postObs({ kind, performed_on: ON, ...rest }), ['side'], { msg: `${kind} without side` });
        assertInvalid(await postObs({ kind, performed_on: ON, ...rest, side: 'both' }), ['side'], { msg: `${kind} side both` });
      } else {
        assertInvalid(await postObs({ kind, performed_on: ON, ...rest, side: 'left' }), ['side'], { msg: `${kind} with a side` });
      }
    }
    assert.equal((await obs({ kind: 'vibration_threshold', value: 12, unit: 'V', side: 'right' })).side, 'right');
  });

  test('site: only for the monofilament', async () => {
    assertInvalid(await postObs({ kind: 'vibration_threshold', performed_on: ON, value: 12, unit: 'V', side: 'left', site: 'hallux' }), ['site']);
    assertInvalid(await postObs({ kind: 'hba1c', performed_on: ON, value: 6, unit: '%', site: 'hallux' }), ['site']);
  });

  test('performed_on: not in the future, not before birth, a real date, required', async () => {
    const p = await newPat({ birth_date: '1980-06-15' });
    const vpt = { kind: 'vibration_threshold', value: 12, unit: 'V', side: 'left' };
    assertInvalid(await postObs({ ...vpt, performed_on: TOMORROW }, p), ['performed_on']);
    assertInvalid(await postObs({ ...vpt, performed_on: '1980-06-14' }, p), ['performed_on']);
    assertInvalid(await postObs({ ...vpt, performed_on: '2025-02-29' }, p), ['performed_on']);
    assertInvalid(await postObs({ ...vpt, performed_on: '2025/06/01' }, p), ['performed_on']);
    assertInvalid(await postObs({ ...vpt, performed_on: '2025-06-01T10:00:00Z' }, p), ['performed_on']);
    assertInvalid(await postObs({ ...vpt }, p), ['performed_on']);
    assert.equal((await listObs(p)).length, 0);
    assert.equal((await postObs({ ...vpt, performed_on: TODAY }, p)).status, 201, 'today');
    assert.equal((await postObs({ ...vpt, performed_on: '1980-06-15' }, p)).status, 201, 'the birth date itself');
  });

  test('unknown or missing kind: 422 naming "kind"', async () => {
    for (const kind of ['hba1c_ifcc', 'HbA1c', 'vpt', '', 42]) {
      assertInvalid(await postObs({ kind, performed_on: ON, value: 7, unit: '%' }), ['kind'], { msg: String(kind) });
    }
    assertInvalid(await postObs({ performed_on: ON, value: 7, unit: '%' }), ['kind']);
  });

  test('fields the server derives, or does not know, are refused', async () => {
    const base = { kind: 'hba1c', performed_on: ON, value: 6, unit: '%' };
    assertInvalid(await postObs({ ...base, abnormal: false }), ['abnormal']);
    assertInvalid(await postObs({ ...base, interpretation: 'fine' }), ['interpretation']);
    assertInvalid(await postObs({ ...base, code: '4548-4' }), ['code']);
    assertInvalid(await postObs({ ...base, status: 'voided' }), ['status']);
    assertInvalid(await postObs({ ...base, responses: [true, true, true] }), ['responses']);
  });

  test('every error at once', async () => {
    const r = await postObs({ kind: 'vibration_threshold', performed_on: TOMORROW, value: -1, unit: 'V', side: 'middle', extra: 1 });
    assertInvalid(r, ['extra', 'performed_on', 'side', 'value']);
  });

  test('unknown or malformed patient: 404', async () => {
    const body = { kind: 'hba1c', performed_on: ON, value: 6, unit: '%' };
    assertProblem(await clin.post(`/api/v1/patients/${NO_SUCH}/observations`, body), 404);
    assertProblem(await clin.post('/api/v1/patients/nope/observations', body), 404);
    assertProblem(await clin.get(`/api/v1/patients/${NO_SUCH}/observations`), 404);
  });
});

describe('test results: the clinical rules', () => {
  test('monofilament: the result per site comes from the 3 answers (at least 2 correct = present)', async () => {
    const cases = [
      [[true, true, false], 2, 'present', false],
      [[false, true, true], 2, 'present', false],
      [[true, false, true], 2, 'present', false],
      [[true, true, true], 3, 'present', false],
      [[true, false, false], 1, 'absent', true],
      [[false, false, true], 1, 'absent', true],
      [[false, false, false], 0, 'absent', true],
    ];
    for (const [responses, correct, result, abnormal] of cases) {
      const o = await obs({ kind: 'monofilament', side: 'right', site: 'metatarsal_3', responses });
      const msg = JSON.stringify(responses);
      assert.equal(o.value, correct, msg);
      assert.equal(o.unit, 'correct of 3', msg);
      assert.equal(o.value_text, result, msg);
      assert.equal(o.abnormal, abnormal, msg);
      assert.ok(o.interpretation.startsWith(abnormal ? 'abnormal' : 'normal'), `${msg}: ${o.interpretation}`);
      assert.deepEqual(o.details, { responses }, msg);
      assert.equal(o.site, 'metatarsal_3');
      assert.deepEqual((await clin.get(`/api/v1/observations/${o.id}`)).body.details, { responses }, `${msg} stored`);
    }
  });

  test('monofilament: each of the 3 sites per foot is accepted', async () => {
    for (const site of ['hallux', 'metatarsal_3', 'metatarsal_5']) {
      assert.equal((await obs({ kind: 'monofilament', side: 'left', site, responses: [true, true, true] })).site, site);
    }
  });

  test('monofilament: bad or missing site, wrong number of answers, value or unit sent: 422', async () => {
    const p = await newPat();
    const m = { kind: 'monofilament', performed_on: ON, side: 'left' };
    const ok = [true, true, false];
    assertInvalid(await postObs({ ...m, site: 'heel', responses: ok }, p), ['site']);
    assertInvalid(await postObs({ ...m, site: 'Hallux', responses: ok }, p), ['site']);
    assertInvalid(await postObs({ ...m, responses: ok }, p), ['site']);
    for (const responses of [[true, true], [true, true, false, true], [], 'yes', { a: true }]) {
      assertInvalid(await postObs({ ...m, site: 'hallux', responses }, p), ['responses'], { msg: JSON.stringify(responses) });
    }
    assertInvalid(await postObs({ ...m, site: 'hallux' }, p), ['responses']);
    assertInvalid(await postObs({ ...m, site: 'hallux', responses: [true, 'yes', false] }, p), ['responses[1]']);
    assertInvalid(await postObs({ ...m, site: 'hallux', responses: [1, 1, 0] }, p), ['responses[0]', 'responses[1]', 'responses[2]']);
    assertInvalid(await postObs({ ...m, site: 'hallux', responses: ok, value: 2 }, p), ['value']);
    assertInvalid(await postObs({ ...m, site: 'hallux', responses: ok, unit: 'correct of 3' }, p), ['value']);
    assertInvalid(await postObs({ ...m, site: 'hallux', responses: ok, value: 'present' }, p), ['value']);
    assert.deepEqual(await listObs(p), []);
  });

  test('vibration perception threshold: above 25 V is abnormal, 25 V is not', async () => {
    for (const [value, abnormal] of [[0, false], [14.9, false], [25, false], [25.1, true], [26, true], [100, true]]) {
      const o = await obs({ kind: 'vibration_threshold', value, unit: 'V', side: 'left' });
      near(o.value, value, `${value} V`);
      assert.equal(o.abnormal, abnormal, `${value} V`);
    }
  });

  test('128 Hz tuning fork: present is normal; decreased and absent are abnormal; nothing else', async () => {
    for (const [value, abnormal] of [['present', false], ['decreased', true], ['absent', true]]) {
      const o = await obs({ kind: 'tuning_fork', value, side: 'left' });
      assert.equal(o.value_text, value);
      assert.equal(o.value, null);
      assert.equal(o.unit, null);
      assert.equal(o.abnormal, abnormal, value);
    }
    const t = { kind: 'tuning_fork', performed_on: ON, side: 'left' };
    for (const value of ['reduced', 'Present', 1, true]) {
      assertInvalid(await postObs({ ...t, value }), ['value'], { msg: String(value) });
    }
    assertInvalid(await postObs({ ...t }), ['value']);
    assertInvalid(await postObs({ ...t, value: 'present', unit: 'V' }), ['unit']);
  });

  test('nerve conduction rules of thumb: sural < 4 µV or < 40 m/s; peroneal < 2 mV, < 40 m/s, > 6.5 ms', async () => {
    const cases = [
      ['sural_snap_amplitude', 3.9, 'uV', true], ['sural_snap_amplitude', 4, 'uV', false],
      ['sural_conduction_velocity', 39.9, 'm/s', true], ['sural_conduction_velocity', 40, 'm/s', false],
      ['peroneal_cmap_amplitude', 1.9, 'mV', true], ['peroneal_cmap_amplitude', 2, 'mV', false],
      ['peroneal_conduction_velocity', 39, 'm/s', true], ['peroneal_conduction_velocity', 40, 'm/s', false],
      ['peroneal_distal_latency', 6.5, 'ms', false], ['peroneal_distal_latency', 6.6, 'ms', true],
    ];
    for (const [kind, value, unit, abnormal] of cases) {
      assert.equal((await obs({ kind, value, unit, side: 'left' })).abnormal, abnormal, `${kind} ${value}`);
    }
  });

  test('tibial nerve conduction: no rule, so abnormal is null whatever the value', async () => {
    for (const [kind, value, unit] of [['tibial_cmap_amplitude', 0.1, 'mV'], ['tibial_cmap_amplitude', 49, 'mV'],
      ['tibial_conduction_velocity', 10, 'm/s'], ['tibial_distal_latency', 29, 'ms']]) {
      const o = await obs({ kind, value, unit, side: 'right' });
      assert.equal(o.abnormal, null, `${kind} ${value}`);
      assert.match(o.interpretation, /no reference rule/);
      const g = await clin.get(`/api/v1/observations/${o.id}`);
      assert.equal(g.body.abnormal, null, 'stored as null, not false');
    }
  });

  test('laboratory limits: B12 < 200 pg/mL, folate < 3 ng/mL, TSH outside 0.4-4.0', async () => {
    const cases = [
      ['vitamin_b12', 199, 'pg/mL', true], ['vitamin_b12', 200, 'pg/mL', false],
      ['folate', 2.9, 'ng/mL', true], ['folate', 3, 'ng/mL', false],
      ['tsh', 0.39, 'mIU/L', true], ['tsh', 0.4, 'mIU/L', false], ['tsh', 4.0, 'mIU/L', false], ['tsh', 4.1, 'mIU/L', true],
    ];
    for (const [kind, value, unit, abnormal] of cases) {
      assert.equal((await obs({ kind, value, unit })).abnormal, abnormal, `${kind} ${value}`);
    }
  });

  test('HbA1c and fasting glucose: abnormal from the diabetic threshold (6.5 % = 48 mmol/mol; 126 mg/dL = 7.0 mmol/L)', async () => {
    const cases = [
      ['hba1c', 6.4, '%', false], ['hba1c', 6.5, '%', true],
      ['hba1c', 6.45, '%', false], // "6.5 % or more" (the catalogue's own rule)
      ['hba1c', 47, 'mmol/mol', false], // 6.452 %: below 48 mmol/mol, not in the diabetic range
      ['hba1c', 48, 'mmol/mol', true], // 6.543 %
      ['fasting_glucose', 125, 'mg/dL', false], ['fasting_glucose', 126, 'mg/dL', true],
      ['fasting_glucose', 125.5, 'mg/dL', false], // "126 mg/dL or more"
      ['fasting_glucose', 6.95, 'mmol/L', false], // 125.21 mg/dL: below 7.0 mmol/L
      ['fasting_glucose', 7.0, 'mmol/L', true],
    ];
    const wrong = [];
    for (const [kind, value, unit, abnormal] of cases) {
      const o = await obs({ kind, value, unit });
      if (o.abnormal !== abnormal) wrong.push(`${kind} ${value} ${unit} (read as ${o.value} ${o.unit}): abnormal ${o.abnormal}, expected ${abnormal}`);
    }
    assert.deepEqual(wrong, []);
  });

  test('Platelet count and haemoglobin: abnormal below the PRP limits (100 x10^3/uL, 10 g/dL), in any accepted unit', async () => {
    const cases = [
      ['platelet_count', 100, '10^3/uL', 100, false], ['platelet_count', 99, '10^3/uL', 99, true],
      ['platelet_count', 150, '10^9/L', 150, false], // 10^9/L and 10^3/uL are the same number
      ['platelet_count', 99500, '/uL', 99.5, true], ['platelet_count', 250000, '/µL', 250, false],
      ['haemoglobin', 10, 'g/dL', 10, false], ['haemoglobin', 9.9, 'g/dL', 9.9, true],
      ['haemoglobin', 95, 'g/L', 9.5, true], ['haemoglobin', 8, 'mmol/L', 12.888, false],
    ];
    const wrong = [];
    for (const [kind, value, unit, canonical, abnormal] of cases) {
      const o = await obs({ kind, value, unit });
      if (o.abnormal !== abnormal || Math.abs(o.value - canonical) > 1e-9) {
        wrong.push(`${kind} ${value} ${unit}: read as ${o.value} ${o.unit}, abnormal ${o.abnormal}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test("IENFD: abnormal below the lower limit for the patient's age (on the day of the biopsy) and sex", async () => {
    // [birth, sex, performed_on, value, lower limit or null, abnormal]
    const cases = [
      ['1990-01-01', 'male', '2020-01-01', 5.4, 5.5, true], // 30
      ['1990-01-01', 'male', '2020-01-01', 5.5, 5.5, false],
      ['1990-01-01', 'female', '2020-01-01', 5.8, 6.1, true],
      ['1990-01-01', 'female', '2020-01-01', 6.1, 6.1, false],
      ['1970-03-01', 'male', '2020-03-01', 5.15, 5.1, false], // 50
      ['1970-03-01', 'female', '2020-03-01', 5.15, 5.2, true],
      ['1950-01-01', 'male', '2020-01-01', 2.5, 1.9, false], // 70
      ['1950-01-01', 'female', '2020-01-01', 2.5, 3.1, true],
      ['1980-06-15', 'male', '2020-06-14', 5.3, 5.5, true], // 39 the day before the 40th birthday
      ['1980-06-15', 'male', '2020-06-15', 5.3, 5.1, false], // 40 on the day
      ['1960-05-10', 'female', '2020-05-09', 4, 5.2, true], // 59
      ['1960-05-10', 'female', '2020-05-10', 4, 3.1, false], // 60
      ['2000-02-01', 'female', '2020-02-01', 6.0, 6.1, true], // 20 on the day
      ['2000-02-01', 'female', '2020-01-31', 1.0, null, null], // 19: no norm
      ['1990-01-01', 'intersex', '2020-01-01', 1.0, null, null], // no sex-specific norm
      ['1990-01-01', 'unknown', '2020-01-01', 1.0, null, null],
    ];
    for (const [birth_date, sex_at_birth, on, value, limit, abnormal] of cases) {
      const p = await newPat({ birth_date, sex_at_birth });
      const o = await obs({ kind: 'ienfd', performed_on: on, value, unit: 'fibers/mm' }, p);
      const msg = `${sex_at_birth} born ${birth_date}, biopsy ${on}, ${value}/mm`;
      assert.equal(o.abnormal, abnormal, `${msg}: ${o.interpretation}`);
      if (limit === null) {
        assert.match(o.interpretation, /no reference rule/, msg);
      } else {
        assert.ok(o.interpretation.startsWith(abnormal ? 'abnormal' : 'normal'), `${msg}: ${o.interpretation}`);
        assert.ok(o.interpretation.includes(`lower limit ${limit.toFixed(1)} `), `${msg}: ${o.interpretation}`);
      }
    }
  });
});

describe('test results: list, read, void', () => {
  let p;
  let a; let b; let c3;
  before(async () => {
    p = await newPat();
    a = await obs({ kind: 'vitamin_b12', performed_on: '2025-03-01', value: 350, unit: 'pg/mL' }, p);
    b = await obs({ kind: 'vibration_threshold', performed_on: '2025-01-15', value: 30, unit: 'V', side: 'left' }, p);
    c3 = await obs({ kind: 'hba1c', performed_on: '2025-02-10', value: 6.1, unit: '%' }, p);
  });

  test("list: the patient's results by date performed, each as GET gives it", async () => {
    const items = await listObs(p);
    assert.deepEqual(items.map((x) => x.id), [b.id, c3.id, a.id]);
    assert.deepEqual(items[0], b);
    for (const o of items) assert.equal(o.patient_id, p.id);
    const other = await newPat();
    assert.deepEqual(await listObs(other), []);
  });

  test('GET: unknown or malformed ids 404', async () => {
    assertProblem(await clin.get(`/api/v1/observations/${NO_SUCH}`), 404);
    assertProblem(await clin.get('/api/v1/observations/123'), 404);
    assertProblem(await clin.get(`/api/v1/observations/${p.id}`), 404, 'a patient id is not a result id');
  });

  test('void: reason required, 428 without If-Match, 412 stale, 400 malformed, 404 unknown', async () => {
    const url = `/api/v1/observations/${c3.id}/void`;
    assertInvalid(await clin.post(url, {}, { 'If-Match': '"1"' }), ['reason']);
    assertInvalid(await clin.post(url, { reason: '   ' }, { 'If-Match': '"1"' }), ['reason']);
    assertInvalid(await clin.post(url, { reason: 'x', status: 'voided' }, { 'If-Match': '"1"' }), ['status']);
    assertProblem(await clin.post(url, { reason: 'Wrong patient' }), 428);
    assertProblem(await clin.post(url, { reason: 'Wrong patient' }, { 'If-Match': '"2"' }), 412);
    assertProblem(await clin.post(url, { reason: 'Wrong patient' }, { 'If-Match': 'two' }), 400);
    assertProblem(await clin.post(`/api/v1/observations/${NO_SUCH}/void`, { reason: 'x' }, { 'If-Match': '"1"' }), 404);
    const g = await clin.get(`/api/v1/observations/${c3.id}`);
    assert.deepEqual(g.body, c3, 'unchanged');
  });

  test('void with If-Match: 200, voided with its reason, version 2; twice: 409; stays in the list', async () => {
    const url = `/api/v1/observations/${c3.id}/void`;
    const r = await clin.post(url, { reason: 'Result belongs to another patient' }, { 'If-Match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('etag'), '"2"');
    assert.equal(r.body.status, 'voided');
    assert.equal(r.body.void_reason, 'Result belongs to another patient');
    assert.equal(r.body.version, 2);
    assert.equal(r.body.updated_by, clin.staff.id);
    near(r.body.value, 6.1, 'value kept');
    assert.equal(r.body.created_at, c3.created_at);
    const g = await clin.get(`/api/v1/observations/${c3.id}`);
    assert.equal(g.headers.get('etag'), '"2"');
    assert.deepEqual(g.body, r.body);
    assertProblem(await clin.post(url, { reason: 'again' }, { 'If-Match': '"2"' }), 409);
    assert.equal((await clin.get(`/api/v1/observations/${c3.id}`)).body.void_reason, 'Result belongs to another patient');
    const items = await listObs(p);
    assert.deepEqual(items.map((x) => x.id), [b.id, c3.id, a.id], 'voided results stay in the list');
    assert.equal(items[1].status, 'voided');
    assert.equal(items[0].status, 'final');
  });

  test('no hard delete: DELETE is 405', async () => {
    assertProblem(await clin.del(`/api/v1/observations/${a.id}`), 405);
    assert.equal((await clin.get(`/api/v1/observations/${a.id}`)).status, 200);
  });
});

// ---------------------------------------------------------------- pain diary

describe('pain diary', () => {
  test('create: 201 with Location, ETag and every field', async () => {
    const p = await newPat();
    const date = ymd(addDays(today, -3));
    const r = await postDiary({ entry_date: date, nrs: 6, note: 'Worse after walking' }, p);
    assert.equal(r.status, 201, r.text);
    const d = r.body;
    assert.match(d.id, UUID_RE);
    assert.equal(r.headers.get('location'), `/api/v1/diary-entries/${d.id}`);
    assert.equal(r.headers.get('etag'), '"1"');
    assert.equal(d.patient_id, p.id);
    assert.equal(d.entry_date, date);
    assert.equal(d.nrs, 6);
    assert.equal(d.source, 'staff');
    assert.equal(d.note, 'Worse after walking');
    assert.equal(d.status, 'final');
    assert.equal(d.void_reason, null);
    assert.equal(d.version, 1);
    assert.match(d.created_at, INSTANT_RE);
    assert.equal(d.updated_by, clin.staff.id);
    assert.deepEqual(await listDiary(p), [d]);
  });

  test('NRS: whole numbers 0 to 10; 11, -1, 6.5 and non-numbers refused', async () => {
    const p = await newPat();
    for (const nrs of [0, 10]) {
      const d = await diary({ entry_date: ON, nrs }, p);
      assert.equal(d.nrs, nrs);
      assert.equal(d.note, null);
    }
    for (const nrs of [11, -1, 6.5, 0.5, '5', null, true, 100]) {
      assertInvalid(await postDiary({ entry_date: ON, nrs }, p), ['nrs'], { msg: String(nrs) });
    }
    assertInvalid(await postDiary({ entry_date: ON }, p), ['nrs']);
    assert.equal((await listDiary(p)).length, 2);
  });

  test('entry_date: not in the future, not before birth, a real date, required', async () => {
    const p = await newPat({ birth_date: '1980-06-15' });
    assertInvalid(await postDiary({ entry_date: TOMORROW, nrs: 3 }, p), ['entry_date']);
    assertInvalid(await postDiary({ entry_date: '1980-06-14', nrs: 3 }, p), ['entry_date']);
    assertInvalid(await postDiary({ entry_date: '2025-02-29', nrs: 3 }, p), ['entry_date']);
    assertInvalid(await postDiary({ entry_date: '2025-06', nrs: 3 }, p), ['entry_date']);
    assertInvalid(await postDiary({ nrs: 3 }, p), ['entry_date']);
    assert.deepEqual(await listDiary(p), []);
    assert.equal((await postDiary({ entry_date: TODAY, nrs: 3 }, p)).status, 201, 'today');
  });

  test('note at most 500 characters; source and unknown fields refused; every error at once', async () => {
    const p = await newPat();
    assert.equal((await postDiary({ entry_date: ON, nrs: 2, note: 'n'.repeat(500) }, p)).status, 201);
    assertInvalid(await postDiary({ entry_date: ON, nrs: 2, note: 'n'.repeat(501) }, p), ['note']);
    assertInvalid(await postDiary({ entry_date: ON, nrs: 2, source: 'patient' }, p), ['source']);
    assertInvalid(await postDiary({ entry_date: TOMORROW, nrs: 12, note: 5, mood: 'bad' }, p), ['entry_date', 'nrs', 'note', 'mood']);
  });

  test('list by date; void with reason and If-Match (428, 412, 409 twice); voided entries stay listed', async () => {
    const p = await newPat();
    const d2 = await diary({ entry_date: '2025-05-03', nrs: 4 }, p);
    const d1 = await diary({ entry_date: '2025-05-01', nrs: 7 }, p);
    const d3 = await diary({ entry_date: '2025-05-05', nrs: 2 }, p);
    assert.deepEqual((await listDiary(p)).map((x) => x.id), [d1.id, d2.id, d3.id]);
    const url = `/api/v1/diary-entries/${d2.id}/void`;
    assertInvalid(await clin.post(url, {}, { 'If-Match': '"1"' }), ['reason']);
    assertProblem(await clin.post(url, { reason: 'Typed the wrong score' }), 428);
    assertProblem(await clin.post(url, { reason: 'Typed the wrong score' }, { 'If-Match': '"3"' }), 412);
    assertProblem(await clin.post(`/api/v1/diary-entries/${NO_SUCH}/void`, { reason: 'x' }, { 'If-Match': '"1"' }), 404);
    assertProblem(await clin.post('/api/v1/diary-entries/nope/void', { reason: 'x' }, { 'If-Match': '"1"' }), 404);
    const r = await clin.post(url, { reason: 'Typed the wrong score' }, { 'If-Match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('etag'), '"2"');
    assert.equal(r.body.status, 'voided');
    assert.equal(r.body.void_reason, 'Typed the wrong score');
    assert.equal(r.body.version, 2);
    assert.equal(r.body.nrs, 4);
    assertProblem(await clin.post(url, { reason: 'again' }, { 'If-Match': '"2"' }), 409);
    const items = await listDiary(p);
    assert.deepEqual(items.map((x) => x.id), [d1.id, d2.id, d3.id]);
    assert.deepEqual(items[1], r.body);
    assert.equal(items[0].status, 'final');
  });

  test('unknown patient: 404', async () => {
    assertProblem(await clin.post(`/api/v1/patients/${NO_SUCH}/diary`, { entry_date: ON, nrs: 3 }), 404);
    assertProblem(await clin.get(`/api/v1/patients/${NO_SUCH}/diary`), 404);
  });
});

// ---------------------------------------------------------------- medicines

const CLASSES = ['gabapentinoid', 'snri', 'tricyclic', 'opioid', 'topical', 'anticoagulant', 'antiplatelet',
  'anticonvulsant', 'antidiabetic'];

describe('concomitant medicines', () => {
  test('the list: each drug with a label and a class', async () => {
    const r = await clin.get('/api/v1/medication-list');
    assert.equal(r.status, 200, r.text);
    const by = Object.fromEntries(r.body.items.map((d) => [d.drug, d]));
    assert.equal(Object.keys(by).length, r.body.items.length, 'no duplicates');
    assert.equal(r.body.items.at(-1).drug, 'other', 'another medicine last');
    assert.equal(r.body.items.at(-1).drug_class, null, 'its class is chosen');
    assert.ok(r.body.drug_classes.includes('nsaid') && r.body.drug_classes.includes('antidiabetic'));
    for (const d of r.body.items.slice(0, -1)) {
      assert.ok(CLASSES.includes(d.drug_class), `${d.drug}: ${d.drug_class}`);
      assert.equal(typeof d.label, 'string');
      assert.ok(d.label.length > 0);
    }
    const expect = {
      pregabalin: 'gabapentinoid', gabapentin: 'gabapentinoid', duloxetine: 'snri', amitriptyline: 'tricyclic',
      tramadol: 'opioid', oxycodone: 'opioid', capsaicin_topical: 'topical', lidocaine_topical: 'topical',
      warfarin: 'anticoagulant', apixaban: 'anticoagulant', rivaroxaban: 'anticoagulant', dabigatran: 'anticoagulant',
      aspirin: 'antiplatelet', clopidogrel: 'antiplatelet', carbamazepine: 'anticonvulsant', metformin: 'antidiabetic',
      insulin: 'antidiabetic', glp1_agonist: 'antidiabetic', sglt2_inhibitor: 'antidiabetic',
    };
    for (const [drug, cls] of Object.entries(expect)) assert.equal(by[drug]?.drug_class, cls, drug);
  });

  test('create: 201 with Location, ETag, the drug class and every field', async () => {
    const p = await newPat();
    const r = await postMed({
      drug: 'apixaban', dose_value: 5, dose_unit: 'mg', frequency: 'twice daily', start_date: '2024-11-02',
      notes: 'Atrial fibrillation; bleeding risk at biopsy',
    }, p);
    assert.equal(r.status, 201, r.text);
    const m = r.body;
    assert.match(m.id, UUID_RE);
    assert.equal(r.headers.get('location'), `/api/v1/medications/${m.id}`);
    assert.equal(r.headers.get('etag'), '"1"');
    assert.equal(m.patient_id, p.id);
    assert.equal(m.drug, 'apixaban');
    assert.equal(m.label, 'Apixaban');
    assert.equal(m.drug_class, 'anticoagulant');
    assert.equal(m.dose_value, 5);
    assert.equal(m.dose_unit, 'mg');
    assert.equal(m.frequency, 'twice daily');
    assert.equal(m.start_date, '2024-11-02');
    assert.equal(m.stop_date, null);
    assert.equal(m.notes, 'Atrial fibrillation; bleeding risk at biopsy');
    assert.equal(m.status, 'active');
    assert.equal(m.void_reason, null);
    assert.equal(m.version, 1);
    assert.match(m.created_at, INSTANT_RE);
    assert.equal(m.updated_by, clin.staff.id);
    assert.deepEqual(await listMeds(p), [m]);
  });

  test('every drug on the list can be recorded and gets its class from the list', async () => {
    const p = await newPat();
    const cat = (await clin.get('/api/v1/medication-list')).body.items.filter((d) => d.drug !== 'other');
    for (const d of cat) {
      const m = await med({ drug: d.drug }, p);
      assert.equal(m.drug_class, d.drug_class, d.drug);
      assert.equal(m.label, d.label, d.drug);
      assert.equal(m.dose_value, null);
      assert.equal(m.start_date, null);
    }
    assert.equal((await listMeds(p)).length, cat.length);
  });

  test('drug not on the list, or missing: 422 "drug"; a class sent by the client is refused', async () => {
    for (const drug of ['ibuprofen', 'Apixaban', 'apixaban ', '', 7]) {
      assertInvalid(await postMed({ drug }), ['drug'], { msg: String(drug) });
    }
    assertInvalid(await postMed({ dose_value: 5, dose_unit: 'mg' }), ['drug']);
    assertInvalid(await postMed({ drug: 'tramadol', drug_class: 'anticoagulant' }), ['drug_class']);
  });

  test('another medicine: drug other with its name and a class from the list', async () => {
    const p = await newPat();
    const m = await med({ drug: 'other', other_name: 'Ibuprofen', drug_class: 'nsaid', dose_value: 400, dose_unit: 'mg' }, p);
    assert.equal(m.drug, 'other');
    assert.equal(m.label, 'Ibuprofen');
    assert.equal(m.drug_class, 'nsaid');
    assert.equal(m.other_name, 'Ibuprofen');
    assertInvalid(await postMed({ drug: 'other' }, p), ['other_name', 'drug_class']);
    assertInvalid(await postMed({ drug: 'other', other_name: 'X', drug_class: 'magic' }, p), ['drug_class']);
    assertInvalid(await postMed({ drug: 'metformin', other_name: 'Glucophage' }, p), ['other_name']);
    const r = await clin.patch(`/api/v1/medications/${m.id}`, { other_name: 'Naproxen' }, { 'If-Match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.label, 'Naproxen');
  });

  test('dose: a positive number, and only with a unit', async () => {
    const p = await newPat();
    assertInvalid(await postMed({ drug: 'pregabalin', dose_value: 75 }, p), ['dose_unit']);
    assertInvalid(await postMed({ drug: 'pregabalin', dose_value: 75, dose_unit: '' }, p), ['dose_unit']);
    for (const dose_value of [0, -5, '75', true]) {
      assertInvalid(await postMed({ drug: 'pregabalin', dose_value, dose_unit: 'mg' }, p), ['dose_value'], { msg: String(dose_value) });
    }
    assert.deepEqual(await listMeds(p), []);
    const m = await med({ drug: 'pregabalin', dose_value: 37.5, dose_unit: 'mg' }, p);
    assert.equal(m.dose_value, 37.5);
  });

  test('dates: start not in the future nor before birth; stop not before start (a planned stop may be ahead)', async () => {
    const p = await newPat({ birth_date: '1980-06-15' });
    assertInvalid(await postMed({ drug: 'duloxetine', start_date: '2025-03-10', stop_date: '2025-03-09' }, p), ['stop_date']);
    assertInvalid(await postMed({ drug: 'duloxetine', start_date: TOMORROW }, p), ['start_date']);
    assertInvalid(await postMed({ drug: 'duloxetine', start_date: '1980-06-14' }, p), ['start_date']);
    assertInvalid(await postMed({ drug: 'duloxetine', start_date: '2025-13-01' }, p), ['start_date']);
    assertInvalid(await postMed({ drug: 'duloxetine', stop_date: '2025-02-30' }, p), ['stop_date']);
    assert.deepEqual(await listMeds(p), []);
    assert.equal((await med({ drug: 'duloxetine', start_date: '2025-03-10', stop_date: '2025-03-10' }, p)).stop_date, '2025-03-10');
    const planned = ymd(addDays(today, 30));
    assert.equal((await med({ drug: 'duloxetine', start_date: TODAY, stop_date: planned }, p)).stop_date, planned);
  });

  test('a new medicine starts active: status and void_reason are for PATCH only', async () => {
    assertInvalid(await postMed({ drug: 'aspirin', status: 'entered_in_error', void_reason: 'x' }), ['status', 'void_reason']);
    assertInvalid(await postMed({ drug: 'aspirin', status: 'active' }), ['status']);
  });

  describe('PATCH', () => {
    let p; let m;
    before(async () => {
      p = await newPat();
      m = await med({ drug: 'pregabalin', dose_value: 75, dose_unit: 'mg', frequency: 'twice daily', start_date: '2025-01-10' }, p);
    });
    const url = () => `/api/v1/medications/${m.id}`;

    test('428 without If-Match, 412 stale, 400 malformed, 404 unknown; unchanged', async () => {
      assertProblem(await clin.patch(url(), { stop_date: '2025-05-01' }), 428);
      assertProblem(await clin.patch(url(), { stop_date: '2025-05-01' }, { 'If-Match': '"2"' }), 412);
      assertProblem(await clin.patch(url(), { stop_date: '2025-05-01' }, { 'If-Match': 'two' }), 400);
      assertProblem(await clin.patch(`/api/v1/medications/${NO_SUCH}`, { stop_date: '2025-05-01' }, { 'If-Match': '"1"' }), 404);
      assertProblem(await clin.patch('/api/v1/medications/nope', { stop_date: '2025-05-01' }, { 'If-Match': '"1"' }), 404);
      assert.deepEqual((await listMeds(p))[0], m);
    });

    test('add a stop date: 200, version 2, the rest kept', async () => {
      const r = await clin.patch(url(), { stop_date: '2025-05-01' }, { 'If-Match': '"1"' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('etag'), '"2"');
      assert.equal(r.body.version, 2);
      assert.equal(r.body.stop_date, '2025-05-01');
      assert.equal(r.body.start_date, '2025-01-10');
      assert.equal(r.body.dose_value, 75);
      assert.equal(r.body.dose_unit, 'mg');
      assert.equal(r.body.frequency, 'twice daily');
      assert.equal(r.body.drug_class, 'gabapentinoid');
      assert.equal(r.body.status, 'active');
      assert.equal(r.body.created_at, m.created_at);
      assert.deepEqual((await listMeds(p))[0], r.body);
    });

    test('invalid changes: 422, unchanged (stop before start either way, dose without unit, class)', async () => {
      const h = { 'If-Match': '"2"' };
      assertInvalid(await clin.patch(url(), { stop_date: '2025-01-09' }, h), ['stop_date']);
      assertInvalid(await clin.patch(url(), { start_date: '2025-06-01' }, h), ['stop_date']);
      assertInvalid(await clin.patch(url(), { dose_unit: null }, h), ['dose_unit']);
      assertInvalid(await clin.patch(url(), { drug: 'ibuprofen' }, h), ['drug']);
      assertInvalid(await clin.patch(url(), { drug_class: 'opioid' }, h), ['drug_class']);
      assertInvalid(await clin.patch(url(), { patient_id: patient.id }, h), ['patient_id']);
      const now = (await listMeds(p))[0];
      assert.equal(now.version, 2);
      assert.equal(now.stop_date, '2025-05-01');
      assert.equal(now.dose_unit, 'mg');
    });

    test('change the dose, and the drug (its class follows)', async () => {
      const a = await clin.patch(url(), { dose_value: 150 }, { 'If-Match': '"2"' });
      assert.equal(a.status, 200, a.text);
      assert.equal(a.body.dose_value, 150);
      assert.equal(a.body.dose_unit, 'mg');
      const b = await clin.patch(url(), { drug: 'duloxetine', dose_value: 60 }, { 'If-Match': '"3"' });
      assert.equal(b.status, 200, b.text);
      assert.equal(b.body.drug, 'duloxetine');
      assert.equal(b.body.drug_class, 'snri');
      assert.equal(b.body.label, 'Duloxetine');
      assert.equal(b.body.version, 4);
    });

    test('entered_in_error needs void_reason; then it is marked', async () => {
      const h = { 'If-Match': '"4"' };
      assertInvalid(await clin.patch(url(), { status: 'entered_in_error' }, h), ['void_reason']);
      assertInvalid(await clin.patch(url(), { status: 'entered_in_error', void_reason: '  ' }, h), ['void_reason']);
      const r = await clin.patch(url(), { status: 'entered_in_error', void_reason: 'Recorded for the wrong patient' }, h);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.status, 'entered_in_error');
      assert.equal(r.body.void_reason, 'Recorded for the wrong patient');
      assert.equal(r.body.version, 5);
      const items = await listMeds(p);
      assert.equal(items.length, 1, 'still listed');
      assert.equal(items[0].status, 'entered_in_error');
    });
  });
});

// ---------------------------------------------------------------- timeline

describe('timeline', () => {
  let p;
  const ids = {};
  before(async () => {
    p = await newPat({ birth_date: '1958-09-30', sex_at_birth: 'male' });
    ids.d1 = (await diary({ entry_date: '2025-03-10', nrs: 4 }, p)).id;
    ids.d0 = (await diary({ entry_date: '2025-03-01', nrs: 6 }, p)).id;
    const dv = await diary({ entry_date: '2025-03-04', nrs: 9 }, p);
    assert.equal((await clin.post(`/api/v1/diary-entries/${dv.id}/void`, { reason: 'test' }, { 'If-Match': '"1"' })).status, 200);
    ids.nrsClinic = (await assess(p, 'nrs', '2025-03-05T09:30:00Z', { score: 7 })).id;
    ids.dn4a = (await assess(p, 'dn4', '2025-02-01', dn4(6))).id;
    ids.dn4b = (await assess(p, 'dn4', '2025-03-08T14:00:00Z', dn4(3))).id;
    ids.vpt = (await obs({ kind: 'vibration_threshold', performed_on: '2025-03-02', value: 31, unit: 'V', side: 'left' }, p)).id;
    ids.tib = (await obs({ kind: 'tibial_conduction_velocity', performed_on: '2025-03-02', value: 45, unit: 'm/s', side: 'left' }, p)).id;
    ids.b12 = (await obs({ kind: 'vitamin_b12', performed_on: '2025-02-20', value: 150, unit: 'pmol/L' }, p)).id;
    const tsh = await obs({ kind: 'tsh', performed_on: '2025-02-21', value: 2, unit: 'mIU/L' }, p);
    assert.equal((await clin.post(`/api/v1/observations/${tsh.id}/void`, { reason: 'test' }, { 'If-Match': '"1"' })).status, 200);
    ids.tsh = tsh.id;
    ids.preg = (await med({ drug: 'pregabalin', dose_value: 75, dose_unit: 'mg', start_date: '2025-01-15' }, p)).id;
    ids.apix = (await med({ drug: 'apixaban', start_date: '2024-06-01', stop_date: '2025-02-01' }, p)).id;
    const asp = await med({ drug: 'aspirin', dose_value: 100, dose_unit: 'mg' }, p);
    const e = await clin.patch(`/api/v1/medications/${asp.id}`, { status: 'entered_in_error', void_reason: 'test' }, { 'If-Match': '"1"' });
    assert.equal(e.status, 200, e.text);
    ids.asp = asp.id;
  });

  test('nrs: the diary and clinic readings on one axis, by date; voided entries left out', async () => {
    const t = await timeline(p);
    assert.equal(t.patient_id, p.id);
    assert.deepEqual(t.nrs, [
      { date: '2025-03-01', value: 6, source: 'diary', id: ids.d0 },
      { date: '2025-03-05', value: 7, source: 'clinic', id: ids.nrsClinic },
      { date: '2025-03-10', value: 4, source: 'diary', id: ids.d1 },
    ]);
  });

  test('instruments: a DN4 series with its range, its cut-off and one point per assessment', async () => {
    const t = await timeline(p);
    assert.deepEqual(t.instruments.map((s) => s.instrument), ['dn4'], 'the NRS goes to nrs, not here');
    const s = t.instruments[0];
    assert.match(s.title, /DN4/);
    assert.equal(s.min, 0);
    assert.equal(s.max, 10);
    assert.deepEqual(s.cutoff, { score: 'total', at_least: 4, label: 'positive' });
    assert.deepEqual(s.points, [
      { date: '2025-02-01', total: 6, band: null, met: true, id: ids.dn4a },
      { date: '2025-03-08', total: 3, band: null, met: false, id: ids.dn4b },
    ]);
  });

  test('instruments without a total: RAND-36 gives one series with its eight scales (0-100) per point; PGIC none', async () => {
    const q = await newPat();
    const a = await assess(q, 'rand-36', '2025-01-10', { q3: '1', q4: '2', q21: '5', q22: '4', q2: '3' });
    const b = await assess(q, 'rand-36', '2025-04-10T10:00:00Z', { q3: '3', q4: '3', q21: '2', q22: '2', q1: '2' });
    await assess(q, 'pgic', '2025-04-10', { change: 'much_improved' });
    const t = await timeline(q);
    assert.deepEqual(t.instruments.map((x) => x.instrument), ['rand-36'], 'PGIC has no number to plot');
    const s = t.instruments[0];
    assert.equal(s.title, 'RAND 36-Item Health Survey 1.0');
    assert.equal(s.min, null);
    assert.equal(s.max, null);
    assert.equal(s.cutoff, null);
    assert.deepEqual(s.scales.map((x) => x.id), ['physical_functioning', 'role_physical', 'role_emotional',
      'energy_fatigue', 'emotional_wellbeing', 'social_functioning', 'pain', 'general_health']);
    for (const x of s.scales) {
      assert.equal(x.min, 0, x.id);
      assert.equal(x.max, 100, x.id);
      assert.equal(typeof x.label, 'string');
    }
    const none = { role_physical: null, role_emotional: null, energy_fatigue: null, emotional_wellbeing: null,
      social_functioning: null };
    assert.deepEqual(s.points, [
      { date: '2025-01-10', total: null, id: a.id,
        scales: { ...none, physical_functioning: 25, pain: 22.5, general_health: null } },
      { date: '2025-04-10', total: null, id: b.id,
        scales: { ...none, physical_functioning: 100, pain: 77.5, general_health: 75 } },
    ]);
    const v = await clin.post(`/api/v1/assessments/${a.id}/void`, { reason: 'test' }, { 'If-Match': '"1"' });
    assert.equal(v.status, 200, v.text);
    assert.deepEqual((await timeline(q)).instruments[0].points.map((x) => x.id), [b.id], 'a voided one is left out');
  });

  test('observations: non-voided results by date with abnormal marked (null where no rule)', async () => {
    const t = await timeline(p);
    assert.deepEqual(t.observations.map((o) => o.id), [ids.b12, ids.vpt, ids.tib]);
    const by = Object.fromEntries(t.observations.map((o) => [o.id, o]));
    assert.equal(by[ids.vpt].abnormal, true, 'VPT 31 V');
    assert.equal(by[ids.tib].abnormal, null, 'tibial: no rule');
    assert.equal(by[ids.b12].abnormal, false, 'B12 150 pmol/L = 203.25 pg/mL');
    near(by[ids.b12].value, 203.25, 'B12 converted');
    assert.equal(by[ids.b12].unit, 'pg/mL');
    assert.equal(by[ids.vpt].date, '2025-03-02');
    assert.equal(by[ids.vpt].kind, 'vibration_threshold');
    assert.equal(by[ids.vpt].side, 'left');
    assert.match(by[ids.vpt].interpretation, /^abnormal/);
    assert.ok(!by[ids.tsh], 'the voided TSH is left out');
  });

  test('medications: active ones (a stopped one included with its stop date), not entered_in_error', async () => {
    const t = await timeline(p);
    assert.deepEqual(t.medications.map((m) => m.id).sort(), [ids.preg, ids.apix].sort());
    const by = Object.fromEntries(t.medications.map((m) => [m.id, m]));
    assert.equal(by[ids.preg].drug_class, 'gabapentinoid');
    assert.equal(by[ids.preg].dose, '75 mg');
    assert.equal(by[ids.preg].status, 'active');
    assert.equal(by[ids.apix].drug_class, 'anticoagulant');
    assert.equal(by[ids.apix].stop_date, '2025-02-01');
    assert.equal(by[ids.apix].dose, null);
  });

  test('a voided DN4 leaves the timeline but stays in the assessment list', async () => {
    const v = await clin.post(`/api/v1/assessments/${ids.dn4a}/void`, { reason: 'Wrong patient' }, { 'If-Match': '"1"' });
    assert.equal(v.status, 200, v.text);
    const t = await timeline(p);
    assert.deepEqual(t.instruments[0].points.map((x) => x.id), [ids.dn4b]);
    const l = await clin.get(`/api/v1/patients/${p.id}/assessments?instrument=dn4`);
    assert.equal(l.status, 200, l.text);
    assert.deepEqual(l.body.items.map((a) => [a.id, a.status]), [[ids.dn4a, 'voided'], [ids.dn4b, 'final']]);
    const w = await clin.post(`/api/v1/assessments/${ids.dn4b}/void`, { reason: 'Wrong patient' }, { 'If-Match': '"1"' });
    assert.equal(w.status, 200, w.text);
    assert.deepEqual((await timeline(p)).instruments, [], 'no series without a point');
  });

  test('a voided clinic NRS leaves the nrs line', async () => {
    const v = await clin.post(`/api/v1/assessments/${ids.nrsClinic}/void`, { reason: 'Wrong patient' }, { 'If-Match': '"1"' });
    assert.equal(v.status, 200, v.text);
    assert.deepEqual((await timeline(p)).nrs.map((x) => x.id), [ids.d0, ids.d1]);
  });

  test('an empty record: empty lists; unknown patient: 404', async () => {
    const q = await newPat();
    assert.deepEqual(await timeline(q), { patient_id: q.id, nrs: [], instruments: [], observations: [], medications: [], procedures: [], adverse_events: [] });
    assertProblem(await clin.get(`/api/v1/patients/${NO_SUCH}/timeline`), 404);
    assertProblem(await clin.get('/api/v1/patients/nope/timeline'), 404);
  });
});

// ---------------------------------------------------------------- archived patients

describe('archived patient', () => {
  let p; let o; let d; let m;
  before(async () => {
    p = await newPat();
    o = await obs({ kind: 'hba1c', value: 6, unit: '%' }, p);
    d = await diary({ entry_date: ON, nrs: 5 }, p);
    m = await med({ drug: 'gabapentin' }, p);
    const a = await clin.post(`/api/v1/patients/${p.id}/archive`, { reason: 'Moved away' }, { 'If-Match': '"1"' });
    assert.equal(a.status, 200, a.text);
  });

  test('409 on every create; nothing added; still readable', async () => {
    assertProblem(await postObs({ kind: 'hba1c', performed_on: ON, value: 6, unit: '%' }, p), 409);
    assertProblem(await postDiary({ entry_date: ON, nrs: 5 }, p), 409);
    assertProblem(await postMed({ drug: 'apixaban' }, p), 409);
    assertProblem(await clin.post(`/api/v1/patients/${p.id}/assessments`, { instrument: 'nrs', performed_at: ON, answers: { score: 3 } }), 409);
    assert.deepEqual((await listObs(p)).map((x) => x.id), [o.id]);
    assert.deepEqual((await listDiary(p)).map((x) => x.id), [d.id]);
    assert.deepEqual((await listMeds(p)).map((x) => x.id), [m.id]);
    const t = await timeline(p);
    assert.equal(t.observations.length, 1);
  });

  test('an archived patient\'s medicines cannot be changed (409)', async () => {
    assertProblem(await clin.patch(`/api/v1/medications/${m.id}`, { stop_date: ON }, { 'If-Match': '"1"' }), 409);
    assert.equal((await listMeds(p))[0].version, 1);
  });

  test("an archived patient's test results and diary entries cannot be voided (409), like medicines", async () => {
    const a = await clin.post(`/api/v1/observations/${o.id}/void`, { reason: 'after archive' }, { 'If-Match': '"1"' });
    const b = await clin.post(`/api/v1/diary-entries/${d.id}/void`, { reason: 'after archive' }, { 'If-Match': '"1"' });
    assertProblem(a, 409, 'observation void');
    assertProblem(b, 409, 'diary void');
    assert.equal((await listObs(p))[0].status, 'final');
    assert.equal((await listDiary(p))[0].status, 'final');
  });
});

// ---------------------------------------------------------------- permissions

describe('permissions: clinical.read / clinical.write', () => {
  let p; let o; let d; let m;
  before(async () => {
    p = await newPat();
    o = await obs({ kind: 'vibration_threshold', value: 20, unit: 'V', side: 'left' }, p);
    d = await diary({ entry_date: ON, nrs: 5 }, p);
    m = await med({ drug: 'tramadol', dose_value: 50, dose_unit: 'mg' }, p);
  });

  // Every work-up route that touches patient data, with a request that would succeed.
  const requests = () => [
    ['GET', '/api/v1/patients/{id}/observations', `/api/v1/patients/${p.id}/observations`],
    ['POST', '/api/v1/patients/{id}/observations', `/api/v1/patients/${p.id}/observations`, { kind: 'hba1c', performed_on: ON, value: 6, unit: '%' }],
    ['GET', '/api/v1/observations/{id}', `/api/v1/observations/${o.id}`],
    ['POST', '/api/v1/observations/{id}/void', `/api/v1/observations/${o.id}/void`, { reason: 'x' }, { 'If-Match': '"1"' }],
    ['GET', '/api/v1/patients/{id}/diary', `/api/v1/patients/${p.id}/diary`],
    ['POST', '/api/v1/patients/{id}/diary', `/api/v1/patients/${p.id}/diary`, { entry_date: ON, nrs: 3 }],
    ['GET', '/api/v1/diary-entries/{id}', `/api/v1/diary-entries/${d.id}`],
    ['POST', '/api/v1/diary-entries/{id}/void', `/api/v1/diary-entries/${d.id}/void`, { reason: 'x' }, { 'If-Match': '"1"' }],
    ['GET', '/api/v1/patients/{id}/medications', `/api/v1/patients/${p.id}/medications`],
    ['POST', '/api/v1/patients/{id}/medications', `/api/v1/patients/${p.id}/medications`, { drug: 'warfarin' }],
    ['GET', '/api/v1/medications/{id}', `/api/v1/medications/${m.id}`],
    ['PATCH', '/api/v1/medications/{id}', `/api/v1/medications/${m.id}`, { stop_date: ON }, { 'If-Match': '"1"' }],
    ['GET', '/api/v1/patients/{id}/timeline', `/api/v1/patients/${p.id}/timeline`],
  ];

  test('the routes tested here are every work-up route, and each needs a clinical permission', () => {
    const workup = parseRoutes().filter((r) => /observations|diary|medications|timeline/.test(r.path));
    assert.deepEqual(workup.map((r) => `${r.method} ${r.path}`).sort(), requests().map((q) => `${q[0]} ${q[1]}`).sort());
    for (const r of workup) {
      assert.equal(r.perm, r.method === 'GET' ? 'PERM_CLINICAL_READ' : 'PERM_CLINICAL_WRITE', `${r.method} ${r.path}`);
    }
  });

  for (const role of ['front_desk', 'researcher']) {
    test(`${role}: 403 on every work-up route, nothing changed`, async () => {
      const who = role === 'front_desk' ? desk : researcher;
      for (const [method, , path, body, headers] of requests()) {
        assertProblem(await who.call(method, path, body, headers), 403, `${role} ${method} ${path}`);
      }
      assert.deepEqual((await listObs(p)).map((x) => [x.id, x.version]), [[o.id, 1]]);
      assert.deepEqual((await listDiary(p)).map((x) => [x.id, x.version]), [[d.id, 1]]);
      assert.deepEqual((await listMeds(p)).map((x) => [x.id, x.version]), [[m.id, 1]]);
    });
  }

  test('anonymous: 401', async () => {
    const anon = client(srv.base);
    for (const [method, , path, body, headers] of requests()) {
      assertProblem(await anon.call(method, path, body, headers), 401, `${method} ${path}`);
    }
  });

  test('nurse: every work-up route allowed', async () => {
    const want = { GET: 200, POST: 201, PATCH: 200 };
    for (const [method, route, path, body, headers] of requests()) {
      const r = await nurse.call(method, path, body, headers);
      const status = route.endsWith('/void') ? 200 : want[method];
      assert.equal(r.status, status, `nurse ${method} ${path}: ${r.text}`);
    }
    const items = await listObs(p);
    assert.equal(items.length, 2);
    assert.equal(items.find((x) => x.id === o.id).status, 'voided');
    assert.equal(items.find((x) => x.id !== o.id).updated_by, nurse.staff.id);
    assert.equal((await listMeds(p)).find((x) => x.id === m.id).stop_date, ON);
  });
});

// ---------------------------------------------------------------- audit

describe('audit', () => {
  test('creates, voids, changes and reads leave records for the patient', async () => {
    const p = await newPat();
    const o = await obs({ kind: 'vibration_threshold', value: 33, unit: 'V', side: 'right' }, p);
    assertInvalid(await postObs({ kind: 'vibration_threshold', performed_on: ON, value: -3, unit: 'V', side: 'right' }, p), ['value']);
    const d = await diary({ entry_date: ON, nrs: 4 }, p, nurse);
    const m = await med({ drug: 'apixaban', dose_value: 5, dose_unit: 'mg' }, p);
    assert.equal((await clin.post(`/api/v1/observations/${o.id}/void`, { reason: 'Wrong foot' }, { 'If-Match': '"1"' })).status, 200);
    assert.equal((await clin.patch(`/api/v1/medications/${m.id}`, { stop_date: ON }, { 'If-Match': '"1"' })).status, 200);
    await timeline(p);
    assert.equal((await clin.get(`/api/v1/observations/${o.id}`)).status, 200);
    await listObs(p);
    await listDiary(p);
    await listMeds(p);

    const r = await admin.get(`/api/v1/audit?patient_id=${p.id}&limit=500`);
    assert.equal(r.status, 200, r.text);
    const recs = r.body.items;
    const one = (action, resource_id) => {
      const found = recs.filter((a) => a.action === action && (!resource_id || a.resource_id === resource_id));
      assert.equal(found.length, 1, `one ${action} record: ${JSON.stringify(recs.map((a) => a.action))}`);
      assert.equal(found[0].patient_id, p.id, action);
      return found[0];
    };
    const oc = one('observation.create', o.id);
    assert.equal(oc.resource_type, 'observation');
    assert.equal(oc.detail, 'vibration_threshold');
    assert.equal(oc.actor_id, clin.staff.id);
    assert.equal(oc.actor_role, 'clinician');
    assert.equal(recs.filter((a) => a.action === 'observation.create').length, 1, 'the refused result left no create record');
    const dc = one('diary.create', d.id);
    assert.equal(dc.resource_type, 'diary_entry');
    assert.equal(dc.actor_role, 'nurse');
    const mc = one('medication.create', m.id);
    assert.equal(mc.resource_type, 'medication');
    assert.equal(mc.detail, 'apixaban');
    assert.equal(one('observation.void', o.id).detail, 'Wrong foot');
    one('medication.update', m.id);
    const tr = one('timeline.read');
    assert.equal(tr.resource_type, 'patient');
    assert.equal(tr.resource_id, p.id);
    assert.equal(tr.actor_id, clin.staff.id);
    one('observation.read', o.id);
    one('observation.list');
    one('diary.list');
    one('medication.list');
  });
});
