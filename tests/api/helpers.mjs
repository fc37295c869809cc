// Shared helpers for the API tests: the route and permission tables parsed from the C sources
// (so the tests cannot drift from them), CLI runners, tokens, dates relative to today, and small
// assertion helpers. Not a test file itself (its name does not match node's test patterns).
import { readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { spawn, spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { BIN, emailOf, client, login } from '../lib/server.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ROLES = ['admin', 'clinician', 'nurse', 'front_desk', 'researcher'];

// ---------------------------------------------------------------- route and permission tables

// The route table in http/routes.c: [{method, path, perm: 'PERM_…', body: 0|1, kind: 'rk_…'?,
// quick: 'QUICK' | a predicate's name | null}].
export function parseRoutes() {
  const src = readFileSync(join(ROOT, 'http/routes.c'), 'utf8');
  const table = src.slice(src.indexOf('routes[]'));
  const re = /\{\s*"([A-Z]+)"\s*,\s*"([^"]+)"\s*,\s*(\w+)\s*,\s*(PERM_\w+)\s*,\s*((?:"(?:[^"\\]|\\.)*"\s*)+),\s*([01])\s*(?:,\s*(?:&(\w+)|NULL)\s*)?(?:,\s*(QUICK|\w+_quick)\s*)?\}/g;
  const out = [];
  for (const m of table.matchAll(re)) {
    out.push({ method: m[1], path: m[2], handler: m[3], perm: m[4], body: Number(m[6]), kind: m[7], quick: m[8] || null });
  }
  if (out.length < 5) throw new Error(`could not parse http/routes.c (found ${out.length} routes)`);
  return out;
}

// The perm enum in core/perm.h in order: ['PERM_PUBLIC', …] (without PERM_COUNT).
export function parsePermEnum() {
  const src = readFileSync(join(ROOT, 'core/perm.h'), 'utf8');
  const body = src.match(/typedef enum perm \{([\s\S]*?)\}\s*perm;/)[1];
  return [...body.matchAll(/\b(PERM_[A-Z_]+)\b/g)].map((m) => m[1]).filter((p) => p !== 'PERM_COUNT');
}

// perm_names in core/perm.c: { PERM_PUBLIC: 'public', … }.
export function parsePermNames() {
  const src = readFileSync(join(ROOT, 'core/perm.c'), 'utf8');
  const body = src.match(/perm_names\[PERM_COUNT\]\s*=\s*\{([\s\S]*?)\};/)[1];
  const names = [...body.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  const enums = parsePermEnum();
  if (names.length !== enums.length) throw new Error('perm_names and enum perm differ in length');
  return Object.fromEntries(enums.map((e, i) => [e, names[i]]));
}

// role_perms in core/perm.c: { admin: Set('PERM_…'), … }.
export function parseRolePerms() {
  const src = readFileSync(join(ROOT, 'core/perm.c'), 'utf8');
  const body = src.match(/role_perms\[ROLE_COUNT\]\s*=\s*\{([\s\S]*?)\};/)[1];
  const out = {};
  for (const m of body.matchAll(/\[ROLE_([A-Z_]+)\]\s*=\s*([^,\]]*?(?:P\(PERM_\w+\)\s*\|?\s*)+)/g)) {
    out[m[1].toLowerCase()] = new Set([...m[2].matchAll(/P\((PERM_\w+)\)/g)].map((x) => x[1]));
  }
  for (const r of ROLES) if (!out[r]) throw new Error(`role ${r} not found in core/perm.c`);
  return out;
}

// ---------------------------------------------------------------- CLI

// Runs the binary; never throws. {status, stdout, stderr}.
export function cli(args, input) {
  const r = spawnSync(BIN, args, { input, encoding: 'utf8', timeout: 60000 });
  return { status: r.status, stdout: r.stdout || '', stderr: r.stderr || '', signal: r.signal };
}

