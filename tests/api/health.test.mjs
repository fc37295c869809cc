// Health, the OpenAPI document (checked against the route table in http/routes.c), the neuropathy
// code list, and the headers every API response carries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, client } from '../lib/server.mjs';
import { parseRoutes, parsePermNames, cli, assertProblem, stopServer } from './helpers.mjs';

let srv;
let anon;

before(async () => {
  srv = await startServer();
  anon = client(srv.base);
});
after(async () => { await stopServer(srv); });

test('GET /api/v1/health answers ok with the binary version', async () => {
  const r = await anon.get('/api/v1/health');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.equal(r.body.status, 'ok');
  const v = cli(['--version']);
  assert.equal(v.status, 0);
  assert.equal(v.stdout.trim(), `schwann ${r.body.version}`);
  assert.match(r.body.version, /^\d+\.\d+\.\d+/);
});

test('API responses carry a request id and safe caching/sniffing headers', async () => {
  const a = await anon.get('/api/v1/health');
  const b = await anon.get('/api/v1/health');
  assert.match(a.headers.get('x-request-id'), /^[0-9a-f]{16}$/);
  assert.notEqual(a.headers.get('x-request-id'), b.headers.get('x-request-id'), 'each request has its own id');
  assert.equal(a.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(a.headers.get('cache-control'), 'no-store');
  assert.equal(a.headers.get('referrer-policy'), 'no-referrer');
});

test('HEAD /api/v1/health answers 200 with no body', async () => {
  const r = await fetch(`${srv.base}/api/v1/health`, { method: 'HEAD' });
  assert.equal(r.status, 200);
  assert.equal(await r.text(), '');
});

test('openapi.json lists exactly the routes of http/routes.c, with their permissions', async () => {
  const routes = parseRoutes();
  const names = parsePermNames();
  const r = await anon.get('/api/v1/openapi.json');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  const doc = r.body;
  assert.match(doc.openapi, /^3\.1\./);
  assert.equal(doc.info.title, 'Schwann API');
  const health = await anon.get('/api/v1/health');
  assert.equal(doc.info.version, health.body.version);

  const fromDoc = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item)) fromDoc.push(`${method.toUpperCase()} ${path}`);
  }
  const fromTable = routes.map((rt) => `${rt.method} ${rt.path}`);
  assert.deepEqual([...fromDoc].sort(), [...fromTable].sort());
  assert.equal(new Set(fromTable).size, fromTable.length, 'no route is listed twice');

  for (const rt of routes) {
    const op = doc.paths[rt.path][rt.method.toLowerCase()];
    assert.equal(op['x-permission'], names[rt.perm], `${rt.method} ${rt.path} permission`);
    assert.ok(op.summary && op.summary.length > 3, `${rt.method} ${rt.path} summary`);
    if (rt.perm === 'PERM_PUBLIC') assert.deepEqual(op.security, [], `${rt.method} ${rt.path} is public`);
    else assert.equal(op.security, undefined, `${rt.method} ${rt.path} needs sign-in`);
    assert.equal(Boolean(op.requestBody), rt.body === 1, `${rt.method} ${rt.path} requestBody`);
    const params = [...rt.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    assert.deepEqual((op.parameters || []).map((p) => p.name), params, `${rt.method} ${rt.path} parameters`);
    for (const p of op.parameters || []) {
      assert.equal(p.in, 'path');
      assert.equal(p.required, true);
    }
  }
  assert.ok(doc.components.securitySchemes.bearer);
  assert.equal(doc.components.securitySchemes.cookie.name, 'schwann_session');
});

test('every route of the table is reachable (none answers the 404 of an unknown endpoint)', async () => {
  for (const rt of parseRoutes()) {
    const path = rt.path.replace(/\{\w+\}/g, '00000000-0000-7000-8000-000000000000');
    const r = await anon.call(rt.method, path);
    assert.notEqual(r.status, 405, `${rt.method} ${path}`);
    if (r.status === 404) assert.notEqual(r.body.detail, 'No such API endpoint.', `${rt.method} ${path}`);
  }
});

test('neuropathy-codes needs sign-in and lists the curated ICD-10-CM codes', async () => {
  assertProblem(await anon.get('/api/v1/neuropathy-codes'), 401);
  const c = await login(srv.base, 'researcher');
  const r = await c.get('/api/v1/neuropathy-codes');
  assert.equal(r.status, 200);
  const byCode = Object.fromEntries(r.body.items.map((i) => [i.code, i]));
  assert.ok(r.body.items.length >= 20);
  for (const i of r.body.items) {
    assert.equal(i.system, 'ICD-10-CM');
    assert.match(i.code, /^[A-Z]\d{2}(\.\d{1,2})?$/);
    assert.ok(i.description.length > 3);
  }
  assert.equal(byCode['E11.42'].etiology, 'diabetic');
  assert.equal(byCode['G62.1'].etiology, 'alcohol');
  assert.equal(byCode['G62.0'].etiology, 'chemotherapy_drug');
  assert.equal(byCode['E53.8'].etiology, 'b12_deficiency');
  assert.equal(new Set(r.body.items.map((i) => i.code)).size, r.body.items.length, 'codes are unique');
});

test('the web UI is served at / as HTML with a content security policy', async () => {
  const r = await fetch(`${srv.base}/`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.match(r.headers.get('content-security-policy') || '', /default-src 'self'/);
  assert.match(await r.text(), /<!doctype html>/i);
});

test('what the product shows names publications, never a file outside the product', async () => {
  const c = await login(srv.base, 'clinician');
  const paths = ['/api/v1/instruments', '/api/v1/observation-kinds', '/api/v1/medication-list',
    '/api/v1/neuropathy-codes', '/api/v1/biologics', '/api/v1/protocols', '/api/v1/consent-documents'];
  for (const i of (await c.get('/api/v1/instruments')).body.items) paths.push(`/api/v1/instruments/${i.id}`);
  for (const p of (await c.get('/api/v1/protocols')).body.items) paths.push(`/api/v1/protocols/${p.id}`);
  for (const path of paths) {
    const r = await c.get(path);
    assert.equal(r.status, 200, path);
    assert.doesNotMatch(r.text, /facts\.md|shared\/|\.\.\//, path);
  }
  // The test-result rules cite their publications.
  const kinds = (await c.get('/api/v1/observation-kinds')).body.items;
  assert.match(kinds.find((k) => k.kind === 'vibration_threshold').rule, /Young et al\., Diabetes Care 1994/);
});
