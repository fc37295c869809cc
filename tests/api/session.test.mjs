// Sign-in, the session cookie and CSRF, bearer tokens, sign-out, idle expiry and login throttling.
// Failed sign-ins are counted per account and address (and, far above that, per account and per
// address), so the tests that fail on purpose use their own source addresses (127.0.0.x) or their
// own server.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, login, client, newPatient, emailOf, PASSWORDS, schwann } from '../lib/server.mjs';
import { ROOT, cli, sqlite, assertProblem, assertInvalid, rawRequest, parseRolePerms, parsePermNames, stopServer } from './helpers.mjs';

let srv;
let anon;

before(async () => {
  srv = await startServer();
  anon = client(srv.base);
});
after(async () => { await stopServer(srv); });

const signIn = (body, headers = {}) => anon.post('/api/v1/session', body, headers);

// Sign-in from a chosen loopback source address.
const signInFrom = (ip, email, password) => rawRequest(srv.base, {
  method: 'POST', path: '/api/v1/session', localAddress: ip,
  headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }),
});

describe('sign-in', () => {
  let admin; // shared cookie session

  test('success: 201, HttpOnly SameSite=Strict cookie, csrf_token, staff without secrets', async () => {
    const r = await signIn({ email: emailOf('admin'), password: PASSWORDS.admin });
    assert.equal(r.status, 201, r.text);
    const sc = r.headers.get('set-cookie');
    assert.ok(sc, 'Set-Cookie sent');
    const parts = sc.split(';').map((s) => s.trim());
    assert.match(parts[0], /^schwann_session=[A-Za-z0-9_-]{40,}$/);
    assert.ok(parts.includes('HttpOnly'), sc);
    assert.ok(parts.includes('SameSite=Strict'), sc);
    assert.ok(parts.includes('Path=/'), sc);
    assert.ok(!parts.some((p) => /^(Max-Age|Expires)=/i.test(p)), 'a session cookie, not a persistent one');
    assert.equal(typeof r.body.csrf_token, 'string');
    assert.ok(r.body.csrf_token.length >= 32);
    assert.notEqual(r.body.csrf_token, parts[0].split('=')[1], 'CSRF token is not the session token');
    assert.deepEqual(Object.keys(r.body.staff).sort(), ['email', 'id', 'name', 'role']);
    assert.equal(r.body.staff.email, emailOf('admin'));
    assert.equal(r.body.staff.role, 'admin');
    assert.equal(r.body.staff.name, 'Test admin');
    assert.equal(r.body.idle_timeout_minutes, 30);
    assert.doesNotMatch(r.text, /argon2|password/i);
    admin = client(srv.base, { cookie: parts[0], csrf: r.body.csrf_token, staff: r.body.staff });
  });

  test('two sign-ins give two different sessions and CSRF tokens', async () => {
    const a = await signIn({ email: emailOf('nurse'), password: PASSWORDS.nurse });
    const b = await signIn({ email: emailOf('nurse'), password: PASSWORDS.nurse });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.notEqual(a.headers.get('set-cookie'), b.headers.get('set-cookie'));
    assert.notEqual(a.body.csrf_token, b.body.csrf_token);
  });

  test('the e-mail is matched without regard to case', async () => {
    const r = await signIn({ email: emailOf('clinician').toUpperCase(), password: PASSWORDS.clinician });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.staff.role, 'clinician');
  });

  test('GET /me with the cookie', async () => {
    const r = await admin.get('/api/v1/me');
    assert.equal(r.status, 200);
    assert.equal(r.body.id, admin.staff.id);
    assert.equal(r.body.email, emailOf('admin'));
    assert.equal(r.body.role, 'admin');
    const names = parsePermNames();
    assert.deepEqual(r.body.permissions, [...parseRolePerms().admin].map((p) => names[p]));
    assert.equal(r.body.password_hash, undefined);
  });

  test('missing fields: 422 naming each', async () => {
    assertInvalid(await signIn({}), ['email', 'password']);
    assertInvalid(await signIn({ email: emailOf('admin') }), ['password']);
    assertInvalid(await signIn({ password: 'x' }), ['email']);
    assertInvalid(await signIn({ email: '', password: '' }), ['email', 'password']);
  });

  test('unknown field and wrong types: 422', async () => {
    assertInvalid(await signIn({ email: emailOf('admin'), password: PASSWORDS.admin, remember: true }), ['remember']);
    assertInvalid(await signIn({ email: 42, password: ['x'] }), ['email', 'password']);
  });

  test('body that is not JSON, or not an object: 400; not application/json: 415', async () => {
    assertProblem(await signIn('{"email":'), 400);
    assertProblem(await signIn('[]'), 400);
    assertProblem(await signIn(JSON.stringify({ email: emailOf('admin'), password: PASSWORDS.admin }),
      { 'Content-Type': 'text/plain' }), 415);
  });

  test('wrong password and unknown e-mail: both 401 with the same message', async () => {
    const wrong = await signInFrom('127.0.0.2', emailOf('admin'), 'not-the-password');
    const unknown = await signInFrom('127.0.0.2', 'nobody@test.schwann.test', PASSWORDS.admin);
    const pw = assertProblem(wrong, 401);
    const un = assertProblem(unknown, 401);
    assert.equal(pw.title, un.title);
    assert.equal(pw.detail, un.detail);
    assert.equal(wrong.headers.get('set-cookie'), null);
    assert.equal(unknown.headers.get('set-cookie'), null);
  });

  describe('with cookie', () => {
    test('state-changing request without X-CSRF-Token: 403, nothing written', async () => {
      const p = newPatient();
      const r = await anon.post('/api/v1/patients', p, { Cookie: admin.cookie });
      const b = assertProblem(r, 403);
      assert.match(b.detail, /CSRF/);
      const s = await admin.get(`/api/v1/patients?q=${encodeURIComponent(p.mrn)}`);
      assert.equal(s.body.items.length, 0, 'the patient was not created');
    });

    test('with a wrong X-CSRF-Token: 403', async () => {
      assertProblem(await anon.post('/api/v1/patients', newPatient(), {
        Cookie: admin.cookie, 'X-CSRF-Token': admin.csrf.slice(0, -1) + (admin.csrf.endsWith('A') ? 'B' : 'A'),
      }), 403);
      assertProblem(await anon.post('/api/v1/patients', newPatient(), { Cookie: admin.cookie, 'X-CSRF-Token': '' }), 403);
    });

    test("another session's CSRF token does not work", async () => {
      const other = await login(srv.base, 'front_desk');
      assertProblem(await anon.post('/api/v1/patients', newPatient(), { Cookie: admin.cookie, 'X-CSRF-Token': other.csrf }), 403);
    });

    test('with the right X-CSRF-Token the write goes through', async () => {
      const r = await admin.post('/api/v1/patients', newPatient());
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.updated_by, admin.staff.id);
    });

    test('reads need no CSRF token', async () => {
      const r = await anon.get('/api/v1/me', { Cookie: admin.cookie });
      assert.equal(r.status, 200);
    });

    test('a junk cookie: 401', async () => {
      const r = await anon.get('/api/v1/me', { Cookie: 'schwann_session=junk' });
      assertProblem(r, 401);
    });
  });

  describe('bearer tokens', () => {
    let token;

    test('`schwann token create` while the server runs gives a token that works for /me', async () => {
      token = schwann(['token', 'create', '--db', srv.db, '--email', emailOf('clinician'), '--name', 'test script']).trim();
      assert.match(token, /^sw_[A-Za-z0-9_-]{40,}$/);
      const r = await client(srv.base, { token }).get('/api/v1/me');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.email, emailOf('clinician'));
      assert.equal(r.body.role, 'clinician');
    });

    test('a bearer token writes without a CSRF token (it is not ambient authority)', async () => {
      const r = await client(srv.base, { token }).post('/api/v1/patients', newPatient());
      assert.equal(r.status, 201, r.text);
    });

    test('two tokens for the same person differ', () => {
      const t2 = schwann(['token', 'create', '--db', srv.db, '--email', emailOf('clinician')]).trim();
      assert.notEqual(t2, token);
    });

    test('junk, malformed and empty Authorization headers: 401', async () => {
      for (const h of ['Bearer junk', `Bearer ${token}x`, 'Bearer ', 'Basic YWRtaW46YWRtaW4=', token, 'Bearer sw_']) {
        assertProblem(await anon.get('/api/v1/me', { Authorization: h }), 401, h);
      }
    });

    test('token create for an unknown e-mail fails with a message', () => {
      const r = cli(['token', 'create', '--db', srv.db, '--email', 'ghost@test.schwann.test']);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /ghost@test\.schwann\.test/);
      assert.equal(r.stdout.trim(), '');
    });
  });

  describe('sign-out', () => {
    test('DELETE /session without CSRF: 403 and the session still works', async () => {
      const c = await login(srv.base, 'nurse');
      assertProblem(await anon.del('/api/v1/session', { Cookie: c.cookie }), 403);
      assert.equal((await c.get('/api/v1/me')).status, 200);
    });

    test('DELETE /session: 204, cookie cleared, then /me is 401', async () => {
      const c = await login(srv.base, 'nurse');
      const r = await c.del('/api/v1/session');
      assert.equal(r.status, 204);
      assert.equal(r.text, '');
      const sc = r.headers.get('set-cookie');
      assert.match(sc, /^schwann_session=;/);
      assert.match(sc, /Max-Age=0/);
      assertProblem(await c.get('/api/v1/me'), 401);
      assertProblem(await c.post('/api/v1/patients', newPatient()), 401);
    });

    test('signing out one session leaves the others', async () => {
      const a = await login(srv.base, 'front_desk');
      const b = await login(srv.base, 'front_desk');
      assert.equal((await a.del('/api/v1/session')).status, 204);
      assert.equal((await b.get('/api/v1/me')).status, 200);
    });

    test('anonymous DELETE /session: 401', async () => {
      assertProblem(await anon.del('/api/v1/session'), 401);
    });

    test('a stale session cookie does not block public endpoints (health, sign-in)', async () => {
      const c = await login(srv.base, 'researcher');
      assert.equal((await c.del('/api/v1/session')).status, 204);
      const h = await anon.get('/api/v1/health', { Cookie: c.cookie });
      assert.equal(h.status, 200, `health with a stale cookie: ${h.status} ${h.text}`);
      const r = await signIn({ email: emailOf('researcher'), password: PASSWORDS.researcher }, { Cookie: c.cookie });
      assert.equal(r.status, 201, `sign-in with a stale cookie: ${r.status} ${r.text}`);
    });
  });

  describe('idle expiry', () => {
    let idle;
    before(async () => { idle = await startServer({ args: ['--idle-minutes', '1'] }); });
    after(async () => { await stopServer(idle); });

    test('--idle-minutes is accepted and reported at sign-in', async () => {
      const c = await client(idle.base).post('/api/v1/session', { email: emailOf('admin'), password: PASSWORDS.admin });
      assert.equal(c.status, 201);
      assert.equal(c.body.idle_timeout_minutes, 1);
    });

    test('a session idle for longer than the limit is ended; activity within it keeps it', async () => {
      const c = await login(idle.base, 'admin');
      const token = c.cookie.split('=')[1];
      assert.ok(token);
      // Age the session in the database instead of waiting a minute.
      sqlite(idle.db, 'UPDATE sessions SET last_seen = last_seen - 50');
      assert.equal((await c.get('/api/v1/me')).status, 200, '50 s idle is within 1 minute');
      sqlite(idle.db, 'UPDATE sessions SET last_seen = last_seen - 50');
      assert.equal((await c.get('/api/v1/me')).status, 200, 'the last request counted as activity: 100 s signed in, 50 s idle');
      sqlite(idle.db, 'UPDATE sessions SET last_seen = last_seen - 70');
      const r = await c.get('/api/v1/me');
      assertProblem(r, 401);
      assert.match(r.headers.get('set-cookie') || '', /^schwann_session=;.*Max-Age=0/);
      assertProblem(await c.get('/api/v1/me'), 401, 'and stays ended');
    });

    test('--idle-minutes out of range or not a number: exit 2', () => {
      for (const v of ['0', 'x', '100000']) {
        const r = cli(['serve', '--db', idle.db, '--listen', '127.0.0.1:1', '--idle-minutes', v]);
        assert.equal(r.status, 2, `--idle-minutes ${v}`);
        assert.match(r.stderr, /--idle-minutes/);
      }
    });
  });
});

