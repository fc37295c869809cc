// Browser tests of the patient screens: Debian's Chromium driven by playwright-core against a
// real server (the ASan build when present) with a fresh database. A failing test leaves a
// screenshot in tests/browser/out/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, login, emailOf, PASSWORDS, newPatient } from '../lib/server.mjs';

const OUT = join(dirname(fileURLToPath(import.meta.url)), 'out');
const TIMEOUT = 30000;

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// Runs fn with a fresh page at 1280x800; records page errors and console errors (which fail the
// test) and saves a screenshot when anything throws.
async function withPage(name, fn) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  const problems = [];
  const pending = new Set();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('request', (r) => pending.add(r));
  page.on('requestfinished', (r) => pending.delete(r));
  page.on('requestfailed', (r) => pending.delete(r));
  try {
    await fn(page, problems);
  } catch (e) {
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true }).catch(() => {});
    let notes = '';
    if (pending.size) notes += `\n--- requests still unanswered ---\n${[...pending].map((r) => `${r.method()} ${r.url()}`).join('\n')}`;
    notes += `\n--- server log (tail) ---\n${server.log().split('\n').slice(-8).join('\n')}`;
    // The reporter prints the stack, which already holds the message: add the notes to both.
    e.message += notes;
    if (typeof e.stack === 'string') e.stack += notes;
    throw e;
  } finally {
    await context.close();
  }
}

async function signIn(page, role) {
  await page.goto(server.base + '/');
  await page.getByLabel('E-mail').fill(emailOf(role));
  await page.getByLabel('Password').fill(PASSWORDS[role]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await assertText(page.getByTestId('staff-name'), `Test ${role}`);
}

async function assertText(locator, expected) {
  await locator.first().waitFor();
  const text = await locator.first().innerText();
  if (expected instanceof RegExp) assert.match(text, expected);
  else assert.ok(text.includes(expected), `expected ${JSON.stringify(expected)} in ${JSON.stringify(text)}`);
}

// YYYY-MM-DD of (today in UTC, the server's calendar) minus years and days.
function utcDateMinus(years, days) {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear() - years, now.getUTCMonth(), now.getUTCDate() - days));
  return d.toISOString().slice(0, 10);
}

