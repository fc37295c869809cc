// Browser tests of the chart's Work-up and Timeline tabs ("Tests and scores", the timeline with
// its date range, the pain diary with Void): Debian's
// Chromium driven by playwright-core against a real server (the ASan build when present) with a
// fresh database. A failing test leaves a screenshot in tests/browser/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { login, newPatient } from '../lib/server.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { env, OUT, withPage, signIn, assertText, waitForCount, unexpected } from './harness.mjs';

const TIMEOUT = 40000;
const seriesPoints = (page, id) => page.locator(`[data-testid="plot-point"][data-series="${id}"]`).count();

test('clinician records DN4 and MNSI history through the form, voids one, and the timeline follows',
  { timeout: TIMEOUT }, () => withPage('workup-clinician', async (page, problems) => {
    const clin = await login(env.server.base, 'clinician');
    const p = (await clin.post('/api/v1/patients', newPatient({ family_name: 'Quennell', given_name: 'Maren' }))).body;
    // One diary entry and one clinic NRS beforehand, so that the pain plot has both styles.
    assert.equal((await clin.post(`/api/v1/patients/${p.id}/diary`, { entry_date: '2025-03-01', nrs: 7 })).status, 201);
    assert.equal((await clin.post(`/api/v1/patients/${p.id}/assessments`,
      { instrument: 'nrs', performed_at: '2025-03-08', answers: { score: 5 } })).status, 201);

    await signIn(page, 'clinician');
    await page.goto(`${env.server.base}/patients/${p.id}/timeline`);
    await assertText(page.getByTestId('patient-name'), 'Quennell, Maren');
    const timeline = page.getByTestId('timeline');
    await timeline.getByTestId('nrs-plot').waitFor();
    assert.equal(await timeline.locator('[data-series="nrs"][data-source="diary"]').count(), 1);
    assert.equal(await timeline.locator('[data-series="nrs"][data-source="clinic"]').count(), 1);
    assert.equal(await seriesPoints(page, 'dn4'), 0, 'no DN4 series yet');

    // The Work-up tab has an address of its own.
    await page.getByTestId('tab-workup').click();
    await page.waitForURL(/\/workup$/);
    const workup = page.getByTestId('workup');
    await assertText(workup, 'Tests and scores');
    await assertText(workup.getByTestId('assessment-row'), 'Pain NRS');

    // DN4 drawn from the definition: 10 yes/no items in 4 sections. Leave item 10 unanswered first.
    assert.equal(await page.getByTestId('record-instrument').count(), 0, 'the form opens on demand');
    await workup.getByTestId('open-record-instrument').click();
    const record = page.getByTestId('record-instrument');
    await record.getByLabel('Instrument', { exact: true }).selectOption('dn4');
    const dn4 = record.locator('form[data-instrument="dn4"]');
    await dn4.waitFor();
    assert.equal(await dn4.locator('fieldset.choice-item').count(), 10);
    assert.equal(await dn4.locator('fieldset.item-section').count(), 4);
    assert.equal(await dn4.getByLabel('Date performed').inputValue(), await page.evaluate(() => {
      const d = new Date();
      const z = (n) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${z(d.getMonth() + 1)}-${z(d.getDate())}`;
    }), 'the date defaults to today');
    for (let i = 1; i <= 9; i++) {
      await dn4.getByTestId(`item-q${i}`).getByLabel(i <= 5 ? 'Yes' : 'No', { exact: true }).check();
    }
    await dn4.getByTestId('save-assessment').click();
    await assertText(dn4.getByTestId('form-alert'), 'Brushing is required');
    await assertText(dn4.getByTestId('error-answers.q10'), 'Brushing is required');
    assert.equal(await dn4.getByTestId('item-q10').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.name), 'answers.q10', 'focus on the unanswered item');

    await page.keyboard.press('ArrowDown'); // keyboard: the radio group answers with arrow keys
    assert.ok(await dn4.getByTestId('item-q10').getByLabel('No', { exact: true }).isChecked(), 'ArrowDown chose "No"');
    await dn4.getByTestId('save-assessment').click();
    const result = workup.getByTestId('saved-result');
    await assertText(result, '5 / 10');
    await assertText(result, 'positive');
    await assertText(result, 'neuropathic pain likely');
    const dn4Row = workup.locator('[data-testid="assessment-row"][data-instrument="dn4"]');
    await assertText(dn4Row.getByTestId('assessment-score'), '5 / 10');
    // The form closed on save; the new row is marked.
    assert.equal(await page.getByTestId('record-instrument').count(), 0, 'the form closes on save');
    assert.equal(await dn4Row.getAttribute('data-fresh'), 'true');

    // MNSI history, all "yes": 11 of 13 (items 7 and 13 score "no", 4 and 10 are not scored), not 15.
    await workup.getByTestId('open-record-instrument').click();
    await record.getByLabel('Instrument', { exact: true }).selectOption('mnsi-history');
    const mnsi = record.locator('form[data-instrument="mnsi-history"]');
    await mnsi.waitFor();
    const items = mnsi.locator('fieldset.choice-item');
    assert.equal(await items.count(), 15);
    for (let i = 0; i < 15; i++) await items.nth(i).getByLabel('Yes', { exact: true }).check();
    await mnsi.getByTestId('save-assessment').click();
    await assertText(result, 'MNSI history');
    await assertText(result, '11 / 13');
    assert.doesNotMatch(await result.innerText(), /\b15\b/);
    await assertText(result, 'abnormal');
    await waitForCount('assessment rows', () => workup.getByTestId('assessment-row').count(), 3);
    const mnsiRow = workup.locator('[data-testid="assessment-row"][data-instrument="mnsi-history"]');
    await assertText(mnsiRow.getByTestId('assessment-score'), '11 / 13');

    // A second DN4 adds a point to the DN4 series.
    await workup.getByTestId('open-record-instrument').click();
    await record.getByLabel('Instrument', { exact: true }).selectOption('dn4');
    const dn4b = record.locator('form[data-instrument="dn4"]');
    for (let i = 1; i <= 10; i++) await dn4b.getByTestId(`item-q${i}`).getByLabel('No', { exact: true }).check();
    await dn4b.getByLabel('Date performed').fill('2025-03-02');
    await dn4b.getByTestId('save-assessment').click();
    await assertText(result, '0 / 10');
    await assertText(result, 'not positive');

    // The timeline: the last year by default (the data span more), All shows every point.
    await page.getByTestId('tab-timeline').click();
    await page.waitForURL(/\/timeline$/);
    await timeline.getByTestId('nrs-plot').waitFor();
    assert.equal(await timeline.getByTestId('range-1y').getAttribute('aria-pressed'), 'true');
    await assertText(timeline.getByTestId('range-note'), 'outside this range');
    assert.equal(await seriesPoints(page, 'dn4'), 1, 'the DN4 of 2025-03-02 is outside the last year');
    await timeline.getByTestId('range-all').click();
    assert.match(page.url(), /\?range=all$/);
    await waitForCount('DN4 points', () => seriesPoints(page, 'dn4'), 2);
    await assertText(page.getByTestId('series-dn4'), 'positive \u2265 4');
    assert.equal(await page.getByTestId('series-dn4').getByTestId('cutoff-line').count(), 1);
    assert.equal(await seriesPoints(page, 'mnsi-history'), 1);
    await timeline.getByTestId('range-3m').click();
    assert.equal(await seriesPoints(page, 'dn4'), 1);
    assert.equal(await timeline.locator('[data-series="nrs"]').count(), 0, 'no pain score in the last 3 months');
    // Back returns to the Work-up tab.
    await page.goBack();
    await page.waitForURL(/\/workup$/);

    if (process.env.SCHWANN_SCREENSHOTS) {
      mkdirSync(OUT, { recursive: true });
      await page.screenshot({ path: join(OUT, 'workup.png'), fullPage: true });
    }

    // Void the first DN4 (today's, 5 / 10): the reason is required, then the row is marked voided.
    const todays = workup.locator('[data-testid="assessment-row"][data-instrument="dn4"]')
      .filter({ hasText: '5 / 10' });
    await todays.getByTestId('void-button').click();
    const voidForm = workup.getByTestId('void-form');
    await voidForm.getByTestId('confirm-void').click();
    await assertText(voidForm.locator('.field-error'), 'must not be empty');
    await voidForm.getByRole('textbox').fill('Entered for the wrong visit');
    await voidForm.getByTestId('confirm-void').click();
    const voided = workup.locator('[data-testid="assessment-row"][data-status="voided"]');
    await assertText(voided.getByTestId('voided-tag'), 'voided');
    await assertText(voided.getByTestId('void-reason'), 'Voided: Entered for the wrong visit');
    assert.equal(await voided.getAttribute('data-instrument'), 'dn4');
    assert.equal(await voided.getByTestId('void-button').count(), 0, 'a voided result cannot be voided again');
    await assertText(workup.getByTestId('workup-status'), 'voided');
    await page.waitForFunction((id) => document.activeElement?.dataset.testid === id, 'workup-status', { timeout: 5000 }); // focus moves to the message
    await page.goto(`${env.server.base}/patients/${p.id}/timeline?range=all`);
    await waitForCount('DN4 points after the void', () => seriesPoints(page, 'dn4'), 1);

    // Pain diary on the timeline: a third NRS point, drawn as a diary point entered by staff.
    await page.getByTestId('open-diary-form').click();
    const diary = page.getByTestId('diary-form');
    await diary.getByLabel('Date').fill('2025-03-15');
    await diary.getByLabel('Pain now (NRS)').fill('11');
    await diary.getByTestId('save-diary').click();
    await assertText(diary.getByTestId('error-nrs'), 'must be a whole number');
    await diary.getByLabel('Pain now (NRS)').fill('4');
    await diary.getByTestId('save-diary').click();
    await assertText(page.getByTestId('diary-status'), 'Diary entry added: 2025-03-15, NRS 4');
    await waitForCount('diary points', () => timeline.locator('[data-series="nrs"][data-source="diary"]').count(), 2);
    const added = page.locator('[data-testid="diary-row"]').filter({ hasText: '2025-03-15' });
    assert.equal(await added.getAttribute('data-fresh'), 'true');
    await assertText(added.getByTestId('staff-entered'), 'entered by staff');
    assert.equal(await timeline.locator('[data-source="diary"][data-date="2025-03-15"]').getAttribute('data-entered-by'), 'staff');

    // A diary entry entered in error is voided: it stays listed, marked, and leaves the plot.
    await added.getByTestId('void-diary').click();
    const voidDiary = page.getByTestId('void-diary-form');
    await voidDiary.getByLabel('Reason').fill('Entered for the wrong day');
    await voidDiary.getByTestId('confirm-void-diary').click();
    await assertText(page.getByTestId('diary-status'), 'Diary entry of 2025-03-15 voided');
    const voidedEntry = page.locator('[data-testid="diary-row"][data-status="voided"]');
    await assertText(voidedEntry.getByTestId('void-reason'), 'Voided: Entered for the wrong day');
    assert.equal(await voidedEntry.getByTestId('void-diary').count(), 0);
    await waitForCount('diary points after the void', () => timeline.locator('[data-series="nrs"][data-source="diary"]').count(), 1);

    // Reload: everything came from the server.
    await page.goto(`${env.server.base}/patients/${p.id}/workup`);
    await page.goto(`${env.server.base}/patients/${p.id}/timeline?range=all`);
    await page.reload();
    await page.getByTestId('series-dn4').waitFor();
    assert.equal(await seriesPoints(page, 'dn4'), 1);
    await page.goto(`${env.server.base}/patients/${p.id}/workup`);
    await waitForCount('voided rows after the reload',
      () => workup.locator('[data-testid="assessment-row"][data-status="voided"]').count(), 1);
    assert.doesNotMatch(await page.locator('main').innerText(), /\b(null|undefined|NaN)\b/);
    assert.deepEqual(unexpected(problems, [422]), []);
  }));

test('front desk opens the patient page without the work-up', { timeout: TIMEOUT },
  () => withPage('workup-front-desk', async (page, problems) => {
    const clin = await login(env.server.base, 'clinician');
    const p = (await clin.post('/api/v1/patients', newPatient({ family_name: 'Abernethy', given_name: 'Sol' }))).body;
    assert.equal((await clin.post(`/api/v1/patients/${p.id}/assessments`,
      { instrument: 'nrs', performed_at: '2025-03-08', answers: { score: 5 } })).status, 201);
    await signIn(page, 'front_desk');
    await page.goto(`${env.server.base}/patients/${p.id}/workup`);
    await assertText(page.getByTestId('patient-name'), 'Abernethy, Sol');
    await assertText(page.getByTestId('no-workup-access'), 'does not include tests and scores');
    assert.equal(await page.getByTestId('workup').count(), 0);
    await page.getByTestId('tab-timeline').click();
    await assertText(page.getByTestId('no-timeline-access'), 'does not include tests and scores');
    assert.equal(await page.getByTestId('timeline').count(), 0);
    assert.equal(await page.getByTestId('plot-point').count(), 0);
    assert.deepEqual(unexpected(problems, []), []);
  }));

test('a server without the timeline says so and still shows the tests and scores', { timeout: TIMEOUT },
  () => withPage('workup-no-timeline', async (page, problems) => {
    const clin = await login(env.server.base, 'clinician');
    const p = (await clin.post('/api/v1/patients', newPatient({ family_name: 'Lindqvist', given_name: 'Ebba' }))).body;
    await page.route('**/api/v1/patients/*/timeline', (route) => route.fulfill({
      status: 404, contentType: 'application/problem+json',
      body: JSON.stringify({ type: '/problems/not-found', title: 'Not found', status: 404, detail: 'No such API endpoint.' }),
    }));
    await signIn(page, 'nurse');
    await page.goto(`${env.server.base}/patients/${p.id}/timeline`);
    await assertText(page.getByTestId('timeline-unavailable'), 'Timeline not available');
    assert.equal(await page.getByTestId('open-diary-form').count(), 0, 'no diary form without the timeline');
    await page.getByTestId('tab-workup').click();
    await assertText(page.getByTestId('no-assessments'), 'No test or score is recorded yet');
    // A nurse records a PGIC: the label, and whether it is "much improved or better".
    await page.getByTestId('open-record-instrument').click();
    await page.getByTestId('instrument-select').selectOption('pgic');
    await page.getByLabel('Much improved', { exact: true }).check();
    await page.getByTestId('save-assessment').click();
    const result = page.getByTestId('saved-result');
    await assertText(result, 'Much improved');
    await assertText(result, 'Much improved or better (IMMPACT moderately important improvement): yes');
    await assertText(page.locator('[data-testid="assessment-row"][data-instrument="pgic"]'), 'Much improved');
    await page.getByTestId('tab-timeline').click();
    await assertText(page.getByTestId('timeline-unavailable'), 'Timeline not available');
    assert.deepEqual(unexpected(problems, [404]), []);
  }));
