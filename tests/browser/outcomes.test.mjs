// Browser tests of the outcomes page: treated patients made through the API (injected 120 days
// ago, NRS before and at day 91, one serious adverse event), filtered on the page to chronic
// diabetic neuropathy treated with PRP: too few patients for a rate under the default minimum of
// 10, then, with the minimum lowered, the rate with its interval, its numerator and denominator and
// a point on the forest plot, the adverse events of the same patients beside it and in their own
// section, the follow-up completeness; the address keeps the view (a reload shows the same), the
// CSV link carries the same query with format=csv and downloads; the comparator row carries its
// note; the empty state and a refused parameter; no sideways scrolling at 390 px. A nurse has no link and a plain message; a
// researcher has the link and reaches the page from the research home. SCHWANN_SCREENSHOTS=1
// saves the page at 1366 and 390 px in tests/browser/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, withPage, signIn, assertText, waitForCount, unexpected, day, shot } from './harness.mjs';
import { login, newPatient } from '../lib/server.mjs';

const TIMEOUT = 90000;

async function ok(r) {
  assert.ok(r.status === 200 || r.status === 201, r.text);
  return r.body;
}

// A patient with the diagnosis icd10 (onset `onset` days before the injection), injected with PRP
// 120 days ago, an NRS of 8 three days before and `at91` on day 91 (none when null).
async function treated(clin, { icd10 = 'E11.42', onset = 2 * 365, at91 }) {
  const injected = -120;
  const p = await ok(await clin.post('/api/v1/patients', newPatient()));
  const cond = await ok(await clin.post(`/api/v1/patients/${p.id}/conditions`, { icd10, onset_date: day(injected - onset) }));
  const pl = await ok(await clin.post(`/api/v1/patients/${p.id}/plans`,
    { protocol: 'prp-series', condition_id: cond.id, start_date: day(injected - 7) }));
  await ok(await clin.post(`/api/v1/plans/${pl.id}/status`, { status: 'accepted' }, { 'If-Match': '"1"' }));
  await ok(await clin.post(`/api/v1/patients/${p.id}/consents`,
    { document: 'prp', version: '1', plan_id: pl.id, signed_on: day(injected - 7), witness: 'R. Witness' }));
  const on = day(injected);
  const draw = await ok(await clin.post(`/api/v1/plans/${pl.id}/procedures`, { kind: 'blood_draw', performed_on: on, volume_ml: 30 }));
  const proc = await ok(await clin.post(`/api/v1/plans/${pl.id}/procedures`,
    { kind: 'processing', performed_on: on, from: draw.id, method: 'spin' }));
  await ok(await clin.post(`/api/v1/plans/${pl.id}/procedures`, { kind: 'injection', performed_on: on, product: proc.id,
    volume_ml: 4, side: 'left', nerves: ['tibial'], guidance: 'ultrasound', operator: 'Dr Test' }));
  await ok(await clin.post(`/api/v1/patients/${p.id}/diary`, { entry_date: day(injected - 3), nrs: 8 }));
  if (at91 !== null) await ok(await clin.post(`/api/v1/patients/${p.id}/diary`, { entry_date: day(injected + 91), nrs: at91 }));
  return p;
}

let made = null;
// Four chronic diabetic PRP patients due at day 91 (two responders), one recent, one with an
// alcoholic neuropathy, and one comparator (a diagnosis, a clinic NRS 150 days ago, no injection).
async function clinic() {
  if (made) return made;
  const clin = await login(env.server.base, 'clinician');
  const patients = [
    await treated(clin, { at91: 3 }), await treated(clin, { at91: 2 }),
    await treated(clin, { at91: 7 }), await treated(clin, { at91: null }),
    await treated(clin, { onset: 60, at91: 2 }),
    await treated(clin, { icd10: 'G62.1', at91: 2 }),
  ];
  const comp = await ok(await clin.post('/api/v1/patients', newPatient()));
  await ok(await clin.post(`/api/v1/patients/${comp.id}/conditions`, { icd10: 'E11.42', onset_date: day(-3 * 365) }));
  await ok(await clin.post(`/api/v1/patients/${comp.id}/assessments`,
    { instrument: 'nrs', performed_at: day(-150), answers: { score: 7 } }));
  await ok(await clin.post(`/api/v1/patients/${patients[2].id}/adverse-events`, {
    term: 'Cellulitis of the foot', onset_date: day(-110), grade: 3, serious: true, serious_criteria: 'hospitalisation',
    relatedness: 'possible', expected: false, outcome: 'recovered' }));
  made = { patients: [...patients, comp] };
  return made;
}

