// The command line: version, help, exit codes, user add, token create, backup while serving, demo.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync, statSync, cpSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, client, newPatient, freshDb } from '../lib/server.mjs';
import { cli, cliAsync, sqlite, tokenFor, rnd, pool, stopServer, ROOT } from './helpers.mjs';

let dir;
before(() => { dir = mkdtempSync(join(tmpdir(), 'schwann-cli-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

const COMMANDS = {
  serve: ['serve'], 'user add': ['user', 'add'], 'token create': ['token', 'create'],
  'token revoke': ['token', 'revoke'], demo: ['demo'], synth: ['synth'],
  backup: ['backup'], 'audit verify': ['audit', 'verify'], outcomes: ['outcomes', 'responders'],
};

describe('version and help', () => {
  test('--version prints "schwann X.Y.Z" and exits 0', () => {
    const r = cli(['--version']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^schwann \d+\.\d+\.\d+\S*\n$/);
  });

  test('--help and help list every command, exit 0, on stdout', () => {
    for (const args of [['--help'], ['help']]) {
      const r = cli(args);
      assert.equal(r.status, 0);
      for (const name of ['serve', 'user', 'token', 'demo', 'synth', 'backup', 'audit']) assert.match(r.stdout, new RegExp(`^  ${name} `, 'm'));
      assert.equal(r.stderr, '');
    }
  });

  for (const [name, args] of Object.entries(COMMANDS)) {
    test(`${name} --help: exit 0, usage and every option on stdout`, () => {
      const r = cli([...args, '--help']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^usage: schwann ${name}`));
      assert.match(r.stdout, /--db PATH/);
      assert.match(r.stdout, /--help/);
      assert.equal(r.stderr, '');
    });
  }

  test('the group commands take --help too (user, token, audit)', () => {
    for (const g of ['user', 'token', 'audit']) {
      const r = cli([g, '--help']);
      assert.equal(r.status, 0, g);
      assert.match(r.stdout, /^usage: schwann /);
    }
  });

  test('option descriptions start in one column', () => {
    for (const [name, args] of Object.entries(COMMANDS)) {
      const lines = cli([...args, '--help']).stdout.split('\n').filter((l) => /^ {2}--/.test(l));
      assert.ok(lines.length >= 2, name);
      const cols = lines.map((l) => l.match(/^ {2}--\S+(?: [A-Z:]+)? +/)[0].length);
      assert.equal(new Set(cols).size, 1, `${name} --help:\n${lines.join('\n')}`);
    }
  });
});

describe('exit codes and messages', () => {
  test('no command: usage on stderr, exit 2', () => {
    const r = cli([]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /usage: schwann COMMAND/);
  });

  test('unknown command: exit 2 naming it', () => {
    const r = cli(['frobnicate']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
    assert.equal(r.stdout, '');
  });

  test('unknown subcommand or option: exit 2', () => {
    assert.equal(cli(['user', 'delete']).status, 2);
    assert.equal(cli(['audit', 'fix']).status, 2);
    assert.equal(cli(['token', 'revoke']).status, 2);
    const r = cli(['backup', '--db', 'x.db', '--to', 'y.db', '--fast']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown option '--fast'/);
    const v = cli(['serve', '--db']);
    assert.equal(v.status, 2);
    assert.match(v.stderr, /--db needs a value/);
  });

  test('missing --db: exit 2 with a message, for every command', () => {
    const rest = {
      serve: [], 'user add': ['--email', 'a@b.test', '--name', 'A', '--role', 'admin'],
      'token create': ['--email', 'a@b.test'], 'token revoke': ['--token', 'sw_x'], demo: [], synth: [], backup: ['--to', join(dir, 'never.db')], 'audit verify': [], outcomes: [],
    };
    for (const [name, args] of Object.entries(COMMANDS)) {
      const r = cli([...args, ...rest[name]], 'password-123\n');
      assert.equal(r.status, 2, `${name}: ${r.stderr}`);
      assert.match(r.stderr, /--db is required/, name);
    }
    assert.ok(!existsSync(join(dir, 'never.db')));
  });

  test('serve: bad numbers and unusable paths are refused before listening', () => {
    const db = join(dir, 'serve.db');
    for (const [opt, v] of [['--threads', '0'], ['--threads', 'many'], ['--chronic-months', '0'], ['--chronic-months', '601']]) {
      const r = cli(['serve', '--db', db, '--listen', '127.0.0.1:1', opt, v]);
      assert.equal(r.status, 2, `${opt} ${v}`);
      assert.match(r.stderr, new RegExp(opt));
    }
    const r = cli(['serve', '--db', join(dir, 'no/such/dir/x.db')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cannot open/);
  });
});

describe('user add', () => {
  const db = () => join(dir, 'users.db');
  const add = (email, role, password, extra = []) => cli(
    ['user', 'add', '--db', db(), '--email', email, '--name', 'Some One', '--role', role, ...(password === null ? [] : ['--password-stdin']), ...extra],
    password === null ? undefined : `${password}\n`,
  );

  test('adds a staff member', () => {
    const r = add('first@test.schwann.test', 'nurse', 'long-enough-1');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /added first@test\.schwann\.test \(nurse\)/);
    assert.doesNotMatch(r.stdout, /long-enough-1/, 'a given password is not echoed');
  });

  test('bad role: non-zero, names the roles', () => {
    const r = add('x1@test.schwann.test', 'doctor', 'long-enough-1');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /--role must be one of admin, clinician, nurse, front_desk, researcher/);
  });

  test('weak password: non-zero, says why (length, common, only spaces, too long, bad e-mail)', () => {
    const cases = [['short-11ch!', /at least 12 characters/], ['password1234', /most commonly used/],
      [' '.repeat(13), /only spaces/], ['x'.repeat(1030), /at most 1,024 bytes/], ['y'.repeat(3000), /too long/]];
    for (const [pw, why] of cases) {
      const r = add('x2@test.schwann.test', 'nurse', pw);
      assert.notEqual(r.status, 0, pw.slice(0, 20));
      assert.match(r.stderr, why, pw.slice(0, 20));
    }
    const spaced = cli(['user', 'add', '--db', db(), '--email', ' x3@test.schwann.test', '--name', 'S', '--role', 'nurse', '--password-stdin'],
      'long-enough-3\n');
    assert.notEqual(spaced.status, 0);
    assert.match(spaced.stderr, /--email must be an e-mail address without spaces/);
  });

  test('duplicate e-mail (any case): non-zero, says it exists', () => {
    for (const email of ['first@test.schwann.test', 'FIRST@test.schwann.test']) {
      const r = add(email, 'admin', 'long-enough-2');
      assert.notEqual(r.status, 0, email);
      assert.match(r.stderr, /already exists/, email);
    }
  });

  test('bad e-mail: non-zero', () => {
    const r = add('not-an-email', 'nurse', 'long-enough-1');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /e-mail/);
  });

  test('empty name: non-zero', () => {
    const r = cli(['user', 'add', '--db', db(), '--email', 'noname@test.schwann.test', '--name', '', '--role', 'nurse', '--password-stdin'], 'long-enough-1\n');
    assert.notEqual(r.status, 0, `a staff member with an empty name was added: ${r.stdout}`);
  });

  test('--password-stdin with nothing on stdin: non-zero', () => {
    const r = cli(['user', 'add', '--db', db(), '--email', 'x3@test.schwann.test', '--name', 'X', '--role', 'nurse', '--password-stdin'], '');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /standard input/);
  });

  test('a generated password is printed once and signs in (server already running on the database)', async () => {
    const { db: sdb, dir: sdir } = freshDb();
    const srv = await startServer({ db: sdb });
    try {
      const r = cli(['user', 'add', '--db', sdb, '--email', 'gen@test.schwann.test', '--name', 'Gen Erated', '--role', 'front_desk']);
      assert.equal(r.status, 0, r.stderr);
      const m = r.stdout.match(/password \(shown once\): (\S+)/);
      assert.ok(m, r.stdout);
      const pw = m[1];
      assert.ok(pw.length >= 16, 'generated passwords are long');
      assert.equal(r.stdout.split(pw).length - 1, 1, 'printed exactly once');
      const s = await client(srv.base).post('/api/v1/session', { email: 'gen@test.schwann.test', password: pw });
      assert.equal(s.status, 201, s.text);
      assert.equal(s.body.staff.role, 'front_desk');
      assert.equal(s.body.staff.name, 'Gen Erated');
      const again = cli(['user', 'add', '--db', sdb, '--email', 'gen2@test.schwann.test', '--name', 'G', '--role', 'nurse']);
      assert.notEqual(again.stdout.match(/shown once\): (\S+)/)[1], pw, 'each generated password is new');
    } finally {
      await stopServer(srv, { ownsDir: false });
      rmSync(sdir, { recursive: true, force: true });
    }
  });
});

describe('signed audit checkpoints', () => {
  test('the server signs the chain with a key kept beside the database (0600); verify --key proves it; removed records show', async () => {
    const { db } = freshDb(); // kept after the server stops
    const srv = await startServer({ db, args: ['--audit-every', '3', '--quiet'] });
    const key = `${srv.db}.audit-key`;
    try {
      const c = client(srv.base, { token: tokenFor(srv.db, 'clinician') });
      for (let i = 0; i < 4; i++) assert.equal((await c.post('/api/v1/patients', newPatient())).status, 201);
    } finally {
      await stopServer(srv);
    }
    assert.equal(statSync(key).mode & 0o777, 0o600, 'the key file is private');
    const ok = cli(['audit', 'verify', '--db', srv.db, '--key', key]);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /signed checkpoints: \d+ hold; the last covers record \d+; 0 records follow it/);
    const copy = join(dir, 'audit-cut.db');
    cpSync(srv.db, copy);
    sqlite(copy, 'DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)');
    assert.equal(cli(['audit', 'verify', '--db', copy]).status, 0, 'the unkeyed chain cannot tell the newest record is gone');
    const cut = cli(['audit', 'verify', '--db', copy, '--key', key]);
    assert.equal(cut.status, 3, cut.stdout);
    assert.match(cut.stdout, /FAILED: the record it signed is gone/);
    const other = join(dir, 'other.key');
    writeFileSync(other, `${'ab'.repeat(64)}\n`, { mode: 0o600 });
    const wrong = cli(['audit', 'verify', '--db', srv.db, '--key', other]);
    assert.equal(wrong.status, 3);
    assert.match(wrong.stdout, /signed with another key/);
    const bad = cli(['audit', 'verify', '--db', srv.db, '--key', join(dir, 'nope.key')]);
    assert.equal(bad.status, 1);
  });
});

describe('backup while serving and writing', () => {
  let srv;
  before(async () => { srv = await startServer({ args: ['--threads', '16', '--quiet'] }); });
  after(async () => { await stopServer(srv); });

  test('the copy passes audit verify and holds every patient acknowledged before it started', async () => {
    const c = client(srv.base, { token: tokenFor(srv.db, 'clinician') });
    const before = await pool(Array.from({ length: 40 }, (_, i) => i), 4, async () => {
      const r = await c.post('/api/v1/patients', newPatient({ family_name: `Bak${rnd(4)}` }));
      assert.equal(r.status, 201);
      await c.get(`/api/v1/patients/${r.body.id}`); // a read record too
      return r.body.id;
    });
    // Keep writing and reading while the backup runs.
    let stop = false;
    const during = [];
    const writer = (async () => {
      while (!stop) {
        const r = await c.post('/api/v1/patients', newPatient());
        if (r.status === 201) during.push(r.body.id);
        await c.get('/api/v1/patients?limit=5');
      }
    })();
    const to = join(dir, 'backup.db');
    await new Promise((r) => setTimeout(r, 50));
    const b = await cliAsync(['backup', '--db', srv.db, '--to', to]);
    stop = true;
    await writer;
    assert.equal(b.status, 0, b.stderr);
    assert.match(b.stdout, /backed up/);
    assert.ok(during.length > 0, 'writes went on during the backup');

    const v = cli(['audit', 'verify', '--db', to]);
    assert.equal(v.status, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /intact/);
    const ids = new Set(sqlite(to, 'SELECT id FROM patients').split('\n'));
    for (const id of before) assert.ok(ids.has(id), `patient ${id} in the backup`);
    assert.equal(sqlite(to, 'PRAGMA integrity_check'), 'ok');
    assert.ok(statSync(to).size > 0);

    // The copy serves.
    const copy = await startServer({ db: to });
    try {
      const cc = client(copy.base, { token: tokenFor(to, 'admin') });
      const r = await cc.get(`/api/v1/patients/${before[0]}`);
      assert.equal(r.status, 200);
    } finally {
      await stopServer(copy, { ownsDir: false });
    }
  });

  test('backup to an unwritable place: non-zero with a message', () => {
    const r = cli(['backup', '--db', srv.db, '--to', join(dir, 'no/such/dir/b.db')]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /backup|cannot/);
  });
});

describe('demo', () => {
  test('creates 200 synthetic patients and one login per role; refuses a database with staff', async () => {
    const db = join(dir, 'demo.db');
    const r = cli(['demo', '--db', db]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /200 SYNTHETIC patients/);
    const logins = [...r.stdout.matchAll(/^ {2}(\w+)\s+(\S+@\S+)\s+(\S+)$/gm)].map((m) => ({ role: m[1], email: m[2], password: m[3] }));
    assert.deepEqual(logins.map((l) => l.role).sort(), ['admin', 'clinician', 'front_desk', 'nurse', 'researcher']);

    const srv = await startServer({ db });
    try {
      const adm = logins.find((l) => l.role === 'admin');
      const s = await client(srv.base).post('/api/v1/session', { email: adm.email, password: adm.password });
      assert.equal(s.status, 201, s.text);
      const c = client(srv.base, { cookie: s.headers.get('set-cookie').split(';')[0], csrf: s.body.csrf_token });
      const l = await c.get('/api/v1/patients?limit=500');
      assert.equal(l.status, 200);
      assert.equal(l.body.items.length, 200);
      assert.equal(l.body.next_cursor, null);
      for (const p of l.body.items) {
        assert.equal(p.synthetic, true, p.mrn);
        assert.match(p.mrn, /^DEMO-\d{6}$/);
      }
      assert.equal(new Set(l.body.items.map((p) => p.mrn)).size, 200);
      const k = await c.get(`/api/v1/patients/${l.body.items[0].id}/conditions`);
      assert.equal(k.status, 200);
      assert.ok(k.body.items.length >= 1, 'demo patients have a diagnosis');
      assert.ok(['recent', 'chronic', 'unknown'].includes(k.body.items[0].chronicity));
      for (const other of logins.filter((x) => x.role !== 'admin')) {
        const o = await client(srv.base).post('/api/v1/session', { email: other.email, password: other.password });
        assert.equal(o.status, 201, other.role);
        assert.equal(o.body.staff.role, other.role);
      }
    } finally {
      await stopServer(srv, { ownsDir: false });
    }
    assert.equal(cli(['audit', 'verify', '--db', db]).status, 0);

    const again = cli(['demo', '--db', db]);
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /already holds staff/);
    assert.equal(Number(sqlite(db, 'SELECT count(*) FROM patients')), 200, 'nothing added the second time');

    const { db: withStaff, dir: d2 } = freshDb();
    try {
      const w = cli(['demo', '--db', withStaff]);
      assert.notEqual(w.status, 0);
      assert.match(w.stderr, /already holds staff/);
      assert.equal(Number(sqlite(withStaff, 'SELECT count(*) FROM patients')), 0);
    } finally {
      rmSync(d2, { recursive: true, force: true });
    }
  });

  // What the demo holds is read back through the API, as the UI and a recall would read it.
  test('treatment: plans of every protocol in every state, consents, procedures, follow-ups, adverse events, shared lots', async () => {
    const db = join(dir, 'demo-treatment.db');
    const r = cli(['demo', '--db', db]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\d+ treatment plans \(PRP series \d+, BMAC \d+, adipose SVF \d+\) in every state/);
    const n = new Date();
    const pad = (v) => String(v).padStart(2, '0');
    const today = `${n.getFullYear()}-${pad(n.getMonth() + 1)}-${pad(n.getDate())}`; // the clinic's (local) date
    const srv = await startServer({ db });
    try {
      const s = await client(srv.base).post('/api/v1/session', { email: 'clinician@demo.schwann.test', password: 'demo-clinician-pass' });
      assert.equal(s.status, 201, s.text);
      const c = client(srv.base, { cookie: s.headers.get('set-cookie').split(';')[0], csrf: s.body.csrf_token });
      const patients = (await c.get('/api/v1/patients?limit=500')).body.items;
      assert.equal(patients.length, 200);
      const items = async (path) => {
        const x = await c.get(path);
        assert.equal(x.status, 200, `${path}: ${x.text}`);
        return x.body.items;
      };
      const per = await pool(patients, 8, async (p) => {
        const [plans, procedures, events, consents] = await Promise.all(['plans', 'procedures', 'adverse-events', 'consents']
          .map((what) => items(`/api/v1/patients/${p.id}/${what}`)));
        const assessments = procedures.length ? await items(`/api/v1/patients/${p.id}/assessments`) : [];
        return { p, plans, procedures, events, consents, assessments };
      });
      const all = (key) => per.flatMap((x) => x[key]);
      const plans = all('plans');
      const treated = per.filter((x) => x.plans.length).length;
      assert.ok(treated >= 80 && treated <= 120, `${treated} of 200 patients have a plan (40-60 %)`);

      // Plans: every protocol in every state; a stopped plan says why; an investigational one with
      // procedures carries its study reference.
      for (const protocol of ['prp-series', 'bmac', 'adipose-svf']) {
        for (const status of ['proposed', 'accepted', 'declined', 'in_progress', 'completed', 'stopped']) {
          assert.ok(plans.some((pl) => pl.protocol === protocol && pl.status === status), `a ${protocol} plan that is ${status}`);
        }
      }
      for (const pl of plans.filter((x) => x.status === 'stopped')) assert.ok(pl.status_reason, `stopped plan ${pl.id} says why`);
      const procs = all('procedures');
      for (const pl of plans.filter((x) => procs.some((pr) => pr.plan_id === x.id))) {
        assert.ok(['in_progress', 'completed', 'stopped'].includes(pl.status), `${pl.status} plan with procedures`);
        if (pl.investigational) assert.ok(pl.study_reference, `investigational plan ${pl.id} has its study reference`);
      }
      assert.ok(plans.some((pl) => pl.investigational && procs.some((pr) => pr.plan_id === pl.id)), 'an adipose SVF plan under way');
      for (const pl of plans.filter((x) => x.status !== 'proposed')) assert.ok(pl.start_date <= today, `${pl.status} plan starts ${pl.start_date}`);

      // Steps done, skipped (with a reason), overdue (a running plan's, too) and still planned.
      const steps = plans.flatMap((pl) => pl.steps);
      for (const st of ['done', 'skipped', 'overdue', 'planned']) assert.ok(steps.some((x) => x.status === st), `a step ${st}`);
      for (const x of steps.filter((y) => y.status === 'skipped')) assert.ok(x.status_reason, 'a skipped step says why');
      assert.ok(plans.some((pl) => pl.status === 'in_progress' && pl.steps.some((x) => x.status === 'overdue')), 'an overdue step in a running plan');

      // Consents: current ones, and a withdrawn one that stopped its plan.
      const consents = all('consents');
      assert.ok(consents.filter((k) => k.current).length >= 40, 'current consents');
      const withdrawn = consents.filter((k) => k.status === 'withdrawn');
      assert.ok(withdrawn.length >= 1, 'a withdrawn consent');
      for (const k of withdrawn) {
        assert.ok(k.withdrawn_on >= k.signed_on && k.withdrawn_on <= today);
        const pl = plans.find((x) => x.id === k.plan_id);
        assert.equal(pl.status, 'stopped');
        assert.match(pl.status_reason, /^Consent withdrawn on \d{4}-\d{2}-\d{2}: /);
      }

      // Procedures of every kind, none in the future, with plausible values (facts.md 4.1-4.2).
      for (const kind of ['blood_draw', 'harvest', 'processing', 'injection']) assert.ok(procs.some((x) => x.kind === kind), `a ${kind}`);
      for (const source of ['bone_marrow', 'adipose']) assert.ok(procs.some((x) => x.source === source), `a ${source} harvest`);
      for (const x of procs) assert.ok(x.performed_on <= today, `${x.kind} on ${x.performed_on}`);
      const byId = new Map(procs.map((x) => [x.id, x]));
      for (const x of procs.filter((y) => y.kind === 'processing')) {
        const from = byId.get(x.from);
        assert.ok(from && from.patient_id === x.patient_id && from.performed_on === x.performed_on, 'processed the same day from the patient\'s own');
        if (from.kind === 'blood_draw') {
          assert.ok(x.baseline_platelets_per_ul >= 150000 && x.baseline_platelets_per_ul <= 350000, `baseline ${x.baseline_platelets_per_ul}`);
          assert.ok(x.platelet_fold >= 3 && x.platelet_fold <= 6, `PRP at ${x.platelet_fold}x`);
        } else if (from.source === 'bone_marrow') {
          assert.ok(x.viability_pct > 90 && x.nucleated_cells >= 1e8 && x.nucleated_cells <= 1e10, `marrow ${x.nucleated_cells} cells, ${x.viability_pct} %`);
        } else {
          assert.ok(x.nucleated_cells >= 1e7 && x.nucleated_cells <= 1e8, `SVF ${x.nucleated_cells} cells`);
        }
      }
      for (const x of procs.filter((y) => y.kind === 'injection')) assert.equal(byId.get(x.product)?.kind, 'processing');

      // A recall of one lot finds several patients.
      const patientsByLot = new Map();
      for (const x of procs) {
        for (const lot of [x.kit_lot, ...x.lot_numbers].filter(Boolean)) {
          if (!patientsByLot.has(lot)) patientsByLot.set(lot, new Set());
          patientsByLot.get(lot).add(x.patient_id);
        }
      }
      const widest = Math.max(...[...patientsByLot.values()].map((set) => set.size));
      assert.ok(widest >= 3, `the most patients one lot reached: ${widest}`);

      // Candidacy: each patient with a plan was screened and decided for the plan's biologic, the
      // decision kept with its findings; some were deferred.
      const withPlan = per.filter((x) => x.plans.length);
      const decisions = (await pool(withPlan.slice(0, 30), 8, async (x) => ({ x,
        d: await items(`/api/v1/patients/${x.p.id}/candidacy-decisions`) })));
      for (const { x, d } of decisions) {
        assert.ok(d.some((y) => y.biologic === x.plans[0].biologic && y.findings && Array.isArray(y.findings.findings)),
          `${x.p.mrn}: a candidacy decision for ${x.plans[0].biologic} with its findings`);
      }
      const live = await c.get(`/api/v1/patients/${withPlan[0].p.id}/candidacy`);
      assert.equal(live.status, 200);
      assert.ok(!live.body.biologics.some((b) => b.findings.some((f) => f.rule === 'no_platelets_before_harvest' && f.records.length === 0)),
        'the demo counted platelets');

      // Adverse events: mostly grade 1 and expected, a few grade 2, a serious one with its criterion.
      const aes = all('events');
      assert.ok(aes.filter((e) => e.grade === 1).length > aes.length / 2, 'mostly grade 1');
      assert.ok(aes.some((e) => e.grade === 2), 'a grade 2 event');
      assert.ok(aes.some((e) => e.serious && e.serious_criteria === 'hospitalisation'), 'a serious event (hospitalisation)');
      for (const e of aes) assert.ok(e.onset_date <= today && (!e.resolved_date || e.resolved_date <= today));

      // Follow-ups: NRS and PGIC in the window of each follow-up done, none in the future; a spread of
      // responses at three months (from the last NRS before the first injection).
      const responses = [];
      for (const x of per.filter((y) => y.procedures.length)) {
        const nrs = x.assessments.filter((a) => a.instrument === 'nrs');
        for (const a of x.assessments) assert.ok(a.performed_at <= today);
        for (const st of x.plans.flatMap((pl) => pl.steps).filter((y) => y.kind === 'follow_up' && y.status === 'done')) {
          for (const instrument of ['nrs', 'pgic']) {
            assert.ok(x.assessments.some((a) => a.instrument === instrument && a.performed_at >= st.window_from && a.performed_at <= st.window_to),
              `${instrument} within the follow-up window ${st.window_from}..${st.window_to}`);
          }
        }
        const first = x.procedures.filter((y) => y.kind === 'injection').map((y) => y.performed_on).sort()[0];
        const base = nrs.filter((a) => a.performed_at < first).at(-1);
        const days = (a) => (Date.parse(a.performed_at) - Date.parse(first)) / 86400000;
        const at3 = nrs.find((a) => days(a) >= 70 && days(a) <= 112);
        if (base && at3 && base.score.total > 0) responses.push(1 - at3.score.total / base.score.total);
      }
      assert.ok(responses.length >= 20, `${responses.length} patients with a 3-month NRS`);
      assert.ok(responses.some((f) => f >= 0.5), 'some improve by half or more');
      assert.ok(responses.some((f) => f >= 0.3 && f < 0.5), 'some by 30-50 %');
      assert.ok(responses.filter((f) => f < 0.3).length >= responses.length / 3, 'many little or not at all');
    } finally {
      await stopServer(srv, { ownsDir: false });
    }
  });
});

describe('token revoke', () => {
  test('a revoked token is refused (401); revoking it again or an unknown token exits 1', async () => {
    const { db } = freshDb();
    const token = tokenFor(db, 'clinician');
    let srv = await startServer({ db });
    try {
      assert.equal((await client(srv.base, { token }).get('/api/v1/me')).status, 200);
    } finally {
      await stopServer(srv);
    }
    const r = cli(['token', 'revoke', '--db', db, '--token', token]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /revoked/);
    srv = await startServer({ db });
    try {
      const me = await client(srv.base, { token }).get('/api/v1/me');
      assert.equal(me.status, 401);
      const other = tokenFor(db, 'nurse');
      assert.equal((await client(srv.base, { token: other }).get('/api/v1/me')).status, 200, 'other tokens still work');
    } finally {
      await stopServer(srv);
    }
    const again = cli(['token', 'revoke', '--db', db, '--token', token]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /no such token/);
    assert.equal(cli(['token', 'revoke', '--db', db, '--token', 'sw_not-a-token']).status, 1);
  });
});

describe('schema', () => {
  test('each record kind prints the CREATE TABLE of its description, matching the migrated table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'schwann-schema-'));
    try {
      const migrated = join(dir, 'm.db');
      const r0 = cli(['user', 'add', '--db', migrated, '--email', 'a@b.example', '--name', 'A', '--role', 'admin']);
      assert.equal(r0.status, 0, r0.stderr);
      const all = cli(['schema']);
      assert.equal(all.status, 0, all.stderr);
      const kinds = [...all.stdout.matchAll(/^-- (\w+) /gm)].map((m) => m[1]);
      assert.deepEqual(kinds.sort(), ['adverse_event', 'assessment', 'candidacy_decision', 'condition', 'consent', 'diary', 'medication', 'observation', 'plan', 'plan_step', 'procedure']);
      for (const kind of kinds) {
        const r = cli(['schema', '--kind', kind]);
        assert.equal(r.status, 0, r.stderr);
        const table = r.stdout.match(/CREATE TABLE (\w+)/)[1];
        const fresh = join(dir, `${kind}.db`);
        sqlite(fresh, `CREATE TABLE patients (id TEXT PRIMARY KEY); ${r.stdout}`);
        // By name: a column added later (ALTER TABLE ... ADD COLUMN) sits at the end of the table.
        const cols = (db) => sqlite(db, `SELECT group_concat(c, ', ') FROM (SELECT name || ' ' || type AS c FROM pragma_table_info('${table}') ORDER BY name)`);
        assert.equal(cols(fresh), cols(migrated), `${kind}: description and migration differ`);
      }
      const bad = cli(['schema', '--kind', 'nope']);
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /no record kind named 'nope'; kinds: .*medication/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('data folders given at start-up', () => {
  test('--treatment DIR: a good copy serves its protocols; a broken file stops the start naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schwann-tx-'));
    try {
      cpSync(join(ROOT, 'data', 'biologics.json'), join(dir, 'biologics.json'));
      cpSync(join(ROOT, 'data', 'protocols'), join(dir, 'protocols'), { recursive: true });
      cpSync(join(ROOT, 'data', 'consent'), join(dir, 'consent'), { recursive: true });
      cpSync(join(ROOT, 'data', 'candidacy'), join(dir, 'candidacy'), { recursive: true });
      cpSync(join(ROOT, 'data', 'appointment-types.json'), join(dir, 'appointment-types.json'));
      writeFileSync(join(dir, 'protocols', 'short.json'), JSON.stringify({ id: 'short', version: '1', title: 'One injection',
        biologic: 'prp', steps: [{ kind: 'injection', day: 0 }] }));
      const srv = await startServer({ args: ['--treatment', dir] });
      try {
        const ids = (await client(srv.base, { token: tokenFor(srv.db, 'nurse') }).get('/api/v1/protocols')).body.items.map((p) => p.id);
        assert.deepEqual(ids.sort(), ['adipose-svf', 'bmac', 'prp-series', 'short']);
      } finally {
        await stopServer(srv);
      }
      writeFileSync(join(dir, 'protocols', 'broken.json'), JSON.stringify({ id: 'broken', version: '1', title: 't',
        biologic: 'unicorn', steps: [{ kind: 'massage', day: 1 }] }));
      const db = join(dir, 'x.db');
      const r = cli(['serve', '--db', db, '--listen', '127.0.0.1:1', '--treatment', dir]);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /broken\.json: biologic: unicorn is not in the biologics file/);
      assert.match(r.stderr, /broken\.json: steps\[0\]\.kind: /);
      rmSync(join(dir, 'protocols', 'broken.json'));
      const rules = JSON.parse(readFileSync(join(dir, 'candidacy', 'rules.json'), 'utf8'));
      rules.rules[0].test = 'cholesterol';
      rules.rules.push({ ...rules.rules[1] });
      writeFileSync(join(dir, 'candidacy', 'rules.json'), JSON.stringify(rules));
      const r3 = cli(['serve', '--db', db, '--listen', '127.0.0.1:1', '--treatment', dir]);
      assert.equal(r3.status, 1, r3.stderr);
      assert.match(r3.stderr, /candidacy\/rules\.json: rules\[0\]\.test: /);
      assert.match(r3.stderr, new RegExp(`candidacy/rules\\.json: rules\\[${rules.rules.length - 1}\\]\\.id: .* is used by rules\\[1\\] too`));
      rmSync(join(dir, 'candidacy'), { recursive: true });
      const r4 = cli(['serve', '--db', db, '--listen', '127.0.0.1:1', '--treatment', dir]);
      assert.equal(r4.status, 1);
      assert.match(r4.stderr, /candidacy\/rules\.json/);
      cpSync(join(ROOT, 'data', 'candidacy'), join(dir, 'candidacy'), { recursive: true });
      const types = JSON.parse(readFileSync(join(dir, 'appointment-types.json'), 'utf8'));
      types.types[4].needs_for_biologic.unicorn = [['cell_processor']];
      delete types.step_kinds.processing;
      writeFileSync(join(dir, 'appointment-types.json'), JSON.stringify(types));
      const r5 = cli(['serve', '--db', db, '--listen', '127.0.0.1:1', '--treatment', dir]);
      assert.equal(r5.status, 1, r5.stderr);
      assert.match(r5.stderr, /appointment-types\.json: types\[4\]\.needs_for_biologic\.unicorn: unicorn is not in the biologics file/);
      assert.match(r5.stderr, /appointment-types\.json: step_kinds\.processing: is missing/);
      rmSync(join(dir, 'appointment-types.json'));
      const r6 = cli(['serve', '--db', db, '--listen', '127.0.0.1:1', '--treatment', dir]);
      assert.equal(r6.status, 1);
      assert.match(r6.stderr, /appointment-types\.json/);
      rmSync(join(dir, 'consent'), { recursive: true });
      const r2 = cli(['serve', '--db', db, '--listen', '127.0.0.1:1', '--treatment', dir]);
      assert.equal(r2.status, 1);
      assert.match(r2.stderr, /cannot read the consent folder/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--instruments DIR: a broken definition stops the start naming the file and the problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'schwann-ins-'));
    try {
      cpSync(join(ROOT, 'data', 'instruments'), dir, { recursive: true });
      writeFileSync(join(dir, 'bad.json'), '{"id": "bad", "version": 1');
      const r = cli(['serve', '--db', join(dir, 'x.db'), '--listen', '127.0.0.1:1', '--instruments', dir]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /bad\.json: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('outcomes', () => {
  test('prints the report the API gives for the same parameters, JSON and CSV, audited; bad parameters exit 2 naming the option', async () => {
    const db = join(dir, 'outcomes.db');
    assert.equal(cli(['demo', '--db', db]).status, 0);
    const args = ['--milestone', '91', '--by', 'biologic,chronicity', '--min-n', '5'];
    const json = cli(['outcomes', 'responders', '--db', db, ...args]);
    assert.equal(json.status, 0, json.stderr);
    const mine = JSON.parse(json.stdout);
    assert.ok(mine.rows[0].due > 0, 'the demo has treated patients who are due at 91 days');
    const csv = cli(['outcomes', 'responders', '--db', db, ...args, '--format', 'csv']);
    assert.equal(csv.status, 0, csv.stderr);
    const srv = await startServer({ db });
    try {
      const token = cli(['token', 'create', '--db', db, '--email', 'researcher@demo.schwann.test']).stdout.trim();
      const c = client(srv.base, { token });
      const q = '/api/v1/outcomes/responders?milestone=91&by=biologic,chronicity&min_n=5';
      const api = await c.get(q);
      assert.deepEqual(mine, api.body, 'the same answer');
      assert.equal(csv.stdout, (await c.get(`${q}&format=csv`)).text, 'the same CSV');
      const ae = JSON.parse(cli(['outcomes', 'adverse-events', '--db', db, '--biologic', 'prp']).stdout);
      assert.deepEqual(ae.rows, (await c.get('/api/v1/outcomes/adverse-events?biologic=prp')).body.rows);
    } finally {
      await stopServer(srv);
    }
    assert.ok(Number(sqlite(db, "SELECT count(*) FROM audit WHERE action = 'outcomes.read' AND actor_role = 'system'")) >= 3);
    const bad = cli(['outcomes', 'responders', '--db', db, '--milestone', '60', '--etiology', 'sugar', '--min-n', '0']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--milestone must be 30, 91, 182 or 365/);
    assert.match(bad.stderr, /--etiology can be diabetic, /);
    assert.match(bad.stderr, /--min-n must be/);
    const plain = cli(['outcomes', '--db', db, ...args]);
    assert.deepEqual(JSON.parse(plain.stdout), mine, 'no report named: the responder table');
    const unknown = cli(['outcomes', 'cure-rates', '--db', db]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /no report 'cure-rates'; reports: responders completeness adverse-events/);
    assert.equal(cli(['outcomes', 'responders', '--db', join(dir, 'nothing-here.db')]).status, 1);
  });
});
