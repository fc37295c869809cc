// The permission matrix: every route of http/routes.c against every role of core/perm.c and an
// anonymous caller, by bearer token and by cookie session. Both tables are parsed from the C
// sources, and GET /api/v1/me must report the same permissions.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, client, newPatient } from '../lib/server.mjs';
import {
  ROLES, parseRoutes, parseRolePerms, parsePermNames, tokenClient, assertProblem, stopServer,
} from './helpers.mjs';

const routes = parseRoutes();
const rolePerms = parseRolePerms();
const permNames = parsePermNames();

let srv;
let admin;
let patient;
let condition;
let assessment;
let observation;
let diaryEntry;
let medication;
let adverseEvent;
let plan;
let consent;
let resource;
let closure;
const tokens = {};
const cookies = {};

before(async () => {
  srv = await startServer();
  for (const r of ROLES) tokens[r] = tokenClient(srv.base, srv.db, r);
  for (const r of ROLES) cookies[r] = await login(srv.base, r);
  admin = tokens.admin;
  const p = await admin.post('/api/v1/patients', newPatient({ family_name: 'Matrix', given_name: 'Identified' }));
  assert.equal(p.status, 201);
  patient = p.body;
  const k = await admin.post(`/api/v1/patients/${patient.id}/conditions`, { icd10: 'E11.42' });
  assert.equal(k.status, 201);
  condition = k.body;
  const s = await admin.post(`/api/v1/patients/${patient.id}/assessments`,
    { instrument: 'nrs', performed_at: '2026-01-05', answers: { score: 6 } });
  assert.equal(s.status, 201, s.text);
  assessment = s.body;
  const o = await admin.post(`/api/v1/patients/${patient.id}/observations`,
    { kind: 'vitamin_b12', performed_on: '2026-01-05', value: 350, unit: 'pg/mL' });
  assert.equal(o.status, 201, o.text);
  observation = o.body;
  const d = await admin.post(`/api/v1/patients/${patient.id}/diary`, { entry_date: '2026-01-04', nrs: 6 });
  assert.equal(d.status, 201, d.text);
  diaryEntry = d.body;
  const m = await admin.post(`/api/v1/patients/${patient.id}/medications`, { drug: 'duloxetine' });
  assert.equal(m.status, 201, m.text);
  medication = m.body;
  const e = await admin.post(`/api/v1/patients/${patient.id}/adverse-events`, { term: 'Bruising', onset_date: '2026-01-06',
    grade: 1, serious: false, relatedness: 'possible', expected: true, outcome: 'recovering' });
  assert.equal(e.status, 201, e.text);
  adverseEvent = e.body;
  const pl = await admin.post(`/api/v1/patients/${patient.id}/plans`, { protocol: 'prp-series', condition_id: condition.id, start_date: '2026-01-10' });
  assert.equal(pl.status, 201, pl.text);
  plan = pl.body;
  const ks = await admin.post(`/api/v1/patients/${patient.id}/consents`, { document: 'prp', version: '1', plan_id: plan.id, signed_on: '2026-01-10', witness: 'Admin' });
  assert.equal(ks.status, 201, ks.text);
  consent = ks.body;
  const rs = await admin.post('/api/v1/resources', { kind: 'procedure_room', name: 'Matrix room', hours: { mon: [['08:00', '17:00']] } });
  assert.equal(rs.status, 201, rs.text);
  resource = rs.body;
  const cl = await admin.post(`/api/v1/resources/${resource.id}/closures`, { from: '2027-01-04', to: '2027-01-04', reason: 'Maintenance' });
  assert.equal(cl.status, 201, cl.text);
  closure = cl.body;
});
after(async () => { await stopServer(srv); });

