// Billing: the price list (history never overwritten, codes checked against the catalogues,
// integer minor units only), invoices made from completed appointments and recorded procedures
// (priced by the date of service, never twice, never from a plan), issued with gapless numbers
// (20 concurrent issues), credit notes, payments and refunds (never more than was paid), the
// balance and the day's takings; every refusal and every role; audited with the patient.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, login, emailOf, newPatient, BIN } from '../lib/server.mjs';
import { assertInvalid, assertProblem, stopServer, UUID_RE, addDays, ymd, signInEveryRole, staffIds, resourceAdder } from './helpers.mjs';

let srv;
const as = {};
const res = {};
let pat; // the patient billed
let other; // another patient
let p2; // the patient who pays
let testKind; // an observation kind
const ZONE = 'America/New_York';
const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri'];
const hours = (h) => Object.fromEntries(WEEK.map((d) => [d, h]));
// 2027-01-04 is a Monday; New York is at -05:00 then.
const at = (hm, day = '2027-01-04') => `${day}T${hm}:00-05:00`;
const localToday = () => new Date().toLocaleDateString('en-CA', { timeZone: ZONE });
const withMatch = (c, path, version, body) => c.call('POST', path, body, { 'If-Match': `"${version}"` });
const put = (c, body) => c.call('PUT', '/api/v1/prices', body);
const invoice = (c, p, body) => c.post(`/api/v1/patients/${p.id}/invoices`, body);
const pay = (c, p, body) => c.post(`/api/v1/patients/${p.id}/payments`, body);

const patients = []; // every patient made, for the numbers they were given
async function addPatient(family) {
  const r = await as.admin.post('/api/v1/patients', newPatient({ family_name: family }));
  assert.equal(r.status, 201, r.text);
  patients.push(r.body);
  return r.body;
}

// A completed appointment of type for patient p at start (resources given or chosen).
async function completed(p, type, start, extra = {}) {
  const b = await as.front_desk.post('/api/v1/appointments', { patient_id: p.id, type, start, ...extra });
  assert.equal(b.status, 201, b.text);
  assert.equal((await withMatch(as.front_desk, `/api/v1/appointments/${b.body.id}/arrive`, 1)).status, 200);
  const c = await withMatch(as.front_desk, `/api/v1/appointments/${b.body.id}/complete`, 2);
  assert.equal(c.status, 200, c.text);
  return c.body;
}

async function auditActions(p, prefix) {
  const log = await as.admin.get(`/api/v1/audit?patient_id=${p.id}&action=${prefix}&limit=500`);
  assert.equal(log.status, 200, log.text);
  return log.body.items.map((e) => e.action);
}

before(async () => {
  srv = await startServer({ args: ['--timezone', ZONE] });
  await signInEveryRole(srv.base, as);
  const staff = await staffIds(as.admin);
  const add = resourceAdder(as.admin, res);
  await add('doc', { kind: 'clinician', name: 'Dr Ada Osei', staff_id: staff[emailOf('clinician')], hours: hours([['08:00', '17:00']]) });
  await add('nurse', { kind: 'nurse', name: 'Nurse Cy Lee', staff_id: staff[emailOf('nurse')], hours: hours([['08:00', '17:00']]) });
  await add('us', { kind: 'ultrasound_room', name: 'Ultrasound 1', hours: hours([['08:00', '17:00']]) });
  pat = await addPatient('Billed');
  other = await addPatient('Elsewhere');
  const kinds = (await as.admin.get('/api/v1/observation-kinds')).body;
  testKind = (kinds.items || kinds)[0].kind;
  assert.ok(testKind);
});
after(async () => { await stopServer(srv); });

const PRICES = [
  { kind: 'appointment', code: 'consultation', amount: 15000, effective_from: '2026-01-01', label: 'Consultation' },
  { kind: 'appointment', code: 'consultation', amount: 17500, effective_from: '2027-01-05' },
  { kind: 'appointment', code: 'follow_up', amount: 5000, effective_from: '2026-01-01' },
  { kind: 'appointment', code: 'injection', amount: 90000, effective_from: '2026-01-01' },
  { kind: 'appointment', code: 'injection', biologic: 'prp', amount: 80000, effective_from: '2026-01-01', label: 'PRP injection' },
  { kind: 'procedure', code: 'blood_draw', amount: 2500, effective_from: '2020-01-01' },
  { kind: 'procedure', code: 'injection', biologic: 'bmac', amount: 350000, effective_from: '2026-01-01' },
];

