// Issue 12, "leaks and loose ends" and "record what is not recorded": validation messages that
// carry nothing the caller may not read, who may archive and restore a patient, signing out with an
// API token, exact Content-Type and If-Match, invisible names, file modes, and the audit records of
// refused reads, empty searches and reads of the audit log itself.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, existsSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, login, newPatient } from '../lib/server.mjs';
import {
  cli, tokenClient, assertProblem, assertInvalid, rawRequest, rnd, stopServer,
} from './helpers.mjs';

let srv;
let admin; let clin; let nurse; let desk; let research;

before(async () => {
  srv = await startServer();
  admin = await login(srv.base, 'admin');
  clin = await login(srv.base, 'clinician');
  nurse = await login(srv.base, 'nurse');
  desk = await login(srv.base, 'front_desk');
  research = await login(srv.base, 'researcher');
});
after(async () => { await stopServer(srv); });

async function created(fields = {}) {
  const r = await clin.post('/api/v1/patients', newPatient(fields));
  assert.equal(r.status, 201, r.text);
  return r.body;
}

// Audit records of one request (by its X-Request-Id), read by the admin.
async function auditOf(res, params = {}) {
  const rid = res.headers.get('x-request-id');
  const q = new URLSearchParams({ limit: '500', ...params });
  const r = await admin.get(`/api/v1/audit?${q}`);
  assert.equal(r.status, 200, r.text);
  return r.body.items.filter((a) => a.request_id === rid);
}

describe('validation messages carry nothing the caller may not read', () => {
  test('front desk moving a birth date past a diagnosis: 422 without its code or date, audited', async () => {
    const p = await created({ birth_date: '1960-05-01' });
    const k = await clin.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'G62.1', onset_date: '2019-03-14' });
    assert.equal(k.status, 201, k.text);

    const r = await desk.patch(`/api/v1/patients/${p.id}`, { birth_date: '2020-01-01' }, { 'If-Match': '"1"' });
    const b = assertInvalid(r, ['birth_date']);
    assert.ok(!r.text.includes('G62.1') && !r.text.includes('2019-03-14'), `no diagnosis in: ${r.text}`);
    assert.match(b.errors[0].message, /diagnos/);
    const recs = await auditOf(r, { action: 'condition' });
    assert.equal(recs.length, 1, 'the refusal that reads diagnoses is audited');
    assert.equal(recs[0].action, 'condition.birth_check');
    assert.equal(recs[0].actor_role, 'front_desk');
    assert.equal(recs[0].resource_id, k.body.id);
    assert.equal(recs[0].patient_id, p.id);

    // A role that reads diagnoses is told which one.
    const c = await clin.patch(`/api/v1/patients/${p.id}`, { birth_date: '2020-01-01' }, { 'If-Match': '"1"' });
    const cb = assertInvalid(c, ['birth_date']);
    assert.match(cb.errors[0].message, /G62\.1 \(2019-03-14\)/);
    assert.equal((await admin.get(`/api/v1/patients/${p.id}`)).body.birth_date, '1960-05-01');
  });

  test('a diagnosis marked entered_in_error is final: no PATCH brings it back or re-codes it', async () => {
    const p = await created();
    const k = await clin.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'E11.42' });
    assert.equal(k.status, 201, k.text);
    const url = `/api/v1/conditions/${k.body.id}`;
    const e = await clin.patch(url, { status: 'entered_in_error', status_reason: 'Wrong patient' }, { 'If-Match': '"1"' });
    assert.equal(e.status, 200, e.text);
    assertProblem(await clin.patch(url, { status: 'active' }, { 'If-Match': '"2"' }), 409);
    assertProblem(await clin.patch(url, { icd10: 'G62.1' }, { 'If-Match': '"2"' }), 409);
    const g = await clin.get(url);
    assert.equal(g.body.status, 'entered_in_error');
    assert.equal(g.body.icd10, 'E11.42');
    assert.equal(g.body.version, 2);
  });
});