// The request sent for a route, and the status it gets when the caller may use it. The probes
// never change data (they fail validation or lack If-Match) except signing out a session.
function probe(rt) {
  const ids = {
    '/api/v1/conditions': condition.id, '/api/v1/assessments': assessment.id,
    '/api/v1/instruments': 'dn4', '/api/v1/observations': observation.id,
    '/api/v1/diary-entries': diaryEntry.id, '/api/v1/medications': medication.id,
    '/api/v1/adverse-events': adverseEvent.id,
    '/api/v1/plans': plan.id, '/api/v1/plan-steps': plan.steps[0].id, '/api/v1/protocols': 'bmac',
    '/api/v1/consents': consent.id, '/api/v1/lots': 'LOT-NONE',
    '/api/v1/resources': resource.id, '/api/v1/closures': closure.id,
  };
  const prefix = Object.keys(ids).find((k) => rt.path.startsWith(`${k}/`));
  const id = prefix ? ids[prefix] : patient.id;
  const path = rt.path.replace('{id}', id);
  const known = {
    'GET /api/v1/health': 200,
    'GET /api/v1/openapi.json': 200,
    'POST /api/v1/session': 422,
    'DELETE /api/v1/session': 204,
    'GET /api/v1/me': 200,
    'GET /api/v1/neuropathy-codes': 200,
    'GET /api/v1/patients': 200,
    'POST /api/v1/patients': 422,
    'GET /api/v1/patients/{id}': 200,
    'PATCH /api/v1/patients/{id}': 428,
    'POST /api/v1/patients/{id}/archive': 422,
    'POST /api/v1/patients/{id}/restore': 422,
    'GET /api/v1/patients/{id}/conditions': 200,
    'POST /api/v1/patients/{id}/conditions': 422,
    'GET /api/v1/conditions/{id}': 200,
    'PATCH /api/v1/conditions/{id}': 428,
    'GET /api/v1/audit': 200,
    'GET /api/v1/instruments': 200,
    'GET /api/v1/instruments/{id}': 200,
    'GET /api/v1/patients/{id}/assessments': 200,
    'POST /api/v1/patients/{id}/assessments': 422,
    'GET /api/v1/assessments/{id}': 200,
    'POST /api/v1/assessments/{id}/void': 422,
    'GET /api/v1/observation-kinds': 200,
    'GET /api/v1/patients/{id}/observations': 200,
    'POST /api/v1/patients/{id}/observations': 422,
    'GET /api/v1/observations/{id}': 200,
    'POST /api/v1/observations/{id}/void': 422,
    'GET /api/v1/patients/{id}/diary': 200,
    'POST /api/v1/patients/{id}/diary': 422,
    'POST /api/v1/diary-entries/{id}/void': 422,
    'GET /api/v1/diary-entries/{id}': 200,
    'GET /api/v1/medications/{id}': 200,
    'GET /api/v1/medication-list': 200,
    'GET /api/v1/patients/{id}/medications': 200,
    'POST /api/v1/patients/{id}/medications': 422,
    'PATCH /api/v1/medications/{id}': 428,
    'GET /api/v1/patients/{id}/timeline': 200,
    'GET /api/v1/patients/{id}/adverse-events': 200,
    'POST /api/v1/patients/{id}/adverse-events': 422,
    'GET /api/v1/adverse-events/{id}': 200,
    'PATCH /api/v1/adverse-events/{id}': 428,
    'GET /api/v1/biologics': 200,
    'GET /api/v1/protocols': 200,
    'GET /api/v1/protocols/{id}': 200,
    'GET /api/v1/patients/{id}/plans': 200,
    'POST /api/v1/patients/{id}/plans': 422,
    'GET /api/v1/plans/{id}': 200,
    'PATCH /api/v1/plans/{id}': 428,
    'POST /api/v1/plans/{id}/status': 422,
    'POST /api/v1/plan-steps/{id}/skip': 428,
    'GET /api/v1/consent-documents': 200,
    'GET /api/v1/patients/{id}/consents': 200,
    'POST /api/v1/patients/{id}/consents': 422,
    'GET /api/v1/consents/{id}': 200,
    'POST /api/v1/consents/{id}/withdraw': 422,
    'POST /api/v1/plans/{id}/procedures': 422,
    'GET /api/v1/patients/{id}/procedures': 200,
    'GET /api/v1/procedures/{id}': 404,
    'POST /api/v1/procedures/{id}/void': 422,
    'GET /api/v1/patients/{id}/candidacy': 200,
    'GET /api/v1/patients/{id}/expected-outcomes': 200,
    'GET /api/v1/patients/{id}/candidacy-decisions': 200,
    'POST /api/v1/patients/{id}/candidacy-decisions': 422,
    'GET /api/v1/candidacy-decisions/{id}': 404,
    'POST /api/v1/candidacy-decisions/{id}/void': 422,
    'POST /api/v1/plans/{id}/steps': 422,
    'GET /api/v1/plan-steps/{id}': 200,
    'POST /api/v1/plan-steps/{id}/accept': 428,
    'POST /api/v1/plan-steps/{id}/done': 428,
    'GET /api/v1/lots/{id}': 200,
    'POST /api/v1/me/password': 422,
    'GET /api/v1/staff': 200,
    'POST /api/v1/staff': 422,
    'PATCH /api/v1/staff/{id}': 404,
    'POST /api/v1/staff/{id}/password-reset': 404,
    'GET /api/v1/tokens': 200,
    'POST /api/v1/tokens': 422,
    'POST /api/v1/tokens/{id}/revoke': 404,
    'GET /api/v1/audit/verify': 200,
    'GET /api/v1/outcomes/responders': 200,
    'GET /api/v1/outcomes/completeness': 200,
    'GET /api/v1/outcomes/time-to-response': 200,
    'GET /api/v1/outcomes/change': 200,
    'GET /api/v1/outcomes/dose-response': 200,
    'GET /api/v1/outcomes/adverse-events': 200,
    'GET /api/v1/appointment-types': 200,
    'GET /api/v1/resources': 200,
    'POST /api/v1/resources': 422,
    'GET /api/v1/resources/{id}': 200,
    'PATCH /api/v1/resources/{id}': 428,
    'GET /api/v1/resources/{id}/closures': 200,
    'POST /api/v1/resources/{id}/closures': 422,
    'GET /api/v1/closures/{id}': 200,
    'POST /api/v1/closures/{id}/void': 422,
    'GET /api/v1/slots': 422,
    'POST /api/v1/appointments': 422,
    'GET /api/v1/appointments': 200,
    'GET /api/v1/appointments/{id}': 404,
    'POST /api/v1/appointments/{id}/reschedule': 428,
    'POST /api/v1/appointments/{id}/cancel': 422,
    'POST /api/v1/appointments/{id}/arrive': 428,
    'POST /api/v1/appointments/{id}/no-show': 428,
    'POST /api/v1/appointments/{id}/complete': 428,
    'POST /api/v1/plans/{id}/book': 409,
    'POST /api/v1/plans/{id}/shift': 422,
    'GET /api/v1/worklists/due': 422,
    'GET /api/v1/resources/{id}/calendar.ics': 200,
    'GET /api/v1/resources/{id}/feed-tokens': 200,
    'POST /api/v1/resources/{id}/feed-tokens': 422,
    'GET /api/v1/feed-tokens/{id}': 404,
    'POST /api/v1/feed-tokens/{id}/revoke': 404,
    'GET /api/v1/patients/{id}/calendar.ics': 200,
    'GET /api/v1/prices': 200,
    'PUT /api/v1/prices': 422,
    'GET /api/v1/patients/{id}/invoices': 200,
    'POST /api/v1/patients/{id}/invoices': 422,
    'GET /api/v1/invoices/{id}': 404,
    'PATCH /api/v1/invoices/{id}': 428,
    'POST /api/v1/invoices/{id}/issue': 428,
    'POST /api/v1/invoices/{id}/void': 422,
    'POST /api/v1/invoices/{id}/credit-notes': 428,
    'GET /api/v1/patients/{id}/payments': 200,
    'POST /api/v1/patients/{id}/payments': 422,
    'POST /api/v1/payments/{id}/void': 422,
    'GET /api/v1/patients/{id}/balance': 200,
    'GET /api/v1/reports/takings': 200,
    'POST /api/v1/plans/{id}/estimates': 409,
    'GET /api/v1/patients/{id}/estimates': 200,
    'GET /api/v1/estimates/{id}.pdf': 404,
    'GET /api/v1/estimates/{id}': 404,
  };
  return { path, body: rt.body ? {} : undefined, expect: known[`${rt.method} ${rt.path}`] };
}

