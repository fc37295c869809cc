// Outcome reports: the responder table computed from raw records (injections give day 0, NRS
// readings the baseline and the milestone values), every treated patient who is due in the primary
// analysis, observed cases beside it, exact intervals, insufficient data below the minimum n, no
// identifiers in the answer, and who may read it.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, newPatient } from '../lib/server.mjs';
import { assertInvalid, assertProblem, stopServer, todayUTC, addDays, ymd, sqlite } from './helpers.mjs';

let srv;
let c;
const day = (k) => ymd(addDays(todayUTC(), k));

before(async () => {
  srv = await startServer();
  c = await login(srv.base, 'clinician');
});
after(async () => { await stopServer(srv); });

async function ok(r) {
  assert.ok(r.status === 200 || r.status === 201, r.text);
  return r.body;
}

// A patient injected with PRP on `injected` (days from today), with NRS diary readings {day: value}.
async function treated(injected, readings, onset = null, processing = {}) {
  const p = await ok(await c.post('/api/v1/patients', newPatient()));
  const cond = await ok(await c.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'E11.42', ...(onset ? { onset_date: onset } : {}) }));
  const pl = await ok(await c.post(`/api/v1/patients/${p.id}/plans`, { protocol: 'prp-series', condition_id: cond.id, start_date: day(injected - 7) }));
  await ok(await c.post(`/api/v1/plans/${pl.id}/status`, { status: 'accepted' }, { 'If-Match': '"1"' }));
  await ok(await c.post(`/api/v1/patients/${p.id}/consents`, { document: 'prp', version: '1', plan_id: pl.id, signed_on: day(injected - 7), witness: 'x' }));
  const on = day(injected);
  const draw = await ok(await c.post(`/api/v1/plans/${pl.id}/procedures`, { kind: 'blood_draw', performed_on: on, volume_ml: 30 }));
  const proc = await ok(await c.post(`/api/v1/plans/${pl.id}/procedures`, { kind: 'processing', performed_on: on, from: draw.id, method: 'spin', ...processing }));
  await ok(await c.post(`/api/v1/plans/${pl.id}/procedures`, { kind: 'injection', performed_on: on, product: proc.id, volume_ml: 4,
    side: 'left', nerves: ['tibial'], guidance: 'ultrasound', operator: 'Dr Test' }));
  for (const [k, nrs] of Object.entries(readings)) {
    await ok(await c.post(`/api/v1/patients/${p.id}/diary`, { entry_date: day(injected + Number(k)), nrs }));
  }
  return p;
}

