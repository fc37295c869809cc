// The Schedule page (/schedule?resource=&date=&view=day|week): one resource's calendar (a
// clinician, nurse or room; the first clinician unless chosen) for a day or a week, with today,
// previous and next. Appointments are drawn in time columns with their type, patient and status;
// working hours are shaded and closures hatched with their reason. Times are the clock times in
// the API's strings (the clinic's zone). On a narrow screen (a phone) the days become a list.
// A user with appointment.write books from here (booking.js); each appointment opens with the
// moves its status allows.

import { get, latestOnly } from './api.js';
import { h, add, fill } from './dom.js';
import { problemBox } from './form.js';
import {
  appointmentTypes, resourceList, typeLabel, kindLabel, statusLabel, statusTag, dateOf, clockOf, minutesOf, hm,
  addDays, isDate, weekdayKey, mondayOf, dayText, clinicToday, patientsById, patientLabel, bookableTypes,
  rememberPatient,
} from './appts.js';
import { openBooking, openAppointment } from './booking.js';

// Pixels per minute: a day's column is wide enough for an appointment on one line; a week's
// columns are narrow, and a 20-minute visit needs three lines (time and status, type, patient).
const PX_PER_MIN = { day: 1.4, week: 2.2 };

// Positions are set through the CSSOM: the page's CSP refuses style attributes.
function styled(el, props) {
  for (const [k, v] of Object.entries(props)) el.style.setProperty(k, v);
  return el;
}
const NARROW = '(max-width: 760px)';
const KIND_ORDER = ['clinician', 'nurse', 'procedure_room', 'ultrasound_room', 'cell_processor'];

