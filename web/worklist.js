// The front desk's work list (/worklist?from=&to=, the next 14 days unless chosen; GET
// /api/v1/worklists/due): plan steps due with no appointment, those whose window has closed
// (overdue) apart, and the no-shows to call back, each with the patient's name, MRN and phone.
// The API lists the steps whose window meets the dates asked for, so the overdue steps and the
// no-shows are also asked for over the LOOKBACK days before today.
// "Book…" opens the booking dialog (booking.js) with the patient, the type and the plan step
// filled in, and the free times from the step's window.

import { get, latestOnly } from './api.js';
import { h, add, fill, link, stacked } from './dom.js';
import { field, errorSummary, showProblem, clearErrors, valueOf, problemBox } from './form.js';
import {
  appointmentTypes, typeLabel, typeForStep, bookableTypes, addDays, isDate, clinicToday, dayText, whenText, patientLabel,
} from './appts.js';
import { openBooking } from './booking.js';
import { STEP_KIND_LABELS } from './procedures.js';

const DAYS = 14;
const LOOKBACK = 60;

export async function worklistView(ctx) {
  const { root, session } = ctx;
  ctx.title('Work list');
  const heading = h('h1', { tabindex: '-1' }, 'Work list');
  if (!session.can('appointment.read')) {
    add(root, heading, h('p', { class: 'muted' }, 'Your role does not include appointments.'));
    return;
  }
  const [types, today] = await Promise.all([appointmentTypes(), clinicToday()]);
  if (!ctx.isCurrent()) return;
  const params = new URLSearchParams(location.search);
  const from = isDate(params.get('from')) ? params.get('from') : today;
  const to = isDate(params.get('to')) ? params.get('to') : addDays(from, DAYS - 1);
  const summary = errorSummary();
  const form = h('form', { class: 'range-form', novalidate: true, 'data-no-guard': true, 'data-testid': 'worklist-range' },
    summary,
    h('div', { class: 'range-row' },
      field({ label: 'From', name: 'from', value: from, hint: 'YYYY-MM-DD', inputmode: 'numeric', maxlength: 10, narrow: true }),
      field({ label: 'To', name: 'to', value: to, hint: 'at most 92 days', inputmode: 'numeric', maxlength: 10, narrow: true }),
      h('button', { type: 'submit', class: 'btn' }, 'Show')));
  const status = h('p', { class: 'flash', role: 'status', tabindex: '-1', 'data-testid': 'worklist-status', hidden: true });
  const dueBox = h('div', { 'data-testid': 'due-list' });
  const overdueBox = h('div', { 'data-testid': 'overdue-list' });
  const noShowBox = h('div', { 'data-testid': 'no-show-list' });
  add(root,
    h('div', { class: 'page-head' }, heading),
    h('p', { class: 'subtitle' }, 'Plan steps to book and patients to call back.'),
    h('section', { class: 'card', 'aria-label': 'Dates' }, form),
    status,
    h('section', { class: 'card', 'aria-labelledby': 'wl-due', 'data-testid': 'worklist-due' },
      h('h2', { id: 'wl-due' }, 'Due, not booked'),
      h('p', { class: 'hint section-hint' }, 'Steps of accepted plans whose window meets these dates and that have no appointment.'),
      dueBox),
    h('section', { class: 'card', 'aria-labelledby': 'wl-overdue', 'data-testid': 'worklist-overdue' },
      h('h2', { id: 'wl-overdue' }, 'Overdue'),
      h('p', { class: 'hint section-hint' }, `The window has closed without an appointment (in the last ${LOOKBACK} days or the dates shown): `
        + 'call the patient, and ask the clinician whether to book or skip the step.'),
      overdueBox),
    h('section', { class: 'card', 'aria-labelledby': 'wl-noshow', 'data-testid': 'worklist-no-shows' },
      h('h2', { id: 'wl-noshow' }, 'No-shows to call back'),
      h('p', { class: 'hint section-hint' }, `Missed appointments in the last ${LOOKBACK} days and the dates shown.`),
      noShowBox));

  const canBookType = (type) => type && bookableTypes(session, types).some((t) => t.id === type);

  function patientCell(p) {
    return h('td', {}, session.can('patient.read')
      ? link(`/patients/${p.id}/treatment`, patientLabel(p), { class: 'patient-link' }) : patientLabel(p),
    h('span', { class: 'sub mono' }, `MRN ${p.mrn}`));
  }

  // A step's Book… button: the booking dialog with the patient, type and step, and the free
  // times from the start of its window (today at the earliest).
  function bookStep(item) {
    const type = typeForStep(types, item.kind);
    if (!canBookType(type)) {
      return type ? h('span', { class: 'muted small' }, 'Booked by the front desk')
        : h('span', { class: 'muted small' }, 'Done within the draw or harvest visit');
    }
    const step = `${STEP_KIND_LABELS[item.kind] || item.kind}, due ${item.due_date} (window ${item.window_from} – ${item.window_to})`;
    const b = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'book-step',
      'aria-label': `Book ${step} for ${patientLabel(item.patient)}` }, 'Book…');
    b.addEventListener('click', async () => {
      b.disabled = true;
      let biologic = null;
      try {
        const t = types.items.find((x) => x.id === type);
        if (t && t.needs_for_biologic) biologic = (await get(`/api/v1/plans/${item.plan_id}`)).body.biologic;
        await openBooking(session, { patient: item.patient, type, biologic, plan_step_id: item.step_id, step_text: step,
          from: item.window_from }, (appt) => changed(`Booked ${patientLabel(item.patient)}: ${typeLabel(types, appt.type)}, ${whenText(appt)}.`));
      } catch (e) {
        fill(status, e.problem?.title || 'The booking could not be opened.');
        status.hidden = false;
      } finally {
        b.disabled = false;
      }
    });
    return b;
  }

  function stepTable(items, testid) {
    return stacked(h('table', { class: 'data worklist', 'data-testid': testid },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Patient'), h('th', { scope: 'col' }, 'Phone'), h('th', { scope: 'col' }, 'Step'),
        h('th', { scope: 'col' }, 'Due'), h('th', { scope: 'col' }, 'Window'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Action')))),
      h('tbody', {}, items.map((it) => h('tr', { 'data-testid': 'due-item', 'data-step': it.step_id, 'data-kind': it.kind },
        patientCell(it.patient),
        h('td', {}, it.patient.phone || h('span', { class: 'muted' }, 'none')),
        h('td', {}, STEP_KIND_LABELS[it.kind] || it.kind),
        h('td', { class: 'mono' }, it.due_date),
        h('td', { class: 'mono' }, `${it.window_from} – ${it.window_to}`),
        h('td', { class: 'row-actions' }, session.can('appointment.write') ? bookStep(it) : null))))));
  }

  function noShowTable(items) {
    return stacked(h('table', { class: 'data worklist', 'data-testid': 'no-show-table' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Patient'), h('th', { scope: 'col' }, 'Phone'), h('th', { scope: 'col' }, 'Missed'),
        h('th', { scope: 'col' }, 'With'))),
      h('tbody', {}, items.map((a) => h('tr', { 'data-testid': 'no-show-item', 'data-id': a.id },
        patientCell(a.patient),
        h('td', {}, a.patient.phone || h('span', { class: 'muted' }, 'none')),
        h('td', {}, `${typeLabel(types, a.type)}, ${whenText(a)}`),
        h('td', {}, a.resources.map((r) => r.name).join(', ')))))));
  }

  async function changed(text) {
    await load(valueOf(form, 'from'), valueOf(form, 'to'));
    if (!ctx.isCurrent()) return;
    status.textContent = text;
    status.hidden = false;
    status.focus();
  }

  const latest = latestOnly(ctx);
  async function load(a, b) {
    const isLatest = latest();
    clearErrors(form, summary);
    for (const box of [dueBox, overdueBox, noShowBox]) fill(box, h('p', { class: 'loading' }, 'Loading…'));
    let r;
    let past;
    try {
      [r, past] = await Promise.all([
        get(`/api/v1/worklists/due?${new URLSearchParams({ from: a, to: b })}`),
        get(`/api/v1/worklists/due?${new URLSearchParams({ from: addDays(today, -LOOKBACK), to: addDays(today, -1) })}`),
      ]);
    } catch (e) {
      if (!isLatest()) return;
      for (const box of [dueBox, overdueBox, noShowBox]) fill(box);
      if (e.status === 422) showProblem(form, summary, e);
      else fill(dueBox, problemBox(e));
      return;
    }
    if (!isLatest()) return;
    history.replaceState(null, '', `/worklist?${new URLSearchParams({ from: a, to: b })}`);
    const due = r.body.unbooked.filter((x) => !x.overdue);
    const once = (list, key) => [...new Map(list.map((x) => [x[key], x])).values()];
    const overdue = once([...past.body.unbooked, ...r.body.unbooked].filter((x) => x.overdue), 'step_id')
      .sort((x, y) => x.window_to.localeCompare(y.window_to));
    const noShows = once([...past.body.no_shows, ...r.body.no_shows], 'id').sort((x, y) => x.start.localeCompare(y.start));
    const range = `${dayText(r.body.from)} – ${dayText(r.body.to)}`;
    fill(dueBox, due.length ? stepTable(due, 'due-table')
      : h('p', { class: 'empty-inline', 'data-testid': 'nothing-due' }, `Nothing due ${range}.`));
    fill(overdueBox, overdue.length ? stepTable(overdue, 'overdue-table')
      : h('p', { class: 'empty-inline', 'data-testid': 'nothing-overdue' }, 'Nothing overdue.'));
    fill(noShowBox, noShows.length ? noShowTable(noShows)
      : h('p', { class: 'empty-inline', 'data-testid': 'no-no-shows' }, 'No missed appointments to call back.'));
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    status.hidden = true;
    load(valueOf(form, 'from'), valueOf(form, 'to'));
  });
  await load(from, to);
}
