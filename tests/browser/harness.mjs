// Shared set-up of the browser tests: a real server (the ASan build when present) with a fresh
// database, Debian's Chromium through playwright-core, page helpers, and the patients and plans
// the treatment and outcome tests start from (made through the API). Importing it registers the
// before/after hooks of the test file that imports it.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, emailOf, PASSWORDS, login, newPatient } from '../lib/server.mjs';
import { assertText } from './assert-text.mjs';

export const OUT = join(dirname(fileURLToPath(import.meta.url)), 'out');

let server;
let browser;
/* The running server, for tests: env.server.base. */
export const env = {
  get server() { return server; },
};

// More `serve` arguments (e.g. --clinic-name) for the server of the test file that calls this at
// its top level; the server starts once the file's top level has run.
let serveArgs = [];
export function serveWith(...args) {
  serveArgs = args;
}

before(async () => {
  await new Promise((resolve) => setImmediate(resolve));
  server = await startServer({ args: serveArgs });
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

// Runs fn with a fresh page at 1280x800 (options: more of the browser context's, e.g. its
// timezoneId); records page errors and console errors (which fail the test) and saves a
// screenshot when anything throws.
export async function withPage(name, fn, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  try {
    await fn(page, problems);
  } catch (e) {
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true }).catch(() => {});
    const notes = `\n--- server log (tail) ---\n${server.log().split('\n').slice(-8).join('\n')}`;
    e.message += notes;
    if (typeof e.stack === 'string') e.stack += notes;
    throw e;
  } finally {
    await context.close();
  }
}

export async function signIn(page, role) {
  await page.goto(server.base + '/');
  await page.getByLabel('E-mail').fill(emailOf(role));
  await page.getByLabel('Password').fill(PASSWORDS[role]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await assertText(page.getByTestId('staff-name'), `Test ${role}`);
}

export { assertText };

// Waits until fn() (an async count) equals n, then asserts it.
export async function waitForCount(what, fn, n, ms = 5000) {
  const end = Date.now() + ms;
  let got;
  for (;;) {
    got = await fn();
    if (got === n || Date.now() > end) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(got, n, `${what}: expected ${n}, found ${got}`);
}

// Chromium logs each 4xx answer as "Failed to load resource"; those the test provokes on purpose
// are expected, anything else (a script error, another failed request) fails the test.
export function unexpected(problems, statuses) {
  return problems.filter((m) => ![401, ...statuses].some((s) => m.includes(`status of ${s} `)));
}

// YYYY-MM-DD, k days from today in this machine's calendar (the server's and the browser's).
export function day(k = 0) {
  const d = new Date();
  d.setDate(d.getDate() + k);
  const z = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${z(d.getMonth() + 1)}-${z(d.getDate())}`;
}

// With SCHWANN_SCREENSHOTS set, saves the element (or the page) as out/<name>.png.
export async function shot(target, name, opts = {}) {
  if (!process.env.SCHWANN_SCREENSHOTS) return;
  mkdirSync(OUT, { recursive: true });
  await target.screenshot({ path: join(OUT, `${name}.png`), ...opts });
}

// A patient with a diabetic neuropathy diagnosis (and, with nrs, two pain scores before today).
export async function patientWithDiagnosis(family, { nrs = false, given = 'Ada' } = {}) {
  const clin = await login(server.base, 'clinician');
  const p = (await clin.post('/api/v1/patients', newPatient({ family_name: family, given_name: given, birth_date: '1956-02-03' }))).body;
  const c = await clin.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'E11.42', onset_date: '2023-05-01' });
  assert.equal(c.status, 201, c.text);
  if (nrs) {
    assert.equal((await clin.post(`/api/v1/patients/${p.id}/diary`, { entry_date: day(-20), nrs: 7 })).status, 201);
    assert.equal((await clin.post(`/api/v1/patients/${p.id}/assessments`,
      { instrument: 'nrs', performed_at: day(-10), answers: { score: 6 } })).status, 201);
  }
  return { clin, p, cond: c.body };
}

// An accepted plan (PRP unless protocol and document say otherwise) with a current consent, made
// through the API.
export async function consentedPlan(clin, p, cond, { protocol = 'prp-series', document = 'prp', start = day(-7) } = {}) {
  const pl = (await clin.post(`/api/v1/patients/${p.id}/plans`,
    { protocol, condition_id: cond.id, start_date: start, study_reference: 'IRB 2026-07', notes: 'Prefers mornings' })).body;
  assert.equal((await clin.post(`/api/v1/plans/${pl.id}/status`, { status: 'accepted' }, { 'If-Match': '"1"' })).status, 200);
  const k = await clin.post(`/api/v1/patients/${p.id}/consents`,
    { document, version: '1', plan_id: pl.id, signed_on: day(-1), witness: 'R. Witness' });
  assert.equal(k.status, 201, k.text);
  return pl;
}

async function ok(r) {
  assert.ok(r.status === 200 || r.status === 201, r.text);
  return r.body;
}

// A treated patient for the outcome reports: the diagnosis icd10 (onset `onset` days before the
// injection), injected with PRP 120 days ago, an NRS of 8 three days before and `at91` on day 91
// (none when null).
export async function treatedPatient(clin, { icd10 = 'E11.42', onset = 2 * 365, at91 }) {
  const injected = -120;
  const p = await ok(await clin.post('/api/v1/patients', newPatient()));
  const cond = await ok(await clin.post(`/api/v1/patients/${p.id}/conditions`, { icd10, onset_date: day(injected - onset) }));
  const pl = await ok(await clin.post(`/api/v1/patients/${p.id}/plans`,
    { protocol: 'prp-series', condition_id: cond.id, start_date: day(injected - 7) }));
  await ok(await clin.post(`/api/v1/plans/${pl.id}/status`, { status: 'accepted' }, { 'If-Match': '"1"' }));
  await ok(await clin.post(`/api/v1/patients/${p.id}/consents`,
    { document: 'prp', version: '1', plan_id: pl.id, signed_on: day(injected - 7), witness: 'R. Witness' }));
  const on = day(injected);
  const draw = await ok(await clin.post(`/api/v1/plans/${pl.id}/procedures`, { kind: 'blood_draw', performed_on: on, volume_ml: 30 }));
  const proc = await ok(await clin.post(`/api/v1/plans/${pl.id}/procedures`,
    { kind: 'processing', performed_on: on, from: draw.id, method: 'spin' }));
  await ok(await clin.post(`/api/v1/plans/${pl.id}/procedures`, { kind: 'injection', performed_on: on, product: proc.id,
    volume_ml: 4, side: 'left', nerves: ['tibial'], guidance: 'ultrasound', operator: 'Dr Test' }));
  await ok(await clin.post(`/api/v1/patients/${p.id}/diary`, { entry_date: day(injected - 3), nrs: 8 }));
  if (at91 !== null) await ok(await clin.post(`/api/v1/patients/${p.id}/diary`, { entry_date: day(injected + 91), nrs: at91 }));
  return p;
}
