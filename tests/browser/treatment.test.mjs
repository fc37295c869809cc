// Browser tests of the Treatment section of the patient page: a PRP plan made and accepted in
// the UI, a procedure refused before consent (the 409 shown on the form), the consent recorded
// with its document text, blood draw, processing and the first injection (steps done, plan under
// way, the platelet factor shown, the injection on the pain plot), a grade-1 adverse event
// recorded and updated; what a nurse, the front desk and a researcher see. Debian's Chromium
// driven by playwright-core against a real server with a fresh database. A failing test leaves
// a screenshot in tests/browser/out/; SCHWANN_SCREENSHOTS=1 also saves the page at 1366 and 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { env, withPage, signIn, assertText, waitForCount, unexpected, day, shot, patientWithDiagnosis,
  consentedPlan } from './harness.mjs';

const TIMEOUT = 60000;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const stepLocator = (plan, kind, i = 0) => plan.locator(`[data-testid="plan-step"][data-kind="${kind}"]`).nth(i);

test('the form shows each procedure kind the fields core/procedure.c gives it', () => {
  const c = readFileSync(join(ROOT, 'core/procedure.c'), 'utf8');
  const table = c.slice(c.indexOf('} uses[] = {'));
  const fromC = Object.fromEntries([...table.slice(0, table.indexOf('};')).matchAll(/\{"(\w+)", "([^"]+)"\}/g)]
    // Anything not required ('r') or refused ('-') is optional.
    .map((m) => [m[1], m[2].replace(/[^r-]/g, 'o')]));
  const js = readFileSync(join(ROOT, 'web/procedures.js'), 'utf8');
  const block = js.slice(js.indexOf('export const FIELD_USE = {'));
  const fromJs = Object.fromEntries([...block.slice(0, block.indexOf('};')).matchAll(/(\w+): '([ro-]{4})'/g)]
    .map((m) => [m[1], m[2]]));
  assert.ok(Object.keys(fromC).length >= 20, 'uses[] parsed');
  assert.deepEqual(fromJs, fromC);
});

test('clinician: plan, refusal before consent, consent, blood draw, processing, injection, adverse event',
  { timeout: TIMEOUT }, () => withPage('treatment-clinician', async (page, problems) => {
    const { p } = await patientWithDiagnosis('Okonkwo', { nrs: true });
    await signIn(page, 'clinician');
    await page.goto(`${env.server.base}/patients/${p.id}/treatment`);
    await assertText(page.getByTestId('patient-name'), 'Okonkwo, Ada');
    const plans = page.getByTestId('plans');
    await assertText(plans.getByTestId('no-plans'), 'No treatment plan yet');
    assert.equal(await page.getByTestId('plan-form').count(), 0, 'forms open on demand');

    // Candidacy first: every biologic with its findings and their reasons, never a verdict; the
    // screening is missing (a finding of its own) and the chronic neuropathy is a note.
    const cand = page.getByTestId('candidacy');
    const prp = cand.locator('[data-testid="candidacy-biologic"][data-biologic="prp"]');
    await assertText(prp.locator('[data-rule="no_recent_screening"]'), 'No pre-procedure screening in the last 30 days');
    await assertText(prp.locator('[data-rule="no_recent_screening"]'), 'missing data');
    assert.equal(await prp.locator('[data-rule="chronic_neuropathy"]').getAttribute('data-level'), 'note');
    await assertText(prp.locator('[data-rule="chronic_neuropathy"]'), 'Type 2 diabetes mellitus with diabetic polyneuropathy (2023-05-01)');
    assert.equal(await cand.getByTestId('candidacy-biologic').count(), 3);
    assert.doesNotMatch(await cand.innerText(), /eligible/i);
    await assertText(prp.getByTestId('no-decision'), 'No decision recorded');
    await cand.getByTestId('open-decide').click();
    const decide = cand.getByTestId('decide-form');
    await decide.getByTestId('save-decision').click();
    await assertText(decide.getByTestId('error-rationale'), 'Rationale');
    await assertText(decide.getByTestId('error-biologic'), 'Biologic');
    await decide.getByLabel('Biologic').selectOption('prp');
    await decide.getByLabel('Candidate', { exact: true }).check();
    await decide.getByLabel('Rationale').fill('Chronic, but no contraindication; screening to be done at the consultation.');
    await decide.getByTestId('save-decision').click();
    await assertText(cand.getByTestId('candidacy-status'), 'Decision recorded');
    await assertText(prp.getByTestId('candidacy-decision'), 'Decision: Candidate');
    await shot(cand, 'treatment-candidacy');

    // A plan from the PRP protocol: proposed, 14 steps scheduled from today.
    await plans.getByTestId('new-plan').click();
    const planForm = plans.getByTestId('plan-form');
    await planForm.getByLabel('Protocol').selectOption('prp-series');
    await assertText(planForm.getByTestId('protocol-about'), 'Blood component');
    assert.equal(await planForm.getByLabel('Start date').inputValue(), day(0));
    await planForm.getByTestId('save-plan').click();
    await assertText(plans.getByTestId('plans-status'), 'Plan made: Perineural PRP');
    const plan = plans.getByTestId('plan').first();
    assert.equal(await plan.getAttribute('data-status'), 'proposed');
    await assertText(plan.getByTestId('plan-biologic'), 'Platelet-rich plasma');
    await assertText(plan.getByTestId('plan-class'), 'Blood component');
    await assertText(plan.getByTestId('plan-diagnosis'), 'E11.42');
    await assertText(plan.getByTestId('consent-tag'), 'no current consent');
    assert.equal(await plan.getByTestId('plan-step').count(), 14);
    await assertText(stepLocator(plan, 'injection').getByTestId('step-due'), day(7));
    assert.equal(await plan.getByTestId('record-step').count(), 0, 'nothing is recorded under a proposed plan');

    await plan.getByTestId('move-accepted').click();
    await assertText(plans.getByTestId('plans-status'), 'Plan accepted');
    await assertText(plan.getByTestId('plan-status'), 'accepted');

    // The consultation took place: marked done by hand (it has no procedure).
    assert.equal(await stepLocator(plan, 'blood_draw').getByTestId('step-done').count(), 0, 'a blood draw is done by its procedure');
    assert.equal(await stepLocator(plan, 'follow_up').getByTestId('step-done').count(), 0, 'a follow-up is not done before its window');
    await stepLocator(plan, 'consultation').getByTestId('step-done').click();
    await assertText(plans.getByTestId('plans-status'), 'Consultation marked done');
    assert.equal(await stepLocator(plan, 'consultation').getAttribute('data-status'), 'done');

    // A blood draw before consent: the server's 409 is shown on the form.
    await stepLocator(plan, 'blood_draw').getByTestId('record-step').click();
    const form = page.getByTestId('procedure-form');
    await assertText(form.getByTestId('procedure-plan-warning'), 'no current consent');
    assert.equal(await form.getByTestId('procedure-kind').inputValue(), 'blood_draw');
    assert.deepEqual(await form.getByTestId('procedure-fields').locator('label, legend').allInnerTexts(), ['Volume (mL) (required)'],
      'a blood draw takes only its volume');
    await form.getByLabel('Volume (mL)').fill('60');
    await form.getByTestId('save-procedure').click();
    await assertText(form.getByTestId('form-alert'), 'No current consent');
    await assertText(form.getByTestId('form-alert'), 'record the patient\'s signed consent to "Consent to perineural platelet-rich plasma');
    await shot(form, 'treatment-refusal');

    // The consent, with the document's text on the form.
    await plan.getByTestId('record-consent').click();
    const consentForm = plan.getByTestId('consent-form');
    await assertText(consentForm.getByTestId('consent-text'), 'What is known about whether it works');
    await assertText(consentForm.getByTestId('consent-text'), 'Hassanien');
    await shot(plan, 'treatment-consent-form');
    await consentForm.getByTestId('save-consent').click();
    await assertText(consentForm.getByTestId('error-witness'), 'Witness');
    await consentForm.getByLabel('Witness').fill('M. Ortega, RN');
    await consentForm.getByTestId('save-consent').click();
    await assertText(plans.getByTestId('plans-status'), 'Consent recorded');
    await assertText(plan.getByTestId('consent-tag'), 'consent current');
    await assertText(plan.getByTestId('plan-consent'), 'witness M. Ortega, RN');

    // Now the same blood draw is recorded: its step done, the plan under way.
    await form.getByTestId('save-procedure').click();
    const saved = form.getByTestId('procedure-saved');
    await assertText(saved, 'Blood draw');
    await assertText(saved.getByTestId('saved-effects'), 'Blood draw 1 of 3: done. Plan in progress.');
    await assertText(plan.getByTestId('plan-status'), 'in progress');
    assert.equal(await plan.getAttribute('data-status'), 'in_progress');
    assert.equal(await stepLocator(plan, 'blood_draw').getAttribute('data-status'), 'done');
    await assertText(stepLocator(plan, 'blood_draw').getByTestId('step-what'), 'Blood draw, 60 mL');

    // Processing, made from that blood draw: only processing fields; the platelet factor derived.
    await form.getByTestId('procedure-kind').selectOption('processing');
    const fields = form.getByTestId('procedure-fields');
    assert.equal(await fields.getByLabel('Side').count(), 0, 'no injection fields for processing');
    assert.match(await fields.getByLabel('Made from').locator('option:checked').innerText(), /^Blood draw, 60 mL/);
    await fields.getByLabel('Method').fill('double spin');
    await fields.getByLabel('Kit lot').fill('LOT-PRP-0042');
    await fields.getByLabel('Platelets in the product (per µL)').fill('1100000');
    await form.getByTestId('save-procedure').click();
    await assertText(form.getByTestId('error-baseline_platelets_per_ul'), 'goes with platelets_per_ul');
    await fields.getByLabel('Platelets in the patient\u2019s blood (per µL)').fill('250000');
    await fields.getByLabel('Leukocyte-poor').check();
    await form.getByTestId('save-procedure').click();
    await assertText(saved.locator('[data-derived="platelet_fold"]'), '4.4× platelets');
    assert.equal(await stepLocator(plan, 'processing').getAttribute('data-status'), 'done');

    // The first injection, of that product.
    await form.getByTestId('procedure-kind').selectOption('injection');
    assert.match(await fields.getByLabel('Product injected').locator('option:checked').innerText(), /^Processing, double spin/);
    assert.equal(await fields.getByLabel('Operator').inputValue(), 'Test clinician');
    assert.equal(await fields.getByLabel('Lot numbers').inputValue(), 'LOT-PRP-0042', 'the product\'s kit lot');
    await fields.getByLabel('Volume (mL)').fill('4');
    await fields.getByLabel('Both').check();
    await fields.getByLabel('Tibial').check();
    await fields.getByLabel('Sural').check();
    await form.getByTestId('save-procedure').click();
    await assertText(saved.getByTestId('saved-effects'), 'Injection 1 of 3: done.');
    const inj1 = stepLocator(plan, 'injection');
    assert.equal(await inj1.getAttribute('data-status'), 'done');
    await assertText(inj1.getByTestId('step-what'), 'Injection, 4 mL, both sides, tibial, sural');
    assert.equal(await stepLocator(plan, 'injection', 1).getAttribute('data-status'), 'planned');

    // The list of procedures, with the derived value; the injection on the pain plot.
    const procs = page.getByTestId('procedures');
    await waitForCount('procedure rows', () => procs.getByTestId('procedure-row').count(), 3);
    await assertText(procs.locator('[data-testid="procedure-row"][data-kind="processing"]').getByTestId('procedure-derived'),
      '4.4× platelets');
    await page.getByTestId('tab-timeline').click();
    const timeline = page.getByTestId('timeline');
    await waitForCount('injection markers', () => timeline.getByTestId('injection-marker').count(), 1);
    assert.equal(await timeline.getByTestId('injection-marker').getAttribute('data-date'), day(0));
    await waitForCount('timeline treatment rows', () => timeline.getByTestId('treatment-row').count(), 3);
    await page.goBack();
    await page.waitForURL(/\/treatment$/);

    // A grade-1 adverse event: the form says what is missing, then it is listed.
    const aes = page.getByTestId('adverse-events');
    await assertText(aes.getByTestId('no-adverse-events'), 'No adverse event is recorded');
    await aes.getByTestId('record-ae').click();
    const aeForm = aes.getByTestId('ae-form');
    await aeForm.getByLabel('Event').fill('Pain at the injection site');
    await aeForm.getByTestId('save-ae').click();
    await assertText(aeForm.getByTestId('form-alert'), 'There are problems with');
    await assertText(aeForm.getByTestId('error-grade'), 'Grade must be a CTCAE grade');
    await aeForm.getByTestId('ae-grade-choice').getByLabel('1 Mild').check();
    await assertText(aeForm.getByTestId('grade-meaning'), 'Grade 1, mild: asymptomatic or mild symptoms');
    await aeForm.getByRole('group', { name: 'Serious?' }).getByLabel('No').check();
    await aeForm.getByLabel('Probable').check();
    await aeForm.getByRole('group', { name: 'Expected?' }).getByLabel('Yes').check();
    await aeForm.getByLabel('Outcome').selectOption('recovering');
    await aeForm.getByLabel('Action taken').fill('Ice, paracetamol');
    await aeForm.getByTestId('save-ae').click();
    await assertText(aes.getByTestId('ae-status'), 'Adverse event recorded: Pain at the injection site');
    const aeRow = aes.getByTestId('ae-row');
    await assertText(aeRow.getByTestId('ae-grade'), 'Grade 1, mild');
    assert.equal(await aeRow.getAttribute('data-serious'), 'false');
    assert.equal(await page.getByTestId('serious-ae-banner').count(), 0, 'no banner for a non-serious event');
    await page.getByTestId('tab-timeline').click();
    await waitForCount('timeline treatment rows with the event', () => timeline.getByTestId('treatment-row').count(), 4);
    assert.equal(await timeline.getByTestId('ae-marker').getAttribute('data-serious'), 'false', 'the event is marked on the pain plot');
    await page.goBack();
    await page.waitForURL(/\/treatment$/);

    // It evolves: recovered today (PATCH with If-Match).
    await aeRow.getByTestId('update-ae').click();
    const upd = aes.getByTestId('update-ae-form');
    await upd.getByLabel('Outcome').selectOption('recovered');
    await upd.getByLabel('Resolved on').fill(day(0));
    await upd.getByTestId('save-ae-update').click();
    await assertText(aes.getByTestId('ae-status'), 'updated');
    await assertText(aes.getByTestId('ae-row').getByTestId('ae-outcome'), `Recovered\nresolved ${day(0)}`);

    await page.setViewportSize({ width: 1366, height: 900 });
    await shot(page, 'treatment-1366', { fullPage: true });
    await shot(page.getByTestId('treatment'), 'treatment-section-1366');
    // On a 390 px phone nothing scrolls sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    await shot(page, 'treatment-390', { fullPage: true });
    await shot(page.getByTestId('treatment'), 'treatment-section-390');
    await shot(page.getByTestId('candidacy'), 'treatment-candidacy-390');
    await shot(page.getByTestId('plans'), 'treatment-plans-390');
    assert.ok(wide <= 390, `the page is ${wide} px wide at 390`);

    await page.reload();
    await page.getByTestId('plan').first().waitFor();
    assert.equal(await page.getByTestId('plan').first().getAttribute('data-status'), 'in_progress');
    assert.doesNotMatch(await page.locator('main').innerText(), /\b(null|undefined|NaN)\b/);
    assert.deepEqual(unexpected(problems, [409, 422]), []);
  }));

test('nurse: reads the plan and its consent, records a blood draw and a serious adverse event (banner)',
  { timeout: TIMEOUT }, () => withPage('treatment-nurse', async (page, problems) => {
    const { clin, p, cond } = await patientWithDiagnosis('Varga');
    await consentedPlan(clin, p, cond);
    await signIn(page, 'nurse');
    await page.goto(`${env.server.base}/patients/${p.id}/treatment`);
    const plan = page.getByTestId('plan').first();
    await assertText(plan.getByTestId('plan-status'), 'accepted');
    await assertText(plan.getByTestId('plan-study'), 'IRB 2026-07');
    await assertText(plan.getByTestId('plan-consent'), 'witness R. Witness');
    for (const id of ['new-plan', 'move-in_progress', 'move-stopped', 'record-consent', 'withdraw-consent', 'edit-plan', 'skip-step']) {
      assert.equal(await page.getByTestId(id).count(), 0, `no ${id} for a nurse`);
    }
    // Record buttons only on the steps a nurse records.
    const kinds = await plan.locator('[data-testid="plan-step"]:has([data-testid="record-step"])').evaluateAll(
      (els) => [...new Set(els.map((e) => e.dataset.kind))]);
    assert.deepEqual(kinds.sort(), ['blood_draw', 'processing']);
    await page.getByTestId('record-procedure').click();
    const form = page.getByTestId('procedure-form');
    assert.deepEqual(await form.getByTestId('procedure-kind').locator('option').allInnerTexts(), ['Choose…', 'Blood draw', 'Processing']);
    await form.getByTestId('procedure-kind').selectOption('blood_draw');
    await form.getByLabel('Volume (mL)').fill('30');
    await form.getByTestId('save-procedure').click();
    await assertText(form.getByTestId('procedure-saved').getByTestId('saved-effects'), 'Plan in progress.');

    // A serious event: the criterion is asked for, and the banner appears at the top of the page.
    assert.equal(await page.getByTestId('serious-ae-banner').count(), 0);
    const aes = page.getByTestId('adverse-events');
    await aes.getByTestId('record-ae').click();
    const aeForm = aes.getByTestId('ae-form');
    assert.equal(await aeForm.getByLabel('Seriousness criterion').isVisible(), false);
    await aeForm.getByLabel('Event').fill('Cellulitis of the left leg');
    await aeForm.getByTestId('ae-grade-choice').getByLabel('3 Severe').check();
    await aeForm.getByRole('group', { name: 'Serious?' }).getByLabel('Yes').check();
    await aeForm.getByLabel('Seriousness criterion').selectOption('hospitalisation');
    await aeForm.getByLabel('Possible').check();
    await aeForm.getByRole('group', { name: 'Expected?' }).getByLabel('Yes').check();
    await aeForm.getByLabel('Outcome').selectOption('recovering');
    await aeForm.getByTestId('save-ae').click();
    const banner = page.getByTestId('serious-ae-banner');
    await assertText(banner, 'Serious adverse event recorded');
    await assertText(banner, 'Cellulitis of the left leg');
    await assertText(banner, 'requires or prolongs hospitalisation');
    await assertText(aes.locator('[data-testid="ae-row"][data-serious="true"]').getByTestId('serious-tag'), 'serious');
    // The alert is in the patient banner, which stays on screen while the page scrolls, on every tab.
    assert.equal(await page.getByTestId('patient-banner').getByTestId('serious-ae-banner').count(), 1);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const top = await page.getByTestId('patient-banner').evaluate((b) => b.getBoundingClientRect().top);
    assert.ok(top >= 0 && top < 2, `the banner stays at the top of the screen (top ${top})`);
    await page.getByTestId('tab-summary').click();
    await assertText(page.getByTestId('serious-ae-banner'), 'Cellulitis of the left leg');
    await page.getByTestId('demographics').waitFor(); // the summary renders after its reads
    const above = await page.evaluate(() => {
      const b = document.querySelector('[data-testid="serious-ae-banner"]');
      const d = document.querySelector('[data-testid="demographics"]');
      return !!(b.compareDocumentPosition(d) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
    assert.ok(above, 'the banner comes before the demographics');
    assert.deepEqual(unexpected(problems, []), []);
  }));

test('front desk sees plans and due dates without clinical detail; a researcher sees nothing of it',
  { timeout: TIMEOUT }, () => withPage('treatment-front-desk', async (page, problems) => {
    const { clin, p, cond } = await patientWithDiagnosis('Lindgren');
    const pl = await consentedPlan(clin, p, cond);
    assert.equal((await clin.post(`/api/v1/patients/${p.id}/adverse-events`, { term: 'Syncope', onset_date: day(0), grade: 3,
      serious: true, serious_criteria: 'hospitalisation', relatedness: 'unlikely', expected: false, outcome: 'recovered' })).status, 201);
    await signIn(page, 'front_desk');
    await page.goto(`${env.server.base}/patients/${p.id}/treatment`);
    const plan = page.getByTestId('plan').first();
    await assertText(plan.getByTestId('plan-status'), 'accepted');
    assert.equal(await plan.getByTestId('plan-step').count(), 14);
    await assertText(stepLocator(plan, 'injection').getByTestId('step-due'), pl.steps.find((s) => s.kind === 'injection').due_date);
    await assertText(plan.getByTestId('plan-class'), 'Blood component');
    for (const id of ['plan-diagnosis', 'plan-study', 'plan-consent', 'plan-notes', 'consent-tag', 'procedures', 'adverse-events',
      'serious-ae-banner', 'new-plan', 'move-in_progress', 'record-step', 'skip-step', 'step-done', 'record-procedure']) {
      assert.equal(await page.getByTestId(id).count(), 0, `no ${id} for the front desk`);
    }
    assert.equal(await page.getByTestId('candidacy').count(), 0, 'no candidacy for the front desk');
    assert.doesNotMatch(await page.getByTestId('treatment').innerText(), /IRB 2026-07|Prefers mornings|E11\.42|Syncope/);
    assert.deepEqual(unexpected(problems, []), [], 'no request the role may not make');

    await page.getByTestId('sign-out').click();
    await signIn(page, 'researcher');
    await page.goto(`${env.server.base}/patients/${p.id}/treatment`);
    await page.locator('h1').waitFor();
    assert.equal(await page.getByTestId('treatment').count(), 0);
    assert.equal(await page.getByTestId('plan').count(), 0);
  }));

test('clinician: an investigational plan needs its study reference; skip, void, withdraw, entered in error',
  { timeout: TIMEOUT }, () => withPage('treatment-corrections', async (page, problems) => {
    const { clin, p, cond } = await patientWithDiagnosis('Haldane');
    const svf = (await clin.post(`/api/v1/patients/${p.id}/plans`,
      { protocol: 'adipose-svf', condition_id: cond.id, start_date: day(-14) })).body;
    assert.equal((await clin.post(`/api/v1/plans/${svf.id}/status`, { status: 'accepted' }, { 'If-Match': '"1"' })).status, 200);
    assert.equal((await clin.post(`/api/v1/patients/${p.id}/consents`,
      { document: 'adipose-svf', version: '1', plan_id: svf.id, signed_on: day(-2), witness: 'R. Witness' })).status, 201);
    assert.equal((await clin.post(`/api/v1/patients/${p.id}/adverse-events`, { term: 'Bruising', onset_date: day(-1), grade: 1,
      serious: false, relatedness: 'possible', expected: true, outcome: 'recovering' })).status, 201);
    await signIn(page, 'clinician');
    await page.goto(`${env.server.base}/patients/${p.id}/treatment`);
    const plan = page.getByTestId('plan').first();
    await assertText(plan.getByTestId('investigational'), 'investigational');
    await assertText(plan.getByTestId('plan-study'), 'None: needed before any procedure');

    // The harvest is refused until the plan has its study reference.
    await stepLocator(plan, 'harvest').getByTestId('record-step').click();
    const form = page.getByTestId('procedure-form');
    await assertText(form.getByTestId('procedure-plan-warning'), 'needs its study reference');
    const fields = form.getByTestId('procedure-fields');
    await fields.getByLabel('Adipose tissue').check();
    await fields.getByLabel('Site').fill('abdomen');
    await fields.getByLabel('Volume (mL)').fill('200');
    await form.getByTestId('save-procedure').click();
    await assertText(form.getByTestId('form-alert'), 'Study reference needed');
    await assertText(form.getByTestId('form-alert'), 'is investigational: add the plan\'s study reference');
    await plan.getByTestId('edit-plan').click();
    await plan.getByTestId('edit-plan-form').getByLabel('Study reference').fill('NCT01234567');
    await plan.getByTestId('save-plan-edit').click();
    await assertText(page.getByTestId('plans-status'), 'Plan changed');
    await assertText(plan.getByTestId('plan-study'), 'NCT01234567');
    assert.equal(await fields.getByLabel('Site').inputValue(), 'abdomen', 'what was typed stays');
    await form.getByTestId('save-procedure').click();
    await assertText(form.getByTestId('procedure-saved').getByTestId('saved-effects'), 'Harvest: done. Plan in progress.');

    // Void the harvest: its step is planned again.
    const procs = page.getByTestId('procedures');
    await procs.getByTestId('void-procedure').click();
    const voidForm = procs.getByTestId('void-procedure-form');
    await voidForm.getByLabel('Reason').fill('Recorded under the wrong plan');
    await voidForm.getByTestId('confirm-void-procedure').click();
    await assertText(procs.getByTestId('procedures-status'), 'Its plan step is planned again');
    await assertText(procs.locator('[data-testid="procedure-row"][data-status="voided"]').getByTestId('void-reason'),
      'Voided: Recorded under the wrong plan');
    assert.equal(await stepLocator(plan, 'harvest').getAttribute('data-status'), 'planned');

    // Skip the consultation with a reason.
    await stepLocator(plan, 'consultation').getByTestId('skip-step').click();
    const skip = plan.getByTestId('skip-form');
    await skip.getByTestId('confirm-skip').click();
    await assertText(skip.getByTestId('error-reason'), 'Reason');
    await skip.getByLabel('Reason').fill('Seen at the referring clinic');
    await skip.getByTestId('confirm-skip').click();
    await assertText(page.getByTestId('plans-status'), 'Consultation skipped');
    assert.equal(await stepLocator(plan, 'consultation').getAttribute('data-status'), 'skipped');
    await assertText(stepLocator(plan, 'consultation').getByTestId('step-what'), 'Skipped: Seen at the referring clinic');

    // The adverse event entered in error: struck through with its reason.
    const aes = page.getByTestId('adverse-events');
    await aes.getByTestId('ae-error').click();
    await aes.getByTestId('ae-error-form').getByLabel('Reason').fill('Another patient\'s event');
    await aes.getByTestId('confirm-ae-error').click();
    await assertText(aes.locator('[data-testid="ae-row"][data-status="entered_in_error"]').getByTestId('void-reason'),
      'Entered in error: Another patient\'s event');
    assert.equal(await aes.getByTestId('update-ae').count(), 0, 'an event entered in error does not change');

    // Withdrawing the consent stops the plan; an ended plan offers no more moves.
    await plan.getByTestId('withdraw-consent').click();
    const wd = plan.getByTestId('withdraw-form');
    await wd.getByLabel('Reason').fill('Wants to wait for trial results');
    await wd.getByTestId('confirm-withdraw').click();
    await assertText(page.getByTestId('plans-status'), 'Consent withdrawn; the plan is stopped.');
    assert.equal(await plan.getAttribute('data-status'), 'stopped');
    await assertText(plan.getByTestId('plan-reason'), 'Consent withdrawn on');
    await assertText(plan.getByTestId('plan-consent'), 'Withdrawn');
    for (const id of ['move-completed', 'move-stopped', 'record-consent', 'record-step', 'skip-step', 'edit-plan']) {
      assert.equal(await plan.getByTestId(id).count(), 0, `no ${id} on a stopped plan`);
    }
    // Its steps that were still planned are skipped with it, none overdue (listed folded under the plan).
    assert.equal(await stepLocator(plan, 'harvest').getByTestId('step-status').textContent(), 'skipped');
    assert.equal(await stepLocator(plan, 'harvest').getByTestId('step-what').textContent(), 'Skipped: plan stopped');
    assert.ok(!(await plan.getByTestId('step-status').allTextContents()).includes('overdue'));
    assert.deepEqual(unexpected(problems, [409, 422]), []);
  }));
