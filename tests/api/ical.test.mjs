// Calendar feeds (iCalendar, RFC 5545), read back with a real parser (ical.js): a resource's feed
// and a patient's, times equal to the API's RFC 3339 instants, cancellations as STATUS:CANCELLED,
// text with commas, semicolons and emoji surviving escaping and folding (every line at most 75
// octets, CRLF), no patient name in a resource feed unless the server runs with
// --ical-patient-names, feed tokens (made by admins, shown once, opening only their resource's
// feed without a cookie, revoked), who may read what, and the audit records of each fetch.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { startServer, emailOf, newPatient, client } from '../lib/server.mjs';
import { assertInvalid, assertProblem, stopServer, todayUTC, addDays, ymd, sqlite, UUID_RE, signInEveryRole, staffIds, resourceAdder } from './helpers.mjs';

// RFC 5545 3.2.19: a property without a known type (X-WR-CALNAME, RFC 7986 NAME) is TEXT;
// ical.js leaves unknown ones raw, so tell it these two are TEXT and let it unescape them.
for (const p of ['x-wr-calname', 'name']) ICAL.design.icalendar.property[p] = { defaultType: 'text' };

const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri'];
const hours = Object.fromEntries(WEEK.map((d) => [d, [['07:00', '18:00']]]));
// A room name that needs escaping (comma, semicolon, backslash) and, with the LOCATION: prefix,
// folding across a four-octet emoji; and a patient whose name needs the same.
const ROOM = 'Procedure room 3, East wing; level 2 \\ 🩺🩺 next to the lifts and the long corridor';
const GIVEN = 'Zoë, Marie; 🦋';
const FAMILY = 'Ørsted-Ångström';

// A weekday at least 8 days ahead, and starts on it in UTC (inside working hours in New York).
function bookingDay() {
  let d = addDays(todayUTC(), 8);
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d = addDays(d, 1);
  return ymd(d);
}
const DAY = bookingDay();
const at = (hm) => `${DAY}T${hm}:00Z`;

// The calendar text parsed; also checks the lines themselves: CRLF only, each at most 75 octets.
function parseFeed(r) {
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), 'text/calendar; charset=utf-8');
  assert.ok(r.text.endsWith('\r\n'));
  for (const line of r.text.slice(0, -2).split('\r\n')) {
    assert.ok(!line.includes('\n') && !line.includes('\r'), `bare line end in ${JSON.stringify(line)}`);
    assert.ok(Buffer.byteLength(line, 'utf8') <= 75, `over 75 octets: ${JSON.stringify(line)}`);
    assert.ok(!line.includes('\uFFFD'), `a split UTF-8 sequence in ${JSON.stringify(line)}`);
  }
  const cal = new ICAL.Component(ICAL.parse(r.text));
  assert.equal(cal.name, 'vcalendar');
  assert.equal(cal.getFirstPropertyValue('version'), '2.0');
  assert.equal(cal.getFirstPropertyValue('method'), 'PUBLISH');
  assert.equal(cal.getFirstPropertyValue('calscale'), 'GREGORIAN');
  assert.ok(cal.getFirstPropertyValue('prodid'));
  const events = {};
  for (const v of cal.getAllSubcomponents('vevent')) {
    const e = new ICAL.Event(v);
    const id = e.uid.replace(/@schwann$/, '');
    assert.match(id, UUID_RE, e.uid);
    assert.equal(e.startDate.zone.tzid, 'UTC');
    assert.equal(e.endDate.zone.tzid, 'UTC');
    events[id] = {
      summary: e.summary, location: e.location, description: e.description,
      start: e.startDate.toJSDate().getTime(), end: e.endDate.toJSDate().getTime(),
      status: v.getFirstPropertyValue('status'), sequence: e.sequence,
      stamp: v.getFirstPropertyValue('dtstamp'),
    };
  }
  return { cal, events };
}

function assertTimes(ev, appt) {
  assert.equal(ev.start, Date.parse(appt.start), `start ${appt.start}`);
  assert.equal(ev.end, Date.parse(appt.end), `end ${appt.end}`);
}

