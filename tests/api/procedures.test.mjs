// Procedures from harvest to injection: each kind's own fields and plausible values, the gates
// (an accepted plan, a current consent, the study reference of an investigational biologic), the
// plan step marked done and the plan under way in the same transaction, links between records of
// the same patient, and who may record which kind.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, newPatient } from '../lib/server.mjs';
import { assertInvalid, assertProblem, stopServer, todayUTC, addDays, ymd, sqlite } from './helpers.mjs';

let srv;
let c; // clinician
let n; // nurse
let p;
let cond;
const today = todayUTC();
const day = (k) => ymd(addDays(today, k));

before(async () => {
  srv = await startServer();
  [c, n] = await Promise.all(['clinician', 'nurse'].map((r) => login(srv.base, r)));
  p = (await c.post('/api/v1/patients', newPatient({ birth_date: '1952-02-02' }))).body;
  cond = (await c.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'E11.42' })).body;
});
after(async () => { await stopServer(srv); });

// A plan of protocol, accepted and consented unless told otherwise.
async function plan(protocol = 'prp-series', { accept = true, consent = true, doc = 'prp' } = {}) {
  const pl = (await c.post(`/api/v1/patients/${p.id}/plans`, { protocol, condition_id: cond.id, start_date: day(-7) })).body;
  if (accept) assert.equal((await c.post(`/api/v1/plans/${pl.id}/status`, { status: 'accepted' }, { 'If-Match': '"1"' })).status, 200);
  if (consent) {
    const k = await c.post(`/api/v1/patients/${p.id}/consents`, { document: doc, version: '1', plan_id: pl.id, signed_on: day(-1), witness: 'Dr Test' });
    assert.equal(k.status, 201, k.text);
  }
  return (await c.get(`/api/v1/plans/${pl.id}`)).body;
}
const record = (pl, body, who = c) => who.post(`/api/v1/plans/${pl.id}/procedures`, body);
const stepOf = (pl, kind, i = 0) => pl.steps.filter((s) => s.kind === kind)[i];

