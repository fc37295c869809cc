// Adverse events on the patient page (part of the Treatment section, treatment.js): the list with
// serious events flagged, the banner near the top of the page while any serious event is
// recorded, the form that records one, the same form to update it as it evolves (PATCH with
// If-Match: only what changed is sent), and "entered in error". An event may name the procedure
// it followed (procedure_id: one of the patient's procedures, not voided).
//
// Grades are CTCAE v5.0's (National Cancer Institute, 2017); seriousness follows ICH E2A.

import { post, patch } from './api.js';
import { h, fill, tag, todayText, stacked } from './dom.js';
import { field, radioGroup, errorSummary, showProblem, clearErrors, valueOf, busy, conflict } from './form.js';
import { procedureKindLabel, procedureFacts } from './procedures.js';

// CTCAE v5.0 general grade definitions.
export const GRADES = [
  [1, 'Mild', 'asymptomatic or mild symptoms; clinical or diagnostic observations only; intervention not indicated'],
  [2, 'Moderate', 'minimal, local or non-invasive intervention indicated; limiting age-appropriate instrumental activities of daily living'],
  [3, 'Severe', 'severe or medically significant but not immediately life-threatening; hospitalisation or its prolongation indicated; disabling; limiting self-care'],
  [4, 'Life-threatening', 'life-threatening consequences; urgent intervention indicated'],
  [5, 'Death', 'death related to the adverse event'],
];
export const gradeText = (g) => {
  const row = GRADES.find(([n]) => n === g);
  return row ? `Grade ${g}, ${row[1].toLowerCase()}` : `Grade ${g}`;
};
const gradeMeaning = (g) => (GRADES.find(([n]) => n === g) || [])[2] || '';

const CRITERIA = [
  ['death', 'Results in death'], ['life_threatening', 'Life-threatening'],
  ['hospitalisation', 'Requires or prolongs hospitalisation'], ['disability', 'Persistent or significant disability'],
  ['congenital_anomaly', 'Congenital anomaly or birth defect'], ['medically_important', 'Other medically important event'],
];
const RELATEDNESS = [['unrelated', 'Unrelated'], ['unlikely', 'Unlikely'], ['possible', 'Possible'],
  ['probable', 'Probable'], ['definite', 'Definite']];
const OUTCOMES = [['recovering', 'Recovering'], ['recovered', 'Recovered'], ['recovered_with_sequelae', 'Recovered with sequelae'],
  ['not_recovered', 'Not recovered'], ['fatal', 'Fatal']];
const label = (list, v) => (list.find(([k]) => k === v) || [v, String(v || '').replace(/_/g, ' ')])[1];
export const criterionText = (c) => label(CRITERIA, c);
export const outcomeText = (o) => label(OUTCOMES, o);

export const isSerious = (e) => e.serious === true && e.status !== 'entered_in_error';

// "Injection 2026-11-20": the procedure an event followed, as the list and the form name it.
const procedureName = (pr) => `${procedureKindLabel(pr.kind)} ${pr.performed_on}${pr.status === 'voided' ? ' (voided)' : ''}`;

// ---- The list -------------------------------------------------------------------------------------