describe('responders', () => {
  let made;
  before(async () => {
    made = [
      await treated(-120, { '-3': 8, 91: 3 }), // responder at 30 and 50 %
      await treated(-120, { '-3': 8, 91: 7 }), // not a responder
      await treated(-120, { 91: 2 }), // no baseline: not evaluable
      await treated(-120, { '-3': 6 }), // no value at 91: missing
      await treated(-30, { '-3': 8 }), // not due at 91 yet
    ];
  });

  test('primary: every treated patient who is due; not evaluable and missing count as not responding', async () => {
    const r = await c.get('/api/v1/outcomes/responders?milestone=91&threshold=30&min_n=1');
    assert.equal(r.status, 200, r.text);
    const all = r.body.rows[0];
    assert.deepEqual(all.stratum, {});
    assert.deepEqual([all.treated, all.due, all.not_evaluable, all.missing, all.observed, all.responders, all.denominator],
      [5, 4, 1, 1, 2, 1, 4]);
    assert.equal(all.rate, 0.25);
    // R: binom.test(1, 4)$conf.int
    assert.ok(Math.abs(all.ci_low - 0.00630946320970) < 1e-9 && Math.abs(all.ci_high - 0.805879550316757) < 1e-9, `${all.ci_low} ${all.ci_high}`);
    assert.equal(r.body.definition.milestone_day, 91);
    assert.equal(r.body.definition.window_days, 21);
    assert.equal(r.body.as_of, day(0));
    for (const p of made) {
      assert.ok(!r.text.includes(p.id) && !r.text.includes(p.mrn), 'no identifier in a report');
    }
    assert.equal(sqlite(srv.db, "SELECT count(*) FROM audit WHERE action = 'outcomes.read'") >= '1', true);
  });

  test('observed cases, another threshold, by biologic, and too few for a rate', async () => {
    const obs = (await c.get('/api/v1/outcomes/responders?milestone=91&analysis=observed&min_n=1')).body.rows[0];
    assert.equal(obs.denominator, 2);
    assert.equal(obs.rate, 0.5);
    const half = (await c.get('/api/v1/outcomes/responders?milestone=91&threshold=50&min_n=1')).body.rows[0];
    assert.equal(half.responders, 1, '8 -> 3 is a fall of more than half');
    const by = (await c.get('/api/v1/outcomes/responders?milestone=91&by=biologic&min_n=1')).body.rows;
    assert.deepEqual(by.map((x) => x.stratum), [{}, { biologic: 'prp' }]);
    const at = (await c.get(`/api/v1/outcomes/responders?milestone=91&min_n=4`)).body.rows[0];
    assert.deepEqual([at.denominator, at.insufficient, at.rate], [4, false, 0.25], 'a denominator exactly at the minimum gives a rate');
    const under = (await c.get(`/api/v1/outcomes/responders?milestone=91&min_n=5`)).body.rows[0];
    assert.deepEqual([under.denominator, under.insufficient, under.rate], [4, true, null], 'one under it does not');
    const thin = (await c.get('/api/v1/outcomes/responders?milestone=91')).body.rows[0];
    assert.equal(thin.insufficient, true, 'under the default minimum of 10');
    assert.equal(thin.rate, null);
    assert.equal(thin.ci_low, null);
    assert.equal(thin.denominator, 4, 'the counts are still shown');
    const d30 = (await c.get('/api/v1/outcomes/responders?milestone=30&min_n=1')).body.rows[0];
    assert.equal(d30.due, 4, 'the patient injected 30 days ago is not due at day 30 until day 45');
  });

  test('by chronicity at day 0 (the onset of the plan\'s diagnosis; unknown without one)', async () => {
    await treated(-120, { '-3': 8, 91: 2 }, day(-120 - 2 * 365)); // chronic at day 0, responder
    await treated(-120, { '-3': 8, 91: 8 }, day(-120 - 60)); // recent at day 0
    const rows = (await c.get('/api/v1/outcomes/responders?milestone=91&by=chronicity&min_n=1')).body.rows;
    const by = Object.fromEntries(rows.slice(1).map((x) => [x.stratum.chronicity, x]));
    assert.deepEqual(Object.keys(by).sort(), ['chronic', 'recent', 'unknown']);
    assert.deepEqual([by.chronic.due, by.chronic.responders], [1, 1]);
    assert.deepEqual([by.recent.due, by.recent.responders], [1, 0]);
    assert.equal(by.unknown.due, 4);
    assert.equal(rows[0].due, 6);
  });

  test('bad parameters: each named', async () => {
    assertInvalid(await c.get('/api/v1/outcomes/responders?milestone=60&threshold=0&analysis=best&by=colour&min_n=0'),
      ['milestone', 'threshold', 'analysis', 'by', 'min_n']);
    assertInvalid(await c.get('/api/v1/outcomes/responders?by=biologic,age,sex'), ['by'], { msg: 'at most two' });
    assertInvalid(await c.get('/api/v1/outcomes/responders?by=age,age'), ['by'], { msg: 'twice' });
    assertInvalid(await c.get('/api/v1/outcomes/responders?etiology=diabetes&measure=vas&format=pdf'),
      ['etiology', 'measure', 'format']);
    const bad = await c.get('/api/v1/outcomes/responders?chronicity=old');
    assert.match(bad.text, /recent, chronic or unknown/, 'the error lists the values');
  });

  test('filters by any stratum (several values with commas) and splits by two at once', async () => {
    const all = (await c.get('/api/v1/outcomes/responders?milestone=91&min_n=1')).body.rows[0];
    const diabetic = (await c.get('/api/v1/outcomes/responders?milestone=91&min_n=1&etiology=diabetic')).body;
    assert.equal(diabetic.rows[0].due, all.due, 'every test patient is diabetic (E11.42)');
    assert.equal(diabetic.definition.filters, 'etiology=diabetic');
    const none = (await c.get('/api/v1/outcomes/responders?milestone=91&min_n=1&etiology=alcohol,hereditary')).body.rows;
    assert.deepEqual([none.length, none[0].patients, none[0].due, none[0].rate], [1, 0, 0, null]);
    const chronicPrp = (await c.get('/api/v1/outcomes/responders?milestone=91&min_n=1&biologic=prp&chronicity=chronic')).body.rows[0];
    assert.deepEqual([chronicPrp.due, chronicPrp.responders], [1, 1]);
    const two = (await c.get('/api/v1/outcomes/responders?milestone=91&min_n=1&by=biologic,duration')).body.rows;
    assert.deepEqual(two.map((x) => x.stratum), [{},
      { biologic: 'prp', duration: 'under_1y' }, { biologic: 'prp', duration: '1_to_5y' }, { biologic: 'prp', duration: 'unknown' }]);
    assert.equal(two.slice(1).reduce((n, x) => n + x.due, 0), two[0].due, 'the strata add up');
    const age = (await c.get('/api/v1/outcomes/responders?milestone=91&min_n=1&by=age,sex')).body.rows;
    assert.deepEqual(age.slice(1).map((x) => x.stratum), [{ age: '65_plus', sex: 'female' }], 'born 1960, female');
    const hba1c = (await c.get('/api/v1/outcomes/responders?milestone=91&min_n=1&by=hba1c')).body.rows;
    assert.deepEqual(hba1c.slice(1).map((x) => x.stratum.hba1c), ['none']);
  });

  test('every filter partitions the patients: its values add up to everyone', async () => {
    const values = {
      group: ['treated', 'comparator'], biologic: ['prp', 'bmac', 'adipose_svf', 'none'],
      etiology: ['diabetic', 'alcohol', 'chemotherapy_drug', 'other_toxic', 'hereditary', 'idiopathic', 'b12_deficiency', 'post_herpetic', 'other'],
      chronicity: ['recent', 'chronic', 'unknown'], duration: ['under_1y', '1_to_5y', 'over_5y', 'unknown'],
      injections: ['1', '2', '3_plus', 'none'], age: ['under_50', '50_to_64', '65_plus', 'unknown'],
      sex: ['female', 'male', 'intersex', 'unknown'], hba1c: ['under_7', '7_to_8.9', '9_plus', 'none'],
    };
    const base = '/api/v1/outcomes/responders?milestone=91&min_n=1&group=treated,comparator';
    const everyone = (await c.get(base)).body.rows[0];
    assert.ok(everyone.patients > 5);
    for (const [name, list] of Object.entries(values)) {
      let patients = 0;
      let due = 0;
      for (const v of list) {
        const url = name === 'group' ? `/api/v1/outcomes/responders?milestone=91&min_n=1&group=${v}` : `${base}&${name}=${encodeURIComponent(v)}`;
        const r = await c.get(url);
        assert.equal(r.status, 200, `${name}=${v}: ${r.text}`);
        patients += r.body.rows[0].patients;
        due += r.body.rows[0].due;
        if (name !== 'group') assert.equal(r.body.definition.filters, `group=treated,comparator, ${name}=${v}`);
      }
      assert.deepEqual([patients, due], [everyone.patients, everyone.due], name);
      const split = (await c.get(name === 'group' ? '/api/v1/outcomes/responders?milestone=91&min_n=1&by=group' : `${base}&by=${name}`)).body.rows;
      assert.equal(split.slice(1).reduce((n, x) => n + x.patients, 0), everyone.patients, `by=${name}`);
    }
  });

  test('HbA1c band from the latest result on or before day 0; injections counted by the milestone', async () => {
    const p = await treated(-200, { '-3': 8, 30: 4, 91: 4 });
    await ok(await c.post(`/api/v1/patients/${p.id}/observations`, { kind: 'hba1c', value: 9.4, unit: '%', performed_on: day(-260) }));
    await ok(await c.post(`/api/v1/patients/${p.id}/observations`, { kind: 'hba1c', value: 7.5, unit: '%', performed_on: day(-210) }));
    await ok(await c.post(`/api/v1/patients/${p.id}/observations`, { kind: 'hba1c', value: 11, unit: '%', performed_on: day(-100) }));
    const rows = (await c.get('/api/v1/outcomes/responders?milestone=91&min_n=1&hba1c=7_to_8.9')).body.rows;
    assert.deepEqual([rows[0].patients, rows[0].responders], [1, 1], 'the 7.5 % before day 0, not the 11 % after');
    const inj = (await c.get(`/api/v1/patients/${p.id}/procedures`)).body.items.find((x) => x.kind === 'injection');
    await ok(await c.post(`/api/v1/plans/${inj.plan_id}/procedures`, { kind: 'injection', performed_on: day(-200 + 60), product: inj.product,
      volume_ml: 2, side: 'right', nerves: ['tibial'], guidance: 'ultrasound', operator: 'Dr Test' }));
    const by30 = (await c.get('/api/v1/outcomes/responders?milestone=30&min_n=1&hba1c=7_to_8.9&by=injections')).body.rows;
    const by91 = (await c.get('/api/v1/outcomes/responders?milestone=91&min_n=1&hba1c=7_to_8.9&by=injections')).body.rows;
    assert.deepEqual([by30[1].stratum, by91[1].stratum], [{ injections: '1' }, { injections: '2' }], 'the second injection on day 60');
  });

  test('the comparator: a diagnosis and no injection, day 0 the first clinic NRS, labelled', async () => {
    const p = await ok(await c.post('/api/v1/patients', newPatient()));
    await ok(await c.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'G62.1' }));
    await ok(await c.post(`/api/v1/patients/${p.id}/assessments`, { instrument: 'nrs', performed_at: day(-150), answers: { score: 7 } }));
    await ok(await c.post(`/api/v1/patients/${p.id}/diary`, { entry_date: day(-150 + 92), nrs: 6 }));
    const treatedOnly = (await c.get('/api/v1/outcomes/responders?milestone=91&min_n=1&etiology=alcohol')).body.rows[0];
    assert.equal(treatedOnly.patients, 0, 'the treated only unless the group is named');
    const r = await c.get('/api/v1/outcomes/responders?milestone=91&min_n=1&by=group');
    const comp = r.body.rows.find((x) => x.stratum.group === 'comparator');
    assert.deepEqual([comp.patients, comp.treated, comp.due, comp.observed, comp.responders], [1, 0, 1, 1, 0]);
    assert.match(comp.note, /observational comparison, not a randomised control/);
    assert.match(r.body.definition.comparator, /not a randomised control/);
    assert.equal(r.body.rows.find((x) => x.stratum.group === 'treated').note, undefined);
    const alc = (await c.get('/api/v1/outcomes/responders?milestone=91&min_n=1&group=comparator&etiology=alcohol')).body.rows[0];
    assert.deepEqual([alc.patients, alc.due], [1, 1]);
  });

  test('PGIC much improved or better as a second responder definition', async () => {
    const p = await treated(-150, { '-3': 8 });
    const answer = (k, change) => c.post(`/api/v1/patients/${p.id}/assessments`,
      { instrument: 'pgic', performed_at: day(-150 + k), answers: { change } });
    await ok(await answer(85, 'minimally_improved'));
    await ok(await answer(95, 'much_improved')); // nearer to day 91
    await ok(await answer(31, 'no_change'));
    const r = await c.get('/api/v1/outcomes/responders?milestone=91&min_n=1&measure=pgic&analysis=observed');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.body.rows[0].observed, r.body.rows[0].responders], [1, 1]);
    assert.match(r.body.definition.responder, /PGIC much improved or better/);
    assert.equal(r.body.definition.threshold_percent, undefined);
    const d30 = (await c.get('/api/v1/outcomes/responders?milestone=30&min_n=1&measure=pgic&analysis=observed')).body.rows[0];
    assert.deepEqual([d30.observed, d30.responders], [1, 0]);
    const primary = (await c.get('/api/v1/outcomes/responders?milestone=91&min_n=1&measure=pgic')).body.rows[0];
    assert.ok(primary.due > 1 && primary.missing === primary.due - 1, 'no answer counts as not responding');
  });

  test('CSV with the definition in its header lines', async () => {
    const r = await c.call('GET', '/api/v1/outcomes/responders?milestone=91&min_n=1&by=biologic&format=csv');
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type'), /^text\/csv/);
    assert.match(r.headers.get('content-disposition'), /attachment; filename="responders.csv"/);
    const lines = r.text.trim().split('\r\n');
    assert.ok(lines.includes('# report: responders') && lines.includes('# milestone_day: 91'), lines.slice(0, 12).join('\n'));
    const header = lines.find((l) => !l.startsWith('#'));
    assert.match(header, /^biologic,patients,treated,due,not_evaluable,missing,observed,responders,denominator,insufficient,rate,ci_low,ci_high/);
    const data = lines.slice(lines.indexOf(header) + 1);
    const json = (await c.get('/api/v1/outcomes/responders?milestone=91&min_n=1&by=biologic')).body.rows;
    assert.equal(data.length, json.length);
    assert.ok(data[1].startsWith(`"prp",${json[1].patients},${json[1].treated},${json[1].due},`), data[1]);
  });

  test('never stale: a reading written or voided a moment ago shows in the next report, and a fresh server agrees', async () => {
    const q = '/api/v1/outcomes/responders?milestone=182&min_n=1&by=chronicity';
    const before = (await c.get(q)).body.rows[0];
    const p = await treated(-250, { '-2': 9 }, day(-250 - 3 * 365));
    const added = (await c.get(q)).body.rows[0];
    assert.deepEqual([added.due - before.due, added.missing - before.missing], [1, 1]);
    const d = await ok(await c.post(`/api/v1/patients/${p.id}/diary`, { entry_date: day(-250 + 180), nrs: 3 }));
    const now = (await c.get(q)).body.rows[0];
    assert.deepEqual([now.missing, now.observed, now.responders], [before.missing, before.observed + 1, before.responders + 1]);
    await ok(await c.post(`/api/v1/diary-entries/${d.id}/void`, { reason: 'entered for the wrong day' }, { 'If-Match': '"1"' }));
    assert.equal((await c.get(q)).body.rows[0].responders, before.responders, 'the voided reading is gone');
    // Void the only injection: the patient leaves the treated cohort.
    const inj = (await c.get(`/api/v1/patients/${p.id}/procedures`)).body.items.find((x) => x.kind === 'injection');
    await ok(await c.post(`/api/v1/procedures/${inj.id}/void`, { reason: 'never given' }, { 'If-Match': `"${inj.version}"` }));
    assert.equal((await c.get(q)).body.rows[0].due, before.due);
    // A second server on the same database loads everyone at once: the same answers.
    const other = await startServer({ db: srv.db });
    try {
      const c2 = await login(other.base, 'clinician');
      for (const query of [q, '/api/v1/outcomes/responders?milestone=91&min_n=1&by=group,biologic',
        '/api/v1/outcomes/responders?milestone=30&min_n=1&by=injections&measure=pgic']) {
        const [a, b] = [(await c.get(query)).body, (await c2.get(query)).body];
        assert.deepEqual(a.rows, b.rows, query);
      }
    } finally {
      await other.stop();
    }
  });

  test('completeness: at each milestone, due patients with an NRS value in the window', async () => {
    const r = await c.get('/api/v1/outcomes/completeness?by=biologic');
    assert.equal(r.status, 200, r.text);
    const all = r.body.rows.filter((x) => Object.keys(x.stratum).length === 0);
    assert.deepEqual(all.map((x) => x.milestone_day), [30, 91, 182, 365]);
    const resp = (await c.get('/api/v1/outcomes/responders?milestone=91&min_n=1')).body.rows[0];
    const at91 = all[1];
    assert.equal(at91.due, resp.due);
    assert.ok(at91.with_value >= resp.observed, 'with a value counts those without a baseline too');
    assert.equal(at91.percent, (100 * at91.with_value) / at91.due);
    assert.equal(all[3].due, 0);
    assert.equal(all[3].percent, null, 'nobody due at a year: no percent');
    assert.match(r.body.definition.with_value, /inside the milestone's window/);
    const csv = await c.get('/api/v1/outcomes/completeness?format=csv');
    assert.match(csv.text, /^# report: completeness/);
    assert.match(csv.text, /\r\nmilestone_day,patients,due,with_value,percent\r\n30,/);
  });

  test('adverse events beside the rates: counts by grade and relatedness, serious ones listed without identifiers', async () => {
    const p = await treated(-100, { '-2': 7, 91: 3 });
    const ae = (body) => c.post(`/api/v1/patients/${p.id}/adverse-events`, {
      term: 'Pain at the injection site', onset_date: day(-99), grade: 2, serious: false,
      relatedness: 'probable', expected: true, outcome: 'recovered', ...body });
    await ok(await ae({}));
    await ok(await ae({ term: 'Cellulitis of the foot', grade: 3, serious: true, serious_criteria: 'hospitalisation',
      relatedness: 'possible', expected: false, outcome: 'recovering', onset_date: day(-90) }));
    const r = await c.get('/api/v1/outcomes/adverse-events?min_n=1');
    assert.equal(r.status, 200, r.text);
    const all = r.body.rows[0];
    assert.ok(all.patients > 1);
    assert.deepEqual([all.patients_with_event, all.patients_with_serious, all.events, all.serious_events], [1, 1, 2, 1]);
    assert.deepEqual(all.by_grade, { 1: 0, 2: 1, 3: 1, 4: 0, 5: 0 });
    assert.deepEqual([all.by_relatedness.probable, all.by_relatedness.possible, all.by_relatedness.unrelated], [1, 1, 0]);
    assert.equal(all.rate, 1 / all.patients);
    assert.ok(all.ci_low >= 0 && all.ci_high > all.rate);
    const item = r.body.serious.items.find((x) => x.term === 'Cellulitis of the foot');
    assert.deepEqual([item.grade, item.onset_day, item.biologic, item.criteria, item.relatedness], [3, 10, 'prp', 'hospitalisation', 'possible']);
    assert.ok(!r.text.includes(p.id) && !r.text.includes(p.mrn) && !r.text.includes(p.given_name), 'nothing identifies the patient');
    // Beside the responder table too, and filtered with it.
    const resp = (await c.get('/api/v1/outcomes/responders?milestone=91&min_n=1')).body.rows[0];
    assert.deepEqual(resp.adverse_events, { patients_with_event: 1, patients_with_serious: 1, serious_events: 1 });
    const alcohol = await c.get('/api/v1/outcomes/adverse-events?min_n=1&etiology=alcohol');
    assert.deepEqual([alcohol.body.rows[0].events, alcohol.body.serious.items.length], [0, 0]);
    const researcher = await login(srv.base, 'researcher');
    const rr = await researcher.get('/api/v1/outcomes/adverse-events?min_n=1');
    assert.equal(rr.status, 200);
    assert.ok(!rr.text.includes(p.id) && !rr.text.includes('patient_id'));
  });

  test('researchers and admins read it; nurses and the front desk do not', async () => {
    for (const role of ['researcher', 'admin']) {
      assert.equal((await (await login(srv.base, role)).get('/api/v1/outcomes/responders')).status, 200, role);
    }
    for (const role of ['nurse', 'front_desk']) {
      assertProblem(await (await login(srv.base, role)).get('/api/v1/outcomes/responders'), 403);
    }
  });
});

