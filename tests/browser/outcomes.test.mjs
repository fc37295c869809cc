// Browser tests of the outcomes page: treated patients made through the API (injected 120 days
// ago, NRS before and at day 91, one serious adverse event), filtered on the page to chronic
// diabetic neuropathy treated with PRP: too few patients for a rate, a curve or a mean under the
// default minimum of 10, then, with the minimum lowered, the rate with its interval, its numerator
// and denominator and a point on the forest plot, the adverse events of the same patients beside
// it and in their own section, the follow-up completeness, the Kaplan-Meier curve of time to
// response (its step, its n, its median, who is left out) and the mean change at each milestone
// with its t interval; the address keeps the view (a reload shows the same), the CSV links carry
// the same query with format=csv and download; the comparator row carries its note; the log-rank
// test between strata; the empty state and a refused parameter; no sideways scrolling at 390 px. A
// nurse has no link and a plain message; a researcher has the link and reaches the page from the
// research home. SCHWANN_SCREENSHOTS=1 saves the page at 1366 and 390 px in tests/browser/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, withPage, signIn, assertText, waitForCount, unexpected, day, shot, treatedPatient } from './harness.mjs';
import { login, newPatient } from '../lib/server.mjs';

const TIMEOUT = 90000;

async function ok(r) {
  assert.ok(r.status === 200 || r.status === 201, r.text);
  return r.body;
}

