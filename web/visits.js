// The Visits tab of the chart: the patient's appointments (GET /api/v1/appointments?patient_id=),
// the coming ones first and then the past, each opening with the moves its status allows
// (booking.js), and "Book an appointment…" with the patient filled in.

import { get } from './api.js';
import { h, add, stacked } from './dom.js';
import { listReloader } from './form.js';
import { appointmentTypes, typeLabel, statusTag, whenText, clinicToday, bookableTypes, dateOf } from './appts.js';
import { openBooking, openAppointment } from './booking.js';

export async function visitsTab(ctx, p) {
  const { root, session } = ctx;
  if (!session.can('appointment.read')) {
    add(root, h('section', { class: 'card', 'data-testid': 'visits-placeholder' }, h('h2', {}, 'Visits'),
      h('p', { class: 'muted' }, 'Your role does not include appointments.')));
    return;
  }
  const [types, today] = await Promise.all([appointmentTypes(), clinicToday()]);
  if (!ctx.isCurrent()) return;
  const status = h('p', { class: 'flash', role: 'status', tabindex: '-1', 'data-testid': 'visits-status', hidden: true });
  const list = h('div', { 'data-testid': 'visit-list' }, h('p', { class: 'loading' }, 'Loading…'));
  const tools = h('div', { class: 'card-tools' });
  add(root, h('section', { class: 'card', 'aria-labelledby': 'visits-heading', 'data-testid': 'visits' },
    h('h2', { id: 'visits-heading' }, 'Appointments'), status, list, tools));
  if (!p.archived && bookableTypes(session, types).length) {
    const b = h('button', { type: 'button', class: 'btn', 'data-testid': 'visits-book' }, 'Book an appointment…');
    b.addEventListener('click', () => openBooking(session, { patient: p },
      (appt) => changed(`Booked: ${typeLabel(types, appt.type)}, ${whenText(appt)}.`)));
    tools.append(b);
  }

  async function changed(text) {
    await load();
    if (!ctx.isCurrent()) return;
    status.textContent = text;
    status.hidden = false;
    status.focus();
  }

  function table(items, caption, testid) {
    return stacked(h('table', { class: 'data visits', 'data-testid': testid },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, ['When', 'Type', 'With', 'Status', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map((a) => {
        const open = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'data-testid': 'open-visit',
          'aria-label': `Open ${typeLabel(types, a.type)}, ${whenText(a)}` }, 'Open…');
        open.addEventListener('click', () => openAppointment(session, a, (text) => changed(text)));
        return h('tr', { 'data-testid': 'visit', 'data-id': a.id, 'data-status': a.status, class: a.status === 'cancelled' ? 'struck' : null },
          h('td', { class: 'mono' }, whenText(a)), h('td', {}, typeLabel(types, a.type)),
          h('td', {}, a.resources.map((r) => r.name).join(', ')), h('td', {}, statusTag(a.status)),
          h('td', { class: 'row-actions' }, open));
      }))));
  }

  // Coming visits first, soonest first; then past ones, latest first.
  const drawVisits = (items) => {
    const coming = items.filter((a) => dateOf(a.start) >= today).sort((x, y) => x.start.localeCompare(y.start));
    const past = items.filter((a) => dateOf(a.start) < today).sort((x, y) => y.start.localeCompare(x.start));
    return [
      h('h3', {}, 'Coming'),
      coming.length ? table(coming, 'Coming appointments', 'visits-coming')
        : h('p', { class: 'empty-inline', 'data-testid': 'no-coming' }, 'No appointments booked.'),
      past.length ? [h('h3', {}, 'Past'), table(past, 'Past appointments', 'visits-past')] : null,
    ];
  };
  const load = listReloader(ctx, list,
    async () => (await get(`/api/v1/appointments?patient_id=${p.id}`)).body.items, drawVisits);
  await load();
}
