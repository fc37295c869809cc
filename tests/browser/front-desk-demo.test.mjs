// The front desk's path on the demo clinic (`schwann demo`, as `make demo` serves it): for a demo
// patient whose PRP plan the clinician has just agreed, the front desk books the whole series from
// the plan page, makes the cost estimate and takes home its PDF, and after the first injection
// invoices what was done and records the card payment against the invoice; the balance is then
// nothing and the day's takings show the payment. Each step is checked on screen and against the
// API. SCHWANN_SCREENSHOTS=1 saves the pages at 1366 and 390 px in tests/browser/out/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, client } from '../lib/server.mjs';
import { assertText as assertTextWithin } from './assert-text.mjs';

const CLINIC = 'Riverside Neuropathy Clinic (demo)';
const SHOTS = process.env.SCHWANN_SCREENSHOTS === '1';

// The demo's pages take longer: waits up to 10 s.
const assertText = (locator, expected, ms = 10000) => assertTextWithin(locator, expected, ms);

const ok = (r, what) => {
  assert.ok(r.status === 200 || r.status === 201, `${what}: ${r.status} ${r.text}`);
  return r.body;
};
const usd = (c) => `${Math.floor(c / 100).toLocaleString('en-US')}.${String(c % 100).padStart(2, '0')} USD`;
const flat = (s) => s.replace(/\s+/g, ' ');

// The demo is written by the release build when there is one (the ASan build takes several
// times the CPU, which the browser tests running beside it feel); the server is the one tested.
const DEMO_BIN = existsSync('./schwann') ? './schwann' : process.env.SCHWANN_BIN;
const DEMO = {
  clinician: ['clinician@demo.schwann.test', 'demo-clinician-pass'],
  front_desk: ['frontdesk@demo.schwann.test', 'demo-frontdesk-pass'],
};
let dir;
let server;
let browser;