// The same, without blocking the event loop (for running next to in-flight requests).
export function cliAsync(args, input) {
  return new Promise((resolve) => {
    const p = spawn(BIN, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
    p.stdin.end(input || '');
  });
}

export function sqlite(db, sql) {
  const r = spawnSync('sqlite3', ['-bail', '-cmd', '.timeout 10000', db, sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3 ${sql}: ${r.stderr}`);
  return r.stdout.trim();
}

// Signs in every role's test account: as[role] is its client.
export async function signInEveryRole(base, as) {
  for (const role of ROLES) as[role] = await login(base, role);
  return as;
}

// The staff ids by e-mail, as an admin reads them.
export async function staffIds(admin) {
  return Object.fromEntries((await admin.get('/api/v1/staff')).body.items.map((s) => [s.email, s.id]));
}

// add(key, body) creates a calendar resource as admin (201 asserted) and keeps it in into[key].
export function resourceAdder(admin, into) {
  return async (key, body) => {
    const r = await admin.post('/api/v1/resources', body);
    assert.equal(r.status, 201, r.text);
    into[key] = r.body;
  };
}

// An API token for a role's test account, made with `schwann token create`.
export function tokenFor(db, role) {
  const r = cli(['token', 'create', '--db', db, '--email', emailOf(role)]);
  assert.equal(r.status, 0, `token create ${role}: ${r.stderr}`);
  const token = r.stdout.trim();
  assert.match(token, /^sw_[A-Za-z0-9_-]{20,}$/);
  return token;
}

export function tokenClient(base, db, role) {
  return client(base, { token: tokenFor(db, role) });
}

// ---------------------------------------------------------------- dates (UTC, like the server)

const pad = (n, w = 2) => String(n).padStart(w, '0');
export const ymd = (d) => `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
export const ym = (d) => `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}`;

export function todayUTC() {
  const n = new Date();
  return new Date(Date.UTC(n.getUTCFullYear(), n.getUTCMonth(), n.getUTCDate()));
}

export function addDays(d, days) {
  return new Date(d.getTime() + days * 86400000);
}

// Calendar months back (or forward) with the day clamped to the target month's length.
export function addMonths(d, months) {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const target = new Date(Date.UTC(y, m, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d.getUTCDate(), last)));
}

// ---------------------------------------------------------------- assertions

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

// Checks an RFC 9457 problem response and returns its body.
export function assertProblem(res, status, msg = '') {
  assert.equal(res.status, status, `${msg} expected ${status}, got ${res.status}: ${res.text}`);
  assert.match(res.headers.get('content-type') || '', /^application\/problem\+json/, `${msg} content-type`);
  const b = res.body;
  assert.ok(b && typeof b === 'object', `${msg} problem body is JSON: ${res.text}`);
  assert.equal(b.status, status, `${msg} problem.status`);
  assert.equal(typeof b.type, 'string');
  assert.ok(b.type.length > 0, 'problem.type');
  assert.equal(typeof b.title, 'string');
  assert.ok(b.title.length > 0, 'problem.title');
  assert.equal(typeof b.detail, 'string');
  assert.ok(b.detail.length > 0, 'problem.detail');
  assert.equal(b.request_id, res.headers.get('x-request-id'), `${msg} problem.request_id is the X-Request-Id header`);
  return b;
}

// A 422 whose errors[] paths are exactly (or include, when exact=false) the given paths.
export function assertInvalid(res, paths, { exact = true, msg = '' } = {}) {
  const b = assertProblem(res, 422, msg);
  assert.ok(Array.isArray(b.errors), `${msg} errors[] present: ${res.text}`);
  for (const e of b.errors) {
    assert.equal(typeof e.path, 'string');
    assert.equal(typeof e.message, 'string');
    assert.ok(e.message.length > 0, `${msg} message for ${e.path}`);
  }
  const got = b.errors.map((e) => e.path);
  if (exact) assert.deepEqual([...got].sort(), [...paths].sort(), `${msg} error paths: ${res.text}`);
  else for (const p of paths) assert.ok(got.includes(p), `${msg} expected an error at ${p}: ${res.text}`);
  return b;
}

export const rnd = (n = 8) => {
  const a = 'abcdefghijklmnopqrstuvwxyz';
  let s = '';
  for (let i = 0; i < n; i++) s += a[Math.floor(Math.random() * 26)];
  return s;
};

// Runs fn over items with at most `width` in flight; resolves to the results in order.
export async function pool(items, width, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

// ---------------------------------------------------------------- raw HTTP

// One request through node:http, for what fetch cannot do: a chosen source address (the loopback
// network is 127/8, so 127.0.0.2 … are distinct clients), chunked bodies, raw bodies.
// body: string | Buffer | array of chunks (sent chunked, without Content-Length).
export function rawRequest(base, { method = 'GET', path, headers = {}, body, localAddress } = {}) {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers,
      localAddress, agent: false,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: res.statusCode, headers: h, body: json, text });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (Array.isArray(body)) {
      for (const c of body) req.write(c);
      req.end();
    } else {
      req.end(body);
    }
  });
}

// A #define's integer value from a C header under the project root.
export function cDefine(file, name) {
  const m = readFileSync(join(ROOT, file), 'utf8').match(new RegExp(`#define\\s+${name}\\s+(\\d+)`));
  if (!m) throw new Error(`${name} not found in ${file}`);
  return Number(m[1]);
}

// Stops a server from startServer. Unlike srv.stop() alone, does not hang when the server already
// died from a signal (a crash of the release build: exitCode stays null, signalCode is set).
// ownsDir: the server made its own fresh database directory (startServer without opts.db).
export async function stopServer(srv, { ownsDir = true } = {}) {
  if (!srv) return;
  if (srv.proc.exitCode === null && srv.proc.signalCode === null) {
    await srv.stop();
  } else if (ownsDir) {
    rmSync(dirname(srv.db), { recursive: true, force: true });
  }
}
