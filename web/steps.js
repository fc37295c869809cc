// A plan's steps on the patient page (part of the Treatment section, treatment.js): each with its
// due date, window, status and what fulfilled it; Record… (a procedure), Done (a visit without a
// procedure) and Skip…; optional steps (the BMAC repeat) marked as such and taken up by a
// clinician; and the form that adds a step beyond the protocol's (a repeat injection), with its
// reason shown on the step.

import { post } from './api.js';
import { h, tag, todayText } from './dom.js';
import { field, valueOf, problemBox, conflict } from './form.js';
import { stepName, isOpenStep, planUnderWay, mayRecordKind, procedureLine, PROCEDURE_KINDS, STEP_KIND_LABELS } from './procedures.js';
import { toggleBelow, openButton, smallForm, dateField } from './inline.js';
import { stepAppointments, bookStepButton } from './series.js';

export const ENDED = new Set(['declined', 'completed', 'stopped']);
export const planStatusText = (s) => String(s || '').replace(/_/g, ' ');
const INSTRUMENTS = { nrs: 'NRS', dn4: 'DN4', 'dn4-interview': 'DN4-interview', 'mnsi-history': 'MNSI history',
  'mnsi-exam': 'MNSI exam', pgic: 'PGIC', tcns: 'TCNS', 'rand-36': 'RAND-36' };
const instrumentName = (id) => INSTRUMENTS[id] || id;

// The kinds a step may be added as, the usual one first (step_kinds in core/treatment.c also
// has consultation and work-up, which are not repeated).
const ADDED_KINDS = ['injection', 'blood_draw', 'harvest', 'processing', 'follow_up'];

// env: {session, state: {procedures}, canPlan, canRecord, changed(text): the list is read again
// and text announced, openProcedure({plan, kind, step}): the procedure form for a step,
// apptsByStep: Map step id -> its appointments (series.js), when the role reads appointments;
// apptTypes and bookStep(pl, step, name), when the role books}.
export function stepsView(pl, env) {
  const done = new Map(env.state.procedures.filter((x) => x.status !== 'voided' && x.step_id).map((x) => [x.step_id, x]));
  const steps = pl.steps.slice().sort((a, b) => (a.due_date || '').localeCompare(b.due_date || '') || a.seq - b.seq);
  const open = steps.filter(isOpenStep).length;
  const overdue = steps.filter((s) => s.status === 'overdue').length;
  const list = h('ol', { class: 'steps', 'data-testid': 'plan-steps' }, steps.map((s) => stepView(pl, s, done.get(s.id), env)));
  const summaryText = `Steps: ${steps.length - open} of ${steps.length} done or skipped`
    + (ENDED.has(pl.status) ? (open ? `; ${open} not done, the plan is ${planStatusText(pl.status)}` : '')
      : overdue ? `, ${overdue} overdue` : '');
  return h('details', { class: 'plan-steps', open: !ENDED.has(pl.status) },
    h('summary', {}, summaryText), list);
}

// A step of an ended plan that was never done is shown as "not done", not overdue (the server
// skips them when a plan ends; plans that ended before it did keep them planned). An optional
// step is not part of the plan until taken up: it offers Take up and Skip, not Record or Done.
function stepView(pl, s, procedure, env) {
  const shown = ENDED.has(pl.status) && isOpenStep(s) ? 'not_done' : s.status;
  const overdue = shown === 'overdue';
  const offered = s.optional && isOpenStep(s) && !ENDED.has(pl.status);
  const li = h('li', { class: ['step', `step-${shown}`, s.optional && 'step-optional'], 'data-testid': 'plan-step',
    'data-kind': s.kind, 'data-status': s.status, 'data-seq': s.seq, 'data-optional': String(!!s.optional) },
    h('span', { class: 'step-name' }, stepName(s, pl.steps),
      s.optional ? [' ', tag('optional', 'optional', { 'data-testid': 'step-optional' })] : null,
      s.added_reason ? [' ', tag('added', 'added', { title: 'Added to the protocol\u2019s steps' })] : null,
      (s.instruments || []).length ? h('span', { class: 'sub' }, s.instruments.map(instrumentName).join(', ')) : null),
    h('span', { class: 'step-when' },
      h('span', { class: 'step-due', 'data-testid': 'step-due' }, 'Due ', h('span', { class: 'mono' }, s.due_date)),
      h('span', { class: 'step-window', 'data-testid': 'step-window' }, 'window ',
        h('span', { class: 'mono' }, `${s.window_from} – ${s.window_to}`))),
    h('span', { class: 'step-status' }, tag(planStatusText(shown), `step-${shown}`, { 'data-testid': 'step-status',
      title: overdue ? 'Still planned, and its window has closed' : null })),
    h('span', { class: 'step-what', 'data-testid': 'step-what' },
      procedure ? h('span', { class: 'line' }, procedureLine(procedure)) : null,
      env.apptsByStep ? stepAppointments(env.apptsByStep.get(s.id)) : null,
      s.added_reason ? h('span', { class: 'line', 'data-testid': 'step-added' }, `Added: ${s.added_reason}`) : null,
      offered ? h('span', { class: 'muted' }, 'Not planned unless a clinician takes it up') : null,
      s.status === 'skipped' && s.status_reason ? `Skipped: ${s.status_reason}` : null));
  const actions = h('span', { class: 'step-actions' });
  li.append(actions);
  if (!isOpenStep(s) || ENDED.has(pl.status)) return li;
  const name = stepName(s, pl.steps);
  if (s.optional) {
    if (env.canPlan) actions.append(takeUpButton(pl, s, li, env));
  } else {
    const isProcedure = PROCEDURE_KINDS.some(([k]) => k === s.kind);
    const book = bookStepButton(pl, s, env);
    if (book) actions.append(book);
    if (env.canRecord && isProcedure && planUnderWay(pl) && mayRecordKind(env.session, s.kind)) {
      const rec = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'record-step',
        'aria-label': `Record ${name.toLowerCase()}` }, 'Record…');
      rec.addEventListener('click', () => env.openProcedure({ plan: pl.id, kind: s.kind, step: s.id }));
      actions.append(rec);
    }
    // A consultation, work-up or follow-up has no procedure: it is marked done when it took place,
    // once its window has opened (the server refuses it earlier).
    if (env.canRecord && !isProcedure && s.window_from <= todayText()) {
      const done = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'step-done',
        'aria-label': `${name} took place` }, 'Done');
      done.addEventListener('click', () => stepPost(`/api/v1/plan-steps/${s.id}/done`, s, done, li, env, `${name} marked done.`));
      actions.append(done);
    }
  }
  if (env.canPlan) actions.append(skipButton(pl, s, li, env));
  return li;
}