test('clinician registers a patient, records a chronic diagnosis, finds the patient, signs out',
  { timeout: TIMEOUT }, () => withPage('clinician', async (page, problems) => {
    await signIn(page, 'clinician');
    await assertText(page.getByTestId('staff-role'), /^clinician$/i);

    await page.getByRole('link', { name: 'New patient' }).first().click();
    await page.waitForURL(/\/patients\/new$/);
    await page.getByLabel('Family name').fill('Brocklehurst');
    await page.getByLabel('Given name').fill('Imogen');
    await page.getByLabel('Birth date').fill('2023-02-30');
    await page.getByLabel('Sex at birth').selectOption('female');
    await page.getByLabel('MRN').fill('BR-2041');
    await page.getByLabel('City').fill('Riverton');
    await page.getByLabel('Country').fill('us');
    await page.getByTestId('save-patient').click();

    // The API's own message, next to the field; the summary heads the form; focus on the field.
    await assertText(page.locator('#birth_date-error'), 'must be a real date written YYYY-MM-DD');
    await assertText(page.getByRole('alert').filter({ hasText: 'problem' }), 'Birth date must be a real date');
    assert.equal(await page.locator('#birth_date').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'birth_date');
    assert.match(page.url(), /\/patients\/new$/, 'stays on the form');

    await page.getByLabel('Birth date').fill('1961-07-04');
    await page.getByTestId('save-patient').click();
    await page.waitForURL(/\/patients\/[0-9a-f-]{36}$/);
    const patientUrl = page.url();
    await assertText(page.getByTestId('patient-name'), 'Brocklehurst, Imogen');
    await assertText(page.getByTestId('flash'), 'registered');
    await assertText(page.getByTestId('birth-date'), '1961-07-04');
    await assertText(page.getByTestId('address'), 'US');
    await assertText(page.getByTestId('banner-neuropathy'), 'No neuropathy diagnosis recorded');
    await page.getByTestId('tab-workup').click();
    await page.waitForURL(`${patientUrl}/workup`);
    await assertText(page.getByTestId('no-diagnoses'), 'No neuropathy diagnosis');

    // Add a diagnosis with onset about three years ago: the form opens on demand, closes on save.
    assert.equal(await page.getByTestId('add-diagnosis-form').count(), 0);
    await page.getByTestId('open-add-diagnosis').click();
    const form = page.getByTestId('add-diagnosis-form');
    const options = await form.locator('#icd10 option').count();
    assert.ok(options > 20, `the ICD-10 list is filled from the API (${options} options)`);
    await form.getByLabel('Diagnosis (ICD-10-CM)').selectOption('E11.42');
    await form.getByLabel('Onset').fill(utcDateMinus(3, 10));
    await form.getByLabel('Left foot').check();
    await form.getByLabel('Right foot').check();
    await page.getByTestId('add-diagnosis').click();
    const row = page.getByTestId('condition-row').filter({ hasText: 'E11.42' });
    await assertText(row, 'Type 2 diabetes mellitus with diabetic polyneuropathy');
    await assertText(row.getByTestId('chronicity'), 'chronic');
    await assertText(row.getByTestId('duration'), '3 years');
    await assertText(row.getByTestId('duration'), '36 months');
    await assertText(row, 'Diabetic');
    await assertText(row, 'Left foot, Right foot');
    assert.equal(await row.getAttribute('data-fresh'), 'true', 'the new row is marked');
    assert.equal(await page.getByTestId('add-diagnosis-form').count(), 0, 'the form closed on save');
    await assertText(page.getByTestId('diagnosis-status'), 'Added E11.42');
    // The banner shows the neuropathy on every tab.
    await assertText(page.getByTestId('banner-neuropathy'), 'E11.42');
    await assertText(page.getByTestId('banner-chronicity'), 'chronic');
    assert.doesNotMatch(await page.locator('main').innerText(), /\b(null|undefined|NaN)\b/);

    if (process.env.SCHWANN_SCREENSHOTS) {
      await page.screenshot({ path: join(mkdirOut(), 'patient-page.png'), fullPage: true });
    }

    // The route works on reload, and the diagnosis was stored.
    await page.reload();
    await assertText(page.getByTestId('patient-name'), 'Brocklehurst, Imogen');
    await assertText(page.getByTestId('condition-row').filter({ hasText: 'E11.42' }).getByTestId('chronicity'), 'chronic');
    assert.equal(page.url(), `${patientUrl}/workup`);

    // Back to the list: search by family name.
    await page.getByTestId('back-to-list').click();
    await page.waitForURL(/\/(\?.*)?$/);
    await page.getByTestId('search').fill('Zzyzx');
    await assertText(page.getByTestId('empty'), 'No patients match “Zzyzx”');
    await page.getByTestId('search').fill('brockle');
    const hit = page.getByTestId('patient-row').filter({ hasText: 'BR-2041' });
    await assertText(hit, 'Brocklehurst, Imogen');
    await assertText(hit, '1961-07-04');
    assert.equal(await page.getByTestId('patient-row').count(), 1);
    assert.match(page.url(), /\?q=brockle$/, 'the search is in the address');
    await hit.getByRole('link').click();
    assert.equal((await page.waitForURL(patientUrl), page.url()), patientUrl);

    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-form').waitFor();
    await assertText(page.getByTestId('sign-in-message'), 'You have signed out');
    const me = await page.request.get(server.base + '/api/v1/me');
    assert.equal(me.status(), 401, 'the session is gone on the server');
    assert.deepEqual(unexpected(problems, [422]), []);
  }));

