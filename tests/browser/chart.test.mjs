// Browser tests of the patient chart as a whole, at a 1366 px desktop and a 390 x 844 phone: no
// page scrolls sideways (the document is exactly as wide as the viewport), every test result is
// shown with its normal/abnormal tag, plot text is at least 11 px on screen, the tabs have
// addresses that Back follows, the banner's alerts before a needle goes in, and the warning
// before unsaved input is lost. SCHWANN_SCREENSHOTS=1 saves each tab at both widths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { login, newPatient } from '../lib/server.mjs';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { env, withPage, signIn, assertText, waitForCount, unexpected, day, shot } from './harness.mjs';

const TIMEOUT = 90000;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('nothing the product ships names a file that is not part of it (facts.md)', () => {
  const walk = (dir) => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
  const named = [...walk(join(ROOT, 'web')), ...walk(join(ROOT, 'data'))]
    .filter((f) => /facts\.md/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(named, []);
});
const WIDTHS = [[1366, 900], [390, 844]];
const TABS = ['summary', 'workup', 'treatment', 'timeline', 'visits', 'billing'];

// A patient with a diagnosis, pain scores, an abnormal 27 V vibration threshold, a low platelet
// count, apixaban and a serious adverse event.
async function busyPatient(family) {
  const clin = await login(env.server.base, 'clinician');
  const p = (await clin.post('/api/v1/patients', newPatient({ family_name: family, given_name: 'Rosa' }))).body;
  const ok = (r) => assert.ok(r.status < 300, r.text);
  ok(await clin.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'E11.42', onset_date: '2021-03-01' }));
  ok(await clin.post(`/api/v1/patients/${p.id}/diary`, { entry_date: '2024-01-05', nrs: 9 }));
  for (const k of [40, 20, 5]) ok(await clin.post(`/api/v1/patients/${p.id}/diary`, { entry_date: day(-k), nrs: 6 }));
  ok(await clin.post(`/api/v1/patients/${p.id}/assessments`, { instrument: 'nrs', performed_at: day(-3), answers: { score: 5 } }));
  ok(await clin.post(`/api/v1/patients/${p.id}/observations`, { kind: 'vibration_threshold', performed_on: day(-3), side: 'left', value: 27, unit: 'V' }));
  ok(await clin.post(`/api/v1/patients/${p.id}/observations`, { kind: 'hba1c', performed_on: day(-60), value: 8.1, unit: '%' }));
  ok(await clin.post(`/api/v1/patients/${p.id}/observations`, { kind: 'hba1c', performed_on: day(-3), value: 7.2, unit: '%' }));
  ok(await clin.post(`/api/v1/patients/${p.id}/observations`, { kind: 'platelet_count', performed_on: day(-2), value: 80, unit: '10^3/uL' }));
  ok(await clin.post(`/api/v1/patients/${p.id}/medications`, { drug: 'apixaban', dose_value: 5, dose_unit: 'mg', frequency: 'twice daily', start_date: day(-100) }));
  ok(await clin.post(`/api/v1/patients/${p.id}/medications`, { drug: 'pregabalin', dose_value: 75, dose_unit: 'mg', start_date: day(-300), stop_date: day(-30) }));
  ok(await clin.post(`/api/v1/patients/${p.id}/adverse-events`, { term: 'Syncope', onset_date: day(-1), grade: 3,
    serious: true, serious_criteria: 'hospitalisation', relatedness: 'unlikely', expected: false, outcome: 'recovered' }));
  return p;
}

async function pageWidth(page) {
  return page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
}

// The smallest rendered size of any SVG text on the page, in CSS px.
async function smallestPlotText(page) {
  return page.evaluate(() => {
    let min = Infinity;
    for (const t of document.querySelectorAll('svg.plot text')) {
      const ctm = t.getScreenCTM();
      if (!ctm || !t.getClientRects().length) continue;
      const size = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(ctm.a, ctm.b);
      if (size < min) min = size;
    }
    return min;
  });
}

