// Browser tests of scheduling: resources with working hours and a closure (made through the API
// as admin), a patient with an accepted PRP plan; then, as the front desk, the series booked from
// the plan page and each step's appointment shown, the booking seen in the Schedule's day view,
// a single follow-up booked from a free time, one rescheduled and one cancelled with a reason,
// arrived and no-show, the patient's Visits tab, the work list (due, overdue, the no-show to call back), the series refused
// with the steps it could not place, and a booking made with the keyboard alone (Tab, Enter,
// Escape; focus kept inside the dialog). Asserts on what the user sees and on the API state
// afterwards. SCHWANN_SCREENSHOTS=1 saves the pages at 1366 and 390 px in tests/browser/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, withPage, signIn, assertText, waitForCount, unexpected, day, shot, patientWithDiagnosis,
  consentedPlan } from './harness.mjs';
import { login, emailOf } from '../lib/server.mjs';

const TIMEOUT = 90000;
const ALL_WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const hours = (h) => Object.fromEntries(ALL_WEEK.map((d) => [d, h]));

let admin;
let desk;
const res = {};
let moreau; // {p, pl}: the plan starts in two days, so that every step's window is ahead
let okafor; // {p, pl}: the plan started 40 days ago, so that steps are overdue

// The resources and patients all tests share, made once (the harness's server starts in its own
// before hook, so this runs from the first test).
let ready = null;
const setup = () => (ready ||= makeClinic());
async function makeClinic() {
  admin = await login(env.server.base, 'admin');
  desk = await login(env.server.base, 'front_desk');
  const staff = Object.fromEntries((await admin.get('/api/v1/staff')).body.items.map((s) => [s.email, s.id]));
  const add = async (key, body) => {
    const r = await admin.post('/api/v1/resources', body);
    assert.equal(r.status, 201, r.text);
    res[key] = r.body;
  };
  await add('doc', { kind: 'clinician', name: 'Dr Ada Osei', staff_id: staff[emailOf('clinician')],
    hours: hours([['08:00', '12:00'], ['13:00', '17:00']]) });
  await add('nurse', { kind: 'nurse', name: 'Nurse Cy Lee', staff_id: staff[emailOf('nurse')], hours: hours([['08:00', '17:00']]) });
  await add('proc', { kind: 'procedure_room', name: 'Procedure room', hours: hours([['08:00', '17:00']]) });
  await add('us', { kind: 'ultrasound_room', name: 'Ultrasound 1', hours: hours([['08:00', '17:00']]) });
  // The clinician is away all of day 5.
  const c = await admin.post(`/api/v1/resources/${res.doc.id}/closures`, { from: day(5), to: day(5), reason: 'Training course' });
  assert.equal(c.status, 201, c.text);
  {
    const { clin, p, cond } = await patientWithDiagnosis('Moreau');
    moreau = { p, pl: await consentedPlan(clin, p, cond, { start: day(2) }) };
  }
  {
    const { clin, p, cond } = await patientWithDiagnosis('Okafor', { given: 'Ben' });
    okafor = { p, pl: await consentedPlan(clin, p, cond, { start: day(-40) }) };
  }
}

const appts = async (patientId) => (await admin.get(`/api/v1/appointments?patient_id=${patientId}`)).body.items;