// POSTs to a step's action with If-Match; a refusal shows in the step's row.
async function stepPost(path, s, button, li, env, text) {
  button.disabled = true;
  try {
    await post(path, {}, { ifMatch: s.version });
  } catch (e) {
    button.disabled = false;
    if (!env.ctx.isCurrent()) return;
    const box = problemBox(conflict(e, 'step'));
    box.setAttribute('tabindex', '-1');
    li.querySelector('.step-what').replaceChildren(box);
    box.focus();
    return;
  }
  await env.changed(text);
}

// Take up: the server takes up the optional steps due the same day with it (the repeat harvest,
// processing and injection go together); the message names them.
function takeUpButton(pl, s, li, env) {
  const name = stepName(s, pl.steps);
  const withIt = pl.steps.filter((o) => o.id !== s.id && o.optional && isOpenStep(o) && o.due_date === s.due_date)
    .sort((a, b) => a.seq - b.seq).map((o) => stepName(o, pl.steps).toLowerCase());
  const b = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'take-up-step',
    'aria-label': `Take up ${name.toLowerCase()}${withIt.length ? `, with ${withIt.join(' and ')}` : ''}`,
    title: withIt.length ? `Takes up ${withIt.join(' and ')} too: due the same day` : null }, 'Take up');
  const text = `${name} taken up${withIt.length ? `, with ${withIt.join(' and ')}` : ''}: now part of the plan.`;
  b.addEventListener('click', () => stepPost(`/api/v1/plan-steps/${s.id}/accept`, s, b, li, env, text));
  return b;
}

function skipButton(pl, s, li, env) {
  const name = stepName(s, pl.steps);
  const skip = openButton('Skip…', 'skip-step', { 'aria-label': `Skip ${name.toLowerCase()}` });
  skip.addEventListener('click', () => toggleBelow(li, skip, (close) => smallForm({
    testid: 'skip-form', title: `Skip ${name.toLowerCase()} due ${s.due_date}`, close,
    confirm: 'Skip step', confirmTestid: 'confirm-skip',
    fields: [field({ label: 'Reason', name: 'reason', idSuffix: `-skip-${s.id}`, required: true, wide: true, maxlength: 500 })],
    submit: async (form) => {
      const body = valueOf(form, 'reason') ? { reason: valueOf(form, 'reason') } : {};
      await post(`/api/v1/plan-steps/${s.id}/skip`, body, { ifMatch: s.version }).catch((e) => { throw conflict(e, 'step'); });
      await env.changed(`${name} skipped.`);
    },
  })));
  return skip;
}

// The whole number typed, or the text itself (so that the server names the problem).
function daysFrom(text) {
  return /^\d+$/.test(text) ? Number(text) : text;
}

// "Add a step…": a step beyond the protocol's (POST /plans/{id}/steps), due like any other.
export function addStepForm(pl, title, close, env) {
  const sfx = `-add-${pl.id}`;
  const kind = field({ label: 'Step', name: 'kind', idSuffix: sfx, required: true,
    choices: ADDED_KINDS.map((k) => [k, STEP_KIND_LABELS[k]]), value: 'injection' });
  const days = field({ label: 'Window (± days)', name: 'window_days', idSuffix: sfx, value: '7', inputmode: 'numeric',
    maxlength: 2, narrow: true, hint: 'Days either side of the due date, 0 to 60' });
  return smallForm({
    testid: 'add-step-form', title: `Add a step to ${title}`, close, confirm: 'Add step', confirmTestid: 'save-step',
    fields: [kind,
      dateField('due_date', 'Due on', sfx, '', `YYYY-MM-DD, from the plan's start (${pl.start_date})`),
      days,
      field({ label: 'Reason', name: 'reason', idSuffix: sfx, type: 'textarea', rows: 2, required: true, wide: true, maxlength: 500,
        hint: 'Why the protocol\u2019s steps are not enough, e.g. partial response at 3 months, a fourth injection agreed' })],
    submit: async (form) => {
      const body = { kind: valueOf(form, 'kind') };
      for (const k of ['due_date', 'reason']) if (valueOf(form, k)) body[k] = valueOf(form, k);
      if (valueOf(form, 'window_days')) body.window_days = daysFrom(valueOf(form, 'window_days'));
      const r = await post(`/api/v1/plans/${pl.id}/steps`, body);
      close();
      await env.changed(`${STEP_KIND_LABELS[r.body.kind] || r.body.kind} added, due ${r.body.due_date}.`);
    },
  });
}
