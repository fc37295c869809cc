// The audit trail: every read and write of patient data is recorded with who, what, when, where and
// the request id; admins page through it newest first; `schwann audit verify` detects edits and
// deletions of records.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { startServer, login, newPatient } from '../lib/server.mjs';
import {
  ROLES, cli, sqlite, assertProblem, assertInvalid, rawRequest, rnd, INSTANT_RE, stopServer,
} from './helpers.mjs';

let srv;
let admin; let clin; let nurse;

before(async () => {
  srv = await startServer({ keep: true });
  admin = await login(srv.base, 'admin');
  clin = await login(srv.base, 'clinician');
  nurse = await login(srv.base, 'nurse');
});
after(async () => {
  await stopServer(srv, { ownsDir: false });
  if (srv) rmSync(dirname(srv.db), { recursive: true, force: true });
});

// All records, newest first, following next_cursor.
async function allAudit(params = {}) {
  const out = [];
  let cursor = null;
  do {
    const q = new URLSearchParams({ limit: '500', ...params, ...(cursor ? { cursor } : {}) });
    const r = await admin.get(`/api/v1/audit?${q}`);
    assert.equal(r.status, 200, r.text);
    out.push(...r.body.items);
    cursor = r.body.next_cursor;
  } while (cursor);
  return out;
}
const byRequest = async (rid) => (await allAudit()).filter((a) => a.request_id === rid);

