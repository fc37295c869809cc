// Browser tests of the admin console's Calendars tab (server in America/New_York): an admin adds
// a clinician resource linked to the clinician's account with Mon–Fri hours and a procedure room,
// sees them listed; an hours period ending before it starts is refused at its field, a taken
// name plainly, a stale edit as "someone else changed"; edits the hours; adds closures (whole days,
// and part of a day in the clinic's offset) and voids one; makes a feed address, reads it once,
// fetches it without cookies (an iCalendar), revokes it and the fetch is refused. The API's state
// is checked after each step. On a 390 px phone the hours editor and the panels fit without
// scrolling sideways; the front desk sees no Calendars tab. SCHWANN_SCREENSHOTS=1 saves screens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, withPage, signIn, assertText, waitForCount, unexpected, shot, serveWith } from './harness.mjs';
import { login, emailOf } from '../lib/server.mjs';

serveWith('--timezone', 'America/New_York');

const TIMEOUT = 120000;
const OFFICE = [['08:00', '12:00'], ['13:00', '17:00']];

async function noSideways(page, what) {
  const [doc, view] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.equal(doc, view, `${what}: the document is ${doc} px wide in a ${view} px viewport`);
}

async function staffIdOf(admin, role) {
  const s = (await admin.get('/api/v1/staff')).body.items.find((x) => x.email === emailOf(role));
  assert.ok(s, role);
  return s.id;
}

async function resourceNamed(admin, name) {
  const r = await admin.get('/api/v1/resources');
  assert.equal(r.status, 200, r.text);
  return r.body.items.find((x) => x.name === name) || null;
}

async function openCalendars(page) {
  await page.getByTestId('nav-admin').click();
  await page.getByTestId('admin-tab-calendars').click();
  await page.getByTestId('admin-panel-calendars').waitFor();
  await page.getByTestId('open-add-resource').waitFor();
}

// Types start and end of weekday d's period i (adding periods as needed).
async function setPeriod(form, d, i, start, end) {
  while (await form.getByTestId(`hours-${d}-${i}-start`).count() === 0) await form.getByTestId(`hours-${d}-add`).click();
  await form.getByTestId(`hours-${d}-${i}-start`).fill(start);
  await form.getByTestId(`hours-${d}-${i}-end`).fill(end);
}