describe('PRP from blood draw to injection', () => {
  test('blood draw (nurse), processing with the platelet factor, injection; steps done, plan under way', async () => {
    const pl = await plan();
    const draw = await record(pl, { kind: 'blood_draw', performed_on: day(0), volume_ml: 60, step_id: stepOf(pl, 'blood_draw').id }, n);
    assert.equal(draw.status, 201, draw.text);
    assert.equal(draw.body.plan_status, 'in_progress', 'the first procedure starts the plan');
    assert.equal(draw.body.step_status, 'done');
    assert.equal(draw.body.minimally_manipulated, null, 'not said is not "no"');
    assert.equal((await c.get(`/api/v1/procedures/${draw.body.id}`)).body.minimally_manipulated, null);
    const proc = await record(pl, { kind: 'processing', performed_on: day(0), from: draw.body.id, method: 'double spin',
      device: 'Kit X', kit_lot: 'LOT-PRP-0042', platelets_per_ul: 1100000, baseline_platelets_per_ul: 250000, leukocytes: 'poor' }, n);
    assert.equal(proc.status, 201, proc.text);
    assert.equal(proc.body.platelet_fold, 4.4);
    const inj = await record(pl, { kind: 'injection', performed_on: day(0), product: proc.body.id, volume_ml: 4,
      side: 'both', nerves: ['tibial', 'sural'], guidance: 'ultrasound', operator: 'Dr Test', lot_numbers: ['LOT-PRP-0042'],
      step_id: stepOf(pl, 'injection').id });
    assert.equal(inj.status, 201, inj.text);
    assert.deepEqual(inj.body.nerves, ['tibial', 'sural']);
    const now = (await c.get(`/api/v1/plans/${pl.id}`)).body;
    assert.equal(now.status, 'in_progress');
    assert.equal(stepOf(now, 'injection').status, 'done');
    assert.equal(stepOf(now, 'injection', 1).status, 'planned');
    const list = (await n.get(`/api/v1/patients/${p.id}/procedures`)).body.items.map((x) => x.id);
    for (const x of [draw, proc, inj]) assert.ok(list.includes(x.body.id));
  });

  test('BMAC: the cells injected are the product\'s nucleated cells unless counted', async () => {
    const pl = await plan('bmac', { doc: 'bmac' });
    const hv = await record(pl, { kind: 'harvest', performed_on: day(0), source: 'bone_marrow', site: 'posterior_iliac_crest_left', volume_ml: 60 });
    assert.equal(hv.status, 201, hv.text);
    const pr = await record(pl, { kind: 'processing', performed_on: day(0), from: hv.body.id, method: 'density gradient',
      nucleated_cells: 2.5e8, viability_pct: 96, cd34_cells: 2e6, minimally_manipulated: true });
    assert.equal(pr.status, 201, pr.text);
    const inj = { kind: 'injection', performed_on: day(0), product: pr.body.id, volume_ml: 10, side: 'both',
      nerves: ['tibial', 'common_peroneal'], guidance: 'ultrasound', operator: 'Dr Test' };
    const a = await record(pl, inj);
    assert.equal(a.status, 201, a.text);
    assert.equal(a.body.cells, 2.5e8);
    assert.equal(a.body.cells_from_product, true);
    const b = await record(pl, { ...inj, cells: 1.2e8 });
    assert.equal(b.body.cells, 1.2e8);
    assert.equal(b.body.cells_from_product, false);
    assertInvalid(await record(pl, { ...inj, cells: 5 }), ['cells']);
    // The product was injected already: its whole count is not given twice.
    const twice = assertInvalid(await record(pl, inj), ['cells']);
    assert.match(twice.errors[0].message, /injected before/);
    for (const x of [a, b]) {
      assert.equal((await c.post(`/api/v1/procedures/${x.body.id}/void`, { reason: 'Test' }, { 'If-Match': '"1"' })).status, 200);
    }
    assert.equal((await record(pl, inj)).body.cells_from_product, true, 'once the others are voided, the count is taken again');
    assertInvalid(await record(pl, { kind: 'processing', performed_on: day(0), from: hv.body.id, method: 'x', cells: 1e6 }), ['cells']);
  });

  test('a nurse does not record harvests or injections', async () => {
    const pl = await plan('bmac', { doc: 'bmac' });
    assertProblem(await record(pl, { kind: 'harvest', performed_on: day(0), source: 'bone_marrow', site: 'posterior_iliac_crest_left', volume_ml: 60 }, n), 403);
  });
});

