// Browser tests of entering clinical test results and concomitant medicines on the patient page:
// Debian's Chromium driven by playwright-core against a real server (the ASan build when present)
// with a fresh database. A failing test leaves a screenshot in tests/browser/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { login, newPatient } from '../lib/server.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { env, OUT, withPage, signIn, assertText, waitForCount, unexpected } from './harness.mjs';

const TIMEOUT = 40000;
const activeId = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);
// The focused element's id once it matches want (a string or a RegExp), or whatever has focus
// after 3 s: focus moves after the form has drawn, which a loaded machine makes late.
async function focusOf(page, want) {
  const end = Date.now() + 3000;
  for (;;) {
    const id = await activeId(page);
    if ((want instanceof RegExp ? want.test(id || '') : id === want) || Date.now() > end) return id;
    await new Promise((r) => setTimeout(r, 50));
  }
}
const browserToday = (page) => page.evaluate(() => {
  const d = new Date();
  const z = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${z(d.getMonth() + 1)}-${z(d.getDate())}`;
});

// The whole flow, the same for each role that may write: three test results (one refused), the
// timeline, a void, and a bleeding-relevant medicine that is then stopped.
async function recordAndCorrect(page, role, family) {
  const clin = await login(env.server.base, 'clinician');
  const p = (await clin.post('/api/v1/patients', newPatient({ family_name: family, given_name: 'Ines' }))).body;
  await signIn(page, role);
  await page.goto(`${env.server.base}/patients/${p.id}/workup`);
  await assertText(page.getByTestId('patient-name'), `${family}, Ines`);

  const section = page.getByTestId('observations');
  await assertText(section.getByTestId('no-observation-results'), 'No test result is recorded yet');
  const timeline = page.getByTestId('timeline');
  assert.equal(await page.getByTestId('observation-form').count(), 0, 'the form opens on demand');
  await section.getByTestId('open-observation-form').click();
  const form = page.getByTestId('observation-form');
  const kind = form.getByTestId('observation-kind');
  const today = await browserToday(page);
  assert.equal(await form.getByLabel('Date performed').inputValue(), today, 'the date defaults to today');

  // The tests come in groups; only the fields a kind needs are shown.
  const groups = await kind.locator('optgroup').evaluateAll((els) => els.map((g) => g.label));
  assert.deepEqual(groups, ['Nerve conduction', 'Bedside tests', 'Skin biopsy', 'Laboratory']);
  assert.equal(await kind.locator('optgroup[label="Laboratory"] option[value="hba1c"]').count(), 1);

  // HbA1c 58 mmol/mol: stored as 7.458 %, in the diabetic range.
  await kind.selectOption('hba1c');
  const fields = form.getByTestId('observation-fields');
  assert.equal(await fields.getByLabel('Side').count(), 0, 'HbA1c has no side');
  assert.deepEqual(await fields.getByLabel('Unit').locator('option').allTextContents(), ['%', 'mmol/mol']);
  await assertText(form.getByTestId('observation-rule'), '6.5 % or more');
  await fields.getByLabel('Value').fill('58');
  await fields.getByLabel('Unit').selectOption('mmol/mol');
  await form.getByTestId('save-observation').click();
  const saved = section.getByTestId('observation-saved');
  await assertText(saved.getByTestId('saved-value'), '7.46 %');
  await assertText(saved, 'abnormal');
  await assertText(saved.getByTestId('saved-interpretation'), 'diabetic range');
  await assertText(saved.getByTestId('saved-conversion'), 'Entered 58 mmol/mol; stored as 7.458 %');
  await page.waitForFunction((id) => document.activeElement?.dataset.testid === id, 'observation-saved', { timeout: 5000 }); // focus moves to the result
  const hba1cRow = section.locator('[data-testid="observation-result"][data-kind="hba1c"]');
  await assertText(hba1cRow.getByTestId('observation-value'), '7.46 %');
  assert.equal(await hba1cRow.getAttribute('data-abnormal'), 'true');
  assert.equal(await hba1cRow.getAttribute('data-fresh'), 'true', 'the new row is marked');
  assert.equal(await page.getByTestId('observation-form').count(), 0, 'the form closes on save');

  // Vibration perception threshold 260 V: the server refuses it, and says so at the value.
  await section.getByTestId('open-observation-form').click();
  assert.equal(await saved.isVisible(), false, 'no success message above a new form');
  await kind.selectOption('vibration_threshold');
  await fields.getByLabel('Left').check();
  await fields.getByLabel('Value').fill('260');
  await form.getByTestId('save-observation').click();
  await assertText(form.getByTestId('error-value'), 'not possible');
  await assertText(form.getByTestId('error-value'), '260 V is not possible for Vibration perception threshold');
  await assertText(form.getByTestId('form-alert'), 'There is a problem with 1 field');
  assert.equal(await fields.getByLabel('Value').getAttribute('aria-invalid'), 'true');
  assert.equal(await focusOf(page, 'value-obs'), 'value-obs', 'focus on the value field');

  // 10-g monofilament: side, site and three answers; first without the sham answer.
  await kind.selectOption('monofilament');
  assert.equal(await fields.getByLabel('Value').count(), 0, 'no value field for the monofilament');
  await assertText(fields.getByTestId('monofilament-answers'), 'twice for real and once as a sham');
  await fields.getByLabel('Right').check();
  await fields.getByLabel('Hallux (great toe)').check();
  await fields.getByTestId('touch-0').getByLabel('Yes, correct').check();
  await fields.getByTestId('touch-1').getByLabel('No, wrong').check();
  await form.getByTestId('save-observation').click();
  await assertText(form.getByTestId('error-responses[2]'), 'Sham touch needs an answer');
  assert.equal(await focusOf(page, 'responses[2]-obs-true'), 'responses[2]-obs-true', 'focus on the unanswered sham touch');
  await page.keyboard.press('ArrowDown'); // keyboard: the radio group answers with arrow keys
  assert.ok(await fields.getByTestId('touch-2').getByLabel('No, wrong').isChecked(), 'ArrowDown chose "No, wrong"');
  await form.getByTestId('save-observation').click();
  await assertText(saved.getByTestId('saved-value'), 'absent (1 of 3 correct)');
  await assertText(saved, 'abnormal');
  await assertText(saved, 'right, Hallux (great toe)');
  const monoRow = section.locator('[data-testid="observation-result"][data-kind="monofilament"]');
  await assertText(monoRow.getByTestId('observation-value'), 'absent');
  await assertText(monoRow.getByTestId('observation-judgement'), 'abnormal');
  assert.equal(await page.getByTestId('observation-form').count(), 0, 'the form closes on save');
  assert.equal(await monoRow.getAttribute('data-fresh'), 'true');

  // Void the HbA1c: the reason is required; the row stays, marked, and leaves the timeline.
  await hba1cRow.getByTestId('void-observation').click();
  const voidForm = section.getByTestId('void-observation-form');
  assert.match(await focusOf(page, /^reason-/), /^reason-/, 'focus on the reason');
  await voidForm.getByTestId('confirm-void-observation').click();
  await assertText(voidForm.locator('.field-error'), 'Reason');
  await voidForm.getByLabel('Reason').fill('Result of another patient');
  await voidForm.getByTestId('confirm-void-observation').click();
  const voided = section.locator('[data-testid="observation-result"][data-status="voided"]');
  await assertText(voided.getByTestId('voided-tag'), 'voided');
  await assertText(voided.getByTestId('void-reason'), 'Voided: Result of another patient');
  assert.equal(await voided.getAttribute('data-kind'), 'hba1c');
  assert.equal(await voided.getByTestId('void-observation').count(), 0, 'a voided result cannot be voided again');
  await assertText(section.getByTestId('observations-status'), 'voided');
  await page.waitForFunction((id) => document.activeElement?.dataset.testid === id, 'observations-status', { timeout: 5000 });

  // Apixaban 5 mg twice daily: marked as bleeding-relevant, in the list and the timeline.
  const meds = page.getByTestId('medicines');
  await assertText(meds.getByTestId('no-medicines'), 'No medicine is recorded yet');
  await meds.getByTestId('open-add-medicine').click();
  const medForm = page.getByTestId('add-medicine-form');
  const drug = medForm.getByTestId('medicine-select');
  assert.equal(await drug.locator('optgroup[label="Anticoagulant (bleeding risk)"] option[value="apixaban"]').count(), 1);
  await drug.selectOption('apixaban');
  await assertText(medForm.getByTestId('bleeding-note'), 'bleeding risk: matters for a marrow harvest');
  await medForm.getByLabel('Dose', { exact: true }).fill('5');
  await medForm.getByTestId('save-medicine').click();
  await assertText(medForm.getByTestId('error-dose_unit'), 'required with a dose');
  assert.equal(await focusOf(page, 'dose_unit-med'), 'dose_unit-med', 'focus on the dose unit');
  await medForm.getByLabel('Dose unit').fill('mg');
  await medForm.getByLabel('How often').fill('twice daily');
  await medForm.getByLabel('Started on').fill('2025-01-10');
  await medForm.getByTestId('save-medicine').click();
  await assertText(meds.getByTestId('medicine-saved'), 'Added Apixaban 5 mg twice daily.');
  const apixaban = meds.locator('[data-testid="medicine-row"][data-drug="apixaban"]');
  await assertText(apixaban.getByTestId('bleeding-risk'), 'bleeding risk: matters for a marrow harvest');
  await assertText(apixaban.getByTestId('medicine-dose'), '5 mg');
  await assertText(apixaban.getByTestId('medicine-frequency'), 'twice daily');
  await assertText(apixaban.getByTestId('medicine-status'), 'active');
  await assertText(apixaban, 'Anticoagulant');
  assert.equal(await apixaban.getAttribute('data-fresh'), 'true');
  assert.equal(await page.getByTestId('add-medicine-form').count(), 0, 'the form closes on save');
  // The banner warns before a needle goes in.
  await assertText(page.getByTestId('alert-bleeding'), 'Anticoagulant: Apixaban 5 mg twice daily');

  // Stop it: a stop date before the start is refused at the field, then today's date is kept.
  await apixaban.getByTestId('stop-medicine').click();
  const stop = meds.getByTestId('stop-form');
  assert.equal(await stop.getByLabel('Stop date').inputValue(), today, 'the stop date defaults to today');
  await stop.getByLabel('Stop date').fill('2024-12-31');
  await stop.getByTestId('confirm-stop').click();
  await assertText(stop.getByTestId('error-stop_date'), 'cannot be before the start date');
  await stop.getByLabel('Stop date').fill(today);
  await stop.getByTestId('confirm-stop').click();
  await assertText(meds.getByTestId('medicines-status'), `Apixaban: stop date ${today} recorded.`);
  await assertText(apixaban.getByTestId('medicine-stop'), today);
  await assertText(apixaban.getByTestId('medicine-status'), 'stopped');
  assert.equal(await apixaban.getByTestId('stop-medicine').count(), 0, 'a stopped medicine has no Stop button');
  await waitForCount('bleeding alerts after the stop', () => page.getByTestId('alert-bleeding').count(), 0);

  // The timeline: the result that is not voided, the medicine with its bleeding risk, stopped.
  await page.getByTestId('tab-timeline').click();
  await waitForCount('timeline rows', () => timeline.getByTestId('observation-row').count(), 1);
  await assertText(timeline.locator('[data-testid="observation-row"][data-kind="monofilament"]'), 'absent (1 of 3 correct)');
  const tlMed = timeline.locator('[data-testid="medication-row"][data-drug="apixaban"]');
  await assertText(tlMed.getByTestId('bleeding-risk'), 'bleeding risk: matters for a marrow harvest');
  await assertText(tlMed, 'stopped');
  assert.equal(await timeline.locator('[data-testid="med-bar"][data-drug="apixaban"]').getAttribute('data-to'), today);
  await page.goBack();
  await page.waitForURL(/\/workup$/);
  return { p, section, meds, timeline };
}

test('clinician records test results and a medicine, voids one result and stops the medicine',
  { timeout: TIMEOUT }, () => withPage('tests-medicines-clinician', async (page, problems) => {
    await recordAndCorrect(page, 'clinician', 'Okonkwo');
    if (process.env.SCHWANN_SCREENSHOTS) {
      mkdirSync(OUT, { recursive: true });
      await page.screenshot({ path: join(OUT, 'tests-and-medicines.png'), fullPage: true });
    }
    // Reload: everything came from the server.
    await page.reload();
    await page.getByTestId('observation-results').waitFor();
    assert.equal(await page.getByTestId('observation-result').count(), 2);
    assert.equal(await page.locator('[data-testid="observation-result"][data-status="voided"]').count(), 1);
    await assertText(page.locator('[data-testid="medicine-row"][data-drug="apixaban"]').getByTestId('medicine-status'), 'stopped');
    assert.doesNotMatch(await page.locator('main').innerText(), /\b(null|undefined|NaN)\b/);
    assert.deepEqual(unexpected(problems, [422]), []);
  }));

test('a nurse does the same, records a graded test and marks a medicine entered in error',
  { timeout: TIMEOUT }, () => withPage('tests-medicines-nurse', async (page, problems) => {
    const { section, meds, timeline } = await recordAndCorrect(page, 'nurse', 'Haugland');
    await section.getByTestId('open-observation-form').click();
    const form = page.getByTestId('observation-form');
    const fields = form.getByTestId('observation-fields');
    await form.getByTestId('observation-kind').selectOption('tuning_fork');
    await fields.getByLabel('Left').check();
    await form.getByTestId('save-observation').click();
    await assertText(form.getByTestId('error-value'), 'Result is required');
    await fields.getByLabel('Decreased').check();
    await form.getByTestId('save-observation').click();
    await assertText(section.getByTestId('saved-value'), 'decreased');
    await assertText(section.getByTestId('observation-saved'), 'abnormal');
    await assertText(section.locator('[data-testid="observation-result"][data-kind="tuning_fork"]'), 'left');

    // Aspirin entered in error: the reason is required; it stays, struck through, and leaves the timeline.
    await meds.getByTestId('open-add-medicine').click();
    const medForm = page.getByTestId('add-medicine-form');
    await medForm.getByTestId('medicine-select').selectOption('aspirin');
    await medForm.getByTestId('save-medicine').click();
    await assertText(meds.getByTestId('medicine-saved'), 'Added Aspirin.');
    const aspirin = meds.locator('[data-testid="medicine-row"][data-drug="aspirin"]');
    await assertText(aspirin.getByTestId('bleeding-risk'), 'marrow harvest');
    await assertText(page.getByTestId('alert-bleeding'), 'Antiplatelet: Aspirin');
    await aspirin.getByTestId('medicine-error').click();
    const errForm = meds.getByTestId('medicine-error-form');
    await errForm.getByTestId('confirm-medicine-error').click();
    await assertText(errForm.getByTestId('error-void_reason'), 'Reason is required');
    assert.equal(await page.evaluate(() => document.activeElement.name), 'void_reason');
    await errForm.getByLabel('Reason').fill('Stopped years ago; recorded by mistake');
    await errForm.getByTestId('confirm-medicine-error').click();
    await assertText(aspirin.getByTestId('medicine-status'), 'entered in error');
    await assertText(aspirin.getByTestId('void-reason'), 'Entered in error: Stopped years ago; recorded by mistake');
    assert.equal(await aspirin.getByTestId('medicine-error').count(), 0);
    await waitForCount('bleeding alerts after the correction', () => page.getByTestId('alert-bleeding').count(), 0);

    // A medicine not on the list: named, with its kind.
    await meds.getByTestId('open-add-medicine').click();
    const otherForm = page.getByTestId('add-medicine-form');
    assert.equal(await otherForm.getByTestId('other-medicine').isVisible(), false, 'asked only for another medicine');
    await otherForm.getByTestId('medicine-select').selectOption('other');
    await otherForm.getByTestId('save-medicine').click();
    await assertText(otherForm.getByTestId('error-other_name'), 'Name of the medicine');
    await otherForm.getByLabel('Name of the medicine').fill('Ibuprofen');
    await otherForm.getByLabel('Kind of medicine').selectOption('nsaid');
    await otherForm.getByTestId('save-medicine').click();
    await assertText(meds.locator('[data-testid="medicine-row"][data-drug="other"]'), 'Ibuprofen');
    await assertText(meds.locator('[data-testid="medicine-row"][data-drug="other"]'), 'NSAID');
    await page.getByTestId('tab-timeline').click();
    await waitForCount('timeline rows with the tuning fork', () => timeline.getByTestId('observation-row').count(), 2);
    await waitForCount('timeline medicines after the correction (and the ibuprofen)', () => timeline.getByTestId('medication-row').count(), 2);
    assert.deepEqual(unexpected(problems, [422]), []);
  }));

test('front desk sees no test results and no medicines', { timeout: TIMEOUT },
  () => withPage('tests-medicines-front-desk', async (page, problems) => {
    const clin = await login(env.server.base, 'clinician');
    const p = (await clin.post('/api/v1/patients', newPatient({ family_name: 'Marchetti', given_name: 'Lia' }))).body;
    assert.equal((await clin.post(`/api/v1/patients/${p.id}/observations`,
      { kind: 'hba1c', performed_on: '2025-03-01', value: 8, unit: '%' })).status, 201);
    assert.equal((await clin.post(`/api/v1/patients/${p.id}/medications`,
      { drug: 'warfarin', dose_value: 3, dose_unit: 'mg' })).status, 201);
    await signIn(page, 'front_desk');
    await page.goto(`${env.server.base}/patients/${p.id}/workup`);
    await assertText(page.getByTestId('patient-name'), 'Marchetti, Lia');
    await assertText(page.getByTestId('no-workup-access'), 'does not include tests and scores');
    for (const id of ['observations', 'medicines', 'timeline', 'observation-form', 'add-medicine-form']) {
      assert.equal(await page.getByTestId(id).count(), 0, `no ${id}`);
    }
    const text = await page.locator('main').innerText();
    assert.doesNotMatch(text, /HbA1c|Warfarin|bleeding/i);
    assert.deepEqual(unexpected(problems, []), []);
  }));
