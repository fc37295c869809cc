// Form building blocks and the display of API validation errors. A control's id and name equal
// the JSON path the API reports (birth_date, address.city, sites), so each error in a 422
// answer lands next to its field; a summary with role="alert" heads the form.

import { h, fill, highlight } from './dom.js';
import { post, latestOnly } from './api.js';
import { markUnsaved } from './guard.js';

// One labelled control with a hint and an error slot.
// opts: {label, name, type, value, hint, required, choices: [[value, text]], autocomplete,
//        inputmode, placeholder, maxlength, rows, idSuffix}
export function field(opts) {
  const id = opts.name + (opts.idSuffix || '');
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  let control;
  if (opts.choices) {
    control = h('select', { id, name: opts.name, 'aria-required': opts.required ? 'true' : null });
    for (const [value, text] of opts.choices) {
      control.append(h('option', { value, props: { selected: value === (opts.value ?? '') } }, text));
    }
  } else if (opts.type === 'textarea') {
    control = h('textarea', { id, name: opts.name, rows: opts.rows || 3, maxlength: opts.maxlength });
    control.value = opts.value ?? '';
  } else {
    control = h('input', {
      id, name: opts.name, type: opts.type || 'text', autocomplete: opts.autocomplete || 'off',
      inputmode: opts.inputmode, placeholder: opts.placeholder, maxlength: opts.maxlength,
      spellcheck: opts.spellcheck === false ? 'false' : null,
      'aria-required': opts.required ? 'true' : null,
    });
    control.value = opts.value ?? '';
  }
  control.setAttribute('aria-describedby', opts.hint ? `${hintId} ${errorId}` : errorId);
  return h('div', { class: ['field', opts.wide && 'field-wide', opts.narrow && 'field-narrow'],
    'data-path': opts.name },
    h('label', { for: id }, opts.label, opts.required ? h('span', { class: 'req' }, ' (required)') : null),
    opts.hint ? h('p', { class: 'hint', id: hintId }, opts.hint) : null,
    h('p', { class: 'field-error', id: errorId, 'data-testid': `error-${opts.name}`, hidden: true }),
    control);
}

// A checkbox with its label on the right.
export function checkbox({ name, value, label, checked, idSuffix = '' }) {
  const id = `${name}${value ? `-${value}` : ''}${idSuffix}`;
  return h('div', { class: 'check' },
    h('input', { type: 'checkbox', id, name, value: value || 'true', props: { checked: !!checked } }),
    h('label', { for: id }, label));
}

// A group of radio buttons reported as one path (e.g. "side"): a fieldset with a legend, a hint,
// an error slot and one labelled radio per option. opts: {legend, name, idSuffix, options:
// [[value, text]], value, hint, required, testid}.
export function radioGroup(opts) {
  const base = opts.name + (opts.idSuffix || '');
  const errorId = `${base}-error`;
  const hintId = `${base}-hint`;
  return h('fieldset', { class: ['field', 'choice-item', opts.class], 'data-path': opts.name, id: base, tabindex: '-1',
    'aria-describedby': opts.hint ? `${hintId} ${errorId}` : errorId, 'data-testid': opts.testid },
    h('legend', {}, opts.legend, opts.required ? h('span', { class: 'req' }, ' (required)') : null,
      opts.question ? h('span', { class: 'opt' }, opts.question) : null),
    opts.hint ? h('p', { class: 'hint', id: hintId }, opts.hint) : null,
    h('p', { class: 'field-error', id: errorId, 'data-testid': `error-${opts.name}`, hidden: true }),
    h('div', { class: 'choices' }, opts.options.map(([value, text]) => {
      const id = `${base}-${String(value).replace(/[^A-Za-z0-9_-]/g, '_')}`;
      return h('label', { class: 'choice', for: id },
        h('input', { type: 'radio', id, name: opts.name, value, props: { checked: opts.value === value } }),
        h('span', {}, text));
    })));
}

