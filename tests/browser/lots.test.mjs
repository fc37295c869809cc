// Browser tests of the lot recall page: a lot shared by two patients finds both (with how it was
// used and a link to each patient), a kit lot finds the processing and the injection of its
// product, a lot nobody used and one used only by a voided record give the empty state, a comma
// and a slash are refused at the field, the address keeps the lookup; the front desk and a
// researcher get no link and a plain message. SCHWANN_SCREENSHOTS=1 saves the page at 1366 and
// 390 px in tests/browser/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, withPage, signIn, assertText, waitForCount, unexpected, day, shot, patientWithDiagnosis,
  consentedPlan } from './harness.mjs';

const TIMEOUT = 60000;

// A PRP session (blood draw, processing with kitLot, injection with lots) on `on`, through the API.
async function prpSession(family, given, kitLot, lots, on) {
  const { clin, p, cond } = await patientWithDiagnosis(family, { given });
  const pl = await consentedPlan(clin, p, cond);
  const rec = async (body) => {
    const r = await clin.post(`/api/v1/plans/${pl.id}/procedures`, { performed_on: on, ...body });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  const draw = await rec({ kind: 'blood_draw', volume_ml: 30 });
  const proc = await rec({ kind: 'processing', from: draw.id, method: 'double spin', kit_lot: kitLot });
  const inj = await rec({ kind: 'injection', product: proc.id, volume_ml: 4, side: 'both', nerves: ['tibial', 'sural'],
    guidance: 'ultrasound', operator: 'Dr Test', lot_numbers: lots });
  return { clin, p, proc, inj };
}

async function lookUp(page, lot) {
  const form = page.getByTestId('lot-form');
  await form.getByLabel('Lot number').fill(lot);
  await form.getByTestId('lot-lookup').click();
}

test('clinician: a lot shared by two patients, a kit lot, a lot nobody used, a voided one, refusals',
  { timeout: TIMEOUT }, () => withPage('lots-clinician', async (page, problems) => {
    const a = await prpSession('Lindqvist', 'Maja', 'KIT-R-1', ['SYR-2026-9', 'KIT-R-1'], day(-5));
    const b = await prpSession('Okafor', 'Chidi', 'KIT-R-2', ['SYR-2026-9'], day(-3));
    const c = await prpSession('Petrov', 'Ivan', 'KIT-R-3', ['ACD-77'], day(-1));
    assert.equal((await c.clin.post(`/api/v1/procedures/${c.inj.id}/void`, { reason: 'Recorded twice' },
      { 'If-Match': '"1"' })).status, 200);
    await signIn(page, 'clinician');
    await page.getByTestId('nav-lots').click();
    await assertText(page.locator('h1'), 'Lot recall');
    assert.equal(new URL(page.url()).pathname, '/lots');
    assert.equal(await page.getByTestId('nav-lots').getAttribute('aria-current'), 'page');

    // Used by two patients: both, oldest first, each linking to the patient.
    await lookUp(page, 'SYR-2026-9');
    await assertText(page.getByTestId('lot-status'), 'Lot SYR-2026-9: 2 records, 2 patients.');
    const rows = page.getByTestId('lot-row');
    assert.equal(await rows.count(), 2);
    assert.deepEqual(await rows.getByTestId('lot-patient').allInnerTexts(), ['Lindqvist, Maja', 'Okafor, Chidi']);
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.dataset.kind)), ['injection', 'injection']);
    await assertText(rows.first(), day(-5));
    await assertText(rows.first(), `MRN ${a.p.mrn}`);
    await assertText(rows.first().getByTestId('lot-as'), 'Lot number used');
    await assertText(rows.first(), '4 mL, both sides, tibial, sural');
    assert.equal(new URL(page.url()).search, '?lot=SYR-2026-9', 'the address keeps the lookup');
    await page.setViewportSize({ width: 1366, height: 900 });
    await shot(page, 'lots-1366', { fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'lots-390', { fullPage: true });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `the page is ${wide} px wide at 390`);
    await page.setViewportSize({ width: 1280, height: 800 });

    // The patient link opens the patient; Back returns to the same lookup.
    await rows.nth(1).getByTestId('lot-patient').click();
    await assertText(page.getByTestId('patient-name'), 'Okafor, Chidi');
    assert.equal(new URL(page.url()).pathname, `/patients/${b.p.id}`);
    await page.goBack();
    await waitForCount('rows after Back', () => page.getByTestId('lot-row').count(), 2);
    assert.equal(await page.getByTestId('lot-form').getByLabel('Lot number').inputValue(), 'SYR-2026-9');

    // A kit lot: the processing (kit lot) and the injection of its product that listed it too.
    await lookUp(page, 'KIT-R-1');
    await assertText(page.getByTestId('lot-status'), 'Lot KIT-R-1: 2 records, 1 patient.');
    assert.deepEqual(await rows.getByTestId('lot-as').allInnerTexts(), ['Kit lot', 'Lot number used']);
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.dataset.kind)), ['processing', 'injection']);

    // Nobody used it; only a voided record did.
    await lookUp(page, 'NOPE-404');
    await assertText(page.getByTestId('lot-empty'), 'No processing or injection used lot NOPE-404');
    assert.equal(await page.getByTestId('lot-voided').count(), 0);
    await lookUp(page, 'ACD-77');
    await assertText(page.getByTestId('lot-empty'), 'No processing or injection used lot ACD-77');
    await assertText(page.getByTestId('lot-voided'), '1 voided record that named this lot is left out.');
    await shot(page.getByTestId('lot-result'), 'lots-empty');

    // Refused at the field: a comma (the server's 422), a slash and nothing (said before asking).
    await lookUp(page, 'SYR-2026-9,ACD-77');
    await assertText(page.getByTestId('error-lot'), 'Lot number must be a lot number of 1 to 64 characters without a comma');
    assert.equal(await page.getByTestId('lot-row').count(), 0, 'no stale result under an error');
    await lookUp(page, 'A/B');
    await assertText(page.getByTestId('error-lot'), 'cannot be looked up here');
    await lookUp(page, '  ');
    await assertText(page.getByTestId('error-lot'), 'Lot number is needed');
    await shot(page.getByTestId('lot-form'), 'lots-error');

    // The address alone looks the lot up (reload, a shared link).
    await page.goto(`${env.server.base}/lots?lot=${encodeURIComponent('SYR-2026-9')}`);
    await waitForCount('rows from the address', () => page.getByTestId('lot-row').count(), 2);
    assert.doesNotMatch(await page.locator('main').innerText(), /\b(null|undefined|NaN)\b/);
    assert.deepEqual(unexpected(problems, [422]), []);
  }));

test('nurses have the link; the front desk and researchers do not, and the page says why',
  { timeout: TIMEOUT }, () => withPage('lots-roles', async (page, problems) => {
    await signIn(page, 'nurse');
    await assertText(page.getByTestId('nav-lots'), 'Lot recall');
    for (const role of ['front_desk', 'researcher']) {
      await page.getByTestId('sign-out').click();
      await signIn(page, role);
      assert.equal(await page.getByTestId('nav-lots').count(), 0, `no link for ${role}`);
      await page.goto(`${env.server.base}/lots?lot=SYR-1`);
      await assertText(page.getByTestId('no-lot-access'), 'does not include procedures');
      await assertText(page.getByTestId('no-lot-access'), role.replace('_', ' '));
      assert.equal(await page.getByTestId('lot-form').count(), 0);
    }
    assert.deepEqual(unexpected(problems, []), [], 'no request the role may not make');
  }));
