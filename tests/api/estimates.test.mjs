// Cost estimates before the decision: every step of a plan still to come priced from the price
// list in force today as it would be invoiced (the visit, and a procedure step's procedure with
// the plan's biologic), optional steps apart, a validity date, what is not included, and the
// clinic's expected results and adverse events for patients like this one; kept as made (a later
// price does not change it); a missing price is a 409 naming it; the PDF the patient takes home,
// read back with pdftotext; every role and refusal; audited with the patient.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, newPatient } from '../lib/server.mjs';
import { assertInvalid, assertProblem, stopServer, UUID_RE, signInEveryRole } from './helpers.mjs';

let srv;
const as = {};
const ZONE = 'America/New_York';
const localToday = () => new Date().toLocaleDateString('en-CA', { timeZone: ZONE });
const plusDays = (ymd, n) => new Date(Date.parse(`${ymd}T12:00:00Z`) + n * 86400000).toISOString().slice(0, 10);
const withMatch = (c, path, version, body) => c.call('POST', path, body, { 'If-Match': `"${version}"` });
const estimate = (c, plan, body = {}) => c.post(`/api/v1/plans/${plan.id}/estimates`, body);

// The clinic's prices, in cents: visits as appointments, procedures per biologic.
const PRICES = {
  'appointment consultation': 20000,
  'appointment workup': 30000,
  'appointment blood_draw': 5000,
  'appointment harvest': 40000,
  'appointment injection': 15000,
  'appointment follow_up': 9000,
  'procedure blood_draw prp': 2500,
  'procedure processing prp': 35000,
  'procedure injection prp': 45000,
  'procedure harvest bmac': 120000,
  'procedure processing bmac': 250000,
  'procedure injection bmac': 60000,
};
const VISIT = { consultation: 'consultation', workup: 'workup', blood_draw: 'blood_draw', harvest: 'harvest', injection: 'injection', follow_up: 'follow_up' };
const BY_PROCEDURE = new Set(['blood_draw', 'harvest', 'processing', 'injection']);
// What a step costs by the table above: its visit and its procedure.
const stepCost = (kind, bio) => (VISIT[kind] ? PRICES[`appointment ${VISIT[kind]}`] : 0) + (BY_PROCEDURE.has(kind) ? PRICES[`procedure ${kind} ${bio}`] : 0);

async function addPatient(family, over = {}) {
  const r = await as.admin.post('/api/v1/patients', newPatient({ family_name: family, ...over }));
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function planFor(p, protocol, start) {
  const k = await as.admin.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'E11.42', onset_date: '2025-06-01' });
  assert.equal(k.status, 201, k.text);
  const pl = await as.admin.post(`/api/v1/patients/${p.id}/plans`, { protocol, condition_id: k.body.id, start_date: start });
  assert.equal(pl.status, 201, pl.text);
  return pl.body;
}

const pdfText = (buf) => execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-'], { input: buf }).toString('utf8');

before(async () => {
  srv = await startServer({ args: ['--timezone', ZONE, '--clinic-name', 'Riverside Neuropathy Clinic'] });
  await signInEveryRole(srv.base, as);
});
after(async () => { await stopServer(srv); });

