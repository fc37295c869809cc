// A plan's appointments on the Treatment tab (treatment.js, steps.js): each step's appointments
// (from GET /api/v1/appointments?patient_id=, matched by plan_step_id; a missed one and a
// cancelled one marked so), a step's own Book… (the booking dialog with the patient, the type, the
// step and the plan's biologic), and the plan's series tools: "Book the series" (POST
// /plans/{id}/book, for appointment.schedule) with the steps that could not be placed on a 409.
// The series tools keep a place (data-testid "series-tools") for further series actions.

import { post } from './api.js';
import { h, fill } from './dom.js';
import { problemBox } from './form.js';
import { statusTag, whenText, dateOf, dayText, LIVE, typeForStep, bookableTypes } from './appts.js';
import { stepName } from './procedures.js';

// Appointments by plan step id, each list by start.
export function appointmentsByStep(appts) {
  const out = new Map();
  for (const a of appts || []) {
    if (!a.plan_step_id) continue;
    if (!out.has(a.plan_step_id)) out.set(a.plan_step_id, []);
    out.get(a.plan_step_id).push(a);
  }
  for (const list of out.values()) list.sort((x, y) => x.start.localeCompare(y.start));
  return out;
}

// The lines a step shows for its appointments (null when it has none).
export function stepAppointments(list) {
  if (!list || !list.length) return null;
  return h('span', { class: 'step-appts', 'data-testid': 'step-appointments' }, list.map((a) =>
    h('span', { class: ['line', 'step-appt', `step-appt-${a.status}`], 'data-testid': 'step-appointment',
      'data-status': a.status, 'data-id': a.id },
    statusTag(a.status), ' ', h('span', { class: 'appt-when' }, whenText(a)),
    a.resources && a.resources.length ? h('span', { class: 'muted' }, ` · ${a.resources.map((r) => r.name).join(', ')}`) : null,
    a.status === 'cancelled' && a.reason ? h('span', { class: 'muted' }, ` · ${a.reason}`) : null)));
}

// A step's Book… button, or null: for a step of an accepted or running plan still to be done
// with no live appointment, of a type the user may book. env.bookStep(pl, s) opens the dialog;
// env.apptTypes are the appointment types.
export function bookStepButton(pl, s, env) {
  if (!env.bookStep || !env.apptTypes || !env.apptsByStep) return null;
  if (!(pl.status === 'accepted' || pl.status === 'in_progress') || s.optional) return null;
  if (s.status !== 'planned' && s.status !== 'overdue') return null;
  if ((env.apptsByStep.get(s.id) || []).some((a) => LIVE.has(a.status))) return null;
  const type = typeForStep(env.apptTypes, s.kind);
  if (!type || !bookableTypes(env.session, env.apptTypes).some((t) => t.id === type)) return null;
  const name = stepName(s, pl.steps);
  const b = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'book-step',
    'aria-label': `Book ${name.toLowerCase()}` }, 'Book…');
  b.addEventListener('click', () => env.bookStep(pl, s, name));
  return b;
}

// The planned steps of pl with no live appointment (that "Book the series" would book).
export function unbookedSteps(pl, byStep) {
  return pl.steps.filter((s) => s.status === 'planned' && !s.optional && s.kind !== 'processing'
    && !(byStep.get(s.id) || []).some((a) => LIVE.has(a.status)));
}

// The series part of a plan: how many steps are booked, "Book the series" for users with
// appointment.schedule while steps are unbooked, and the answer. env: {session, changed(text),
// ctx}; ended: the plan has ended.
export function seriesTools(pl, byStep, env, ended) {
  const steps = pl.steps.filter((s) => !s.optional && s.kind !== 'processing'
    && (s.status === 'planned' || s.status === 'overdue' || byStep.has(s.id)));
  const booked = steps.filter((s) => (byStep.get(s.id) || []).some((a) => LIVE.has(a.status))).length;
  const open = unbookedSteps(pl, byStep);
  const result = h('div', { class: 'series-result', 'data-testid': 'series-result' });
  const tools = h('div', { class: 'series-tools', 'data-testid': 'series-tools' });
  const box = h('div', { class: 'appt-series', 'data-testid': 'series' },
    h('p', { class: 'series-count', 'data-testid': 'series-count' },
      `Appointments: ${booked} of ${steps.length} steps booked`, open.length && !ended ? `; ${open.length} to book` : ''),
    tools, result);
  // A proposed plan is not booked until it is accepted.
  const agreed = pl.status === 'accepted' || pl.status === 'in_progress';
  if (ended || !agreed || !open.length || !env.session.can('appointment.schedule')) return box;
  const b = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'book-series',
    'aria-describedby': `series-hint-${pl.id}` }, 'Book the series');
  tools.append(b, h('span', { class: 'hint', id: `series-hint-${pl.id}` },
    'Each unbooked step at the first free time in its window, in order; all or none.'));
  b.addEventListener('click', async () => {
    b.disabled = true;
    fill(result, h('p', { class: 'loading' }, 'Booking the series…'));
    let r;
    try {
      r = await post(`/api/v1/plans/${pl.id}/book`, {});
    } catch (e) {
      b.disabled = false;
      if (!env.ctx.isCurrent()) return;
      const box2 = e.status === 409 && Array.isArray(e.problem?.unplaced) ? unplacedBox(pl, e) : problemBox(e);
      box2.setAttribute('tabindex', '-1');
      fill(result, box2);
      box2.focus();
      return;
    }
    const n = r.body.items.length;
    const first = r.body.items[0];
    await env.changed(n ? `Series booked: ${n} appointment${n === 1 ? '' : 's'}, the first ${dayText(dateOf(first.start))}.`
      : 'Nothing to book: every step has its appointment.');
  });
  return box;
}

// A 409 from the series booking: nothing was booked; the steps without a free time are named.
function unplacedBox(pl, e) {
  const byId = new Map(pl.steps.map((s) => [s.id, s]));
  return h('div', { class: 'problem', role: 'alert', 'data-testid': 'unplaced' },
    h('h2', {}, 'The series could not be booked'),
    h('p', {}, 'Nothing was booked. These steps have no free time inside their window after the steps before them:'),
    h('ul', {}, e.problem.unplaced.map((u) => {
      const s = byId.get(u.step_id);
      return h('li', { 'data-testid': 'unplaced-step' }, s ? stepName(s, pl.steps) : u.kind,
        `, window ${u.window_from} – ${u.window_to}`);
    })),
    h('p', {}, 'Book those steps one at a time from the work list, or ask an administrator about working hours.'));
}