describe('what is recorded', () => {
  let p;

  test('a create is recorded as patient.create by its actor, with the request id and address', async () => {
    const r = await clin.post('/api/v1/patients', newPatient());
    assert.equal(r.status, 201);
    p = r.body;
    const recs = await byRequest(r.headers.get('x-request-id'));
    assert.equal(recs.length, 1);
    const a = recs[0];
    assert.equal(a.action, 'patient.create');
    assert.equal(a.actor_id, clin.staff.id);
    assert.equal(a.actor_role, 'clinician');
    assert.equal(a.resource_type, 'patient');
    assert.equal(a.resource_id, p.id);
    assert.equal(a.patient_id, p.id);
    assert.equal(a.ip, '127.0.0.1');
    assert.match(a.at, INSTANT_RE);
    assert.ok(Math.abs(Date.parse(a.at) - Date.now()) < 60000);
    assert.match(a.hash, /^[0-9a-f]{64}$/);
    assert.ok(Number.isInteger(a.seq) && a.seq > 0);
  });

  test('a read by a clinician: patient.read with actor, patient, request id = X-Request-Id, address', async () => {
    // From another loopback address, to show the address is the caller's.
    const r = await rawRequest(srv.base, { path: `/api/v1/patients/${p.id}`, headers: { Cookie: clin.cookie }, localAddress: '127.0.0.9' });
    assert.equal(r.status, 200);
    const rid = r.headers.get('x-request-id');
    const recs = await byRequest(rid);
    assert.equal(recs.length, 1, 'exactly one record for the read');
    const a = recs[0];
    assert.equal(a.action, 'patient.read');
    assert.equal(a.actor_id, clin.staff.id);
    assert.equal(a.actor_role, 'clinician');
    assert.equal(a.patient_id, p.id);
    assert.equal(a.resource_id, p.id);
    assert.equal(a.request_id, rid);
    assert.equal(a.ip, '127.0.0.9');
  });

  test('the read record is durable before the response (visible at once)', async () => {
    const r = await nurse.get(`/api/v1/patients/${p.id}`);
    const top = (await admin.get('/api/v1/audit?limit=5')).body.items;
    assert.ok(top.some((a) => a.request_id === r.headers.get('x-request-id') && a.action === 'patient.read' && a.actor_role === 'nurse'));
  });

  test('update and archive are recorded; the archive record carries the reason', async () => {
    const u = await clin.patch(`/api/v1/patients/${p.id}`, { given_name: 'Audited' }, { 'If-Match': '"1"' });
    assert.equal(u.status, 200);
    const ar = await clin.post(`/api/v1/patients/${p.id}/archive`, { reason: 'Moved away' }, { 'If-Match': '"2"' });
    assert.equal(ar.status, 200);
    const [ua] = await byRequest(u.headers.get('x-request-id'));
    assert.equal(ua.action, 'patient.update');
    assert.equal(ua.patient_id, p.id);
    assert.equal(ua.actor_id, clin.staff.id);
    const [aa] = await byRequest(ar.headers.get('x-request-id'));
    assert.equal(aa.action, 'patient.archive');
    assert.equal(aa.detail, 'Moved away');
    assert.ok(aa.seq > ua.seq);
  });

  test('failed writes leave no record', async () => {
    const bad = await clin.patch(`/api/v1/patients/${p.id}`, { given_name: 'X' }, { 'If-Match': '"3"' });
    assert.equal(bad.status, 409); // archived
    assert.deepEqual(await byRequest(bad.headers.get('x-request-id')), []);
    const inv = await clin.post('/api/v1/patients', { mrn: 'x' });
    assert.equal(inv.status, 422);
    assert.deepEqual(await byRequest(inv.headers.get('x-request-id')), []);
  });

  test('a list writes one patient.list record per page naming the patients shown, with the query; the patient filter finds it', async () => {
    const fam = `Aud${rnd(6)}`;
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await clin.post('/api/v1/patients', newPatient({ family_name: fam }))).body.id);
    const r = await nurse.get(`/api/v1/patients?q=${fam}&limit=2`);
    assert.equal(r.body.items.length, 2);
    const shown = r.body.items.map((x) => x.id);
    const recs = await byRequest(r.headers.get('x-request-id'));
    assert.equal(recs.length, 1, 'one record for the page');
    assert.deepEqual([recs[0].action, recs[0].actor_role, recs[0].patient_id], ['patient.list', 'nurse', null]);
    assert.equal(recs[0].detail, `patients: ${shown.join(' ')}; q: ${fam}`);
    // Each patient's audit trail has the page; the patient left off the page does not.
    for (const id of shown) {
      const trail = (await admin.get(`/api/v1/audit?patient_id=${id}&action=patient.list`)).body.items;
      assert.ok(trail.some((a) => a.request_id === r.headers.get('x-request-id')), `the page is in ${id}'s trail`);
    }
    const left = ids.find((id) => !shown.includes(id));
    const leftTrail = (await admin.get(`/api/v1/audit?patient_id=${left}&action=patient.list`)).body.items;
    assert.ok(!leftTrail.some((a) => a.request_id === r.headers.get('x-request-id')), 'not in the trail of a patient not shown');
    // A page of one names its patient as the record's patient as well.
    const one = await nurse.get(`/api/v1/patients?q=${fam}&limit=1`);
    const oneRecs = await byRequest(one.headers.get('x-request-id'));
    assert.deepEqual(oneRecs.map((a) => [a.patient_id, a.detail]), [[one.body.items[0].id, `patients: ${one.body.items[0].id}; q: ${fam}`]]);
    // A search that finds no one is recorded once, with no patient and the query.
    const none = await nurse.get('/api/v1/patients?q=NoSuchNameAtAll');
    const noneRecs = await byRequest(none.headers.get('x-request-id'));
    assert.deepEqual(noneRecs.map((a) => [a.action, a.patient_id, a.detail]), [['patient.list', null, 'NoSuchNameAtAll']]);
  });

  test('diagnoses: create, read, list and update are recorded against the patient', async () => {
    const q = (await clin.post('/api/v1/patients', newPatient())).body;
    const k = await clin.post(`/api/v1/patients/${q.id}/conditions`, { icd10: 'E11.42' });
    const g = await nurse.get(`/api/v1/conditions/${k.body.id}`);
    const l = await nurse.get(`/api/v1/patients/${q.id}/conditions`);
    const u = await clin.patch(`/api/v1/conditions/${k.body.id}`, { notes: 'n' }, { 'If-Match': '"1"' });
    const expect = [[k, 'condition.create', 'clinician'], [g, 'condition.read', 'nurse'], [l, 'condition.list', 'nurse'], [u, 'condition.update', 'clinician']];
    for (const [res, action, role] of expect) {
      assert.ok(res.status < 300, `${action}: ${res.status}`);
      const recs = await byRequest(res.headers.get('x-request-id'));
      assert.equal(recs.length, 1, action);
      assert.equal(recs[0].action, action);
      assert.equal(recs[0].actor_role, role);
      assert.equal(recs[0].patient_id, q.id);
    }
    const forPatient = await allAudit({ patient_id: q.id });
    assert.deepEqual(forPatient.map((a) => a.action),
      ['condition.update', 'condition.list', 'condition.read', 'condition.create', 'patient.create']);
  });
});