async function demoLogin(role) {
  const [email, password] = DEMO[role];
  const r = await fetch(`${server.base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  const body = await r.json();
  assert.equal(r.status, 201, JSON.stringify(body));
  return client(server.base, { cookie: r.headers.get('set-cookie').split(';')[0], csrf: body.csrf_token });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'schwann-demo-desk-'));
  const db = join(dir, 'demo.db');
  const r = spawnSync(DEMO_BIN, ['demo', '--db', db], { encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /visits\s+booked over the next four weeks, \d+ invoices issued/);
  server = await startServer({ db, args: ['--clinic-name', CLINIC] });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function signIn(page, role) {
  await page.goto(`${server.base}/`);
  await page.getByLabel('E-mail').fill(DEMO[role][0]);
  await page.getByLabel('Password').fill(DEMO[role][1]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('sign-out').waitFor();
}

async function shots(page, name) {
  for (const [w, hgt] of [[1366, 900], [390, 844]]) {
    await page.setViewportSize({ width: w, height: hgt });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= w, `${name}: the page is ${wide} px wide at ${w}`);
    if (SHOTS) {
      mkdirSync('tests/browser/out', { recursive: true });
      await page.screenshot({ path: `tests/browser/out/${name}-${w}.png`, fullPage: true });
    }
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

test('demo clinic: the front desk books a PRP series from the plan, prints its estimate, and takes the payment after the first injection',
  { timeout: 180000 }, async () => {
    const clin = await demoLogin('clinician');
    const desk = await demoLogin('front_desk');
    // A demo patient with a proposed PRP series and nothing booked or billed yet.
    const patients = ok(await clin.get('/api/v1/patients?limit=200'), 'patients').items;
    let pat = null;
    let plan = null;
    for (const p of patients) {
      const plans = ok(await clin.get(`/api/v1/patients/${p.id}/plans`), 'plans').items;
      plan = plans.find((pl) => pl.protocol === 'prp-series' && pl.status === 'proposed');
      if (plan && plans.length === 1) { pat = p; break; }
    }
    assert.ok(pat, 'the demo has a patient with a proposed PRP series');
    // The clinician and the patient agree: the plan is accepted and the consent signed.
    const today = ok(await desk.get('/api/v1/me'), 'me').clinic.today;
    ok(await clin.call('POST', `/api/v1/plans/${plan.id}/status`, { status: 'accepted' }, { 'If-Match': `"${plan.version}"` }), 'accept');
    ok(await clin.post(`/api/v1/patients/${pat.id}/consents`, { document: 'prp', version: '1', plan_id: plan.id, signed_on: today, witness: 'Front desk' }), 'consent');

    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(10000);
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    try {
      await signIn(page, 'front_desk');

      // 1. The series, from the plan page.
      await page.goto(`${server.base}/patients/${pat.id}/treatment`);
      const planBox = page.getByTestId('plan').first(); // the patient's only plan
      await planBox.getByTestId('book-series').click();
      await assertText(page.getByTestId('plans-status'), 'Series booked:');
      const booked = ok(await desk.get(`/api/v1/appointments?patient_id=${pat.id}`), 'appointments').items;
      const stepIds = new Set(ok(await desk.get(`/api/v1/plans/${plan.id}`), 'plan').steps.map((s) => s.id));
      assert.ok(booked.length >= 10, `the series: ${booked.length} visits`);
      assert.ok(booked.every((a) => a.status === 'booked' && stepIds.has(a.plan_step_id)));
      await assertText(planBox.getByTestId('series-count'), `Appointments: ${booked.length} of ${booked.length} steps booked`);
      await shots(page, 'demo-desk-series');

      // 2. The estimate, and its PDF.
      await page.getByTestId('tab-billing').click();
      await page.getByTestId('make-estimate').click();
      const form = page.getByTestId('estimate-form');
      await form.getByLabel('Plan').selectOption(plan.id);
      await form.getByLabel('Note (optional)').fill('Three PRP injections four weeks apart, as discussed.');
      await form.getByTestId('estimate-save').click();
      const est = page.getByTestId('estimate');
      await est.waitFor();
      const listed = ok(await desk.get(`/api/v1/patients/${pat.id}/estimates`), 'estimates').items;
      assert.equal(listed.length, 1);
      const full = ok(await desk.get(`/api/v1/estimates/${listed[0].id}`), 'estimate');
      assert.ok(full.total > 0);
      await assertText(est.getByTestId('estimate-total'), usd(full.total));
      await assertText(est.getByTestId('estimate-results'), full.expected_results.statement);
      await assertText(est.getByTestId('estimate-adverse'), full.adverse_events.statement);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('estimate-pdf').click()]);
      const pdf = readFileSync(await download.path());
      const text = flat(execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8'));
      for (const want of [CLINIC, `${pat.given_name} ${pat.family_name}`, pat.mrn, usd(full.total), `valid until ${full.valid_until}`,
        'What results to expect', 'Side effects seen at this clinic']) {
        assert.ok(text.includes(want), `${want} in the PDF:\n${text}`);
      }
      // The clinic's own results as the API states them, with their n.
      assert.ok(text.includes(flat(full.expected_results.statement).slice(0, 60)), `${full.expected_results.statement} in the PDF`);
      await shots(page, 'demo-desk-estimate');

      // 3. The first injection: the visit takes place and the clinician records what was done.
      const first = booked.filter((a) => a.type === 'injection').sort((x, y) => x.start.localeCompare(y.start))[0];
      ok(await desk.call('POST', `/api/v1/appointments/${first.id}/arrive`, undefined, { 'If-Match': `"${first.version}"` }), 'arrive');
      ok(await desk.call('POST', `/api/v1/appointments/${first.id}/complete`, undefined, { 'If-Match': `"${first.version + 1}"` }), 'complete');
      const draw = ok(await clin.post(`/api/v1/plans/${plan.id}/procedures`, { kind: 'blood_draw', performed_on: today, volume_ml: 30 }), 'draw');
      const prep = ok(await clin.post(`/api/v1/plans/${plan.id}/procedures`, { kind: 'processing', performed_on: today, from: draw.id, method: 'spin' }), 'prep');
      ok(await clin.post(`/api/v1/plans/${plan.id}/procedures`, { kind: 'injection', performed_on: today, product: prep.id, volume_ml: 4,
        side: 'left', nerves: ['tibial'], guidance: 'ultrasound', operator: 'Dr Cleo Clinician' }), 'injection');

      // 4. The invoice for everything done so far, issued, and the card payment against it.
      await page.goto(`${server.base}/patients/${pat.id}/billing`);
      await page.getByTestId('new-invoice').click();
      await page.getByTestId('invoice-form').getByTestId('invoice-all').click();
      const row = page.getByTestId('invoice-row').first();
      await assertText(row.getByTestId('invoice-status'), 'Draft');
      await row.getByTestId('invoice-issue').click();
      await assertText(page.getByTestId('invoice-row').first().getByTestId('invoice-status'), 'Issued');
      const inv = ok(await desk.get(`/api/v1/patients/${pat.id}/invoices`), 'invoices').items.find((i) => i.status === 'issued');
      assert.ok(inv, 'an issued invoice');
      // The completed injection visit and the three procedures, each priced from the demo's list.
      assert.deepEqual(inv.lines.map((l) => l.source_kind).sort(), ['appointment', 'procedure', 'procedure', 'procedure']);
      const number = await page.getByTestId('invoice-row').first().getByTestId('invoice-number').innerText();
      await page.getByTestId('record-payment').click();
      const pay = page.getByTestId('payment-form');
      await pay.getByLabel(/^Amount/).fill((inv.due / 100).toFixed(2));
      await pay.getByLabel('Method').selectOption('card');
      await pay.getByLabel('Reference (optional)').fill('AUTH 90210');
      await pay.getByLabel('Invoice').selectOption({ label: `${number}: due ${usd(inv.due)} of ${usd(inv.total)}` });
      await pay.getByTestId('payment-save').click();
      await assertText(page.getByTestId('invoice-row').first().getByTestId('invoice-status'), 'Paid');
      await assertText(page.getByTestId('balance-amount'), '0.00 USD');
      assert.equal(ok(await desk.get(`/api/v1/patients/${pat.id}/balance`), 'balance').balance, 0);
      await shots(page, 'demo-desk-billing');

      // 5. The day's takings list it.
      await page.getByTestId('nav-takings').click();
      const mine = page.locator('[data-testid="takings-row"]', { hasText: pat.mrn });
      await assertText(mine, usd(inv.due));
      await shots(page, 'demo-desk-takings');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
