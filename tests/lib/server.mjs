// Starts a real `schwann serve` on a free loopback port with a fresh database, for API and
// browser tests. Uses the ASan build when present (so memory errors fail the tests).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.SCHWANN_BIN ||
  (existsSync(join(root, 'build/asan/schwann')) ? join(root, 'build/asan/schwann') : join(root, 'schwann'));

export const PASSWORDS = {
  admin: 'admin-password-1', clinician: 'clinician-password-1', nurse: 'nurse-password-1',
  front_desk: 'frontdesk-password-1', researcher: 'researcher-password-1',
};
// The servers run on the default engine (h2o); SCHWANN_ENGINE=civetweb runs every test's server
// on the former one (`serve --engine civetweb`), SCHWANN_ENGINE=h2o names the default. A test
// that names an engine itself still gets it (its arguments come later and win).
export const ENGINE = process.env.SCHWANN_ENGINE || '';

export const emailOf = (role) => `${role}@test.schwann.test`;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

export function schwann(args, input) {
  return execFileSync(BIN, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

// Creates a database with one staff member per role (unless opts.noStaff).
export function freshDb(opts = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'schwann-test-'));
  const db = join(dir, 'test.db');
  if (!opts.noStaff) {
    for (const role of Object.keys(PASSWORDS)) {
      schwann(['user', 'add', '--db', db, '--email', emailOf(role), '--name', `Test ${role}`,
        '--role', role, '--password-stdin'], PASSWORDS[role] + '\n');
    }
  }
  return { dir, db };
}

// Starts the server on db (or a fresh one); resolves when /api/v1/health answers.
export async function startServer(opts = {}) {
  const { dir, db } = opts.db ? { dir: null, db: opts.db } : freshDb(opts);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const args = ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--threads', '16',
    ...(ENGINE ? ['--engine', ENGINE] : []), ...(opts.args || [])];
  const proc = spawn(BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  const deadline = Date.now() + 15000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`schwann exited ${proc.exitCode ?? proc.signalCode}: ${log}`);
    }
    try { const r = await fetch(`${base}/api/v1/health`); if (r.ok) break; } catch { /* not up yet */ }
    if (Date.now() > deadline) { proc.kill('SIGKILL'); throw new Error(`server did not start: ${log}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base, db, proc, port,
    log: () => log,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) {
        const done = new Promise((r) => proc.once('exit', r));
        proc.kill(signal);
        await done;
      }
      if (dir && !opts.keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A signed-in client: cookie session with CSRF header, like the web UI.
export async function login(base, role, password = PASSWORDS[role]) {
  const r = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: emailOf(role), password }),
  });
  if (r.status !== 201) throw new Error(`login ${role}: ${r.status} ${await r.text()}`);
  const body = await r.json();
  const cookie = r.headers.get('set-cookie').split(';')[0];
  return client(base, { cookie, csrf: body.csrf_token, staff: body.staff });
}

export function client(base, auth = {}) {
  const call = async (method, path, body, headers = {}) => {
    const h = { ...headers };
    if (auth.cookie) h.Cookie = auth.cookie;
    if (auth.token) h.Authorization = `Bearer ${auth.token}`;
    if (auth.csrf && method !== 'GET') h['X-CSRF-Token'] = auth.csrf;
    if (body !== undefined) h['Content-Type'] = h['Content-Type'] || 'application/json';
    const r = await fetch(base + path, {
      method, headers: h,
      body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
    });
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: r.status, headers: r.headers, body: json, text };
  };
  return {
    ...auth,
    get: (p, h) => call('GET', p, undefined, h),
    post: (p, b, h) => call('POST', p, b, h),
    patch: (p, b, h) => call('PATCH', p, b, h),
    del: (p, h) => call('DELETE', p, undefined, h),
    call,
  };
}

let mrnCounter = 0;
// Letters for n (0 -> "Ba", 1 -> "Bb", ...): a second given name that keeps test patients apart,
// since the same name and birth date twice is a possible duplicate.
function letters(n) {
  let out = '';
  for (let k = n + 26; k > 0; k = Math.floor(k / 26)) out = String.fromCharCode(97 + (k % 26)) + out;
  return out[0].toUpperCase() + out.slice(1);
}

export function newPatient(over = {}) {
  mrnCounter += 1;
  return {
    mrn: `T-${process.pid}-${mrnCounter}`, family_name: 'Testperson', given_name: `Alex ${letters(mrnCounter)}`,
    birth_date: '1960-04-12', sex_at_birth: 'female', ...over,
  };
}
