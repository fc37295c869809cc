// Durability: a write the server acknowledged survives `kill -9` in the middle of a stream of
// concurrent writes and reads, and the audit chain stays intact.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { startServer, client, newPatient } from '../lib/server.mjs';
import { cli, sqlite, tokenFor, pool, stopServer } from './helpers.mjs';

const WIDTH = 16;
// More workers than requests in flight: an idle keep-alive connection holds a worker.
const ARGS = ['--threads', '32', '--quiet'];
let srv;
let db;

after(async () => {
  await stopServer(srv, { ownsDir: false });
  if (db) rmSync(dirname(db), { recursive: true, force: true });
});

// Runs fn over n items WIDTH at a time; SIGKILLs the server once `killAfter` of them succeeded.
// Returns the results (undefined for the requests that failed because the server died).
async function streamAndKill(n, killAfter, fn) {
  let ok = 0;
  let killed = false;
  const results = await pool(Array.from({ length: n }, (_, i) => i), WIDTH, async (i) => {
    if (killed) return undefined;
    let r;
    try {
      r = await fn(i);
    } catch {
      return undefined; // connection refused or reset: the server is gone
    }
    if (r.ok) ok++;
    if (ok >= killAfter && !killed) {
      killed = true;
      srv.proc.kill('SIGKILL'); // other requests are still in flight
    }
    return r;
  });
  assert.ok(killed, `the server was killed mid-stream (${ok} acknowledged)`);
  await new Promise((res) => (srv.proc.exitCode !== null || srv.proc.signalCode ? res() : srv.proc.once('exit', res)));
  assert.equal(srv.proc.signalCode, 'SIGKILL');
  return results;
}

test('acknowledged creates and updates survive SIGKILL; the audit chain stays intact', { timeout: 120000 }, async () => {
  srv = await startServer({ keep: true, args: ARGS });
  db = srv.db;
  const token = tokenFor(db, 'clinician');
  let c = client(srv.base, { token });

  // 1. 300 creates, 16 at a time, each followed by a read (read-audit group commits), killed at 150.
  const created = await streamAndKill(300, 150, async () => {
    const body = newPatient();
    const r = await c.post('/api/v1/patients', body);
    if (r.status === 201) {
      assert.equal(r.body.mrn, body.mrn);
      await c.get(`/api/v1/patients/${r.body.id}`).catch(() => {});
      return { ok: true, id: r.body.id, mrn: body.mrn };
    }
    return { ok: false, status: r.status };
  });
  const acked = created.filter((x) => x?.ok);
  assert.ok(acked.length >= 150, `${acked.length} acknowledged`);
  assert.ok(created.filter((x) => x === undefined).length > 0, 'some requests were cut off by the kill');
  assert.ok(created.every((x) => x === undefined || x.ok), `only 201s or cut-offs: ${JSON.stringify(created.filter((x) => x && !x.ok).slice(0, 3))}`);

  srv = await startServer({ db, keep: true, args: ARGS });
  c = client(srv.base, { token });
  const back = await pool(acked, 8, (a) => c.get(`/api/v1/patients/${a.id}`));
  back.forEach((r, i) => {
    assert.equal(r.status, 200, `acknowledged patient ${acked[i].id} lost after kill -9`);
    assert.equal(r.body.mrn, acked[i].mrn);
  });
  let v = cli(['audit', 'verify', '--db', db]);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /intact/);

  // 2. Updates of the acknowledged patients, killed half-way.
  const updated = await streamAndKill(acked.length, Math.floor(acked.length / 2), async (i) => {
    const r = await c.patch(`/api/v1/patients/${acked[i].id}`, { given_name: `Kept${i}` }, { 'If-Match': '"1"' });
    return r.status === 200 ? { ok: true, i, version: r.body.version } : { ok: false, status: r.status };
  });
  const ackedUpdates = updated.filter((x) => x?.ok);
  assert.ok(ackedUpdates.length >= Math.floor(acked.length / 2));
  assert.ok(updated.every((x) => x === undefined || x.ok), 'only 200s or cut-offs');

  srv = await startServer({ db, keep: true, args: ARGS });
  c = client(srv.base, { token });
  for (const u of ackedUpdates) {
    const r = await c.get(`/api/v1/patients/${acked[u.i].id}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.version, 2, `update of ${acked[u.i].id} acknowledged but lost`);
    assert.equal(r.body.given_name, `Kept${u.i}`);
  }
  await stopServer(srv, { ownsDir: false });

  // 3. The database is consistent: intact chain, every patient written together with its audit record.
  v = cli(['audit', 'verify', '--db', db]);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  assert.equal(sqlite(db, 'PRAGMA integrity_check'), 'ok');
  assert.equal(sqlite(db, "SELECT count(*) FROM patients p WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.action = 'patient.create' AND a.resource_id = p.id)"), '0');
  assert.equal(sqlite(db, "SELECT count(*) FROM patients p WHERE p.version = 2 AND NOT EXISTS (SELECT 1 FROM audit a WHERE a.action = 'patient.update' AND a.resource_id = p.id)"), '0');
  const total = Number(sqlite(db, 'SELECT count(*) FROM patients'));
  assert.ok(total >= acked.length && total <= 300, `${total} patients stored`);
});
