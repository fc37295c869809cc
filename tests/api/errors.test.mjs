// Errors: every failure is an RFC 9457 application/problem+json document with type, title, status,
// detail and the request id; malformed bodies, wrong media types, oversized bodies, unknown paths and
// wrong methods each get their own status.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, newPatient } from '../lib/server.mjs';
import { assertProblem, assertInvalid, rawRequest, tokenFor, parseRoutes, stopServer } from './helpers.mjs';

let srv;
let c; // clinician by token
let token;

before(async () => {
  srv = await startServer();
  token = tokenFor(srv.db, 'clinician');
  c = client(srv.base, { token });
});
after(async () => { await stopServer(srv); });

const post = (body, headers) => c.post('/api/v1/patients', body, headers);

describe('malformed bodies: 400', () => {
  test('malformed JSON: 400 problem with type, title, status, detail (naming the position), request_id', async () => {
    const r = await post('{"mrn": "A1", "family_name": }');
    const b = assertProblem(r, 400);
    assert.equal(b.type, '/problems/malformed-request');
    assert.match(b.detail, /line 1, column \d+/);
    assert.match(b.request_id, /^[0-9a-f]{16}$/);
    assert.deepEqual(Object.keys(b).sort(), ['detail', 'request_id', 'status', 'title', 'type']);
  });

  const bodies = {
    'a JSON array': '[{"mrn":"A1"}]',
    'a JSON string': '"hello"',
    'a JSON number': '42',
    'JSON null': 'null',
    'an empty body': '',
    'trailing garbage': '{"mrn":"A1"} x',
    'duplicate keys': '{"mrn":"A1","mrn":"A2"}',
    'a truncated body': '{"mrn":"A1"',
    'single quotes': "{'mrn':'A1'}",
    'invalid UTF-8': Buffer.from([0x7b, 0x22, 0x6d, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
  };
  for (const [name, body] of Object.entries(bodies)) {
    test(`${name}: 400`, async () => {
      const r = await rawRequest(srv.base, {
        method: 'POST', path: '/api/v1/patients', body,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      });
      assertProblem(r, 400, name);
    });
  }

  test('a NUL character inside a string: refused (400 or 422), nothing saved', async () => {
    const body = newPatient({ family_name: 'Smi\u0000th' });
    const r = await post(JSON.stringify(body));
    assert.ok([400, 422].includes(r.status), `${r.status} ${r.text}`);
    assertProblem(r, r.status);
    assert.deepEqual((await c.get(`/api/v1/patients?q=${body.mrn}`)).body.items, []);
  });
});

describe('deeply nested JSON', () => {
  // Its own server, so that a crash here does not take the other tests with it.
  let own;
  before(async () => { own = await startServer({ args: ['--quiet'] }); });
  after(async () => { await stopServer(own); });

  test('anonymous sign-in with JSON nested 100 to 20000 deep: 400 each time and the server stays up', async () => {
    const anon = client(own.base);
    for (const depth of [100, 500, 1000, 2047, 2049, 20000]) {
      let r;
      try {
        r = await anon.post('/api/v1/session', `{"email":${'['.repeat(depth)}${']'.repeat(depth)},"password":"x"}`);
      } catch (e) {
        await new Promise((res) => setTimeout(res, 200));
        const tail = own.log().split('\n').filter((l) => /ERROR|SEGV|overflow/.test(l)).slice(0, 2).join(' | ');
        assert.fail(`nesting ${depth}: no response (${e.cause?.message || e.message}); server exit ${own.proc.exitCode} ${own.proc.signalCode || ''} ${tail}`);
      }
      assert.ok([400, 422].includes(r.status), `nesting ${depth}: ${r.status} ${r.text.slice(0, 200)}`);
      assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
      assert.equal((await anon.get('/api/v1/health')).status, 200, 'server still up');
    }
  });
});

describe('media type: 415', () => {
  for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
    test(`Content-Type ${ct}: 415`, async () => {
      const b = assertProblem(await post(JSON.stringify(newPatient()), { 'Content-Type': ct }), 415);
      assert.equal(b.type, '/problems/unsupported-media-type');
    });
  }

  test('no Content-Type: 415', async () => {
    const r = await rawRequest(srv.base, {
      method: 'POST', path: '/api/v1/patients', body: JSON.stringify(newPatient()),
      headers: { Authorization: `Bearer ${token}` },
    });
    assertProblem(r, 415);
  });

  test('application/json with a charset parameter is accepted', async () => {
    const r = await post(JSON.stringify(newPatient()), { 'Content-Type': 'application/json; charset=utf-8' });
    assert.equal(r.status, 201, r.text);
  });
});

describe('size: 413', () => {
  const big = (n, p = newPatient()) => JSON.stringify({ ...p, pad: 'x'.repeat(n) });

  test('a body over 64 KiB (with Content-Length): 413', async () => {
    const body = big(70 * 1024);
    const b = assertProblem(await post(body), 413);
    assert.equal(b.type, '/problems/too-large');
    assert.match(b.detail, /65536/);
  });

  test('a body over 64 KiB sent chunked (no Content-Length): 413', async () => {
    const chunk = 'x'.repeat(8192);
    const body = ['{"mrn":"CH1","pad":"', ...Array.from({ length: 10 }, () => chunk), '"}'];
    const r = await rawRequest(srv.base, {
      method: 'POST', path: '/api/v1/patients', body,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    });
    assertProblem(r, 413);
  });

  test('a body of exactly 64 KiB is read (and here fails validation, not size)', async () => {
    const p = newPatient();
    const body = big(65536 - big(0, p).length, p);
    assert.equal(Buffer.byteLength(body), 65536);
    assertInvalid(await post(body), ['pad']);
  });

  test('the connection still works after a 413', async () => {
    assertProblem(await post(big(100 * 1024)), 413);
    const r = await post(newPatient());
    assert.equal(r.status, 201, r.text);
  });

  test('a chunked body under the limit is accepted', async () => {
    const body = JSON.stringify(newPatient());
    const r = await rawRequest(srv.base, {
      method: 'POST', path: '/api/v1/patients', body: [body.slice(0, 10), body.slice(10)],
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    });
    assert.equal(r.status, 201, r.text);
  });
});

describe('unknown paths and methods', () => {
  test('unknown /api paths: 404 problem, for anonymous callers too', async () => {
    const anon = client(srv.base);
    for (const p of ['/api/v1/nothing', '/api/v2/patients', '/api/v1/patients/a/b/c', '/api/', '/api/v1', '/api/v1/Patients']) {
      const b = assertProblem(await anon.get(p), 404, p);
      assert.equal(b.type, '/problems/not-found');
      assertProblem(await c.get(p), 404, p);
    }
  });

  test('wrong method on a known path: 405 problem', async () => {
    const id = '01a21209-9800-7e0c-baad-0e9d82dabcb6';
    const cases = [['PUT', `/api/v1/patients/${id}`], ['DELETE', `/api/v1/patients/${id}`], ['POST', '/api/v1/health'],
      ['DELETE', '/api/v1/me'], ['PUT', '/api/v1/patients'], ['GET', `/api/v1/patients/${id}/archive`], ['PATCH', '/api/v1/audit']];
    for (const [m, p] of cases) {
      const b = assertProblem(await c.call(m, p), 405, `${m} ${p}`);
      assert.equal(b.type, '/problems/method-not-allowed');
    }
  });

  test('a 405 lists the allowed methods in an Allow header (RFC 9110 15.5.6)', async () => {
    const routes = parseRoutes();
    const id = '01a21209-9800-7e0c-baad-0e9d82dabcb6';
    for (const path of [...new Set(routes.map((r) => r.path))]) {
      const methods = routes.filter((r) => r.path === path).map((r) => r.method);
      const wrong = ['PUT', 'DELETE', 'PATCH', 'POST'].find((m) => !methods.includes(m));
      const r = await c.call(wrong, path.replace('{id}', id));
      assertProblem(r, 405, `${wrong} ${path}`);
      const allow = (r.headers.get('allow') || '').split(',').map((s) => s.trim()).filter(Boolean);
      const expected = methods.includes('GET') ? [...methods, 'HEAD'] : methods;
      assert.deepEqual([...allow].sort(), [...new Set(expected)].sort(), `Allow for ${path}: "${r.headers.get('allow')}"`);
    }
  });

  test('path over 512 or query over 2048 characters: 400', async () => {
    assertProblem(await c.get(`/api/v1/patients/${'a'.repeat(600)}`), 400);
    assertProblem(await c.get(`/api/v1/patients?q=${'a'.repeat(2100)}`), 400);
  });

  test('outside /api an unknown file is a plain 404, not a problem document', async () => {
    const r = await fetch(`${srv.base}/nothing-here.js`);
    assert.equal(r.status, 404);
    assert.doesNotMatch(r.headers.get('content-type'), /problem/);
  });
});

describe('every error is a problem document', () => {
  test('401, 403, 404, 409, 412, 422, 428 all carry application/problem+json and the request id', async () => {
    const anon = client(srv.base);
    assertProblem(await anon.get('/api/v1/me'), 401);
    const rs = client(srv.base, { token: tokenFor(srv.db, 'researcher') });
    assertProblem(await rs.get('/api/v1/patients'), 403);
    assertProblem(await c.get('/api/v1/patients/01a21209-9800-7e0c-baad-0e9d82dabcb6'), 404);
    const p = (await post(newPatient())).body;
    assertProblem(await post(newPatient({ mrn: p.mrn })), 409);
    assertProblem(await c.patch(`/api/v1/patients/${p.id}`, { given_name: 'X' }, { 'If-Match': '"9"' }), 412);
    assertInvalid(await post({}), ['mrn', 'family_name', 'given_name', 'birth_date', 'sex_at_birth']);
    assertProblem(await c.patch(`/api/v1/patients/${p.id}`, { given_name: 'X' }), 428);
  });

  test('success responses are application/json, not problem+json', async () => {
    const r = await c.get('/api/v1/me');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json');
  });
});