describe('archive and restore', () => {
  const archive = (c, id, body, etag) => c.post(`/api/v1/patients/${id}/archive`, body, etag ? { 'If-Match': etag } : {});
  const restore = (c, id, body, etag) => c.post(`/api/v1/patients/${id}/restore`, body, etag ? { 'If-Match': etag } : {});

  test('front desk and nurses may not archive (403); clinicians and admins may', async () => {
    const p = await created();
    assertProblem(await archive(desk, p.id, { reason: 'Duplicate' }, '"1"'), 403);
    assertProblem(await archive(nurse, p.id, { reason: 'Duplicate' }, '"1"'), 403);
    assert.equal((await admin.get(`/api/v1/patients/${p.id}`)).body.archived, false);
    assert.equal((await archive(clin, p.id, { reason: 'Duplicate' }, '"1"')).status, 200);
    const q = await created();
    assert.equal((await archive(admin, q.id, { reason: 'Duplicate' }, '"1"')).status, 200);
  });

  test('an admin restores an archived patient with a reason; audited; others get 403', async () => {
    const p = await created();
    assert.equal((await archive(clin, p.id, { reason: 'Moved away' }, '"1"')).status, 200);
    for (const who of [clin, nurse, desk, research]) assertProblem(await restore(who, p.id, { reason: 'Back' }, '"2"'), 403);
    assertInvalid(await restore(admin, p.id, {}, '"2"'), ['reason']);
    assertInvalid(await restore(admin, p.id, { reason: '\u200b' }, '"2"'), ['reason']);
    assertProblem(await restore(admin, p.id, { reason: 'Back' }), 428);
    assertProblem(await restore(admin, p.id, { reason: 'Back' }, '"1"'), 412);
    const r = await restore(admin, p.id, { reason: 'Archived by mistake' }, '"2"');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.archived, false);
    assert.equal(r.body.archived_at, null);
    assert.equal(r.body.version, 3);
    assert.equal(r.headers.get('etag'), '"3"');
    const recs = await auditOf(r, { patient_id: p.id });
    assert.equal(recs.length, 1);
    assert.equal(recs[0].action, 'patient.restore');
    assert.equal(recs[0].detail, 'Archived by mistake');
    assert.equal(recs[0].actor_role, 'admin');
    // Writable again; restoring a patient who is not archived is a 409.
    assert.equal((await clin.patch(`/api/v1/patients/${p.id}`, { phone: '555 0100 77' }, { 'If-Match': '"3"' })).status, 200);
    assertProblem(await restore(admin, p.id, { reason: 'Again' }, '"4"'), 409);
  });
});

describe('signing out with an API token', () => {
  test('DELETE /session with a bearer token is 400 naming the revoke call; the token keeps working', async () => {
    const t = tokenClient(srv.base, srv.db, 'nurse');
    const r = await t.del('/api/v1/session');
    const b = assertProblem(r, 400);
    assert.match(b.detail, /\/api\/v1\/tokens\/\{id\}\/revoke/);
    assert.equal((await t.get('/api/v1/me')).status, 200, 'nothing pretended to end it');
    const doc = (await admin.get('/api/v1/openapi.json')).body;
    assert.match(JSON.stringify(doc.paths['/api/v1/session'].delete), /tokens\/\{id\}\/revoke/);
  });
});

describe('input', () => {
  test('Content-Type must be application/json itself (parameters and any case allowed)', async () => {
    for (const ct of ['application/jsonx', 'application/json-seq', 'application/json5', 'application/jsonp; charset=utf-8', 'text/plain', 'application/x-json']) {
      assertProblem(await clin.post('/api/v1/patients', newPatient(), { 'Content-Type': ct }), 415, ct);
    }
    for (const ct of ['APPLICATION/JSON', 'application/json; charset=utf-8', 'Application/Json;charset=UTF-8', 'application/json ; charset=utf-8']) {
      const r = await clin.post('/api/v1/patients', newPatient(), { 'Content-Type': ct });
      assert.equal(r.status, 201, `${ct}: ${r.text}`);
    }
  });

  test('If-Match must be one quoted version: lists, bare numbers, spaces, signs and trailers are refused', async () => {
    const p = await created();
    for (const etag of ['"1", "2"', '"1"x', '1', '" 1"', '"+1"', '"1 "', '"-1"', '""', '"1', 'W/1', '"01x"', '*']) {
      const r = await clin.patch(`/api/v1/patients/${p.id}`, { given_name: 'Changed' }, { 'If-Match': etag });
      assert.ok(r.status === 400 || r.status === 412, `${etag}: ${r.status} ${r.text}`);
      assertProblem(r, r.status, etag);
    }
    const g = await clin.get(`/api/v1/patients/${p.id}`);
    assert.equal(g.body.version, 1, 'never taken as version 1');
    assert.equal((await clin.patch(`/api/v1/patients/${p.id}`, { given_name: 'Changed' }, { 'If-Match': 'W/"1"' })).status, 200);
  });

  test('patient names made only of invisible characters are refused, on create and on change', async () => {
    const invisible = ['\u200b', '\ufeff', '\u202e', '\u200b\ufeff\u202e', '\u2066\u2069', ' \u200d ', '\u{E0041}\u{E007F}'];
    for (const name of invisible) {
      assertInvalid(await clin.post('/api/v1/patients', newPatient({ family_name: name })), ['family_name'], { msg: JSON.stringify(name) });
      assertInvalid(await clin.post('/api/v1/patients', newPatient({ given_name: name })), ['given_name'], { msg: JSON.stringify(name) });
    }
    const p = await created();
    assertInvalid(await clin.patch(`/api/v1/patients/${p.id}`, { family_name: '\u202e\u200b' }, { 'If-Match': '"1"' }), ['family_name']);
    // Real names with such characters inside them are fine.
    assert.equal((await clin.post('/api/v1/patients', newPatient({ family_name: `Zo\u00eb${rnd(4)}\u200b` }))).status, 201);
  });
});

