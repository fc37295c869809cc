// Browser tests of the duplicate checks, at a 1366 px desktop and a 390 x 844 phone: registering a
// patient whose name and birth date match another asks first, with links to the records ("open
// the existing one" leaves the form without a question; "Register anyway" registers); an MRN in
// use links to the patient who has it; the same diagnosis twice marks the existing row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { login, newPatient } from '../lib/server.mjs';
import { env, withPage, signIn, assertText, unexpected, shot, patientWithDiagnosis } from './harness.mjs';

const TIMEOUT = 90000;
const WIDTHS = [[1366, 800], [390, 844]];

async function noSideways(page, what) {
  const [doc, view] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.equal(doc, view, `${what}: the document is ${doc} px wide in a ${view} px viewport`);
}

async function fillPatient(page, { family, given, birth, mrn }) {
  await page.goto(env.server.base + '/patients/new');
  await page.getByLabel('Family name').fill(family);
  await page.getByLabel('Given name').fill(given);
  await page.getByLabel('Birth date').fill(birth);
  await page.getByLabel('Sex at birth').selectOption('female');
  await page.getByLabel('MRN').fill(mrn);
  await page.getByTestId('save-patient').click();
}

for (const [w, hgt] of WIDTHS) {
  test(`at ${w} px: the duplicate prompt, "open the existing one" and "Register anyway"; an MRN in use links to its patient`,
    { timeout: TIMEOUT }, () => withPage(`duplicates-${w}`, async (page, problems) => {
      await page.setViewportSize({ width: w, height: hgt });
      const clin = await login(env.server.base, 'clinician');
      const family = `Duplessis${w}`;
      const first = (await clin.post('/api/v1/patients', newPatient({ family_name: family, given_name: 'Odile', birth_date: '1966-06-16' }))).body;
      await signIn(page, 'clinician');
      const dialogs = [];
      page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });

      // Open the existing one: the link leaves the form without asking to discard it.
      await fillPatient(page, { family, given: 'odile', birth: '1966-06-16', mrn: `DUP-A-${w}` });
      const prompt = page.getByTestId('possible-duplicates');
      await assertText(page.getByTestId('form-alert'), 'already registered');
      await assertText(prompt, first.mrn);
      await noSideways(page, 'the duplicate prompt');
      await shot(page, `duplicate-prompt-${w}`, { fullPage: true });
      await prompt.getByTestId('duplicate-link').click();
      await page.waitForURL(`${env.server.base}/patients/${first.id}`);
      await assertText(page.getByTestId('patient-name'), `${family}, Odile`);
      assert.deepEqual(dialogs, [], 'no "discard what you typed?" question');

      // Register anyway: the second Odile is registered.
      await fillPatient(page, { family, given: 'Odile', birth: '1966-06-16', mrn: `DUP-B-${w}` });
      await page.getByTestId('register-anyway').click();
      await page.waitForURL(/\/patients\/[0-9a-f-]{36}$/);
      assert.ok(!page.url().endsWith(first.id));
      await assertText(page.getByTestId('flash'), 'is registered');
      await assertText(page.getByTestId('banner-facts'), `DUP-B-${w}`);

      // An MRN in use: the error at the field names and links the patient who has it.
      await fillPatient(page, { family: `Other${w}`, given: 'Person', birth: '1970-01-01', mrn: first.mrn });
      await assertText(page.getByTestId('error-mrn'), 'already');
      await assertText(page.getByTestId('mrn-owner'), `${family}, Odile`);
      await noSideways(page, 'the MRN error');
      await shot(page, `duplicate-mrn-${w}`);
      await page.getByTestId('mrn-owner').click();
      await page.waitForURL(`${env.server.base}/patients/${first.id}`);
      assert.deepEqual(dialogs, []);
      assert.deepEqual(unexpected(problems, [409]), []);
    }));

  test(`at ${w} px: the same diagnosis twice is refused and the existing row marked`,
    { timeout: TIMEOUT }, () => withPage(`duplicate-dx-${w}`, async (page, problems) => {
      await page.setViewportSize({ width: w, height: hgt });
      const { p, cond } = await patientWithDiagnosis(`Twicer${w}`);
      await signIn(page, 'clinician');
      await page.goto(`${env.server.base}/patients/${p.id}/workup`);
      await page.getByTestId('open-add-diagnosis').click();
      const form = page.getByTestId('add-diagnosis-form');
      await form.getByLabel('Diagnosis (ICD-10-CM)').selectOption('E11.42');
      await form.getByLabel('Onset').fill('2023-05-01');
      await page.getByTestId('add-diagnosis').click();
      await assertText(form.getByTestId('form-alert'), 'already recorded');
      const existing = page.locator(`[data-testid="condition-row"][data-id="${cond.id}"]`);
      assert.equal(await existing.getAttribute('data-fresh'), 'true', 'the existing diagnosis is marked');
      await form.getByTestId('show-existing-diagnosis').click();
      assert.equal(await page.evaluate(() => document.activeElement.dataset.id), cond.id);
      await noSideways(page, 'the diagnosis refusal');
      await shot(page, `duplicate-dx-${w}`, { fullPage: true });
      assert.deepEqual(unexpected(problems, [409]), []);
    }));
}