// A group of checkboxes reported as one path (e.g. "sites", errors "sites[1]").
export function checkGroup({ legend, name, hint, boxes }) {
  const errorId = `${name}-error`;
  const hintId = `${name}-hint`;
  return h('fieldset', { class: 'field check-group', 'data-path': name, id: name, tabindex: '-1',
    'aria-describedby': hint ? `${hintId} ${errorId}` : errorId },
    h('legend', {}, legend),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h('p', { class: 'field-error', id: errorId, 'data-testid': `error-${name}`, hidden: true }),
    h('div', { class: 'check-grid' }, boxes));
}

// The alert region that heads every form.
export function errorSummary() {
  return h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', 'data-testid': 'form-alert',
    hidden: true });
}

// "sites[2]" -> "sites"; "address.city" stays.
function fieldPath(path) {
  return String(path || '').replace(/\[\d+\]$/, '');
}

// The label's own words, without markers such as " (required)" or " (optional)".
function labelOf(wrapper) {
  const l = wrapper.querySelector('label, legend');
  if (!l) return wrapper.dataset.path;
  const copy = l.cloneNode(true);
  copy.querySelectorAll('.req, .opt').forEach((m) => m.remove());
  return copy.textContent.trim();
}

function controlOf(wrapper) {
  return wrapper.matches('fieldset') ? wrapper : wrapper.querySelector('input, select, textarea');
}

// A radio group (fieldset) takes focus on its chosen or first radio button, like Tab would. A
// control in a hidden part of a form (a questionnaire shown one part at a time) first fires
// "reveal", which bubbles to whatever hides it.
export function focusControl(control) {
  control.dispatchEvent(new CustomEvent('reveal', { bubbles: true }));
  const radio = control.matches('fieldset')
    ? control.querySelector('input[type="radio"]:checked') || control.querySelector('input[type="radio"]')
    : null;
  (radio || control).focus();
}

export function clearErrors(form, summary) {
  for (const wrapper of form.querySelectorAll('[data-path]')) {
    wrapper.classList.remove('has-error');
    const err = wrapper.querySelector('.field-error');
    if (err) fill(err).hidden = true;
    const control = controlOf(wrapper);
    if (control) control.removeAttribute('aria-invalid');
  }
  if (summary) fill(summary).hidden = true;
}

// Shows an ApiError on the form: each errors[] entry next to its field, all of them in the
// summary, then focus on the first invalid field (in screen order). Problems without field
// errors (403, 409, 500, unreachable) show their title and detail in the summary. extra: nodes
// appended to the summary (e.g. a Reload button). Returns the number of field errors placed.
export function showProblem(form, summary, err, extra = null) {
  clearErrors(form, summary);
  // What the user typed is still not saved.
  markUnsaved(form);
  const problem = err.problem || { title: 'Something went wrong', detail: String(err.message || err) };
  const errors = Array.isArray(problem.errors) ? problem.errors : [];
  const items = [];
  let placed = 0;
  for (const e of errors) {
    // The exact path first ("responses[1]" has its own group in some forms), then its list.
    const wrappers = [...form.querySelectorAll('[data-path]')];
    const wrapper = wrappers.find((w) => w.dataset.path === e.path)
      || wrappers.find((w) => w.dataset.path === fieldPath(e.path));
    if (!wrapper) {
      items.push(h('li', {}, `${e.path}: ${e.message}`));
      continue;
    }
    placed += 1;
    wrapper.classList.add('has-error');
    const slot = wrapper.querySelector('.field-error');
    // "Birth date must be a real date written YYYY-MM-DD": the label, then the API's words.
    const sentence = `${labelOf(wrapper)} ${e.message}`;
    slot.append(h('span', {}, sentence));
    slot.hidden = false;
    const control = controlOf(wrapper);
    control.setAttribute('aria-invalid', 'true');
    items.push(h('li', {}, h('a', {
      href: `#${control.id}`,
      on: { click: (ev) => { ev.preventDefault(); focusControl(control); } },
    }, sentence)));
  }
  const heading = errors.length
    ? (errors.length === 1 ? 'There is a problem with 1 field' : `There are problems with ${errors.length} fields`)
    : problem.title || 'Something went wrong';
  fill(summary,
    h('h2', {}, heading),
    errors.length ? null : h('p', {}, problem.detail && problem.detail !== problem.title ? problem.detail : ''),
    items.length ? h('ul', {}, items) : null,
    extra);
  summary.hidden = false;
  const first = [...form.querySelectorAll('.has-error')][0];
  if (first) focusControl(controlOf(first));
  else summary.focus();
  return placed;
}

