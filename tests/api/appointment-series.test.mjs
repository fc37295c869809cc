// A plan's visits as one series and who may book what: clinicians and nurses book follow-ups only
// (appointment.schedule for the rest); POST /plans/{id}/shift moves every visit still to come by
// some days at the same clock time (across a daylight-saving change), all or none, naming what
// would leave its window or the booking in the way; completing a visit marks its plan step done
// when the visit's record is there; the plan shows each step's visits, missed and cancelled ones
// included.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, emailOf, newPatient } from '../lib/server.mjs';
import { assertInvalid, assertProblem, stopServer, signInEveryRole, staffIds, resourceAdder } from './helpers.mjs';

let srv;
const as = {};
const res = {};

// Every day of the week, so a shift by any number of days stays inside working hours.
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const hours = (h) => Object.fromEntries(DAYS.map((d) => [d, h]));
const withMatch = (c, path, version, body) => c.call('POST', path, body, { 'If-Match': `"${version}"` });
const book = (c, body) => c.post('/api/v1/appointments', body);

// The clinic date and clock of an RFC 3339 start with its offset, and the date n days later.
const dateOf = (s) => s.slice(0, 10);
const clockOf = (s) => s.slice(11, 16);
const plusDays = (ymd, n) => new Date(Date.parse(`${ymd}T12:00:00Z`) + n * 86400000).toISOString().slice(0, 10);

async function addPatient(family) {
  const r = await as.admin.post('/api/v1/patients', newPatient({ family_name: family }));
  assert.equal(r.status, 201, r.text);
  return r.body;
}

// A patient with an accepted PRP plan starting on start, booked as a series by the front desk.
async function bookedPlan(family, start) {
  const p = await addPatient(family);
  const k = await as.admin.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'E11.42' });
  assert.equal(k.status, 201, k.text);
  const pl = await as.admin.post(`/api/v1/patients/${p.id}/plans`, { protocol: 'prp-series', condition_id: k.body.id, start_date: start });
  assert.equal(pl.status, 201, pl.text);
  const acc = await withMatch(as.admin, `/api/v1/plans/${pl.body.id}/status`, 1, { status: 'accepted' });
  assert.equal(acc.status, 200, acc.text);
  const b = await as.front_desk.post(`/api/v1/plans/${pl.body.id}/book`, { from: start });
  assert.equal(b.status, 201, b.text);
  return { patient: p, plan: pl.body, booked: b.body.items };
}

const byId = (items) => Object.fromEntries(items.map((a) => [a.id, a]));

before(async () => {
  srv = await startServer({ args: ['--timezone', 'America/New_York'] });
  await signInEveryRole(srv.base, as);
  const staff = await staffIds(as.admin);
  const add = resourceAdder(as.admin, res);
  const day = hours([['08:00', '17:00']]);
  await add('doc', { kind: 'clinician', name: 'Dr Ines Vale', staff_id: staff[emailOf('clinician')], hours: day });
  await add('nurse', { kind: 'nurse', name: 'Nurse Tam Roy', staff_id: staff[emailOf('nurse')], hours: day });
  await add('us', { kind: 'ultrasound_room', name: 'Ultrasound A', hours: day });
});
after(async () => { await stopServer(srv); });