describe('the audit list', () => {
  test('newest first; paging with limit and next_cursor visits every record once', async () => {
    const all = await allAudit();
    assert.ok(all.length >= 15, `enough records (${all.length})`);
    const seqs = all.map((a) => a.seq);
    assert.deepEqual(seqs, [...seqs].sort((x, y) => y - x), 'newest first');
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => seqs.length - i), 'contiguous from 1');

    const paged = [];
    let cursor = null;
    let pages = 0;
    do {
      const r = await admin.get(`/api/v1/audit?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.status, 200);
      assert.ok(r.body.items.length <= 4);
      paged.push(...r.body.items.map((a) => a.seq));
      cursor = r.body.next_cursor;
      pages++;
    } while (cursor && pages < 1000);
    // Each page read is itself recorded (audit.read), newer than the first read: paging
    // backwards still visits every record that was there, once and in order.
    assert.deepEqual(paged, [...paged].sort((x, y) => y - x), 'newest first, no repeats');
    assert.deepEqual(paged.filter((x) => x <= seqs[0]), seqs);
  });

  test('every record has its own hash', async () => {
    const all = await allAudit();
    assert.equal(new Set(all.map((a) => a.hash)).size, all.length);
  });

  test('bad limit, cursor, patient_id: 422', async () => {
    assertInvalid(await admin.get('/api/v1/audit?limit=0'), ['limit']);
    assertInvalid(await admin.get('/api/v1/audit?cursor=abc'), ['cursor']);
    assertInvalid(await admin.get('/api/v1/audit?cursor=-5'), ['cursor']);
    assertInvalid(await admin.get('/api/v1/audit?patient_id=nope'), ['patient_id']);
  });

  test('non-admins: 403', async () => {
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      const c = role === 'clinician' ? clin : role === 'nurse' ? nurse : await login(srv.base, role);
      assertProblem(await c.get('/api/v1/audit'), 403, role);
    }
  });
});

describe('schwann audit verify', () => {
  test('intact while the server runs', () => {
    const r = cli(['audit', 'verify', '--db', srv.db]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /intact/);
    const n = Number(r.stdout.match(/(\d+) records/)[1]);
    assert.equal(n, Number(sqlite(srv.db, 'SELECT count(*) FROM audit')));
  });

  test('after the server stops: an edited record is named (exit 3), restoring it heals the chain; a deleted one is detected', async () => {
    await stopServer(srv, { ownsDir: false });
    const db = srv.db;
    const n = Number(sqlite(db, 'SELECT count(*) FROM audit'));
    assert.ok(n >= 10);
    assert.equal(cli(['audit', 'verify', '--db', db]).status, 0);

    const action = sqlite(db, 'SELECT action FROM audit WHERE seq=3');
    sqlite(db, "UPDATE audit SET action='x' WHERE seq=3");
    let r = cli(['audit', 'verify', '--db', db]);
    assert.equal(r.status, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /BROKEN at record 3\b/);

    sqlite(db, `UPDATE audit SET action='${action}' WHERE seq=3`);
    r = cli(['audit', 'verify', '--db', db]);
    assert.equal(r.status, 0, 'restored: intact again');

    // Other fields too: the actor, the patient, the time (on the first patient.create record,
    // which has all of them and no detail).
    const seq = Number(sqlite(db, "SELECT min(seq) FROM audit WHERE action='patient.create'"));
    for (const [col, val] of [['actor_id', 'someone-else'], ['patient_id', null], ['at', '2000-01-01T00:00:00Z'], ['detail', 'added']]) {
      const copy = `${db}.${col}.db`;
      copyFileSync(db, copy);
      if (existsSync(`${db}-wal`)) copyFileSync(`${db}-wal`, `${copy}-wal`);
      sqlite(copy, `UPDATE audit SET ${col}=${val === null ? 'NULL' : `'${val}'`} WHERE seq=${seq}`);
      const v = cli(['audit', 'verify', '--db', copy]);
      assert.equal(v.status, 3, `${col} edited`);
      assert.match(v.stdout, new RegExp(`BROKEN at record ${seq}\\b`), col);
    }

    sqlite(db, 'DELETE FROM audit WHERE seq=6');
    r = cli(['audit', 'verify', '--db', db]);
    assert.equal(r.status, 3, r.stdout);
    assert.match(r.stdout, /BROKEN at record 7\b/, 'the record after the deleted one');
  });

  test('the first record deleted is detected', () => {
    const copy = `${srv.db}.first.db`;
    copyFileSync(srv.db, copy);
    sqlite(copy, 'DELETE FROM audit WHERE seq=1');
    const r = cli(['audit', 'verify', '--db', copy]);
    assert.equal(r.status, 3);
    assert.match(r.stdout, /BROKEN at record 2\b/);
  });

  test('a forged record appended with a wrong prev_hash is detected', () => {
    const copy = `${srv.db}.forged.db`;
    copyFileSync(srv.db, copy);
    sqlite(copy, 'DELETE FROM audit WHERE seq>=6');
    assert.equal(cli(['audit', 'verify', '--db', copy]).status, 0, 'a truncated tail alone still chains');
    sqlite(copy, "INSERT INTO audit (seq, at, action, prev_hash, hash) VALUES (6, '2026-01-01T00:00:00Z', 'patient.read', 'ab', 'cd')");
    const r = cli(['audit', 'verify', '--db', copy]);
    assert.equal(r.status, 3);
    assert.match(r.stdout, /BROKEN at record 6\b/);
  });
});