describe('each kind its own fields, each value plausible', () => {
  let pl;
  before(async () => { pl = await plan(); });

  test('fields of another kind are refused, a kind\'s required ones named', async () => {
    assertInvalid(await record(pl, { kind: 'blood_draw', performed_on: day(0), volume_ml: 20, source: 'adipose', nerves: ['tibial'] }), ['source', 'nerves']);
    assertInvalid(await record(pl, { kind: 'injection', performed_on: day(0) }), ['product', 'volume_ml', 'side', 'nerves', 'guidance', 'operator']);
    assertInvalid(await record(pl, { kind: 'processing', performed_on: day(0) }), ['from', 'method']);
    assertInvalid(await record(pl, { kind: 'tattoo', performed_on: day(0) }), ['kind']);
  });

  test('implausible values: 422 naming the field', async () => {
    assertInvalid(await record(pl, { kind: 'blood_draw', performed_on: day(1), volume_ml: 500 }), ['performed_on', 'volume_ml']);
    const draw = (await record(pl, { kind: 'blood_draw', performed_on: day(0), volume_ml: 30 })).body;
    assertInvalid(await record(pl, { kind: 'processing', performed_on: day(0), from: draw.id, method: 'spin', viability_pct: 130,
      nucleated_cells: 5, platelets_per_ul: 900000 }), ['viability_pct', 'nucleated_cells', 'baseline_platelets_per_ul']);
    assertInvalid(await record(pl, { kind: 'injection', performed_on: day(0), product: draw.id, volume_ml: 4, side: 'up',
      nerves: ['tibial', 'tibial', 'spleen'], guidance: 'ultrasound', operator: 'Dr' }), ['product', 'side', 'nerves[1]', 'nerves[2]']);
  });

  test('links stay within the patient and the plan', async () => {
    const other = await plan();
    assertInvalid(await record(pl, { kind: 'blood_draw', performed_on: day(0), volume_ml: 20, step_id: stepOf(other, 'blood_draw').id }), ['step_id']);
    assertInvalid(await record(pl, { kind: 'blood_draw', performed_on: day(0), volume_ml: 20, step_id: stepOf(pl, 'injection').id }), ['step_id']);
    const q = (await c.post('/api/v1/patients', newPatient())).body;
    const qc = (await c.post(`/api/v1/patients/${q.id}/conditions`, { icd10: 'E11.42' })).body;
    const qp = (await c.post(`/api/v1/patients/${q.id}/plans`, { protocol: 'prp-series', condition_id: qc.id, start_date: day(0) })).body;
    await c.post(`/api/v1/plans/${qp.id}/status`, { status: 'accepted' }, { 'If-Match': '"1"' });
    await c.post(`/api/v1/patients/${q.id}/consents`, { document: 'prp', version: '1', plan_id: qp.id, signed_on: day(0), witness: 'x' });
    const theirs = (await record(qp, { kind: 'blood_draw', performed_on: day(0), volume_ml: 20 })).body;
    assertInvalid(await record(pl, { kind: 'processing', performed_on: day(0), from: theirs.id, method: 'spin' }), ['from']);
  });
});

describe('voiding', () => {
  test('a voided procedure reopens its step, which can then be done anew; each change audited', async () => {
    const pl = await plan();
    const step = stepOf(pl, 'blood_draw');
    const d = (await record(pl, { kind: 'blood_draw', performed_on: day(0), volume_ml: 20, step_id: step.id })).body;
    const v = await c.post(`/api/v1/procedures/${d.id}/void`, { reason: 'Wrong patient label' }, { 'If-Match': '"1"' });
    assert.equal(v.status, 200, v.text);
    assert.equal(v.body.status, 'voided');
    assert.equal(v.body.step_status, 'planned');
    const again = await record(pl, { kind: 'blood_draw', performed_on: day(0), volume_ml: 20, step_id: step.id });
    assert.equal(again.status, 201, again.text);
    const audit = sqlite(srv.db, `SELECT group_concat(action || ' ' || ifnull(detail, ''), ' | ') FROM (SELECT action, detail FROM audit WHERE resource_id = '${step.id}' ORDER BY seq)`);
    assert.match(audit, /^plan_step.status planned -> done by blood_draw \S+ \| plan_step.status done -> planned: procedure \S+ voided \| plan_step.status planned -> done by blood_draw/);
    assert.equal(sqlite(srv.db, `SELECT count(*) FROM audit WHERE resource_id = '${pl.id}' AND action = 'plan.status' AND detail LIKE 'accepted -> in_progress by %'`), '1');
  });
});

describe('voiding under an ended plan', () => {
  test('the step a voided procedure fulfilled is skipped, not planned again, once the plan has ended', async () => {
    const pl = await plan();
    const step = stepOf(pl, 'blood_draw');
    const d = (await record(pl, { kind: 'blood_draw', performed_on: day(0), volume_ml: 20, step_id: step.id })).body;
    const done = await c.post(`/api/v1/plans/${pl.id}/status`, { status: 'completed' }, { 'If-Match': '"3"' });
    assert.equal(done.status, 200, done.text);
    const v = await c.post(`/api/v1/procedures/${d.id}/void`, { reason: 'Wrong patient label' }, { 'If-Match': '"1"' });
    assert.equal(v.status, 200, v.text);
    assert.equal(v.body.step_status, 'skipped');
    const now = (await c.get(`/api/v1/plans/${pl.id}`)).body;
    const s = now.steps.find((x) => x.id === step.id);
    assert.equal(s.status, 'skipped');
    assert.match(s.status_reason, /voided; plan completed/);
    assert.ok(!now.steps.some((x) => x.status === 'overdue' || x.status === 'planned'), 'an ended plan has nothing left to do');
  });
});