// Saves target at 1366 and 390 px and checks that nothing scrolls sideways at 390.
async function bothWidths(page, target, name) {
  await page.setViewportSize({ width: 1366, height: 900 });
  await shot(target, `${name}-1366`);
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(target, `${name}-390`);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 390, `the page is ${wide} px wide at 390`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

// Presses Tab (up to 60 times) until the focused element matches the CSS selector.
async function tabTo(page, selector, { back = false } = {}) {
  for (let i = 0; i < 60; i++) {
    if (await page.evaluate((s) => !!document.activeElement && document.activeElement.matches(s), selector)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  assert.fail(`Tab never reached ${selector}`);
}

test('front desk: books the series from the plan page and sees each step\u2019s appointment; the day view shows it',
  { timeout: TIMEOUT }, () => withPage('schedule-series', async (page, problems) => {
    await setup();
    await signIn(page, 'front_desk');
    await page.goto(`${env.server.base}/patients/${moreau.p.id}/treatment`);
    const plan = page.getByTestId('plan').first();
    await assertText(plan.getByTestId('series-count'), 'Appointments: 0 of 11 steps booked; 11 to book');
    assert.equal(await plan.getByTestId('step-appointment').count(), 0);
    await plan.getByTestId('book-series').click();
    await assertText(page.getByTestId('plans-status'), 'Series booked: 11 appointments');
    await assertText(plan.getByTestId('series-count'), 'Appointments: 11 of 11 steps booked');
    assert.equal(await plan.getByTestId('book-series').count(), 0, 'nothing left to book');
    await waitForCount('step appointments', () => plan.getByTestId('step-appointment').count(), 11);

    // The API has them: one booked appointment per step, each inside its step's window.
    const items = await appts(moreau.p.id);
    assert.equal(items.length, 11);
    const steps = new Map((await admin.get(`/api/v1/plans/${moreau.pl.id}`)).body.steps.map((s) => [s.id, s]));
    for (const a of items) {
      assert.equal(a.status, 'booked');
      const s = steps.get(a.plan_step_id);
      assert.ok(s, 'booked for a step of the plan');
      assert.ok(a.start.slice(0, 10) >= s.window_from && a.start.slice(0, 10) <= s.window_to, `${a.start} in ${s.window_from}..${s.window_to}`);
    }
    // The consultation step shows its appointment's date and time as the API gives them.
    const consult = items.find((a) => a.type === 'consultation');
    const row = plan.locator('[data-testid="plan-step"][data-kind="consultation"]');
    await assertText(row.getByTestId('step-appointment'), `${consult.start.slice(11, 16)}–${consult.end.slice(11, 16)}`);
    await assertText(row.getByTestId('appt-status'), 'booked');
    await bothWidths(page, plan, 'schedule-plan-series');

    // The Schedule: the first clinician by default; the consultation's day shows it.
    await page.getByTestId('nav-schedule').click();
    await assertText(page.getByTestId('range-title'), 'Dr Ada Osei');
    assert.equal(await page.getByTestId('schedule-resource').inputValue(), res.doc.id);
    await page.goto(`${env.server.base}/schedule?resource=${res.doc.id}&date=${consult.start.slice(0, 10)}&view=day`);
    const block = page.locator(`[data-testid="appt"][data-id="${consult.id}"]`);
    await assertText(block, 'Consultation');
    await assertText(block.getByTestId('appt-patient'), 'Moreau, Ada');
    await assertText(block.getByTestId('appt-status'), 'booked');
    await assertText(block, `${consult.start.slice(11, 16)}–${consult.end.slice(11, 16)}`);
    assert.ok(await page.getByTestId('cal-work').count() >= 2, 'working hours shaded (morning and afternoon)');
    await bothWidths(page, page.getByTestId('schedule'), 'schedule-day');
    // A week view of the same week, and the closure on day 4.
    await page.getByTestId('view-week').click();
    await waitForCount('days in the week', () => page.getByTestId('cal-day').count(), 7);
    await page.goto(`${env.server.base}/schedule?resource=${res.doc.id}&date=${day(5)}&view=day`);
    await assertText(page.getByTestId('cal-closed'), 'Closed: Training course');
    await page.getByTestId('view-week').click();
    await assertText(page.locator(`[data-testid="cal-day"][data-date="${day(5)}"]`), 'Training course');
    await bothWidths(page, page.getByTestId('schedule'), 'schedule-week');
    assert.doesNotMatch(await page.locator('main').innerText(), /\b(null|undefined|NaN)\b/);
    assert.deepEqual(unexpected(problems, []), []);
  }));

// Opens the appointment with this id in the Schedule's day view of its resource and date.
async function openAppt(page, a, resourceId) {
  await page.goto(`${env.server.base}/schedule?resource=${resourceId}&date=${a.start.slice(0, 10)}&view=day`);
  await page.locator(`[data-testid="appt"][data-id="${a.id}"]`).click();
  const dlg = page.getByTestId('appointment-dialog');
  await dlg.waitFor();
  return dlg;
}

test('front desk: books a follow-up from a free time (refusals at the form), reschedules it, cancels it with a reason; arrived, complete, no-show',
  { timeout: TIMEOUT }, () => withPage('schedule-book', async (page, problems) => {
    await setup();
    await signIn(page, 'front_desk');
    await page.goto(`${env.server.base}/schedule?resource=${res.doc.id}&date=${day(3)}&view=day`);
    await page.getByTestId('book-appointment').click();
    const dlg = page.getByTestId('booking-dialog');
    const form = dlg.getByTestId('booking-form');
    // Nothing chosen: each missing thing named at its field.
    await form.getByTestId('book').click();
    await assertText(form.getByTestId('form-alert'), 'There are problems with 3 fields');
    await assertText(form.getByTestId('error-patient_id'), 'is required: find the patient and choose them');
    await assertText(form.getByTestId('error-start'), 'Free times is required: choose one of the free times');
    await form.getByTestId('patient-search').fill('Moreau');
    await form.getByTestId('patient-match').first().click();
    await assertText(form.getByTestId('picked-patient'), 'Moreau, Ada');
    await form.getByLabel('Appointment type').selectOption('follow_up');
    assert.equal(await form.getByLabel('With', { exact: true }).inputValue(), res.doc.id, 'the schedule\u2019s clinician is chosen');
    await form.getByLabel('Free times from').fill(day(3));
    await form.getByLabel('Free times from').press('Tab');
    await form.getByTestId('slot').first().waitFor();
    await bothWidths(page, dlg, 'schedule-booking');
    const slot = form.getByTestId('slot').first();
    const start = await slot.getAttribute('data-start');
    assert.equal(start.slice(0, 10), day(3));
    await slot.click();
    await assertText(form.getByTestId('slot-chosen'), `Chosen: `);
    await form.getByLabel('Note').fill('Check the left foot');
    await form.getByTestId('book').click();
    await assertText(page.getByTestId('schedule-status'), `Booked: Follow-up`);
    assert.equal(await dlg.count(), 0, 'the dialog closed');
    let mine = (await appts(moreau.p.id)).find((a) => a.type === 'follow_up' && !a.plan_step_id);
    assert.ok(mine, 'booked without a plan step');
    assert.equal(mine.start, start);
    assert.equal(mine.note, 'Check the left foot');
    assert.deepEqual(mine.resources.map((r) => r.id), [res.doc.id]);
    await assertText(page.locator(`[data-testid="appt"][data-id="${mine.id}"]`), 'Follow-up');

    // Taken while the form was open: the 409 in plain words, the free times again.
    await page.getByTestId('book-appointment').click();
    await form.getByTestId('patient-search').fill('Moreau');
    await form.getByTestId('patient-match').first().click();
    await form.getByLabel('Appointment type').selectOption('follow_up');
    await form.getByLabel('Free times from').fill(day(3));
    await form.getByLabel('Free times from').press('Tab');
    const taken = form.getByTestId('slot').first();
    await taken.waitFor();
    const takenAt = await taken.getAttribute('data-start');
    await taken.click();
    const other = await admin.post('/api/v1/appointments', { patient_id: okafor.p.id, type: 'follow_up', start: takenAt,
      resources: [res.doc.id] });
    assert.equal(other.status, 201, other.text);
    await form.getByTestId('book').click();
    await assertText(form.getByTestId('form-alert'), 'That time has just been taken');
    await assertText(form.getByTestId('form-alert'), 'choose another');
    await waitForCount('the taken time offered', () => form.locator(`[data-testid="slot"][data-start="${takenAt}"]`).count(), 0);
    // A closure made while the form was open: the server's 422 at the free times.
    await form.getByLabel('With', { exact: true }).selectOption(res.nurse.id);
    await form.getByLabel('Free times from').fill(day(60));
    await form.getByLabel('Free times from').press('Tab');
    await form.locator(`[data-testid="slot"][data-start^="${day(60)}"]`).first().click();
    assert.equal((await admin.post(`/api/v1/resources/${res.nurse.id}/closures`, { from: day(60), to: day(60), reason: 'Leave' })).status, 201);
    await form.getByTestId('book').click();
    await assertText(form.getByTestId('error-start'), 'is outside the working hours');
    await page.keyboard.press('Escape');
    await waitForCount('booking dialogs', () => dlg.count(), 0);
    assert.equal((await appts(moreau.p.id)).length, 12, 'nothing more was booked');

    // Reschedule: another free time of the same clinician.
    let box = await openAppt(page, mine, res.doc.id);
    await assertText(box.getByTestId('appt-patient'), 'Moreau, Ada');
    await assertText(box.getByTestId('appt-note'), 'Check the left foot');
    await bothWidths(page, box, 'schedule-appointment');
    await box.getByTestId('appt-reschedule').click();
    const move = page.getByTestId('reschedule-form');
    const target = move.getByTestId('slot').nth(2);
    await target.waitFor();
    const newStart = await target.getAttribute('data-start');
    await target.click();
    await move.getByTestId('confirm-reschedule').click();
    await assertText(page.getByTestId('schedule-status'), 'Moved to ');
    mine = (await admin.get(`/api/v1/appointments/${mine.id}`)).body;
    assert.equal(mine.start, newStart);
    assert.equal(mine.version, 2);
    assert.equal(mine.status, 'booked');

    // Cancel: the reason is required.
    box = await openAppt(page, mine, res.doc.id);
    await box.getByTestId('appt-cancel').click();
    const cancel = box.getByTestId('cancel-form');
    await cancel.getByTestId('confirm-cancel').click();
    await assertText(cancel.getByTestId('error-reason'), 'Reason for cancelling');
    await cancel.getByLabel('Reason for cancelling').fill('The patient asked to move it');
    await cancel.getByTestId('confirm-cancel').click();
    await assertText(page.getByTestId('schedule-status'), 'Cancelled: Moreau, Ada');
    mine = (await admin.get(`/api/v1/appointments/${mine.id}`)).body;
    assert.equal(mine.status, 'cancelled');
    assert.equal(mine.reason, 'The patient asked to move it');
    assert.equal(await page.locator(`[data-testid="appt"][data-id="${mine.id}"]`).getAttribute('data-status'), 'cancelled');

    // Arrived, then complete; a no-show.
    const series = await appts(moreau.p.id);
    const injection = series.find((a) => a.type === 'injection');
    box = await openAppt(page, injection, res.doc.id);
    assert.equal(await box.getByTestId('appt-complete').count(), 0, 'a booked appointment is arrived first');
    await box.getByTestId('appt-arrive').click();
    await assertText(page.getByTestId('schedule-status'), 'Marked arrived');
    box = await openAppt(page, (await admin.get(`/api/v1/appointments/${injection.id}`)).body, res.doc.id);
    assert.equal(await box.getByTestId('appt-cancel').count(), 0);
    await box.getByTestId('appt-complete').click();
    await assertText(page.getByTestId('schedule-status'), 'Completed');
    assert.equal((await admin.get(`/api/v1/appointments/${injection.id}`)).body.status, 'completed');
    const consult = series.find((a) => a.type === 'consultation');
    box = await openAppt(page, consult, res.doc.id);
    await box.getByTestId('appt-no-show').click();
    await assertText(page.getByTestId('schedule-status'), 'Marked a no-show');
    assert.equal((await admin.get(`/api/v1/appointments/${consult.id}`)).body.status, 'no_show');

    // Changed by someone else while open: the 412 in words, nothing changed.
    const last = series.filter((a) => a.type === 'follow_up' && a.plan_step_id).sort((x, y) => y.start.localeCompare(x.start))[0];
    box = await openAppt(page, last, res.doc.id);
    const day1 = last.start.slice(0, 10);
    const free = await admin.get(`/api/v1/slots?type=follow_up&from=${day1}&to=${day1}&resource=${res.doc.id}`);
    assert.equal((await admin.call('POST', `/api/v1/appointments/${last.id}/reschedule`, { start: free.body.items[1].start },
      { 'If-Match': `"${last.version}"` })).status, 200);
    await box.getByTestId('appt-arrive').click();
    await assertText(box.getByTestId('appt-problem'), 'Someone else changed this appointment');
    assert.equal((await admin.get(`/api/v1/appointments/${last.id}`)).body.status, 'booked');
    await page.keyboard.press('Escape');

    // The plan page marks the missed one.
    await page.goto(`${env.server.base}/patients/${moreau.p.id}/treatment`);
    const row = page.locator('[data-testid="plan-step"][data-kind="consultation"]');
    await assertText(row.locator('[data-testid="step-appointment"][data-status="no_show"]'), 'missed (no-show)');
    await assertText(page.getByTestId('series-count'), 'Appointments: 10 of 11 steps booked; 1 to book');
    // The Visits tab lists them all, the cancelled one marked.
    await page.getByTestId('tab-visits').click();
    await waitForCount('visits', () => page.getByTestId('visit').count(), 12);
    assert.equal(await page.locator(`[data-testid="visit"][data-id="${mine.id}"]`).getAttribute('data-status'), 'cancelled');
    await assertText(page.locator(`[data-testid="visit"][data-id="${consult.id}"]`), 'missed (no-show)');
    await bothWidths(page, page.getByTestId('visits'), 'schedule-visits');
    assert.doesNotMatch(await page.locator('main').innerText(), /\b(null|undefined|NaN)\b/);
    assert.deepEqual(unexpected(problems, [409, 412, 422]), []);
  }));

test('front desk: a series refused names the steps; a step booked from the plan; the work list (due, overdue, the no-show to call back) books a step',
  { timeout: TIMEOUT }, () => withPage('schedule-worklist', async (page, problems) => {
    await setup();
    await signIn(page, 'front_desk');
    // A no-show among the next days, for the call-back list.
    const series = await appts(moreau.p.id);
    const draw = series.filter((a) => a.type === 'blood_draw' && a.status === 'booked').sort((x, y) => x.start.localeCompare(y.start))[0];
    assert.equal((await desk.call('POST', `/api/v1/appointments/${draw.id}/no-show`, undefined, { 'If-Match': `"${draw.version}"` })).status, 200);

    // Lindqvist's first injection falls while the ultrasound room is closed: the series cannot
    // be placed, the step is named and nothing is booked.
    const lq = await patientWithDiagnosis('Lindqvist', { given: 'Eva' });
    const lqPlan = await consentedPlan(lq.clin, lq.p, lq.cond, { start: day(100) });
    const shut = await admin.post(`/api/v1/resources/${res.us.id}/closures`, { from: day(100), to: day(115), reason: 'New scanner' });
    assert.equal(shut.status, 201, shut.text);
    await page.goto(`${env.server.base}/patients/${lq.p.id}/treatment`);
    await page.getByTestId('book-series').click();
    await assertText(page.getByTestId('unplaced'), 'Nothing was booked');
    await assertText(page.getByTestId('unplaced-step').first(), 'Injection 1 of 3');
    assert.equal((await appts(lq.p.id)).length, 0, 'no step of the plan was booked');
    assert.ok(lqPlan.id);
    // Okafor's plan began 40 days ago. One step booked on its own from the plan: the second
    // injection, with the plan's biologic.
    await page.goto(`${env.server.base}/patients/${okafor.p.id}/treatment`);
    const injection2 = page.locator('[data-testid="plan-step"][data-kind="injection"]').nth(1);
    await injection2.getByTestId('book-step').click();
    const stepForm = page.getByTestId('booking-form');
    await assertText(stepForm.getByTestId('booking-step'), 'Injection 2 of 3');
    assert.equal(await stepForm.getByLabel('Biologic').inputValue(), okafor.pl.biologic);
    await stepForm.getByTestId('slot').first().click();
    await stepForm.getByTestId('book').click();
    await assertText(page.getByTestId('plans-status'), 'Booked: Injection');
    await assertText(injection2.getByTestId('step-appointment'), 'booked');
    assert.equal(await injection2.getByTestId('book-step').count(), 0, 'booked once');
    const inj = (await appts(okafor.p.id)).find((a) => a.type === 'injection');
    assert.equal(inj.biologic, okafor.pl.biologic);
    assert.deepEqual(inj.resources.map((r) => r.kind).sort(), ['clinician', 'ultrasound_room']);

    await page.getByTestId('nav-worklist').click();
    await assertText(page.getByTestId('worklist-due'), 'Okafor, Ben');
    assert.equal(await page.locator(`[data-step="${inj.plan_step_id}"]`).count(), 0, 'the booked step is not listed');
    assert.equal(await page.getByLabel('From', { exact: true }).inputValue(), day(0));
    assert.equal(await page.getByLabel('To', { exact: true }).inputValue(), day(13));
    const overdue = page.getByTestId('overdue-table');
    await assertText(overdue, 'Okafor, Ben');
    await assertText(overdue, 'Consultation');
    const noShows = page.getByTestId('no-show-table');
    await assertText(noShows.locator(`[data-id="${draw.id}"]`), 'Moreau, Ada');
    await assertText(noShows.locator(`[data-id="${draw.id}"]`), 'Blood draw');
    await bothWidths(page, page.locator('main'), 'schedule-worklist');

    // Book a due follow-up from the list: the dialog comes with the patient, the type and the step.
    const row = page.locator('[data-testid="due-table"] [data-testid="due-item"][data-kind="follow_up"]').first();
    const stepId = await row.getAttribute('data-step');
    await row.getByTestId('book-step').click();
    const form = page.getByTestId('booking-form');
    await assertText(form.getByTestId('picked-patient'), 'Okafor, Ben');
    await assertText(form.getByTestId('booking-step'), 'Follow-up, due');
    assert.equal(await form.getByLabel('Appointment type').inputValue(), 'follow_up');
    await form.getByTestId('slot').first().click();
    await form.getByTestId('book').click();
    await assertText(page.getByTestId('worklist-status'), 'Booked Okafor, Ben: Follow-up');
    const booked = (await appts(okafor.p.id)).find((a) => a.plan_step_id === stepId);
    assert.ok(booked, 'booked for the step');
    assert.equal(booked.status, 'booked');
    await waitForCount('the booked step in the list', () => page.locator(`[data-step="${stepId}"]`).count(), 0);

    // An empty range says so.
    await page.getByLabel('From', { exact: true }).fill(day(700));
    await page.getByLabel('To', { exact: true }).fill(day(710));
    await page.getByRole('button', { name: 'Show' }).click();
    await assertText(page.getByTestId('nothing-due'), 'Nothing due');
    await page.getByLabel('To', { exact: true }).fill(day(400));
    await page.getByRole('button', { name: 'Show' }).click();
    await assertText(page.getByTestId('error-to'), 'must not be before from');
    assert.doesNotMatch(await page.locator('main').innerText(), /\b(null|undefined|NaN)\b/);
    assert.deepEqual(unexpected(problems, [409, 422]), []);
  }));

test('keyboard only: a follow-up booked from the Schedule with Tab, typing and Enter; Escape closes; focus stays in the dialog',
  { timeout: TIMEOUT }, () => withPage('schedule-keyboard', async (page, problems) => {
    await setup();
    await signIn(page, 'front_desk');
    await page.goto(`${env.server.base}/schedule?resource=${res.nurse.id}&date=${day(6)}&view=day`);
    await page.getByTestId('range-title').waitFor();
    await tabTo(page, '[data-testid="book-appointment"]');
    await page.keyboard.press('Enter');
    const dlg = page.getByTestId('booking-dialog');
    await dlg.waitFor();
    // Focus starts in the dialog, on the patient search; Escape closes and focus returns.
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'patient-search');
    await page.keyboard.press('Escape');
    await waitForCount('dialogs', () => dlg.count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'book-appointment');

    await page.keyboard.press('Enter');
    await dlg.waitFor();
    // Shift+Tab from the first control stays inside the dialog.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Shift+Tab');
      assert.ok(await page.evaluate(() => !!document.activeElement.closest('dialog')), 'focus left the dialog');
    }
    await tabTo(page, '[data-testid="patient-search"]');
    await page.keyboard.type('Okafor');
    await dlg.getByTestId('patient-match').first().waitFor();
    await tabTo(page, '[data-testid="patient-match"]');
    await page.keyboard.press('Enter');
    await assertText(dlg.getByTestId('picked-patient'), 'Okafor, Ben');
    await tabTo(page, 'select[name="type"]');
    await page.keyboard.type('Follow');
    assert.equal(await dlg.getByLabel('Appointment type').inputValue(), 'follow_up');
    await tabTo(page, 'select[name="resource"]');
    assert.equal(await dlg.getByLabel('With', { exact: true }).inputValue(), res.nurse.id);
    await tabTo(page, 'input[name="from"]');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(day(6));
    await page.keyboard.press('Tab');
    await dlg.getByTestId('slot').first().waitFor();
    await tabTo(page, '[data-testid="slot"]');
    // One Tab stop for the times; the arrow keys move between them.
    await page.keyboard.press('ArrowRight');
    const start = await page.evaluate(() => document.activeElement.dataset.start);
    assert.equal(start, await dlg.getByTestId('slot').nth(1).getAttribute('data-start'));
    await page.keyboard.press('Enter');
    await assertText(dlg.getByTestId('slot-chosen'), 'Chosen:');
    await tabTo(page, '[data-testid="book"]');
    await shot(dlg, 'schedule-keyboard-focus');
    // The focused button shows it: an outline.
    assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'none');
    await page.keyboard.press('Enter');
    await assertText(page.getByTestId('schedule-status'), 'Booked: Follow-up');
    const booked = (await appts(okafor.p.id)).find((a) => a.start === start);
    assert.ok(booked, 'booked at the time chosen');
    assert.deepEqual(booked.resources.map((r) => r.id), [res.nurse.id]);
    // The booking is on the nurse's day, reachable by Tab, and opens with Enter.
    await tabTo(page, `[data-testid="appt"][data-id="${booked.id}"]`);
    await page.keyboard.press('Enter');
    await assertText(page.getByTestId('appointment-dialog').getByTestId('appt-patient'), 'Okafor, Ben');
    await page.keyboard.press('Escape');
    await waitForCount('dialogs', () => page.getByTestId('appointment-dialog').count(), 0);
    assert.deepEqual(unexpected(problems, []), []);
  }));

