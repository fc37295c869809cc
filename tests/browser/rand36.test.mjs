// Browser test of the RAND 36-Item Health Survey 1.0 on a 390 px phone: the form one printed part
// at a time (numbered parts, Back and Next), what each item counts towards, skipped questions and
// the scores they leave out, the save, the eight scales in the result and the list, and their
// history on the timeline (one plot per scale, 0-100). Debian's Chromium driven by playwright-core
// against a real server with a fresh database. A failing test leaves a screenshot in
// tests/browser/out/; SCHWANN_SCREENSHOTS=1 also saves the form and the timeline at 1366 and 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { login, newPatient } from '../lib/server.mjs';
import { env, OUT, withPage, signIn, assertText, waitForCount, unexpected } from './harness.mjs';

const TIMEOUT = 60000;

async function shot(target, name, opts = {}) {
  if (!process.env.SCHWANN_SCREENSHOTS) return;
  mkdirSync(OUT, { recursive: true });
  await target.screenshot({ path: join(OUT, `${name}.png`), ...opts });
}

// The option chosen for each question, by its printed label; questions not listed are skipped.
// Skipped: 4 and 9 (physical functioning is scored from the other 8), 21 and 22 (pain: none).
const LIMITED = ['Yes, limited a lot', 'Yes, limited a little', 'No, not limited at all'];
const ANSWERS = {
  q1: 'Fair', q2: 'Somewhat worse now than one year ago',
  q3: LIMITED[0], q5: LIMITED[1], q6: LIMITED[0], q7: LIMITED[1], q8: LIMITED[1], q10: LIMITED[0],
  q11: LIMITED[1], q12: LIMITED[2],
  q13: 'Yes', q14: 'Yes', q15: 'Yes', q16: 'No', q17: 'No', q18: 'Yes', q19: 'No',
  q20: 'Moderately',
  q23: 'A little of the time', q24: 'Some of the time', q25: 'A little of the time', q26: 'Some of the time',
  q27: 'A little of the time', q28: 'Some of the time', q29: 'Most of the time', q30: 'A good bit of the time',
  q31: 'Most of the time',
  q32: 'Some of the time',
  q33: 'Mostly true', q34: 'Mostly false', q35: 'Mostly true', q36: 'Mostly false',
};
// The parts as printed: 1-2, 3-12, 13-16, 17-19, 20-22, 23-31, 32, 33-36.
const PARTS = [[1, 2], [3, 12], [13, 16], [17, 19], [20, 22], [23, 31], [32, 32], [33, 36]];

