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
async function treated(injected, readings, onset = null) {
  const p = await ok(await c.post('/api/v1/patients', newPatient()));
  const cond = await ok(await c.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'E11.42', ...(onset ? { onset_date: onset } : {}) }));
  const pl = await ok(await c.post(`/api/v1/patients/${p.id}/plans`, { protocol: 'prp-series', condition_id: cond.id, start_date: day(injected - 7) }));
  await ok(await c.post(`/api/v1/plans/${pl.id}/status`, { status: 'accepted' }, { 'If-Match': '"1"' }));
  await ok(await c.post(`/api/v1/patients/${p.id}/consents`, { document: 'prp', version: '1', plan_id: pl.id, signed_on: day(injected - 7), witness: 'x' }));
  const on = day(injected);
  const draw = await ok(await c.post(`/api/v1/plans/${pl.id}/procedures`, { kind: 'blood_draw', performed_on: on, volume_ml: 30 }));
  const proc = await ok(await c.post(`/api/v1/plans/${pl.id}/procedures`, { kind: 'processing', performed_on: on, from: draw.id, method: 'spin' }));
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
    assertInvalid(await c.get('/api/v1/outcomes/responders?milestone=60&threshold=0&analysis=best&by=age&min_n=0'),
      ['milestone', 'threshold', 'analysis', 'by', 'min_n']);
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
