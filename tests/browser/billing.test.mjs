// Browser tests of the cost pages: money typed as text becomes integer minor units (web/money.js,
// in the browser); an admin sets prices on the Prices page (a price already set for that date is
// refused plainly; the history toggle); the front desk makes an estimate from the Billing tab of
// a patient with a PRP plan (the 409 lists the prices missing in words; then the estimate's total
// equals the API's, and its PDF names the clinic, the patient and the total); with completed
// visits it makes an invoice (a visit without a price is named), issues it, records a card
// payment, and sees the invoice paid and the balance 0; the takings list the payment; refunds,
// voids and credit notes; roles (a nurse has no Billing tab, a researcher no prices). At 1366 px
// and on a 390 px phone nothing overflows. SCHWANN_SCREENSHOTS=1 saves the pages in
// tests/browser/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { env, serveWith, withPage, signIn, assertText, waitForCount, unexpected, day, shot, patientWithDiagnosis } from './harness.mjs';
import { login, emailOf } from '../lib/server.mjs';

const TIMEOUT = 120000;
const CLINIC = 'Riverside Neuropathy Clinic';
serveWith('--clinic-name', CLINIC);

// "1,234.56 USD" from cents, as the UI and the PDF write it (computed independently of the UI).
const usd = (c) => `${c < 0 ? '-' : ''}${Math.floor(Math.abs(c) / 100).toLocaleString('en-US')}.${String(Math.abs(c) % 100).padStart(2, '0')} USD`;
const pdfText = (buf) => execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-'], { input: buf }).toString('utf8');
const ok = (r, what) => { assert.ok(r.status === 200 || r.status === 201, `${what}: ${r.status} ${r.text}`); return r.body; };

let admin;
let today; // the clinic's today, from the server
let resourcesMade = false;

async function setUp() {
  if (admin) return;
  admin = await login(env.server.base, 'admin');
  today = ok(await admin.get('/api/v1/prices'), 'prices').on;
}

// Clinician, nurse and an ultrasound room, open every day, so that any visit can be booked.
async function resources() {
  if (resourcesMade) return;
  resourcesMade = true;
  const staff = Object.fromEntries(ok(await admin.get('/api/v1/staff'), 'staff').items.map((s) => [s.email, s.id]));
  const hours = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '23:59']]]));
  for (const body of [{ kind: 'clinician', name: 'Dr Ada Osei', staff_id: staff[emailOf('clinician')], hours },
    { kind: 'nurse', name: 'Nurse Cy Lee', staff_id: staff[emailOf('nurse')], hours },
    { kind: 'ultrasound_room', name: 'Ultrasound 1', hours }]) ok(await admin.post('/api/v1/resources', body), 'resource');
}

// A visit of type for patient p, booked k days ahead at hh:00 UTC, then arrived and completed.
async function completedVisit(p, type, k, hh) {
  const desk = await login(env.server.base, 'front_desk');
  const b = ok(await desk.post('/api/v1/appointments', { patient_id: p.id, type, start: `${day(k)}T${hh}:00:00Z` }), 'book');
  ok(await desk.post(`/api/v1/appointments/${b.id}/arrive`, undefined, { 'If-Match': '"1"' }), 'arrive');
  return ok(await desk.post(`/api/v1/appointments/${b.id}/complete`, undefined, { 'If-Match': '"2"' }), 'complete');
}

async function noOverflow(page, what) {
  const [sw, cw] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(sw <= cw, `${what}: the page is ${sw} px wide in a ${cw} px window`);
}

// Fills the "Set a price" form and saves it.
async function setPrice(page, { kind, item, biologic, amount, from }) {
  const form = page.getByTestId('price-form');
  await form.getByLabel('Kind').selectOption({ label: kind });
  await form.getByLabel('Item').selectOption({ label: item });
  if (biologic) await form.getByLabel('Biologic').selectOption({ label: biologic });
  await form.getByLabel(/^Amount/).fill(amount);
  await form.getByLabel('Effective from').fill(from);
  await form.getByTestId('price-save').click();
}