describe('estimates', () => {
  let pat, plan, first;

  test('a step without a price in force is a 409 naming what to set; nothing is kept', async () => {
    pat = await addPatient('Müller-Öz', { given_name: 'José' });
    plan = await planFor(pat, 'prp-series', plusDays(localToday(), 14));
    // Only the consultation is priced so far.
    const put = await as.admin.call('PUT', '/api/v1/prices', { items: [{ kind: 'appointment', code: 'consultation', amount: 20000, effective_from: localToday() }] });
    assert.equal(put.status, 200, put.text);
    const b = assertProblem(await estimate(as.front_desk, plan), 409);
    const missing = b.missing.map((m) => `${m.kind} ${m.code}${m.biologic ? ` ${m.biologic}` : ''}`).sort();
    assert.deepEqual(missing, ['appointment blood_draw', 'appointment follow_up', 'appointment injection prp', 'procedure blood_draw prp', 'procedure injection prp', 'procedure processing prp']);
    assert.match(b.detail, /PUT \/api\/v1\/prices/);
    const list = await as.front_desk.get(`/api/v1/patients/${pat.id}/estimates`);
    assert.deepEqual(list.body.items, []);
  });

  test('every step priced as it would be invoiced; totals add up; no data yet is said plainly; audited', async () => {
    const items = Object.entries(PRICES).filter(([k]) => k !== 'appointment consultation').map(([k, amount]) => {
      const [kind, code, biologic] = k.split(' ');
      return { kind, code, ...(biologic ? { biologic } : {}), amount, effective_from: localToday() };
    });
    const put = await as.admin.call('PUT', '/api/v1/prices', { items });
    assert.equal(put.status, 200, put.text);
    const r = await estimate(as.front_desk, plan, { note: 'Discussed with Dr Vale' });
    assert.equal(r.status, 201, r.text);
    first = r.body;
    assert.match(first.id, UUID_RE);
    assert.equal(r.headers.get('location'), `/api/v1/estimates/${first.id}`);
    assert.deepEqual([first.currency, first.prices_on, first.valid_until, first.clinic], ['USD', localToday(), plusDays(localToday(), 29), 'Riverside Neuropathy Clinic']);
    assert.deepEqual([first.patient.mrn, first.patient.given_name, first.plan.biologic], [pat.mrn, 'José', 'prp']);
    // One line per step, in order of due date, each with its visit and procedure.
    assert.equal(first.lines.length, plan.steps.length);
    const due = first.lines.map((l) => l.due_date);
    assert.deepEqual(due, [...due].sort());
    let sum = 0;
    for (const l of first.lines) {
      assert.equal(l.amount, stepCost(l.kind, 'prp'), `${l.kind}: ${JSON.stringify(l.items)}`);
      assert.equal(l.amount, l.items.reduce((s, it) => s + it.amount, 0));
      assert.ok(l.items.every((it) => it.price_id), 'each amount names the price it came from');
      sum += l.amount;
    }
    const processing = first.lines.find((l) => l.kind === 'processing');
    assert.deepEqual(processing.items.map((it) => [it.kind, it.code, it.biologic]), [['procedure', 'processing', 'prp']]);
    assert.equal(first.total, sum);
    assert.deepEqual([first.total_optional, first.total_with_optional], [0, sum]);
    assert.ok(first.not_included.length >= 3);
    // No treated patients in this clinic yet: said, with no rate.
    assert.equal(first.expected_results.insufficient, true);
    assert.equal(first.expected_results.rate, null);
    assert.match(first.expected_results.statement, /Not enough data/);
    assert.match(first.adverse_events.statement, /No past patients like this/);
    assert.equal(first.note, 'Discussed with Dr Vale');
    const log = await as.admin.get(`/api/v1/audit?patient_id=${pat.id}&action=estimate`);
    assert.ok(log.body.items.some((e) => e.action === 'estimate.create'));
  });

  test('kept as made: a later price does not change it, and a price set for tomorrow is not used today', async () => {
    const put = await as.admin.call('PUT', '/api/v1/prices', { items: [{ kind: 'procedure', code: 'injection', biologic: 'prp', amount: 99900, effective_from: plusDays(localToday(), 1) }] });
    assert.equal(put.status, 200, put.text);
    const g = await as.clinician.get(`/api/v1/estimates/${first.id}`);
    assert.equal(g.status, 200, g.text);
    assert.deepEqual(g.body, first);
    const again = await estimate(as.clinician, plan, { valid_days: 7 });
    assert.equal(again.status, 201, again.text);
    assert.equal(again.body.total, first.total);
    assert.equal(again.body.valid_until, plusDays(localToday(), 6));
    const list = await as.front_desk.get(`/api/v1/patients/${pat.id}/estimates`);
    assert.deepEqual(list.body.items.map((e) => [e.id, e.total]), [[again.body.id, first.total], [first.id, first.total]]);
  });

  test('optional steps (a repeat BMAC session) are totalled apart', async () => {
    const p = await addPatient('Optional');
    const bplan = await planFor(p, 'bmac', plusDays(localToday(), 20));
    const r = await estimate(as.front_desk, bplan);
    assert.equal(r.status, 201, r.text);
    const opt = r.body.lines.filter((l) => l.optional);
    const req = r.body.lines.filter((l) => !l.optional);
    assert.ok(opt.length >= 2, 'the optional repeat is listed');
    const optSum = opt.reduce((s, l) => s + stepCost(l.kind, 'bmac'), 0);
    const reqSum = req.reduce((s, l) => s + stepCost(l.kind, 'bmac'), 0);
    assert.deepEqual([r.body.total, r.body.total_optional, r.body.total_with_optional], [reqSum, optSum, reqSum + optSum]);
  });

  test('the PDF the patient takes home: clinic, patient, schedule, amounts, validity, results and side effects', async () => {
    const r = await as.front_desk.call('GET', `/api/v1/estimates/${first.id}.pdf`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/pdf');
    assert.match(r.headers.get('content-disposition'), /attachment; filename="estimate-[0-9a-f]{8}\.pdf"/);
    const buf = Buffer.from(await (await fetch(`${srv.base}/api/v1/estimates/${first.id}.pdf`, { headers: { Cookie: as.front_desk.cookie } })).arrayBuffer());
    assert.equal(buf.subarray(0, 5).toString(), '%PDF-');
    const text = pdfText(buf);
    for (const want of ['Riverside Neuropathy Clinic', 'Cost estimate', 'José Müller-Öz', pat.mrn, `valid until ${first.valid_until}`,
      'Schedule and costs', 'Not included', 'What results to expect', 'Not enough data', 'Side effects seen at this clinic',
      'Discussed with Dr Vale', 'Page 1 of']) {
      assert.ok(text.includes(want), `${want} in:\n${text}`);
    }
    // The total, formatted, and each line's due date.
    const dollars = (c) => `${Math.floor(c / 100).toLocaleString('en-US')}.${String(c % 100).padStart(2, '0')} USD`;
    assert.ok(text.includes(dollars(first.total)), `${dollars(first.total)} in the PDF`);
    for (const l of first.lines) assert.ok(text.includes(l.due_date), l.due_date);
    const log = await as.admin.get(`/api/v1/audit?patient_id=${pat.id}&action=estimate.print`);
    assert.ok(log.body.items.length >= 1);
  });

  test('roles: clinicians and the front desk make estimates; nurses and researchers none; refusals', async () => {
    assertProblem(await estimate(as.nurse, plan), 403);
    assertProblem(await estimate(as.researcher, plan), 403);
    assertProblem(await as.nurse.get(`/api/v1/estimates/${first.id}`), 403);
    assertProblem(await as.researcher.get(`/api/v1/estimates/${first.id}.pdf`), 403);
    assertInvalid(await estimate(as.front_desk, plan, { valid_days: 0 }), ['valid_days']);
    assertInvalid(await estimate(as.front_desk, plan, { valid_days: 181 }), ['valid_days']);
    assertInvalid(await estimate(as.front_desk, plan, { valid_days: '30' }), ['valid_days']);
    assertInvalid(await estimate(as.front_desk, plan, { note: 'x'.repeat(1001), extra: 1 }), ['note', 'extra']);
    assertProblem(await as.front_desk.post('/api/v1/plans/00000000-0000-7000-8000-000000000000/estimates', {}), 404);
    assertProblem(await as.front_desk.get('/api/v1/estimates/00000000-0000-7000-8000-000000000000.pdf'), 404);
    assertProblem(await as.front_desk.get('/api/v1/estimates/nope'), 404);
    const p = await addPatient('Declined');
    const dplan = await planFor(p, 'prp-series', plusDays(localToday(), 14));
    const d = await withMatch(as.admin, `/api/v1/plans/${dplan.id}/status`, 1, { status: 'declined', reason: 'Cost' });
    assert.equal(d.status, 200, d.text);
    assert.match(assertProblem(await estimate(as.front_desk, dplan), 409).detail, /declined/);
  });
});