// Routes public in the table whose handler authorises the caller itself (a calendar app brings
// a feed token instead of a session): without a token they are checked as if the route named
// this permission (401 anonymous, the audited 403 naming it for a role without it).
const handlerPerm = { 'GET /api/v1/resources/{id}/calendar.ics': 'PERM_CALENDAR_READ' };

// What a route answers a caller signed in with an API token, where it differs from the table.
const byToken = { 'DELETE /api/v1/session': 400 };

// Signing out goes last, so the cookie sessions stay valid for the other routes.
const ordered = [...routes].sort((a, b) => (a.method === 'DELETE' && a.path === '/api/v1/session') - (b.method === 'DELETE' && b.path === '/api/v1/session'));

async function check(who, c, allowedPerms) {
  for (const rt of ordered) {
    const { path, body, expect: usual } = probe(rt);
    const expect = c.token && byToken[`${rt.method} ${rt.path}`] || usual;
    const r = await c.call(rt.method, path, body);
    const label = `${who}: ${rt.method} ${rt.path} -> ${r.status} ${r.text.slice(0, 200)}`;
    const perm = handlerPerm[`${rt.method} ${rt.path}`] || rt.perm;
    if (perm === 'PERM_PUBLIC' || allowedPerms?.has(perm)) {
      assert.ok(r.status !== 401 && r.status !== 403 && r.status < 500, label);
      if (expect !== undefined) assert.equal(r.status, expect, label);
    } else if (!allowedPerms) {
      assertProblem(r, 401, label);
    } else {
      const b = assertProblem(r, 403, label);
      assert.equal(b.type, '/problems/forbidden');
      assert.ok(b.detail.includes(permNames[perm]), `${label}: the 403 names the missing permission`);
      assert.ok(!r.text.includes(patient.mrn) && !r.text.includes('Matrix'), `${label}: no patient data in a 403`);
    }
  }
}