describe('time to response and mean change', () => {
  let own;
  let cc;
  before(async () => {
    own = await startServer();
    cc = await login(own.base, 'clinician');
    const make = async (readings) => {
      const keep = c;
      c = cc;
      try { return await treated(-120, readings); } finally { c = keep; }
    };
    await make({ '-2': 8, 10: 7, 20: 5, 30: 4 }); // responds on day 20 (5 <= 8 x 0.7)
    await make({ '-2': 8, 30: 7, 60: 7 }); // no response: censored at day 60
    await make({ 30: 3 }); // no baseline: not evaluable, left out of the curve
    await make({ '-2': 6 }); // nothing after day 0: left out of the curve
  });
  after(async () => { await stopServer(own); });

  test('Kaplan-Meier: the first day at or under the threshold, censored at the last reading, with who is left out', async () => {
    const r = await cc.get('/api/v1/outcomes/time-to-response?threshold=30&min_n=1');
    assert.equal(r.status, 200, r.text);
    const [all] = r.body.rows;
    assert.deepEqual([all.patients, all.in_curve, all.responses, all.not_evaluable, all.no_follow_up], [4, 2, 1, 1, 1]);
    const steps = r.body.curves[0].steps;
    assert.deepEqual(steps.map((x) => [x.day, x.at_risk, x.events, x.censored, x.survival]), [[20, 2, 1, 0, 0.5], [60, 1, 0, 1, 0.5]]);
    // R: survfit(Surv(c(20, 60), c(1, 0)) ~ 1, conf.type = "log-log") gives 0.5 [0.00596, 0.910] at day 20.
    assert.ok(Math.abs(steps[0].lower - 0.00596) < 1e-4 && Math.abs(steps[0].upper - 0.910) < 1e-3, JSON.stringify(steps[0]));
    assert.equal(all.median, 20, 'S reaches 0.5 on day 20 and never drops again');
    assert.equal(r.body.logrank, undefined, 'no strata, no test');
    const half = (await cc.get('/api/v1/outcomes/time-to-response?threshold=50&min_n=1')).body.rows[0];
    assert.equal(half.responses, 1, '4 on day 30 is half of 8');
    assert.equal((await cc.get('/api/v1/outcomes/time-to-response?threshold=60&min_n=1')).body.rows[0].responses, 0);
    const thin = (await cc.get('/api/v1/outcomes/time-to-response')).body;
    assert.deepEqual([thin.rows[0].insufficient, thin.rows[0].median, thin.curves[0].steps], [true, null, []]);
    const by = (await cc.get('/api/v1/outcomes/time-to-response?min_n=1&by=etiology')).body;
    assert.ok(by.logrank && 'chisq' in by.logrank, 'a test between strata when split');
    const csv = await cc.get('/api/v1/outcomes/time-to-response?min_n=1&format=csv');
    assert.match(csv.text, /\r\nday,at_risk,events,censored,survival,lower,upper\r\n20,2,1,0,0.5,/);
  });

  test('mean change from baseline with its t interval, at each milestone', async () => {
    const r = await cc.get('/api/v1/outcomes/change?milestone=30&min_n=1');
    assert.equal(r.status, 200, r.text);
    const m = Object.fromEntries(r.body.rows.map((x) => [x.measure, x]));
    assert.deepEqual(Object.keys(m).slice(0, 5), ['nrs', 'nrs_percent', 'dn4', 'mnsi_history', 'tcns']);
    assert.deepEqual(Object.keys(m).slice(5).map((k) => k.replace(/^rand36_/, '')), ['physical_functioning', 'role_physical',
      'role_emotional', 'energy_fatigue', 'emotional_wellbeing', 'social_functioning', 'pain', 'general_health']);
    assert.deepEqual([m.nrs.n, m.nrs.mean], [2, -2.5]); // 8 -> 4 and 8 -> 7
    assert.ok(Math.abs(m.nrs.sd - Math.sqrt(4.5)) < 1e-12);
    const half = 12.706204736174707 * Math.sqrt(4.5) / Math.sqrt(2); // R: qt(0.975, 1)
    assert.ok(Math.abs(m.nrs.ci_low - (-2.5 - half)) < 1e-9 && Math.abs(m.nrs.ci_high - (-2.5 + half)) < 1e-9);
    assert.equal(m.nrs_percent.mean, -31.25);
    assert.deepEqual([m.dn4.n, m.dn4.insufficient, m.dn4.mean], [0, true, null]);
    const all = (await cc.get('/api/v1/outcomes/change?min_n=1')).body.rows;
    assert.deepEqual([...new Set(all.map((x) => x.milestone_day))], [30, 91, 182, 365]);
    assert.equal(all.find((x) => x.milestone_day === 91 && x.measure === 'nrs').n, 0, 'nobody has a value at 91 days');
    const one = (await cc.get('/api/v1/outcomes/change?milestone=30&min_n=2&by=biologic')).body.rows;
    assert.equal(one.filter((x) => x.measure === 'nrs').length, 2, 'all and prp');
  });
});