test('roles: a nurse books follow-ups only and not the series; a researcher has no calendars',
  { timeout: TIMEOUT }, () => withPage('schedule-roles', async (page, problems) => {
    await setup();
    await signIn(page, 'nurse');
    await page.getByTestId('nav-schedule').click();
    await page.getByTestId('book-appointment').click();
    const form = page.getByTestId('booking-form');
    assert.deepEqual(await form.getByLabel('Appointment type').locator('option').allInnerTexts(),
      ['Choose a type…', 'Follow-up (20 min)']);
    await page.keyboard.press('Escape');
    await page.goto(`${env.server.base}/patients/${okafor.p.id}/treatment`);
    await assertText(page.getByTestId('series-count'), 'Appointments:');
    assert.equal(await page.getByTestId('book-series').count(), 0, 'the series is booked by the front desk');
    await page.getByTestId('sign-out').click();

    await signIn(page, 'researcher');
    assert.equal(await page.getByTestId('nav-schedule').count(), 0);
    assert.equal(await page.getByTestId('nav-worklist').count(), 0);
    await page.goto(`${env.server.base}/schedule`);
    await assertText(page.getByTestId('no-schedule-access'), 'Your role does not include the calendars.');
    await page.goto(`${env.server.base}/worklist`);
    await assertText(page.locator('main'), 'Your role does not include appointments.');
    assert.deepEqual(unexpected(problems, []), []);
  }));