describe('the price list', () => {
  test('admin adds prices (200 with each, in USD by default); the list in force on a date and the history', async () => {
    const r = await put(as.admin, { items: [...PRICES, { kind: 'test', code: testKind, amount: 4000, effective_from: '2026-01-01', currency: 'USD' }] });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.currency, 'USD');
    assert.equal(r.body.items.length, PRICES.length + 1);
    for (const p of r.body.items) { assert.match(p.id, UUID_RE); assert.equal(p.currency, 'USD'); assert.ok(Number.isInteger(p.amount)); }
    const on4 = await as.nurse.get('/api/v1/prices?on=2027-01-04');
    assert.equal(on4.status, 200, on4.text);
    const consult = (b) => b.items.filter((p) => p.kind === 'appointment' && p.code === 'consultation');
    assert.deepEqual(consult(on4.body).map((p) => p.amount), [15000]);
    const on5 = await as.nurse.get('/api/v1/prices?on=2027-01-05');
    assert.deepEqual(consult(on5.body).map((p) => p.amount), [17500]);
    const early = await as.nurse.get('/api/v1/prices?on=2025-06-01');
    assert.deepEqual(early.body.items.map((p) => `${p.kind}:${p.code}`), ['procedure:blood_draw']);
    const inj = on4.body.items.filter((p) => p.code === 'injection' && p.kind === 'appointment').map((p) => [p.biologic, p.amount]);
    assert.deepEqual(inj, [[null, 90000], ['prp', 80000]]);
    const hist = await as.clinician.get('/api/v1/prices?history=1');
    assert.equal(hist.status, 200);
    assert.equal(hist.body.on, null);
    assert.equal(consult(hist.body).length, 2, 'both consultation prices kept');
    const today = await as.front_desk.get('/api/v1/prices');
    assert.equal(today.body.on, localToday());
  });

  test('history is never overwritten: the same item and date again is a 409 and nothing of the request is written', async () => {
    const before1 = (await as.admin.get('/api/v1/prices?history=1')).body.items.length;
    const r = await put(as.admin, { items: [
      { kind: 'appointment', code: 'workup', amount: 12000, effective_from: '2026-01-01' },
      { kind: 'appointment', code: 'consultation', amount: 1, effective_from: '2027-01-05' },
    ] });
    const b = assertProblem(r, 409);
    assert.equal(b.path, 'items[1]');
    assert.match(b.detail, /consultation/);
    assert.equal((await as.admin.get('/api/v1/prices?history=1')).body.items.length, before1);
    // The same within one request: 422.
    assertInvalid(await put(as.admin, { items: [
      { kind: 'appointment', code: 'workup', amount: 12000, effective_from: '2026-01-01' },
      { kind: 'appointment', code: 'workup', amount: 13000, effective_from: '2026-01-01' },
    ] }), ['items[1]']);
  });

  test('refusals name the field: fractions, text, negatives, overflow, unknown codes, biologics, currency, dates', async () => {
    const one = (over) => put(as.admin, { items: [{ kind: 'appointment', code: 'consultation', amount: 100, effective_from: '2028-01-01', ...over }] });
    for (const amount of [1.5, '10', -1, 1e12 + 1, null, true]) assertInvalid(await one({ amount }), ['items[0].amount'], { msg: String(amount) });
    const f = assertInvalid(await one({ amount: 1.5 }), ['items[0].amount']);
    assert.match(f.errors[0].message, /whole number/);
    assertInvalid(await one({ kind: 'drug' }), ['items[0].kind']);
    assertInvalid(await one({ code: 'massage' }), ['items[0].code']);
    assertInvalid(await one({ kind: 'procedure', code: 'massage' }), ['items[0].code']);
    assertInvalid(await one({ kind: 'test', code: 'nonsense_test' }), ['items[0].code']);
    assertInvalid(await one({ biologic: 'prp' }), ['items[0].biologic'], { msg: 'a consultation is not priced per biologic' });
    assertInvalid(await one({ kind: 'procedure', code: 'injection', biologic: 'snake_oil' }), ['items[0].biologic']);
    assertInvalid(await one({ currency: 'EUR' }), ['items[0].currency']);
    assertInvalid(await one({ effective_from: '2028-02-30' }), ['items[0].effective_from']);
    assertInvalid(await one({ effective_from: '1999-12-31' }), ['items[0].effective_from']);
    assertInvalid(await one({ colour: 'red' }), ['items[0].colour']);
    assertInvalid(await put(as.admin, { items: [] }), ['items']);
    assertInvalid(await put(as.admin, { items: 'all' }), ['items']);
    assertInvalid(await put(as.admin, { items: Array.from({ length: 501 }, (_, i) => ({ kind: 'appointment', code: 'workup', amount: i, effective_from: '2030-01-01' })) }), ['items']);
    assertInvalid(await as.admin.get('/api/v1/prices?on=tomorrow'), ['on']);
    assertInvalid(await as.admin.get('/api/v1/prices?history=yes'), ['history']);
    assert.equal((await as.admin.get('/api/v1/prices?on=2028-01-01')).body.items.filter((p) => p.effective_from === '2028-01-01').length, 0, 'nothing was written');
  });

  test('roles: only admins change prices; clinicians, nurses and the front desk read them; researchers see none', async () => {
    const body = { items: [{ kind: 'appointment', code: 'blood_draw', amount: 3000, effective_from: '2026-01-01' }] };
    for (const role of ['clinician', 'nurse', 'front_desk', 'researcher']) assertProblem(await put(as[role], body), 403, role);
    for (const role of ['clinician', 'nurse', 'front_desk']) assert.equal((await as[role].get('/api/v1/prices')).status, 200, role);
    assertProblem(await as.researcher.get('/api/v1/prices'), 403);
    const log = await as.admin.get('/api/v1/audit?action=price.add');
    assert.ok(log.body.items.length >= 1, 'price.add audited');
  });

  test('--currency: a code outside the table stops the server; JPY prices are whole yen', async () => {
    const bad = spawnSync(BIN, ['serve', '--db', '/nonexistent/x.db', '--currency', 'XYZ'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--currency must be one of .*JPY/);
    const jp = await startServer({ args: ['--currency', 'JPY'] });
    try {
      const admin = await login(jp.base, 'admin');
      const r = await admin.call('PUT', '/api/v1/prices', { items: [{ kind: 'appointment', code: 'consultation', amount: 8000, effective_from: '2026-01-01' }] });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.items[0].currency, 'JPY');
      assertInvalid(await admin.call('PUT', '/api/v1/prices', { items: [{ kind: 'appointment', code: 'workup', amount: 100, effective_from: '2026-01-01', currency: 'USD' }] }), ['items[0].currency']);
      assert.equal((await admin.get('/api/v1/prices')).body.currency, 'JPY');
    } finally { await jp.stop(); }
  });
});

