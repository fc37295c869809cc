// One lifecycle for every kind of patient record (the record layer, core/record.h): a record that
// has ended — voided, or marked entered in error — never changes again; nothing of an archived
// patient changes; every change names the version it was made on. Each kind is exercised the same
// way, so a kind that drifts from the rule fails here.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, newPatient } from '../lib/server.mjs';
import { assertProblem, parseRoutes, stopServer, todayUTC, ymd } from './helpers.mjs';

let srv;
let c; // clinician
const today = ymd(todayUTC());

before(async () => {
  srv = await startServer();
  c = await login(srv.base, 'clinician');
});
after(async () => { await stopServer(srv); });

async function newPat() {
  const r = await c.post('/api/v1/patients', newPatient());
  assert.equal(r.status, 201, r.text);
  return r.body;
}

// Each kind: where its records are created, a valid body, how it ends, and a change to try after.
const kinds = [
  { name: 'diagnosis', list: 'conditions', one: 'conditions', body: { icd10: 'E11.42', onset_date: '2020-01-01' },
    end: 'patch', status: 'entered_in_error', reason: 'status_reason', change: { notes: 'later' } },
  { name: 'medicine', list: 'medications', one: 'medications', body: { drug: 'pregabalin', dose_value: 75, dose_unit: 'mg' },
    end: 'patch', status: 'entered_in_error', reason: 'void_reason', change: { dose_value: 150 } },
  { name: 'adverse event', list: 'adverse-events', one: 'adverse-events',
    body: { term: 'Bruising at the injection site', onset_date: today, grade: 1, serious: false, relatedness: 'probable', expected: true, outcome: 'recovering' },
    end: 'patch', status: 'entered_in_error', reason: 'status_reason', change: { outcome: 'recovered' } },
  { name: 'plan', list: 'plans', one: 'plans', also: ['plan-steps'], needsCondition: true,
    body: { protocol: 'prp-series', start_date: today }, end: 'status', status: 'declined', change: { notes: 'later' } },
  { name: 'consent', list: 'consents', one: 'consents', end: 'withdraw',
    body: async (q) => {
      const d = await c.post(`/api/v1/patients/${q.id}/conditions`, { icd10: 'E11.42' });
      const pl = await c.post(`/api/v1/patients/${q.id}/plans`, { protocol: 'prp-series', condition_id: d.body.id, start_date: today });
      assert.equal(pl.status, 201, pl.text);
      return { document: 'prp', version: '1', plan_id: pl.body.id, signed_on: today, witness: 'Dr Test' };
    } },
  { name: 'procedure', list: 'procedures', one: 'procedures', end: 'void',
    body: async (q) => {
      const d = await c.post(`/api/v1/patients/${q.id}/conditions`, { icd10: 'E11.42' });
      const pl = await c.post(`/api/v1/patients/${q.id}/plans`, { protocol: 'prp-series', condition_id: d.body.id, start_date: today });
      await c.post(`/api/v1/plans/${pl.body.id}/status`, { status: 'accepted' }, { 'If-Match': '"1"' });
      await c.post(`/api/v1/patients/${q.id}/consents`, { document: 'prp', version: '1', plan_id: pl.body.id, signed_on: today, witness: 'Dr Test' });
      return { kind: 'blood_draw', performed_on: today, volume_ml: 30, plan: pl.body.id };
    },
    post: (q, { plan, ...body }) => c.post(`/api/v1/plans/${plan}/procedures`, body) },
  { name: 'candidacy decision', list: 'candidacy-decisions', one: 'candidacy-decisions', end: 'void',
    body: { biologic: 'prp', decision: 'candidate', rationale: 'No contraindication found' } },
  { name: 'diary entry', list: 'diary', one: 'diary-entries', body: { entry_date: today, nrs: 6 }, end: 'void' },
  { name: 'test result', list: 'observations', one: 'observations',
    body: { kind: 'vibration_threshold', performed_on: today, value: 30, unit: 'V', side: 'left' }, end: 'void' },
  { name: 'assessment', list: 'assessments', one: 'assessments',
    body: { instrument: 'nrs', performed_at: today, answers: { score: 7 } }, end: 'void' },
];

test('every route of a record kind is served by the record layer, and every kind here is tested', () => {
  const served = new Set(parseRoutes().filter((r) => r.kind).map((r) => r.path.split('/')[3]));
  const covered = new Set(kinds.flatMap((k) => [k.one, 'patients', ...(k.also || [])]));
  for (const seg of served) assert.ok(covered.has(seg), `record kind at /api/v1/${seg} has no lifecycle test`);
  assert.ok(served.size >= kinds.length, 'each kind here is a record-layer route');
});

