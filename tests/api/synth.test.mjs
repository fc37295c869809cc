// schwann synth: a synthetic registry the outcome reports read unchanged (treated patients with
// injections, baselines and milestone readings, every patient marked synthetic), the same
// patients for the same seed, and the refusals (a seed loaded before, a database with real
// patients, bad numbers).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer, login, newPatient, freshDb } from '../lib/server.mjs';
import { cli, sqlite, stopServer } from './helpers.mjs';

describe('synth', () => {
  const { db, dir } = freshDb();
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('writes 300 synthetic patients that the responder table reads', async () => {
    const r = cli(['synth', '--db', db, '--patients', '300', '--seed', '7']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /300 SYNTHETIC patients, (\d+) treated .*, (\d+) comparator; (\d+) NRS readings; [\d.]+ s/);
    const [, treated, comparator, readings] = r.stdout.match(/(\d+) treated .*, (\d+) comparator; (\d+) NRS readings/);
    assert.equal(Number(treated) + Number(comparator), 300);
    assert.ok(Number(readings) > 300 * 12, `${readings} readings`);
    assert.equal(sqlite(db, 'SELECT count(*) FROM patients WHERE synthetic = 1'), '300');
    assert.equal(sqlite(db, 'SELECT count(*) FROM patients WHERE synthetic = 0'), '0');
    assert.equal(sqlite(db, "SELECT count(*) FROM audit WHERE action = 'synth.load'"), '1');
    assert.equal(sqlite(db, 'PRAGMA journal_mode'), 'wal', 'the load gives WAL back');
    assert.equal(sqlite(db, "SELECT count(DISTINCT patient_id) FROM procedures WHERE kind = 'injection'"), treated);

    const srv = await startServer({ db });
    try {
      const c = await login(srv.base, 'researcher');
      const t = await c.get('/api/v1/outcomes/responders?milestone=91&min_n=1');
      assert.equal(t.status, 200, t.text);
      const all = t.body.rows[0];
      assert.equal(all.treated, Number(treated));
      assert.ok(all.due > 0 && all.due < all.treated, JSON.stringify(all));
      assert.ok(all.observed > 0 && all.responders > 0 && all.responders < all.observed, JSON.stringify(all));
      const by = await c.get('/api/v1/outcomes/responders?milestone=91&by=biologic&min_n=1');
      assert.deepEqual(by.body.rows.slice(1).map((x) => x.stratum.biologic).sort(), ['adipose_svf', 'bmac', 'prp']);
      const ch = await c.get('/api/v1/outcomes/responders?milestone=182&by=chronicity&min_n=1');
      assert.deepEqual(ch.body.rows.slice(1).map((x) => x.stratum.chronicity).sort(), ['chronic', 'recent', 'unknown']);

      // A synthetic patient's records read back through the API like any other.
      const doc = await login(srv.base, 'clinician');
      const id = sqlite(db, "SELECT patient_id FROM procedures WHERE kind = 'injection' LIMIT 1");
      const p = await doc.get(`/api/v1/patients/${id}`);
      assert.equal(p.status, 200, p.text);
      assert.equal(p.body.synthetic, true);
      assert.match(p.body.mrn, /^SYN-7-\d{7}$/);
      for (const kind of ['conditions', 'plans', 'procedures', 'diary', 'assessments']) {
        const l = await doc.get(`/api/v1/patients/${id}/${kind}`);
        assert.equal(l.status, 200, `${kind}: ${l.text}`);
        assert.ok(l.body.items.length > 0, kind);
      }

      // A real patient from now on: no synthetic registry goes into this database any more.
      assert.equal((await doc.post('/api/v1/patients', newPatient())).status, 201);
    } finally {
      await stopServer(srv, { ownsDir: false });
    }
    const real = cli(['synth', '--db', db, '--patients', '10', '--seed', '8']);
    assert.equal(real.status, 1);
    assert.match(real.stderr, /holds patients who are not synthetic/);
    assert.equal(sqlite(db, 'SELECT count(*) FROM patients'), '301');
  });

  test('the same seed gives the same patients; a seed loaded before is refused', () => {
    const a = freshDb({ noStaff: true });
    const b = freshDb({ noStaff: true });
    try {
      for (const x of [a, b]) assert.equal(cli(['synth', '--db', x.db, '--patients', '50', '--seed', '3']).status, 0);
      const q = 'SELECT mrn, family_name, given_name, birth_date, sex_at_birth FROM patients ORDER BY mrn';
      assert.equal(sqlite(a.db, q), sqlite(b.db, q));
      const nrs = 'SELECT p.mrn, d.entry_date, d.nrs, d.status FROM diary_entries d JOIN patients p ON p.id = d.patient_id ORDER BY 1, 2, 3';
      assert.equal(sqlite(a.db, nrs), sqlite(b.db, nrs));
      const again = cli(['synth', '--db', a.db, '--patients', '50', '--seed', '3']);
      assert.equal(again.status, 1);
      assert.match(again.stderr, /seed 3 was loaded here before/);
      assert.equal(sqlite(a.db, 'SELECT count(*) FROM patients'), '50', 'the failed load left nothing');
      assert.equal(cli(['synth', '--db', a.db, '--patients', '20', '--seed', '4']).status, 0, 'another seed adds to it');
      assert.equal(sqlite(a.db, 'SELECT count(*) FROM patients'), '70');
    } finally {
      rmSync(a.dir, { recursive: true, force: true });
      rmSync(b.dir, { recursive: true, force: true });
    }
  });

  test('bad numbers: exit 2 with a message', () => {
    for (const [opt, v] of [['--patients', '0'], ['--patients', 'many'], ['--patients', '10000001'], ['--seed', '-1']]) {
      const r = cli(['synth', '--db', db, opt, v]);
      assert.equal(r.status, 2, `${opt} ${v}`);
      assert.match(r.stderr, new RegExp(opt));
    }
  });
});