describe('throttling failed sign-ins', () => {
  // The rules of core/throttle.c: [free failures, first delay, max delay].
  const rule = (name) => {
    const m = readFileSync(join(ROOT, 'core/throttle.c'), 'utf8').match(new RegExp(`throttle_${name} = \\{(\\d+), (\\d+), (\\d+)\\}`));
    return { free: Number(m[1]), first: Number(m[2]), max: Number(m[3]) };
  };
  const pair = rule('pair');

  test('5 failures for one account from one address: the 6th is 429 with a short Retry-After, even with the right password; another address signs in', async () => {
    assert.equal(pair.free, 5);
    for (let i = 0; i < pair.free; i++) {
      assertProblem(await signInFrom('127.0.1.1', emailOf('nurse'), `wrong-${i}`), 401, `attempt ${i + 1}`);
    }
    const r = await signInFrom('127.0.1.1', emailOf('nurse'), PASSWORDS.nurse);
    assertProblem(r, 429);
    const ra = Number(r.headers.get('retry-after'));
    assert.ok(Number.isInteger(ra) && ra > 0 && ra <= pair.first, `a delay, not a wall: Retry-After ${r.headers.get('retry-after')}`);
    assert.equal(r.headers.get('set-cookie'), null);
    // The e-mail's case does not get around it.
    assertProblem(await signInFrom('127.0.1.1', emailOf('nurse').toUpperCase(), PASSWORDS.nurse), 429);
    // The owner, elsewhere, is not locked out by it.
    assert.equal((await signInFrom('127.0.1.2', emailOf('nurse'), PASSWORDS.nurse)).status, 201);
  });

  test('an unknown e-mail is slowed the same way (nothing tells it apart)', async () => {
    const email = 'nobody-grows@test.schwann.test';
    for (let i = 0; i < pair.free; i++) assertProblem(await signInFrom('127.0.1.9', email, 'wrong'), 401);
    const first = Number((await signInFrom('127.0.1.9', email, 'wrong')).headers.get('retry-after'));
    assert.ok(first > 0 && first <= pair.first, `first delay ${first}`);
  });

  test('a success resets the count of that account from that address', async () => {
    const email = emailOf('front_desk');
    for (let i = 0; i < 4; i++) assertProblem(await signInFrom('127.0.2.1', email, 'wrong'), 401);
    assert.equal((await signInFrom('127.0.2.1', email, PASSWORDS.front_desk)).status, 201);
    for (let i = 0; i < 4; i++) assertProblem(await signInFrom('127.0.2.1', email, 'wrong'), 401);
    assert.equal((await signInFrom('127.0.2.1', email, PASSWORDS.front_desk)).status, 201,
      'four failures after a success are not five');
  });

  test('the admin signs in from another address while an attacker hammers the admin account', async () => {
    let refused = 0;
    for (let i = 0; i < 40; i++) {
      const r = await signInFrom('127.0.5.1', emailOf('admin'), `guess-${i}`);
      assert.ok(r.status === 401 || r.status === 429, `${r.status}`);
      refused += r.status === 429;
    }
    assert.ok(refused >= 40 - pair.free, `the attacker is slowed (${refused} of 40 refused at once)`);
    assert.equal((await signInFrom('127.0.5.2', emailOf('admin'), PASSWORDS.admin)).status, 201);
  });

  test('failures from one address up to its (much higher) limit: then that address is slowed, others are not', async () => {
    const perAddress = rule('address').free;
    assert.ok(perAddress >= 10 * pair.free && rule('account').free >= 10 * pair.free, 'staff sharing one address are not locked out by one person');
    for (let i = 0; i < perAddress; i++) {
      assertProblem(await signInFrom('127.0.3.1', `nobody${i}@test.schwann.test`, 'whatever-1'), 401, `failure ${i + 1}`);
    }
    const r = await signInFrom('127.0.3.1', emailOf('clinician'), PASSWORDS.clinician);
    assertProblem(r, 429);
    assert.ok(Number(r.headers.get('retry-after')) > 0);
    assert.equal((await signInFrom('127.0.3.2', emailOf('clinician'), PASSWORDS.clinician)).status, 201);
  });
});