test('money: typed text to integer minor units and back, per currency, never through floating point',
  { timeout: TIMEOUT }, () => withPage('billing-money', async (page) => {
    await page.goto(`${env.server.base}/`);
    const got = await page.evaluate(async () => {
      const m = await import('/money.js');
      const p = (t, c, o) => { const r = m.parseAmount(t, c, o); return r.error ? `error: ${r.error}` : r.value; };
      return {
        parsed: [p('1,234.50', 'USD'), p('1234.5', 'USD'), p('0.05', 'USD'), p(' 20 ', 'USD'), p('0.1', 'USD'),
          p('8,000', 'JPY'), p('1.234', 'KWD'), p('10,000,000,000.00', 'USD'), p('-5.25', 'USD', { negative: true })],
        refused: [p('12,34', 'USD'), p('1.234', 'USD'), p('80.5', 'JPY'), p('10,000,000,000.01', 'USD'), p('-5', 'USD'),
          p('', 'USD'), p('1e3', 'USD'), p('0', 'USD', { zero: false }), p('$5', 'USD')],
        shown: [m.formatMinor(123456, 'USD'), m.formatMinor(-5, 'USD'), m.formatMinor(5, 'KWD'), m.formatMinor(8000, 'JPY'),
          m.formatMinor(1000000000000, 'USD'), m.money(0, 'GBP')],
      };
    });
    assert.deepEqual(got.parsed, [123450, 123450, 5, 2000, 10, 8000, 1234, 1000000000000, -525]);
    for (const r of got.refused) assert.match(String(r), /^error: /, JSON.stringify(got.refused));
    assert.match(got.refused[1], /at most 2 decimals/);
    assert.match(got.refused[2], /whole JPY/);
    assert.deepEqual(got.shown, ['1,234.56', '-0.05', '0.005', '8,000', '10,000,000,000.00', '0.00 GBP']);
  }));

test('admin sets prices on the Prices page; the same item and date again is refused plainly; the history',
  { timeout: TIMEOUT }, () => withPage('billing-prices', async (page, problems) => {
    await setUp();
    await signIn(page, 'admin');
    await page.getByTestId('nav-prices').click();
    await assertText(page.locator('h1'), 'Prices');
    await assertText(page.getByTestId('price-status'), 'Prices in force on');
    await page.getByTestId('no-prices-appointment').waitFor();
    await page.getByTestId('set-price').click();
    assert.equal(await page.getByTestId('set-price').getAttribute('aria-expanded'), 'true');
    // Escape closes the form and gives focus back to the button.
    await page.keyboard.press('Escape');
    await waitForCount('price form', () => page.getByTestId('price-form').count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'set-price');
    await page.getByTestId('set-price').click();
    // A fraction of a cent is refused at the field, before anything is sent.
    await setPrice(page, { kind: 'Visit', item: 'Consultation', amount: '200.505', from: today });
    await assertText(page.getByTestId('error-items[0].amount'), 'at most 2 decimals');
    await page.getByTestId('price-form').getByLabel(/^Amount/).fill('1,250.50');
    await page.getByTestId('price-save').click();
    await assertText(page.getByTestId('flash'), 'Price saved: Consultation');
    const row = page.locator('[data-testid="price-row"][data-code="consultation"]');
    await assertText(row.getByTestId('price-amount'), '1,250.50 USD');
    assert.equal(await row.getAttribute('data-fresh'), 'true');

    // A procedure priced for one biologic.
    await page.getByTestId('set-price').click();
    await setPrice(page, { kind: 'Procedure', item: 'Injection', biologic: 'Platelet-rich plasma (PRP)', amount: '450', from: today });
    await assertText(page.getByTestId('flash'), 'Price saved: Injection: Platelet-rich plasma (PRP)');
    const inj = page.getByTestId('prices-procedure').getByTestId('price-row');
    await assertText(inj, 'Platelet-rich plasma (PRP)');
    await assertText(inj.getByTestId('price-amount'), '450.00 USD');

    // The same item on the same date: a 409, said plainly; nothing changes.
    await page.getByTestId('set-price').click();
    await setPrice(page, { kind: 'Visit', item: 'Consultation', amount: '99', from: today });
    await assertText(page.getByTestId('form-alert'), 'A price is already set for that date');
    await assertText(page.getByTestId('form-alert'), `Consultation already has a price taking effect on ${today}`);
    const list = ok(await admin.get('/api/v1/prices?history=1'), 'history').items;
    assert.deepEqual(list.map((x) => [x.code, x.amount]).sort(), [['consultation', 125050], ['injection', 45000]]);

    // A new price from a later date: the list of today keeps the old one; the history has both.
    await setPrice(page, { kind: 'Visit', item: 'Consultation', amount: '1,300', from: day(30) });
    await assertText(page.getByTestId('price-status'), `Prices in force on ${day(30)}`);
    await assertText(page.locator('[data-testid="price-row"][data-code="consultation"]').getByTestId('price-amount'), '1,300.00 USD');
    await page.goto(`${env.server.base}/prices?on=${today}`);
    await assertText(page.locator('[data-testid="price-row"][data-code="consultation"]').getByTestId('price-amount'), '1,250.50 USD');
    await page.getByLabel('Show the history: every price ever set').check();
    await page.getByRole('button', { name: 'Show' }).click();
    await assertText(page.getByTestId('price-status'), 'Every price ever set');
    assert.equal(new URL(page.url()).search, '?history=1');
    await waitForCount('consultation prices in the history',
      () => page.locator('[data-testid="price-row"][data-code="consultation"]').count(), 2);
    for (const [w, hgt] of [[1366, 800], [390, 844]]) {
      await page.setViewportSize({ width: w, height: hgt });
      await noOverflow(page, `prices at ${w}`);
      await page.getByTestId('set-price').click();
      await shot(page, `billing-prices-${w}`, { fullPage: true });
      await page.keyboard.press('Escape');
    }
    assert.deepEqual(unexpected(problems, [409]), []);
  }));