let made = null;
// Four chronic diabetic PRP patients due at day 91 (two responders), one recent, one with an
// alcoholic neuropathy, and one comparator (a diagnosis, a clinic NRS 150 days ago, no injection).
async function clinic() {
  if (made) return made;
  const clin = await login(env.server.base, 'clinician');
  const patients = [
    await treatedPatient(clin, { at91: 3 }), await treatedPatient(clin, { at91: 2 }),
    await treatedPatient(clin, { at91: 7 }), await treatedPatient(clin, { at91: null }),
    await treatedPatient(clin, { onset: 60, at91: 2 }),
    await treatedPatient(clin, { icd10: 'G62.1', at91: 2 }),
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
    // Under the minimum n no curve and no mean is drawn either; the n is still said.
    const time = page.getByTestId('section-time-to-response');
    await assertText(time.getByTestId('km-row').first().getByTestId('km-median'), 'too few patients (n\u00a0=\u00a03, minimum\u00a010)');
    assert.equal(await time.getByTestId('km-path').count(), 0, 'no curve under the minimum n');
    await assertText(time.getByTestId('km-none'), 'fewer than 10 patients');
    const nrsRow = page.locator('[data-testid="change-table"][data-measure="nrs"] [data-testid="change-row"]').first();
    await assertText(nrsRow.locator('[data-testid="change-cell"][data-milestone="91"]'), 'n\u00a0=\u00a03, too few');
    assert.equal(await page.getByTestId('change-point').count(), 0, 'no mean drawn under the minimum n');
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

    // Time to response of the same patients (every day, no milestone): the three with a reading
    // after day 0 are in the curve, two respond on day 91, the one without follow-up is counted
    // beside it. One curve with its n, one step at day 91 up to two thirds responded (1 - S), so
    // the median is day 91.
    const kmAll = time.getByTestId('km-row').first();
    await assertText(kmAll.getByTestId('km-median'), '91');
    assert.deepEqual(await Promise.all(['km-patients', 'km-in-curve', 'km-responses', 'km-not-evaluable', 'km-no-follow-up']
      .map((x) => kmAll.getByTestId(x).innerText())), ['4', '3', '2', '0', '1']);
    await waitForCount('curves', () => time.getByTestId('km-path').count(), 1);
    assert.equal(await time.getByTestId('km-curve').getAttribute('data-n'), '3');
    await assertText(time.getByTestId('km-legend'), 'All (n\u00a0=\u00a03)');
    const step = /^M([\d.]+),([\d.]+)H([\d.]+)V([\d.]+)$/.exec(await time.getByTestId('km-path').getAttribute('d'));
    assert.ok(step, 'one step');
    const grid = await time.locator('.km-plot .gridline').evaluateAll((ls) => ls.map((l) => Number(l.getAttribute('y1'))));
    const share = (Number(step[2]) - Number(step[4])) / (grid[0] - grid[grid.length - 1]);
    assert.ok(Math.abs(share - 2 / 3) < 0.01, `the step rises to ${share}, not 2/3`);
    const timeCsv = new URL(await page.getByTestId('time-csv').getAttribute('href'), env.server.base);
    assert.equal(timeCsv.pathname, '/api/v1/outcomes/time-to-response');
    assert.deepEqual([timeCsv.searchParams.get('format'), timeCsv.searchParams.get('etiology'),
      timeCsv.searchParams.get('min_n'), timeCsv.searchParams.get('milestone')], ['csv', 'diabetic', '3', null]);

    // Mean change at every milestone: at day 91 the NRS fell by 5, 6 and 1 points (mean -4, SD
    // sqrt(7); R: t.test(c(-5, -6, -1))$conf.int gives -10.572 to 2.572), -50 % of the baseline;
    // nobody is due with a value at day 30 or later than 91, nobody has a DN4.
    const at91 = nrsRow.locator('[data-testid="change-cell"][data-milestone="91"]');
    await assertText(at91.getByTestId('change-mean'), '\u22124.00');
    await assertText(at91.getByTestId('change-ci'), '\u221210.57 to +2.57');
    await assertText(at91.getByTestId('change-n'), 'n\u00a0=\u00a03');
    await assertText(nrsRow.locator('[data-testid="change-cell"][data-milestone="30"]'), 'n\u00a0=\u00a00, too few');
    await assertText(page.locator('[data-testid="change-table"][data-measure="nrs_percent"] [data-milestone="91"] [data-testid="change-mean"]'),
      '\u221250.0\u00a0%');
    assert.equal(await page.locator('[data-measure="nrs"] [data-testid="change-point"]').count(), 1, 'one mean drawn, at day 91');
    await assertText(page.locator('[data-testid="change-measure"][data-measure="dn4"]'), 'n\u00a0=\u00a00 at every milestone');
    const changeCsv = new URL(await page.getByTestId('change-csv').getAttribute('href'), env.server.base);
    assert.equal(changeCsv.pathname, '/api/v1/outcomes/change');
    assert.deepEqual([changeCsv.searchParams.get('format'), changeCsv.searchParams.get('milestone')], ['csv', null]);

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
    assert.equal(await time.getByTestId('km-row').first().evaluate((tr) => getComputedStyle(tr).display), 'grid');
    const plotWidth = await time.getByTestId('km-plot').evaluate((svg) => svg.getBoundingClientRect().width);
    assert.ok(plotWidth <= 390 - 32, `the plot is ${plotWidth} px wide at 390`);
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
    // The comparator has no reading after its day 0: no curve, the n said, no test between one curve.
    const compKm = page.locator('[data-testid="km-row"][data-stratum=\'{"group":"comparator"}\']');
    await assertText(compKm.getByTestId('km-median'), 'too few patients (n\u00a0=\u00a00, minimum\u00a01)');
    await assertText(compKm.getByTestId('row-note'), 'Observational comparison');
    await assertText(page.getByTestId('km-logrank'), 'No log-rank test between the strata');

    await assertText(page.getByTestId('responders-definition'), 'not a randomised control');

    // Nobody is due at day 365 yet; a value the server does not know is its problem, in words.
    await page.getByLabel('Milestone').selectOption('365');
    await assertText(page.getByTestId('responders-empty'), 'No patients are due at 365 days yet');
    await page.goto(`${env.server.base}/outcomes?milestone=365`);
    await assertText(page.getByTestId('responders-empty'), 'No treated patients are due at 365 days yet');
    await page.goto(`${env.server.base}/outcomes?etiology=diabetes`);
    await assertText(page.getByTestId('section-responders').getByTestId('problem'), 'Etiology can be diabetic');

    // Split by chronicity: a curve each for everyone, chronic (4, three respond on day 91) and
    // recent (1, who responds on day 91); R: survdiff gives chisq 0.25 on 1 df, p = 0.617.
    await page.goto(`${env.server.base}/outcomes?by=chronicity&min_n=1`);
    await waitForCount('curves by chronicity', () => page.getByTestId('km-path').count(), 3);
    await assertText(page.getByTestId('km-logrank'), 'Log-rank test between the strata: chi-square 0.25 on 1 df, p = 0.62');
    assert.deepEqual(await page.getByTestId('km-curve').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-n'))), ['5', '1', '4']);

    // Every report has its section; none says it is still to come.
    assert.equal(await page.getByTestId('section-pending').count(), 0);
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
