// Calendars: the appointment types, resources (clinicians and nurses linked to their staff
// account, rooms, the cell processor) with their working hours, closures, and the free-slot
// search in the clinic's zone (serve --timezone America/New_York; one check in Asia/Tokyo),
// including the two daylight-saving days. Every refusal names its field; every write is
// audited; admins write, clinicians, nurses and the front desk read, researchers see nothing.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, emailOf } from '../lib/server.mjs';
import { assertInvalid, assertProblem, stopServer, sqlite, UUID_RE, signInEveryRole, resourceAdder } from './helpers.mjs';

let srv;
const as = {};
const staffId = {};
const made = {}; // the resources made in `before`, by a short name

// Office hours Monday to Friday, and a night clinic on Sundays for the daylight-saving days.
const OFFICE = {
  mon: [['08:00', '12:00'], ['13:00', '17:00']], tue: [['08:00', '12:00'], ['13:00', '17:00']],
  wed: [['08:00', '12:00'], ['13:00', '17:00']], thu: [['08:00', '12:00'], ['13:00', '17:00']],
  fri: [['08:00', '12:00'], ['13:00', '17:00']],
};
const ROOM_HOURS = { mon: [['08:00', '17:00']], tue: [['08:00', '17:00']], wed: [['08:00', '17:00']], thu: [['08:00', '17:00']], fri: [['08:00', '17:00']] };
// Future dates: 2027-01-04 is a Monday; 2027-03-14 and 2027-11-07 are the Sundays New York
// springs forward and falls back.
const MON = '2027-01-04';
const TUE = '2027-01-05';

const slots = (c, q) => c.get(`/api/v1/slots?${new URLSearchParams(q)}`);
const local = (s) => s.slice(11, 16); // "08:00" of "2027-01-04T08:00:00-05:00"