describe('expected outcomes for a patient like this', () => {
  let own;
  let cc;
  const make = async (onsetDays, readings) => {
    const keep = c;
    c = cc;
    try { return await treated(-120, readings, day(-120 - onsetDays)); } finally { c = keep; }
  };
  before(async () => {
    own = await startServer();
    cc = await login(own.base, 'clinician');
    // Diabetic (E11.42), PRP: three with 1-5 years at day 0 (two respond), two recent (none does).
    await make(800, { '-2': 8, 91: 3 });
    await make(900, { '-2': 8, 91: 4 });
    await make(1000, { '-2': 8, 91: 8 });
    await make(100, { '-2': 8, 91: 8 });
    await make(120, { '-2': 8, 91: 7 });
  });
  after(async () => { await stopServer(own); });

  test('the same etiology, duration and biologic first; widened a criterion at a time, saying which', async () => {
    const p = await ok(await cc.post('/api/v1/patients', newPatient()));
    await ok(await cc.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'E11.42', onset_date: day(-3 * 365) }));
    const exact = await cc.get(`/api/v1/patients/${p.id}/expected-outcomes?biologic=prp&min_n=3`);
    assert.equal(exact.status, 200, exact.text);
    assert.deepEqual(exact.body.patient, { etiology: 'diabetic', duration: '1_to_5y', chronicity: 'chronic' });
    const [prp] = exact.body.items;
    assert.deepEqual(prp.match, { etiology: 'diabetic', duration: '1_to_5y' });
    assert.deepEqual(prp.dropped, []);
    assert.deepEqual([prp.responders, prp.denominator], [2, 3]);
    assert.ok(prp.ci_low < prp.rate && prp.rate < prp.ci_high);
    assert.match(prp.statement, /^Of 3 past patients with diabetic neuropathy for 1 to 5y treated with .* 2 \(67 %, 95 % CI 9-99 %\)/);
    assert.match(prp.statement, /adverse event/);
    const wide = (await cc.get(`/api/v1/patients/${p.id}/expected-outcomes?biologic=prp&min_n=5`)).body.items[0];
    assert.deepEqual(wide.dropped, ['duration band (widened to recent / chronic)', 'etiology', 'chronicity']);
    assert.deepEqual([wide.denominator, wide.responders, wide.match], [5, 2, {}]);
    assert.deepEqual(wide.tried.map((x) => x.denominator), [3, 3, 3, 5]);
    const thin = (await cc.get(`/api/v1/patients/${p.id}/expected-outcomes?biologic=prp`)).body.items[0];
    assert.equal(thin.insufficient, true);
    assert.equal(thin.rate, null);
    assert.match(thin.statement, /^Not enough data: 5 past patients treated with .* are due at 91 days; at least 10 are needed/);
    const every = (await cc.get(`/api/v1/patients/${p.id}/expected-outcomes?min_n=3`)).body.items;
    assert.ok(every.length >= 3 && every.some((x) => x.biologic === 'bmac' && x.denominator === 0 && x.insufficient));
    for (const x of every) assert.ok(!JSON.stringify(x).includes(p.id));
    assertInvalid(await cc.get(`/api/v1/patients/${p.id}/expected-outcomes?biologic=gold&milestone=5`), ['biologic', 'milestone']);
    assertProblem(await cc.get('/api/v1/patients/01234567-89ab-7def-8123-456789abcdef/expected-outcomes'), 404);
    const fd = await login(own.base, 'front_desk');
    assertProblem(await fd.get(`/api/v1/patients/${p.id}/expected-outcomes`), 403, 'the answer names the diagnosis, which the front desk does not read');
    assert.equal((await (await login(own.base, 'nurse')).get(`/api/v1/patients/${p.id}/expected-outcomes`)).status, 200);
    assertProblem(await (await login(own.base, 'researcher')).get(`/api/v1/patients/${p.id}/expected-outcomes`), 403);
    assert.ok(Number(sqlite(own.db, `SELECT count(*) FROM audit WHERE action = 'patient.read' AND patient_id = '${p.id}' AND detail = 'expected outcomes'`)) >= 1);
  });

  test('a patient without an onset: matched on etiology and biologic, the duration said to be unknown', async () => {
    const p = await ok(await cc.post('/api/v1/patients', newPatient()));
    await ok(await cc.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'E11.42' }));
    const r = (await cc.get(`/api/v1/patients/${p.id}/expected-outcomes?biologic=prp&min_n=5`)).body;
    assert.deepEqual(r.patient.duration, null);
    assert.deepEqual(r.items[0].match, { etiology: 'diabetic' });
    assert.deepEqual([r.items[0].denominator, r.items[0].responders], [5, 2]);
  });
});