describe('gates', () => {
  test('no procedure before the plan is accepted, nor without a current consent', async () => {
    const proposed = await plan('prp-series', { accept: false, consent: true });
    assertProblem(await record(proposed, { kind: 'blood_draw', performed_on: day(0), volume_ml: 20 }), 409);
    const unsigned = await plan('prp-series', { consent: false });
    const r = await record(unsigned, { kind: 'blood_draw', performed_on: day(0), volume_ml: 20 });
    assertProblem(r, 409);
    assert.match(r.body.detail, /No current consent for this plan: record the patient's signed consent to ".*platelet-rich plasma.*", version 1 first/);
  });

  test('a withdrawn consent stops the plan: nothing more is recorded', async () => {
    const pl = await plan();
    const k = (await c.get(`/api/v1/patients/${p.id}/consents?plan_id=${pl.id}`)).body.items[0];
    await c.post(`/api/v1/consents/${k.id}/withdraw`, { reason: 'No', withdrawn_on: day(0) }, { 'If-Match': '"1"' });
    const r = await record(pl, { kind: 'blood_draw', performed_on: day(0), volume_ml: 20 });
    assertProblem(r, 409);
    assert.match(r.body.detail, /stopped/);
  });

  test('an investigational biologic needs the plan\'s study reference first', async () => {
    const pl = await plan('adipose-svf', { doc: 'adipose-svf' });
    const body = { kind: 'harvest', performed_on: day(0), source: 'adipose', site: 'abdomen', volume_ml: 200, anaesthesia: 'local tumescent' };
    const r = await record(pl, body);
    assertProblem(r, 409);
    assert.match(r.body.detail, /investigational: add the plan's study reference \(IND, IRB approval or registry number\)/);
    const v = (await c.get(`/api/v1/plans/${pl.id}`)).body.version;
    await c.patch(`/api/v1/plans/${pl.id}`, { study_reference: 'NCT00000000' }, { 'If-Match': `"${v}"` });
    assert.equal((await record(pl, body)).status, 201);
  });
});

// Records a PRP series (blood draw, processing with kit lot, injection with lots) for patient q.
async function prpFor(q, kitLot, lots, on = day(0)) {
  const qc = (await c.post(`/api/v1/patients/${q.id}/conditions`, { icd10: 'E11.42' })).body;
  const qp = (await c.post(`/api/v1/patients/${q.id}/plans`, { protocol: 'prp-series', condition_id: qc.id, start_date: day(-7) })).body;
  assert.equal((await c.post(`/api/v1/plans/${qp.id}/status`, { status: 'accepted' }, { 'If-Match': '"1"' })).status, 200);
  await c.post(`/api/v1/patients/${q.id}/consents`, { document: 'prp', version: '1', plan_id: qp.id, signed_on: day(-1), witness: 'x' });
  const draw = (await record(qp, { kind: 'blood_draw', performed_on: on, volume_ml: 30 })).body;
  const proc = await record(qp, { kind: 'processing', performed_on: on, from: draw.id, method: 'double spin', kit_lot: kitLot,
    platelets_per_ul: 1000000, baseline_platelets_per_ul: 250000 });
  assert.equal(proc.status, 201, proc.text);
  const inj = await record(qp, { kind: 'injection', performed_on: on, product: proc.body.id, volume_ml: 4, side: 'left',
    nerves: ['tibial'], guidance: 'ultrasound', operator: 'Dr Test', lot_numbers: lots });
  assert.equal(inj.status, 201, inj.text);
  return { proc: proc.body, inj: inj.body };
}

describe('lot traceability', () => {
  test('GET /lots/{lot}: every processing and injection that used it, across patients, oldest first, audited per patient', async () => {
    const a = (await c.post('/api/v1/patients', newPatient({ family_name: 'Lotone' }))).body;
    const b = (await c.post('/api/v1/patients', newPatient({ family_name: 'Lottwo' }))).body;
    const x = await prpFor(a, 'KIT-RECALL-1', ['SYR-9', 'KIT-RECALL-1'], day(-2));
    const y = await prpFor(b, 'KIT-OTHER', ['SYR-9', 'ACD-A-77']);
    const r = await n.get('/api/v1/lots/KIT-RECALL-1');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.lot, 'KIT-RECALL-1');
    assert.deepEqual(r.body.items.map((i) => [i.id, i.kind, i.lot_as, i.patient.id, i.performed_on]),
      [[x.proc.id, 'processing', 'kit_lot', a.id, day(-2)], [x.inj.id, 'injection', 'lot_numbers', a.id, day(-2)]]);
    assert.equal(r.body.items[0].patient.mrn, a.mrn);
    assert.equal(r.body.truncated, false);
    const lower = (await n.get('/api/v1/lots/kit-recall-1')).body;
    assert.deepEqual(lower.items.map((i) => [i.id, i.lot_as]), [[x.proc.id, 'kit_lot'], [x.inj.id, 'lot_numbers']],
      'letter case does not hide a record from a recall');
    assert.equal(r.body.items[0].patient.family_name, 'Lotone');
    const syr = (await c.get('/api/v1/lots/SYR-9')).body.items;
    assert.deepEqual(syr.map((i) => i.id), [x.inj.id, y.inj.id], 'a lot used by two patients finds both');
    assert.deepEqual((await c.get('/api/v1/lots/SYR')).body.items, [], 'a lot is matched whole, not as a prefix');
    assert.deepEqual((await c.get('/api/v1/lots/ACD-A-77')).body.items.map((i) => i.id), [y.inj.id]);
    assert.equal(sqlite(srv.db, "SELECT count(*) FROM audit WHERE action = 'lot.read' AND detail = 'SYR-9'"), '2');
    const v = await c.post(`/api/v1/procedures/${y.inj.id}/void`, { reason: 'Recorded twice' }, { 'If-Match': '"1"' });
    assert.equal(v.status, 200, v.text);
    const after = (await c.get('/api/v1/lots/ACD-A-77')).body;
    assert.deepEqual(after.items, []);
    assert.equal(after.voided, 1);
  });

  test('a lot is recorded without a comma or a slash, so that it can be looked up whole', async () => {
    const pl = await plan();
    const draw = (await record(pl, { kind: 'blood_draw', performed_on: day(0), volume_ml: 30 })).body;
    assertInvalid(await record(pl, { kind: 'processing', performed_on: day(0), from: draw.id, method: 'spin', kit_lot: 'A/B' }), ['kit_lot']);
    assertInvalid(await record(pl, { kind: 'processing', performed_on: day(0), from: draw.id, method: 'spin', kit_lot: 'A,B' }), ['kit_lot']);
    assertInvalid(await record(pl, { kind: 'processing', performed_on: day(0), from: draw.id, method: 'spin', kit_lot: '..' }), ['kit_lot']);
    const proc = (await record(pl, { kind: 'processing', performed_on: day(0), from: draw.id, method: 'spin', kit_lot: 'AB' })).body;
    assertInvalid(await record(pl, { kind: 'injection', performed_on: day(0), product: proc.id, volume_ml: 4, side: 'left',
      nerves: ['tibial'], guidance: 'ultrasound', operator: 'Dr Test', lot_numbers: ['OK-1', 'X/Y'] }), ['lot_numbers[1]']);
  });

  test('a lot with a comma is refused; front desk and researchers may not look lots up', async () => {
    assertInvalid(await c.get('/api/v1/lots/A%2CB'), ['lot']);
    const [fd, rs] = await Promise.all(['front_desk', 'researcher'].map((r) => login(srv.base, r)));
    assertProblem(await fd.get('/api/v1/lots/SYR-9'), 403);
    assertProblem(await rs.get('/api/v1/lots/SYR-9'), 403);
  });
});

describe('adverse events name the procedure they followed', () => {
  test('procedure_id: this patient\'s live procedure only', async () => {
    const q = (await c.post('/api/v1/patients', newPatient())).body;
    const { inj } = await prpFor(q, 'KIT-AE', ['L-AE']);
    const ae = { term: 'Bruising at the injection site', onset_date: day(0), grade: 1, serious: false, relatedness: 'definite',
      expected: true, outcome: 'recovering' };
    const r = await n.post(`/api/v1/patients/${q.id}/adverse-events`, { ...ae, procedure_id: inj.id });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.procedure_id, inj.id);
    assertInvalid(await c.post(`/api/v1/patients/${p.id}/adverse-events`, { ...ae, procedure_id: inj.id }), ['procedure_id']);
    assertInvalid(await c.post(`/api/v1/patients/${q.id}/adverse-events`, { ...ae, procedure_id: 'nope' }), ['procedure_id']);
    const none = await c.post(`/api/v1/patients/${q.id}/adverse-events`, ae);
    assert.equal(none.body.procedure_id, null);
    const patched = await c.patch(`/api/v1/adverse-events/${none.body.id}`, { procedure_id: inj.id }, { 'If-Match': '"1"' });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.procedure_id, inj.id);
    await c.post(`/api/v1/procedures/${inj.id}/void`, { reason: 'Wrong patient' }, { 'If-Match': '"1"' });
    const late = assertInvalid(await c.post(`/api/v1/patients/${q.id}/adverse-events`, { ...ae, procedure_id: inj.id }), ['procedure_id']);
    assert.match(late.errors[0].message, /voided/);
    const unrelated = await c.patch(`/api/v1/adverse-events/${patched.body.id}`, { outcome: 'recovered', resolved_date: day(0) }, { 'If-Match': '"2"' });
    assert.equal(unrelated.status, 200, 'a change that does not touch the link is not refused for it');
  });
});