describe('who books what', () => {
  test('clinicians and nurses book, move and cancel follow-ups; any other type needs appointment.schedule', async () => {
    const p = await addPatient('Roles');
    const fu = await book(as.clinician, { patient_id: p.id, type: 'follow_up', start: '2027-02-01T09:00:00-05:00' });
    assert.equal(fu.status, 201, fu.text);
    const moved = await withMatch(as.nurse, `/api/v1/appointments/${fu.body.id}/reschedule`, 1, { start: '2027-02-01T10:00:00-05:00' });
    assert.equal(moved.status, 200, moved.text);
    const cancelled = await withMatch(as.nurse, `/api/v1/appointments/${fu.body.id}/cancel`, 2, { reason: 'Moved to phone' });
    assert.equal(cancelled.status, 200, cancelled.text);

    const refused = assertProblem(await book(as.clinician, { patient_id: p.id, type: 'consultation', start: '2027-02-01T11:00:00-05:00' }), 403);
    assert.match(refused.detail, /follow-ups only/);
    assert.match(refused.detail, /appointment\.schedule/);
    assertProblem(await book(as.nurse, { patient_id: p.id, type: 'injection', biologic: 'prp', start: '2027-02-01T11:00:00-05:00' }), 403);
    const consult = await book(as.front_desk, { patient_id: p.id, type: 'consultation', start: '2027-02-01T11:00:00-05:00' });
    assert.equal(consult.status, 201, consult.text);
    const path = `/api/v1/appointments/${consult.body.id}`;
    assertProblem(await withMatch(as.clinician, `${path}/reschedule`, 1, { start: '2027-02-01T12:00:00-05:00' }), 403);
    assertProblem(await withMatch(as.nurse, `${path}/cancel`, 1, { reason: 'No' }), 403);
    // Nothing changed; the refusals are in the audit log with the patient.
    assert.equal((await as.front_desk.get(path)).body.status, 'booked');
    const log = await as.admin.get(`/api/v1/audit?patient_id=${p.id}&action=access.refused`);
    assert.ok(log.body.items.length >= 3, JSON.stringify(log.body.items.map((e) => e.detail)));
    // The visit itself: anyone who books may mark it.
    const arrived = await withMatch(as.nurse, `${path}/arrive`, 1);
    assert.equal(arrived.status, 200, arrived.text);
    // Whole series: the front desk and admins only.
    const { plan } = await bookedPlan('RolesPlan', '2027-02-08');
    assertProblem(await as.clinician.post(`/api/v1/plans/${plan.id}/book`, {}), 403);
    assertProblem(await as.nurse.post(`/api/v1/plans/${plan.id}/shift`, { days: 1, reason: 'x' }), 403);
    assertProblem(await as.researcher.post(`/api/v1/plans/${plan.id}/shift`, { days: 1, reason: 'x' }), 403);
  });
});

