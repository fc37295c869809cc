// Unsaved input: a form in the page with input typed since it was opened or last submitted is
// "unsaved". Leaving the page (a link, Back, a tab of the chart, reload, closing the tab) or
// closing the form's panel asks first. Submitting marks a form saved; showProblem (form.js)
// marks it unsaved again when the server refuses it. Forms marked data-no-guard (sign-in,
// search) are not watched.

const unsaved = new Set();

function watched(form) {
  return form && form.tagName === 'FORM' && !form.hasAttribute('data-no-guard') && form.getAttribute('role') !== 'search';
}

export function markUnsaved(form) {
  if (watched(form)) unsaved.add(form);
}

export function markSaved(form) {
  unsaved.delete(form);
}

// The unsaved forms still in the page (inside root, when given).
export function unsavedForms(root = null) {
  for (const f of unsaved) if (!f.isConnected) unsaved.delete(f);
  return [...unsaved].filter((f) => !root || root.contains(f));
}

// True when nothing unsaved would be lost (inside root, when given), or the user agrees to lose
// it; the forms are then forgotten.
export function mayDiscard(root = null) {
  const forms = unsavedForms(root);
  if (!forms.length) return true;
  const ok = window.confirm('You have typed into a form that is not saved. Discard what you typed?');
  if (ok) forms.forEach((f) => unsaved.delete(f));
  return ok;
}

for (const type of ['input', 'change']) {
  document.addEventListener(type, (ev) => {
    const t = ev.target;
    if (t && t.form) markUnsaved(t.form);
  }, true);
}
document.addEventListener('submit', (ev) => markSaved(ev.target), true);
window.addEventListener('beforeunload', (ev) => {
  if (unsavedForms().length) {
    ev.preventDefault();
    ev.returnValue = '';
  }
});
