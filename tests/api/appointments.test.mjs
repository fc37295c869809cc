// Appointments: booking a patient for an appointment type at a start (resources given or chosen
// as the slot search would), listing, and the moves (reschedule, cancel, arrive, no-show,
// complete) with If-Match; every refusal names its field or the booking in the way; every read
// and write is audited with the patient; booked time leaves the slot search. And never a double
// booking: 100 concurrent bookings of one slot, and of two overlapping slots sharing a room,
// give exactly one 201.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, emailOf, newPatient } from '../lib/server.mjs';
import { assertInvalid, assertProblem, stopServer, UUID_RE, signInEveryRole, staffIds, resourceAdder } from './helpers.mjs';

let srv;
const as = {};
const res = {};
let pat;

const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri'];
const hours = (h) => Object.fromEntries(WEEK.map((d) => [d, h]));
// 2027-01-04 is a Monday; New York is at -05:00 then.
const at = (hm, day = '2027-01-04') => `${day}T${hm}:00-05:00`;

async function newStaff(role) {
  const r = await as.admin.post('/api/v1/staff', { email: `${role}.${Math.random().toString(36).slice(2)}@clinic.example`, name: `Extra ${role}`, role });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function addPatient(family) {
  const r = await as.admin.post('/api/v1/patients', newPatient({ family_name: family }));
  assert.equal(r.status, 201, r.text);
  return r.body;
}

const book = (c, body) => c.post('/api/v1/appointments', body);
const withMatch = (c, path, version, body) => c.call('POST', path, body, { 'If-Match': `"${version}"` });

before(async () => {
  srv = await startServer({ args: ['--timezone', 'America/New_York'] });
  await signInEveryRole(srv.base, as);
  const staff = await staffIds(as.admin);
  const add = resourceAdder(as.admin, res);
  await add('doc', { kind: 'clinician', name: 'Dr Ada Osei', staff_id: staff[emailOf('clinician')], hours: hours([['08:00', '12:00'], ['13:00', '17:00']]) });
  const second = await newStaff('clinician');
  await add('doc2', { kind: 'clinician', name: 'Dr Bo Park', staff_id: second.id, hours: hours([['08:00', '17:00']]) });
  await add('nurse', { kind: 'nurse', name: 'Nurse Cy Lee', staff_id: staff[emailOf('nurse')], hours: hours([['08:00', '17:00']]) });
  await add('proc', { kind: 'procedure_room', name: 'Procedure room', hours: hours([['08:00', '17:00']]) });
  await add('us', { kind: 'ultrasound_room', name: 'Ultrasound 1', hours: hours([['08:00', '17:00']]) });
  pat = await addPatient('Booked');
});
after(async () => { await stopServer(srv); });

describe('booking', () => {
  let first;
  test('book: 201 with Location and ETag, the first free clinician chosen, end from the type; audited with the patient', async () => {
    const r = await book(as.front_desk, { patient_id: pat.id, type: 'consultation', start: at('09:00'), note: 'New referral' });
    assert.equal(r.status, 201, r.text);
    first = r.body;
    assert.match(first.id, UUID_RE);
    assert.equal(r.headers.get('location'), `/api/v1/appointments/${first.id}`);
    assert.equal(r.headers.get('etag'), '"1"');
    assert.equal(first.status, 'booked');
    assert.equal(first.start, at('09:00'));
    assert.equal(first.end, at('09:30'));
    assert.deepEqual(first.resources, [{ id: res.doc.id, kind: 'clinician', name: 'Dr Ada Osei' }]);
    const g = await as.clinician.get(`/api/v1/appointments/${first.id}`);
    assert.equal(g.status, 200, g.text);
    assert.deepEqual(g.body, first);
    const log = await as.admin.get(`/api/v1/audit?patient_id=${pat.id}&action=appointment`);
    const actions = log.body.items.map((e) => e.action);
    assert.ok(actions.includes('appointment.create'), actions.join());
    assert.ok(actions.includes('appointment.read'), actions.join());
  });

  test('booked time leaves the slot search', async () => {
    const r = await as.front_desk.get(`/api/v1/slots?type=consultation&from=2027-01-04&to=2027-01-04&resource=${res.doc.id}`);
    assert.equal(r.status, 200, r.text);
    const starts = r.body.items.map((s) => s.start);
    assert.ok(!starts.includes(at('09:00')), starts.join());
    assert.ok(starts.includes(at('09:30')), starts.join());
  });

  test('the same clinician at an overlapping time: 409 naming the booking in the way', async () => {
    const r = await book(as.front_desk, { patient_id: pat.id, type: 'follow_up', start: at('09:10'), resources: [res.doc.id] });
    const b = assertProblem(r, 409);
    assert.match(b.detail, /Dr Ada Osei/);
    assert.equal(b.conflict.appointment_id, first.id);
    assert.equal(b.conflict.resource_id, res.doc.id);
    // The other clinician is free then.
    const ok = await book(as.front_desk, { patient_id: pat.id, type: 'follow_up', start: at('09:10'), resources: [res.doc2.id] });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.resources[0].id, res.doc2.id);
  });

  test('refusals name the field: missing, malformed, past, unknown type, wrong kind, outside hours', async () => {
    assertInvalid(await book(as.front_desk, {}), ['patient_id', 'type', 'start']);
    assertInvalid(await book(as.front_desk, { patient_id: pat.id, type: 'consultation', start: '2027-01-04T09:00:00' }), ['start']);
    assertInvalid(await book(as.front_desk, { patient_id: pat.id, type: 'consultation', start: '2020-01-06T09:00:00-05:00' }), ['start']);
    assertInvalid(await book(as.front_desk, { patient_id: pat.id, type: 'massage', start: at('10:00') }), ['type']);
    assertInvalid(await book(as.front_desk, { patient_id: pat.id, type: 'injection', start: at('10:00') }), ['biologic']);
    assertInvalid(await book(as.front_desk, { patient_id: pat.id, type: 'consultation', start: at('10:00'), resources: [res.proc.id] }), ['resources[0]']);
    assertInvalid(await book(as.front_desk, { patient_id: pat.id, type: 'consultation', start: at('10:00'), extra: 1 }), ['extra']);
    // Sunday: nobody works; and over the lunch break.
    assertInvalid(await book(as.front_desk, { patient_id: pat.id, type: 'consultation', start: at('10:00', '2027-01-03'), resources: [res.doc.id] }), ['start']);
    assertInvalid(await book(as.front_desk, { patient_id: pat.id, type: 'consultation', start: at('11:45'), resources: [res.doc.id] }), ['start']);
    const none = await book(as.front_desk, { patient_id: '00000000-0000-7000-8000-000000000000', type: 'consultation', start: at('10:00') });
    assertProblem(none, 404);
  });

  test('an injection takes a clinician and the ultrasound room; a harvest the procedure room', async () => {
    const inj = await book(as.front_desk, { patient_id: pat.id, type: 'injection', biologic: 'prp', start: at('14:00') });
    assert.equal(inj.status, 201, inj.text);
    assert.deepEqual(inj.body.resources.map((x) => x.kind), ['clinician', 'ultrasound_room']);
    assert.equal(inj.body.end, at('14:45'));
  });

  test('list by resource, by patient and by dates; audited per patient', async () => {
    const r = await as.nurse.get(`/api/v1/appointments?resource=${res.doc.id}&from=2027-01-04&to=2027-01-04`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.items.length >= 2);
    for (const a of r.body.items) assert.ok(a.resources.some((x) => x.id === res.doc.id));
    const starts = r.body.items.map((a) => a.start);
    assert.deepEqual(starts, [...starts].sort());
    const other = await as.nurse.get('/api/v1/appointments?from=2027-01-05&to=2027-01-05');
    assert.equal(other.body.items.length, 0);
    const byPatient = await as.nurse.get(`/api/v1/appointments?patient_id=${pat.id}`);
    assert.ok(byPatient.body.items.every((a) => a.patient_id === pat.id));
    // Each listed with its patient's MRN and name, for a schedule.
    assert.deepEqual(byPatient.body.items[0].patient, { id: pat.id, mrn: pat.mrn, family_name: 'Booked', given_name: pat.given_name });
    assert.ok(byPatient.body.items.length >= 3);
    assertInvalid(await as.nurse.get('/api/v1/appointments?from=2027-13-01&resource=x'), ['from', 'resource']);
    const log = await as.admin.get(`/api/v1/audit?patient_id=${pat.id}&action=appointment.list`);
    assert.ok(log.body.items.length >= 2);
  });

  test('researchers see none of it', async () => {
    assertProblem(await as.researcher.get('/api/v1/appointments'), 403);
    assertProblem(await book(as.researcher, { patient_id: pat.id, type: 'consultation', start: at('10:00') }), 403);
  });
});