test('front desk: an estimate from the Billing tab (prices missing first), its total, its PDF',
  { timeout: TIMEOUT }, () => withPage('billing-estimate', async (page, problems) => {
    await setUp();
    const { clin, p, cond } = await patientWithDiagnosis('Ferreira', { given: 'Inês' });
    ok(await clin.post(`/api/v1/patients/${p.id}/plans`, { protocol: 'prp-series', condition_id: cond.id, start_date: day(14) }), 'plan');
    await signIn(page, 'front_desk');
    await page.getByTestId('nav-prices').click();
    await page.getByTestId('price-list').getByTestId('price-row').first().waitFor();
    assert.equal(await page.getByTestId('set-price').count(), 0, 'the front desk reads prices, an admin sets them');
    await page.goto(`${env.server.base}/patients/${p.id}`);
    await page.getByTestId('tab-billing').click();
    await assertText(page.getByTestId('balance-words'), 'Nothing owed');
    await page.getByTestId('no-estimates').waitFor();
    await page.getByTestId('no-invoices').waitFor();
    await page.getByTestId('no-payments').waitFor();
    await page.getByTestId('make-estimate').click();
    await page.getByTestId('estimate-form').getByLabel('Note (optional)').fill('Discussed at the front desk');
    await page.getByTestId('estimate-save').click();
    // Only the consultation and the PRP injection are priced: the rest is named in words.
    await assertText(page.getByTestId('form-alert'), 'Prices missing');
    const missing = await page.getByTestId('missing-price').allInnerTexts();
    assert.ok(missing.includes('Visit: Blood draw'), missing.join('; '));
    assert.ok(missing.includes('Procedure: Processing: Platelet-rich plasma (PRP)'), missing.join('; '));
    assert.ok(!missing.some((m) => m.startsWith('Visit: Consultation')), 'the consultation has its price');
    assert.ok(!missing.includes('Procedure: Injection: Platelet-rich plasma (PRP)'));

    const items = [['appointment', 'blood_draw'], ['appointment', 'injection'], ['appointment', 'follow_up'],
      ['procedure', 'blood_draw', 'prp'], ['procedure', 'processing', 'prp']]
      .map(([kind, code, biologic], i) => ({ kind, code, ...(biologic ? { biologic } : {}), amount: 10000 + 1234 * i + 7, effective_from: today }));
    ok(await admin.call('PUT', '/api/v1/prices', { items }), 'the other prices');
    await page.getByTestId('estimate-save').click();
    const est = page.getByTestId('estimate');
    await est.waitFor();
    const desk = await login(env.server.base, 'front_desk');
    const listed = ok(await desk.get(`/api/v1/patients/${p.id}/estimates`), 'estimates').items;
    assert.equal(listed.length, 1);
    const full = ok(await desk.get(`/api/v1/estimates/${listed[0].id}`), 'estimate');
    await assertText(est.getByTestId('estimate-total'), usd(full.total));
    await assertText(est.getByTestId('estimate-valid'), full.valid_until);
    assert.equal(await est.getByTestId('estimate-line').count(), full.lines.length);
    const due = await est.getByTestId('estimate-line').evaluateAll((rows) => rows.map((r) => r.cells[0].textContent));
    assert.deepEqual(due, full.lines.map((l) => l.due_date), 'lines by due date');
    await assertText(est.getByTestId('estimate-results'), full.expected_results.statement);
    await assertText(est.getByTestId('estimate-adverse'), full.adverse_events.statement);
    await assertText(page.getByTestId('estimate-row'), usd(full.total));
    // Escape closes it; "Show" opens it again.
    await page.keyboard.press('Escape');
    await waitForCount('estimate shown', () => page.getByTestId('estimate').count(), 0);
    await page.getByTestId('estimate-view').click();
    await assertText(page.getByTestId('estimate').getByTestId('estimate-total'), usd(full.total));

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('estimate-pdf').click()]);
    const buf = readFileSync(await download.path());
    assert.equal(buf.subarray(0, 5).toString(), '%PDF-');
    const text = pdfText(buf);
    for (const want of [CLINIC, 'Inês Ferreira', p.mrn, usd(full.total), 'Discussed at the front desk']) {
      assert.ok(text.includes(want), `${want} in the PDF:\n${text}`);
    }
    for (const [w, hgt] of [[1366, 800], [390, 844]]) {
      await page.setViewportSize({ width: w, height: hgt });
      await noOverflow(page, `estimate at ${w}`);
      await shot(page, `billing-estimate-${w}`, { fullPage: true });
    }
    assert.deepEqual(unexpected(problems, [409]), []);
  }));

