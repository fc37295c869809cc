// Inline forms of the patient page's Treatment section: a button that opens a small form right
// below what it acts on (a plan, a step, a consent line), the small form itself (a title, fields,
// a confirm and a Cancel button, the server's 409 and 422 answers shown on it), and a date field.

import { h, todayText } from './dom.js';
import { field, errorSummary, showProblem, clearErrors, busy } from './form.js';
import { mayDiscard } from './guard.js';

// Opens makeForm(close) right below anchor (a table row gets a row of its own, a list item an
// item), or closes it when its button is pressed again; one form per anchor. Closing a form with
// unsaved input asks first (Cancel, its button); after a save it closes without asking.
const opened = new WeakMap();
export function toggleBelow(anchor, button, makeForm) {
  const current = opened.get(anchor);
  if (current) {
    if (!mayDiscard(current.box)) return;
    current.box.remove();
    current.button.setAttribute('aria-expanded', 'false');
    opened.delete(anchor);
    if (current.button === button) return;
  }
  let box = null;
  const close = () => {
    if (!box.isConnected || !mayDiscard(box)) return;
    box.remove();
    opened.delete(anchor);
    button.setAttribute('aria-expanded', 'false');
    button.focus();
  };
  const content = makeForm(close);
  if (anchor.tagName === 'TR') {
    box = h('tr', { class: 'correction' }, h('td', { colspan: anchor.cells.length }, content));
  } else if (anchor.tagName === 'LI') {
    box = h('li', { class: 'step-form' }, content);
  } else {
    box = h('div', { class: 'panel' }, content);
  }
  anchor.after(box);
  opened.set(anchor, { button, box });
  button.setAttribute('aria-expanded', 'true');
  const first = box.querySelector('input:not([type="hidden"]), select, textarea');
  if (first) first.focus();
}

export const openButton = (text, testid, attrs = {}) => h('button', { type: 'button', class: 'btn btn-small btn-quiet',
  'aria-expanded': 'false', 'data-testid': testid, ...attrs }, text);

// A small form: a title, fields, a confirm and a Cancel button; submit(form, summary) does the
// request and throws an ApiError to show.
export function smallForm({ testid, title, fields, confirm, confirmTestid, danger = false, close, submit }) {
  const summary = errorSummary();
  const form = h('form', { class: 'inline-form', novalidate: true, 'data-testid': testid },
    title ? h('p', { class: 'inline-title' }, title) : null,
    summary,
    h('div', { class: 'grid' }, fields),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: ['btn', danger ? 'btn-danger' : 'btn-primary'], 'data-testid': confirmTestid }, confirm),
      h('button', { type: 'button', class: 'btn btn-quiet', on: { click: close } }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    await busy(form, async () => {
      try {
        await submit(form);
      } catch (e) {
        if (e && e.status !== undefined) showProblem(form, summary, e);
        else throw e;
      }
    });
  });
  return form;
}

export const dateField = (name, label, idSuffix, value = todayText(), hint = 'YYYY-MM-DD') => field({ label, name, idSuffix,
  required: true, value, hint, placeholder: 'YYYY-MM-DD', inputmode: 'numeric', maxlength: 10, narrow: true });