describe('the timeline', () => {
  test('procedures and adverse events sit on the patient timeline; ended ones are left out', async () => {
    const q = (await c.post('/api/v1/patients', newPatient())).body;
    const { proc, inj } = await prpFor(q, 'KIT-TL', ['L-TL'], day(-3));
    const ae = await c.post(`/api/v1/patients/${q.id}/adverse-events`, { term: 'Injection-site pain', onset_date: day(-2), grade: 1,
      serious: false, relatedness: 'definite', expected: true, outcome: 'recovered', resolved_date: day(-1), procedure_id: inj.id });
    assert.equal(ae.status, 201, ae.text);
    let tl = (await n.get(`/api/v1/patients/${q.id}/timeline`)).body;
    assert.deepEqual(tl.procedures.map((x) => [x.kind, x.date]), [['blood_draw', day(-3)], ['processing', day(-3)], ['injection', day(-3)]]);
    assert.equal(tl.procedures[2].id, inj.id);
    assert.deepEqual(tl.adverse_events.map((x) => [x.id, x.date, x.grade, x.serious, x.term]),
      [[ae.body.id, day(-2), 1, false, 'Injection-site pain']]);
    await c.post(`/api/v1/procedures/${proc.id}/void`, { reason: 'Wrong kit recorded' }, { 'If-Match': '"1"' });
    await c.patch(`/api/v1/adverse-events/${ae.body.id}`, { status: 'entered_in_error', status_reason: 'Other patient' }, { 'If-Match': '"1"' });
    tl = (await n.get(`/api/v1/patients/${q.id}/timeline`)).body;
    assert.deepEqual(tl.procedures.map((x) => x.kind), ['blood_draw', 'injection']);
    assert.deepEqual(tl.adverse_events, []);
  });
});
