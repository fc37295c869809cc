// What the scheduling screens share: the appointment types and resources (fetched once per page
// load), dates and clock times read straight from the API's RFC 3339 strings (they carry the
// clinic's offset, so the wall-clock time is the text itself: never converted with the browser's
// zone), day arithmetic on YYYY-MM-DD, the clinic's today, status words, and patient names by id
// (each a read of the patient, audited by the server; kept for the page load).

import { get, cached } from './api.js';
import { tag } from './dom.js';

export const appointmentTypes = (() => {
  let promise = null;
  return () => {
    if (!promise) {
      promise = get('/api/v1/appointment-types').then((r) => r.body).catch((e) => {
        promise = null;
        throw e;
      });
    }
    return promise;
  };
})();
export const biologics = cached('/api/v1/biologics');
export const resourceList = cached('/api/v1/resources?active=true');

export const KIND_LABELS = {
  clinician: 'Clinician', nurse: 'Nurse', procedure_room: 'Procedure room', ultrasound_room: 'Ultrasound room',
  cell_processor: 'Cell processor',
};
export const kindLabel = (k) => KIND_LABELS[k] || String(k || '').replace(/_/g, ' ');

export const STATUS_LABELS = {
  booked: 'booked', arrived: 'arrived', completed: 'completed', cancelled: 'cancelled', no_show: 'missed (no-show)',
};
export const statusLabel = (s) => STATUS_LABELS[s] || String(s || '').replace(/_/g, ' ');
export const statusTag = (s, attrs = {}) => tag(statusLabel(s), `appt-${s}`, { 'data-testid': 'appt-status', ...attrs });
// Statuses that hold the time (core/appointment.c appt_holds_time).
export const LIVE = new Set(['booked', 'arrived', 'completed']);

// ---- Dates and times from the API's strings ----

// "2027-01-04T09:00:00-05:00" -> "2027-01-04" and "09:00"; minutes since midnight.
export const dateOf = (s) => String(s || '').slice(0, 10);
export const clockOf = (s) => String(s || '').slice(11, 16);
export const minutesOf = (s) => Number(String(s).slice(11, 13)) * 60 + Number(String(s).slice(14, 16));
export const hm = (minutes) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

function utc(d) {
  const [y, m, day] = d.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, day));
}
export function addDays(d, n) {
  const t = utc(d);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}
export const isDate = (d) => /^\d{4}-\d{2}-\d{2}$/.test(d || '') && !Number.isNaN(utc(d).getTime())
  && utc(d).toISOString().slice(0, 10) === d;
const WEEKDAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
export const weekdayKey = (d) => WEEKDAY_KEYS[utc(d).getUTCDay()];
// The Monday of d's week.
export const mondayOf = (d) => addDays(d, -((utc(d).getUTCDay() + 6) % 7));
// "Mon 4 Jan 2027" (and without the year when short).
export function dayText(d, { year = true, long = false } = {}) {
  return utc(d).toLocaleDateString('en-GB', { timeZone: 'UTC', weekday: long ? 'long' : 'short', day: 'numeric',
    month: long ? 'long' : 'short', year: year ? 'numeric' : undefined });
}
// "Mon 4 Jan 2027, 09:00–09:30"
export const whenText = (a) => `${dayText(dateOf(a.start))}, ${clockOf(a.start)}–${clockOf(a.end)}`;

// The clinic's today. GET /api/v1/me names the clinic's zone (clinic.time_zone); the date in that
// zone comes from the browser's clock through Intl, not from the browser's own zone (a page left
// open past midnight moves on). Falls back to the browser's date when the zone cannot be read.
let zonePromise = null;
export async function clinicToday() {
  const browser = () => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  };
  if (!zonePromise) {
    zonePromise = get('/api/v1/me').then((r) => r.body.clinic?.time_zone || null).catch(() => null);
  }
  const zone = await zonePromise;
  if (!zone) return browser();
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .format(new Date());
  } catch {
    return browser();
  }
}

// ---- Patients by id ----

const names = new Map();
export const patientLabel = (p) => `${p.family_name}, ${p.given_name}`;
// The patients with these ids ({id: patient}); one read each of those not remembered (an
// appointment list carries its patients: rememberPatient), kept for the page load. A patient that
// cannot be read is left out.
export async function patientsById(ids) {
  const missing = [...new Set(ids)].filter((id) => id && !names.has(id));
  await Promise.all(missing.map((id) => get(`/api/v1/patients/${id}`)
    .then((r) => names.set(id, r.body)).catch(() => {})));
  return Object.fromEntries([...new Set(ids)].filter((id) => names.has(id)).map((id) => [id, names.get(id)]));
}
export function rememberPatient(p) {
  if (p && p.id) names.set(p.id, p);
}

// ---- Types ----

// The type's label; its needs for biologic bio as [[kinds]] (one resource of any of the kinds each).
export const typeLabel = (types, id) => (types.items.find((t) => t.id === id) || {}).label || String(id || '').replace(/_/g, ' ');
export function needsOf(type, bio) {
  if (!type) return [];
  const extra = (type.needs_for_biologic && bio && type.needs_for_biologic[bio]) || [];
  return [...type.needs, ...extra];
}
// The types a user may book: all with appointment.schedule, otherwise the follow-ups only.
export function bookableTypes(session, types) {
  if (!session.can('appointment.write')) return [];
  return session.can('appointment.schedule') ? types.items : types.items.filter((t) => t.id === 'follow_up');
}
// The type a plan step's kind is booked as, or null (processing is part of the draw or harvest).
export const typeForStep = (types, kind) => (types.step_kinds || {})[kind] || null;
