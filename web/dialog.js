// A modal dialog: the native <dialog> opened with showModal (the page behind is inert), a heading
// that names it, a Close button; Tab and Shift+Tab cycle inside it, Escape closes it (asking
// first when a form in it has unsaved input), and focus goes back to what opened it.

import { h } from './dom.js';
import { mayDiscard } from './guard.js';

// openDialog({title, testid, wide, build(close, dialog) -> nodes, onClose}) -> {dialog, close}.
export function openDialog({ title, testid, wide = false, build, onClose = () => {} }) {
  const opener = document.activeElement;
  const id = `dlg-${Math.random().toString(36).slice(2, 9)}`;
  const body = h('div', { class: 'modal-body' });
  const closeButton = h('button', { type: 'button', class: 'btn btn-quiet btn-small modal-close', 'data-testid': 'dialog-close' },
    'Close');
  const dialog = h('dialog', { class: ['modal', wide && 'modal-wide'], 'aria-labelledby': id, 'data-testid': testid },
    h('div', { class: 'modal-head' }, h('h2', { id, tabindex: '-1' }, title), closeButton), body);
  let closed = false;
  const close = ({ force = false } = {}) => {
    if (closed || (!force && !mayDiscard(dialog))) return false;
    closed = true;
    dialog.close();
    dialog.remove();
    if (opener && opener.isConnected) opener.focus();
    onClose();
    return true;
  };
  closeButton.addEventListener('click', () => close());
  dialog.addEventListener('cancel', (ev) => {
    ev.preventDefault();
    close();
  });
  dialog.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Tab') return;
    const items = [...dialog.querySelectorAll('button, a[href], input, select, textarea, [tabindex]:not([tabindex="-1"])')]
      .filter((el) => !el.disabled && el.offsetParent !== null);
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (ev.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
      ev.preventDefault();
      last.focus();
    } else if (!ev.shiftKey && document.activeElement === last) {
      ev.preventDefault();
      first.focus();
    }
  });
  // A link inside leaves the page: the dialog closes first.
  dialog.addEventListener('click', (ev) => {
    if (ev.target.closest('a[href]:not([href^="#"])')) close({ force: true });
  });
  document.body.append(dialog);
  const content = build(close, dialog);
  body.append(...[content].flat().filter(Boolean));
  dialog.showModal();
  const first = body.querySelector('input:not([type="hidden"]):not([disabled]), select, textarea');
  (first || dialog.querySelector('h2')).focus();
  return { dialog, close };
}