// events: the patient's adverse events; procedures: the patient's procedures (those the events
// name); canWrite; toggle(tr, button, makeForm); changed(text).
export function eventTable(ctx, p, events, { procedures = [], canWrite, toggle, changed }) {
  if (!events.length) {
    return h('p', { class: 'empty-inline', 'data-testid': 'no-adverse-events' }, 'No adverse event is recorded.');
  }
  const items = events.slice().sort((a, b) => (b.onset_date || '').localeCompare(a.onset_date || '')
    || b.id.localeCompare(a.id));
  const byId = new Map(procedures.map((x) => [x.id, x]));
  const tbody = h('tbody');
  for (const e of items) {
    const wrong = e.status === 'entered_in_error';
    const after = e.procedure_id ? byId.get(e.procedure_id) : null;
    const tr = h('tr', { 'data-testid': 'ae-row', 'data-serious': String(e.serious), 'data-status': e.status,
      'data-grade': e.grade, class: [wrong && 'struck', isSerious(e) && 'serious'] },
      h('td', { class: 'mono' }, e.onset_date),
      h('td', {},
        h('span', { class: 'rec-name' }, e.term),
        e.serious ? tag(`serious: ${criterionText(e.serious_criteria).toLowerCase()}`, 'serious', { 'data-testid': 'serious-tag' }) : null,
        e.procedure_id ? h('span', { class: 'sub', 'data-testid': 'ae-procedure' }, 'After ', after
          ? [procedureKindLabel(after.kind).toLowerCase(), ' ', h('span', { class: 'nowrap' }, after.performed_on),
            after.status === 'voided' ? ' (voided)' : '']
          : 'a procedure not shown') : null,
        e.action ? h('span', { class: 'note' }, `Action: ${e.action}`) : null,
        wrong ? h('span', { class: 'note void-note', 'data-testid': 'void-reason' },
          `Entered in error${e.status_reason ? `: ${e.status_reason}` : ''}`) : null),
      h('td', { 'data-testid': 'ae-grade' }, h('span', { class: 'grade' }, gradeText(e.grade)),
        h('span', { class: 'sub' }, gradeMeaning(e.grade))),
      h('td', {}, label(RELATEDNESS, e.relatedness),
        h('span', { class: 'sub' }, e.expected === true ? 'expected' : e.expected === false ? 'unexpected' : '')),
      h('td', { 'data-testid': 'ae-outcome' }, label(OUTCOMES, e.outcome),
        e.resolved_date ? h('span', { class: 'sub' }, 'resolved ', h('span', { class: 'nowrap' }, e.resolved_date)) : null),
      h('td', { class: 'row-actions' }, wrong ? tag('entered in error', 'error') : null));
    tbody.append(tr);
    if (canWrite && !wrong) {
      const actions = tr.lastElementChild;
      const upd = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'aria-expanded': 'false',
        'data-testid': 'update-ae', 'aria-label': `Update ${e.term}` }, 'Update…');
      upd.addEventListener('click', () => toggle(tr, upd, (close) => eventForm(ctx, p, { event: e, procedures, close,
        onSaved: (saved) => changed(`${saved.term}: updated.`) })));
      const err = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'aria-expanded': 'false',
        'data-testid': 'ae-error', 'aria-label': `${e.term}: entered in error` }, 'Entered in error…');
      err.addEventListener('click', () => toggle(tr, err, (close) => errorForm(e, close, changed)));
      actions.append(upd, err);
    }
  }
  return stacked(h('table', { class: 'data adverse-events', 'data-testid': 'ae-table' },
    h('caption', { class: 'visually-hidden' }, 'Adverse events, newest onset first'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Onset'), h('th', { scope: 'col' }, 'Event'), h('th', { scope: 'col' }, 'CTCAE grade'),
      h('th', { scope: 'col' }, 'Related to treatment'), h('th', { scope: 'col' }, 'Outcome'),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, canWrite ? 'Status and actions' : 'Status')))),
    tbody));
}

