// A plan's appointments on the Treatment tab (treatment.js, steps.js): each step's appointments
// (from GET /api/v1/appointments?patient_id=, matched by plan_step_id; a missed one and a
// cancelled one marked so), a step's own Book… (the booking dialog with the patient, the type, the
// step and the plan's biologic), and the plan's series tools: "Book the series" (POST
// /plans/{id}/book, for appointment.schedule) with the steps that could not be placed on a 409,
// and "Move the series…" (POST /plans/{id}/shift {days, reason}) with the visits that would leave
// their window on a 409.

import { post } from './api.js';
import { h, fill } from './dom.js';
import { problemBox } from './form.js';
import { statusTag, whenText, dateOf, clockOf, dayText, LIVE, typeForStep, bookableTypes } from './appts.js';
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
  if (ended || !agreed || !env.session.can('appointment.schedule')) return box;
  const coming = pl.steps.some((s) => (byStep.get(s.id) || []).some((a) => a.status === 'booked' && Date.parse(a.start) > Date.now()));
  if (coming) tools.append(shiftTool(pl, env, result));
  if (!open.length) return box;
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
    const late = (r.body.overdue || []).length;
    const lateText = late ? ` ${late} step${late === 1 ? ' whose window has' : 's whose windows have'} closed ${late === 1 ? 'is' : 'are'} left for the work list.` : '';
    await env.changed((n ? `Series booked: ${n} appointment${n === 1 ? '' : 's'}, the first ${dayText(dateOf(first.start))}.`
      : 'Nothing to book: every step has its appointment.') + lateText);
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

// "Move the series…": every booked visit still to come by some days, same clock time, with a
// reason; a 409 names the visits that would leave their step's window (nothing moves).
function shiftTool(pl, env, result) {
  const wrap = h('span', { class: 'series-shift' });
  const open = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'shift-series',
    'aria-expanded': 'false' }, 'Move the series…');
  const days = h('input', { type: 'number', min: '-365', max: '365', step: '1', required: true,
    id: `shift-days-${pl.id}`, 'data-testid': 'shift-days', inputmode: 'numeric' });
  const reason = h('input', { type: 'text', maxlength: '500', required: true, id: `shift-reason-${pl.id}`,
    'data-testid': 'shift-reason' });
  const go = h('button', { type: 'submit', class: 'btn btn-small' }, 'Move');
  const form = h('form', { class: 'shift-form', hidden: true, 'data-testid': 'shift-form' },
    h('label', { for: days.id }, 'Days (negative: earlier)'), days,
    h('label', { for: reason.id }, 'Reason'), reason, go,
    h('span', { class: 'hint' }, 'Every booked visit still to come moves together, at the same time of day.'));
  open.addEventListener('click', () => {
    form.hidden = !form.hidden;
    open.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) days.focus();
  });
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { form.hidden = true; open.setAttribute('aria-expanded', 'false'); open.focus(); }
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const n = Number(days.value);
    if (!Number.isInteger(n) || n === 0 || !reason.value.trim()) {
      const box = h('div', { class: 'problem', role: 'alert', tabindex: '-1', 'data-testid': 'shift-problem' },
        !Number.isInteger(n) || n === 0 ? 'Give a whole number of days, not 0.' : 'Give the reason for the move.');
      fill(result, box);
      box.focus();
      return;
    }
    go.disabled = true;
    let r;
    try {
      r = await post(`/api/v1/plans/${pl.id}/shift`, { days: n, reason: reason.value.trim() });
    } catch (err) {
      go.disabled = false;
      if (!env.ctx.isCurrent()) return;
      const box = err.status === 409 && Array.isArray(err.problem?.blocked) ? blockedBox(pl, err) : problemBox(err);
      box.setAttribute('tabindex', '-1');
      fill(result, box);
      box.focus();
      return;
    }
    const k = r.body.items.length;
    await env.changed(`Series moved ${Math.abs(n)} day${Math.abs(n) === 1 ? '' : 's'} ${n > 0 ? 'later' : 'earlier'}: ${k} visit${k === 1 ? '' : 's'}.`);
  });
  wrap.append(open, form);
  return wrap;
}

// A 409 from moving the series: nothing moved; the visits that would leave their window.
function blockedBox(pl, e) {
  const byId = new Map(pl.steps.map((s) => [s.id, s]));
  return h('div', { class: 'problem', role: 'alert', 'data-testid': 'shift-blocked' },
    h('h2', {}, 'The series was not moved'),
    h('p', {}, 'Nothing was moved. These visits would leave their step\'s window or fall in the past:'),
    h('ul', {}, e.problem.blocked.map((b) => {
      const s = byId.get(b.step_id);
      return h('li', {}, s ? stepName(s, pl.steps) : b.kind, ` to ${dayText(dateOf(b.start))}, ${clockOf(b.start)}`,
        b.window_from ? `, window ${b.window_from} – ${b.window_to}` : '');
    })));
}