describe('dose-response', () => {
  let own;
  let cc;
  before(async () => {
    own = await startServer();
    cc = await login(own.base, 'clinician');
    const keep = c;
    c = cc;
    try {
      // Platelet fold 2 to 7 (platelets over a blood count of 200,000/uL); the top two respond.
      for (const [fold, after] of [[2, 8], [3, 7], [4, 3], [5, 8], [6, 2], [7, 3]]) {
        await treated(-120, { '-2': 8, 91: after }, null, { platelets_per_ul: fold * 200000, baseline_platelets_per_ul: 200000 });
      }
      await treated(-120, { '-2': 8, 91: 2 }); // no counts: not recorded
    } finally { c = keep; }
  });
  after(async () => { await stopServer(own); });

  test('responder rates by tertile of platelet fold, with the range of each and a row for doses not recorded', async () => {
    const r = await cc.get('/api/v1/outcomes/dose-response?milestone=91&min_n=1');
    assert.equal(r.status, 200, r.text);
    const fold = r.body.rows.filter((x) => x.dose === 'platelet_fold');
    assert.deepEqual(fold.map((x) => [x.tertile, x.due, x.responders, x.dose_low, x.dose_high]),
      [['1', 2, 0, 2, 3], ['2', 2, 1, 4, 5], ['3', 2, 2, 6, 7], ['not_recorded', 1, 1, null, null]]);
    assert.equal(fold[2].rate, 1);
    const cells = r.body.rows.filter((x) => x.dose === 'cells');
    assert.deepEqual(cells.map((x) => x.due), [0, 0, 0, 7], 'PRP gives no cell count');
    assert.match(r.body.definition.dose, /not proof that more works better/);
    const csv = await cc.get('/api/v1/outcomes/dose-response?milestone=91&min_n=1&format=csv');
    assert.match(csv.text, /\r\ndose,tertile,patients,due,/);
  });
});