for (const k of kinds) {
  describe(k.name, () => {
    let p;
    let rec;
    const url = () => `/api/v1/${k.one}/${rec.id}`;
    const end = (version) => {
      const h = { 'If-Match': `"${version}"` };
      if (k.end === 'void') return c.post(`${url()}/void`, { reason: 'Entered for the wrong patient' }, h);
      if (k.end === 'status') return c.post(`${url()}/status`, { status: k.status, reason: 'Patient chose otherwise' }, h);
      if (k.end === 'withdraw') return c.post(`${url()}/withdraw`, { reason: 'Patient chose otherwise', withdrawn_on: today }, h);
      return c.patch(url(), { status: k.status, [k.reason]: 'Entered for the wrong patient' }, h);
    };
    const create = (q, body) => (k.post ? k.post(q, body) : c.post(`/api/v1/patients/${q.id}/${k.list}`, body));
    // A body for patient q (a plan needs one of q's diagnoses).
    const bodyFor = async (q) => {
      if (typeof k.body === 'function') return k.body(q);
      if (!k.needsCondition) return k.body;
      const d = await c.post(`/api/v1/patients/${q.id}/conditions`, { icd10: 'E11.42' });
      assert.equal(d.status, 201, d.text);
      return { ...k.body, condition_id: d.body.id };
    };

    before(async () => {
      p = await newPat();
      const r = await create(p, await bodyFor(p));
      assert.equal(r.status, 201, r.text);
      rec = r.body;
      assert.equal(r.headers.get('location'), url());
      assert.equal(rec.version, 1);
    });

    test('ending needs the version: none is 428, a stale one 412', async () => {
      assertProblem(await (k.end === 'void' ? c.post(`${url()}/void`, { reason: 'x' })
        : k.end === 'withdraw' ? c.post(`${url()}/withdraw`, { reason: 'x', withdrawn_on: today })
        : k.end === 'status' ? c.post(`${url()}/status`, { status: k.status })
          : c.patch(url(), { status: k.status, [k.reason]: 'x' })), 428);
      assertProblem(await end(7), 412);
    });

    test('ended, it stays listed and read, and no change of any kind is taken (409)', async () => {
      const r = await end(1);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.version, 2);
      const again = await end(2);
      assertProblem(again, 409);
      if (k.end === 'patch') {
        // Brought back to life, or edited: refused alike.
        assertProblem(await c.patch(url(), { status: 'active' }, { 'If-Match': '"2"' }), 409);
        assertProblem(await c.patch(url(), k.change, { 'If-Match': '"2"' }), 409);
      } else if (k.end === 'status') {
        assertProblem(await c.post(`${url()}/status`, { status: 'accepted' }, { 'If-Match': '"2"' }), 409);
        assertProblem(await c.patch(url(), k.change, { 'If-Match': '"2"' }), 409);
        // Nor do the steps of an ended plan.
        assertProblem(await c.post(`/api/v1/plan-steps/${rec.steps[0].id}/skip`, { reason: 'x' }, { 'If-Match': '"1"' }), 409);
      } else if (k.end === 'withdraw') {
        assert.equal((await c.patch(url(), {}, { 'If-Match': '"2"' })).status, 405);
      } else {
        // A void-only kind has no PATCH at all.
        assert.equal((await c.patch(url(), {}, { 'If-Match': '"2"' })).status, 405);
      }
      const got = await c.get(url());
      assert.equal(got.status, 200);
      assert.equal(got.body.version, 2, 'unchanged by the refused requests');
      assert.equal(got.body.status, { void: 'voided', withdraw: 'withdrawn' }[k.end] || k.status);
      if (k.end === 'status') assert.equal(got.body.status_reason, 'Patient chose otherwise');
      const list = await c.get(`/api/v1/patients/${p.id}/${k.list}`);
      assert.ok(list.body.items.some((x) => x.id === rec.id), 'still listed');
    });

    test('nothing of an archived patient is added, changed or voided (409)', async () => {
      const q = await newPat();
      const body = await bodyFor(q);
      const made = await create(q, body);
      assert.equal(made.status, 201, made.text);
      const arch = await c.post(`/api/v1/patients/${q.id}/archive`, { reason: 'Moved away' }, { 'If-Match': '"1"' });
      assert.equal(arch.status, 200, arch.text);
      assertProblem(await create(q, body), 409);
      const u = `/api/v1/${k.one}/${made.body.id}`;
      assertProblem(await (k.end === 'void' ? c.post(`${u}/void`, { reason: 'x' }, { 'If-Match': '"1"' })
        : k.end === 'withdraw' ? c.post(`${u}/withdraw`, { reason: 'x', withdrawn_on: today }, { 'If-Match': '"1"' })
        : k.end === 'status' ? c.post(`${u}/status`, { status: 'accepted' }, { 'If-Match': '"1"' })
          : c.patch(u, k.change, { 'If-Match': '"1"' })), 409);
      if (k.end === 'patch' || k.end === 'status') assertProblem(await c.patch(u, k.change, { 'If-Match': '"1"' }), 409);
      assert.equal((await c.get(u)).body.version, 1);
    });
  });
}