test('at 1366 px: an admin sets up the calendars: resources and hours, closures, feed addresses', { timeout: TIMEOUT },
  () => withPage('calendars-admin-1366', async (page, problems) => {
    await page.setViewportSize({ width: 1366, height: 900 });
    page.on('dialog', (d) => d.accept());
    const admin = await login(env.server.base, 'admin');
    const clinicianId = await staffIdOf(admin, 'clinician');
    await signIn(page, 'admin');
    await openCalendars(page);
    if ((await admin.get('/api/v1/resources')).body.items.length === 0) {
      await assertText(page.getByTestId('no-resources'), 'No resources yet');
    }

    // A clinician linked to their account: only active clinicians' accounts are offered.
    await page.getByTestId('open-add-resource').click();
    let form = page.getByTestId('add-resource-form');
    await form.getByLabel('Kind').selectOption('clinician');
    const offered = await form.locator('select[name="staff_id"] option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    const clinicians = (await admin.get('/api/v1/staff')).body.items.filter((s) => s.role === 'clinician' && s.active).map((s) => s.id);
    assert.deepEqual(offered.sort(), clinicians.sort(), 'the active clinicians\' accounts, no other');
    await form.getByLabel('Name').fill('Dr Ada Osei');
    await form.locator('select[name="staff_id"]').selectOption(clinicianId);
    await setPeriod(form, 'mon', 0, '08:00', '12:00');
    await setPeriod(form, 'mon', 1, '13:00', '17:00');
    await form.getByTestId('hours-copy-weekdays').click();
    assert.equal(await form.getByTestId('hours-fri-1-end').inputValue(), '17:00');
    await shot(page, 'calendars-add-1366', { fullPage: true });
    await form.getByTestId('add-resource').click();
    const docRow = page.locator('[data-testid="resource-row"][data-name="Dr Ada Osei"]');
    await assertText(docRow.getByTestId('resource-hours'), 'Mon–Fri 08:00–12:00, 13:00–17:00');
    await assertText(docRow.getByTestId('resource-staff'), 'Test clinician');
    let doc = await resourceNamed(admin, 'Dr Ada Osei');
    assert.equal(doc.kind, 'clinician');
    assert.equal(doc.staff_id, clinicianId);
    assert.deepEqual(doc.hours, { mon: OFFICE, tue: OFFICE, wed: OFFICE, thu: OFFICE, fri: OFFICE });

    // A procedure room (no staff account); a period ending before it starts is refused at its field.
    await page.getByTestId('open-add-resource').click();
    form = page.getByTestId('add-resource-form');
    await form.getByLabel('Kind').selectOption('procedure_room');
    assert.equal(await form.locator('select[name="staff_id"]').count(), 0, 'a room has no staff account');
    await form.getByLabel('Name').fill('Procedure room');
    await setPeriod(form, 'tue', 0, '17:00', '08:00');
    await form.getByTestId('add-resource').click();
    const periodError = form.locator('[data-path="hours.tue[0]"] > .field-error');
    await assertText(periodError, /Tuesday, period 1 .*start before it ends/);
    await assertText(form.getByTestId('form-alert'), 'There is a problem with 1 field');
    assert.equal(await resourceNamed(admin, 'Procedure room'), null, 'nothing written');
    await shot(page, 'calendars-hours-error-1366', { fullPage: true });
    await setPeriod(form, 'tue', 0, '08:00', '17:00');
    await form.getByTestId('add-resource').click();
    const roomRow = page.locator('[data-testid="resource-row"][data-name="Procedure room"]');
    await assertText(roomRow.getByTestId('resource-hours'), 'Tue 08:00–17:00');
    let room = await resourceNamed(admin, 'Procedure room');
    assert.deepEqual([room.kind, room.staff_id, room.hours], ['procedure_room', null, { tue: [['08:00', '17:00']] }]);
    await waitForCount('resource rows', () => page.getByTestId('resource-row').count(), 2);

    // A taken name (any letter case) is said plainly; Escape closes the form and gives focus back.
    await page.getByTestId('open-add-resource').click();
    form = page.getByTestId('add-resource-form');
    await form.getByLabel('Kind').selectOption('ultrasound_room');
    await form.getByLabel('Name').fill('PROCEDURE ROOM');
    await form.getByTestId('add-resource').click();
    await assertText(form.getByTestId('form-alert'), 'Another resource has this name (Procedure room)');
    assert.ok(!(await form.getByTestId('form-alert').innerText()).includes('/api/v1/'), 'no API address in the message');
    await form.getByLabel('Name').press('Escape');
    await waitForCount('add forms', () => page.getByTestId('add-resource-form').count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'open-add-resource');
    assert.equal((await admin.get('/api/v1/resources')).body.items.length, 2);

    // Edit the clinician's hours: Friday mornings only.
    await docRow.getByTestId('edit-resource').click();
    form = page.getByTestId('edit-resource-form');
    await form.getByTestId('hours-fri-1-remove').click();
    await form.getByTestId('save-resource').click();
    await assertText(docRow.getByTestId('resource-hours'), 'Mon–Thu 08:00–12:00, 13:00–17:00; Fri 08:00–12:00');
    doc = await resourceNamed(admin, 'Dr Ada Osei');
    assert.deepEqual([doc.version, doc.hours.fri, doc.hours.thu], [2, [['08:00', '12:00']], OFFICE]);

    // Someone else changes the room while its form is open: 412, said plainly, nothing written.
    await roomRow.getByTestId('edit-resource').click();
    form = page.getByTestId('edit-resource-form');
    const elsewhere = await admin.patch(`/api/v1/resources/${room.id}`, { name: 'Procedure room A' }, { 'If-Match': '"1"' });
    assert.equal(elsewhere.status, 200, elsewhere.text);
    await form.getByLabel('Name').fill('Procedure room B');
    await form.getByTestId('save-resource').click();
    await assertText(form.getByTestId('form-alert'), 'Someone else changed this resource');
    room = (await admin.get(`/api/v1/resources/${room.id}`)).body;
    assert.deepEqual([room.name, room.version], ['Procedure room A', 2]);
    await page.reload();
    await page.getByTestId('resource-table').waitFor();
    const roomRowA = page.locator('[data-testid="resource-row"][data-name="Procedure room A"]');
    // Set inactive and back through the form.
    await roomRowA.getByTestId('edit-resource').click();
    form = page.getByTestId('edit-resource-form');
    await form.getByLabel(/^Active/).uncheck();
    await form.getByTestId('save-resource').click();
    await assertText(roomRowA.getByTestId('resource-active'), 'inactive');
    assert.equal((await admin.get(`/api/v1/resources/${room.id}`)).body.active, false);

    // Closures of the room: a whole day, then part of a day in the clinic's offset; void one.
    await roomRowA.getByTestId('open-closures').click();
    const closures = page.getByTestId('closures-panel');
    await assertText(closures.getByTestId('no-closures'), 'No closures yet');
    await closures.getByTestId('open-add-closure').click();
    let cf = closures.getByTestId('add-closure-form');
    await cf.locator('input[name="from"]').fill('2027-01-11');
    await cf.locator('input[name="to"]').fill('2027-01-12');
    await cf.getByLabel('Reason').fill('Maintenance');
    await cf.getByTestId('add-closure').click();
    await assertText(closures.getByTestId('closure-row'), '2027-01-11 – 2027-01-12 (whole days)');
    await closures.getByTestId('open-add-closure').click();
    cf = closures.getByTestId('add-closure-form');
    await cf.locator('input[name="from"]').fill('2027-01-13');
    await cf.locator('input[name="from_time"]').fill('13:00');
    await cf.locator('input[name="to"]').fill('2027-01-13');
    await cf.locator('input[name="to_time"]').fill('15:30');
    await cf.getByLabel('Reason').fill('Inspection');
    await cf.getByTestId('add-closure').click();
    await waitForCount('closure rows', () => closures.getByTestId('closure-row').count(), 2);
    let cl = (await admin.get(`/api/v1/resources/${room.id}/closures`)).body.items;
    const byReason = Object.fromEntries(cl.map((c) => [c.reason, c]));
    assert.deepEqual([byReason.Maintenance.from, byReason.Maintenance.to], ['2027-01-11T00:00:00-05:00', '2027-01-13T00:00:00-05:00']);
    assert.deepEqual([byReason.Inspection.from, byReason.Inspection.to], ['2027-01-13T13:00:00-05:00', '2027-01-13T15:30:00-05:00']);
    await assertText(closures.locator(`[data-id="${byReason.Inspection.id}"]`), '2027-01-13 13:00 – 15:30');
    // A refused closure: the reason is named at its field.
    await closures.getByTestId('open-add-closure').click();
    cf = closures.getByTestId('add-closure-form');
    await cf.locator('input[name="from"]').fill('2027-02-01');
    await cf.locator('input[name="to"]').fill('2027-01-01');
    await cf.getByTestId('add-closure').click();
    await assertText(cf.getByTestId('error-to'), 'To');
    await assertText(cf.getByTestId('error-reason'), 'Reason');
    await cf.getByRole('button', { name: 'Cancel' }).click();
    const mRow = closures.locator(`[data-id="${byReason.Maintenance.id}"]`);
    await mRow.getByTestId('void-closure').click();
    await closures.getByTestId('void-closure-form').getByLabel('Reason').fill('Entered in error');
    await closures.getByTestId('confirm-void-closure').click();
    await assertText(mRow.getByTestId('closure-state'), 'voided');
    await assertText(mRow, 'Voided: Entered in error');
    cl = (await admin.get(`/api/v1/resources/${room.id}/closures`)).body.items;
    assert.deepEqual(cl.map((c) => [c.reason, c.status, c.void_reason]).sort(),
      [['Inspection', 'active', null], ['Maintenance', 'voided', 'Entered in error']]);
    await shot(page, 'calendars-closures-1366', { fullPage: true });
    await closures.getByRole('button', { name: 'Close', exact: true }).click();
    await waitForCount('closure panels', () => page.getByTestId('closures-panel').count(), 0);

    // A feed address for the clinician: shown once, fetched without cookies, revoked.
    await docRow.getByTestId('open-feeds').click();
    const feeds = page.getByTestId('feeds-panel');
    await assertText(feeds.getByTestId('no-feeds'), 'No feed addresses yet');
    await feeds.getByTestId('open-add-feed').click();
    await feeds.getByTestId('add-feed-form').getByLabel('Name').fill('Dr Osei’s phone');
    await feeds.getByTestId('add-feed').click();
    const url = (await feeds.getByTestId('new-feed-url').innerText()).trim();
    assert.match(url, new RegExp(`^${env.server.base}/api/v1/resources/${doc.id}/calendar\\.ics\\?token=swf_[A-Za-z0-9_-]{43}$`));
    const token = new URL(url).searchParams.get('token');
    const ics = await fetch(url);
    assert.equal(ics.status, 200);
    assert.match(ics.headers.get('content-type'), /^text\/calendar/);
    assert.match(await ics.text(), /^BEGIN:VCALENDAR\r\n/);
    let toks = (await admin.get(`/api/v1/resources/${doc.id}/feed-tokens`)).body.items;
    assert.deepEqual(toks.map((t) => [t.name, t.active]), [['Dr Osei’s phone', true]]);
    assert.ok(!JSON.stringify(toks).includes(token), 'the list never holds the token');
    await shot(page, 'calendars-feed-1366', { fullPage: true });
    await feeds.getByTestId('new-feed-done').click();
    assert.equal(await page.getByText(token).count(), 0, 'shown once');
    await feeds.getByTestId('revoke-feed').click();
    await feeds.getByTestId('revoke-feed-form').getByLabel('Reason').fill('Phone lost');
    await feeds.getByTestId('confirm-revoke-feed').click();
    await assertText(feeds.getByTestId('feed-status'), 'is revoked');
    await assertText(feeds.getByTestId('feed-revoked'), /^\d{4}-\d{2}-\d{2}$/);
    toks = (await admin.get(`/api/v1/resources/${doc.id}/feed-tokens`)).body.items;
    assert.equal(toks[0].active, false);
    assert.equal((await fetch(url)).status, 404, 'a revoked address is refused');
    await page.reload();
    await page.getByTestId('resource-table').waitFor();
    assert.equal(await page.getByText(token).count(), 0, 'never shown again');
    await noSideways(page, '/admin/calendars');
    assert.deepEqual(unexpected(problems, [404, 409, 412, 422]), []);
  }));

test('at 390 px: the hours editor and the panels fit a phone; Escape closes a panel', { timeout: TIMEOUT },
  () => withPage('calendars-admin-390', async (page, problems) => {
    await page.setViewportSize({ width: 390, height: 844 });
    page.on('dialog', (d) => d.accept());
    const admin = await login(env.server.base, 'admin');
    const nurseId = await staffIdOf(admin, 'nurse');
    await signIn(page, 'admin');
    await page.goto(`${env.server.base}/admin/calendars`);
    await page.getByTestId('open-add-resource').waitFor();
    await page.getByTestId('open-add-resource').click();
    const form = page.getByTestId('add-resource-form');
    await form.getByLabel('Kind').selectOption('nurse');
    await form.getByLabel('Name').fill('Nurse Ben Li');
    await form.locator('select[name="staff_id"]').selectOption(nurseId);
    for (let i = 0; i < 4; i++) await setPeriod(form, 'mon', i, `0${i * 2 + 1}:00`, `0${i * 2 + 2}:00`);
    assert.equal(await form.getByTestId('hours-mon-add').isHidden(), true, 'at most four periods a day');
    await setPeriod(form, 'wed', 0, '07:00', '9:00');
    await form.getByTestId('add-resource').click();
    await assertText(form.locator('[data-path="hours.wed[0][1]"] .field-error'), 'Wednesday, period 1, to');
    await noSideways(page, 'the hours editor on a phone');
    await shot(page, 'calendars-add-390', { fullPage: true });
    await setPeriod(form, 'wed', 0, '07:00', '09:00');
    await form.getByTestId('add-resource').click();
    const row = page.locator('[data-testid="resource-row"][data-name="Nurse Ben Li"]');
    await assertText(row.getByTestId('resource-hours'), 'Mon 01:00–02:00, 03:00–04:00, 05:00–06:00, 07:00–08:00; Wed 07:00–09:00');
    const nurse = await resourceNamed(admin, 'Nurse Ben Li');
    assert.deepEqual([nurse.staff_id, nurse.hours.wed], [nurseId, [['07:00', '09:00']]]);
    await noSideways(page, 'the resource list on a phone');
    await shot(page, 'calendars-list-390', { fullPage: true });
    await row.getByTestId('open-closures').click();
    await page.getByTestId('closures-panel').getByTestId('open-add-closure').click();
    await noSideways(page, 'the closure form on a phone');
    await shot(page, 'calendars-closures-390', { fullPage: true });
    await page.getByTestId('closures-panel').getByTestId('add-closure-form').getByLabel('Reason').press('Escape');
    await waitForCount('closure forms', () => page.getByTestId('add-closure-form').count(), 0);
    await page.getByTestId('closures-panel').getByTestId('open-add-closure').press('Escape');
    await waitForCount('closure panels', () => page.getByTestId('closures-panel').count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'open-closures');
    await row.getByTestId('open-feeds').click();
    await page.getByTestId('feeds-panel').getByTestId('open-add-feed').click();
    await page.getByTestId('add-feed-form').getByLabel('Name').fill('Ward tablet');
    await page.getByTestId('add-feed').click();
    await page.getByTestId('new-feed-url').waitFor();
    await noSideways(page, 'the feed address on a phone');
    await shot(page, 'calendars-feed-390', { fullPage: true });
    assert.deepEqual(unexpected(problems, [422]), []);
  }));

test('the front desk has no Calendars tab (nor the admin console)', { timeout: TIMEOUT },
  () => withPage('calendars-admin-front-desk', async (page, problems) => {
    await signIn(page, 'front_desk');
    assert.equal(await page.getByTestId('nav-admin').count(), 0);
    await page.goto(`${env.server.base}/admin/calendars`);
    await assertText(page.getByTestId('no-admin-access'), 'does not include the admin console');
    assert.equal(await page.getByTestId('admin-tab-calendars').count(), 0);
    assert.equal(await page.getByTestId('open-add-resource').count(), 0);
    assert.deepEqual(unexpected(problems, []), []);
  }));
