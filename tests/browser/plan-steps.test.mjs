// Browser tests of what a plan gains after it is made: a step added beyond the protocol (a repeat
// injection with its reason; the server's 422 at the fields and 409 in the form's alert), the
// BMAC repeat taken up (the optional injection with the harvest and processing due the same day),
// and an adverse event linked to the injection it followed. Debian's Chromium driven by
// playwright-core against a real server with a fresh database; SCHWANN_SCREENSHOTS=1 saves the
// plan with an added step and the adverse event form at 1366 and 390 px in tests/browser/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, withPage, signIn, assertText, waitForCount, unexpected, day, shot, patientWithDiagnosis,
  consentedPlan } from './harness.mjs';

const TIMEOUT = 60000;
const stepLocator = (plan, kind, i = 0) => plan.locator(`[data-testid="plan-step"][data-kind="${kind}"]`).nth(i);

// Saves target (and a detail of it at 390) at 1366 and at 390 px, and checks that nothing
// scrolls sideways at 390.
async function bothWidths(page, target, name, detail = null) {
  await page.setViewportSize({ width: 1366, height: 900 });
  await shot(target, `${name}-1366`);
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(target, `${name}-390`);
  if (detail) await shot(detail, `${name}-detail-390`);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 390, `the page is ${wide} px wide at 390`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

test('clinician adds a repeat injection with a reason; it is listed and can be recorded; 422 and 409 on the form',
  { timeout: TIMEOUT }, () => withPage('steps-repeat', async (page, problems) => {
    const { clin, p, cond } = await patientWithDiagnosis('Moreau');
    const pl = await consentedPlan(clin, p, cond);
    await signIn(page, 'clinician');
    await page.goto(`${env.server.base}/patients/${p.id}/treatment`);
    const plan = page.getByTestId('plan').first();
    await waitForCount('steps', () => plan.getByTestId('plan-step').count(), 14);
    assert.equal(await page.getByTestId('add-step-form').count(), 0, 'forms open on demand');

    await plan.getByTestId('add-step').click();
    const form = plan.getByTestId('add-step-form');
    assert.equal(await form.getByLabel('Step').inputValue(), 'injection', 'an injection is the usual repeat');
    assert.deepEqual(await form.getByLabel('Step').locator('option').allInnerTexts(),
      ['Injection', 'Blood draw', 'Harvest', 'Processing', 'Follow-up']);
    // Everything missing or wrong at once: each of the server's errors at its field.
    await form.getByLabel('Window (± days)').fill('90');
    await form.getByTestId('save-step').click();
    await assertText(form.getByTestId('form-alert'), 'There are problems with 3 fields');
    await assertText(form.getByTestId('error-due_date'), 'Due on');
    await assertText(form.getByTestId('error-reason'), 'Reason');
    await assertText(form.getByTestId('error-window_days'), 'Window (± days) must be a whole number of days from 0 to 60');
    await form.getByLabel('Due on').fill(day(-30));
    await form.getByLabel('Window (± days)').fill('7');
    await form.getByLabel('Reason').fill('Partial response at 3 months; a fourth injection agreed');
    await form.getByTestId('save-step').click();
    await assertText(form.getByTestId('error-due_date'), `cannot be before the plan's start (${day(-7)})`);
    await form.getByLabel('Due on').fill(day(120));
    await bothWidths(page, form, 'steps-add-form');
    await form.getByTestId('save-step').click();
    await assertText(page.getByTestId('plans-status'), `Injection added, due ${day(120)}.`);

    // Listed in its place among the steps (by due date), with its reason and window, planned.
    await waitForCount('steps with the added one', () => plan.getByTestId('plan-step').count(), 15);
    const added = stepLocator(plan, 'injection', 3);
    await assertText(added, 'Injection 4 of 4');
    await assertText(added.getByTestId('step-added'), 'Added: Partial response at 3 months; a fourth injection agreed');
    await assertText(added.getByTestId('step-window'), `${day(113)} – ${day(127)}`);
    assert.equal(await added.getAttribute('data-status'), 'planned');
    assert.equal(await added.getByTestId('step-optional').count(), 0);
    await bothWidths(page, plan, 'steps-added', added);

    // Recorded like any other step: its Record button opens the procedure form on it.
    await added.getByTestId('record-step').click();
    const proc = page.getByTestId('procedure-form');
    const picked = await proc.locator('select[name="step_id"]').evaluate((s) => s.selectedOptions[0].textContent);
    assert.equal(picked, `Injection 4 of 4, due ${day(120)}`);
    await proc.getByRole('button', { name: 'Close' }).click();

    // The plan ends while the form is open: the server's 409 in the form's alert.
    await plan.getByTestId('add-step').click();
    await form.getByLabel('Due on').fill(day(90));
    await form.getByLabel('Reason').fill('Booster');
    const version = (await clin.get(`/api/v1/plans/${pl.id}`)).body.version;
    assert.equal((await clin.post(`/api/v1/plans/${pl.id}/status`, { status: 'stopped', reason: 'Moved away' },
      { 'If-Match': `"${version}"` })).status, 200);
    await form.getByTestId('save-step').click();
    await assertText(form.getByTestId('form-alert'), 'No further change');
    await assertText(form.getByTestId('form-alert'), 'This plan is stopped; no step can be added to it.');
    await page.reload();
    await page.getByTestId('plan').first().waitFor();
    assert.equal(await page.getByTestId('add-step').count(), 0, 'an ended plan takes no step');
    assert.doesNotMatch(await page.locator('main').innerText(), /\b(null|undefined|NaN)\b/);
    assert.deepEqual(unexpected(problems, [409, 422]), []);
  }));

test('clinician takes up the BMAC repeat injection: the harvest and processing due the same day come with it',
  { timeout: TIMEOUT }, () => withPage('steps-take-up', async (page, problems) => {
    const { clin, p, cond } = await patientWithDiagnosis('Nakamura');
    await consentedPlan(clin, p, cond, { protocol: 'bmac', document: 'bmac' });
    await signIn(page, 'clinician');
    await page.goto(`${env.server.base}/patients/${p.id}/treatment`);
    const plan = page.getByTestId('plan').first();
    const optional = plan.locator('[data-testid="plan-step"][data-optional="true"]');
    await waitForCount('optional steps', () => optional.count(), 3);
    assert.deepEqual(await optional.getByTestId('step-optional').allInnerTexts(), ['optional', 'optional', 'optional']);
    assert.deepEqual(await optional.evaluateAll((els) => els.map((e) => e.dataset.kind)), ['harvest', 'processing', 'injection']);
    assert.equal(await optional.getByTestId('record-step').count(), 0, 'not recorded before it is taken up');
    assert.equal(await optional.getByTestId('take-up-step').count(), 3);
    await assertText(optional.first().getByTestId('step-what'), 'Not planned unless a clinician takes it up');
    await bothWidths(page, plan, 'steps-optional', optional.first());

    const injection = plan.locator('[data-testid="plan-step"][data-optional="true"][data-kind="injection"]');
    assert.equal(await injection.getByTestId('take-up-step').getAttribute('aria-label'),
      'Take up injection 2 of 2, with harvest 2 of 2 and processing 2 of 2');
    await injection.getByTestId('take-up-step').click();
    await assertText(page.getByTestId('plans-status'), 'Injection 2 of 2 taken up, with harvest 2 of 2 and processing 2 of 2');
    await waitForCount('optional steps left', () => optional.count(), 0);
    const harvest = stepLocator(plan, 'harvest', 1);
    assert.equal(await harvest.getAttribute('data-optional'), 'false');
    assert.equal(await harvest.getByTestId('record-step').count(), 1, 'the repeat harvest can now be recorded');
    assert.equal(await stepLocator(plan, 'injection', 1).getByTestId('record-step').count(), 1);
    assert.deepEqual(unexpected(problems, []), []);
  }));

// Blood draw, processing and injection of one PRP session on `on`, through the API.
async function prpSession(clin, pl, on) {
  const rec = async (body) => {
    const r = await clin.post(`/api/v1/plans/${pl.id}/procedures`, { performed_on: on, ...body });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  const draw = await rec({ kind: 'blood_draw', volume_ml: 30 });
  const proc = await rec({ kind: 'processing', from: draw.id, method: 'double spin', kit_lot: 'KIT-AE-1' });
  const inj = await rec({ kind: 'injection', product: proc.id, volume_ml: 4, side: 'left', nerves: ['tibial'],
    guidance: 'ultrasound', operator: 'Dr Test', lot_numbers: ['KIT-AE-1'] });
  return { draw, proc, inj };
}

test('an adverse event names the injection it followed; voided procedures are not offered',
  { timeout: TIMEOUT }, () => withPage('ae-procedure', async (page, problems) => {
    const { clin, p, cond } = await patientWithDiagnosis('Abara');
    const pl = await consentedPlan(clin, p, cond);
    const { inj } = await prpSession(clin, pl, day(-2));
    const wrong = (await clin.post(`/api/v1/plans/${pl.id}/procedures`, { kind: 'blood_draw', performed_on: day(-1), volume_ml: 20 })).body;
    assert.equal((await clin.post(`/api/v1/procedures/${wrong.id}/void`, { reason: 'Wrong patient' }, { 'If-Match': '"1"' })).status, 200);
    await signIn(page, 'clinician');
    await page.goto(`${env.server.base}/patients/${p.id}/treatment`);
    const aes = page.getByTestId('adverse-events');
    await aes.getByTestId('record-ae').click();
    const form = aes.getByTestId('ae-form');
    const after = form.getByLabel('After which procedure');
    assert.deepEqual(await after.locator('option').allInnerTexts(), ['None, or not known',
      `Injection ${day(-2)} — 4 mL, left side, tibial`, `Processing ${day(-2)} — double spin`, `Blood draw ${day(-2)} — 30 mL`],
      'the patient\'s procedures, newest first, the voided blood draw left out');
    assert.equal(await after.inputValue(), '', 'none until chosen');
    await form.getByLabel('Event').fill('Bruising at the injection site');
    await after.selectOption(inj.id);
    await form.getByTestId('ae-grade-choice').getByLabel('1 Mild').check();
    await form.getByRole('group', { name: 'Serious?' }).getByLabel('No').check();
    await form.getByLabel('Definite').check();
    await form.getByRole('group', { name: 'Expected?' }).getByLabel('Yes').check();
    await form.getByLabel('Outcome').selectOption('recovering');
    await bothWidths(page, form, 'ae-form');
    await form.getByTestId('save-ae').click();
    await assertText(aes.getByTestId('ae-status'), 'Adverse event recorded: Bruising at the injection site');
    const row = aes.getByTestId('ae-row');
    await assertText(row.getByTestId('ae-procedure'), `After injection ${day(-2)}`);
    const saved = (await clin.get(`/api/v1/patients/${p.id}/adverse-events`)).body.items[0];
    assert.equal(saved.procedure_id, inj.id);

    // The update form shows the link; changing something else leaves it alone.
    await row.getByTestId('update-ae').click();
    const upd = aes.getByTestId('update-ae-form');
    assert.equal(await upd.getByLabel('After which procedure').inputValue(), inj.id);
    await upd.getByLabel('Outcome').selectOption('recovered');
    await upd.getByLabel('Resolved on').fill(day(0));
    await upd.getByTestId('save-ae-update').click();
    await assertText(aes.getByTestId('ae-status'), 'updated');
    await assertText(aes.getByTestId('ae-row').getByTestId('ae-procedure'), `After injection ${day(-2)}`);
    await bothWidths(page, aes, 'ae-list', aes.getByTestId('ae-row'));
    assert.deepEqual(unexpected(problems, []), []);
  }));
