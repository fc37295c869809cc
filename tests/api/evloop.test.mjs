// The h2o engine (`serve --engine h2o`) against slow and hostile clients: strict reading of the
// request head (400 and the connection closed), the deadlines (head, body, idle keep-alive, a
// response the client does not read), and the caps on connections per client address and in
// total (503 with Retry-After, never a hang), with one loop thread and with two. Raw sockets on
// loopback only; every wait is bounded.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { startServer, login } from '../lib/server.mjs';
import { stopServer, tokenClient, parseRoutes, sqlite } from './helpers.mjs';

// Connects from localAddress, writes bytes (a string, or a list written 50 ms apart), and resolves
// when the server closes the connection or after waitMs: {text, status, closed, ms, socket}.
// keep: leave the socket open and resolve as soon as a whole response (or nothing) has come.
function exchange(port, bytes, { waitMs = 3000, localAddress = '127.0.0.1', keep = false } = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = net.connect({ host: '127.0.0.1', port, localAddress });
    let text = '';
    let settled = false;
    const done = (closed) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!keep) s.destroy();
      const m = text.match(/^HTTP\/1\.1 (\d{3})/);
      resolve({ text, status: m ? Number(m[1]) : 0, closed, ms: Date.now() - t0, socket: s });
    };
    const timer = setTimeout(() => done(false), waitMs);
    s.on('data', (d) => {
      text += d;
      const head = text.indexOf('\r\n\r\n');
      const len = text.match(/\r\ncontent-length: *(\d+)/i);
      if (keep && head > 0 && len && text.length >= head + 4 + Number(len[1])) done(false);
    });
    s.on('end', () => done(true));
    s.on('close', () => done(true));
    s.on('error', () => done(true));
    s.on('connect', async () => {
      for (const b of Array.isArray(bytes) ? bytes : [bytes]) {
        if (b && !s.destroyed) s.write(b);
        if (Array.isArray(bytes)) await new Promise((r) => setTimeout(r, 50));
      }
    });
  });
}

const bodyOf = (text) => {
  try { return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)); } catch { return null; }
};