describe('moves', () => {
  test('arrive and complete, with If-Match; a wrong move is a 409; a stale version 412', async () => {
    const b = await book(as.front_desk, { patient_id: pat.id, type: 'follow_up', start: at('15:00'), resources: [res.nurse.id] });
    assert.equal(b.status, 201, b.text);
    const path = `/api/v1/appointments/${b.body.id}`;
    assertProblem(await as.front_desk.post(`${path}/arrive`), 428);
    assertProblem(await withMatch(as.front_desk, `${path}/complete`, 1), 409);
    const arrived = await withMatch(as.front_desk, `${path}/arrive`, 1);
    assert.equal(arrived.status, 200, arrived.text);
    assert.equal(arrived.body.status, 'arrived');
    assert.equal(arrived.headers.get('etag'), '"2"');
    assertProblem(await withMatch(as.front_desk, `${path}/complete`, 1), 412);
    assertProblem(await withMatch(as.front_desk, `${path}/cancel`, 2, { reason: 'Too late' }), 409);
    const done = await withMatch(as.clinician, `${path}/complete`, 2);
    assert.equal(done.status, 200, done.text);
    assert.equal(done.body.status, 'completed');
    const noShow = assertProblem(await withMatch(as.front_desk, `${path}/no-show`, 3), 409);
    assert.equal(noShow.current_status, 'completed');
    const log = await as.admin.get(`/api/v1/audit?patient_id=${pat.id}&action=appointment`);
    const actions = log.body.items.map((e) => e.action);
    assert.ok(actions.includes('appointment.arrived') && actions.includes('appointment.completed'), actions.join());
  });

  test('cancel needs a reason and frees the time; a no-show frees it too', async () => {
    const b = await book(as.front_desk, { patient_id: pat.id, type: 'harvest', start: at('08:00', '2027-01-05'), resources: [res.doc2.id, res.proc.id] });
    assert.equal(b.status, 201, b.text);
    const path = `/api/v1/appointments/${b.body.id}`;
    assertInvalid(await withMatch(as.front_desk, `${path}/cancel`, 1, {}), ['reason']);
    const again = await book(as.front_desk, { patient_id: pat.id, type: 'harvest', start: at('08:30', '2027-01-05'), resources: [res.doc.id, res.proc.id] });
    assertProblem(again, 409);
    const c = await withMatch(as.front_desk, `${path}/cancel`, 1, { reason: 'Patient unwell' });
    assert.equal(c.status, 200, c.text);
    assert.equal(c.body.status, 'cancelled');
    assert.equal(c.body.reason, 'Patient unwell');
    const now = await book(as.front_desk, { patient_id: pat.id, type: 'harvest', start: at('08:30', '2027-01-05'), resources: [res.doc.id, res.proc.id] });
    assert.equal(now.status, 201, now.text);
    const ns = await withMatch(as.front_desk, `/api/v1/appointments/${now.body.id}/no-show`, 1);
    assert.equal(ns.status, 200, ns.text);
    const third = await book(as.front_desk, { patient_id: pat.id, type: 'harvest', start: at('09:00', '2027-01-05'), resources: [res.doc.id, res.proc.id] });
    assert.equal(third.status, 201, third.text);
  });

  test('reschedule keeps the resources, may overlap its own old time, frees it, and refuses a taken one', async () => {
    const b = await book(as.front_desk, { patient_id: pat.id, type: 'consultation', start: at('08:00', '2027-01-06'), resources: [res.doc.id] });
    assert.equal(b.status, 201, b.text);
    const path = `/api/v1/appointments/${b.body.id}`;
    assertProblem(await as.front_desk.post(`${path}/reschedule`, { start: at('08:15', '2027-01-06') }), 428);
    assertInvalid(await withMatch(as.front_desk, `${path}/reschedule`, 1, { start: 'soon' }), ['start']);
    const moved = await withMatch(as.front_desk, `${path}/reschedule`, 1, { start: at('08:15', '2027-01-06') });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.body.start, at('08:15', '2027-01-06'));
    assert.equal(moved.body.end, at('08:45', '2027-01-06'));
    assert.deepEqual(moved.body.resources.map((x) => x.id), [res.doc.id]);
    const other = await book(as.front_desk, { patient_id: pat.id, type: 'consultation', start: at('09:00', '2027-01-06'), resources: [res.doc.id] });
    assert.equal(other.status, 201, other.text);
    const taken = assertProblem(await withMatch(as.front_desk, `${path}/reschedule`, 2, { start: at('08:45', '2027-01-06') }), 409);
    assert.equal(taken.conflict.appointment_id, other.body.id);
    const later = await withMatch(as.front_desk, `${path}/reschedule`, 2, { start: at('10:00', '2027-01-06') });
    assert.equal(later.status, 200, later.text);
    // Both of its old times are free again.
    const early = await book(as.front_desk, { patient_id: pat.id, type: 'consultation', start: at('08:00', '2027-01-06'), resources: [res.doc.id] });
    assert.deepEqual([early.status, early.body.end], [201, at('08:30', '2027-01-06')]);
  });
});