test('the tables parse: every route names a known permission and every role is present', () => {
  assert.ok(routes.length >= 16);
  for (const rt of routes) assert.ok(permNames[rt.perm], `${rt.method} ${rt.path}: ${rt.perm}`);
  assert.deepEqual(Object.keys(rolePerms).sort(), [...ROLES].sort());
  for (const rt of routes) assert.notEqual(probe(rt).expect, undefined, `a probe for ${rt.method} ${rt.path} (add it to the table above)`);
});

test('GET /me reports, for each role, exactly the permissions of core/perm.c', async () => {
  for (const role of ROLES) {
    const expected = [...rolePerms[role]].map((p) => permNames[p]).sort();
    for (const [how, c] of [['token', tokens[role]], ['cookie', cookies[role]]]) {
      const r = await c.get('/api/v1/me');
      assert.equal(r.status, 200, `${role} ${how}`);
      assert.equal(r.body.role, role);
      assert.deepEqual([...r.body.permissions].sort(), expected, `${role} by ${how}`);
    }
  }
});

test('the matrix restated: what each role may do (a change to core/perm.c must be deliberate)', () => {
  const may = (role) => [...rolePerms[role]].map((p) => permNames[p]).sort();
  assert.deepEqual(may('admin'), ['appointment.read', 'appointment.schedule', 'appointment.write', 'audit.read', 'billing.read', 'billing.write', 'calendar.admin', 'calendar.read', 'clinical.read', 'clinical.write', 'condition.read', 'condition.write', 'estimate.write', 'outcomes.read', 'patient.archive', 'patient.read', 'patient.restore', 'patient.write', 'plan.read', 'plan.write', 'price.admin', 'price.read', 'public', 'signed_in', 'staff.admin']);
  assert.deepEqual(may('clinician'), ['appointment.read', 'appointment.write', 'billing.read', 'calendar.read', 'clinical.read', 'clinical.write', 'condition.read', 'condition.write', 'estimate.write', 'outcomes.read', 'patient.archive', 'patient.read', 'patient.write', 'plan.read', 'plan.write', 'price.read', 'public', 'signed_in']);
  assert.deepEqual(may('nurse'), ['appointment.read', 'appointment.write', 'calendar.read', 'clinical.read', 'clinical.write', 'condition.read', 'patient.read', 'patient.write', 'plan.read', 'price.read', 'public', 'signed_in']);
  assert.deepEqual(may('front_desk'), ['appointment.read', 'appointment.schedule', 'appointment.write', 'billing.read', 'billing.write', 'calendar.read', 'estimate.write', 'patient.read', 'patient.write', 'plan.read', 'price.read', 'public', 'signed_in']);
  assert.deepEqual(may('researcher'), ['outcomes.read', 'public', 'signed_in']);
});

