// Connections: keep-alive works, and idle keep-alive connections do not lock new clients out.
// CivetWeb gives each connection a worker thread for as long as it is kept alive, so a few idle
// browsers (or a deliberately idle client) can otherwise take every worker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer } from '../lib/server.mjs';
import { stopServer } from './helpers.mjs';

const THREADS = 4;
let srv;

before(async () => { srv = await startServer({ args: ['--threads', String(THREADS), '--quiet'] }); });
after(async () => { await stopServer(srv); });

function get(agent, path = '/api/v1/health', timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const req = http.get({ host: '127.0.0.1', port: srv.port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Date.now() - t0, socket: req.socket }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

test('many requests over one keep-alive connection', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set();
  for (let i = 0; i < 20; i++) {
    const r = await get(agent);
    assert.equal(r.status, 200);
    sockets.add(r.socket);
  }
  assert.equal(sockets.size, 1, 'one connection reused');
  agent.destroy();
});

test(`with ${THREADS} idle keep-alive connections open, a new client is still answered promptly`, async () => {
  const idle = new http.Agent({ keepAlive: true, maxSockets: THREADS, keepAliveMsecs: 60000 });
  // THREADS connections, each used once and then left open and idle.
  const first = await Promise.all(Array.from({ length: THREADS }, () => get(idle)));
  assert.ok(first.every((r) => r.status === 200));
  try {
    const fresh = new http.Agent({ keepAlive: false });
    let r;
    try {
      r = await get(fresh, '/api/v1/health', 5000);
    } catch (e) {
      assert.fail(`a new client got no answer while ${THREADS} idle keep-alive connections were open (--threads ${THREADS}): ${e.message}`);
    }
    assert.equal(r.status, 200);
    assert.ok(r.ms < 2500, `answered after ${r.ms} ms`);
  } finally {
    idle.destroy();
  }
});