describe('shifting a series', () => {
  test('every visit still to come moves by the days at the same clock time, across the end of daylight saving', async () => {
    // New York leaves daylight saving on Sunday 2027-11-07: -04:00 before, -05:00 after.
    const { plan, booked } = await bookedPlan('Shift', '2027-11-01');
    const r = await as.front_desk.post(`/api/v1/plans/${plan.id}/shift`, { days: 3, reason: 'Patient travelling' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.items.length, booked.length);
    const before = byId(booked);
    let crossed = 0;
    for (const a of r.body.items) {
      const was = before[a.id];
      assert.ok(was, `${a.id} was booked`);
      assert.equal(dateOf(a.start), plusDays(dateOf(was.start), 3), `${was.start} -> ${a.start}`);
      assert.equal(clockOf(a.start), clockOf(was.start), `${was.start} -> ${a.start}: same clock time`);
      assert.equal(Date.parse(a.end) - Date.parse(a.start), Date.parse(was.end) - Date.parse(was.start));
      assert.deepEqual(a.resources, was.resources);
      if (was.start.endsWith('-04:00') && a.start.endsWith('-05:00')) {
        crossed++;
        // A day and an hour later in absolute time.
        assert.equal(Date.parse(a.start) - Date.parse(was.start), (3 * 24 + 1) * 3600000);
      }
    }
    assert.ok(crossed >= 1, 'at least one visit crosses the change');
    // Each is inside its step's window, and the plan shows the visits where they are now.
    const g = await as.front_desk.get(`/api/v1/plans/${plan.id}`);
    for (const s of g.body.steps) {
      for (const v of s.visits) {
        assert.ok(dateOf(v.start) >= s.window_from && dateOf(v.start) <= s.window_to, `${s.kind} ${v.start} in ${s.window_from}..${s.window_to}`);
        assert.equal(v.start, byId(r.body.items)[v.id].start);
      }
    }
    const log = await as.admin.get(`/api/v1/audit?patient_id=${plan.patient_id}&action=appointment.shift_plan`);
    assert.equal(log.body.items.length, 1);
    assert.match(log.body.items[0].detail, /\+3 days: Patient travelling/);
  });

  test('all or none: a visit that would leave its window is named in the 409 and nothing moves', async () => {
    const { plan, booked } = await bookedPlan('ShiftFar', '2027-06-07');
    const r = await as.front_desk.post(`/api/v1/plans/${plan.id}/shift`, { days: 9, reason: 'Too far' });
    const b = assertProblem(r, 409);
    assert.ok(b.blocked.length >= 1);
    const consult = plan.steps.find((s) => s.kind === 'consultation');
    const named = b.blocked.find((x) => x.step_id === consult.id);
    assert.ok(named, JSON.stringify(b.blocked));
    assert.deepEqual([named.kind, named.reason, named.window_to], ['consultation', "would be after its step's window", consult.window_to]);
    // The day before the plan starts is before the consultation's window.
    const back = assertProblem(await as.front_desk.post(`/api/v1/plans/${plan.id}/shift`, { days: -1, reason: 'Earlier' }), 409);
    assert.ok(back.blocked.some((x) => x.step_id === consult.id && x.reason === "would be before its step's window"));
    const list = await as.front_desk.get(`/api/v1/appointments?patient_id=${plan.patient_id}`);
    assert.deepEqual(list.body.items.map((a) => [a.id, a.start, a.version]).sort(), booked.map((a) => [a.id, a.start, 1]).sort());
  });

  test('a booking in the way is named and nothing moves; the series may move onto its own old times', async () => {
    // A plan starting Monday 2029-07-02: the consultation's window is 07-02..07-09, the first
    // injection's 07-05..07-11. Both booked by hand with the same clinician a day apart.
    const p = await addPatient('ShiftBlocked');
    const k = await as.admin.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'E11.42' });
    const pl = await as.admin.post(`/api/v1/patients/${p.id}/plans`, { protocol: 'prp-series', condition_id: k.body.id, start_date: '2029-07-02' });
    assert.equal(pl.status, 201, pl.text);
    const step = (kind) => pl.body.steps.find((x) => x.kind === kind);
    const consult = await book(as.front_desk, { patient_id: p.id, type: 'consultation', start: '2029-07-05T09:00:00-04:00', resources: [res.doc.id], plan_step_id: step('consultation').id });
    assert.equal(consult.status, 201, consult.text);
    const inj = await book(as.front_desk, { patient_id: p.id, type: 'injection', biologic: 'prp', start: '2029-07-06T09:00:00-04:00', resources: [res.doc.id, res.us.id], plan_step_id: step('injection').id });
    assert.equal(inj.status, 201, inj.text);
    // Another patient holds the clinician where the injection would go.
    const other = await addPatient('InTheWay');
    const way = await book(as.front_desk, { patient_id: other.id, type: 'consultation', start: '2029-07-07T09:15:00-04:00', resources: [res.doc.id] });
    assert.equal(way.status, 201, way.text);
    const b = assertProblem(await as.front_desk.post(`/api/v1/plans/${pl.body.id}/shift`, { days: 1, reason: 'Clinic move' }), 409);
    assert.equal(b.conflict.appointment_id, way.body.id);
    assert.match(b.detail, /Dr Ines Vale/);
    const list = await as.front_desk.get(`/api/v1/appointments?patient_id=${p.id}`);
    assert.deepEqual(list.body.items.map((a) => [a.start, a.version]), [['2029-07-05T09:00:00-04:00', 1], ['2029-07-06T09:00:00-04:00', 1]], 'nothing moved');
    const c = await withMatch(as.front_desk, `/api/v1/appointments/${way.body.id}/cancel`, 1, { reason: 'Freed' });
    assert.equal(c.status, 200, c.text);
    // Now the consultation moves onto the injection's old time: the series is checked once all
    // of it has moved.
    const ok = await as.front_desk.post(`/api/v1/plans/${pl.body.id}/shift`, { days: 1, reason: 'Clinic move' });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body.items.map((a) => [a.id, a.start, a.version]).sort(),
      [[consult.body.id, '2029-07-06T09:00:00-04:00', 2], [inj.body.id, '2029-07-07T09:00:00-04:00', 2]].sort());
  });

  test('refusals: days and reason required, days a whole non-zero number within a year; an ended plan; nothing to move', async () => {
    const { plan } = await bookedPlan('ShiftBad', '2027-08-02');
    const url = `/api/v1/plans/${plan.id}/shift`;
    assertInvalid(await as.front_desk.post(url, {}), ['days', 'reason']);
    assertInvalid(await as.front_desk.post(url, { days: 0, reason: 'x' }), ['days']);
    assertInvalid(await as.front_desk.post(url, { days: 1.5, reason: 'x' }), ['days']);
    assertInvalid(await as.front_desk.post(url, { days: '2', reason: 'x' }), ['days']);
    assertInvalid(await as.front_desk.post(url, { days: 400, reason: 'x' }), ['days']);
    assertInvalid(await as.front_desk.post(url, { days: 1, reason: 'x', extra: true }), ['extra']);
    assertProblem(await as.front_desk.post('/api/v1/plans/00000000-0000-7000-8000-000000000000/shift', { days: 1, reason: 'x' }), 404);
    const fresh = await addPatient('ShiftNone');
    const k = await as.admin.post(`/api/v1/patients/${fresh.id}/conditions`, { icd10: 'E11.42' });
    const pl = await as.admin.post(`/api/v1/patients/${fresh.id}/plans`, { protocol: 'prp-series', condition_id: k.body.id, start_date: '2027-08-02' });
    const none = assertProblem(await as.front_desk.post(`/api/v1/plans/${pl.body.id}/shift`, { days: 1, reason: 'x' }), 409);
    assert.match(none.detail, /no booked visits/);
    const stop = await withMatch(as.admin, `/api/v1/plans/${pl.body.id}/status`, 1, { status: 'declined', reason: 'Patient chose not to proceed' });
    assert.equal(stop.status, 200, stop.text);
    const ended = assertProblem(await as.front_desk.post(`/api/v1/plans/${pl.body.id}/shift`, { days: 1, reason: 'x' }), 409);
    assert.match(ended.detail, /nothing to shift/);
  });
});