// Trimmed text of a named control; '' when absent.
export function valueOf(form, name) {
  const el = form.elements.namedItem(name);
  return el && typeof el.value === 'string' ? el.value.trim() : '';
}

// Disables the submit button (and marks the form busy) while fn runs.
export async function busy(form, fn) {
  const buttons = form.querySelectorAll('button');
  form.setAttribute('aria-busy', 'true');
  buttons.forEach((b) => { b.disabled = true; });
  try {
    return await fn();
  } finally {
    form.removeAttribute('aria-busy');
    buttons.forEach((b) => { b.disabled = false; });
  }
}

// A problem answer of the API that ends a whole screen (not found, forbidden, server error).
export function problemBox(e) {
  const p = e.problem || { title: 'Something went wrong', detail: String(e.message || e) };
  return h('div', { class: 'problem', role: 'alert', 'data-testid': 'problem' },
    h('h2', {}, p.title || 'Something went wrong'),
    p.detail && p.detail !== p.title ? h('p', {}, p.detail) : null,
    p.request_id ? h('p', { class: 'muted small' }, `Request id ${p.request_id}`) : null);
}

// A list that is read again after each change: reload(id) reads it (load()), draws it into list
// (draw(data)) or the problem in its place, and marks the row of id (just saved). Only the latest
// read draws (latestOnly, with the page's ctx when given). Resolves true when it drew the list.
export function listReloader(ctx, list, load, draw) {
  const latest = latestOnly(ctx);
  return async (id = null) => {
    const isLatest = latest();
    let data;
    try {
      data = await load();
    } catch (e) {
      if (isLatest()) fill(list, problemBox(e));
      return false;
    }
    if (!isLatest()) return false;
    fill(list, draw(data));
    if (id) highlight(list, id);
    return true;
  };
}

// A 412 says the record changed since the page loaded.
export function conflict(e, what) {
  if (e.status === 412) {
    e.problem = { title: `Someone else changed this ${what}`,
      detail: 'It was changed after this page was loaded. Reload the page to see it as it is now.' };
  }
  return e;
}

// The inline form that voids a record with a reason: POSTs {reason} to path with If-Match:
// version, shows errors at the field (a 412 as "someone else changed this <what>"), and calls
// done() when the record is voided.
export function voidForm({ testid, confirmTestid, confirmText = 'Void result', title = null, label, hint, idSuffix,
  path, version, what, done, close }) {
  const summary = errorSummary();
  const form = h('form', { class: 'inline-form', novalidate: true, 'data-testid': testid },
    title ? h('p', { class: 'inline-title' }, title) : null,
    summary,
    field({ label, name: 'reason', idSuffix, required: true, hint, wide: true, maxlength: 500 }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-danger', 'data-testid': confirmTestid }, confirmText),
      h('button', { type: 'button', class: 'btn btn-quiet', on: { click: close } }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    await busy(form, async () => {
      try {
        await post(path, { reason: valueOf(form, 'reason') }, { ifMatch: version });
      } catch (e) {
        showProblem(form, summary, conflict(e, what));
        return;
      }
      await done();
    });
  });
  return form;
}