// Marks an event entered in error (PATCH {status, status_reason} with If-Match).
function errorForm(e, close, changed) {
  const summary = errorSummary();
  const form = h('form', { class: 'inline-form', novalidate: true, 'data-testid': 'ae-error-form' },
    h('p', { class: 'inline-title' }, `${e.term}: entered in error`),
    summary,
    field({ label: 'Reason', name: 'status_reason', idSuffix: `-${e.id}`, required: true, wide: true, maxlength: 500,
      hint: 'The event stays in the list, struck through, with this reason.' }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-danger', 'data-testid': 'confirm-ae-error' }, 'Mark entered in error'),
      h('button', { type: 'button', class: 'btn btn-quiet', on: { click: close } }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    const body = { status: 'entered_in_error' };
    if (valueOf(form, 'status_reason')) body.status_reason = valueOf(form, 'status_reason');
    await busy(form, async () => {
      try {
        await patch(`/api/v1/adverse-events/${e.id}`, body, { ifMatch: e.version });
      } catch (err) {
        showProblem(form, summary, conflict(err, 'adverse event'));
        return;
      }
      await changed(`${e.term} marked entered in error.`);
    });
  });
  return form;
}

// ---- The form: record, or update as the event evolves --------------------------------------------

const yesNo = [['true', 'Yes'], ['false', 'No']];
const boolText = (b) => (b === true ? 'true' : b === false ? 'false' : undefined);

// The values on the form, in the API's types ('' and unanswered as null).
function formValues(form) {
  const radio = (name) => {
    const c = form.querySelector(`input[name="${name}"]:checked`);
    return c ? c.value : null;
  };
  const text = (name) => valueOf(form, name) || null;
  const grade = radio('grade');
  const serious = radio('serious');
  const expected = radio('expected');
  return {
    term: text('term'), onset_date: text('onset_date'), grade: grade === null ? null : Number(grade),
    serious: serious === null ? null : serious === 'true',
    serious_criteria: serious === 'true' ? text('serious_criteria') : null,
    relatedness: radio('relatedness'), expected: expected === null ? null : expected === 'true',
    action: text('action'), outcome: text('outcome'), resolved_date: text('resolved_date'),
    procedure_id: text('procedure_id'),
  };
}

// The choices of "After which procedure": the patient's procedures that are not voided, newest
// first, and the one the event names even if voided since (so that saving does not drop it).
function procedureChoices(procedures, current) {
  const shown = procedures.filter((x) => x.status !== 'voided' || x.id === current)
    .sort((a, b) => (b.performed_on || '').localeCompare(a.performed_on || '') || b.id.localeCompare(a.id));
  return [['', shown.length ? 'None, or not known' : 'No procedure recorded'],
    ...shown.map((x) => {
      const first = procedureFacts(x)[0];
      return [x.id, `${procedureName(x)}${first ? ` \u2014 ${first}` : ''}`];
    })];
}

// Redraws the procedure choices of an open form after the patient's procedures changed; what was
// chosen stays chosen while it is offered.
export function syncProcedureChoices(form, procedures) {
  const select = form.elements.namedItem('procedure_id');
  if (!select) return;
  const keep = select.value;
  const current = form.dataset.procedureId || '';
  fill(select, procedureChoices(procedures, current).map(([v, t]) => h('option', { value: v }, t)));
  select.value = [...select.options].some((o) => o.value === keep) ? keep : '';
}

// opts: {event (to update; none to record), procedures (the patient's), close, onSaved(saved)}.
export function eventForm(ctx, p, { event = null, procedures = [], close, onSaved }) {
  const e = event || {};
  const sfx = event ? `-ae-${event.id}` : '-ae';
  const summary = errorSummary();
  const meaning = h('p', { class: 'hint grade-meaning', 'aria-live': 'polite', 'data-testid': 'grade-meaning' });
  const grade = radioGroup({ legend: 'Grade', name: 'grade', hint: 'CTCAE v5.0: the highest grade the event reached.', idSuffix: sfx, required: true, testid: 'ae-grade-choice',
    value: e.grade ? String(e.grade) : undefined, class: 'field-wide',
    options: GRADES.map(([n, word]) => [String(n), `${n} ${word}`]) });
  grade.append(meaning);
  const criteria = field({ label: 'Seriousness criterion', name: 'serious_criteria', idSuffix: sfx, required: true, wide: true,
    choices: [['', 'Choose the criterion it meets…'], ...CRITERIA], value: e.serious_criteria || '' });
  const serious = radioGroup({ legend: 'Serious?', name: 'serious', idSuffix: sfx, required: true, options: yesNo, class: 'field-wide',
    value: boolText(e.serious), hint: 'Death, life-threatening, hospitalisation, disability, congenital anomaly, or otherwise medically important (ICH E2A).' });
  const form = h('form', { class: 'record-form ae-form', novalidate: true, 'data-testid': event ? 'update-ae-form' : 'ae-form',
    'aria-label': event ? `Update ${e.term}` : 'Record an adverse event', 'data-procedure-id': e.procedure_id || null },
    event ? h('p', { class: 'inline-title' }, `Update ${e.term}`) : h('h3', {}, 'Record an adverse event'),
    summary,
    h('div', { class: 'grid' },
      field({ label: 'Event', name: 'term', idSuffix: sfx, required: true, wide: true, maxlength: 200, value: e.term,
        hint: 'What happened, in clinical terms, e.g. pain and swelling at the injection site' }),
      field({ label: 'Onset', name: 'onset_date', idSuffix: sfx, required: true, narrow: true, value: e.onset_date || todayText(),
        hint: 'YYYY-MM-DD', placeholder: 'YYYY-MM-DD', inputmode: 'numeric', maxlength: 10 }),
      field({ label: 'After which procedure', name: 'procedure_id', idSuffix: sfx, wide: true,
        choices: procedureChoices(procedures, e.procedure_id), value: e.procedure_id || '',
        hint: 'The procedure it followed, if it followed one' }),
      grade, serious, criteria,
      radioGroup({ legend: 'Related to the treatment?', name: 'relatedness', idSuffix: sfx, required: true, options: RELATEDNESS,
        value: e.relatedness, class: 'field-wide' }),
      radioGroup({ legend: 'Expected?', name: 'expected', idSuffix: sfx, required: true, options: yesNo, value: boolText(e.expected),
        hint: 'Expected: listed among the risks in the consent document.' }),
      field({ label: 'Outcome', name: 'outcome', idSuffix: sfx, required: true, choices: [['', 'Choose…'], ...OUTCOMES],
        value: e.outcome || '' }),
      field({ label: 'Resolved on', name: 'resolved_date', idSuffix: sfx, narrow: true, value: e.resolved_date,
        hint: 'YYYY-MM-DD, once resolved', placeholder: 'YYYY-MM-DD', inputmode: 'numeric', maxlength: 10 }),
      field({ label: 'Action taken', name: 'action', idSuffix: sfx, type: 'textarea', rows: 2, maxlength: 1000, wide: true, value: e.action })),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': event ? 'save-ae-update' : 'save-ae' },
        event ? 'Save changes' : 'Record adverse event'),
      h('button', { type: 'button', class: 'btn btn-quiet', on: { click: close } }, event ? 'Cancel' : 'Close')));

  function showMeaning() {
    const g = Number((form.querySelector('input[name="grade"]:checked') || {}).value);
    meaning.textContent = g ? `${gradeText(g)}: ${gradeMeaning(g)}.` : '';
  }
  function showCriteria() {
    const yes = (form.querySelector('input[name="serious"]:checked') || {}).value === 'true';
    criteria.hidden = !yes;
  }
  grade.addEventListener('change', showMeaning);
  serious.addEventListener('change', showCriteria);
  showMeaning();
  showCriteria();

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    const values = formValues(form);
    let body;
    if (event) {
      body = {};
      for (const [k, v] of Object.entries(values)) if (v !== (e[k] ?? null)) body[k] = v;
      if (!Object.keys(body).length) {
        showProblem(form, summary, { problem: { title: 'Nothing changed', detail: 'Change a field, or cancel.' } });
        return;
      }
    } else {
      body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null));
    }
    await busy(form, async () => {
      let saved;
      try {
        saved = event
          ? (await patch(`/api/v1/adverse-events/${event.id}`, body, { ifMatch: event.version })).body
          : (await post(`/api/v1/patients/${p.id}/adverse-events`, body)).body;
      } catch (err) {
        if (!ctx.isCurrent()) return;
        showProblem(form, summary, conflict(err, 'adverse event'));
        return;
      }
      await onSaved(saved);
      if (!ctx.isCurrent() || event) return;
      form.reset();
      form.elements.namedItem('onset_date').value = todayText();
      showMeaning();
      showCriteria();
    });
  });
  return form;
}