// With several worker threads answers can come back out of order: "Show" on one estimate and
// then on another, the first answer held back until after the second, still shows the second.
test('front desk: Show on a second estimate while the first is loading shows the second, not the late first',
  { timeout: TIMEOUT }, () => withPage('billing-estimate-race', async (page, problems) => {
    await setUp();
    const { clin, p, cond } = await patientWithDiagnosis('Lindqvist', { given: 'Maja' });
    const pl = ok(await clin.post(`/api/v1/patients/${p.id}/plans`, { protocol: 'prp-series', condition_id: cond.id, start_date: day(14) }), 'plan');
    // Every item of the series priced today (one already set by another test is a 409, kept).
    for (const [kind, code, biologic] of [['appointment', 'consultation'], ['appointment', 'blood_draw'], ['appointment', 'injection'],
      ['appointment', 'follow_up'], ['procedure', 'blood_draw', 'prp'], ['procedure', 'processing', 'prp'], ['procedure', 'injection', 'prp']]) {
      const r = await admin.call('PUT', '/api/v1/prices', { items: [{ kind, code, ...(biologic ? { biologic } : {}), amount: 20000, effective_from: today }] });
      assert.ok([200, 201, 409].includes(r.status), `price ${kind} ${code}: ${r.status} ${r.text}`);
    }
    const desk = await login(env.server.base, 'front_desk');
    const first = ok(await desk.post(`/api/v1/plans/${pl.id}/estimates`, { valid_days: 10 }), 'first estimate');
    const second = ok(await desk.post(`/api/v1/plans/${pl.id}/estimates`, { valid_days: 20 }), 'second estimate');
    await signIn(page, 'front_desk');
    await page.goto(`${env.server.base}/patients/${p.id}/billing`);
    await waitForCount('estimate rows', () => page.getByTestId('estimate-row').count(), 2);
    // The first estimate's answer is held back 800 ms; the second's passes at once.
    let released;
    const late = new Promise((resolve) => { released = resolve; });
    await page.route(`**/api/v1/estimates/${first.id}`, async (route) => {
      await new Promise((r) => setTimeout(r, 800));
      await route.continue();
      released();
    });
    const lateAnswer = page.waitForResponse((r) => r.url().endsWith(`/api/v1/estimates/${first.id}`));
    await page.locator(`[data-testid="estimate-row"][data-id="${first.id}"]`).getByTestId('estimate-view').click();
    await page.locator(`[data-testid="estimate-row"][data-id="${second.id}"]`).getByTestId('estimate-view').click();
    await page.locator(`[data-testid="estimate"][data-id="${second.id}"]`).waitFor();
    await late;
    await lateAnswer;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await page.getByTestId('estimate').count(), 1);
    assert.equal(await page.getByTestId('estimate').getAttribute('data-id'), second.id, 'the estimate asked for last is shown');
    await assertText(page.getByTestId('estimate-valid'), second.valid_until);
    assert.deepEqual(unexpected(problems, []), []);
  }));