test('the browser in another zone: the clinic\u2019s today and the API\u2019s clock times, not the browser\u2019s',
  { timeout: TIMEOUT }, () => {
    // A zone whose date differs from the server's (UTC here) right now.
    const timezoneId = new Date().getUTCHours() < 12 ? 'Etc/GMT+12' : 'Etc/GMT-14';
    return withPage('schedule-zone', async (page, problems) => {
      await setup();
      assert.notEqual(await page.evaluate(() => new Date().getDate()), new Date().getUTCDate(), 'the browser\u2019s date differs');
      await signIn(page, 'front_desk');
      await page.getByTestId('nav-schedule').click();
      const long = (d) => new Date(`${d}T00:00:00Z`).toLocaleDateString('en-GB',
        { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
      await assertText(page.getByTestId('range-title'), `Dr Ada Osei: ${long(day(0))}`);
      const a = (await appts(moreau.p.id)).find((x) => x.type === 'injection' && x.status === 'booked');
      await page.goto(`${env.server.base}/schedule?resource=${res.doc.id}&date=${a.start.slice(0, 10)}&view=day`);
      await assertText(page.locator(`[data-testid="appt"][data-id="${a.id}"]`), `${a.start.slice(11, 16)}–${a.end.slice(11, 16)}`);
      assert.deepEqual(unexpected(problems, []), []);
    }, { timezoneId });
  });

test('front desk: moves a booked series by some days from the plan; a move past a step\u2019s window is refused and nothing moves',
  { timeout: TIMEOUT }, () => withPage('schedule-shift', async (page, problems) => {
    await setup();
    const v = await patientWithDiagnosis('Vasquez', { given: 'Ana' });
    const pl = await consentedPlan(v.clin, v.p, v.cond, { start: day(200) });
    const booked = await desk.post(`/api/v1/plans/${pl.id}/book`, {});
    assert.equal(booked.status, 201, booked.text);
    const before = new Map((await appts(v.p.id)).map((a) => [a.id, a]));
    await signIn(page, 'front_desk');
    await page.goto(`${env.server.base}/patients/${v.p.id}/treatment`);
    const plan = page.getByTestId('plan').first();
    await plan.getByTestId('shift-series').click();
    const form = plan.getByTestId('shift-form');
    await form.getByLabel('Days (negative: earlier)').fill('1');
    await form.getByLabel('Reason').fill('Patient travelling');
    await form.getByRole('button', { name: 'Move' }).click();
    await assertText(page.getByTestId('plans-status'), `Series moved 1 day later: ${before.size} visits.`);
    const plusOne = (d) => new Date(Date.parse(`${d}T12:00:00Z`) + 86400000).toISOString().slice(0, 10);
    const after = await appts(v.p.id);
    for (const a of after) {
      const was = before.get(a.id);
      assert.equal(a.start.slice(0, 10), plusOne(was.start.slice(0, 10)), `${was.start} -> ${a.start}`);
      assert.equal(a.start.slice(11, 16), was.start.slice(11, 16), 'the same clock time');
    }
    // Nine days more would take the consultation past its window: refused, named, nothing moves.
    await plan.getByTestId('shift-series').click();
    await form.getByLabel('Days (negative: earlier)').fill('9');
    await form.getByLabel('Reason').fill('Too far');
    await form.getByRole('button', { name: 'Move' }).click();
    await assertText(plan.getByTestId('shift-blocked'), 'The series was not moved');
    await assertText(plan.getByTestId('shift-blocked'), 'Consultation');
    assert.deepEqual((await appts(v.p.id)).map((a) => a.start).sort(), after.map((a) => a.start).sort());
    // Escape closes the form and gives focus back to its button.
    await form.getByLabel('Reason').focus();
    await page.keyboard.press('Escape');
    assert.equal(await form.isHidden(), true);
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'shift-series');
    await plan.getByTestId('shift-series').click();
    await bothWidths(page, plan, 'schedule-shift');
    assert.deepEqual(unexpected(problems, [409]), []);
  }));
