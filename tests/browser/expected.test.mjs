// Browser tests of "Expected results for a patient like this" on the chart's Treatment tab: ten
// past patients with diabetic neuropathy of two years treated with PRP (five respond at day 91,
// one had an adverse event) and a new patient like them: for PRP the server's statement with
// "past patients", the rate with its exact interval and n and a bar on the 0-100 % axis, the match
// said in words with nothing dropped, the adverse events; for BMAC and SVF "Not enough data" with
// no bar and the widening said; the basis in small print. The front desk (which does not read
// diagnoses, and the answer names one) and a researcher have no card and make no request for it;
// no sideways scrolling at 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, withPage, signIn, assertText, waitForCount, unexpected, day, shot, treatedPatient } from './harness.mjs';
import { login, newPatient } from '../lib/server.mjs';

const TIMEOUT = 120000;

let made = null;
async function clinic() {
  if (made) return made;
  const clin = await login(env.server.base, 'clinician');
  const past = [];
  for (let i = 0; i < 10; i++) past.push(await treatedPatient(clin, { at91: i % 2 ? 7 : 3 }));
  const ae = await clin.post(`/api/v1/patients/${past[0].id}/adverse-events`, {
    term: 'Injection-site bruising', onset_date: day(-118), grade: 1, serious: false, relatedness: 'probable',
    expected: true, outcome: 'recovered' });
  assert.equal(ae.status, 201, ae.text);
  const p = (await clin.post('/api/v1/patients', newPatient({ family_name: 'Likethis' }))).body;
  const c = await clin.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'E11.42', onset_date: day(-3 * 365) });
  assert.equal(c.status, 201, c.text);
  made = { p, past };
  return made;
}

const item = (page, biologic) => page.locator(`[data-testid="expected-item"][data-biologic="${biologic}"]`);

test('clinician: expected results per biologic, the rate with its interval and n for PRP, not enough data for the others',
  { timeout: TIMEOUT }, () => withPage('expected-clinician', async (page, problems) => {
    const { p, past } = await clinic();
    await signIn(page, 'clinician');
    await page.goto(`${env.server.base}/patients/${p.id}/treatment`);
    const card = page.getByTestId('expected-results');
    await assertText(card.locator('h2'), 'Expected results for a patient like this');
    await assertText(card.getByTestId('expected-who'), 'This patient: diabetic neuropathy, 1 to 5 years since onset (chronic).');
    // The card sits beside candidacy: right after it, before the plans.
    assert.deepEqual(await page.locator('[data-testid="treatment"] > section').evaluateAll((ss) => ss.slice(0, 3)
      .map((x) => x.dataset.testid)), ['candidacy', 'expected-results', 'plans']);

    // PRP: 5 of 10 (R: binom.test(5, 10) gives 0.187 to 0.813).
    const prp = item(page, 'prp');
    await assertText(prp.getByTestId('expected-statement'), 'Of 10 past patients with diabetic neuropathy');
    await assertText(prp.getByTestId('expected-statement'), '5 (50 %, 95 % CI 19-81 %)');
    await assertText(prp.getByTestId('expected-ci'), '95\u00a0% CI 19\u00a0% to 81\u00a0%');
    await assertText(prp.getByTestId('expected-n'), '5 of 10');
    assert.equal(await prp.getByTestId('forest-point').getAttribute('cx'), '50%');
    assert.deepEqual([await prp.getByTestId('forest-ci').first().getAttribute('x1'),
      await prp.getByTestId('forest-ci').first().getAttribute('x2')].map((x) => Math.round(parseFloat(x))), [19, 81]);
    await assertText(prp.getByTestId('expected-match'), 'Compared with past patients like this one: diabetic neuropathy, '
      + '1 to 5 years since onset.');
    await assertText(prp.getByTestId('expected-adverse'), 'among the 10 past patients matched');
    await assertText(prp.getByTestId('expected-adverse'), '1 had one, none serious.');

    // BMAC and SVF: nobody treated; "Not enough data", no bar, every criterion dropped in vain.
    for (const b of ['bmac', 'adipose_svf']) {
      await assertText(item(page, b).getByTestId('expected-statement'), /^Not enough data\. 0 past patients treated with/);
      assert.equal(await item(page, b).getByTestId('forest-row').count(), 0, `no bar for ${b}`);
      assert.equal(await item(page, b).getByTestId('expected-rate').count(), 0);
      await assertText(item(page, b).getByTestId('expected-dropped'), 'leaving out the duration band (widened to recent or '
        + 'chronic), then the cause of the neuropathy, then recent or chronic');
    }
    await assertText(card.getByTestId('expected-basis'), 'Basis: past treated patients of this clinic');
    await assertText(card.getByTestId('expected-basis'), 'while fewer than 10');
    const text = await card.innerText();
    assert.doesNotMatch(text, /\b(null|undefined|NaN)\b/);
    for (const x of past) assert.ok(!text.includes(x.mrn), 'no past patient named');

    await page.setViewportSize({ width: 1366, height: 900 });
    await shot(card, 'expected-1366');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(card, 'expected-390');
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `the page is ${wide} px wide at 390`);
    assert.deepEqual(unexpected(problems, []), []);
  }));

test('the front desk and a researcher have no card and ask for none (it names the diagnosis)',
  { timeout: TIMEOUT }, () => withPage('expected-roles', async (page, problems) => {
    const { p } = await clinic();
    await signIn(page, 'front_desk');
    const asked = [];
    page.on('request', (r) => { if (r.url().includes('expected-outcomes')) asked.push(r.url()); });
    await page.goto(`${env.server.base}/patients/${p.id}/treatment`);
    await page.getByTestId('plans').waitFor(); // the Treatment tab is there, its plans shown
    await waitForCount('expected cards', () => page.getByTestId('expected-results').count(), 0);
    assert.equal(await page.getByTestId('candidacy').count(), 0);

    await page.getByTestId('sign-out').click();
    await signIn(page, 'researcher');
    await page.goto(`${env.server.base}/patients/${p.id}/treatment`);
    await assertText(page.locator('main'), 'Patient');
    await waitForCount('expected cards', () => page.getByTestId('expected-results').count(), 0);
    assert.deepEqual(asked, [], 'no request either role may not make');
    assert.deepEqual(unexpected(problems, []), []);
  }));