const row = (page, i = 0) => page.getByTestId('responder-row').nth(i);

async function tick(page, variable, label) {
  await page.getByTestId(`filter-${variable}`).getByLabel(label, { exact: true }).check();
}

test('clinician: chronic diabetic neuropathy treated with PRP, too few then a rate with its interval and n, linked, CSV',
  { timeout: TIMEOUT }, () => withPage('outcomes-clinician', async (page, problems) => {
    const { patients } = await clinic();
    await signIn(page, 'clinician');
    await page.getByTestId('nav-outcomes').click();
    await assertText(page.locator('h1'), 'Outcomes');
    assert.equal(new URL(page.url()).pathname, '/outcomes');
    assert.equal(await page.getByTestId('nav-outcomes').getAttribute('aria-current'), 'page');
    await assertText(page.getByTestId('responders-status'), '6 patients are due at day 91, of 6 treated patients');
    await assertText(page.getByTestId('responders-definition'), 'at least 30\u00a0% below the baseline');
    await assertText(page.getByTestId('responders-as-of'), day(0));

    // Filtered on the page: every tick changes the address and the report.
    await tick(page, 'etiology', 'Diabetic');
    await tick(page, 'chronicity', 'Chronic');
    await tick(page, 'biologic', 'Platelet-rich plasma (PRP)');
    await page.waitForURL((u) => u.search.includes('biologic=prp'));
    const params = new URL(page.url()).searchParams;
    assert.deepEqual([params.get('etiology'), params.get('chronicity'), params.get('biologic')], ['diabetic', 'chronic', 'prp']);
    await assertText(page.getByTestId('responders-status'), '4 patients are due at day 91, of 4 treated patients');
    await assertText(page.getByTestId('definition-filters'), 'etiology: Diabetic');
    await assertText(row(page).getByTestId('row-rate'), 'too few patients (n\u00a0=\u00a04, minimum\u00a010)');
    assert.equal(await row(page).getByTestId('forest-point').count(), 0, 'no point without a rate');
    await assertText(row(page).getByTestId('row-responders'), '2 of 4');

    // The minimum lowered: the rate, its exact interval (R: binom.test(2, 4) gives 0.0676 to
    // 0.9324) and its n, and a point with its bar on the plot.
    await page.getByLabel('Minimum n for a rate').fill('3');
    await page.getByLabel('Minimum n for a rate').press('Enter');
    await page.waitForURL((u) => u.search.includes('min_n=3'));
    await assertText(row(page).getByTestId('row-rate'), '50\u00a0%');
    await assertText(row(page).getByTestId('row-ci'), '95\u00a0% CI 7\u00a0% to 93\u00a0%');
    await assertText(row(page).getByTestId('row-responders'), '2 of 4');
    assert.deepEqual(await Promise.all(['row-patients', 'row-due', 'row-not-evaluable', 'row-missing']
      .map((t) => row(page).getByTestId(t).innerText())), ['4', '4', '0', '1']);
    assert.equal(await row(page).getByTestId('forest-point').count(), 1);
    assert.equal(await row(page).getByTestId('forest-point').getAttribute('cx'), '50%');
    assert.deepEqual([await row(page).getByTestId('forest-ci').first().getAttribute('x1'),
      await row(page).getByTestId('forest-ci').first().getAttribute('x2')].map((x) => Math.round(parseFloat(x))), [7, 93]);
    await assertText(row(page).getByTestId('row-adverse'), '1 serious');

    // The same patients' adverse events and follow-up: 1 of 4 with an event (too few for a rate
    // under 10, shown at 3), the serious event listed; at day 91, 3 of the 4 due have a value.
    const adverse = page.getByTestId('section-adverse-events');
    await assertText(adverse.getByTestId('adverse-row').first().getByTestId('row-with-event'), '1 of 4');
    await assertText(adverse.getByTestId('adverse-row').first().getByTestId('row-rate'), '25\u00a0%');
    await assertText(adverse.getByTestId('adverse-row').first().getByTestId('row-grades'), 'Grade\u00a03: 1');
    await assertText(adverse.getByTestId('serious-row'), 'Cellulitis of the foot');
    await assertText(adverse.getByTestId('serious-row'), 'Hospitalisation');
    const day91 = page.getByTestId('section-completeness').locator('[data-testid="completeness-row"][data-milestone="91"]');
    assert.deepEqual(await Promise.all(['row-due', 'row-with-value', 'row-share'].map((x) => day91.getByTestId(x).innerText())),
      ['4', '3', '75\u00a0%']);

    // The CSV link: the same query with format=csv, and it downloads the table.
    const href = await page.getByTestId('responders-csv').getAttribute('href');
    const csv = new URL(href, env.server.base);
    assert.equal(csv.pathname, '/api/v1/outcomes/responders');
    assert.equal(csv.searchParams.get('format'), 'csv');
    for (const [k, v] of [['etiology', 'diabetic'], ['chronicity', 'chronic'], ['biologic', 'prp'], ['min_n', '3']]) {
      assert.equal(csv.searchParams.get(k), v, k);
    }
    const download = await page.request.get(csv.href);
    assert.equal(download.status(), 200);
    assert.match(download.headers()['content-type'], /^text\/csv/);
    assert.match(await download.text(), /# milestone_day: 91/);

    await page.setViewportSize({ width: 1366, height: 900 });
    await shot(page, 'outcomes-1366', { fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'outcomes-390', { fullPage: true });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `the page is ${wide} px wide at 390`);
    assert.equal(await row(page).evaluate((tr) => getComputedStyle(tr).display), 'grid', 'a card per stratum on a phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    // The address alone shows the same view (a reload, a shared link).
    const url = page.url();
    await page.goto(url);
    await assertText(row(page).getByTestId('row-rate'), '50\u00a0%');
    assert.equal(await page.getByTestId('filter-chronicity').getByLabel('Chronic', { exact: true }).isChecked(), true);
    assert.equal(await page.getByLabel('Minimum n for a rate').inputValue(), '3');

    // Split by group: both groups, the comparator's row labelled.
    await page.goto(`${env.server.base}/outcomes?by=group&min_n=1`);
    await waitForCount('rows by group', () => page.getByTestId('responder-row').count(), 3);
    assert.equal(await page.getByLabel('Group', { exact: true }).inputValue(), 'treated,comparator');
    const comparator = page.locator('[data-testid="responder-row"][data-stratum=\'{"group":"comparator"}\']');
    await assertText(comparator.getByTestId('row-note'), 'Observational comparison, not a randomised control');
    assert.equal(await page.locator('[data-testid="responder-row"][data-stratum=\'{"group":"treated"}\'] [data-testid="row-note"]').count(), 0);
    await assertText(page.getByTestId('responders-definition'), 'not a randomised control');

    // Nobody is due at day 365 yet; a value the server does not know is its problem, in words.
    await page.getByLabel('Milestone').selectOption('365');
    await assertText(page.getByTestId('responders-empty'), 'No patients are due at 365 days yet');
    await page.goto(`${env.server.base}/outcomes?milestone=365`);
    await assertText(page.getByTestId('responders-empty'), 'No treated patients are due at 365 days yet');
    await page.goto(`${env.server.base}/outcomes?etiology=diabetes`);
    await assertText(page.getByTestId('section-responders').getByTestId('problem'), 'Etiology can be diabetic');

    // Sections for the reports still to come are in the layout, with no made-up numbers.
    assert.equal(await page.getByTestId('section-pending').count(), 2, 'Kaplan-Meier and mean change');
    const text = await page.locator('main').innerText();
    assert.doesNotMatch(text, /\b(null|undefined|NaN)\b/);
    for (const p of patients) assert.ok(!text.includes(p.mrn), 'no patient named');
    assert.deepEqual(unexpected(problems, [422]), []);
  }));

test('a nurse has no link and a plain message; a researcher reaches the page from the research home',
  { timeout: TIMEOUT }, () => withPage('outcomes-roles', async (page, problems) => {
    await clinic();
    await signIn(page, 'nurse');
    await assertText(page.getByTestId('nav-lots'), 'Lot recall');
    assert.equal(await page.getByTestId('nav-outcomes').count(), 0, 'no link for a nurse');
    await page.goto(`${env.server.base}/outcomes`);
    await assertText(page.getByTestId('no-outcomes-access'), 'Your role (nurse) does not include outcome reports');
    assert.equal(await page.getByTestId('outcome-form').count(), 0);

    await page.getByTestId('sign-out').click();
    await signIn(page, 'researcher');
    assert.equal(await page.getByTestId('nav-outcomes').count(), 1);
    await page.getByTestId('research-outcomes-link').click();
    await assertText(page.locator('h1'), 'Outcomes');
    await assertText(page.getByTestId('responders-status'), 'patients are due at day 91');
    assert.deepEqual(unexpected(problems, []), [], 'no request the role may not make');
  }));