describe('invoices', () => {
  const ap = {};
  let draft;
  before(async () => {
    ap.c1 = await completed(pat, 'consultation', at('09:00'));
    ap.c2 = await completed(pat, 'consultation', at('09:00', '2027-01-05'));
    ap.inj = await completed(pat, 'injection', at('10:00'), { biologic: 'prp' });
    ap.work = await completed(pat, 'workup', at('11:00', '2027-01-05'));
    ap.booked = (await as.front_desk.post('/api/v1/appointments', { patient_id: pat.id, type: 'follow_up', start: at('13:00'), resources: [res.nurse.id] })).body;
    ap.theirs = await completed(other, 'follow_up', at('14:00'), { resources: [res.nurse.id] });
  });

  test('a draft from completed appointments: each line priced as in force on its date of service; 201 with Location and ETag; audited', async () => {
    const r = await invoice(as.front_desk, pat, { appointment_ids: [ap.c1.id, ap.c2.id, ap.inj.id] });
    assert.equal(r.status, 201, r.text);
    draft = r.body;
    assert.equal(r.headers.get('location'), `/api/v1/invoices/${draft.id}`);
    assert.equal(r.headers.get('etag'), '"1"');
    assert.equal(draft.status, 'draft');
    assert.equal(draft.number, null);
    assert.equal(draft.currency, 'USD');
    assert.deepEqual(draft.lines.map((l) => [l.source_id, l.service_date, l.amount]), [
      [ap.c1.id, '2027-01-04', 15000], [ap.c2.id, '2027-01-05', 17500], [ap.inj.id, '2027-01-04', 80000]]);
    assert.equal(draft.lines[0].label, 'Consultation');
    assert.equal(draft.lines[2].item.biologic, 'prp');
    assert.equal(draft.subtotal, 112500);
    assert.equal(draft.total, 112500);
    assert.equal(draft.paid, 0);
    assert.equal(draft.due, 0, 'a draft is not due');
    const g = await as.clinician.get(`/api/v1/invoices/${draft.id}`);
    assert.equal(g.status, 200, g.text);
    assert.deepEqual(g.body, draft);
    const actions = await auditActions(pat, 'invoice');
    assert.ok(actions.includes('invoice.create') && actions.includes('invoice.read'), actions.join());
  });

  test('never twice: an item on a live invoice is a 409 naming it', async () => {
    const r = await invoice(as.front_desk, pat, { appointment_ids: [ap.c1.id] });
    const b = assertProblem(r, 409);
    assert.deepEqual(b.invoiced.map((x) => [x.path, x.source_id, x.invoice_id]), [['appointment_ids[0]', ap.c1.id, draft.id]]);
  });

  test('refusals: not completed, another patient\'s, a plan step, no price, bad lists; nothing written', async () => {
    const n0 = (await as.admin.get(`/api/v1/patients/${pat.id}/invoices`)).body.items.length;
    let b = assertInvalid(await invoice(as.front_desk, pat, { appointment_ids: [ap.booked.id] }), ['appointment_ids[0]']);
    assert.match(b.errors[0].message, /booked, not completed/);
    assertInvalid(await invoice(as.front_desk, pat, { appointment_ids: [ap.theirs.id] }), ['appointment_ids[0]']);
    b = assertInvalid(await invoice(as.front_desk, pat, { appointment_ids: [ap.work.id] }), ['appointment_ids[0]']);
    assert.match(b.errors[0].message, /no appointment price for workup in USD in force on 2027-01-05/);
    assertInvalid(await invoice(as.front_desk, pat, { appointment_ids: ['not-an-id'] }), ['appointment_ids[0]']);
    assertInvalid(await invoice(as.front_desk, pat, { appointment_ids: [ap.c1.id, ap.c1.id] }), ['appointment_ids[1]']);
    assertInvalid(await invoice(as.front_desk, pat, {}), ['appointment_ids']);
    assertInvalid(await invoice(as.front_desk, pat, { all: true, appointment_ids: [ap.work.id] }), ['all']);
    assertInvalid(await invoice(as.front_desk, pat, { lines: [] }), ['lines']);
    assertProblem(await invoice(as.front_desk, { id: '01a21209-9800-7e0c-baad-0e9d82dabcb6' }, { appointment_ids: [ap.c1.id] }), 404);
    assert.equal((await as.admin.get(`/api/v1/patients/${pat.id}/invoices`)).body.items.length, n0);
  });

  test('issue: If-Match required; numbered INV-000001; then never changed (issue, void 409; a payment can go on it)', async () => {
    assertProblem(await as.front_desk.post(`/api/v1/invoices/${draft.id}/issue`), 428);
    assertProblem(await withMatch(as.front_desk, `/api/v1/invoices/${draft.id}/issue`, 7), 412);
    const r = await withMatch(as.front_desk, `/api/v1/invoices/${draft.id}/issue`, 1);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.number, 'INV-000001');
    assert.equal(r.body.status, 'issued');
    assert.equal(r.body.due, 112500);
    assert.equal(r.headers.get('etag'), '"2"');
    draft = r.body;
    let b = assertProblem(await withMatch(as.front_desk, `/api/v1/invoices/${draft.id}/issue`, 2), 409);
    assert.equal(b.current_status, 'issued');
    b = assertProblem(await withMatch(as.front_desk, `/api/v1/invoices/${draft.id}/void`, 2, { reason: 'oops' }), 409);
    assert.match(b.detail, /credit note/);
    assert.equal((await as.admin.get(`/api/v1/invoices/${draft.id}`)).body.version, 2);
    const log = await as.admin.get(`/api/v1/audit?patient_id=${pat.id}&action=invoice.issue`);
    assert.match(log.body.items[0].detail, /^INV-000001; 112500 USD$/, 'the audit names the number given');
  });

  test('a draft is voided with a reason and its items are free again', async () => {
    const d = await invoice(as.front_desk, pat, { all: true });
    // all: true takes what is left: the workup, which has no price yet (a 422 naming it).
    assertInvalid(d, ['all']);
    await put(as.admin, { items: [{ kind: 'appointment', code: 'workup', amount: 12000, effective_from: '2027-01-01' }] });
    const w = await invoice(as.front_desk, pat, { all: true });
    assert.equal(w.status, 201, w.text);
    assert.deepEqual(w.body.lines.map((l) => l.source_id), [ap.work.id], 'only what is not invoiced yet');
    assertInvalid(await withMatch(as.front_desk, `/api/v1/invoices/${w.body.id}/void`, 1, {}), ['reason']);
    const v = await withMatch(as.front_desk, `/api/v1/invoices/${w.body.id}/void`, 1, { reason: 'wrong patient' });
    assert.equal(v.status, 200, v.text);
    assert.equal(v.body.status, 'void');
    assert.equal(v.body.reason, 'wrong patient');
    assertProblem(await withMatch(as.front_desk, `/api/v1/invoices/${w.body.id}/issue`, 2), 409);
    const again = await invoice(as.front_desk, pat, { appointment_ids: [ap.work.id] });
    assert.equal(again.status, 201, again.text);
    assertInvalid(await invoice(as.front_desk, pat, { all: true }), ['all'], { msg: 'nothing left to invoice' });
    assert.ok((await auditActions(pat, 'invoice')).includes('invoice.void'));
  });

  test('a draft changes (If-Match): its lines replaced and priced again; dropped items are free; an issued invoice never changes', async () => {
    const f1 = await completed(pat, 'follow_up', at('09:00', '2027-01-06'), { resources: [res.nurse.id] });
    const f2 = await completed(pat, 'follow_up', at('09:30', '2027-01-06'), { resources: [res.nurse.id] });
    const d = await invoice(as.front_desk, pat, { appointment_ids: [f1.id] });
    assert.equal(d.status, 201, d.text);
    const path = `/api/v1/invoices/${d.body.id}`;
    assertProblem(await as.front_desk.patch(path, { appointment_ids: [f2.id] }), 428);
    assertProblem(await as.front_desk.patch(path, { appointment_ids: [f2.id] }, { 'If-Match': '"9"' }), 412);
    assertInvalid(await as.front_desk.patch(path, { appointment_ids: [ap.booked.id] }, { 'If-Match': '"1"' }), ['appointment_ids[0]']);
    const on = assertProblem(await as.front_desk.patch(path, { appointment_ids: [f2.id, ap.c1.id] }, { 'If-Match': '"1"' }), 409);
    assert.equal(on.invoiced[0].source_id, ap.c1.id);
    // Keeping its own item is not "invoiced twice".
    const u = await as.front_desk.patch(path, { appointment_ids: [f1.id, f2.id] }, { 'If-Match': '"1"' });
    assert.equal(u.status, 200, u.text);
    assert.equal(u.body.version, 2);
    assert.deepEqual(u.body.lines.map((l) => [l.seq, l.source_id, l.amount]), [[1, f1.id, 5000], [2, f2.id, 5000]]);
    assert.equal(u.body.total, 10000);
    const u2 = await as.front_desk.patch(path, { appointment_ids: [f2.id] }, { 'If-Match': '"2"' });
    assert.equal(u2.status, 200, u2.text);
    assert.deepEqual(u2.body.lines.map((l) => l.source_id), [f2.id]);
    assert.equal(u2.body.total, 5000);
    assert.deepEqual((await as.front_desk.get(path)).body.lines.map((l) => l.source_id), [f2.id]);
    // f1 is free again.
    const f1inv = await invoice(as.front_desk, pat, { appointment_ids: [f1.id] });
    assert.equal(f1inv.status, 201, f1inv.text);
    assert.ok((await auditActions(pat, 'invoice')).includes('invoice.update'));
    const b = assertProblem(await as.front_desk.patch(`/api/v1/invoices/${draft.id}`, { appointment_ids: [f1.id] }, { 'If-Match': `"${draft.version}"` }), 409);
    assert.equal(b.current_status, 'issued');
  });

  test('credit notes: some lines then the rest, numbered CN-000001, CN-000002; the credited items can be invoiced again', async () => {
    const lineC2 = draft.lines[1];
    assertProblem(await as.front_desk.post(`/api/v1/invoices/${draft.id}/credit-notes`, { reason: 'billed the wrong day' }), 428);
    assertInvalid(await withMatch(as.front_desk, `/api/v1/invoices/${draft.id}/credit-notes`, 2, { lines: [lineC2.id] }), ['reason']);
    assertInvalid(await withMatch(as.front_desk, `/api/v1/invoices/${draft.id}/credit-notes`, 2, { reason: 'x', lines: [ap.c1.id] }), ['lines[0]']);
    const r = await withMatch(as.front_desk, `/api/v1/invoices/${draft.id}/credit-notes`, 2, { reason: 'billed the wrong day', lines: [lineC2.id] });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.kind, 'credit_note');
    assert.equal(r.body.number, 'CN-000001');
    assert.equal(r.body.total, 17500);
    assert.equal(r.body.invoice_id, draft.id);
    assert.equal(r.body.lines[0].credits_line, lineC2.id);
    const inv = (await as.front_desk.get(`/api/v1/invoices/${draft.id}`)).body;
    assert.equal(inv.version, 3, 'the invoice took the credit');
    assert.equal(inv.credited, 17500);
    assert.equal(inv.due, 112500 - 17500);
    assert.equal(inv.lines[1].credited_by, r.body.id);
    assert.equal(inv.credit_notes.length, 1);
    // The same line twice: 422; a stale If-Match: 412; a draft takes none.
    assertInvalid(await withMatch(as.front_desk, `/api/v1/invoices/${draft.id}/credit-notes`, 3, { reason: 'again', lines: [lineC2.id] }), ['lines[0]']);
    assertProblem(await withMatch(as.front_desk, `/api/v1/invoices/${draft.id}/credit-notes`, 2, { reason: 'stale' }), 412);
    // The credited consultation is invoiced again.
    const re = await invoice(as.front_desk, pat, { appointment_ids: [ap.c2.id] });
    assert.equal(re.status, 201, re.text);
    // The rest: every line not credited yet.
    const rest = await withMatch(as.front_desk, `/api/v1/invoices/${draft.id}/credit-notes`, 3, { reason: 'treatment cancelled' });
    assert.equal(rest.status, 201, rest.text);
    assert.equal(rest.body.number, 'CN-000002');
    assert.deepEqual(rest.body.lines.map((l) => l.credits_line), [draft.lines[0].id, draft.lines[2].id]);
    assert.equal(rest.body.total, 15000 + 80000);
    const all = (await as.front_desk.get(`/api/v1/invoices/${draft.id}`)).body;
    assert.equal(all.status, 'credited');
    assert.equal(all.credited, all.total);
    assert.equal(all.due, 0);
    assert.deepEqual(all.credit_notes.map((c) => c.number), ['CN-000001', 'CN-000002']);
    assertProblem(await withMatch(as.front_desk, `/api/v1/invoices/${draft.id}/credit-notes`, 4, { reason: 'more' }), 409);
    // A credit note takes no credit note, and is not issued or voided.
    assertProblem(await withMatch(as.front_desk, `/api/v1/invoices/${rest.body.id}/credit-notes`, 1, { reason: 'x' }), 409);
    assertProblem(await withMatch(as.front_desk, `/api/v1/invoices/${rest.body.id}/issue`, 1), 409);
    const log = await as.admin.get(`/api/v1/audit?patient_id=${pat.id}&action=invoice.credit`);
    assert.match(log.body.items[1].detail, new RegExp(`^CN-000001; credit note ${r.body.id} of INV-000001, 1 line\\(s\\), 17500 USD: billed the wrong day$`));
    draft = all;
  });

  test('procedures are invoiced with their plan\'s biologic; a plan step is not; a voided procedure is not', async () => {
    const today = localToday();
    const cond = (await as.clinician.post(`/api/v1/patients/${pat.id}/conditions`, { icd10: 'E11.42' })).body;
    const pl = (await as.clinician.post(`/api/v1/patients/${pat.id}/plans`, { protocol: 'prp-series', condition_id: cond.id, start_date: ymd(addDays(new Date(`${today}T00:00:00Z`), -7)) })).body;
    const acc = await as.clinician.call('POST', `/api/v1/plans/${pl.id}/status`, { status: 'accepted' }, { 'If-Match': '"1"' });
    assert.equal(acc.status, 200, acc.text);
    const k = await as.clinician.post(`/api/v1/patients/${pat.id}/consents`, { document: 'prp', version: '1', plan_id: pl.id, signed_on: today, witness: 'Dr Test' });
    assert.equal(k.status, 201, k.text);
    const plan = (await as.clinician.get(`/api/v1/plans/${pl.id}`)).body;
    const draw = await as.nurse.post(`/api/v1/plans/${pl.id}/procedures`, { kind: 'blood_draw', performed_on: today, volume_ml: 60 });
    assert.equal(draw.status, 201, draw.text);
    const draw2 = await as.nurse.post(`/api/v1/plans/${pl.id}/procedures`, { kind: 'blood_draw', performed_on: today, volume_ml: 30 });
    assert.equal((await withMatch(as.clinician, `/api/v1/procedures/${draw2.body.id}/void`, 1, { reason: 'entered twice' })).status, 200);
    const b = assertInvalid(await invoice(as.front_desk, pat, { procedure_ids: [plan.steps[0].id] }), ['procedure_ids[0]']);
    assert.match(b.errors[0].message, /plans and their steps are not invoiced/);
    assertInvalid(await invoice(as.front_desk, pat, { procedure_ids: [draw2.body.id] }), ['procedure_ids[0]'], { msg: 'voided' });
    const r = await invoice(as.front_desk, pat, { procedure_ids: [draw.body.id] });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.body.lines.map((l) => [l.source_kind, l.item.code, l.item.biologic, l.amount, l.service_date]), [['procedure', 'blood_draw', 'prp', 2500, today]]);
  });
});