describe('moving an appointment: the times it can take', () => {
  test('slots?appointment=: every one of its resources free (its own time too), none of another kind swapped in; refusals', async () => {
    // Monday 2027-01-11: a harvest with Dr Osei in the procedure room at 08:00; the room is
    // taken at 09:30 by another harvest with Dr Park.
    const h = await book(as.front_desk, { patient_id: pat.id, type: 'harvest', start: at('08:00', '2027-01-11'), resources: [res.doc.id, res.proc.id] });
    assert.equal(h.status, 201, h.text);
    const other = await book(as.front_desk, { patient_id: pat.id, type: 'harvest', start: at('09:30', '2027-01-11'), resources: [res.doc2.id, res.proc.id] });
    assert.equal(other.status, 201, other.text);
    const r = await as.front_desk.get(`/api/v1/slots?appointment=${h.body.id}&from=2027-01-11&to=2027-01-11`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.type, 'harvest');
    const starts = r.body.items.map((x) => x.start);
    assert.ok(starts.includes(at('08:00', '2027-01-11')), `its own time is free to it: ${starts}`);
    assert.ok(!starts.includes(at('09:30', '2027-01-11')), `the room is taken at 09:30: ${starts}`);
    assert.ok(starts.includes(at('13:00', '2027-01-11')), starts.join());
    for (const x of r.body.items) assert.deepEqual(x.resources.map((y) => y.id), [res.doc.id, res.proc.id]);
    assertInvalid(await as.front_desk.get('/api/v1/slots?appointment=nope&from=2027-01-11&to=2027-01-11'), ['appointment']);
    assertInvalid(await as.front_desk.get(`/api/v1/slots?appointment=${h.body.id}&type=harvest&from=2027-01-11&to=2027-01-11`), ['appointment']);
    assertProblem(await as.researcher.get(`/api/v1/slots?appointment=${h.body.id}&from=2027-01-11&to=2027-01-11`), 403);
  });
});