describe('visits and their plan steps', () => {
  test('completing a follow-up marks its step done once an assessment is recorded; a procedure step waits for its procedure', async () => {
    const { plan, patient, booked } = await bookedPlan('Complete', '2027-09-06');
    const consult = booked.find((a) => a.type === 'consultation');
    const path = `/api/v1/appointments/${consult.id}`;
    assert.equal((await withMatch(as.front_desk, `${path}/arrive`, 1)).status, 200);
    // No assessment yet: completed, the step still planned and the answer says what it waits for.
    const done = await withMatch(as.clinician, `${path}/complete`, 2);
    assert.equal(done.status, 200, done.text);
    assert.equal(done.body.status, 'completed');
    assert.deepEqual([done.body.plan_step.id, done.body.plan_step.status], [consult.plan_step_id, 'planned']);
    assert.match(done.body.plan_step.waiting_for, /assessment or test/);

    // The injection: a procedure step is done by its procedure, not by the visit.
    const inj = booked.find((a) => a.type === 'injection');
    const ipath = `/api/v1/appointments/${inj.id}`;
    assert.equal((await withMatch(as.front_desk, `${ipath}/arrive`, 1)).status, 200);
    const idone = await withMatch(as.front_desk, `${ipath}/complete`, 2);
    assert.equal(idone.status, 200, idone.text);
    assert.equal(idone.body.plan_step.status, 'planned');
    assert.match(idone.body.plan_step.waiting_for, /procedure/);

    // A follow-up of another patient's plan, with the NRS recorded today: its step is done with
    // the visit, in the same write, audited.
    const second = await bookedPlan('CompleteFollowUp', '2027-10-04');
    const fu = second.booked.find((a) => a.type === 'follow_up');
    const now = new Date(Date.now() - 60000).toISOString().replace(/\.\d+Z$/, 'Z');
    const nrs = await as.nurse.post(`/api/v1/patients/${second.patient.id}/assessments`, { instrument: 'nrs', performed_at: now, answers: { score: 4 } });
    assert.equal(nrs.status, 201, nrs.text);
    const fpath = `/api/v1/appointments/${fu.id}`;
    assert.equal((await withMatch(as.nurse, `${fpath}/arrive`, 1)).status, 200);
    const fdone = await withMatch(as.nurse, `${fpath}/complete`, 2);
    assert.equal(fdone.status, 200, fdone.text);
    assert.deepEqual([fdone.body.plan_step.id, fdone.body.plan_step.status, fdone.body.plan_step.waiting_for], [fu.plan_step_id, 'done', null]);
    const step = await as.nurse.get(`/api/v1/plan-steps/${fu.plan_step_id}`);
    assert.equal(step.body.status, 'done');
    const log = await as.admin.get(`/api/v1/audit?patient_id=${second.patient.id}&action=plan_step.status`);
    assert.ok(log.body.items.some((e) => e.detail.includes(`by appointment ${fu.id}`)), JSON.stringify(log.body.items));
    assert.ok(patient.id && plan.id);
  });

  test('the plan shows each step\'s visits: a cancelled one with its reason, a missed one, and the new booking', async () => {
    const { plan, booked } = await bookedPlan('Visits', '2027-12-06');
    const consult = booked.find((a) => a.type === 'consultation');
    const c = await withMatch(as.front_desk, `/api/v1/appointments/${consult.id}/cancel`, 1, { reason: 'Snow' });
    assert.equal(c.status, 200, c.text);
    const again = await book(as.front_desk, { patient_id: plan.patient_id, type: 'consultation', start: consult.start.replace('T', 'T').replace(/T\d\d:/, 'T15:'), plan_step_id: consult.plan_step_id });
    assert.equal(again.status, 201, again.text);
    const ns = await withMatch(as.front_desk, `/api/v1/appointments/${again.body.id}/no-show`, 1);
    assert.equal(ns.status, 200, ns.text);
    const g = await as.front_desk.get(`/api/v1/plans/${plan.id}`);
    assert.equal(g.status, 200, g.text);
    const step = g.body.steps.find((s) => s.id === consult.plan_step_id);
    assert.deepEqual(step.visits.map((v) => [v.id, v.status, v.reason ?? null]),
      [[consult.id, 'cancelled', 'Snow'], [again.body.id, 'no_show', null]]);
    // The patient's plan list says the same.
    const list = await as.front_desk.get(`/api/v1/patients/${plan.patient_id}/plans`);
    const listed = list.body.items.find((p) => p.id === plan.id).steps.find((s) => s.id === consult.plan_step_id);
    assert.deepEqual(listed.visits, step.visits);
    // Processing is done within the blood draw visit: never booked, no visits.
    assert.ok(g.body.steps.filter((s) => s.kind === 'processing').every((s) => s.visits.length === 0));
  });

  test('a plan that is stopped cancels its visits still to come and frees their time', async () => {
    const { plan, booked } = await bookedPlan('Stopped', '2028-02-07');
    const stop = await withMatch(as.admin, `/api/v1/plans/${plan.id}/status`, 2, { status: 'stopped', reason: 'Moved away' });
    assert.equal(stop.status, 200, stop.text);
    const list = await as.front_desk.get(`/api/v1/appointments?patient_id=${plan.patient_id}`);
    assert.equal(list.body.items.length, booked.length);
    for (const a of list.body.items) assert.deepEqual([a.status, a.reason, a.version], ['cancelled', 'plan stopped', 2]);
    // The plan's steps show them cancelled; the first one's time can be booked again.
    const consultStep = stop.body.steps.find((s) => s.kind === 'consultation');
    assert.deepEqual(consultStep.visits.map((v) => v.status), ['cancelled']);
    const first = booked[0];
    const other = await addPatient('TakesTheSlot');
    const again = await book(as.front_desk, { patient_id: other.id, type: first.type, biologic: first.biologic ?? undefined, start: first.start, resources: first.resources.map((x) => x.id) });
    assert.equal(again.status, 201, again.text);
    const log = await as.admin.get(`/api/v1/audit?patient_id=${plan.patient_id}&action=plan.status`);
    assert.ok(log.body.items.some((e) => /visit\(s\) to come cancelled/.test(e.detail)), JSON.stringify(log.body.items.map((e) => e.detail)));
  });

  test('booking a series that is under way leaves the steps whose window has closed for the work list', async () => {
    const ZONE_TODAY = new Date().toLocaleDateString('en-CA', { timeZone: 'America/New_York' });
    const start = plusDays(ZONE_TODAY, -20);
    const p = await addPatient('Underway');
    const k = await as.admin.post(`/api/v1/patients/${p.id}/conditions`, { icd10: 'E11.42' });
    const pl = await as.admin.post(`/api/v1/patients/${p.id}/plans`, { protocol: 'prp-series', condition_id: k.body.id, start_date: start });
    assert.equal(pl.status, 201, pl.text);
    assert.equal((await withMatch(as.admin, `/api/v1/plans/${pl.body.id}/status`, 1, { status: 'accepted' })).status, 200);
    const r = await as.front_desk.post(`/api/v1/plans/${pl.body.id}/book`, {});
    assert.equal(r.status, 201, r.text);
    // The consultation (days 0-7) and the first blood draw and injection (days 4-10) are past.
    const closed = pl.body.steps.filter((s) => s.window_to < ZONE_TODAY && s.kind !== 'processing' && !s.optional).map((s) => s.id).sort();
    assert.ok(closed.length >= 3);
    assert.deepEqual(r.body.overdue.map((o) => o.step_id).sort(), closed);
    assert.ok(r.body.items.length >= 1);
    assert.ok(r.body.items.every((a) => dateOf(a.start) >= ZONE_TODAY));
    // The signed-in user's answer says the clinic's zone and today, for the screens.
    const me = await as.front_desk.get('/api/v1/me');
    assert.deepEqual([me.body.clinic.time_zone, me.body.clinic.today, me.body.clinic.currency], ['America/New_York', ZONE_TODAY, 'USD']);
  });

  test('an archived patient\'s visits can still be cancelled (their time freed), not moved or booked', async () => {
    const p = await addPatient('Archived');
    const b = await book(as.front_desk, { patient_id: p.id, type: 'consultation', start: '2029-09-03T09:00:00-04:00', resources: [res.doc.id] });
    assert.equal(b.status, 201, b.text);
    const arch = await as.admin.call('POST', `/api/v1/patients/${p.id}/archive`, { reason: 'Moved abroad' }, { 'If-Match': `"${p.version}"` });
    assert.equal(arch.status, 200, arch.text);
    const path = `/api/v1/appointments/${b.body.id}`;
    assertProblem(await withMatch(as.front_desk, `${path}/reschedule`, 1, { start: '2029-09-03T10:00:00-04:00' }), 409);
    assertProblem(await book(as.front_desk, { patient_id: p.id, type: 'consultation', start: '2029-09-04T09:00:00-04:00' }), 409);
    const c = await withMatch(as.front_desk, `${path}/cancel`, 1, { reason: 'Patient archived' });
    assert.equal(c.status, 200, c.text);
    // The time is free again for someone else.
    const other = await addPatient('TakesIt');
    const again = await book(as.front_desk, { patient_id: other.id, type: 'consultation', start: '2029-09-03T09:00:00-04:00', resources: [res.doc.id] });
    assert.equal(again.status, 201, again.text);
  });
});