describe('payments, refunds, balance, takings', () => {
  let inv; // an issued invoice of 20,000
  const paid = [];
  before(async () => {
    p2 = await addPatient('Payer');
    const a1 = await completed(p2, 'follow_up', at('09:00', '2027-01-07'), { resources: [res.nurse.id] });
    const a2 = await completed(p2, 'follow_up', at('09:30', '2027-01-07'), { resources: [res.nurse.id] });
    const a3 = await completed(p2, 'follow_up', at('10:00', '2027-01-07'), { resources: [res.nurse.id] });
    const a4 = await completed(p2, 'follow_up', at('10:30', '2027-01-07'), { resources: [res.nurse.id] });
    const d = await invoice(as.front_desk, p2, { appointment_ids: [a1.id, a2.id, a3.id, a4.id] });
    assert.equal(d.status, 201, d.text);
    inv = (await withMatch(as.front_desk, `/api/v1/invoices/${d.body.id}/issue`, 1)).body;
    assert.equal(inv.total, 20000);
  });

  test('a payment on the invoice: 201; part paid, then paid; the balance follows; audited', async () => {
    const r = await pay(as.front_desk, p2, { amount: 5000, method: 'card', reference: 'AUTH 1234', invoice_id: inv.id });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers.get('location'), `/api/v1/payments/${r.body.id}`);
    assert.equal(r.body.kind, 'payment');
    assert.equal(r.body.currency, 'USD');
    paid.push(r.body);
    let g = (await as.front_desk.get(`/api/v1/invoices/${inv.id}`)).body;
    assert.equal(g.status, 'part_paid');
    assert.equal(g.paid, 5000);
    assert.equal(g.due, 15000);
    const bal = await as.clinician.get(`/api/v1/patients/${p2.id}/balance`);
    assert.equal(bal.status, 200, bal.text);
    assert.deepEqual(bal.body, { patient_id: p2.id, currency: 'USD', invoiced: 20000, credited: 0, received: 5000, refunded: 0, balance: 15000 });
    const r2 = await pay(as.front_desk, p2, { amount: 15000, method: 'cash', invoice_id: inv.id });
    assert.equal(r2.status, 201, r2.text);
    paid.push(r2.body);
    g = (await as.front_desk.get(`/api/v1/invoices/${inv.id}`)).body;
    assert.equal(g.status, 'paid');
    assert.equal(g.due, 0);
    // On the account, without an invoice: the patient is in credit.
    const r3 = await pay(as.front_desk, p2, { amount: 2500, method: 'transfer', reference: 'IBAN ref 77' });
    assert.equal(r3.status, 201, r3.text);
    paid.push(r3.body);
    assert.equal((await as.front_desk.get(`/api/v1/patients/${p2.id}/balance`)).body.balance, -2500);
    const actions = await auditActions(p2, 'payment');
    assert.equal(actions.filter((x) => x === 'payment.create').length, 3);
    assert.ok((await auditActions(p2, 'balance')).includes('balance.read'));
  });

  test('refusals: fractions, text, zero, methods, a refund without reason, currency, another patient\'s or a draft invoice', async () => {
    for (const amount of [1.5, '10', 0, 1e12 + 1, -1e12 - 1]) assertInvalid(await pay(as.front_desk, p2, { amount, method: 'cash' }), ['amount'], { msg: String(amount) });
    assertInvalid(await pay(as.front_desk, p2, { amount: 100, method: 'cheque' }), ['method']);
    assertInvalid(await pay(as.front_desk, p2, { amount: 100 }), ['method']);
    assertInvalid(await pay(as.front_desk, p2, { amount: -100, method: 'cash' }), ['reason']);
    assertInvalid(await pay(as.front_desk, p2, { amount: 100, method: 'cash', reason: 'why' }), ['reason']);
    assertInvalid(await pay(as.front_desk, p2, { amount: 100, method: 'cash', currency: 'EUR' }), ['currency']);
    assertInvalid(await pay(as.front_desk, p2, { amount: 100, method: 'cash', reference: 'x'.repeat(101) }), ['reference']);
    assertInvalid(await pay(as.front_desk, pat, { amount: 100, method: 'cash', invoice_id: inv.id }), ['invoice_id']);
    const d = (await invoice(as.front_desk, p2, { all: true }));
    if (d.status === 201) assertInvalid(await pay(as.front_desk, p2, { amount: 100, method: 'cash', invoice_id: d.body.id }), ['invoice_id']);
    assertInvalid(await pay(as.front_desk, p2, { amount: 100, method: 'cash', invoice_id: '01a21209-9800-7e0c-baad-0e9d82dabcb6' }), ['invoice_id']);
    assertInvalid(await pay(as.front_desk, p2, { amount: 100, method: 'cash', tip: 5 }), ['tip']);
    assert.equal((await as.front_desk.get(`/api/v1/patients/${p2.id}/payments`)).body.items.length, 3, 'nothing written');
  });

  test('refunds: negative with a reason, never more than was paid (on the invoice, or on the account)', async () => {
    let b = assertProblem(await pay(as.front_desk, p2, { amount: -20001, method: 'card', reason: 'overcharged', invoice_id: inv.id }), 409);
    assert.equal(b.refundable, 20000);
    b = assertProblem(await pay(as.front_desk, p2, { amount: -22501, method: 'cash', reason: 'all back' }), 409);
    assert.equal(b.refundable, 22500);
    const r = await pay(as.front_desk, p2, { amount: -3000, method: 'card', reason: 'goodwill', invoice_id: inv.id });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.kind, 'refund');
    assert.equal(r.body.reason, 'goodwill');
    paid.push(r.body);
    const g = (await as.front_desk.get(`/api/v1/invoices/${inv.id}`)).body;
    assert.equal(g.paid, 17000);
    assert.equal(g.status, 'part_paid');
    const bal = (await as.front_desk.get(`/api/v1/patients/${p2.id}/balance`)).body;
    assert.deepEqual([bal.received, bal.refunded, bal.balance], [22500, 3000, 20000 - 22500 + 3000]);
    assert.ok((await auditActions(p2, 'payment')).includes('payment.refund'));
  });

  test('a payment entered in error is voided with a reason (If-Match), never deleted; not when refunds rely on it', async () => {
    const cash = paid[1]; // 15,000 cash on the invoice; 3,000 refunded on it: 17,000 paid
    const card = paid[0];
    assertProblem(await as.front_desk.post(`/api/v1/payments/${cash.id}/void`, { reason: 'x' }), 428);
    assertInvalid(await withMatch(as.front_desk, `/api/v1/payments/${cash.id}/void`, 1, {}), ['reason']);
    const v = await withMatch(as.front_desk, `/api/v1/payments/${cash.id}/void`, 1, { reason: 'keyed twice' });
    assert.equal(v.status, 200, v.text);
    assert.equal(v.body.status, 'voided');
    assert.equal(v.body.void_reason, 'keyed twice');
    assertProblem(await withMatch(as.front_desk, `/api/v1/payments/${cash.id}/void`, 2, { reason: 'again' }), 409);
    // Left on the invoice: 5,000 card - 3,000 refund; voiding the card payment would leave -3,000.
    const b = assertProblem(await withMatch(as.front_desk, `/api/v1/payments/${card.id}/void`, 1, { reason: 'x' }), 409);
    assert.equal(b.refundable, 2000);
    const list = (await as.front_desk.get(`/api/v1/patients/${p2.id}/payments`)).body.items;
    assert.deepEqual(list.map((p) => p.status), ['recorded', 'voided', 'recorded', 'recorded']);
    assert.equal((await as.front_desk.get(`/api/v1/invoices/${inv.id}`)).body.paid, 2000);
    assert.ok((await auditActions(p2, 'payment')).includes('payment.void'));
  });

  test('takings for today in the clinic\'s zone: per method, refunds apart, voided ones listed but not counted; audited per patient', async () => {
    const r = await as.front_desk.get(`/api/v1/reports/takings?date=${localToday()}`);
    assert.equal(r.status, 200, r.text);
    const t = r.body;
    assert.equal(t.currency, 'USD');
    const mine = t.items.filter((i) => i.patient_id === p2.id);
    assert.equal(mine.length, 4);
    assert.equal(mine[0].patient.family_name, 'Payer');
    assert.ok(mine[0].patient.mrn);
    // This server's only payments are p2's.
    assert.deepEqual(t.methods.card, { received: 5000, refunded: 3000, net: 2000, count: 2 });
    assert.deepEqual(t.methods.cash, { received: 0, refunded: 0, net: 0, count: 0 });
    assert.deepEqual(t.methods.transfer, { received: 2500, refunded: 0, net: 2500, count: 1 });
    assert.deepEqual([t.received, t.refunded, t.net, t.count], [7500, 3000, 4500, 3]);
    assert.ok((await auditActions(p2, 'takings')).includes('takings.read'));
    const other = await as.front_desk.get('/api/v1/reports/takings?date=2020-01-01');
    assert.deepEqual([other.body.count, other.body.items.length], [0, 0]);
    assertInvalid(await as.front_desk.get('/api/v1/reports/takings?date=yesterday'), ['date']);
  });

  test('billing goes on for an archived patient: a debt outlives the chart', async () => {
    const p5 = await addPatient('Archived');
    const a = await completed(p5, 'follow_up', at('16:00', '2027-01-07'), { resources: [res.nurse.id] });
    const d = await invoice(as.front_desk, p5, { appointment_ids: [a.id] });
    assert.equal(d.status, 201, d.text);
    const arch = await as.clinician.post(`/api/v1/patients/${p5.id}/archive`, { reason: 'moved away' }, { 'If-Match': '"1"' });
    assert.equal(arch.status, 200, arch.text);
    const i = await withMatch(as.front_desk, `/api/v1/invoices/${d.body.id}/issue`, 1);
    assert.equal(i.status, 200, i.text);
    const r = await pay(as.front_desk, p5, { amount: 5000, method: 'transfer', invoice_id: d.body.id });
    assert.equal(r.status, 201, r.text);
    assert.equal((await as.front_desk.get(`/api/v1/patients/${p5.id}/balance`)).body.balance, 0);
  });

  test('roles: the front desk invoices and takes payments; clinicians read; nurses and researchers see none of it', async () => {
    for (const role of ['nurse', 'researcher']) {
      assertProblem(await as[role].get(`/api/v1/patients/${p2.id}/invoices`), 403, role);
      assertProblem(await as[role].get(`/api/v1/invoices/${inv.id}`), 403, role);
      assertProblem(await as[role].get(`/api/v1/patients/${p2.id}/payments`), 403, role);
      assertProblem(await as[role].get(`/api/v1/patients/${p2.id}/balance`), 403, role);
      assertProblem(await as[role].get('/api/v1/reports/takings'), 403, role);
      assertProblem(await pay(as[role], p2, { amount: 100, method: 'cash' }), 403, role);
      assertProblem(await invoice(as[role], p2, { all: true }), 403, role);
    }
    assertProblem(await pay(as.clinician, p2, { amount: 100, method: 'cash' }), 403);
    assertProblem(await withMatch(as.clinician, `/api/v1/invoices/${inv.id}/credit-notes`, inv.version, { reason: 'x' }), 403);
    assert.equal((await as.clinician.get(`/api/v1/patients/${p2.id}/invoices`)).status, 200);
    const list = (await as.admin.get(`/api/v1/patients/${p2.id}/invoices`)).body.items;
    assert.ok(list.some((i) => i.id === inv.id));
    assert.ok((await auditActions(p2, 'invoice')).includes('invoice.list'));
  });
});