test('every tab and page at 1366 and 390 px: nothing scrolls sideways, every result with its tag, plot text legible',
  { timeout: TIMEOUT }, () => withPage('chart-widths', async (page, problems) => {
    const p = await busyPatient('Ferreira');
    await signIn(page, 'clinician');
    for (const [w, hgt] of WIDTHS) {
      await page.setViewportSize({ width: w, height: hgt });
      for (const path of ['/', '/patients/new', '/lots']) {
        await page.goto(env.server.base + path);
        await page.locator('h1').first().waitFor();
        const [doc, view] = await pageWidth(page);
        assert.equal(doc, view, `${path} at ${w}: the document is ${doc} px wide`);
      }
      await shot(page, `chart-list-${w}`);
      for (const tab of TABS) {
        await page.goto(`${env.server.base}/patients/${p.id}${tab === 'summary' ? '' : `/${tab}`}`);
        await page.getByTestId(`tab-panel-${tab}`).waitFor();
        await page.waitForLoadState('networkidle');
        const [doc, view] = await pageWidth(page);
        assert.equal(doc, view, `${tab} at ${w}: the document is ${doc} px wide`);
        await shot(page, `chart-${tab}-${w}`, { fullPage: true });
      }
      // The timeline's plots are drawn for the width: text at least 11 px.
      await page.goto(`${env.server.base}/patients/${p.id}/timeline?range=all`);
      await page.getByTestId('nrs-plot').waitFor();
      await page.waitForLoadState('networkidle');
      const min = await smallestPlotText(page);
      assert.ok(min >= 11, `plot text at ${w} is ${min} px`);
      // Every test result is visible with its tag, the 27 V vibration threshold "abnormal" too.
      await page.goto(`${env.server.base}/patients/${p.id}/workup`);
      const rows = page.getByTestId('observation-result');
      await waitForCount(`results at ${w}`, () => rows.count(), 4);
      for (let i = 0; i < 4; i++) {
        const tagEl = rows.nth(i).getByTestId('observation-judgement').locator('.tag');
        assert.ok(await tagEl.isVisible(), `result ${i} at ${w}: its tag is visible`);
        const box = await tagEl.boundingBox();
        assert.ok(box.x >= 0 && box.x + box.width <= w, `result ${i} at ${w}: its tag is inside the screen`);
      }
      const vib = page.locator('[data-testid="observation-result"][data-kind="vibration_threshold"]');
      await assertText(vib.getByTestId('observation-value'), '27 V');
      await assertText(vib.getByTestId('observation-judgement'), 'abnormal');
      assert.ok(await vib.getByTestId('abnormal').isVisible());
    }
    assert.deepEqual(unexpected(problems, []), []);
  }));

test('the banner shows the neuropathy and the alerts before a needle goes in; the summary the latest of each',
  { timeout: TIMEOUT }, () => withPage('chart-banner', async (page, problems) => {
    const p = await busyPatient('Lindholm');
    await signIn(page, 'nurse');
    await page.goto(`${env.server.base}/patients/${p.id}`);
    const banner = page.getByTestId('patient-banner');
    await assertText(banner.getByTestId('banner-facts'), p.mrn);
    await assertText(banner.getByTestId('banner-neuropathy'), 'E11.42');
    await assertText(banner.getByTestId('banner-chronicity'), 'chronic');
    await assertText(banner.getByTestId('alert-bleeding'), 'Anticoagulant: Apixaban 5 mg twice daily');
    await assertText(banner.getByTestId('serious-ae-banner'), 'Syncope');
    await assertText(banner.getByTestId('alert-platelets'), 'Platelet count abnormal: 80');
    assert.equal(await banner.getByTestId('alert-bleeding').count(), 1, 'the stopped pregabalin is no alert, nor a bleeding risk');
    // On a phone the banner, which stays on screen, is compact: every alert still visible, each one line.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('alert-platelets').locator('.alert-short').waitFor();
    const box = await banner.boundingBox();
    assert.ok(box.height <= 125, `the banner is ${box.height} px tall on a phone`);
    for (const id of ['alert-bleeding', 'serious-ae-banner', 'alert-platelets']) {
      const a = await banner.getByTestId(id).boundingBox();
      assert.ok(a && a.height <= 22 && a.x >= 0 && a.x + a.width <= 390, `${id} on one line inside the screen`);
    }
    await assertText(banner.getByTestId('alert-bleeding'), 'Anticoagulant: Apixaban');
    await shot(banner, 'chart-banner-390');
    await page.setViewportSize({ width: 1366, height: 900 });
    await shot(banner, 'chart-banner-1366');
    // The summary: latest pain, abnormal results, current medicines.
    await assertText(page.getByTestId('summary-latest-nrs'), 'NRS 5');
    await assertText(page.getByTestId('summary-trend'), 'Last four weeks');
    const abnormal = page.getByTestId('summary-abnormal');
    await assertText(abnormal.locator('[data-kind="vibration_threshold"]'), 'abnormal');
    await assertText(abnormal.locator('[data-kind="hba1c"]'), '7.2');
    assert.equal(await abnormal.locator('[data-kind="hba1c"]').count(), 1, 'only the latest HbA1c');
    await assertText(page.getByTestId('summary-medicines'), 'Apixaban');
    assert.doesNotMatch(await page.getByTestId('summary-medicines').innerText(), /Pregabalin/);
    // The front desk sees who the patient is, without the clinical alerts.
    await page.getByTestId('sign-out').click();
    await signIn(page, 'front_desk');
    await page.goto(`${env.server.base}/patients/${p.id}`);
    await assertText(page.getByTestId('banner-facts'), p.mrn);
    assert.equal(await page.getByTestId('banner-alerts').isVisible(), false);
    assert.doesNotMatch(await page.locator('main').innerText(), /Apixaban|Syncope|Platelet/);
    assert.deepEqual(unexpected(problems, []), []);
  }));