// Resources, patients and bookings on a server: a clinician, the oddly named room, a second
// room; patient one booked for a harvest (clinician + room) and a consultation, patient two for a
// consultation later cancelled.
async function setUp(srv) {
  const as = {};
  await signInEveryRole(srv.base, as);
  const staff = await staffIds(as.admin);
  const res = {};
  const add = resourceAdder(as.admin, res);
  await add('doc', { kind: 'clinician', name: 'Dr Ada Osei', staff_id: staff[emailOf('clinician')], hours });
  await add('room', { kind: 'procedure_room', name: ROOM, hours });
  await add('room2', { kind: 'ultrasound_room', name: 'Ultrasound 1', hours });
  const pat = {};
  for (const [key, over] of [['one', { given_name: GIVEN, family_name: FAMILY }], ['two', { family_name: 'Second' }]]) {
    const r = await as.admin.post('/api/v1/patients', newPatient(over));
    assert.equal(r.status, 201, r.text);
    pat[key] = r.body;
  }
  const book = async (body) => {
    const r = await as.front_desk.post('/api/v1/appointments', body);
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  const appt = {};
  appt.harvest = await book({ patient_id: pat.one.id, type: 'harvest', start: at('13:00'), resources: [res.doc.id, res.room.id] });
  appt.consult = await book({ patient_id: pat.one.id, type: 'consultation', start: at('16:00') });
  appt.other = await book({ patient_id: pat.two.id, type: 'consultation', start: at('17:00') });
  const c = await as.front_desk.call('POST', `/api/v1/appointments/${appt.other.id}/cancel`, { reason: 'Patient unwell' }, { 'If-Match': '"1"' });
  assert.equal(c.status, 200, c.text);
  appt.other = c.body;
  return { as, res, pat, appt };
}

const auditOf = async (admin, query) => {
  const r = await admin.get(`/api/v1/audit?${query}`);
  assert.equal(r.status, 200, r.text);
  return r.body.items;
};

describe('feeds without patient names (the default)', () => {
  let srv;
  let w;
  before(async () => {
    srv = await startServer({ args: ['--timezone', 'America/New_York'] });
    w = await setUp(srv);
  });
  after(async () => { await stopServer(srv); });

  test('a resource feed: one event per booking, UTC times equal to the API\'s, "Booked: <type>", the room as LOCATION', async () => {
    const r = await w.as.front_desk.get(`/api/v1/resources/${w.res.doc.id}/calendar.ics`);
    const { cal, events } = parseFeed(r);
    assert.equal(cal.getFirstPropertyValue('x-wr-calname'), 'Dr Ada Osei');
    assert.deepEqual(Object.keys(events).sort(), [w.appt.harvest.id, w.appt.consult.id, w.appt.other.id].sort());
    const h = events[w.appt.harvest.id];
    assertTimes(h, w.appt.harvest);
    assert.equal(h.summary, 'Booked: Harvest (bone marrow or fat)');
    assert.equal(h.location, ROOM, 'the room name survives escaping and folding');
    assert.equal(h.description, 'With: Dr Ada Osei');
    assert.equal(h.status, 'CONFIRMED');
    assert.equal(h.sequence, 0);
    assertTimes(events[w.appt.consult.id], w.appt.consult);
    assert.equal(events[w.appt.consult.id].summary, 'Booked: Consultation');
    assert.equal(events[w.appt.consult.id].location, null);
    // The LOCATION line was long enough to fold, so the round trip above went through a fold.
    assert.ok(r.text.includes('\r\n '), 'some line was folded');
  });

  test('a cancelled appointment is there as STATUS:CANCELLED with its sequence raised', async () => {
    const { events } = parseFeed(await w.as.clinician.get(`/api/v1/resources/${w.res.doc.id}/calendar.ics`));
    const o = events[w.appt.other.id];
    assert.equal(o.status, 'CANCELLED');
    assert.equal(o.sequence, w.appt.other.version - 1);
    assert.ok(o.sequence > 0);
    assertTimes(o, w.appt.other);
    assert.ok(!JSON.stringify(events).includes('Patient unwell'), 'no cancellation reason in a feed');
  });

  test('no patient name, MRN or id in a resource feed; the fetch is audited once for the resource', async () => {
    const r = await w.as.nurse.get(`/api/v1/resources/${w.res.room.id}/calendar.ics`);
    const { events } = parseFeed(r);
    assert.deepEqual(Object.keys(events), [w.appt.harvest.id]);
    for (const p of [w.pat.one, w.pat.two]) {
      for (const s of [p.mrn, p.id, p.family_name, 'Zoë', 'Second']) assert.ok(!r.text.includes(s), `${s} in the feed`);
    }
    const log = await auditOf(w.as.admin, 'action=calendar.feed');
    const mine = log.filter((e) => e.resource_id === w.res.room.id);
    assert.equal(mine.length, 1);
    assert.equal(mine[0].patient_id, null);
    assert.equal(mine[0].actor_role, 'nurse');
  });

  test('a patient feed: that patient\'s appointments only, no "Booked:" prefix, audited with the patient', async () => {
    const r = await w.as.clinician.get(`/api/v1/patients/${w.pat.one.id}/calendar.ics`);
    const { cal, events } = parseFeed(r);
    assert.deepEqual(Object.keys(events).sort(), [w.appt.harvest.id, w.appt.consult.id].sort());
    assert.equal(events[w.appt.harvest.id].summary, 'Harvest (bone marrow or fat)');
    assert.equal(events[w.appt.harvest.id].location, ROOM);
    assertTimes(events[w.appt.consult.id], w.appt.consult);
    for (const p of ['x-wr-calname', 'name']) assert.equal(cal.getFirstPropertyValue(p), `Appointments: ${GIVEN} ${FAMILY}`, `${p}: the name survives escaping`);
    const log = await auditOf(w.as.admin, `patient_id=${w.pat.one.id}&action=appointment.feed`);
    assert.equal(log.length, 1);
    assert.equal(log[0].actor_role, 'clinician');
    assert.equal(log[0].resource_type, 'patient');
    // The other patient's feed shows the cancellation.
    const two = parseFeed(await w.as.front_desk.get(`/api/v1/patients/${w.pat.two.id}/calendar.ics`));
    assert.equal(two.events[w.appt.other.id].status, 'CANCELLED');
  });

  test('who may read: signed-in calendar readers; a researcher is refused (403, audited), nobody signed in is a 401, unknown ids 404', async () => {
    const feed = `/api/v1/resources/${w.res.doc.id}/calendar.ics`;
    for (const role of ['admin', 'clinician', 'nurse', 'front_desk']) assert.equal((await w.as[role].get(feed)).status, 200, role);
    const refused = assertProblem(await w.as.researcher.get(feed), 403);
    assert.ok(refused.detail.includes('calendar.read'));
    assertProblem(await w.as.researcher.get(`/api/v1/patients/${w.pat.one.id}/calendar.ics`), 403);
    const log = await auditOf(w.as.admin, 'action=access.refused');
    assert.ok(log.some((e) => e.actor_role === 'researcher' && e.detail === `GET ${feed}`), 'the refusal is audited');
    assertProblem(await client(srv.base).get(feed), 401);
    assertProblem(await client(srv.base).get(`/api/v1/patients/${w.pat.one.id}/calendar.ics`), 401);
    assertProblem(await w.as.front_desk.get('/api/v1/resources/0190a1b2-0000-7000-8000-000000000000/calendar.ics'), 404);
    assertProblem(await w.as.front_desk.get('/api/v1/resources/not-an-id/calendar.ics'), 404);
    assertProblem(await w.as.front_desk.get('/api/v1/patients/0190a1b2-0000-7000-8000-000000000000/calendar.ics'), 404);
  });

  describe('feed tokens', () => {
    let tok;
    test('an admin makes one for a resource: shown once with the feed address, listed without it, only its hash stored', async () => {
      assertInvalid(await w.as.admin.post(`/api/v1/resources/${w.res.doc.id}/feed-tokens`, {}), ['name']);
      assertInvalid(await w.as.admin.post(`/api/v1/resources/${w.res.doc.id}/feed-tokens`, { name: 'x'.repeat(101) }), ['name']);
      assertInvalid(await w.as.admin.post(`/api/v1/resources/${w.res.doc.id}/feed-tokens`, { name: 'Phone', extra: 1 }), ['extra']);
      assertProblem(await w.as.admin.post('/api/v1/resources/0190a1b2-0000-7000-8000-000000000000/feed-tokens', { name: 'Phone' }), 404);
      for (const role of ['clinician', 'nurse', 'front_desk', 'researcher']) {
        assertProblem(await w.as[role].post(`/api/v1/resources/${w.res.doc.id}/feed-tokens`, { name: 'Phone' }), 403, role);
        assertProblem(await w.as[role].get(`/api/v1/resources/${w.res.doc.id}/feed-tokens`), 403, role);
      }
      const r = await w.as.admin.post(`/api/v1/resources/${w.res.doc.id}/feed-tokens`, { name: "Dr Osei's phone" });
      assert.equal(r.status, 201, r.text);
      tok = r.body;
      assert.match(tok.id, UUID_RE);
      assert.match(tok.token, /^swf_[A-Za-z0-9_-]{43}$/);
      assert.equal(tok.url, `/api/v1/resources/${w.res.doc.id}/calendar.ics?token=${tok.token}`);
      assert.equal(r.headers.get('location'), `/api/v1/feed-tokens/${tok.id}`);
      assert.equal(tok.active, true);
      const list = await w.as.admin.get(`/api/v1/resources/${w.res.doc.id}/feed-tokens`);
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.items.map((t) => t.id), [tok.id]);
      assert.ok(!list.text.includes(tok.token), 'the list never shows the token');
      const one = await w.as.admin.get(`/api/v1/feed-tokens/${tok.id}`);
      assert.equal(one.status, 200);
      assert.ok(!one.text.includes(tok.token));
      assert.equal((await w.as.admin.get(`/api/v1/resources/${w.res.room.id}/feed-tokens`)).body.items.length, 0);
      const stored = sqlite(srv.db, 'SELECT hex(token_hash) || name FROM feed_tokens');
      assert.ok(!stored.includes(tok.token) && !stored.includes(tok.token.slice(4)));
      const log = await auditOf(w.as.admin, 'action=feed_token.create');
      assert.equal(log[0].resource_id, tok.id);
    });

    test('a calendar app with the token and no cookie gets that resource\'s feed, audited as the token', async () => {
      const r = await client(srv.base).get(tok.url);
      const { events } = parseFeed(r);
      assert.equal(Object.keys(events).length, 3);
      assertTimes(events[w.appt.harvest.id], w.appt.harvest);
      assert.ok(!r.text.includes(FAMILY) && !r.text.includes(w.pat.one.mrn));
      const log = await auditOf(w.as.admin, 'action=calendar.feed');
      const byToken = log.find((e) => e.detail?.includes(tok.id));
      assert.ok(byToken, 'audited with the token');
      assert.equal(byToken.actor_id, null);
      assert.equal(byToken.resource_id, w.res.doc.id);
    });

    test('the token opens nothing else: another resource, a bent token, a long one, the patient feed', async () => {
      const nope = async (path) => assertProblem(await client(srv.base).get(path), 404, path);
      await nope(`/api/v1/resources/${w.res.room.id}/calendar.ics?token=${tok.token}`);
      const bent = tok.token.slice(0, -1) + (tok.token.endsWith('A') ? 'B' : 'A');
      await nope(`/api/v1/resources/${w.res.doc.id}/calendar.ics?token=${bent}`);
      await nope(`/api/v1/resources/${w.res.doc.id}/calendar.ics?token=${tok.token}x`);
      await nope(`/api/v1/resources/${w.res.doc.id}/calendar.ics?token=${'a'.repeat(300)}`);
      await nope(`/api/v1/resources/${w.res.doc.id}/calendar.ics?token=`);
      // The unknown and the other resource's answers are the same (no hint which).
      const a = await client(srv.base).get(`/api/v1/resources/${w.res.room.id}/calendar.ics?token=${tok.token}`);
      const b = await client(srv.base).get(`/api/v1/resources/${w.res.doc.id}/calendar.ics?token=${bent}`);
      assert.equal(a.body.detail, b.body.detail);
      // Not a bearer token either, nor a way into the patient feed.
      assertProblem(await client(srv.base, { token: tok.token }).get(`/api/v1/resources/${w.res.doc.id}`), 401);
      assertProblem(await client(srv.base).get(`/api/v1/patients/${w.pat.one.id}/calendar.ics?token=${tok.token}`), 401);
    });

    test('revoked: the address stops working; a second revoke is a 409; unknown ids 404', async () => {
      assertProblem(await w.as.clinician.post(`/api/v1/feed-tokens/${tok.id}/revoke`, {}), 403);
      assertInvalid(await w.as.admin.post(`/api/v1/feed-tokens/${tok.id}/revoke`, { reason: 'x'.repeat(501) }), ['reason']);
      const r = await w.as.admin.post(`/api/v1/feed-tokens/${tok.id}/revoke`, { reason: 'Phone lost' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.active, false);
      assert.ok(r.body.revoked_at);
      assertProblem(await client(srv.base).get(tok.url), 404);
      assertProblem(await w.as.admin.post(`/api/v1/feed-tokens/${tok.id}/revoke`, {}), 409);
      assertProblem(await w.as.admin.post('/api/v1/feed-tokens/0190a1b2-0000-7000-8000-000000000000/revoke', {}), 404);
      assertProblem(await w.as.admin.get('/api/v1/feed-tokens/nope'), 404);
      const list = await w.as.admin.get(`/api/v1/resources/${w.res.doc.id}/feed-tokens`);
      assert.equal(list.body.items[0].active, false, 'kept, marked revoked');
      const log = await auditOf(w.as.admin, 'action=feed_token.revoke');
      assert.ok(log[0].detail.includes('Phone lost'));
      // A new token works while the old one stays dead.
      const again = await w.as.admin.post(`/api/v1/resources/${w.res.doc.id}/feed-tokens`, { name: 'New phone' });
      assert.equal(again.status, 201);
      parseFeed(await client(srv.base).get(again.body.url));
      assertProblem(await client(srv.base).get(tok.url), 404);
    });
  });

  test('the window: a booking more than 180 days ahead is left out; a cancellation drops out 30 days after it', async () => {
    let d = addDays(todayUTC(), 200);
    while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d = addDays(d, 1);
    const far = await w.as.front_desk.post('/api/v1/appointments', { patient_id: w.pat.two.id, type: 'consultation', start: `${ymd(d)}T15:00:00Z` });
    assert.equal(far.status, 201, far.text);
    const feed = `/api/v1/resources/${w.res.doc.id}/calendar.ics`;
    let { events } = parseFeed(await w.as.front_desk.get(feed));
    assert.ok(!(far.body.id in events), 'beyond the window');
    assert.equal(events[w.appt.other.id].status, 'CANCELLED');
    const instant = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
    sqlite(srv.db, `UPDATE appointments SET updated_at = '${instant(Date.now() - 29 * 86400e3)}' WHERE id = '${w.appt.other.id}'`);
    ({ events } = parseFeed(await w.as.front_desk.get(feed)));
    assert.equal(events[w.appt.other.id]?.status, 'CANCELLED', 'still there 29 days on');
    sqlite(srv.db, `UPDATE appointments SET updated_at = '${instant(Date.now() - 31 * 86400e3)}' WHERE id = '${w.appt.other.id}'`);
    ({ events } = parseFeed(await w.as.front_desk.get(feed)));
    assert.ok(!(w.appt.other.id in events), 'dropped 31 days on');
    assert.ok(w.appt.harvest.id in events && w.appt.consult.id in events);
    const two = parseFeed(await w.as.front_desk.get(`/api/v1/patients/${w.pat.two.id}/calendar.ics`));
    assert.deepEqual(Object.keys(two.events), [], 'from the patient feed too');
  });
});

describe('feeds with --ical-patient-names', () => {
  let srv;
  let w;
  before(async () => {
    srv = await startServer({ args: ['--timezone', 'America/New_York', '--ical-patient-names'] });
    w = await setUp(srv);
  });
  after(async () => { await stopServer(srv); });

  test('a resource feed names the patient (commas, semicolons and emoji intact) and audits each patient shown', async () => {
    const tok = await w.as.admin.post(`/api/v1/resources/${w.res.doc.id}/feed-tokens`, { name: 'Desk screen' });
    assert.equal(tok.status, 201, tok.text);
    const r = await client(srv.base).get(tok.body.url);
    const { events } = parseFeed(r);
    assert.equal(events[w.appt.harvest.id].summary, `Booked: Harvest (bone marrow or fat) - ${GIVEN} ${FAMILY}`);
    assert.equal(events[w.appt.consult.id].summary, `Booked: Consultation - ${GIVEN} ${FAMILY}`);
    assert.match(events[w.appt.other.id].summary, /^Booked: Consultation - Alex [A-Za-z ]+ Second$/);
    assert.ok(!r.text.includes(w.pat.one.mrn), 'names, not MRNs');
    for (const p of [w.pat.one, w.pat.two]) {
      const log = await auditOf(w.as.admin, `patient_id=${p.id}&action=calendar.feed`);
      assert.equal(log.length, 1, `one record for ${p.family_name}`);
      assert.equal(log[0].resource_id, w.res.doc.id);
      assert.ok(log[0].detail.includes(tok.body.id));
    }
  });

  test('signed in, names need appointment.read too: every calendar reader has it; a researcher is still refused', async () => {
    const feed = `/api/v1/resources/${w.res.room.id}/calendar.ics`;
    const { events } = parseFeed(await w.as.front_desk.get(feed));
    assert.equal(events[w.appt.harvest.id].summary, `Booked: Harvest (bone marrow or fat) - ${GIVEN} ${FAMILY}`);
    assertProblem(await w.as.researcher.get(feed), 403);
  });
});