describe('never a double booking', () => {
  test('100 concurrent bookings of one slot: exactly one 201 and 99 409s', async () => {
    const patients = [];
    for (let i = 0; i < 10; i++) patients.push(await addPatient(`Rush${i}`));
    const all = await Promise.all(Array.from({ length: 100 }, (_, i) => book(as.front_desk,
      { patient_id: patients[i % 10].id, type: 'harvest', start: at('10:00', '2027-01-07'), resources: [res.doc.id, res.proc.id] })));
    const counts = {};
    for (const r of all) counts[r.status] = (counts[r.status] || 0) + 1;
    assert.deepEqual(counts, { 201: 1, 409: 99 });
    for (const r of all.filter((x) => x.status === 409)) assertProblem(r, 409);
    const list = await as.admin.get(`/api/v1/appointments?resource=${res.proc.id}&from=2027-01-07&to=2027-01-07`);
    assert.equal(list.body.items.length, 1);
  });

  test('two overlapping slots sharing a room, 50 bookings each: exactly one 201', async () => {
    const p = await addPatient('RushRoom');
    const all = await Promise.all(Array.from({ length: 100 }, (_, i) => book(as.front_desk, i % 2
      ? { patient_id: p.id, type: 'harvest', start: at('13:00', '2027-01-07'), resources: [res.doc.id, res.proc.id] }
      : { patient_id: p.id, type: 'harvest', start: at('13:30', '2027-01-07'), resources: [res.doc2.id, res.proc.id] })));
    const counts = {};
    for (const r of all) counts[r.status] = (counts[r.status] || 0) + 1;
    assert.deepEqual(counts, { 201: 1, 409: 99 });
    const list = await as.admin.get(`/api/v1/appointments?resource=${res.proc.id}&from=2027-01-07&to=2027-01-07`);
    assert.equal(list.body.items.length, 2);
  });
});

