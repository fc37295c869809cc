// The outcomes page on the demo clinic (`schwann demo`, as `make demo` serves it): the demo
// clinician filters to chronic diabetic neuropathy treated with PRP and sees the responder rate
// with its interval and n, and the Kaplan-Meier plot with its n, each equal to what the API answers
// for the same query (the demo's dates follow today, so the numbers are read, not written here).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../lib/server.mjs';
import { assertText as assertTextWithin } from './assert-text.mjs';

// The demo's pages take longer: waits up to 8 s.
const assertText = (locator, expected, ms = 8000) => assertTextWithin(locator, expected, ms);

async function waitForCount(what, fn, n, ms = 8000) {
  const end = Date.now() + ms;
  for (;;) {
    const got = await fn();
    if (got === n) return;
    if (Date.now() > end) assert.fail(`${what}: ${got}, expected ${n}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The demo is written by the release build when there is one (the ASan build takes several
// times the CPU, which the browser tests running beside it feel); the server is the one tested.
const DEMO_BIN = existsSync('./schwann') ? './schwann' : process.env.SCHWANN_BIN;
let dir;
let server;
let browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'schwann-demo-outcomes-'));
  const db = join(dir, 'demo.db');
  const r = spawnSync(DEMO_BIN, ['demo', '--db', db], { encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
  server = await startServer({ db });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('demo clinic: chronic diabetic neuropathy treated with PRP shows a rate with its interval and n, and the Kaplan-Meier plot',
  { timeout: 90000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10000);
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    try {
      await page.goto(`${server.base}/`);
      await page.getByLabel('E-mail').fill('clinician@demo.schwann.test');
      await page.getByLabel('Password').fill('demo-clinician-pass');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('nav-outcomes').click();
      await assertText(page.locator('h1'), 'Outcomes');
      for (const [variable, label] of [['etiology', 'Diabetic'], ['chronicity', 'Chronic'], ['biologic', 'Platelet-rich plasma (PRP)']]) {
        await page.getByTestId(`filter-${variable}`).getByLabel(label, { exact: true }).check();
      }
      await page.getByLabel('Minimum n for a rate').fill('3');
      await page.getByLabel('Minimum n for a rate').press('Enter');
      await page.waitForURL((u) => u.search.includes('min_n=3') && u.search.includes('biologic=prp'));
      const query = 'etiology=diabetic&chronicity=chronic&biologic=prp&min_n=3';
      const api = await page.evaluate(async (q) => {
        const get = async (path) => (await fetch(path)).json();
        return { resp: await get(`/api/v1/outcomes/responders?milestone=91&${q}`), time: await get(`/api/v1/outcomes/time-to-response?${q}`) };
      }, query);
      const all = api.resp.rows[0];
      assert.ok(all.denominator >= 3 && !all.insufficient, `the demo has chronic diabetic PRP patients due at 91 days: ${JSON.stringify(all)}`);
      const row = page.getByTestId('responder-row').first();
      await assertText(row.getByTestId('row-responders'), `${all.responders} of ${all.denominator}`);
      await assertText(row.getByTestId('row-rate'), `${Math.round(100 * all.rate)}\u00a0%`);
      const high = 100 * all.ci_high; // bounds within 1 % of either end keep a decimal on the page
      await assertText(row.getByTestId('row-ci'), high > 1 && high < 99 ? `to ${Math.round(high)}\u00a0%` : '95\u00a0% CI');
      assert.equal(await row.getByTestId('forest-point').count(), 1);
      const curve = api.time.rows[0];
      assert.ok(!curve.insufficient && curve.in_curve >= 3, JSON.stringify(curve));
      const time = page.getByTestId('section-time-to-response');
      await waitForCount('curves', () => time.getByTestId('km-path').count(), 1);
      await assertText(time.getByTestId('km-legend'), `All (n\u00a0=\u00a0${curve.in_curve})`);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