describe('gapless numbers, never twice', () => {
  const numbers = async (patients) => (await Promise.all(patients.map((p) => as.admin.get(`/api/v1/patients/${p.id}/invoices`))))
    .flatMap((r) => r.body.items).filter((i) => i.number).map((i) => Number(i.number.slice(4)));

  test('20 drafts issued at once: the next 20 numbers, no gap, no duplicate', async () => {
    const p3 = await addPatient('Series');
    const drafts = [];
    for (let i = 0; i < 20; i++) {
      const m = 8 * 60 + i * 20;
      const hm = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
      const a = await completed(p3, 'follow_up', at(hm, '2027-01-08'), { resources: [res.nurse.id] });
      const d = await invoice(as.front_desk, p3, { appointment_ids: [a.id] });
      assert.equal(d.status, 201, d.text);
      drafts.push(d.body);
    }
    const earlier = await numbers(patients.filter((p) => p.id !== p3.id));
    const rs = await Promise.all(drafts.map((d) => withMatch(as.front_desk, `/api/v1/invoices/${d.id}/issue`, 1)));
    for (const r of rs) {
      assert.equal(r.status, 200, r.text);
      assert.match(r.body.number, /^INV-\d{6}$/);
    }
    const now = rs.map((r) => Number(r.body.number.slice(4))).sort((a, b) => a - b);
    assert.deepEqual(now, Array.from({ length: 20 }, (_, i) => Math.max(0, ...earlier) + 1 + i), 'the next 20, consecutive');
    // Every number the server gave: 1..N, each once.
    const all = (await numbers(patients)).sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: all.length }, (_, i) => i + 1));
  });

  test('one appointment invoiced by 10 requests at once: one 201, nine 409 (the store decides)', async () => {
    const p4 = await addPatient('Race');
    const a = await completed(p4, 'follow_up', at('15:00', '2027-01-08'), { resources: [res.nurse.id] });
    const rs = await Promise.all(Array.from({ length: 10 }, () => invoice(as.front_desk, p4, { appointment_ids: [a.id] })));
    const statuses = rs.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, ...Array(9).fill(409)], rs.map((r) => r.text).join('\n'));
    const live = (await as.admin.get(`/api/v1/patients/${p4.id}/invoices`)).body.items;
    assert.equal(live.length, 1);
  });
});
