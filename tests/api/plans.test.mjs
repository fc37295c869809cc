// Treatment plans: the biologics and protocols they are made from, a plan with every step of its
// protocol scheduled from the start date (follow-ups from the first injection), the status moves
// and the refused ones, skipping a step, the study reference, and who may see and do what.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, newPatient } from '../lib/server.mjs';
import { assertInvalid, assertProblem, stopServer, todayUTC, addDays, ymd, sqlite } from './helpers.mjs';

let srv;
let c; // clinician
let n; // nurse
let fd; // front desk
let rs; // researcher
let p;
let cond;
const today = todayUTC();
const day = (k, from = today) => ymd(addDays(from, k));

before(async () => {
  srv = await startServer();
  [c, n, fd, rs] = await Promise.all(['clinician', 'nurse', 'front_desk', 'researcher'].map((r) => login(srv.base, r)));
  p = (await c.post('/api/v1/patients', newPatient({ birth_date: '1955-03-01' }))).body;
  const r = await c.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'E11.42', onset_date: '2025-01-01' });
  assert.equal(r.status, 201, r.text);
  cond = r.body;
});
after(async () => { await stopServer(srv); });

const makePlan = (body, who = c, pt = p) => who.post(`/api/v1/patients/${pt.id}/plans`, body);
async function plan(over = {}) {
  const r = await makePlan({ protocol: 'prp-series', condition_id: cond.id, start_date: day(0), ...over });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

describe('catalogue', () => {
  test('three biologics with their regulatory class, its basis, and whether it is confirmed', async () => {
    const items = (await n.get('/api/v1/biologics')).body.items;
    const by = Object.fromEntries(items.map((b) => [b.id, b]));
    assert.deepEqual(Object.keys(by).sort(), ['adipose_svf', 'bmac', 'prp']);
    assert.equal(by.prp.investigational, false);
    assert.equal(by.adipose_svf.investigational, true);
    assert.equal(by.bmac.class_confirmed, false, 'homologous use for nerves is doubtful');
    for (const b of items) assert.ok(b.basis.length > 40, b.id);
    assert.ok(!JSON.stringify(items).includes('facts.md'));
  });

  test('protocols: list and one, with steps, windows and follow-up instruments', async () => {
    const items = (await fd.get('/api/v1/protocols')).body.items;
    assert.deepEqual(items.map((x) => x.id).sort(), ['adipose-svf', 'bmac', 'prp-series']);
    const svf = items.find((x) => x.id === 'adipose-svf');
    assert.equal(svf.investigational, true);
    const prp = (await c.get('/api/v1/protocols/prp-series')).body;
    const inj = prp.steps.filter((s) => s.kind === 'injection').map((s) => s.day);
    assert.deepEqual(inj, [7, 35, 63]);
    const fu = prp.steps.filter((s) => s.kind === 'follow_up');
    assert.deepEqual(fu.map((s) => s.after_first_injection), [30, 91, 182, 365]);
    assert.deepEqual(fu.map((s) => s.window), [[14, 14], [21, 21], [30, 30], [45, 45]]);
    // RAND-36 (quality of life) from three months on; version 2 of the protocols added it.
    assert.deepEqual(fu.map((s) => s.instruments), [
      ['nrs', 'dn4', 'mnsi-history', 'pgic'],
      ...[91, 182, 365].map(() => ['nrs', 'dn4', 'mnsi-history', 'pgic', 'rand-36'])]);
    for (const id of ['bmac', 'adipose-svf']) {
      const other = (await c.get(`/api/v1/protocols/${id}`)).body.steps.filter((s) => s.kind === 'follow_up');
      assert.deepEqual(other.map((s) => s.instruments.includes('rand-36')), [false, true, true, true], id);
    }
    assertProblem(await c.get('/api/v1/protocols/nope'), 404);
  });
});

describe('making a plan', () => {
  test('201: proposed, with the biologic, its class, and every step scheduled', async () => {
    const start = addDays(today, 3);
    const r = await makePlan({ protocol: 'prp-series', condition_id: cond.id, start_date: ymd(start), notes: 'Discussed costs' });
    assert.equal(r.status, 201, r.text);
    const pl = r.body;
    assert.equal(r.headers.get('location'), `/api/v1/plans/${pl.id}`);
    assert.equal(pl.status, 'proposed');
    assert.equal(pl.protocol, 'prp-series');
    assert.equal(pl.protocol_version, '2');
    assert.equal(pl.biologic, 'prp');
    assert.equal(pl.regulatory_class, 'blood_component');
    assert.equal(pl.investigational, false);
    assert.equal(pl.steps.length, 14);
    assert.deepEqual(pl.steps.map((s) => s.seq), [...Array(14).keys()].map((i) => i + 1));
    const inj = pl.steps.filter((s) => s.kind === 'injection');
    assert.deepEqual(inj.map((s) => s.due_date), [7, 35, 63].map((d) => day(d, start)));
    assert.deepEqual([inj[0].window_from, inj[0].window_to], [day(4, start), day(10, start)]);
    // Follow-ups count from the first injection (day 7 of the plan).
    const fu = pl.steps.filter((s) => s.kind === 'follow_up');
    assert.deepEqual(fu.map((s) => s.due_date), [30, 91, 182, 365].map((d) => day(7 + d, start)));
    assert.deepEqual([fu[3].window_from, fu[3].window_to], [day(7 + 365 - 45, start), day(7 + 365 + 45, start)]);
    assert.deepEqual(fu[0].instruments, ['nrs', 'dn4', 'mnsi-history', 'pgic']);
    assert.deepEqual(fu[1].instruments, ['nrs', 'dn4', 'mnsi-history', 'pgic', 'rand-36']);
    for (const s of pl.steps) assert.equal(s.status, 'planned');
    // Plan and steps were written together, with one audit record.
    assert.equal(sqlite(srv.db, `SELECT count(*) FROM plan_steps WHERE plan_id = '${pl.id}'`), '14');
    assert.equal(sqlite(srv.db, `SELECT count(*) FROM audit WHERE action = 'plan.create' AND resource_id = '${pl.id}'`), '1');
    assert.deepEqual((await c.get(`/api/v1/plans/${pl.id}`)).body, pl);
  });

  test('the BMAC plan has its optional repeat six months after the first injection', async () => {
    const pl = await plan({ protocol: 'bmac' });
    const rep = pl.steps.filter((s) => s.optional);
    assert.deepEqual(rep.map((s) => s.kind), ['harvest', 'processing', 'injection']);
    for (const s of rep) assert.equal(s.due_date, day(14 + 182));
  });

  test('422: unknown protocol, a diagnosis not the patient\'s, dates, unknown fields — all at once', async () => {
    assertInvalid(await makePlan({ protocol: 'homeopathy', condition_id: '0190f0a0-0000-7000-8000-000000000000', start_date: '2026-02-30', colour: 'x' }),
      ['protocol', 'condition_id', 'start_date', 'colour']);
    assertInvalid(await makePlan({}), ['protocol', 'condition_id', 'start_date']);
    const other = (await c.post('/api/v1/patients', newPatient())).body;
    const oc = (await c.post(`/api/v1/patients/${other.id}/conditions`, { icd10: 'E11.42' })).body;
    assertInvalid(await makePlan({ protocol: 'prp-series', condition_id: oc.id, start_date: day(0) }), ['condition_id']);
    assertInvalid(await makePlan({ protocol: 'prp-series', condition_id: cond.id, start_date: '1950-01-01' }), ['start_date']);
    assertInvalid(await makePlan({ protocol: 'prp-series', condition_id: cond.id, start_date: day(0), status: 'accepted' }), ['status']);
  });

  test('a diagnosis entered in error cannot carry a plan', async () => {
    const k = (await c.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'E11.42' })).body;
    await c.patch(`/api/v1/conditions/${k.id}`, { status: 'entered_in_error', status_reason: 'duplicate' }, { 'If-Match': '"1"' });
    assertInvalid(await makePlan({ protocol: 'prp-series', condition_id: k.id, start_date: day(0) }), ['condition_id']);
  });

  test('an investigational plan says so; its study reference can be added later', async () => {
    const pl = await plan({ protocol: 'adipose-svf' });
    assert.equal(pl.investigational, true);
    assert.equal(pl.regulatory_class, 'investigational_biologic');
    assert.equal(pl.study_reference, null);
    const r = await c.patch(`/api/v1/plans/${pl.id}`, { study_reference: 'IND 012345' }, { 'If-Match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.study_reference, 'IND 012345');
    assert.equal(r.body.steps.length, pl.steps.length, 'answered with its steps');
    assertInvalid(await c.patch(`/api/v1/plans/${pl.id}`, { protocol: 'bmac', start_date: day(1) }, { 'If-Match': '"2"' }), ['protocol', 'start_date']);
  });
});

describe('moving a plan', () => {
  const move = (pl, body, v) => c.post(`/api/v1/plans/${pl.id}/status`, body, { 'If-Match': `"${v}"` });

  test('proposed -> accepted -> in_progress -> completed; then nothing more', async () => {
    const pl = await plan();
    let r = await move(pl, { status: 'accepted' }, 1);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'accepted');
    assert.equal(r.body.steps.length, 14);
    r = await move(pl, { status: 'in_progress' }, 2);
    assert.equal(r.body.status, 'in_progress');
    r = await move(pl, { status: 'completed' }, 3);
    assert.equal(r.body.status, 'completed');
    r = await move(pl, { status: 'stopped', reason: 'x' }, 4);
    assertProblem(r, 409);
    assert.match(r.body.detail, /completed/);
    assertProblem(await c.patch(`/api/v1/plans/${pl.id}`, { notes: 'late' }, { 'If-Match': '"4"' }), 409);
    const audit = sqlite(srv.db, `SELECT group_concat(detail, ' | ') FROM (SELECT detail FROM audit WHERE action = 'plan.status' AND resource_id = '${pl.id}' ORDER BY seq)`);
    assert.equal(audit, 'proposed -> accepted | accepted -> in_progress | in_progress -> completed');
  });

  test('a refused move names the current state and the allowed ones', async () => {
    const pl = await plan();
    const r = await move(pl, { status: 'completed' }, 1);
    assertProblem(r, 409);
    assert.match(r.body.detail, /is proposed; it can move to accepted or declined, not to completed/);
    assertInvalid(await move(pl, { status: 'finished' }, 1), ['status']);
    assertProblem(await move(pl, { status: 'accepted' }, 7), 412);
    assertProblem(await c.post(`/api/v1/plans/${pl.id}/status`, { status: 'accepted' }), 428);
  });

  test('stopping needs a reason; declining does not', async () => {
    const a = await plan();
    await move(a, { status: 'accepted' }, 1);
    assertInvalid(await move(a, { status: 'stopped' }, 2), ['reason']);
    const r = await move(a, { status: 'stopped', reason: 'Patient chose not to go on' }, 2);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status_reason, 'Patient chose not to go on');
    const b = await plan();
    assert.equal((await move(b, { status: 'declined' }, 1)).body.status, 'declined');
  });
});