test('front desk: an invoice from a completed visit (a visit without a price named), issued, paid by card; balance 0; the takings',
  { timeout: TIMEOUT }, () => withPage('billing-invoice', async (page, problems) => {
    await setUp();
    await resources();
    const { p } = await patientWithDiagnosis('Nakamura', { given: 'Kenji' });
    const consult = await completedVisit(p, 'consultation', 2, 14);
    const workup = await completedVisit(p, 'workup', 3, 14); // no price for a work-up
    await signIn(page, 'front_desk');
    await page.goto(`${env.server.base}/patients/${p.id}/billing`);
    await page.getByTestId('no-invoices').waitFor();
    await page.getByTestId('new-invoice').click();
    const form = page.getByTestId('invoice-form');
    await waitForCount('visits to invoice', () => form.locator('input[name="appointment_ids"]').count(), 2);
    await form.locator(`input[value="${consult.id}"]`).uncheck();
    await form.getByTestId('invoice-chosen').click();
    await assertText(page.getByTestId('form-alert'), 'The invoice could not be made');
    await assertText(page.getByTestId('invoice-error'), 'Work-up (tests)');
    await assertText(page.getByTestId('invoice-error'), 'no appointment price for workup');
    await form.locator(`input[value="${workup.id}"]`).uncheck();
    await form.locator(`input[value="${consult.id}"]`).check();
    await form.getByTestId('invoice-chosen').click();
    const row = page.getByTestId('invoice-row');
    await assertText(row.getByTestId('invoice-status'), 'Draft');
    await assertText(row.getByTestId('invoice-total'), '1,250.50 USD');
    await assertText(row.getByTestId('invoice-due'), '0.00 USD');
    await row.getByTestId('invoice-details').click();
    await assertText(page.getByTestId('invoice-lines'), 'Visit: Consultation');
    await row.getByTestId('invoice-issue').click();
    await assertText(page.getByTestId('invoice-row').getByTestId('invoice-status'), 'Issued');
    await assertText(page.getByTestId('invoice-row').getByTestId('invoice-number'), /^INV-\d{6}$/);
    await assertText(page.getByTestId('invoice-row').getByTestId('invoice-due'), '1,250.50 USD');
    await assertText(page.getByTestId('balance-amount'), '1,250.50 USD');
    await assertText(page.getByTestId('balance-words'), 'Owed by the patient');

    // A card payment of what is due, against the invoice.
    await page.getByTestId('record-payment').click();
    const pay = page.getByTestId('payment-form');
    await pay.getByLabel(/^Amount/).fill('1,250.50');
    await pay.getByLabel('Method').selectOption('card');
    await pay.getByLabel('Reference (optional)').fill('AUTH 4471');
    const number = await page.getByTestId('invoice-row').getByTestId('invoice-number').innerText();
    await pay.getByLabel('Invoice').selectOption({ label: `${number}: due 1,250.50 USD of 1,250.50 USD` });
    await pay.getByTestId('payment-save').click();
    await assertText(page.getByTestId('invoice-row').getByTestId('invoice-status'), 'Paid');
    await assertText(page.getByTestId('invoice-row').getByTestId('invoice-due'), '0.00 USD');
    await assertText(page.getByTestId('balance-amount'), '0.00 USD');
    await assertText(page.getByTestId('balance-words'), 'Nothing owed');
    await assertText(page.getByTestId('payment-row'), 'AUTH 4471');
    await assertText(page.getByTestId('payment-row').getByTestId('payment-amount'), '1,250.50 USD');
    const desk = await login(env.server.base, 'front_desk');
    assert.equal(ok(await desk.get(`/api/v1/patients/${p.id}/balance`), 'balance').balance, 0);
    for (const [w, hgt] of [[1366, 800], [390, 844]]) {
      await page.setViewportSize({ width: w, height: hgt });
      await noOverflow(page, `billing tab at ${w}`);
      await shot(page, `billing-tab-${w}`, { fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    // The day's closing lists it, with the patient's name and MRN.
    await page.getByTestId('nav-takings').click();
    await assertText(page.locator('h1'), 'Takings');
    const trow = page.locator('[data-testid="takings-row"]', { hasText: 'Nakamura, Kenji' });
    await assertText(trow, p.mrn);
    await assertText(trow, '1,250.50 USD');
    await assertText(trow, 'Card');
    const t = ok(await desk.get(`/api/v1/reports/takings?date=${today}`), 'takings');
    await assertText(page.locator('[data-testid="takings-method"][data-method="card"]').getByTestId('takings-net'), usd(t.methods.card.net));
    await assertText(page.getByTestId('takings-total-net'), usd(t.net));
    for (const [w, hgt] of [[1366, 800], [390, 844]]) {
      await page.setViewportSize({ width: w, height: hgt });
      await noOverflow(page, `takings at ${w}`);
      await shot(page, `billing-takings-${w}`, { fullPage: true });
    }
    await page.goto(`${env.server.base}/takings?date=2020-01-01`);
    await page.getByTestId('no-takings').waitFor();
    assert.deepEqual(unexpected(problems, [422]), []);
  }));

test('front desk: a refund beyond what was paid is refused with the amount; a refund, a voided payment, a voided draft, a credit note',
  { timeout: TIMEOUT }, () => withPage('billing-corrections', async (page, problems) => {
    await setUp();
    await resources();
    const { p } = await patientWithDiagnosis('Osei', { given: 'Ama' });
    const a1 = await completedVisit(p, 'consultation', 4, 15);
    await completedVisit(p, 'consultation', 5, 15);
    const desk = await login(env.server.base, 'front_desk');
    const inv = ok(await desk.post(`/api/v1/patients/${p.id}/invoices`, { appointment_ids: [a1.id] }), 'invoice');
    ok(await desk.post(`/api/v1/invoices/${inv.id}/issue`, undefined, { 'If-Match': '"1"' }), 'issue');
    await signIn(page, 'front_desk');
    await page.goto(`${env.server.base}/patients/${p.id}/billing`);
    await page.getByTestId('invoice-row').waitFor();

    // 100 on the account, then a refund of 100.01 (409, with what can be refunded), then 40.
    const record = async ({ refund = false, amount, reason }) => {
      await page.getByTestId('record-payment').click();
      const f = page.getByTestId('payment-form');
      if (refund) await f.getByLabel('Refund given').check();
      await f.getByLabel(/^Amount/).fill(amount);
      await f.getByLabel('Method').selectOption('cash');
      await f.getByLabel('Invoice').selectOption('');
      if (reason) await f.getByLabel('Reason for the refund').fill(reason);
      await f.getByTestId('payment-save').click();
    };
    await record({ amount: '100' });
    await waitForCount('payments', () => page.getByTestId('payment-row').count(), 1);
    await record({ refund: true, amount: '100.01', reason: 'Overpaid' });
    await assertText(page.getByTestId('form-alert'), 'At most 100.00 USD can be refunded on the account');
    await page.getByTestId('payment-form').getByLabel(/^Amount/).fill('40');
    await page.getByTestId('payment-save').click();
    await waitForCount('payments', () => page.getByTestId('payment-row').count(), 2);
    await assertText(page.locator('[data-testid="payment-row"]', { hasText: 'Refund' }).getByTestId('payment-amount'), '-40.00 USD');

    // A draft of the other visit, voided with a reason.
    await page.getByTestId('new-invoice').click();
    await page.getByTestId('invoice-all').click();
    const draft = page.locator('[data-testid="invoice-row"][data-status="draft"]');
    await draft.waitFor();
    await draft.getByTestId('invoice-void').click();
    await page.getByTestId('invoice-void-form').getByLabel('Reason').fill('Wrong patient');
    await page.getByTestId('invoice-void-confirm').click();
    await assertText(page.locator('[data-testid="invoice-row"][data-status="void"]'), 'Voided: Wrong patient');

    // The issued invoice credited in full.
    const issued = page.locator('[data-testid="invoice-row"][data-status="issued"]');
    await issued.getByTestId('invoice-credit').click();
    await page.getByTestId('credit-form').getByLabel('Reason').fill('Treatment cancelled');
    await page.getByTestId('credit-confirm').click();
    const credited = page.locator('[data-testid="invoice-row"][data-status="credited"]');
    await assertText(credited, 'Credit notes: CN-');
    await assertText(credited.getByTestId('invoice-due'), '0.00 USD');

    // The cash payment of 100 is voided: the refund relies on it (409, said in words).
    const cash = page.locator('[data-testid="payment-row"]', { hasText: 'Payment' }).first();
    await cash.getByTestId('payment-void').click();
    await page.getByTestId('payment-void-form').getByLabel('Reason').fill('Keyed twice');
    await page.getByTestId('payment-void-confirm').click();
    await page.getByTestId('payment-void-form').getByTestId('form-alert').waitFor();
    // Cancel asks before the typed reason is lost; the refund is voided instead.
    const asked = [];
    page.once('dialog', (d) => { asked.push(d.message()); d.accept(); });
    await page.getByTestId('payment-void-form').getByRole('button', { name: 'Cancel' }).click();
    await waitForCount('void forms', () => page.getByTestId('payment-void-form').count(), 0);
    assert.match(asked.join(), /not saved/);
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'payment-void', 'focus back on Void');
    const refund = page.locator('[data-testid="payment-row"]', { hasText: 'Refund' });
    await refund.getByTestId('payment-void').click();
    await page.getByTestId('payment-void-form').getByLabel('Reason').fill('Not given');
    await page.getByTestId('payment-void-confirm').click();
    await waitForCount('voided', () => page.locator('[data-testid="payment-row"][data-status="voided"]').count(), 1);
    await assertText(page.locator('[data-testid="payment-row"][data-status="voided"]'), 'Voided: Not given');
    const bal = ok(await desk.get(`/api/v1/patients/${p.id}/balance`), 'balance');
    await assertText(page.getByTestId('balance-amount'), usd(Math.abs(bal.balance)));
    // The forms open, at both widths: nothing wider than the window.
    await page.locator('[data-testid="invoice-row"][data-status="credited"]').getByTestId('invoice-details').click();
    await page.getByTestId('invoice-lines').waitFor();
    await page.getByTestId('record-payment').click();
    await page.getByTestId('payment-form').getByLabel('Refund given').check();
    for (const [w, hgt] of [[1366, 800], [390, 844]]) {
      await page.setViewportSize({ width: w, height: hgt });
      await noOverflow(page, `billing forms at ${w}`);
      await shot(page, `billing-forms-${w}`, { fullPage: true });
    }
    assert.deepEqual(unexpected(problems, [409]), []);
  }));

test('roles: a nurse sees prices but no Billing tab nor takings; a clinician reads billing but changes nothing; a researcher sees no prices',
  { timeout: TIMEOUT }, () => withPage('billing-roles', async (page) => {
    await setUp();
    const { p } = await patientWithDiagnosis('Roles', { given: 'Rae' });
    await signIn(page, 'nurse');
    assert.equal(await page.getByTestId('nav-takings').count(), 0);
    await page.getByTestId('nav-prices').click();
    await page.getByTestId('price-list').getByTestId('price-row').first().waitFor();
    assert.equal(await page.getByTestId('set-price').count(), 0);
    await page.goto(`${env.server.base}/patients/${p.id}`);
    await page.getByTestId('tab-summary').waitFor();
    assert.equal(await page.getByTestId('tab-billing').count(), 0);
    await page.goto(`${env.server.base}/patients/${p.id}/billing`);
    await page.getByTestId('no-billing-access').waitFor();
    await page.goto(`${env.server.base}/takings`);
    await page.getByTestId('no-takings-access').waitFor();

    await page.getByTestId('sign-out').click();
    await signIn(page, 'clinician');
    await page.goto(`${env.server.base}/patients/${p.id}/billing`);
    await page.getByTestId('no-invoices').waitFor();
    assert.equal(await page.getByTestId('make-estimate').count(), 1, 'a clinician makes estimates');
    for (const id of ['new-invoice', 'record-payment']) assert.equal(await page.getByTestId(id).count(), 0, id);

    await page.getByTestId('sign-out').click();
    await signIn(page, 'researcher');
    assert.equal(await page.getByTestId('nav-prices').count(), 0);
    assert.equal(await page.getByTestId('nav-takings').count(), 0);
    await page.goto(`${env.server.base}/prices`);
    await page.getByTestId('no-price-access').waitFor();
  }));