test('front desk opens a patient and sees no diagnoses or diagnosis form', { timeout: TIMEOUT },
  () => withPage('front-desk', async (page, problems) => {
    const clin = await login(server.base, 'clinician');
    const p = (await clin.post('/api/v1/patients', newPatient({ family_name: 'Featherstone', given_name: 'Olu' }))).body;
    const c = await clin.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'G62.1', onset_date: '2025-01' });
    assert.equal(c.status, 201);

    await signIn(page, 'front_desk');
    await page.getByTestId('search').fill('Featherstone');
    await page.getByTestId('patient-row').filter({ hasText: p.mrn }).getByRole('link').click();
    await page.waitForURL(new RegExp(`/patients/${p.id}$`));
    await assertText(page.getByTestId('patient-name'), 'Featherstone, Olu');
    await assertText(page.getByTestId('demographics'), p.mrn);
    await page.getByTestId('tab-workup').click();
    await assertText(page.getByTestId('no-diagnoses-access'), 'front desk');
    assert.equal(await page.getByTestId('add-diagnosis-form').count(), 0);
    assert.equal(await page.getByTestId('condition-table').count(), 0);
    assert.equal(await page.getByText('G62.1').count(), 0);
    assert.equal(await page.getByTestId('edit-patient').count(), 1, 'front desk may edit demographics');
    assert.deepEqual(unexpected(problems, []), []);
  }));

test('an edit saved by someone else meanwhile gives a clear 412 message', { timeout: TIMEOUT },
  () => withPage('conflict', async (page, problems) => {
    const clin = await login(server.base, 'clinician');
    const p = (await clin.post('/api/v1/patients', newPatient({ family_name: 'Oyelaran', given_name: 'Ada' }))).body;
    await signIn(page, 'nurse');
    await page.goto(`${server.base}/patients/${p.id}/edit`);
    await page.getByLabel('Phone').fill('+1 541 555 0199');
    const other = await clin.patch(`/api/v1/patients/${p.id}`, { given_name: 'Adaeze' }, { 'If-Match': '"1"' });
    assert.equal(other.status, 200);
    await page.getByTestId('save-patient').click();
    await assertText(page.getByTestId('form-alert'), 'Someone else changed this patient');
    await assertText(page.getByTestId('form-alert'), 'Reload');
    await page.getByTestId('reload').click();
    await page.getByLabel('Given name').waitFor();
    assert.equal(await page.getByLabel('Given name').inputValue(), 'Adaeze');
    await page.getByLabel('Phone').fill('+1 541 555 0199');
    await page.getByTestId('save-patient').click();
    await page.waitForURL(new RegExp(`/patients/${p.id}$`));
    await assertText(page.getByTestId('phone'), '+1 541 555 0199');
    await assertText(page.getByTestId('patient-name'), 'Oyelaran, Adaeze');
    assert.deepEqual(unexpected(problems, [412]), []);
  }));

test('a researcher is told what the role can use instead of a dead end', { timeout: TIMEOUT },
  () => withPage('researcher', async (page, problems) => {
    await signIn(page, 'researcher');
    const home = page.getByTestId('researcher-home');
    await assertText(home, 'Your role (researcher) works with de-identified data only');
    await assertText(home, 'Outcome reports');
    await assertText(home.getByTestId('research-instruments'), 'RAND 36-Item Health Survey');
    assert.equal(await page.getByTestId('search').count(), 0);
    assert.equal(await page.getByRole('link', { name: 'New patient' }).count(), 0);
    assert.deepEqual(unexpected(problems, []), []);
  }));

// Chromium logs each 4xx answer as "Failed to load resource"; those the test provokes on purpose
// are expected, anything else (a script error, another failed request) fails the test.
// The 401 is GET /api/v1/me before signing in.
function unexpected(problems, statuses) {
  return problems.filter((m) => ![401, ...statuses].some((s) => m.includes(`status of ${s} `)));
}

function mkdirOut() {
  mkdirSync(OUT, { recursive: true });
  return OUT;
}
