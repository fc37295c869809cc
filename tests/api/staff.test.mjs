// The admin console's API: staff accounts (add with a one-time password, change role, deactivate,
// reset the password), API tokens (create, list, revoke), the audit log's filters and chain check,
// and a staff member's own password change. Admin only, except one's own password.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, client, PASSWORDS } from '../lib/server.mjs';
import { assertInvalid, assertProblem, stopServer, sqlite, todayUTC, ymd } from './helpers.mjs';

let srv;
let admin;
let nurse;
const today = ymd(todayUTC());

before(async () => {
  srv = await startServer();
  admin = await login(srv.base, 'admin');
  nurse = await login(srv.base, 'nurse');
});
after(async () => { await stopServer(srv); });

const signIn = (email, password) => client(srv.base).post('/api/v1/session', { email, password });
let seq = 0;
const email = () => `staff${++seq}.${process.pid}@clinic.example`;

describe('staff accounts', () => {
  test('add with a one-time password that signs in once shown; listed; audited', async () => {
    const e = email();
    const r = await admin.post('/api/v1/staff', { email: e, name: 'Nora Newhire', role: 'nurse' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers.get('location'), `/api/v1/staff/${r.body.id}`);
    assert.equal(r.body.role, 'nurse');
    assert.equal(r.body.active, true);
    assert.equal(r.body.password.length, 20);
    assert.ok(!('password_hash' in r.body));
    assert.equal((await signIn(e, r.body.password)).status, 201, 'the one-time password works');
    const list = await admin.get('/api/v1/staff');
    const mine = list.body.items.find((x) => x.id === r.body.id);
    assert.deepEqual(Object.keys(mine).sort(), ['active', 'created_at', 'email', 'id', 'name', 'role']);
    assert.equal(sqlite(srv.db, `SELECT detail FROM audit WHERE action = 'staff.create' AND resource_id = '${r.body.id}'`), 'nurse');
  });

  test('bad input: each field named; an e-mail in use is refused', async () => {
    assertInvalid(await admin.post('/api/v1/staff', { email: 'no at sign', name: '\u200b\u200b', role: 'boss', extra: 1 }),
      ['email', 'name', 'role', 'extra']);
    assertInvalid(await admin.post('/api/v1/staff', { email: ' a@b.example', name: 'A', role: 'nurse' }), ['email']);
    assertInvalid(await admin.post('/api/v1/staff', { email: 'a@localhost', name: 'A', role: 'nurse' }), ['email']);
    const e = email();
    assert.equal((await admin.post('/api/v1/staff', { email: e, name: 'A', role: 'nurse' })).status, 201);
    const again = assertInvalid(await admin.post('/api/v1/staff', { email: e.toUpperCase(), name: 'B', role: 'nurse' }), ['email']);
    assert.match(again.errors[0].message, /already used/);
  });

  test('change role, deactivate (sessions end, sign-in refused), reset the password (old one stops working)', async () => {
    const e = email();
    const made = (await admin.post('/api/v1/staff', { email: e, name: 'Rolf Rolechange', role: 'front_desk' })).body;
    const s = await signIn(e, made.password);
    const cookie = s.headers.get('set-cookie').split(';')[0];
    const as = client(srv.base, { cookie, csrf: s.body.csrf_token });
    assert.equal((await as.get('/api/v1/me')).body.role, 'front_desk');
    const up = await admin.patch(`/api/v1/staff/${made.id}`, { role: 'clinician', name: 'Rolf R.' });
    assert.equal(up.status, 200, up.text);
    assert.equal(up.body.role, 'clinician');
    assert.equal((await as.get('/api/v1/me')).body.role, 'clinician', 'a role change applies at once');
    const reset = await admin.post(`/api/v1/staff/${made.id}/password-reset`, {});
    assert.equal(reset.status, 200, reset.text);
    assert.notEqual(reset.body.password, made.password);
    assert.equal((await as.get('/api/v1/me')).status, 401, 'a reset ends the sessions');
    assert.equal((await signIn(e, made.password)).status, 401);
    const s2 = await signIn(e, reset.body.password);
    assert.equal(s2.status, 201);
    const as2 = client(srv.base, { cookie: s2.headers.get('set-cookie').split(';')[0], csrf: s2.body.csrf_token });
    const off = await admin.patch(`/api/v1/staff/${made.id}`, { active: false });
    assert.equal(off.body.active, false);
    assert.equal((await as2.get('/api/v1/me')).status, 401, 'deactivation ends the sessions');
    assert.equal((await signIn(e, reset.body.password)).status, 401);
    assert.equal((await admin.patch(`/api/v1/staff/${made.id}`, { active: true })).body.active, true);
    assert.equal((await signIn(e, reset.body.password)).status, 201);
    assert.match(sqlite(srv.db, `SELECT group_concat(action || ':' || ifnull(detail, ''), ' | ') FROM audit WHERE resource_id = '${made.id}' AND action LIKE 'staff.%'`),
      /staff.create:front_desk \| staff.update:role clinician renamed \| staff.password_reset: \| staff.update: deactivated \| staff.update: activated/);
  });

  test('an admin cannot deactivate or demote themselves; unknown staff 404', async () => {
    const me = admin.staff.id;
    assertProblem(await admin.patch(`/api/v1/staff/${me}`, { active: false }), 409);
    assertProblem(await admin.patch(`/api/v1/staff/${me}`, { role: 'nurse' }), 409);
    assert.equal((await admin.patch(`/api/v1/staff/${me}`, { role: 'admin' })).status, 200);
    assertProblem(await admin.patch('/api/v1/staff/0190f0f0-0000-7000-8000-000000000000', { role: 'nurse' }), 404);
    assertProblem(await admin.post('/api/v1/staff/nope/password-reset', {}), 404);
  });

  test('only an admin', async () => {
    assertProblem(await nurse.get('/api/v1/staff'), 403);
    assertProblem(await nurse.post('/api/v1/staff', { email: email(), name: 'X', role: 'admin' }), 403);
    assertProblem(await nurse.get('/api/v1/tokens'), 403);
  });
});

describe('own password', () => {
  test('needs the current one; the new one at least 12 characters, not common, not the e-mail, not over 1,024 bytes', async () => {
    const e = email();
    const made = (await admin.post('/api/v1/staff', { email: e, name: 'Pia Password', role: 'nurse' })).body;
    const s = await signIn(e, made.password);
    const me = client(srv.base, { cookie: s.headers.get('set-cookie').split(';')[0], csrf: s.body.csrf_token });
    const change = (body) => me.post('/api/v1/me/password', body);
    assertInvalid(await change({ current_password: made.password, new_password: 'short' }), ['new_password']);
    assertInvalid(await change({ current_password: made.password, new_password: 'password1234' }), ['new_password']);
    assertInvalid(await change({ current_password: made.password, new_password: ' '.repeat(14) }), ['new_password']);
    assertInvalid(await change({ current_password: made.password, new_password: 'x'.repeat(1025) }), ['new_password']);
    assertInvalid(await change({ current_password: made.password, new_password: e }), ['new_password']);
    assertInvalid(await change({ current_password: 'wrong-password-1', new_password: 'a long enough pass phrase' }), ['current_password']);
    const ok = await change({ current_password: made.password, new_password: 'a long enough pass phrase' });
    assert.equal(ok.status, 204, ok.text);
    assert.equal((await signIn(e, made.password)).status, 401);
    assert.equal((await signIn(e, 'a long enough pass phrase')).status, 201);
    assert.equal((await me.get('/api/v1/me')).status, 200, 'the session that changed it goes on');
  });
});

describe('API tokens', () => {
  test('create (shown once), works, listed without the token, revoked by id', async () => {
    const r = await admin.post('/api/v1/tokens', { staff_id: nurse.staff.id, name: 'Lab import' });
    assert.equal(r.status, 201, r.text);
    assert.match(r.body.token, /^sw_/);
    const viaToken = client(srv.base, { token: r.body.token });
    assert.equal((await viaToken.get('/api/v1/me')).body.email, nurse.staff.email);
    const list = (await admin.get('/api/v1/tokens')).body.items;
    const mine = list.find((t) => t.id === r.body.id);
    assert.equal(mine.name, 'Lab import');
    assert.equal(mine.staff_email, nurse.staff.email);
    assert.equal(mine.revoked_at, null);
    assert.ok(!JSON.stringify(list).includes(r.body.token), 'a token is never listed');
    const rv = await admin.post(`/api/v1/tokens/${r.body.id}/revoke`, {});
    assert.equal(rv.status, 200, rv.text);
    assertProblem(await admin.post(`/api/v1/tokens/${r.body.id}/revoke`, {}), 404);
    assert.ok((await admin.get('/api/v1/tokens')).body.items.find((t) => t.id === r.body.id).revoked_at);
    assert.equal(sqlite(srv.db, `SELECT count(*) FROM audit WHERE resource_id = '${r.body.id}' AND action IN ('api_token.create', 'api_token.revoke')`), '2');
  });

  test('bad input', async () => {
    assertInvalid(await admin.post('/api/v1/tokens', { staff_id: 'nope', name: '' }), ['staff_id', 'name']);
    assertInvalid(await admin.post('/api/v1/tokens', { staff_id: '0190f0f0-0000-7000-8000-000000000000', name: 'x' }), ['staff_id']);
  });
});

describe('the audit log', () => {
  test('filters by person, action (or its first part), patient and dates; the chain check', async () => {
    const e = email();
    const made = (await admin.post('/api/v1/staff', { email: e, name: 'Aud Itor', role: 'clinician' })).body;
    assert.equal((await signIn(e, made.password)).status, 201);
    const by = (q) => admin.get(`/api/v1/audit?${new URLSearchParams(q)}`);
    const signIns = (await by({ actor: made.id, action: 'session' })).body.items;
    assert.deepEqual(signIns.map((x) => [x.action, x.resource_id]), [['session.create', made.id]], 'a sign-in is in the log');
    assert.equal((await signIn(e, 'not-the-password-1')).status, 401);
    const refused = (await by({ action: 'session.refused' })).body.items;
    assert.ok(refused.some((x) => x.detail === e && x.resource_id === made.id && x.actor_id === null), 'so is a refused one');
    const mine = (await by({ actor: admin.staff.id, action: 'staff' })).body.items;
    assert.ok(mine.length >= 1 && mine.every((x) => x.actor_id === admin.staff.id && x.action.startsWith('staff.')));
    assert.ok(mine.some((x) => x.resource_id === made.id && x.action === 'staff.create'));
    const exact = (await by({ action: 'staff.create', from: today, to: today })).body.items;
    assert.ok(exact.length >= 1 && exact.every((x) => x.action === 'staff.create'));
    assert.deepEqual((await by({ action: 'staff.create', to: '2000-01-01' })).body.items, []);
    assert.deepEqual((await by({ action: 'staf' })).body.items, [], 'a prefix matches whole parts only');
    assertInvalid(await by({ actor: 'x', from: '2026-13-01', to: 'soon', action: '' }), ['actor', 'from', 'to', 'action']);
    const v = await admin.get('/api/v1/audit/verify');
    assert.equal(v.status, 200, v.text);
    assert.equal(v.body.intact, true);
    assert.ok(v.body.checked > 5);
    assertProblem(await nurse.get('/api/v1/audit/verify'), 403);
  });
});