describe('a plan booked as one series', () => {
  async function planFor(family, start) {
    const p = await addPatient(family);
    const k = await as.admin.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'E11.42' });
    assert.equal(k.status, 201, k.text);
    const pl = await as.admin.post(`/api/v1/patients/${p.id}/plans`, { protocol: 'prp-series', condition_id: k.body.id, start_date: start });
    assert.equal(pl.status, 201, pl.text);
    return { patient: p, plan: pl.body };
  }

  test('every bookable step, in order of due date, each inside its window; again: nothing more to book', async () => {
    // The ultrasound room is closed 2027-03-05 to 03-12 (for the next test).
    const cl = await as.admin.post(`/api/v1/resources/${res.us.id}/closures`, { from: '2027-03-05', to: '2027-03-12', reason: 'Service' });
    assert.equal(cl.status, 201, cl.text);
    const { patient, plan } = await planFor('Series', '2027-02-01');
    const r = await as.front_desk.post(`/api/v1/plans/${plan.id}/book`, {});
    assert.equal(r.status, 201, r.text);
    // In order of due date (the plan's own order among steps due the same day).
    const bookable = plan.steps.filter((s) => s.kind !== 'processing' && !s.optional)
      .sort((x, y) => (x.due_date < y.due_date ? -1 : x.due_date > y.due_date ? 1 : 0));
    assert.equal(r.body.items.length, bookable.length);
    let prevEnd = '';
    for (const [i, a] of r.body.items.entries()) {
      const step = bookable[i];
      assert.equal(a.plan_step_id, step.id);
      assert.equal(a.type, step.kind);
      const day = a.start.slice(0, 10);
      assert.ok(day >= step.window_from && day <= step.window_to, `${step.kind} on ${day} within ${step.window_from}..${step.window_to}`);
      assert.ok(new Date(a.start) >= new Date(prevEnd || 0), `${a.start} after ${prevEnd}`);
      prevEnd = a.end;
      if (a.type === 'injection') assert.equal(a.biologic, 'prp');
    }
    const list = await as.front_desk.get(`/api/v1/appointments?patient_id=${patient.id}`);
    assert.equal(list.body.items.length, bookable.length);
    const again = await as.front_desk.post(`/api/v1/plans/${plan.id}/book`, {});
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.body.items, []);
  });

  test('all or none: a step with no free slot in its window is named in the 409 and nothing is booked', async () => {
    const { patient, plan } = await planFor('SeriesBlocked', '2027-03-01');
    const r = await as.front_desk.post(`/api/v1/plans/${plan.id}/book`, {});
    const b = assertProblem(r, 409);
    const first = plan.steps.find((s) => s.kind === 'injection');
    assert.deepEqual(b.unplaced.map((u) => u.step_id), [first.id]);
    assert.equal(b.unplaced[0].kind, 'injection');
    const list = await as.front_desk.get(`/api/v1/appointments?patient_id=${patient.id}`);
    assert.equal(list.body.items.length, 0);
    assertInvalid(await as.front_desk.post(`/api/v1/plans/${plan.id}/book`, { from: 'soon' }), ['from']);
    assertProblem(await as.researcher.post(`/api/v1/plans/${plan.id}/book`, {}), 403);
  });
});