async function newStaff(role) {
  const r = await as.admin.post('/api/v1/staff', { email: `${role}.${Math.random().toString(36).slice(2)}@clinic.example`, name: `Extra ${role}`, role });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

before(async () => {
  srv = await startServer({ args: ['--timezone', 'America/New_York'] });
  await signInEveryRole(srv.base, as);
  for (const s of (await as.admin.get('/api/v1/staff')).body.items) staffId[s.email] = s.id;
  const add = resourceAdder(as.admin, made);
  await add('doc', { kind: 'clinician', name: 'Dr Ada Osei', staff_id: staffId[emailOf('clinician')],
    hours: { ...OFFICE, sun: [['00:00', '04:00']] } });
  await add('nurse', { kind: 'nurse', name: 'Nurse Ben Li', staff_id: staffId[emailOf('nurse')], hours: { mon: [['08:00', '10:00']] } });
  await add('us1', { kind: 'ultrasound_room', name: 'Ultrasound 1', hours: { mon: [['09:00', '12:00']], tue: [['09:00', '12:00']] } });
  await add('us2', { kind: 'ultrasound_room', name: 'Ultrasound 2', hours: ROOM_HOURS });
  await add('cells', { kind: 'cell_processor', name: 'Cell processor', hours: { mon: [['08:00', '10:00']] } });
  await add('proc', { kind: 'procedure_room', name: 'Procedure room', hours: ROOM_HOURS });
});
after(async () => { await stopServer(srv); });

describe('appointment types', () => {
  test('the data file: lengths, needs (per biologic where they differ), the type of each plan step kind', async () => {
    const r = await as.researcher.get('/api/v1/appointment-types');
    assert.equal(r.status, 200, r.text);
    const byId = Object.fromEntries(r.body.items.map((t) => [t.id, t]));
    assert.deepEqual(Object.keys(byId).sort(), ['blood_draw', 'consultation', 'follow_up', 'harvest', 'injection', 'workup']);
    assert.deepEqual([byId.consultation.minutes, byId.workup.minutes, byId.blood_draw.minutes, byId.harvest.minutes, byId.injection.minutes, byId.follow_up.minutes], [30, 60, 20, 90, 45, 20]);
    assert.deepEqual(byId.harvest.needs, [['clinician'], ['procedure_room']]);
    assert.deepEqual(byId.injection.needs, [['clinician'], ['ultrasound_room']]);
    assert.deepEqual(byId.injection.needs_for_biologic, { bmac: [['cell_processor']], adipose_svf: [['cell_processor']] });
    assert.deepEqual(byId.follow_up.needs, [['clinician', 'nurse']]);
    assert.deepEqual(r.body.step_kinds, { consultation: 'consultation', workup: 'workup', blood_draw: 'blood_draw', harvest: 'harvest', processing: null, injection: 'injection', follow_up: 'follow_up' });
    assert.equal(r.body.grid_minutes, null);
  });
});

describe('resources', () => {
  test('add: 201 with Location and ETag, linked to the staff account; audited', async () => {
    const doc = made.doc;
    assert.match(doc.id, UUID_RE);
    assert.equal(doc.kind, 'clinician');
    assert.equal(doc.staff_id, staffId[emailOf('clinician')]);
    assert.equal(doc.staff_active, true);
    assert.equal(doc.active, true);
    assert.equal(doc.version, 1);
    assert.deepEqual(doc.hours.mon, [['08:00', '12:00'], ['13:00', '17:00']]);
    assert.deepEqual(Object.keys(doc.hours), ['mon', 'tue', 'wed', 'thu', 'fri', 'sun']);
    assert.equal(made.us1.staff_id, null);
    const r = await as.admin.post('/api/v1/resources', { kind: 'procedure_room', name: 'Minor ops', hours: { fri: [['13:00', '17:00'], ['08:00', '12:00']] } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers.get('location'), `/api/v1/resources/${r.body.id}`);
    assert.equal(r.headers.get('etag'), '"1"');
    assert.deepEqual(r.body.hours, { fri: [['08:00', '12:00'], ['13:00', '17:00']] }, 'periods put in order');
    const audit = sqlite(srv.db, `SELECT actor_role || ' ' || detail || ' ' || ifnull(patient_id, '-') FROM audit WHERE action = 'resource.create' AND resource_id = '${r.body.id}'`);
    assert.equal(audit, 'admin procedure_room Minor ops -');
  });

  test('bad input: every field named with its reason', async () => {
    const b = assertInvalid(await as.admin.post('/api/v1/resources', { kind: 'robot', name: '\u200b', hours: [], colour: 'red' }),
      ['kind', 'name', 'hours', 'colour']);
    assert.match(b.errors.find((e) => e.path === 'kind').message, /clinician, nurse, procedure_room, ultrasound_room/);
    const h = assertInvalid(await as.admin.post('/api/v1/resources', { kind: 'procedure_room', name: 'PR 9', hours: {
      mon: [['08:00', '12:00'], ['11:30', '13:00']], tue: [['12:00', '08:00']], wed: [['8:00', '12:00']], thu: [['08:00', '24:01']],
      fri: [['01:00', '02:00'], ['03:00', '04:00'], ['05:00', '06:00'], ['07:00', '08:00'], ['09:00', '10:00']], sat: [['24:00', '24:00']], holiday: [] } }),
    ['hours.mon', 'hours.tue[0]', 'hours.wed[0][0]', 'hours.thu[0][1]', 'hours.fri', 'hours.sat[0][0]', 'hours.holiday']);
    assert.match(h.errors.find((e) => e.path === 'hours.mon').message, /overlap \(08:00-12:00 and 11:30-13:00\)/);
    assert.match(h.errors.find((e) => e.path === 'hours.tue[0]').message, /start before it ends/);
    assertInvalid(await as.admin.post('/api/v1/resources', { kind: 'procedure_room', name: 'x'.repeat(101), hours: {} }), ['name']);
    assertInvalid(await as.admin.post('/api/v1/resources', { kind: 'procedure_room', name: 'PR 10' }), ['hours']);
    // Staff accounts: only people have one; it must exist, be active and have the kind's role.
    assertInvalid(await as.admin.post('/api/v1/resources', { kind: 'procedure_room', name: 'PR 11', staff_id: staffId[emailOf('nurse')], hours: {} }), ['staff_id']);
    assertInvalid(await as.admin.post('/api/v1/resources', { kind: 'clinician', name: 'Dr Nobody', hours: {} }), ['staff_id']);
    const none = assertInvalid(await as.admin.post('/api/v1/resources', { kind: 'clinician', name: 'Dr Nobody', staff_id: '01a224c7-f11f-7723-b8b8-517ad4cd061f', hours: {} }), ['staff_id']);
    assert.match(none.errors[0].message, /not a staff account/);
    const role = assertInvalid(await as.admin.post('/api/v1/resources', { kind: 'clinician', name: 'Dr Desk', staff_id: staffId[emailOf('front_desk')], hours: {} }), ['staff_id']);
    assert.match(role.errors[0].message, /front_desk's account; a clinician resource is a clinician's/);
    const gone = await newStaff('nurse');
    assert.equal((await as.admin.patch(`/api/v1/staff/${gone.id}`, { active: false })).status, 200);
    const off = assertInvalid(await as.admin.post('/api/v1/resources', { kind: 'nurse', name: 'Nurse Gone', staff_id: gone.id, hours: {} }), ['staff_id']);
    assert.match(off.errors[0].message, /deactivated/);
  });

  test('a name (any letter case) or a staff account is used once: 409 naming the resource', async () => {
    const dup = assertProblem(await as.admin.post('/api/v1/resources', { kind: 'procedure_room', name: 'ULTRASOUND 1', hours: {} }), 409);
    assert.equal(dup.existing_id, made.us1.id);
    const again = assertProblem(await as.admin.post('/api/v1/resources', { kind: 'clinician', name: 'Dr Ada (2)', staff_id: staffId[emailOf('clinician')], hours: {} }), 409);
    assert.equal(again.existing_id, made.doc.id);
    assert.match(again.detail, /staff account has a resource already/);
  });

  test('list (by kind, then name; ?kind= and ?active=) and one with its ETag; unknown ids 404', async () => {
    const all = await as.front_desk.get('/api/v1/resources');
    assert.equal(all.status, 200, all.text);
    const kinds = all.body.items.map((x) => x.kind);
    assert.deepEqual(kinds, [...kinds].sort((a, b) => ['clinician', 'nurse', 'procedure_room', 'ultrasound_room', 'cell_processor'].indexOf(a) - ['clinician', 'nurse', 'procedure_room', 'ultrasound_room', 'cell_processor'].indexOf(b)));
    const rooms = await as.nurse.get('/api/v1/resources?kind=ultrasound_room');
    assert.deepEqual(rooms.body.items.map((x) => x.name), ['Ultrasound 1', 'Ultrasound 2']);
    assertInvalid(await as.nurse.get('/api/v1/resources?kind=robot&active=maybe'), ['kind', 'active']);
    const one = await as.clinician.get(`/api/v1/resources/${made.us2.id}`);
    assert.equal(one.status, 200);
    assert.equal(one.headers.get('etag'), '"1"');
    assert.deepEqual(one.body, made.us2);
    assertProblem(await as.admin.get('/api/v1/resources/01a224c7-f11f-7723-b8b8-517ad4cd061f'), 404);
    assertProblem(await as.admin.get('/api/v1/resources/not-an-id'), 404);
  });

  test('PATCH: If-Match required and checked; name, hours, active change; the kind does not; audited', async () => {
    const r0 = (await as.admin.post('/api/v1/resources', { kind: 'ultrasound_room', name: 'Ultrasound 3', hours: ROOM_HOURS })).body;
    const path = `/api/v1/resources/${r0.id}`;
    assertProblem(await as.admin.patch(path, { name: 'U3' }), 428);
    assertProblem(await as.admin.patch(path, { name: 'U3' }, { 'If-Match': '1' }), 400);
    assertInvalid(await as.admin.patch(path, { kind: 'procedure_room', hours: { mon: [['09:00']] }, active: 'no', name: null }, { 'If-Match': '"1"' }),
      ['kind', 'hours.mon[0]', 'active', 'name']);
    const ok = await as.admin.patch(path, { name: 'Ultrasound 3 (old)', hours: { tue: [['10:00', '11:00']] }, active: false }, { 'If-Match': '"1"' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.headers.get('etag'), '"2"');
    assert.deepEqual([ok.body.name, ok.body.hours, ok.body.active, ok.body.version, ok.body.kind], ['Ultrasound 3 (old)', { tue: [['10:00', '11:00']] }, false, 2, 'ultrasound_room']);
    assertProblem(await as.admin.patch(path, { active: true }, { 'If-Match': '"1"' }), 412);
    const dup = assertProblem(await as.admin.patch(path, { name: 'ultrasound 2' }, { 'If-Match': '"2"' }), 409);
    assert.equal(dup.existing_id, made.us2.id);
    assert.equal(sqlite(srv.db, `SELECT detail FROM audit WHERE action = 'resource.update' AND resource_id = '${r0.id}'`), 'name, hours, active');
    assert.deepEqual((await as.admin.get('/api/v1/resources?kind=ultrasound_room&active=false')).body.items.map((x) => x.id), [r0.id]);
    assertProblem(await as.admin.patch('/api/v1/resources/01a224c7-f11f-7723-b8b8-517ad4cd061f', { name: 'x' }, { 'If-Match': '"1"' }), 404);
  });

  test('a person whose account is deactivated: shown, takes no slots, cannot be made active again', async () => {
    const n = await newStaff('nurse');
    const res = (await as.admin.post('/api/v1/resources', { kind: 'nurse', name: 'Nurse Temp', staff_id: n.id, hours: { mon: [['08:00', '10:00']] } })).body;
    const before = await slots(as.front_desk, { type: 'blood_draw', from: MON, to: MON });
    assert.ok(before.body.items.some((s) => s.resources[0].id === res.id));
    assert.equal((await as.admin.patch(`/api/v1/staff/${n.id}`, { active: false })).status, 200);
    const shown = (await as.admin.get(`/api/v1/resources/${res.id}`)).body;
    assert.equal(shown.staff_active, false);
    const after = await slots(as.front_desk, { type: 'blood_draw', from: MON, to: MON });
    assert.ok(!after.body.items.some((s) => s.resources[0].id === res.id));
    assert.ok(after.body.items.length > 0, 'the other nurse still has slots');
    const off = await as.admin.patch(`/api/v1/resources/${res.id}`, { active: false }, { 'If-Match': '"1"' });
    assert.equal(off.status, 200, off.text);
    assertInvalid(await as.admin.patch(`/api/v1/resources/${res.id}`, { active: true }, { 'If-Match': '"2"' }), ['staff_id']);
  });
});

describe('closures', () => {
  let room;
  before(async () => {
    room = (await as.admin.post('/api/v1/resources', { kind: 'procedure_room', name: 'Closure room', hours: ROOM_HOURS })).body;
  });

  test('whole days (dates) or exact times (RFC 3339 with offset), answered in the clinic\'s offset; audited', async () => {
    const day = await as.admin.post(`/api/v1/resources/${room.id}/closures`, { from: '2027-03-14', to: '2027-03-15', reason: 'Maintenance' });
    assert.equal(day.status, 201, day.text);
    assert.equal(day.headers.get('location'), `/api/v1/closures/${day.body.id}`);
    assert.equal(day.headers.get('etag'), '"1"');
    // The day New York springs forward has 23 hours: the closure runs to the 16th's midnight.
    assert.deepEqual([day.body.from, day.body.to, day.body.status, day.body.resource_id], ['2027-03-14T00:00:00-05:00', '2027-03-16T00:00:00-04:00', 'active', room.id]);
    const exact = await as.admin.post(`/api/v1/resources/${room.id}/closures`, { from: '2027-01-04T18:00:00Z', to: '2027-01-04T15:30:00-05:00', reason: 'Inspection' });
    assert.equal(exact.status, 201, exact.text);
    assert.deepEqual([exact.body.from, exact.body.to], ['2027-01-04T13:00:00-05:00', '2027-01-04T15:30:00-05:00']);
    const audit = sqlite(srv.db, `SELECT detail FROM audit WHERE action = 'closure.create' AND resource_id = '${exact.body.id}'`);
    assert.equal(audit, 'Closure room 2027-01-04T13:00:00-05:00 to 2027-01-04T15:30:00-05:00: Inspection');
    const one = await as.nurse.get(`/api/v1/closures/${exact.body.id}`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, exact.body);
  });

  test('bad closures: each field named', async () => {
    const p = `/api/v1/resources/${room.id}/closures`;
    const b = assertInvalid(await as.admin.post(p, { from: '2027-01-04T13:00', to: 'tomorrow', extra: 1 }), ['from', 'to', 'reason', 'extra']);
    assert.match(b.errors.find((e) => e.path === 'from').message, /with its offset/);
    assertInvalid(await as.admin.post(p, { from: '2027-01-05', to: '2027-01-04', reason: 'x' }), ['to']);
    assertInvalid(await as.admin.post(p, { from: '2027-01-04T10:00:00Z', to: '2027-01-04T10:00:00Z', reason: 'x' }), ['to']);
    const long = assertInvalid(await as.admin.post(p, { from: '2027-01-01', to: '2028-01-02', reason: 'x' }), ['to']);
    assert.match(long.errors[0].message, /366 days/);
    assertInvalid(await as.admin.post(p, { from: '2027-01-01', to: '2027-01-02', reason: 'r'.repeat(501) }), ['reason']);
    assertProblem(await as.admin.post('/api/v1/resources/01a224c7-f11f-7723-b8b8-517ad4cd061f/closures', { from: '2027-01-01', to: '2027-01-02', reason: 'x' }), 404);
  });

  test('list (voided too, ?status=active, ?from=&to=) and void: reason and If-Match, once', async () => {
    const mk = async (from, to) => (await as.admin.post(`/api/v1/resources/${room.id}/closures`, { from, to, reason: 'Leave' })).body;
    const a = await mk('2027-06-01', '2027-06-02');
    const b = await mk('2027-07-01', '2027-07-01');
    const path = `/api/v1/closures/${a.id}/void`;
    assertInvalid(await as.admin.post(path, {}, { 'If-Match': '"1"' }), ['reason']);
    assertProblem(await as.admin.post(path, { reason: 'Entered twice' }), 428);
    assertProblem(await as.admin.post(path, { reason: 'Entered twice' }, { 'If-Match': '"2"' }), 412);
    const v = await as.admin.post(path, { reason: 'Entered twice' }, { 'If-Match': '"1"' });
    assert.equal(v.status, 200, v.text);
    assert.deepEqual([v.body.status, v.body.void_reason, v.body.version], ['voided', 'Entered twice', 2]);
    assertProblem(await as.admin.post(path, { reason: 'again' }, { 'If-Match': '"2"' }), 409);
    assert.equal(sqlite(srv.db, `SELECT detail FROM audit WHERE action = 'closure.void' AND resource_id = '${a.id}'`), 'Entered twice');
    const all = (await as.front_desk.get(`/api/v1/resources/${room.id}/closures`)).body.items;
    assert.ok(all.some((c) => c.id === a.id && c.status === 'voided'));
    const active = (await as.front_desk.get(`/api/v1/resources/${room.id}/closures?status=active`)).body.items;
    assert.ok(!active.some((c) => c.id === a.id) && active.some((c) => c.id === b.id));
    const june = (await as.front_desk.get(`/api/v1/resources/${room.id}/closures?from=2027-06-02&to=2027-06-30`)).body.items;
    assert.deepEqual(june.map((c) => c.id), [a.id]);
    const july = (await as.front_desk.get(`/api/v1/resources/${room.id}/closures?from=2027-06-03&to=2027-07-01`)).body.items;
    assert.deepEqual(july.map((c) => c.id), [b.id]);
    assertInvalid(await as.front_desk.get(`/api/v1/resources/${room.id}/closures?from=June&status=voided`), ['from', 'status']);
    assertProblem(await as.admin.post('/api/v1/closures/01a224c7-f11f-7723-b8b8-517ad4cd061f/void', { reason: 'x' }, { 'If-Match': '"1"' }), 404);
  });
});

describe('slots', () => {
  test('an injection: a clinician and an ultrasound room free and working, on the clinician\'s grid, in the clinic\'s offset', async () => {
    const r = await slots(as.front_desk, { type: 'injection', biologic: 'prp', from: MON, to: TUE });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.body.type, r.body.minutes, r.body.grid, r.body.time_zone, r.body.truncated], ['injection', 45, 45, 'America/New_York', false]);
    assert.deepEqual(r.body.needs, [['clinician'], ['ultrasound_room']]);
    const mon = r.body.items.filter((s) => s.start.startsWith(MON));
    // 08:00-12:00 and 13:00-17:00: 08:00 08:45 09:30 10:15 11:00 and 13:00 13:45 14:30 15:15 16:00.
    assert.deepEqual(mon.map((s) => local(s.start)), ['08:00', '08:45', '09:30', '10:15', '11:00', '13:00', '13:45', '14:30', '15:15', '16:00']);
    assert.equal(mon[0].start, `${MON}T08:00:00-05:00`);
    assert.equal(mon[0].end, `${MON}T08:45:00-05:00`);
    assert.deepEqual(mon[0].resources.map((x) => x.id), [made.doc.id, made.us2.id], 'Ultrasound 1 opens at 09:00');
    assert.deepEqual(mon[2].resources.map((x) => x.name), ['Dr Ada Osei', 'Ultrasound 1']);
    assert.deepEqual(mon[0].resources[0], { id: made.doc.id, kind: 'clinician', name: 'Dr Ada Osei' });
    // Cells also need the cell processor (Mondays 08:00-10:00).
    const bmac = await slots(as.nurse, { type: 'injection', biologic: 'bmac', from: MON, to: TUE });
    assert.deepEqual(bmac.body.needs, [['clinician'], ['ultrasound_room'], ['cell_processor']]);
    assert.deepEqual(bmac.body.items.map((s) => local(s.start)), ['08:00', '08:45']);
    assert.equal(bmac.body.items[0].resources[2].id, made.cells.id);
  });

  test('a finer grid, a limit (truncated), the resource asked for; a follow-up led by clinician or nurse', async () => {
    const fine = await slots(as.clinician, { type: 'consultation', from: MON, to: MON, grid: 15 });
    assert.equal(fine.body.grid, 15);
    assert.equal(fine.body.items.length, 15 * 2);
    assert.deepEqual(fine.body.items.slice(0, 3).map((s) => local(s.start) + '-' + local(s.end)), ['08:00-08:30', '08:15-08:45', '08:30-09:00']);
    const few = await slots(as.clinician, { type: 'consultation', from: MON, to: MON, limit: 3 });
    assert.equal(few.body.items.length, 3);
    assert.equal(few.body.truncated, true);
    const only = await slots(as.front_desk, { type: 'injection', biologic: 'prp', from: MON, to: MON, resource: made.us1.id });
    assert.deepEqual(only.body.items.map((s) => local(s.start)), ['09:30', '10:15', '11:00']);
    assert.ok(only.body.items.every((s) => s.resources[1].id === made.us1.id));
    const fu = await slots(as.front_desk, { type: 'follow_up', from: MON, to: MON });
    const early = fu.body.items.filter((s) => local(s.start) < '09:00');
    assert.deepEqual(early.map((s) => `${local(s.start)} ${s.resources[0].kind}`),
      ['08:00 clinician', '08:00 nurse', '08:20 clinician', '08:20 nurse', '08:40 clinician', '08:40 nurse']);
    const harvest = await slots(as.front_desk, { type: 'harvest', from: MON, to: MON });
    assert.deepEqual(harvest.body.items.map((s) => local(s.start)), ['08:00', '09:30', '13:00', '14:30']);
    // Rooms by name: "Closure room" first, but it is closed 13:00-15:30 that Monday (above).
    assert.deepEqual(harvest.body.items.map((s) => s.resources[1].name), ['Closure room', 'Closure room', 'Procedure room', 'Procedure room']);
  });

  test('a closure takes its slots away; voided, they come back; past dates have none', async () => {
    const before = (await slots(as.front_desk, { type: 'consultation', from: TUE, to: TUE })).body.items;
    assert.equal(before.length, 16);
    const c = await as.admin.post(`/api/v1/resources/${made.doc.id}/closures`, { from: `${TUE}T10:00:00-05:00`, to: `${TUE}T13:30:00-05:00`, reason: 'Teaching' });
    assert.equal(c.status, 201, c.text);
    const during = (await slots(as.front_desk, { type: 'consultation', from: TUE, to: TUE })).body.items;
    assert.deepEqual(during.map((s) => local(s.start)), ['08:00', '08:30', '09:00', '09:30', '13:30', '14:00', '14:30', '15:00', '15:30', '16:00', '16:30']);
    assert.equal((await as.admin.post(`/api/v1/closures/${c.body.id}/void`, { reason: 'Cancelled' }, { 'If-Match': '"1"' })).status, 200);
    assert.equal((await slots(as.front_desk, { type: 'consultation', from: TUE, to: TUE })).body.items.length, 16);
    const past = await slots(as.front_desk, { type: 'consultation', from: '2026-01-05', to: '2026-01-09' });
    assert.equal(past.status, 200);
    assert.deepEqual(past.body.items, []);
  });

  test('the two daylight-saving days of New York: no slot that does not exist, none twice', async () => {
    const spring = (await slots(as.front_desk, { type: 'consultation', from: '2027-03-14', to: '2027-03-14' })).body.items;
    assert.deepEqual(spring.map((s) => s.start.slice(11)), ['00:00:00-05:00', '00:30:00-05:00', '01:00:00-05:00', '01:30:00-05:00', '03:00:00-04:00', '03:30:00-04:00']);
    const fall = (await slots(as.front_desk, { type: 'consultation', from: '2027-11-07', to: '2027-11-07' })).body.items;
    assert.deepEqual(fall.map((s) => s.start.slice(11)), ['00:00:00-04:00', '00:30:00-04:00', '01:00:00-04:00', '01:30:00-04:00',
      '01:00:00-05:00', '01:30:00-05:00', '02:00:00-05:00', '02:30:00-05:00', '03:00:00-05:00', '03:30:00-05:00']);
    const instants = fall.map((s) => Date.parse(s.start));
    assert.equal(new Set(instants).size, instants.length);
    for (const s of [...spring, ...fall]) assert.equal(Date.parse(s.end) - Date.parse(s.start), 30 * 60000);
    // The Monday after: office hours at -04:00.
    const mon = (await slots(as.front_desk, { type: 'consultation', from: '2027-03-15', to: '2027-03-15' })).body.items;
    assert.equal(mon[0].start, '2027-03-15T08:00:00-04:00');
  });

  test('bad queries: each parameter named', async () => {
    const none = assertInvalid(await slots(as.front_desk, {}), ['type', 'from', 'to']);
    assert.match(none.errors.find((e) => e.path === 'type').message, /consultation, workup, blood_draw, harvest, injection, follow_up/);
    assertInvalid(await slots(as.front_desk, { type: 'massage', from: '2027-02-30', to: MON }), ['type', 'from']);
    assertInvalid(await slots(as.front_desk, { type: 'consultation', from: TUE, to: MON }), ['to']);
    const long = assertInvalid(await slots(as.front_desk, { type: 'consultation', from: '2027-01-01', to: '2027-02-01' }), ['to']);
    assert.match(long.errors[0].message, /at most 30 days/);
    assert.equal((await slots(as.front_desk, { type: 'consultation', from: '2027-01-01', to: '2027-01-31' })).status, 200);
    const bio = assertInvalid(await slots(as.front_desk, { type: 'injection', from: MON, to: MON }), ['biologic']);
    assert.match(bio.errors[0].message, /depend on the biologic/);
    assertInvalid(await slots(as.front_desk, { type: 'injection', biologic: 'unicorn', from: MON, to: MON }), ['biologic']);
    assertInvalid(await slots(as.front_desk, { type: 'consultation', from: MON, to: MON, grid: 45, limit: 0 }), ['grid', 'limit']);
    assertInvalid(await slots(as.front_desk, { type: 'consultation', from: MON, to: MON, grid: 4 }), ['grid']);
    assertInvalid(await slots(as.front_desk, { type: 'consultation', from: MON, to: MON, limit: 5001 }), ['limit']);
    assertInvalid(await slots(as.front_desk, { type: 'consultation', from: MON, to: MON, resource: 'x' }), ['resource']);
    assertInvalid(await slots(as.front_desk, { type: 'consultation', from: MON, to: MON, resource: '01a224c7-f11f-7723-b8b8-517ad4cd061f' }), ['resource']);
    const kind = assertInvalid(await slots(as.front_desk, { type: 'injection', biologic: 'prp', from: MON, to: MON, resource: made.nurse.id }), ['resource']);
    assert.match(kind.errors[0].message, /is a nurse; injection needs clinician and ultrasound_room/);
    const inactive = (await as.admin.post('/api/v1/resources', { kind: 'ultrasound_room', name: 'Ultrasound closed', hours: ROOM_HOURS })).body;
    assert.equal((await as.admin.patch(`/api/v1/resources/${inactive.id}`, { active: false }, { 'If-Match': '"1"' })).status, 200);
    assertInvalid(await slots(as.front_desk, { type: 'injection', biologic: 'prp', from: MON, to: MON, resource: inactive.id }), ['resource']);
  });
});

describe('roles', () => {
  test('admins write; clinicians, nurses and the front desk read; researchers see nothing', async () => {
    const writes = [
      ['POST', '/api/v1/resources', { kind: 'procedure_room', name: 'Role room', hours: {} }],
      ['PATCH', `/api/v1/resources/${made.proc.id}`, { name: 'Renamed' }, { 'If-Match': '"1"' }],
      ['POST', `/api/v1/resources/${made.proc.id}/closures`, { from: '2027-05-03', to: '2027-05-03', reason: 'x' }],
    ];
    for (const role of ['clinician', 'nurse', 'front_desk', 'researcher']) {
      for (const [method, path, body, headers] of writes) {
        const b = assertProblem(await as[role].call(method, path, body, headers), 403, `${role} ${method} ${path}`);
        assert.match(b.detail, /calendar\.admin/);
      }
    }
    const reads = ['/api/v1/resources', `/api/v1/resources/${made.proc.id}`, `/api/v1/resources/${made.proc.id}/closures`,
      `/api/v1/slots?type=consultation&from=${MON}&to=${MON}`];
    for (const path of reads) {
      for (const role of ['clinician', 'nurse', 'front_desk']) assert.equal((await as[role].get(path)).status, 200, `${role} ${path}`);
      assertProblem(await as.researcher.get(path), 403, `researcher ${path}`);
    }
    assert.equal((await as.admin.get(`/api/v1/resources/${made.proc.id}`)).body.name, 'Procedure room', 'nothing changed');
  });
});

test('another zone: the same hours in Asia/Tokyo are answered at +09:00', async () => {
  const tokyo = await startServer({ args: ['--timezone', 'Asia/Tokyo'] });
  try {
    const admin = await login(tokyo.base, 'admin');
    const staff = (await admin.get('/api/v1/staff')).body.items;
    const doc = staff.find((s) => s.email === emailOf('clinician'));
    const r = await admin.post('/api/v1/resources', { kind: 'clinician', name: 'Dr Sato', staff_id: doc.id, hours: { sun: [['00:00', '04:00']], mon: [['08:00', '09:00']] } });
    assert.equal(r.status, 201, r.text);
    const sun = (await admin.get('/api/v1/slots?type=consultation&from=2027-03-14&to=2027-03-14')).body;
    assert.equal(sun.time_zone, 'Asia/Tokyo');
    assert.equal(sun.items.length, 8, 'no daylight saving in Tokyo');
    assert.equal(sun.items[4].start, '2027-03-14T02:00:00+09:00');
    const c = await admin.post(`/api/v1/resources/${r.body.id}/closures`, { from: MON, to: MON, reason: 'Holiday' });
    assert.deepEqual([c.body.from, c.body.to], [`${MON}T00:00:00+09:00`, `${TUE}T00:00:00+09:00`]);
  } finally {
    await stopServer(tokyo);
  }
});
