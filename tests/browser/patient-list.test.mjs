// Browser tests of the patient list at a 1366 px desktop and a 390 x 844 phone: beside each name
// the neuropathy, the latest NRS and the last visit (the front desk sees the last visit only);
// sorting by last visit (kept in the address); part of an MRN finds the patient; nothing scrolls
// sideways. SCHWANN_SCREENSHOTS=1 saves the list at both widths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { login, newPatient } from '../lib/server.mjs';
import { env, withPage, signIn, assertText, waitForCount, unexpected, day, shot } from './harness.mjs';

const TIMEOUT = 90000;

test('the list shows neuropathy, latest NRS and last visit; sorts by last visit; finds part of an MRN; at 1366 and 390 px',
  { timeout: TIMEOUT }, () => withPage('patient-list', async (page, problems) => {
    const clin = await login(env.server.base, 'clinician');
    const ok = (r) => assert.ok(r.status < 300, r.text);
    const mk = async (given, over = {}) => (await clin.post('/api/v1/patients', newPatient({ family_name: 'Listwood', given_name: given, ...over }))).body;
    const seen = await mk('Ada', { mrn: 'LW-448811' });
    const recent = await mk('Bo');
    const never = await mk('Cy');
    ok(await clin.post(`/api/v1/patients/${seen.id}/conditions`, { icd10: 'E11.42', onset_date: '2019-01-01' }));
    ok(await clin.post(`/api/v1/patients/${seen.id}/assessments`, { instrument: 'nrs', performed_at: day(-30), answers: { score: 7 } }));
    ok(await clin.post(`/api/v1/patients/${seen.id}/diary`, { entry_date: day(-2), nrs: 5 }));
    ok(await clin.post(`/api/v1/patients/${recent.id}/observations`, { kind: 'hba1c', performed_on: day(-1), value: 7, unit: '%' }));

    await signIn(page, 'clinician');
    for (const [w, hgt] of [[1366, 800], [390, 844]]) {
      await page.setViewportSize({ width: w, height: hgt });
      await page.goto(env.server.base + '/?q=Listwood');
      const rows = page.getByTestId('patient-row');
      await waitForCount(`rows at ${w}`, () => rows.count(), 3);
      const row = (p) => page.locator(`[data-testid="patient-row"][data-id="${p.id}"]`);
      await assertText(row(seen).getByTestId('row-neuropathy'), /E11\.42\s+Diabetic\s+chronic/);
      await assertText(row(seen).getByTestId('row-nrs'), new RegExp(`^5\\s+${day(-2)}$`));
      await assertText(row(seen).getByTestId('row-last-visit'), day(-30));
      await assertText(row(never), 'never');
      assert.ok(await page.getByTestId('sort').isDisabled(), 'a search is sorted by name');
      const [doc, view] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      assert.equal(doc, view, `the list at ${w}: the document is ${doc} px wide`);
      await shot(page, `patient-list-${w}`, { fullPage: true });
    }
    // Sorted by last visit: the one seen yesterday first, then a month ago, the never-seen last.
    await page.setViewportSize({ width: 1366, height: 800 });
    await page.goto(env.server.base + '/');
    await page.getByTestId('sort').selectOption('last_visit');
    await page.waitForURL(/\?sort=last_visit$/);
    await assertText(page.getByTestId('result-status'), 'last visit first');
    const ids = await page.getByTestId('patient-row').evaluateAll((trs) => trs.map((t) => t.dataset.id));
    assert.deepEqual([ids.indexOf(recent.id) < ids.indexOf(seen.id), ids.indexOf(seen.id) < ids.indexOf(never.id)], [true, true]);
    await page.reload();
    assert.equal(await page.getByTestId('sort').inputValue(), 'last_visit', 'the sort is kept in the address');
    // Part of an MRN.
    await page.getByTestId('search').fill('448811');
    await waitForCount('MRN part', () => page.getByTestId('patient-row').count(), 1);
    await assertText(page.getByTestId('patient-row'), 'LW-448811');
    // The front desk sees the last visit, not the clinical columns.
    await page.getByTestId('sign-out').click();
    await signIn(page, 'front_desk');
    await page.goto(env.server.base + '/?q=Listwood');
    await waitForCount('front desk rows', () => page.getByTestId('patient-row').count(), 3);
    assert.equal(await page.getByTestId('row-neuropathy').count(), 0);
    assert.equal(await page.getByTestId('row-nrs').count(), 0);
    await assertText(page.locator(`[data-testid="patient-row"][data-id="${seen.id}"]`), day(-30));
    assert.deepEqual(unexpected(problems, []), []);
  }));