export async function scheduleView(ctx) {
  const { root, session } = ctx;
  ctx.title('Schedule');
  const heading = h('h1', { tabindex: '-1' }, 'Schedule');
  if (!session.can('calendar.read')) {
    add(root, heading, h('p', { class: 'muted', 'data-testid': 'no-schedule-access' }, 'Your role does not include the calendars.'));
    return;
  }
  const [types, resources, today] = await Promise.all([appointmentTypes(), resourceList(), clinicToday()]);
  if (!ctx.isCurrent()) return;
  const sorted = resources.slice().sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind)
    || a.name.localeCompare(b.name));
  const params = new URLSearchParams(location.search);
  const state = {
    resource: sorted.find((r) => r.id === params.get('resource')) || sorted.find((r) => r.kind === 'clinician') || sorted[0] || null,
    date: isDate(params.get('date')) ? params.get('date') : today,
    view: params.get('view') === 'week' ? 'week' : 'day',
  };
  const canBook = bookableTypes(session, types).length > 0 && sorted.length > 0;
  const bookButton = canBook ? h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'book-appointment' },
    'Book an appointment…') : null;
  add(root, h('div', { class: 'page-head page-head-wrap' }, heading, bookButton));
  if (!sorted.length) {
    add(root, h('div', { class: 'card empty', 'data-testid': 'no-resources' },
      h('h2', {}, 'No calendars yet'),
      h('p', {}, 'An administrator adds the clinicians, nurses and rooms with their working hours first.')));
    return;
  }

  const resourceSelect = h('select', { id: 'sched-resource', 'data-testid': 'schedule-resource' },
    KIND_ORDER.concat(sorted.map((r) => r.kind).filter((k) => !KIND_ORDER.includes(k)))
      .filter((k, i, all) => all.indexOf(k) === i && sorted.some((r) => r.kind === k))
      .map((k) => h('optgroup', { label: `${kindLabel(k)}s` },
        sorted.filter((r) => r.kind === k).map((r) => h('option', { value: r.id }, r.name)))));
  resourceSelect.value = state.resource.id;
  const viewButtons = ['day', 'week'].map((v) => h('button', { type: 'button', class: 'btn btn-small btn-quiet seg',
    'aria-pressed': String(state.view === v), 'data-testid': `view-${v}`, 'data-view': v }, v === 'day' ? 'Day' : 'Week'));
  const navButton = (text, testid, label, fn) => h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'data-testid': testid,
    'aria-label': label, on: { click: fn } }, text);
  const shiftBy = () => (state.view === 'week' ? 7 : 1);
  const rangeTitle = h('h2', { class: 'range-title', id: 'range-title', 'data-testid': 'range-title', 'aria-live': 'polite' });
  const status = h('p', { class: 'flash', role: 'status', tabindex: '-1', 'data-testid': 'schedule-status', hidden: true });
  const body = h('div', { class: 'schedule-body', 'data-testid': 'schedule-body' });
  const toolbar = h('div', { class: 'schedule-toolbar' },
    h('div', { class: 'field' }, h('label', { for: 'sched-resource' }, 'Calendar of'), resourceSelect),
    h('div', { class: 'seg-group', role: 'group', 'aria-label': 'Show' }, viewButtons),
    h('div', { class: 'day-nav', role: 'group', 'aria-label': 'Dates' },
      navButton('‹ Previous', 'prev', null, () => go(addDays(state.date, -shiftBy()))),
      navButton('Today', 'today', null, () => go(today)),
      navButton('Next ›', 'next', null, () => go(addDays(state.date, shiftBy())))));
  const legend = h('p', { class: 'cal-legend small muted' },
    h('span', { class: 'key key-work', 'aria-hidden': 'true' }), 'Working hours ',
    h('span', { class: 'key key-closed', 'aria-hidden': 'true' }), 'Closed ',
    h('span', { class: 'key key-off', 'aria-hidden': 'true' }), 'Not working');
  add(root, h('section', { class: 'card schedule', 'aria-labelledby': 'range-title', 'data-testid': 'schedule' },
    toolbar, rangeTitle, legend, status, body));

  resourceSelect.addEventListener('change', () => {
    state.resource = sorted.find((r) => r.id === resourceSelect.value) || state.resource;
    load();
  });
  for (const b of viewButtons) {
    b.addEventListener('click', () => {
      state.view = b.dataset.view;
      for (const x of viewButtons) x.setAttribute('aria-pressed', String(x === b));
      load();
    });
  }
  if (bookButton) {
    bookButton.addEventListener('click', () => openBooking(session, { resource: state.resource.id, from: state.date },
      (appt) => afterChange(`Booked: ${typeLabel(types, appt.type)} ${dayText(dateOf(appt.start))} ${clockOf(appt.start)}.`, appt)));
  }

  function go(date) {
    state.date = date;
    load();
  }

  const narrow = window.matchMedia(NARROW);
  let last = null; // the data last drawn, drawn again when the screen width crosses NARROW
  const redraw = () => {
    if (!ctx.isCurrent()) narrow.removeEventListener('change', redraw);
    else if (last) draw(last);
  };
  narrow.addEventListener('change', redraw);

  async function afterChange(text, appt) {
    if (appt && dateOf(appt.start) && (appt.resources || []).some((r) => r.id === state.resource.id)) state.date = dateOf(appt.start);
    await load();
    if (!ctx.isCurrent()) return;
    status.textContent = text;
    status.hidden = false;
    status.focus();
  }

  const latest = latestOnly(ctx);
  async function load() {
    const isLatest = latest();
    const days = state.view === 'week'
      ? Array.from({ length: 7 }, (_, i) => addDays(mondayOf(state.date), i)) : [state.date];
    const from = days[0];
    const to = days[days.length - 1];
    history.replaceState(null, '', `/schedule?${new URLSearchParams({ resource: state.resource.id, date: state.date, view: state.view })}`);
    fill(rangeTitle, `${state.resource.name}: `, state.view === 'week'
      ? `week of ${dayText(from)}` : dayText(from, { long: true }));
    status.hidden = true;
    body.setAttribute('aria-busy', 'true');
    if (!body.firstChild) fill(body, h('p', { class: 'loading' }, 'Loading the calendar…'));
    let appts;
    let closures;
    try {
      [appts, closures] = await Promise.all([
        get(`/api/v1/appointments?${new URLSearchParams({ resource: state.resource.id, from, to })}`).then((r) => r.body.items),
        get(`/api/v1/resources/${state.resource.id}/closures?${new URLSearchParams({ from, to, status: 'active' })}`)
          .then((r) => r.body.items),
      ]);
    } catch (e) {
      if (!isLatest()) return;
      body.removeAttribute('aria-busy');
      fill(body, problemBox(e));
      return;
    }
    // The list carries each patient's MRN and name: no read of each patient.
    for (const a of appts) rememberPatient(a.patient);
    const people = await patientsById(appts.map((a) => a.patient_id));
    if (!isLatest()) return;
    body.removeAttribute('aria-busy');
    last = { days, appts, closures, people };
    draw(last);
  }

  // ---- Drawing ----

  // The working intervals of resource r on day d, as [startMin, endMin].
  const hoursOn = (d) => ((state.resource.hours || {})[weekdayKey(d)] || []).map(([a, b]) => [minutesOf(`0000-00-00T${a}`), minutesOf(`0000-00-00T${b}`)]);
  // The part of closure c on day d as [startMin, endMin], or null.
  function closedOn(c, d) {
    const f = dateOf(c.from);
    const t = dateOf(c.to);
    if (f > d || t < d) return null;
    const a = f < d ? 0 : minutesOf(c.from);
    const b = t > d ? 1440 : minutesOf(c.to);
    return b > a ? [a, b] : null;
  }

  function draw({ days, appts, closures, people }) {
    const byDay = new Map(days.map((d) => [d, []]));
    for (const a of appts) byDay.get(dateOf(a.start))?.push(a);
    const total = appts.length;
    const empty = total ? null : h('p', { class: 'empty-inline', 'data-testid': 'schedule-empty' },
      state.view === 'week' ? 'No appointments this week.' : 'No appointments this day.');
    fill(body, empty, narrow.matches ? agenda(days, byDay, closures, people) : grid(days, byDay, closures, people));
  }

  function apptText(a, people) {
    const p = people[a.patient_id];
    return { who: p ? patientLabel(p) : 'Patient not shown', type: typeLabel(types, a.type), status: statusLabel(a.status) };
  }

  function apptButton(a, people, cls, style = {}) {
    const t = apptText(a, people);
    const b = h('button', { type: 'button', class: ['appt', `appt-${a.status}`, cls], 'data-testid': 'appt',
      'data-id': a.id, 'data-status': a.status, 'data-start': a.start,
      'aria-label': `${clockOf(a.start)} to ${clockOf(a.end)}, ${t.type}, ${t.who}, ${t.status}`,
      title: `${clockOf(a.start)}–${clockOf(a.end)} ${t.type}, ${t.who} (${t.status})` },
      // A week's narrow column shows the start (the block's height shows the length).
      h('span', { class: 'appt-line' }, h('span', { class: 'appt-time' },
        state.view === 'week' && !cls ? clockOf(a.start) : `${clockOf(a.start)}–${clockOf(a.end)}`), ' ',
        statusTag(a.status)),
      h('span', { class: 'appt-type' }, t.type),
      h('span', { class: 'appt-who', 'data-testid': 'appt-patient' }, t.who));
    b.addEventListener('click', () => openAppointment(session, a, (text, changed) => afterChange(text, changed)));
    return styled(b, style);
  }

  // The time columns: one per day, from the earliest working hour or appointment to the latest.
  function grid(days, byDay, closures, people) {
    let lo = 8 * 60;
    let hi = 17 * 60;
    for (const d of days) {
      for (const [a, b] of hoursOn(d)) { lo = Math.min(lo, a); hi = Math.max(hi, b); }
      for (const a of byDay.get(d)) {
        lo = Math.min(lo, minutesOf(a.start));
        hi = Math.max(hi, dateOf(a.end) > d ? 1440 : minutesOf(a.end));
      }
    }
    lo = Math.floor(lo / 60) * 60;
    hi = Math.min(1440, Math.ceil(hi / 60) * 60);
    const ppm = PX_PER_MIN[state.view];
    const height = (hi - lo) * ppm;
    const y = (m) => `${(Math.max(lo, Math.min(hi, m)) - lo) * ppm}px`;
    const span = (a, b) => ({ top: y(a), height: `${(Math.min(hi, b) - Math.max(lo, a)) * ppm}px` });
    const hours = [];
    for (let m = lo; m < hi; m += 60) hours.push(styled(h('span', { class: 'cal-hour' }, hm(m)), { top: y(m) }));
    const columns = days.map((d) => {
      const work = hoursOn(d);
      const shut = closures.map((c) => [c, closedOn(c, d)]).filter(([, s]) => s);
      const list = byDay.get(d).slice().sort((a, b) => a.start.localeCompare(b.start));
      // Lanes: an appointment that overlaps an earlier one (a cancelled one and the booking made
      // in its place) is drawn beside it.
      const lanes = [];
      const placed = list.map((a) => {
        const s = minutesOf(a.start);
        let lane = lanes.findIndex((end) => end <= s);
        if (lane < 0) { lane = lanes.length; lanes.push(0); }
        lanes[lane] = dateOf(a.end) > d ? 1440 : minutesOf(a.end);
        return [a, lane];
      });
      const n = Math.max(1, lanes.length);
      const today2 = d === today;
      return styled(h('div', { class: ['cal-col', today2 && 'is-today'], role: 'group', 'aria-label': dayText(d, { long: true }),
        'data-testid': 'cal-day', 'data-date': d },
        work.map(([a, b]) => styled(h('div', { class: 'cal-work', 'data-testid': 'cal-work',
          title: `Working ${hm(a)}–${hm(b)}` }), span(a, b))),
        work.length ? null : h('p', { class: 'cal-off' }, 'Not working'),
        shut.map(([c, [a, b]]) => styled(h('div', { class: 'cal-closed', 'data-testid': 'cal-closed' },
          h('span', {}, `Closed${a === 0 && b === 1440 ? '' : ` ${hm(a)}–${hm(b)}`}: ${c.reason}`)), span(a, b))),
        placed.map(([a, lane]) => {
          const s = minutesOf(a.start);
          const e = dateOf(a.end) > d ? 1440 : minutesOf(a.end);
          return apptButton(a, people, null,
            { ...span(s, e), left: `calc(${(lane * 100) / n}% + 2px)`, width: `calc(${100 / n}% - 4px)` });
        })), { height: `${height}px` });
    });
    const heads = days.map((d) => {
      const label = state.view === 'week' ? dayText(d, { year: false }) : dayText(d, { long: true });
      return h('div', { class: ['cal-head', d === today && 'is-today'] },
        state.view === 'week'
          ? h('button', { type: 'button', class: 'link-button', 'data-testid': 'open-day', 'aria-label': `Open ${dayText(d, { long: true })}`,
            on: { click: () => { state.view = 'day'; for (const x of viewButtons) x.setAttribute('aria-pressed', String(x.dataset.view === 'day')); go(d); } } },
          label) : label,
        h('span', { class: 'cal-hours-text' }, hoursText(d)));
    });
    return styled(h('div', { class: ['cal', `cal-${state.view}`], 'data-testid': 'calendar' },
      h('div', { class: 'cal-corner' }), heads,
      styled(h('div', { class: 'cal-gutter', 'aria-hidden': 'true' }, hours), { height: `${height}px` }),
      columns), { '--days': String(days.length), '--hour': `${60 * ppm}px` });
  }

  function hoursText(d) {
    const work = hoursOn(d);
    return work.length ? work.map(([a, b]) => `${hm(a)}–${hm(b)}`).join(', ') : 'Not working';
  }

  // A phone: each day as a heading, its hours and closures in words, its appointments as a list.
  function agenda(days, byDay, closures, people) {
    return h('div', { class: 'agenda', 'data-testid': 'agenda' }, days.map((d) => {
      const list = byDay.get(d).slice().sort((a, b) => a.start.localeCompare(b.start));
      const shut = closures.map((c) => [c, closedOn(c, d)]).filter(([, s]) => s);
      return h('section', { class: ['agenda-day', d === today && 'is-today'], 'data-testid': 'cal-day', 'data-date': d,
        'aria-label': dayText(d, { long: true }) },
      h('h3', {}, dayText(d, { long: true })),
      h('p', { class: 'small muted' }, hoursOn(d).length ? `Working ${hoursText(d)}` : 'Not working'),
      shut.map(([c, [a, b]]) => h('p', { class: 'agenda-closed', 'data-testid': 'cal-closed' },
        `Closed${a === 0 && b === 1440 ? ' all day' : ` ${hm(a)}–${hm(b)}`}: ${c.reason}`)),
      list.length ? h('ul', { class: 'agenda-list' }, list.map((a) => h('li', {}, apptButton(a, people, 'appt-row'))))
        : state.view === 'week' ? h('p', { class: 'small muted' }, 'No appointments.') : null);
    }));
  }

  await load();
}
