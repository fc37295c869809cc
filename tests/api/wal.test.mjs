// The WAL is moved into the database file by the server's own checkpoint thread, a few times a
// second, not inside whichever commit crosses SQLite's 1,000 pages (every request waiting on that
// commit waited for the copy too). Seen from outside: a few writes reach the database file within
// a second, while the WAL is still far below 1,000 pages, and under a stream of reads and writes
// the WAL stays small.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { startServer, newPatient } from '../lib/server.mjs';
import { tokenClient, pool, stopServer } from './helpers.mjs';

let srv;
let c;
before(async () => {
  srv = await startServer({ args: ['--quiet'] });
  c = tokenClient(srv.base, srv.db, 'admin');
});
after(async () => { await stopServer(srv); });

const size = (f) => { try { return statSync(f).size; } catch { return 0; } };

async function until(what, fn, ms = 3000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`${what} within ${ms} ms`);
}

test('a few writes reach the database file within a second, the WAL far below 1,000 pages', async () => {
  const before = size(srv.db);
  for (let i = 0; i < 20; i++) assert.equal((await c.post('/api/v1/patients', newPatient())).status, 201);
  const wal = size(`${srv.db}-wal`);
  assert.ok(wal > 0 && wal < 1000 * 4096, `the WAL holds ${wal} bytes`);
  await until('the database file grew', () => size(srv.db) > before);
});

test('under a stream of reads and writes the WAL stays small', async () => {
  const ids = [];
  await pool(Array.from({ length: 300 }, (_, i) => i), 8, async (i) => {
    const r = await c.post('/api/v1/patients', newPatient());
    assert.equal(r.status, 201, r.text);
    ids.push(r.body.id);
    for (let k = 0; k < 5; k++) assert.equal((await c.get(`/api/v1/patients/${ids[(i * 7 + k) % ids.length]}`)).status, 200);
  });
  // 300 creates and 1,500 audited reads wrote well over 1,000 pages of WAL in all; it was
  // started again from its beginning along the way, and a larger file is cut back to 8 MiB at
  // the first commit after a start (a write each time it is looked at).
  await until('the WAL at most 8 MiB', () => {
    c.post('/api/v1/patients', newPatient()).catch(() => {});
    return size(`${srv.db}-wal`) <= 8 * 1024 * 1024;
  });
});