describe('files', () => {
  test('the database, its -wal and -shm, and backups are readable by their owner only', async () => {
    // A CLI command beside the running server first: it must not take the server's locks away.
    tokenClient(srv.base, srv.db, 'admin');
    assert.equal((await admin.get('/api/v1/me')).status, 200);
    for (const f of [srv.db, `${srv.db}-wal`, `${srv.db}-shm`]) {
      assert.ok(existsSync(f), `${f} exists (a CLI command beside the server must not remove it)`);
      assert.equal(statSync(f).mode & 0o777, 0o600, `${f}: ${(statSync(f).mode & 0o777).toString(8)}`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'schwann-backup-'));
    try {
      const to = join(dir, 'copy.db');
      const r = cli(['backup', '--db', srv.db, '--to', to]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(statSync(to).mode & 0o777, 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('what was not recorded before', () => {
  test('a refused read of patient data is audited: who, which route, which patient', async () => {
    const p = await created();
    const r = await desk.get(`/api/v1/patients/${p.id}/conditions`);
    assertProblem(r, 403);
    const recs = await auditOf(r, { patient_id: p.id });
    assert.equal(recs.length, 1);
    assert.equal(recs[0].action, 'access.refused');
    assert.equal(recs[0].actor_role, 'front_desk');
    assert.equal(recs[0].patient_id, p.id);
    assert.equal(recs[0].detail, `GET /api/v1/patients/${p.id}/conditions`);

    // A record's own route: the audit names its patient too.
    const k = await clin.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'E11.42' });
    const kr = await desk.get(`/api/v1/conditions/${k.body.id}`);
    assertProblem(kr, 403);
    const krecs = await auditOf(kr, { patient_id: p.id });
    assert.deepEqual(krecs.map((a) => [a.action, a.resource_type, a.resource_id]), [['access.refused', 'condition', k.body.id]]);

    const s = await research.get(`/api/v1/patients?q=${p.family_name}`);
    assertProblem(s, 403);
    const rs = await auditOf(s, { action: 'access' });
    assert.equal(rs.length, 1);
    assert.equal(rs[0].actor_role, 'researcher');
    assert.match(rs[0].detail, /^GET \/api\/v1\/patients\?|^GET \/api\/v1\/patients$/);
  });

  test('a patient search with no hits is audited with its query', async () => {
    const q = `Nobody${rnd(8)}`;
    const r = await desk.get(`/api/v1/patients?q=${q}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.items, []);
    const recs = await auditOf(r, { action: 'patient.list' });
    assert.equal(recs.length, 1);
    assert.equal(recs[0].detail, q);
    assert.equal(recs[0].patient_id, null);
    assert.equal(recs[0].actor_role, 'front_desk');
  });

  test('reads of the audit log are audited, with their filters', async () => {
    const r = await admin.get('/api/v1/audit?action=patient.read&limit=3');
    assert.equal(r.status, 200);
    const recs = await auditOf(r, { action: 'audit' });
    assert.equal(recs.length, 1);
    assert.equal(recs[0].action, 'audit.read');
    assert.equal(recs[0].detail, 'action=patient.read&limit=3');
    const v = await admin.get('/api/v1/audit/verify');
    assert.equal(v.status, 200);
    assert.equal(v.body.intact, true);
    assert.equal((await auditOf(v, { action: 'audit' }))[0].action, 'audit.verify');
  });
});