describe('the front desk work list', () => {
  test('steps due with no appointment (accepted plans only), then gone once booked; no-shows to call back', async () => {
    const p = await addPatient('Worklist');
    const k = await as.admin.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'E11.42' });
    const pl = await as.admin.post(`/api/v1/patients/${p.id}/plans`, { protocol: 'prp-series', condition_id: k.body.id, start_date: '2027-05-03' });
    assert.equal(pl.status, 201, pl.text);
    const url = '/api/v1/worklists/due?from=2027-05-03&to=2027-05-20';
    const mine = (body) => body.unbooked.filter((u) => u.patient.id === p.id);
    // Proposed: not on the list yet.
    assert.equal(mine((await as.front_desk.get(url)).body).length, 0);
    const acc = await as.admin.call('POST', `/api/v1/plans/${pl.body.id}/status`, { status: 'accepted' }, { 'If-Match': '"1"' });
    assert.equal(acc.status, 200, acc.text);
    const r = await as.front_desk.get(url);
    assert.equal(r.status, 200, r.text);
    const kinds = mine(r.body).map((u) => u.kind);
    assert.deepEqual(kinds, ['consultation', 'blood_draw', 'injection']);
    const u = mine(r.body)[0];
    assert.deepEqual([u.patient.mrn, u.patient.family_name, u.overdue], [p.mrn, 'Worklist', false]);
    const consult = pl.body.steps.find((s) => s.kind === 'consultation');
    // A step is booked as its own type only.
    assertInvalid(await book(as.front_desk, { patient_id: p.id, type: 'follow_up', start: at('09:00', '2027-05-04'), plan_step_id: consult.id }), ['plan_step_id']);
    const b = await book(as.front_desk, { patient_id: p.id, type: 'consultation', start: at('09:00', '2027-05-04'), plan_step_id: consult.id });
    assert.equal(b.status, 201, b.text);
    assert.deepEqual(mine((await as.front_desk.get(url)).body).map((x) => x.kind), ['blood_draw', 'injection']);
    const ns = await withMatch(as.front_desk, `/api/v1/appointments/${b.body.id}/no-show`, 1);
    assert.equal(ns.status, 200, ns.text);
    const after = (await as.front_desk.get(url)).body;
    // A no-show frees the step (it is due again) and is listed to call back.
    assert.deepEqual(mine(after).map((x) => x.kind), ['consultation', 'blood_draw', 'injection']);
    assert.deepEqual(after.no_shows.map((x) => [x.id, x.patient.id]), [[b.body.id, p.id]]);
    const log = await as.admin.get(`/api/v1/audit?patient_id=${p.id}&action=worklist.read`);
    assert.ok(log.body.items.length >= 1);
  });

  test('refusals: dates required, in order, at most 92 days; researchers none', async () => {
    assertInvalid(await as.front_desk.get('/api/v1/worklists/due'), ['from', 'to']);
    assertInvalid(await as.front_desk.get('/api/v1/worklists/due?from=2027-05-03&to=2027-05-01'), ['to']);
    assertInvalid(await as.front_desk.get('/api/v1/worklists/due?from=2027-01-01&to=2027-06-01'), ['to']);
    assertProblem(await as.researcher.get('/api/v1/worklists/due?from=2027-05-03&to=2027-05-20'), 403);
  });
});
