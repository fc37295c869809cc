// Browser tests of the admin console and the own password change, at a 1366 px desktop and a
// 390 x 844 phone: an admin adds a staff member, who signs in with the one-time password shown
// once and then chooses their own password; the audit filter finds that sign-in; an API token is
// created (shown once) and revoked; "Verify the chain" answers; other roles get no console and no
// header link; no page scrolls sideways. SCHWANN_SCREENSHOTS=1 saves each screen at both widths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, withPage, signIn, assertText, waitForCount, unexpected, shot } from './harness.mjs';
import { emailOf, login, newPatient } from '../lib/server.mjs';

const TIMEOUT = 90000;
const WIDTHS = [[1366, 800], [390, 844]];

async function noSideways(page, what) {
  const [doc, view] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.equal(doc, view, `${what}: the document is ${doc} px wide in a ${view} px viewport`);
}

async function signInAs(page, email, password) {
  await page.goto(env.server.base + '/');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

for (const [w, hgt] of WIDTHS) {
  test(`at ${w} px: an admin adds a staff member who signs in with the one-time password, changes it, and the audit log finds the sign-in`,
    { timeout: TIMEOUT }, () => withPage(`admin-staff-${w}`, async (page, problems) => {
      await page.setViewportSize({ width: w, height: hgt });
      await signIn(page, 'admin');
      await page.getByTestId('nav-admin').click();
      await page.getByTestId('staff-table').waitFor();
      await noSideways(page, '/admin');
      const email = `nia.${w}.${Date.now()}@clinic.example`;
      await page.getByTestId('open-add-staff').click();
      const form = page.getByTestId('add-staff-form');
      // The server's reasons land at the fields.
      await form.getByTestId('add-staff').click();
      await assertText(form.getByTestId('error-email'), 'E-mail');
      await form.getByLabel('E-mail').fill(email);
      await form.getByLabel('Name').fill(`Nia Newhire ${w}`);
      await form.getByLabel('Role').selectOption('nurse');
      await form.getByTestId('add-staff').click();
      const once = page.getByTestId('one-time-password');
      await once.waitFor();
      const password = (await page.getByTestId('one-time-password-value').innerText()).trim();
      assert.equal(password.length, 20);
      const row = page.locator(`[data-testid="staff-row"][data-email="${email}"]`);
      await assertText(row.getByTestId('staff-role'), /nurse/i);
      await assertText(row.getByTestId('staff-active'), 'active');
      await noSideways(page, '/admin with the one-time password');
      await shot(page, `admin-staff-${w}`, { fullPage: true });
      // Shown once: Done removes it, and a reload does not bring it back.
      await page.getByTestId('one-time-password-done').click();
      assert.equal(await page.getByTestId('one-time-password').count(), 0);
      await page.reload();
      await page.getByTestId('staff-table').waitFor();
      assert.equal(await page.getByText(password).count(), 0, 'the password is never shown again');

      // Change the role, then back; deactivate and reactivate.
      await row.getByTestId('change-role').click();
      await page.getByTestId('role-form').getByLabel('Role').selectOption('front_desk');
      await page.getByTestId('save-role').click();
      await assertText(row.getByTestId('staff-role'), /front desk/i);
      await row.getByTestId('change-role').click();
      await page.getByTestId('role-form').getByLabel('Role').selectOption('nurse');
      await page.getByTestId('save-role').click();
      await assertText(row.getByTestId('staff-role'), /nurse/i);
      await row.getByTestId('deactivate').click();
      await page.getByTestId('confirm-deactivate').click();
      await assertText(row.getByTestId('staff-active'), 'deactivated');
      await row.getByTestId('reactivate').click();
      await assertText(row.getByTestId('staff-active'), /^active$/);
      await page.getByTestId('sign-out').click();

      // The new staff member signs in with the one-time password and chooses their own.
      await signInAs(page, email, password);
      await assertText(page.getByTestId('staff-name'), `Nia Newhire ${w}`);
      assert.equal(await page.getByTestId('nav-admin').count(), 0, 'no Admin link for a nurse');
      await page.getByTestId('user-menu-button').click();
      await page.getByTestId('menu-account').click();
      const pw = page.getByTestId('password-form');
      await pw.waitFor();
      await noSideways(page, '/account');
      await pw.getByLabel('Current password').fill(password);
      await pw.locator('#new_password').fill('short');
      await pw.getByLabel('New password again').fill('short');
      await pw.getByTestId('change-password').click();
      await assertText(pw.getByTestId('error-new_password'), '12');
      await shot(page, `account-error-${w}`, { fullPage: true });
      await pw.locator('#new_password').fill('quiet harbour lantern 7');
      await pw.getByLabel('New password again').fill('quiet harbour lantern 7');
      await pw.getByTestId('change-password').click();
      await assertText(page.getByTestId('flash'), 'Your password is changed');
      await page.getByTestId('sign-out').click();
      await signInAs(page, email, password);
      await assertText(page.getByTestId('form-alert'), 'Sign-in failed');
      await signInAs(page, email, 'quiet harbour lantern 7');
      await assertText(page.getByTestId('staff-name'), `Nia Newhire ${w}`);
      // A nurse at the console's address gets the usual refusal.
      await page.goto(env.server.base + '/admin/audit');
      await assertText(page.getByTestId('no-admin-access'), 'Your role (nurse) does not include the admin console');
      await page.getByTestId('sign-out').click();

      // The audit log, filtered on that person and the sign-in action, finds it.
      await signIn(page, 'admin');
      await page.goto(env.server.base + '/admin/audit');
      const filter = page.getByTestId('audit-filter');
      await filter.waitFor();
      const staffId = await page.evaluate(async (e) => {
        const r = await fetch('/api/v1/staff');
        return (await r.json()).items.find((s) => s.email === e).id;
      }, email);
      await filter.getByLabel('Person').selectOption(staffId);
      await filter.getByLabel('Action').fill('session.create');
      await filter.getByTestId('apply-filter').click();
      const rows = page.getByTestId('audit-row');
      await waitForCount('sign-ins of the new staff member (the refused one is session.refused)', () => rows.count(), 2);
      for (let i = 0; i < 2; i++) {
        await assertText(rows.nth(i).getByTestId('audit-action'), 'session.create');
        await assertText(rows.nth(i), `Nia Newhire ${w}`);
      }
      assert.match(page.url(), new RegExp(`actor=${staffId}&action=session.create$`));
      // "session" finds the refused sign-in with the old password too (no one was signed in).
      await filter.getByLabel('Person').selectOption('');
      await filter.getByLabel('Action').fill('session.refused');
      await filter.getByTestId('apply-filter').click();
      await assertText(page.getByTestId('audit-row').filter({ hasText: email }), 'no one signed in');
      // A search page is one record: the query, and the patients shown folded away.
      const clin = await login(env.server.base, 'clinician');
      const fam = `Pagewright${w === 1366 ? 'Wide' : 'Narrow'}`;
      const listed = await clin.post('/api/v1/patients', newPatient({ family_name: fam }));
      assert.equal(listed.status, 201, listed.text);
      await page.evaluate(async (q) => { await fetch(`/api/v1/patients?q=${q}&limit=5`); }, fam);
      await filter.getByLabel('Person').selectOption('');
      await filter.getByLabel('Action').fill('patient.list');
      await filter.getByTestId('apply-filter').click();
      const pageRow = page.getByTestId('audit-row').first();
      await assertText(pageRow, `Search "${fam}"`);
      await assertText(pageRow.locator('summary'), 'shown');
      await filter.getByLabel('Action').fill('session.refused');
      await filter.getByTestId('apply-filter').click();
      await assertText(page.getByTestId('audit-row').filter({ hasText: email }), 'no one signed in');
      await noSideways(page, '/admin/audit filtered');
      await shot(page, `admin-audit-${w}`, { fullPage: true });
      // A bad date comes back at its field.
      await filter.getByLabel('From').fill('2026-13-01');
      await filter.getByTestId('apply-filter').click();
      await assertText(page.getByTestId('error-from'), 'From must be a date');
      // The chain check answers.
      await page.getByTestId('verify-chain').click();
      await assertText(page.getByTestId('verify-result'), /The chain is intact: all [\d,]+ records were checked/);
      assert.deepEqual(unexpected(problems, [401, 422]), []);
    }));

  test(`at ${w} px: an API token is created for a staff member, shown once, and revoked`,
    { timeout: TIMEOUT }, () => withPage(`admin-tokens-${w}`, async (page, problems) => {
      await page.setViewportSize({ width: w, height: hgt });
      await signIn(page, 'admin');
      await page.goto(env.server.base + '/admin');
      await page.getByTestId('admin-tab-tokens').click();
      await page.getByTestId('open-add-token').waitFor();
      await page.getByTestId('open-add-token').click();
      const form = page.getByTestId('add-token-form');
      const nurseId = await page.evaluate(async (e) => (await (await fetch('/api/v1/staff')).json())
        .items.find((s) => s.email === e).id, emailOf('nurse'));
      await form.getByLabel('For').selectOption(nurseId);
      await form.getByLabel('Name').fill(`Lab import ${w}`);
      await form.getByTestId('add-token').click();
      await page.getByTestId('new-token').waitFor();
      const token = (await page.getByTestId('new-token-value').innerText()).trim();
      assert.match(token, /^sw_/);
      // The token works, as the nurse.
      const me = await fetch(`${env.server.base}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal((await me.json()).email, emailOf('nurse'));
      const row = page.locator('[data-testid="token-row"]', { hasText: `Lab import ${w}` });
      await assertText(row.getByTestId('token-revoked'), 'in use');
      await noSideways(page, '/admin/tokens');
      await shot(page, `admin-tokens-${w}`, { fullPage: true });
      await row.getByTestId('revoke-token').click();
      await page.getByTestId('confirm-revoke').click();
      await assertText(page.getByTestId('token-status'), 'is revoked');
      await assertText(row.getByTestId('token-revoked'), /^\d{4}-\d{2}-\d{2}$/);
      const after = await fetch(`${env.server.base}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(after.status, 401);
      await page.reload();
      await page.getByTestId('token-table').waitFor();
      assert.equal(await page.getByText(token).count(), 0, 'a token is never shown again');
      assert.deepEqual(unexpected(problems, []), []);
    }));
}
