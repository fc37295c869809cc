// Pieces shared by the cost pages (prices.js, billing.js, invoices.js, payments.js, takings.js):
// the catalogues a price names (appointment types, procedure kinds, biologics, observation kinds)
// in words, the status labels of invoices and payments, and the inline panel that opens under a
// button, closes on Escape and gives focus back to the button.

import { cached } from './api.js';
import { h, tag } from './dom.js';
import { mayDiscard } from './guard.js';
import { PROCEDURE_KINDS } from './procedures.js';

const appointmentTypes = cached('/api/v1/appointment-types');
const biologics = cached('/api/v1/biologics');
const observationKinds = cached('/api/v1/observation-kinds');

// {appointment: [[code, label]], procedure: [...], test: [...], biologics: [[id, label]]}.
export async function catalogues() {
  const [types, bios, kinds] = await Promise.all([appointmentTypes(), biologics(), observationKinds()]);
  return {
    appointment: types.map((t) => [t.id, t.label]),
    procedure: PROCEDURE_KINDS,
    test: kinds.map((k) => [k.kind, k.label]),
    biologics: bios.map((b) => [b.id, b.label]),
  };
}

export const KIND_LABELS = { appointment: 'Visit', procedure: 'Procedure', test: 'Test' };

// "Consultation", "Injection: Platelet-rich plasma (PRP)" from a price item and the catalogues.
export function itemLabel(cat, { kind, code, biologic }) {
  const list = (cat && cat[kind]) || [];
  const found = list.find(([c]) => c === code);
  const name = found ? found[1] : String(code || '').replace(/_/g, ' ');
  if (!biologic) return name;
  const bio = ((cat && cat.biologics) || []).find(([id]) => id === biologic);
  return `${name}: ${bio ? bio[1] : biologic}`;
}

// "Visit: Consultation" for lists where the kinds mix.
export const itemWords = (cat, item) => `${KIND_LABELS[item.kind] || item.kind}: ${itemLabel(cat, item)}`;

const INVOICE_STATUS = {
  draft: 'Draft', void: 'Void', issued: 'Issued', part_paid: 'Part paid', paid: 'Paid', credited: 'Credited',
};
export const invoiceStatusTag = (s) => tag(INVOICE_STATUS[s] || s, `inv-${s}`, { 'data-testid': 'invoice-status' });

export const METHODS = [['card', 'Card'], ['cash', 'Cash'], ['transfer', 'Bank transfer']];
export const methodLabel = (m) => (METHODS.find(([v]) => v === m) || [m, m])[1];

// Date and time of an RFC 3339 stamp in this browser's zone: "2026-11-29 14:05".
export function stampText(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso || '';
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

// An inline panel under its opener: open(content) shows it and focuses its first control; Escape
// or close() empties it and gives focus back to the opener, asking first when a form in it has
// unsaved input (a saved form closes without asking).
export function inlinePanel(opener, slot) {
  const panel = {
    open(content) {
      slot.replaceChildren(content);
      slot.hidden = false;
      opener.setAttribute('aria-expanded', 'true');
      const first = content.querySelector('input:not([type="hidden"]), select, textarea, button');
      if (first) first.focus();
    },
    close() {
      if (!mayDiscard(slot)) return;
      slot.replaceChildren();
      slot.hidden = true;
      opener.setAttribute('aria-expanded', 'false');
      if (opener.isConnected) opener.focus();
    },
    get isOpen() { return !slot.hidden && slot.childElementCount > 0; },
  };
  slot.hidden = true;
  slot.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && panel.isOpen) {
      ev.stopPropagation();
      panel.close();
    }
  });
  return panel;
}

// A section whose one action opens an inline form between its heading and its body: the action's
// button when the role may use it (button and panel null when not).
export function sectionWithPanel(title, testid, action) {
  const button = action.allowed
    ? h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': action.testid, 'aria-expanded': 'false' },
      action.label)
    : null;
  const s = section(title, testid, button);
  const slot = h('div', { class: 'panel' });
  s.el.insertBefore(slot, s.body);
  return { ...s, button, panel: button ? inlinePanel(button, slot) : null };
}

// A card section with a heading, an area for its tools and its body; loading until filled.
export function section(title, testid, ...tools) {
  const body = h('div', { class: 'cost-body', 'aria-live': 'polite' }, h('p', { class: 'loading' }, 'Loading…'));
  const el = h('section', { class: 'card cost-card', 'data-testid': testid, 'aria-label': title },
    h('div', { class: 'cost-head' }, h('h2', {}, title), h('div', { class: 'cost-tools' }, tools)),
    body);
  return { el, body };
}