for (const loops of [1, 2]) {
  describe(`h2o engine: strict request heads (${loops} loop thread${loops > 1 ? 's' : ''})`, () => {
    let srv;
    before(async () => { srv = await startServer({ args: ['--engine', 'h2o', '--quiet', '--loop-threads', String(loops)] }); });
    after(async () => { await stopServer(srv); });

    test('a well-formed request is answered and the connection kept', async () => {
      const r = await exchange(srv.port, 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n', { waitMs: 500 });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.closed, false, 'keep-alive connection closed after a good request');
      assert.match(r.text, /\r\nx-request-id: [0-9a-f]{16}\r\n/i);
    });

    const bad = {
      'a raw space in the target': 'GET /api/v1/he alth HTTP/1.1\r\nHost: x\r\n\r\n',
      'white space before a header\'s colon': 'GET /api/v1/health HTTP/1.1\r\nHost : x\r\n\r\n',
      'a folded header line': 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n X-Fold: y\r\n\r\n',
      'two different Content-Lengths':
        'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
      'Content-Length and Transfer-Encoding':
        'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
      'Transfer-Encoding and Content-Length (the other order)':
        'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
      'a non-numeric Content-Length':
        'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2x\r\n\r\n{}',
      'a negative Content-Length':
        'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -2\r\n\r\n{}',
      '%00 in the path': 'GET /api/v1/health%00.html HTTP/1.1\r\nHost: x\r\n\r\n',
      '%00 in a UI path': 'GET /index.html%00 HTTP/1.1\r\nHost: x\r\n\r\n',
      'two spaces after the method': 'GET  /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n',
    };
    for (const [what, bytes] of Object.entries(bad)) {
      test(`${what}: 400 and the connection closed`, async () => {
        const r = await exchange(srv.port, bytes);
        assert.equal(r.status, 400, `${what}: ${r.text}`);
        assert.ok(r.closed, `${what}: the connection stayed open`);
        assert.ok(r.ms < 2000, `${what}: closed after ${r.ms} ms`);
      });
    }

    test('the 400s the server writes itself are problems with a request id', async () => {
      const r = await exchange(srv.port, bad['two different Content-Lengths']);
      const b = bodyOf(r.text);
      assert.equal(b.status, 400);
      assert.equal(b.type, '/problems/malformed-request');
      assert.match(b.detail, /Content-Length/);
      assert.match(b.request_id, /^[0-9a-f]{16}$/);
      assert.match(r.text, /\r\nconnection: close\r\n/i);
      const z = bodyOf((await exchange(srv.port, bad['%00 in the path'])).text);
      assert.match(z.detail, /%00/);
    });

    test('the same Content-Length twice is one length', async () => {
      const r = await exchange(srv.port,
        'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}',
        { waitMs: 1500, keep: true });
      r.socket.destroy();
      assert.equal(r.status, 422, r.text); // read, and refused for its (missing) fields
    });

    test('a percent-encoded path is decoded as before', async () => {
      const r = await exchange(srv.port, 'GET /api/v1/%68ealth HTTP/1.1\r\nHost: x\r\n\r\n', { waitMs: 1500, keep: true });
      r.socket.destroy();
      assert.equal(r.status, 200, r.text);
    });
  });
}

// The deadlines differ so that each test shows which one cut the connection.
const HEADER_S = 1;
const BODY_S = 2;
const IDLE_S = 3;
const WRITE_S = 1;
const DEADLINES = ['--header-timeout', String(HEADER_S), '--body-timeout', String(BODY_S),
  '--idle-timeout', String(IDLE_S), '--write-timeout', String(WRITE_S)];

// A health check on its own connection, timed.
async function healthMs(port) {
  const t0 = Date.now();
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
  assert.equal(r.status, 200);
  await r.text();
  return Date.now() - t0;
}

for (const loops of [1, 2]) {
  describe(`h2o engine: header, body, idle and write deadlines (${loops} loop thread${loops > 1 ? 's' : ''})`, () => {
    let srv;
    before(async () => {
      srv = await startServer({ args: ['--engine', 'h2o', '--quiet', '--loop-threads', String(loops), ...DEADLINES] });
    });
    after(async () => { await stopServer(srv); });

    // Closed at `s` seconds (the sweep runs every 100 ms; the machine may be loaded).
    const closesAt = (r, s, what) => {
      assert.ok(r.closed, `${what}: still open after ${r.ms} ms`);
      assert.ok(r.ms >= s * 1000 - 150 && r.ms < s * 1000 + 1200, `${what}: closed after ${r.ms} ms, expected ${s} s`);
    };

    test('a slowloris head, a slow body, an idle keep-alive connection and a silent one: each cut at its own deadline, health answered meanwhile', async () => {
      const slowHead = ['GET /api/v1/health HTTP/1.1\r\n', 'Host: x\r\n', 'X-Slow: a'];
      const slowBody = ['POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n', '{"email":', '"a'];
      const pending = Promise.all([
        exchange(srv.port, slowHead, { waitMs: 8000 }),
        exchange(srv.port, slowBody, { waitMs: 8000 }),
        exchange(srv.port, 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n', { waitMs: 8000 }),
        exchange(srv.port, '', { waitMs: 8000 }),
      ]);
      const waits = [];
      for (let i = 0; i < 5; i++) {
        waits.push(await healthMs(srv.port));
        await new Promise((r) => setTimeout(r, 300));
      }
      const [head, body, idle, silent] = await pending;
      closesAt(head, HEADER_S, 'unfinished head');
      assert.equal(head.text, '');
      closesAt(body, BODY_S, 'unfinished body');
      assert.equal(body.text, '');
      closesAt(idle, IDLE_S, 'idle keep-alive');
      assert.equal(idle.status, 200);
      assert.match(idle.text, new RegExp(`\\r\\nkeep-alive: timeout=${IDLE_S}\\r\\n`, 'i'));
      closesAt(silent, HEADER_S, 'silent connection');
      assert.ok(Math.max(...waits) < 500, `health took ${waits.join(', ')} ms`);
    });

    test('40 silent sockets and 40 slowloris heads held open: health is still answered, every one', async () => {
      const held = [];
      for (let i = 0; i < 40; i++) {
        held.push(exchange(srv.port, '', { waitMs: 5000 }));
        held.push(exchange(srv.port, ['GET /api/v1/health HTTP/1.1\r\n', 'X-A: 1\r\n'], { waitMs: 5000 }));
      }
      await new Promise((r) => setTimeout(r, 200));
      const waits = [];
      for (let i = 0; i < 10; i++) waits.push(await healthMs(srv.port));
      const all = await Promise.all(held);
      assert.ok(Math.max(...waits) < 500, `health took ${waits.join(', ')} ms`);
      assert.ok(all.every((r) => r.closed && r.ms < HEADER_S * 1000 + 1200), 'a held socket outlived the header deadline');
    });

    test('a head sent slowly but within the header deadline is answered', async () => {
      const parts = ['GET /api/v1/health HTTP/1.1\r\n', 'Host: x\r\n', 'X-A: 1\r\n', '\r\n'];
      const r = await exchange(srv.port, parts, { waitMs: 1500, keep: true });
      r.socket.destroy();
      assert.equal(r.status, 200, r.text);
    });

    test('a connection in use stays open past the idle deadline; each request restarts it', async () => {
      const s = net.connect({ host: '127.0.0.1', port: srv.port });
      let text = '';
      let closed = false;
      s.on('data', (d) => { text += d; });
      s.on('close', () => { closed = true; });
      s.on('error', () => { closed = true; });
      await new Promise((r) => s.once('connect', r));
      try {
        for (let i = 0; i < 4; i++) { // 4 × 1.2 s > IDLE_S
          s.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n');
          await new Promise((r) => setTimeout(r, 1200));
        }
        assert.equal(closed, false, 'closed while in use');
        assert.equal((text.match(/HTTP\/1\.1 200 /g) || []).length, 4, text);
      } finally {
        s.destroy();
      }
    });

    test('a client that does not read a large response is dropped after the write deadline', async () => {
      // 300 pipelined requests for a 30 KB file: more than the socket buffers hold unread.
      const asset = await fetch(`http://127.0.0.1:${srv.port}/records.js`);
      assert.equal(asset.status, 200);
      const size = (await asset.arrayBuffer()).byteLength;
      assert.ok(size > 20000, `records.js is ${size} bytes`);
      const N = 300;
      const s = net.connect({ host: '127.0.0.1', port: srv.port });
      s.pause();
      await new Promise((r) => s.once('connect', r));
      s.write('GET /records.js HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(N));
      const healthWhileStuck = await healthMs(srv.port);
      await new Promise((r) => setTimeout(r, WRITE_S * 1000 + 1500));
      // Now read what the server let through: it must end before all N responses.
      const got = await new Promise((resolve) => {
        let bytes = 0;
        let endedBy = null;
        const timer = setTimeout(() => { endedBy = 'timeout'; s.destroy(); resolve({ bytes, endedBy }); }, 4000);
        const end = (how) => { if (endedBy) return; endedBy = how; clearTimeout(timer); resolve({ bytes, endedBy }); };
        s.on('data', (d) => { bytes += d.length; });
        s.on('end', () => end('end'));
        s.on('close', () => end('close'));
        s.on('error', () => end('error'));
        s.resume();
      });
      s.destroy();
      assert.notEqual(got.endedBy, 'timeout', `still open, ${got.bytes} bytes read`);
      assert.ok(got.bytes < N * size, `all ${got.bytes} bytes came: not dropped`);
      assert.ok(healthWhileStuck < 500, `health took ${healthWhileStuck} ms`);
      assert.ok((await healthMs(srv.port)) < 500);
    });
  });
}

for (const loops of [1, 2]) {
  describe(`h2o engine: connection caps (${loops} loop thread${loops > 1 ? 's' : ''}, counted across them)`, () => {
    const PER_ADDR = 4;
    const TOTAL = 10;
    let srv;
    before(async () => {
      srv = await startServer({
        args: ['--engine', 'h2o', '--quiet', '--header-timeout', '30', '--idle-timeout', '1',
          '--loop-threads', String(loops), '--max-conns', String(TOTAL), '--max-conns-per-ip', String(PER_ADDR)],
      });
      // The start-up check's fetch keeps its connection (the Keep-Alive hint says 1 s): let the
      // server drop it so that only the tests' connections count.
      await new Promise((r) => setTimeout(r, 1600));
    });
    after(async () => { await stopServer(srv); });

    // A connection served once and then held open: the start of a next head keeps it under the
    // (long) header deadline rather than the (short) idle one.
    const open = async (from) => {
      const r = await exchange(srv.port, 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n',
        { localAddress: from, keep: true, waitMs: 2000 });
      if (!r.closed) r.socket.write('GET /api/v1/health HTTP/1.1\r\n');
      return r;
    };
    const closeAll = async (list) => {
      await Promise.all(list.map((r) => new Promise((res) => {
        if (r.socket.destroyed) return res();
        r.socket.once('close', res);
        r.socket.destroy();
      })));
      await new Promise((r) => setTimeout(r, 200)); // the server sees the closes
    };

    test(`past ${PER_ADDR} connections from one address: 503 with Retry-After, at once; other addresses still served`, async () => {
      const held = [];
      try {
        for (let i = 0; i < PER_ADDR; i++) held.push(await open('127.0.0.1'));
        assert.ok(held.every((r) => r.status === 200 && !r.closed));
        const over = await exchange(srv.port, 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n', { localAddress: '127.0.0.1' });
        assert.equal(over.status, 503, over.text);
        assert.match(over.text, /\r\nRetry-After: \d+\r\n/i);
        assert.ok(over.closed && over.ms < 1500, `answered in ${over.ms} ms, closed: ${over.closed}`);
        assert.equal(bodyOf(over.text).status, 503);
        const other = await open('127.0.0.2');
        held.push(other);
        assert.equal(other.status, 200, 'another address is still served');
      } finally {
        await closeAll(held);
      }
      const again = await open('127.0.0.1');
      await closeAll([again]);
      assert.equal(again.status, 200, 'served again once its connections closed');
    });

    test(`past ${TOTAL} connections in all: 503 for anyone`, async () => {
      const held = [];
      try {
        for (let i = 0; i < TOTAL; i++) held.push(await open(`127.0.0.${10 + Math.floor(i / PER_ADDR)}`));
        assert.ok(held.every((r) => r.status === 200), held.map((r) => r.status).join(' '));
        const over = await exchange(srv.port, 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n', { localAddress: '127.0.0.20' });
        assert.equal(over.status, 503, over.text);
        assert.match(over.text, /\r\nRetry-After: \d+\r\n/i);
        assert.ok(over.closed && over.ms < 1500);
      } finally {
        await closeAll(held);
      }
      const again = await open('127.0.0.20');
      await closeAll([again]);
      assert.equal(again.status, 200);
    });
  });
}

describe('h2o engine: behind a trusted proxy', () => {
  let srv;
  before(async () => {
    srv = await startServer({
      args: ['--engine', 'h2o', '--quiet', '--header-timeout', '30', '--trusted-proxy', '127.0.0.1',
        '--max-conns-per-ip', '2'],
    });
  });
  after(async () => { await stopServer(srv); });

  test('the proxy\'s own connections count only towards the total', async () => {
    const held = [];
    try {
      for (let i = 0; i < 5; i++) {
        held.push(await exchange(srv.port, 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n', { keep: true, waitMs: 2000 }));
      }
      assert.deepEqual(held.map((r) => r.status), [200, 200, 200, 200, 200]);
      const other = [];
      for (let i = 0; i < 3; i++) {
        other.push(await exchange(srv.port, 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n', { keep: true, waitMs: 2000, localAddress: '127.0.0.2' }));
      }
      held.push(...other);
      assert.deepEqual(other.map((r) => r.status), [200, 200, 503]);
    } finally {
      for (const r of held) r.socket.destroy();
    }
  });
});

// Holds SQLite's write lock from another process (the sqlite3 shell) until release() is called.
async function holdWriteLock(db) {
  const sh = spawn('sqlite3', [db], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  sh.stdout.on('data', (d) => { out += d; });
  sh.stdin.write(".timeout 5000\nBEGIN IMMEDIATE;\nSELECT 'locked';\n");
  const until = Date.now() + 5000;
  while (!out.includes('locked') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  assert.ok(out.includes('locked'), 'the shell took the write lock');
  return () => new Promise((resolve) => { sh.on('close', resolve); sh.stdin.end('COMMIT;\n.quit\n'); });
}

describe('h2o engine: quick reads on the loop', () => {
  let srv;
  before(async () => { srv = await startServer({ args: ['--engine', 'h2o', '--quiet', '--threads', '1', '--loop-threads', '1'] }); });
  after(async () => { await stopServer(srv); });

  test('quick routes are reads', () => {
    const quick = parseRoutes().filter((r) => r.quick);
    assert.ok(quick.some((r) => r.path === '/api/v1/patients/{id}'), 'a patient is a quick read');
    for (const r of quick) assert.ok(r.method === 'GET' && r.body === 0, `${r.method} ${r.path} is a GET without a body`);
  });

  test('with the one worker waiting for the write lock, the loop answers; a session due for its refresh waits for the worker, not on the loop', async () => {
    const tok = tokenClient(srv.base, srv.db, 'clinician');
    const made = await tok.post('/api/v1/patients', { mrn: 'QL-1', family_name: 'Loop', given_name: 'Quinn',
      birth_date: '1960-02-03', sex_at_birth: 'female' });
    assert.equal(made.status, 201, made.text);
    const admin = await login(srv.base, 'admin');
    const nurse = await login(srv.base, 'nurse');
    // The nurse's session was last seen two minutes ago: her next request refreshes it (a write).
    sqlite(srv.db, `UPDATE sessions SET last_seen = last_seen - 120 WHERE staff_id = (SELECT id FROM staff WHERE role = 'nurse')`);
    const seen = () => Number(sqlite(srv.db, `SELECT last_seen FROM sessions WHERE staff_id = (SELECT id FROM staff WHERE role = 'nurse')`));
    const stale = seen();
    const release = await holdWriteLock(srv.db);
    let write;
    let nurseRead = null;
    try {
      // A write takes the one worker and waits for the lock.
      write = admin.post('/api/v1/patients', { mrn: 'QL-2', family_name: 'Loop', given_name: 'Rae',
        birth_date: '1961-02-03', sex_at_birth: 'male' });
      await new Promise((r) => setTimeout(r, 300));
      // The nurse's read needs the refresh: it goes to the (busy) worker instead of waiting for
      // the lock on the loop, so the one loop still answers health at once.
      nurse.get(`/api/v1/patients/${made.body.id}`).then((r) => { nurseRead = r; });
      await new Promise((r) => setTimeout(r, 200));
      const t0 = Date.now();
      const health = await fetch(`${srv.base}/api/v1/health`);
      assert.equal(health.status, 200);
      assert.ok(Date.now() - t0 < 1000, `health answered in ${Date.now() - t0} ms with the worker busy`);
      assert.equal(nurseRead, null, 'the refresh waits for the worker');
    } finally {
      await release();
    }
    const w = await write;
    assert.equal(w.status, 201, w.text);
    for (let i = 0; i < 100 && !nurseRead; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(nurseRead?.status, 200, nurseRead?.text);
    assert.equal(nurseRead.body.given_name, 'Quinn');
    assert.ok(seen() >= stale + 100, 'the session was refreshed');
    // Reads of a fresh session and of a token: answered once their audit record is durable.
    assert.equal((await admin.get(`/api/v1/patients/${made.body.id}`)).status, 200);
    const got = await tok.get(`/api/v1/patients/${made.body.id}`);
    assert.equal(got.status, 200, got.text);
    assert.equal(got.body.given_name, 'Quinn');
  });

  test('an expired session is ended on a worker: 401, and its row gone', async () => {
    const r0 = await login(srv.base, 'researcher');
    const who = `(SELECT id FROM staff WHERE role = 'researcher')`;
    sqlite(srv.db, `UPDATE sessions SET last_seen = last_seen - 86400 WHERE staff_id = ${who}`);
    const r = await r0.get('/api/v1/patients?q=x');
    assert.equal(r.status, 401, r.text);
    assert.equal(r.body.title, 'Session expired');
    assert.equal(sqlite(srv.db, `SELECT count(*) FROM sessions WHERE staff_id = ${who}`), '0');
  });
});