test('tabs have addresses that Back follows; unsaved input is not lost without asking',
  { timeout: TIMEOUT }, () => withPage('chart-tabs-guard', async (page, problems) => {
    const p = await busyPatient('Oduya');
    await signIn(page, 'clinician');
    await page.goto(`${env.server.base}/patients/${p.id}`);
    await page.getByTestId('tab-panel-summary').waitFor();
    assert.equal(await page.getByTestId('tab-summary').getAttribute('aria-current'), 'page');
    await page.getByTestId('tab-treatment').click();
    await page.getByTestId('plans').waitFor();
    assert.match(page.url(), /\/treatment$/);
    await page.getByTestId('tab-workup').click();
    await page.getByTestId('observations').waitFor();
    await page.goBack();
    await page.getByTestId('plans').waitFor();
    assert.equal(await page.getByTestId('tab-treatment').getAttribute('aria-current'), 'page');
    await page.goBack();
    await page.getByTestId('tab-panel-summary').waitFor();
    await page.goForward();
    await page.getByTestId('plans').waitFor();

    // Half-filled: leaving by a tab asks; staying keeps what was typed.
    await page.getByTestId('tab-workup').click();
    await page.getByTestId('open-add-medicine').click();
    await page.getByTestId('add-medicine-form').getByLabel('Notes').fill('Half-typed note');
    const asked = [];
    page.once('dialog', (d) => { asked.push(d.message()); d.dismiss(); });
    await page.getByTestId('tab-timeline').click();
    await page.waitForTimeout(300);
    assert.equal(asked.length, 1, 'asked before leaving');
    assert.match(asked[0], /not saved/);
    assert.match(page.url(), /\/workup$/);
    assert.equal(await page.getByTestId('add-medicine-form').getByLabel('Notes').inputValue(), 'Half-typed note');
    // Cancel asks too; Back asks and staying keeps the address.
    page.once('dialog', (d) => { asked.push(d.message()); d.dismiss(); });
    await page.getByTestId('add-medicine-form').getByRole('button', { name: 'Cancel' }).click();
    await page.waitForTimeout(200);
    assert.equal(asked.length, 2);
    assert.equal(await page.getByTestId('add-medicine-form').count(), 1, 'still open');
    page.once('dialog', (d) => { asked.push(d.message()); d.dismiss(); });
    await page.goBack();
    await page.waitForTimeout(300);
    assert.equal(asked.length, 3);
    assert.match(page.url(), /\/workup$/);
    assert.equal(await page.getByTestId('add-medicine-form').getByLabel('Notes').inputValue(), 'Half-typed note');
    // Agreeing leaves.
    page.once('dialog', (d) => d.accept());
    await page.getByTestId('tab-timeline').click();
    await page.getByTestId('timeline').waitFor();
    assert.match(page.url(), /\/timeline$/);
    // An edit without a change says so as a notice, not as a green success.
    await page.goto(`${env.server.base}/patients/${p.id}/edit`);
    await page.getByTestId('save-patient').click();
    const flash = page.getByTestId('flash');
    await assertText(flash, 'Nothing was changed.');
    assert.equal(await flash.getAttribute('class'), 'notice');
    assert.deepEqual(unexpected(problems, []), []);
  }));

test('the researcher\'s home page at 390 px says what the role can use', { timeout: TIMEOUT },
  () => withPage('chart-researcher', async (page, problems) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, 'researcher');
    await assertText(page.getByTestId('researcher-home'), 'What your role can use');
    const [doc, view] = await pageWidth(page);
    assert.equal(doc, view);
    await shot(page, 'chart-researcher-390', { fullPage: true });
    assert.deepEqual(unexpected(problems, []), []);
  }));