describe('steps', () => {
  test('skip a planned step with a reason; a skipped one cannot be skipped again', async () => {
    const pl = await plan();
    const s = pl.steps.find((x) => x.kind === 'consultation');
    assertInvalid(await c.post(`/api/v1/plan-steps/${s.id}/skip`, {}, { 'If-Match': '"1"' }), ['reason']);
    assertInvalid(await c.post(`/api/v1/plan-steps/${s.id}/skip`, { reason: 'x', status: 'done' }, { 'If-Match': '"1"' }), ['status']);
    const r = await c.post(`/api/v1/plan-steps/${s.id}/skip`, { reason: 'Seen last week already' }, { 'If-Match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'skipped');
    assertProblem(await c.post(`/api/v1/plan-steps/${s.id}/skip`, { reason: 'again' }, { 'If-Match': '"2"' }), 409);
    const got = (await c.get(`/api/v1/plans/${pl.id}`)).body.steps.find((x) => x.id === s.id);
    assert.equal(got.status, 'skipped');
  });

  test('a planned step whose window has closed reads as overdue', async () => {
    const pl = await plan({ start_date: day(-30) });
    const byKind = (k) => pl.steps.filter((x) => x.kind === k);
    assert.equal(byKind('consultation')[0].status, 'overdue', 'window closed on day 7');
    assert.equal(byKind('injection')[0].status, 'overdue', 'due day 7, window to day 10');
    assert.equal(byKind('injection')[1].status, 'planned', 'due day 35: window still open');
    assert.equal(byKind('follow_up')[0].status, 'planned');
  });

  test('an optional step nobody took up is never overdue', async () => {
    const pl = await plan({ protocol: 'bmac', start_date: day(-400) });
    const opt = pl.steps.filter((x) => x.optional);
    assert.ok(opt.length && opt.every((x) => x.window_to < day(0) && x.status === 'planned'), 'past its window, still only planned');
    assert.ok(pl.steps.some((x) => !x.optional && x.status === 'overdue'));
  });
});

describe('visits without a procedure, and the end of a plan', () => {
  test('a consultation or follow-up is marked done by hand; a procedure step is not', async () => {
    const pl = await plan();
    const cons = pl.steps.find((x) => x.kind === 'consultation');
    const fu = pl.steps.find((x) => x.kind === 'follow_up');
    const draw = pl.steps.find((x) => x.kind === 'blood_draw');
    assertProblem(await c.post(`/api/v1/plan-steps/${cons.id}/done`, {}), 428);
    assertInvalid(await c.post(`/api/v1/plan-steps/${cons.id}/done`, { when: 'today' }, { 'If-Match': '"1"' }), ['when']);
    assertProblem(await fd.post(`/api/v1/plan-steps/${cons.id}/done`, {}, { 'If-Match': '"1"' }), 403);
    const r = await n.post(`/api/v1/plan-steps/${cons.id}/done`, {}, { 'If-Match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'done');
    const early = assertProblem(await c.post(`/api/v1/plan-steps/${fu.id}/done`, {}, { 'If-Match': '"1"' }), 409);
    assert.match(early.detail, new RegExp(`window opens on ${fu.window_from}`), 'a follow-up is not done before its window');
    const past = await plan({ start_date: day(-40) });
    const pastFu = past.steps.find((x) => x.kind === 'follow_up');
    assert.ok(pastFu.window_from <= day(0));
    assert.equal((await c.post(`/api/v1/plan-steps/${pastFu.id}/done`, {}, { 'If-Match': '"1"' })).status, 200);
    const d = assertProblem(await c.post(`/api/v1/plan-steps/${draw.id}/done`, {}, { 'If-Match': '"1"' }), 409);
    assert.match(d.detail, /recording its procedure/);
    assertProblem(await c.post(`/api/v1/plan-steps/${cons.id}/done`, {}, { 'If-Match': '"2"' }), 409);
  });

  test('when a plan ends, its steps still planned are skipped with it, in the same transaction', async () => {
    const pl = await plan();
    const cons = pl.steps.find((x) => x.kind === 'consultation');
    assert.equal((await c.post(`/api/v1/plan-steps/${cons.id}/done`, {}, { 'If-Match': '"1"' })).status, 200);
    assert.equal((await c.post(`/api/v1/plans/${pl.id}/status`, { status: 'accepted' }, { 'If-Match': '"1"' })).status, 200);
    const r = await c.post(`/api/v1/plans/${pl.id}/status`, { status: 'stopped', reason: 'Moved away' }, { 'If-Match': '"2"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'stopped');
    assert.equal(r.headers.get('etag'), '"3"');
    const byStatus = (steps) => steps.reduce((m, x) => ({ ...m, [x.status]: (m[x.status] || 0) + 1 }), {});
    assert.deepEqual(byStatus(r.body.steps), { done: 1, skipped: 13 });
    assert.ok(r.body.steps.filter((x) => x.status === 'skipped').every((x) => x.status_reason === 'plan stopped'));
    assert.deepEqual(byStatus((await c.get(`/api/v1/plans/${pl.id}`)).body.steps), { done: 1, skipped: 13 });
    assert.equal(sqlite(srv.db, `SELECT count(*) FROM audit WHERE action = 'plan_step.status' AND detail = 'planned -> skipped: plan stopped' AND resource_id IN (SELECT id FROM plan_steps WHERE plan_id = '${pl.id}')`), '13');
    const declined = await plan();
    const dr = await c.post(`/api/v1/plans/${declined.id}/status`, { status: 'declined' }, { 'If-Match': '"1"' });
    assert.deepEqual(byStatus(dr.body.steps), { skipped: 14 });
    assert.ok(!dr.body.steps.some((x) => x.status === 'overdue'), 'an ended plan has nothing overdue');
  });
});

describe('repeat injections', () => {
  test('a clinician adds a repeat injection with a reason; it is due like any step', async () => {
    const pl = await plan();
    const url = `/api/v1/plans/${pl.id}/steps`;
    const r = await c.post(url, { kind: 'injection', due_date: day(120), reason: 'Partial response at 3 months; a fourth shot agreed' });
    assert.equal(r.status, 201, r.text);
    const s = r.body;
    assert.equal(r.headers.get('location'), `/api/v1/plan-steps/${s.id}`);
    assert.equal(s.kind, 'injection');
    assert.equal(s.status, 'planned');
    assert.equal(s.optional, false);
    assert.deepEqual([s.window_from, s.due_date, s.window_to], [day(113), day(120), day(127)]);
    assert.equal(s.added_reason, 'Partial response at 3 months; a fourth shot agreed');
    assert.equal(s.seq, 15, 'after the protocol\'s 14 steps');
    const got = (await c.get(`/api/v1/plans/${pl.id}`)).body.steps;
    assert.equal(got.length, 15);
    // In the plan, each step also lists its visits (none booked here).
    assert.deepEqual(got.find((x) => x.id === s.id), { ...s, visits: [] });
    assert.deepEqual((await c.get(`/api/v1/plan-steps/${s.id}`)).body, s);
    assert.equal(sqlite(srv.db, `SELECT detail FROM audit WHERE action = 'plan_step.add' AND resource_id = '${s.id}'`),
      `injection on ${day(120)}: Partial response at 3 months; a fourth shot agreed`);
    const w = await c.post(url, { kind: 'injection', due_date: day(60), reason: 'r', window_days: 0 });
    assert.equal(w.status, 201, w.text);
    assert.deepEqual([w.body.window_from, w.body.window_to], [day(60), day(60)]);
    const fdView = (await fd.get(`/api/v1/plan-steps/${s.id}`)).body;
    assert.equal(fdView.due_date, day(120));
    assert.ok(!('added_reason' in fdView), 'why is clinical: not for the front desk');
  });

  test('bad input: 422 naming each field, all at once; nothing added', async () => {
    const pl = await plan();
    const url = `/api/v1/plans/${pl.id}/steps`;
    assertInvalid(await c.post(url, { kind: 'massage', due_date: '2026-02-30', window_days: 90, colour: 'red' }),
      ['kind', 'due_date', 'reason', 'window_days', 'colour']);
    assertInvalid(await c.post(url, { kind: 'injection', due_date: day(-1), reason: 'r' }), ['due_date']);
    assertInvalid(await c.post(url, { kind: 'injection', due_date: day(3 * 366 + 1), reason: 'r' }), ['due_date']);
    assertInvalid(await c.post(url, { kind: 'injection', due_date: day(10), reason: '   ' }), ['reason']);
    assert.equal((await c.get(`/api/v1/plans/${pl.id}`)).body.steps.length, 14);
  });

  test('not to an ended plan (409), not by a nurse (403), not to an unknown plan (404)', async () => {
    const pl = await plan();
    const body = { kind: 'injection', due_date: day(100), reason: 'r' };
    assertProblem(await n.post(`/api/v1/plans/${pl.id}/steps`, body), 403);
    assertProblem(await c.post('/api/v1/plans/0190f0f0-0000-7000-8000-000000000000/steps', body), 404);
    assert.equal((await c.post(`/api/v1/plans/${pl.id}/status`, { status: 'declined' }, { 'If-Match': '"1"' })).status, 200);
    const r = assertProblem(await c.post(`/api/v1/plans/${pl.id}/steps`, body), 409);
    assert.match(r.detail, /declined/);
  });

  test('the BMAC repeat: accepting the optional injection takes up the harvest and processing due the same day', async () => {
    const pl = await plan({ protocol: 'bmac' });
    const opt = pl.steps.filter((x) => x.optional);
    const inj = opt.find((x) => x.kind === 'injection');
    assertProblem(await c.post(`/api/v1/plan-steps/${inj.id}/accept`, {}), 428);
    assertProblem(await n.post(`/api/v1/plan-steps/${inj.id}/accept`, {}, { 'If-Match': '"1"' }), 403);
    const r = await c.post(`/api/v1/plan-steps/${inj.id}/accept`, {}, { 'If-Match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.optional, false);
    assert.equal(r.body.version, 2);
    assert.equal(r.headers.get('etag'), '"2"');
    const now = (await c.get(`/api/v1/plans/${pl.id}`)).body.steps;
    for (const o of opt) {
      const x = now.find((y) => y.id === o.id);
      assert.equal(x.optional, o.due_date !== inj.due_date, `${o.kind} on ${o.due_date}`);
    }
    assert.ok(opt.some((o) => o.due_date === inj.due_date && o.id !== inj.id), 'a harvest is due the same day');
    const again = assertProblem(await c.post(`/api/v1/plan-steps/${inj.id}/accept`, {}, { 'If-Match': '"2"' }), 409);
    assert.match(again.detail, /not optional/);
    const fixed = now.find((x) => !x.optional);
    assertProblem(await c.post(`/api/v1/plan-steps/${fixed.id}/accept`, {}, { 'If-Match': `"${fixed.version}"` }), 409);
  });
});

describe('who', () => {
  test('nurses read plans but do not make or move them', async () => {
    const pl = await plan();
    assert.equal((await n.get(`/api/v1/plans/${pl.id}`)).status, 200);
    assertProblem(await makePlan({ protocol: 'prp-series', condition_id: cond.id, start_date: day(0) }, n), 403);
    assertProblem(await n.post(`/api/v1/plans/${pl.id}/status`, { status: 'accepted' }, { 'If-Match': '"1"' }), 403);
  });

  test('front desk sees plans and due dates, without clinical detail; researchers nothing', async () => {
    const pl = await plan({ notes: 'Anxious about needles', study_reference: 'IRB 2026-14' });
    const r = await fd.get(`/api/v1/patients/${p.id}/plans`);
    assert.equal(r.status, 200, r.text);
    const mine = r.body.items.find((x) => x.id === pl.id);
    assert.equal(mine.steps.length, 14);
    assert.equal(mine.steps[0].due_date, pl.steps[0].due_date);
    for (const k of ['notes', 'condition_id', 'study_reference', 'status_reason']) assert.ok(!(k in mine), `${k} hidden from front desk`);
    assert.ok(!('status_reason' in mine.steps[0]), 'a skip reason is clinical too');
    assert.ok(!('notes' in (await fd.get(`/api/v1/plans/${pl.id}`)).body));
    assertProblem(await makePlan({ protocol: 'prp-series', condition_id: cond.id, start_date: day(0) }, fd), 403);
    assertProblem(await rs.get(`/api/v1/patients/${p.id}/plans`), 403);
    assert.equal((await rs.get('/api/v1/protocols')).status, 200, 'the catalogue is not patient data');
  });
});