describe('behind a trusted proxy', () => {
  let px;
  before(async () => { px = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] }); });
  after(async () => { await stopServer(px); });
  const via = (peer, forwarded, email, password) => rawRequest(px.base, {
    method: 'POST', path: '/api/v1/session', localAddress: peer,
    headers: { 'Content-Type': 'application/json', ...(forwarded ? { 'X-Forwarded-For': forwarded } : {}) },
    body: JSON.stringify({ email, password }),
  });

  test('the client address comes from X-Forwarded-For only when the peer is the proxy', async () => {
    // Everyone arrives from the proxy's address; the attacker's limit is not the admin's.
    for (let i = 0; i < 12; i++) {
      const r = await via('127.0.0.1', '203.0.113.9', emailOf('admin'), `guess-${i}`);
      assert.ok(r.status === 401 || r.status === 429);
    }
    assertProblem(await via('127.0.0.1', '203.0.113.9', emailOf('admin'), PASSWORDS.admin), 429);
    // A client cannot choose its address by sending the header itself: the proxy's entry is last.
    assertProblem(await via('127.0.0.1', '198.51.100.7, 203.0.113.9', emailOf('admin'), PASSWORDS.admin), 429);
    const ok = await via('127.0.0.1', '203.0.113.9, 198.51.100.7', emailOf('admin'), PASSWORDS.admin);
    assert.equal(ok.status, 201, ok.text);
    // Not from the proxy: the header is ignored, the peer's address counts.
    const direct = await via('127.0.0.2', '10.9.9.9', emailOf('nurse'), PASSWORDS.nurse);
    assert.equal(direct.status, 201);
    const rows = sqlite(px.db, "SELECT action || ' ' || ip FROM audit WHERE action = 'session.create' ORDER BY seq");
    assert.deepEqual(rows.split('\n'), ['session.create 198.51.100.7', 'session.create 127.0.0.2']);
  });

  test('--trusted-proxy must be an address', () => {
    const r = cli(['serve', '--db', px.db, '--listen', '127.0.0.1:1', '--trusted-proxy', 'proxy.example']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--trusted-proxy/);
  });
});
