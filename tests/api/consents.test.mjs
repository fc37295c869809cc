// Consent: the documents (honest about the evidence, no internal references), a consent recorded
// against a plan of the same biologic, whether it is current, and withdrawal, which stops the plan
// in the same transaction.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, newPatient } from '../lib/server.mjs';
import { assertInvalid, assertProblem, stopServer, todayUTC, addDays, ymd, sqlite } from './helpers.mjs';

let srv;
let c; // clinician
let n; // nurse
let fd; // front desk
let p;
let cond;
const today = todayUTC();
const day = (k) => ymd(addDays(today, k));

before(async () => {
  srv = await startServer();
  [c, n, fd] = await Promise.all(['clinician', 'nurse', 'front_desk'].map((r) => login(srv.base, r)));
  p = (await c.post('/api/v1/patients', newPatient({ birth_date: '1950-06-01' }))).body;
  cond = (await c.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'E11.42' })).body;
});
after(async () => { await stopServer(srv); });

async function plan(protocol = 'prp-series') {
  const r = await c.post(`/api/v1/patients/${p.id}/plans`, { protocol, condition_id: cond.id, start_date: day(0) });
  assert.equal(r.status, 201, r.text);
  return r.body;
}
const sign = (pl, over = {}) => c.post(`/api/v1/patients/${p.id}/consents`,
  { document: 'prp', version: '1', plan_id: pl.id, signed_on: day(0), witness: 'Dr Test', ...over });

describe('documents', () => {
  test('one per biologic, current, stating the evidence, risks and costs, citing publications', async () => {
    const items = (await fd.get('/api/v1/consent-documents')).body.items;
    assert.deepEqual(items.map((d) => d.biologic).sort(), ['adipose_svf', 'bmac', 'prp']);
    for (const d of items) {
      assert.equal(d.current, true);
      const text = d.sections.map((s) => `${s.heading} ${s.text}`).join(' ');
      assert.match(text, /risk/i, d.id);
      assert.match(text, /cost|pay/i, d.id);
      assert.ok(!/facts\.md/.test(text), d.id);
    }
    assert.match(items.find((d) => d.id === 'prp').sections.map((s) => s.text).join(' '), /Hassanien/);
  });
});

describe('recording', () => {
  test('201: signed, current, with the document title and biologic', async () => {
    const pl = await plan();
    const r = await sign(pl);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.status, 'signed');
    assert.equal(r.body.current, true);
    assert.equal(r.body.biologic, 'prp');
    assert.match(r.body.title, /platelet-rich plasma/);
    const list = (await n.get(`/api/v1/patients/${p.id}/consents?plan_id=${pl.id}`)).body.items;
    assert.deepEqual(list.map((x) => x.id), [r.body.id]);
  });

  test('422: unknown document or version, another biologic\'s document, another patient\'s plan, dates', async () => {
    const pl = await plan();
    assertInvalid(await sign(pl, { document: 'snake-oil' }), ['document']);
    assertInvalid(await sign(pl, { version: '7' }), ['version']);
    assertInvalid(await sign(pl, { document: 'bmac' }), ['document']);
    assertInvalid(await sign(pl, { signed_on: day(1), witness: '' }), ['signed_on', 'witness']);
    const q = (await c.post('/api/v1/patients', newPatient())).body;
    const qc = (await c.post(`/api/v1/patients/${q.id}/conditions`, { icd10: 'E11.42' })).body;
    const qp = (await c.post(`/api/v1/patients/${q.id}/plans`, { protocol: 'prp-series', condition_id: qc.id, start_date: day(0) })).body;
    assertInvalid(await sign(pl, { plan_id: qp.id }), ['plan_id']);
    assertInvalid(await sign(pl, { status: 'withdrawn' }), ['status']);
  });

  test('no consent to a plan that has ended', async () => {
    const pl = await plan();
    await c.post(`/api/v1/plans/${pl.id}/status`, { status: 'declined' }, { 'If-Match': '"1"' });
    assertProblem(await sign(pl), 409);
  });

  test('nurses and front desk do not record consent', async () => {
    const pl = await plan();
    assertProblem(await n.post(`/api/v1/patients/${p.id}/consents`, { document: 'prp', version: '1', plan_id: pl.id, signed_on: day(0), witness: 'x' }), 403);
    assertProblem(await fd.get(`/api/v1/patients/${p.id}/consents`), 403);
  });
});

describe('withdrawal', () => {
  test('withdrawn with reason and date; the accepted plan is stopped in the same transaction', async () => {
    const pl = await plan();
    await c.post(`/api/v1/plans/${pl.id}/status`, { status: 'accepted' }, { 'If-Match': '"1"' });
    const k = (await sign(pl)).body;
    const u = `/api/v1/consents/${k.id}/withdraw`;
    assertInvalid(await c.post(u, {}, { 'If-Match': '"1"' }), ['reason', 'withdrawn_on']);
    assertInvalid(await c.post(u, { reason: 'x', withdrawn_on: day(-1) }, { 'If-Match': '"1"' }), ['withdrawn_on']);
    assertProblem(await c.post(u, { reason: 'x', withdrawn_on: day(0) }), 428);
    const r = await c.post(u, { reason: 'Changed her mind', withdrawn_on: day(0) }, { 'If-Match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'withdrawn');
    assert.equal(r.body.current, false);
    assert.equal(r.body.withdrawn_on, day(0));
    assert.equal(r.body.plan_status, 'stopped');
    const kept = (await c.get(`/api/v1/consents/${k.id}`)).body;
    assert.equal(kept.withdrawn_on, day(0), 'the withdrawal date is stored');
    assert.equal(kept.status_reason, 'Changed her mind');
    const got = (await c.get(`/api/v1/plans/${pl.id}`)).body;
    assert.equal(got.status, 'stopped');
    assert.match(got.status_reason, /Consent withdrawn on .*: Changed her mind/);
    assert.ok(got.steps.length > 0 && got.steps.every((x) => x.status === 'skipped' && x.status_reason === 'plan stopped'),
      'the plan\'s steps still planned are skipped with it');
    assertProblem(await c.post(u, { reason: 'again', withdrawn_on: day(0) }, { 'If-Match': '"2"' }), 409);
    assert.equal(sqlite(srv.db, `SELECT count(*) FROM audit WHERE action = 'consent.withdraw' AND resource_id = '${k.id}'`), '1');
    assert.equal(sqlite(srv.db, `SELECT detail FROM audit WHERE action = 'plan.status' AND resource_id = '${pl.id}' ORDER BY seq DESC LIMIT 1`),
      'accepted -> stopped: consent withdrawn');
  });

  test('a proposed plan is declined when its consent is withdrawn', async () => {
    const pl = await plan();
    const k = (await sign(pl)).body;
    const r = await c.post(`/api/v1/consents/${k.id}/withdraw`, { reason: 'No', withdrawn_on: day(0) }, { 'If-Match': '"1"' });
    assert.equal(r.body.plan_status, 'declined');
  });
});