test('anonymous: public routes answer, every other route is 401', async () => {
  await check('anonymous', client(srv.base), null);
});

describe('by bearer token', () => {
  for (const role of ROLES) {
    test(`${role}: allowed routes answer, the others are 403`, async () => {
      await check(`${role} (token)`, tokens[role], rolePerms[role]);
    });
  }
});

describe('by cookie session', () => {
  for (const role of ROLES) {
    test(`${role}: allowed routes answer, the others are 403`, async () => {
      await check(`${role} (cookie)`, cookies[role], rolePerms[role]);
    });
  }
});

test('a researcher gets 403 on every identified patient record, whatever the id or query', async () => {
  const rs = tokens.researcher;
  const paths = [
    '/api/v1/patients', `/api/v1/patients?q=${encodeURIComponent(patient.mrn)}`, '/api/v1/patients?q=Matrix',
    `/api/v1/patients/${patient.id}`, `/api/v1/patients/${patient.id}/conditions`, `/api/v1/conditions/${condition.id}`,
    '/api/v1/patients/01a21209-9800-7e0c-baad-0e9d82dabcb6', '/api/v1/patients/not-an-id',
    `/api/v1/audit?patient_id=${patient.id}`,
  ];
  for (const p of paths) {
    const r = await rs.get(p);
    assertProblem(r, 403, p);
    assert.ok(!r.text.includes(patient.mrn) && !r.text.includes('Identified'), `${p}: no patient data`);
  }
  assertProblem(await rs.post('/api/v1/patients', newPatient()), 403);
  assertProblem(await rs.patch(`/api/v1/patients/${patient.id}`, { given_name: 'X' }, { 'If-Match': '"1"' }), 403);
  assertProblem(await rs.post(`/api/v1/patients/${patient.id}/archive`, { reason: 'x' }, { 'If-Match': '"1"' }), 403);
  assertProblem(await rs.post(`/api/v1/patients/${patient.id}/conditions`, { icd10: 'E11.42' }), 403);
  const g = await admin.get(`/api/v1/patients/${patient.id}`);
  assert.equal(g.body.version, 1, 'nothing changed');
  assert.equal(g.body.archived, false);
});

test('roles without a write permission cannot write even with a valid body and If-Match', async () => {
  const nurse = tokens.nurse;
  assertProblem(await nurse.post(`/api/v1/patients/${patient.id}/conditions`, { icd10: 'G62.1' }), 403);
  assertProblem(await nurse.patch(`/api/v1/conditions/${condition.id}`, { notes: 'x' }, { 'If-Match': '"1"' }), 403);
  assertProblem(await tokens.front_desk.get(`/api/v1/conditions/${condition.id}`), 403);
  const list = await admin.get(`/api/v1/patients/${patient.id}/conditions`);
  assert.equal(list.body.items.length, 1);
  assert.equal(list.body.items[0].version, 1);
  // What they may do, they can do for real.
  const p = await tokens.front_desk.post('/api/v1/patients', newPatient());
  assert.equal(p.status, 201);
  const u = await nurse.patch(`/api/v1/patients/${p.body.id}`, { phone: '555 0100 99' }, { 'If-Match': '"1"' });
  assert.equal(u.status, 200, u.text);
  const k = await tokens.clinician.post(`/api/v1/patients/${p.body.id}/conditions`, { icd10: 'G62.1' });
  assert.equal(k.status, 201);
  assert.equal((await nurse.get(`/api/v1/conditions/${k.body.id}`)).status, 200);
});