test('RAND-36 at 390 px: one part at a time, skipped questions, eight scales saved and on the timeline',
  { timeout: TIMEOUT }, () => withPage('rand36-phone', async (page, problems) => {
    const clin = await login(env.server.base, 'clinician');
    const p = (await clin.post('/api/v1/patients', newPatient({ family_name: 'Okonkwo', given_name: 'Ifeoma' }))).body;
    // An earlier RAND-36, so that each scale has a history of two.
    const first = await clin.post(`/api/v1/patients/${p.id}/assessments`, { instrument: 'rand-36', performed_at: '2025-01-10',
      answers: { q1: '5', q3: '1', q4: '1', q5: '2', q13: '1', q17: '2', q20: '4', q21: '5', q22: '4', q23: '5', q24: '3', q32: '2', q33: '1' } });
    assert.equal(first.status, 201, first.text);

    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, 'clinician');
    await page.goto(`${env.server.base}/patients/${p.id}/workup`);
    await page.getByTestId('open-record-instrument').click();
    await assertText(page.getByTestId('patient-name'), 'Okonkwo, Ifeoma');
    await page.getByTestId('instrument-select').selectOption('rand-36');
    const form = page.locator('form[data-instrument="rand-36"]');
    await form.waitFor();
    await assertText(form, 'RAND 36-Item Health Survey 1.0');
    await assertText(form, 'Any question may be skipped');
    const stepper = form.getByTestId('stepper');
    assert.equal(await stepper.getByTestId('step-chip').count(), 8, 'eight printed parts');
    await assertText(form.locator('[data-testid="step"][data-step="1"] .part-title'), 'Part 1 of 8: questions 1\u20132');
    await assertText(stepper.getByTestId('step-status'), '0 of 36 questions answered.');
    assert.equal(await form.locator('[data-testid="step"]:visible').count(), 1, 'one part at a time');
    assert.equal(await form.getByTestId('save-assessment').isVisible(), false, 'saving comes after the last part');
    assert.equal(await form.getByTestId('step-back').isVisible(), false);

    // Saving with nothing answered: the server refuses an empty questionnaire.
    await stepper.getByTestId('step-chip').nth(7).click();
    await form.getByTestId('save-assessment').click();
    await assertText(form.getByTestId('form-alert'), 'answer at least one item');

    // A 422 naming an item in a hidden part (as the server would send for an answer outside the
    // options) shows that part and puts the focus on the item.
    await page.route('**/api/v1/patients/*/assessments', (route) => (route.request().method() === 'POST'
      ? route.fulfill({ status: 422, contentType: 'application/problem+json', body: JSON.stringify({
        type: '/problems/validation', title: 'Invalid request', status: 422,
        errors: [{ path: 'answers.q9', message: 'must be one of: 1, 2, 3' }] }) })
      : route.continue()), { times: 1 });
    await form.getByTestId('save-assessment').click();
    await assertText(form.getByTestId('error-answers.q9'), 'Walking more than a mile must be one of: 1, 2, 3');
    assert.ok(await form.locator('[data-testid="step"][data-step="2"]').isVisible(), 'part 2 shown');
    assert.equal(await page.evaluate(() => document.activeElement.name), 'answers.q9', 'focus on the item named');
    await page.unroute('**/api/v1/patients/*/assessments');
    await stepper.getByTestId('step-chip').nth(0).click();

    // Each item says which scale it counts towards; item 2 counts towards none.
    await assertText(form.getByTestId('item-q1').getByTestId('item-counts'), 'Counts towards: General health');
    await assertText(form.getByTestId('item-q2').getByTestId('item-counts'), 'Counts towards no score');
    for (const [i, [from, to]] of PARTS.entries()) {
      const step = form.locator(`[data-testid="step"][data-step="${i + 1}"]`);
      assert.ok(await step.isVisible(), `part ${i + 1} shown`);
      await assertText(step, `Part ${i + 1} of 8`);
      for (let q = from; q <= to; q++) {
        const item = step.getByTestId(`item-q${q}`);
        assert.ok(await item.isVisible(), `q${q} in part ${i + 1}`);
        if (ANSWERS[`q${q}`]) await item.getByLabel(ANSWERS[`q${q}`], { exact: true }).check();
        else assert.ok(await item.getByLabel('Not answered', { exact: true }).isChecked(), `q${q} left unanswered`);
      }
      if (i === 1) {
        await assertText(step, 'Does your health now limit you in these activities?');
        await shot(form, 'rand36-form-390');
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(wide <= 390, `the page is ${wide} px wide at 390`);
      }
      if (i < 7) await form.getByTestId('step-next').click();
    }
    await assertText(stepper.getByTestId('step-status'), '32 of 36 questions answered');
    const skipped = form.getByTestId('skip-summary');
    await assertText(skipped.locator('[data-scale="physical_functioning"]'),
      'Physical functioning: 8 of 10 answered, scored from those (skipped: questions 4 and 9)');
    await assertText(skipped.locator('[data-scale="pain"]'), 'Pain: none of its 2 questions answered, so it will have no score');
    assert.equal(await skipped.locator('li').count(), 2, 'only the scales with a skipped question');
    await shot(form, 'rand36-form-last-390');
    await form.getByTestId('save-assessment').click();

    // The eight scales: physical functioning (0+50+0+50+50+0+50+100)/8 = 37.5; pain has no score.
    const result = page.getByTestId('saved-result');
    await assertText(result, 'higher is better');
    await assertText(result.locator('dd[data-scale="physical_functioning"]'), '37.5 / 100');
    await assertText(result.locator('dd[data-scale="role_physical"]'), '25 / 100');
    await assertText(result.locator('dd[data-scale="role_emotional"]'), '66.67 / 100');
    await assertText(result.locator('dd[data-scale="energy_fatigue"]'), '20 / 100');
    await assertText(result.locator('dd[data-scale="emotional_wellbeing"]'), '60 / 100');
    await assertText(result.locator('dd[data-scale="social_functioning"]'), '50 / 100');
    await assertText(result.locator('dd[data-scale="pain"]'), 'no score');
    await assertText(result.locator('dd[data-scale="general_health"]'), '25 / 100');
    await shot(result, 'rand36-result-390');
    const rows = page.locator('[data-testid="assessment-row"][data-instrument="rand-36"]');
    await waitForCount('RAND-36 rows', () => rows.count(), 2);
    await assertText(rows.first().getByTestId('assessment-score'), 'Physical functioning');

    // The timeline: one plot per scale on 0-100, two points where both have a value.
    await page.getByTestId('tab-timeline').click();
    await page.getByTestId('range-all').click();
    const series = page.getByTestId('series-rand-36');
    await waitForCount('RAND-36 points', () => series.locator('[data-series="rand-36:physical_functioning"]').count(), 2);
    assert.equal(await series.getByTestId('scale-plot').count(), 8);
    assert.equal(await series.locator('[data-series="rand-36:pain"]').count(), 1, 'pain only from the first');
    assert.equal(await series.locator('[data-series="rand-36:emotional_wellbeing"]').count(), 2);
    await assertText(series, 'higher is better');
    await assertText(series.locator('[data-scale="physical_functioning"] figcaption'), 'latest 37.5 (');
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `the page is ${wide} px wide at 390 with the timeline`);
    await shot(series, 'rand36-timeline-390');

    await page.setViewportSize({ width: 1366, height: 900 });
    await shot(series, 'rand36-timeline-1366');
    await page.goBack();
    await page.getByTestId('open-record-instrument').click();
    await page.getByTestId('instrument-select').selectOption('rand-36');
    await form.waitFor();
    await form.getByTestId('step-chip').nth(5).click();
    await shot(form, 'rand36-form-1366');
    assert.deepEqual(unexpected(problems, [422]), []);
  }));
