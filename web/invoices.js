// Invoices on the Billing tab: the list (number, status, total, paid, due; the lines and credit
// notes under "Details"), and for billing.write: "New invoice" (a draft from the completed visits
// not yet invoiced, chosen, or everything not yet invoiced: {all: true}, which takes recorded
// procedures too), Issue (If-Match), Void a draft with a reason, and a credit note with a reason
// for an issued invoice (all its lines not credited yet, or those chosen).

import { get, post, latestOnly } from './api.js';
import { h, fill, stacked } from './dom.js';
import { field, errorSummary, showProblem, clearErrors, valueOf, busy, voidForm, conflict, problemBox, checkbox } from './form.js';
import { markSaved, mayDiscard } from './guard.js';
import { amountEl, money } from './money.js';
import { invoiceStatusTag, itemLabel, sectionWithPanel, stampText } from './billing-parts.js';

const ISSUED = new Set(['issued', 'part_paid', 'paid']);

// The visits and procedures on a live invoice (not void, line not credited): not invoiced again.
export function invoicedSources(invoices) {
  const taken = new Set();
  for (const inv of invoices) {
    if (inv.kind !== 'invoice' || inv.status === 'void') continue;
    for (const l of inv.lines) if (!l.credited_by) taken.add(l.source_id);
  }
  return taken;
}

export const invoiceName = (inv) => inv.number || `Draft of ${inv.created_at.slice(0, 10)}`;

export function invoiceSection(ctx, state, reload) {
  const write = ctx.session.can('billing.write');
  const s = sectionWithPanel('Invoices', 'invoices', { allowed: write, testid: 'new-invoice', label: 'New invoice' });
  const { button: add, panel } = s;
  // opening: the latest opening of the panel; an older answer, or one for a panel closed since, is dropped.
  const opening = latestOnly();
  if (add) {
    add.addEventListener('click', async () => {
      if (panel.isOpen) { panel.close(); return; }
      const isLatest = opening();
      panel.open(h('p', { class: 'loading' }, 'Loading the completed visits…'));
      let appts = [];
      try {
        if (ctx.session.can('appointment.read')) {
          appts = (await get(`/api/v1/appointments?patient_id=${state.p.id}`)).body.items;
        }
      } catch (e) {
        if (isLatest() && panel.isOpen) panel.open(problemBox(e));
        return;
      }
      if (!isLatest() || !panel.isOpen) return;
      const taken = invoicedSources(state.invoices);
      const open = appts.filter((a) => a.status === 'completed' && !taken.has(a.id));
      panel.open(newInvoiceForm(ctx, state, open, panel, reload));
    });
  }
  const rowPanels = new Map();
  return {
    el: s.el,
    render() {
      const items = state.invoices.filter((i) => i.kind === 'invoice');
      if (!items.length) {
        fill(s.body, h('p', { class: 'empty-inline', 'data-testid': 'no-invoices' }, 'No invoices yet.'));
        return;
      }
      rowPanels.clear();
      fill(s.body, stacked(h('table', { class: 'data costs', 'data-testid': 'invoice-table' },
        h('caption', { class: 'visually-hidden' }, 'Invoices'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Invoice'), h('th', { scope: 'col' }, 'Status'),
          h('th', { scope: 'col' }, 'Date'), h('th', { scope: 'col', class: 'num' }, 'Total'),
          h('th', { scope: 'col', class: 'num' }, 'Paid'), h('th', { scope: 'col', class: 'num' }, 'Due'),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
        items.map((inv) => invoiceBody(ctx, state, inv, write, reload)))));
    },
  };
}

// One invoice: its row and, below it, a row for its details or a form.
function invoiceBody(ctx, state, inv, write, reload) {
  const cur = inv.currency;
  const more = h('td', { colspan: 7, class: 'invoice-more' });
  const moreRow = h('tr', { class: 'invoice-more-row', hidden: true }, more);
  const details = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'aria-expanded': 'false',
    'data-testid': 'invoice-details' }, 'Details');
  const buttons = [details];
  const show = (opener, content) => {
    if (!moreRow.hidden && more.dataset.by === opener.textContent) {
      hide();
      return;
    }
    if (!mayDiscard(more)) return;
    for (const b of buttons) b.setAttribute('aria-expanded', String(b === opener));
    more.dataset.by = opener.textContent;
    fill(more, content);
    moreRow.hidden = false;
    const first = more.querySelector('input, textarea, select, button');
    if (first && opener !== details) first.focus();
  };
  const hide = () => {
    if (!mayDiscard(more)) return;
    const by = buttons.find((b) => b.getAttribute('aria-expanded') === 'true');
    moreRow.hidden = true;
    fill(more);
    for (const b of buttons) b.setAttribute('aria-expanded', 'false');
    if (by) by.focus();
  };
  more.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') { ev.stopPropagation(); hide(); } });
  details.addEventListener('click', () => show(details, invoiceDetails(state, inv)));
  const done = async () => { await reload(inv.id); };
  if (write && inv.status === 'draft') {
    const issue = h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'invoice-issue' }, 'Issue');
    const voidBtn = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'aria-expanded': 'false',
      'data-testid': 'invoice-void' }, 'Void');
    issue.addEventListener('click', async () => {
      issue.disabled = true;
      try {
        await post(`/api/v1/invoices/${inv.id}/issue`, undefined, { ifMatch: inv.version });
      } catch (e) {
        issue.disabled = false;
        show(details, h('div', { class: 'problem-slot' }, problemBox(conflict(e, 'invoice'))));
        return;
      }
      await done();
    });
    voidBtn.addEventListener('click', () => show(voidBtn, voidForm({
      testid: 'invoice-void-form', confirmTestid: 'invoice-void-confirm', confirmText: 'Void draft',
      title: 'Void this draft: its visits and procedures can be invoiced again.', label: 'Reason', idSuffix: `-void-${inv.id}`,
      path: `/api/v1/invoices/${inv.id}/void`, version: inv.version, what: 'invoice', done, close: hide })));
    buttons.push(issue, voidBtn);
  }
  const creditable = inv.lines.filter((l) => !l.credited_by && !l.removed);
  if (write && ISSUED.has(inv.status) && creditable.length) {
    const credit = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'aria-expanded': 'false',
      'data-testid': 'invoice-credit' }, 'Credit note');
    credit.addEventListener('click', () => show(credit, creditForm(state, inv, creditable, done, hide)));
    buttons.push(credit);
  }
  const row = h('tr', { 'data-id': inv.id, 'data-testid': 'invoice-row', 'data-status': inv.status },
    h('td', {}, h('span', { class: 'rec-name', 'data-testid': 'invoice-number' }, invoiceName(inv)),
      inv.status === 'void' && inv.reason ? h('span', { class: 'sub' }, `Voided: ${inv.reason}`) : null,
      inv.credit_notes && inv.credit_notes.length
        ? h('span', { class: 'sub' }, `Credit notes: ${inv.credit_notes.map((c) => c.number).join(', ')}`) : null),
    h('td', {}, invoiceStatusTag(inv.status)),
    h('td', { class: 'mono' }, (inv.issued_at || inv.created_at).slice(0, 10)),
    h('td', { class: 'num' }, amountEl(inv.total, cur, { 'data-testid': 'invoice-total' })),
    h('td', { class: 'num' }, amountEl(inv.paid, cur, { 'data-testid': 'invoice-paid' })),
    h('td', { class: 'num' }, amountEl(inv.due, cur, { 'data-testid': 'invoice-due' })),
    h('td', { class: 'row-actions' }, buttons));
  return h('tbody', { class: 'invoice' }, row, moreRow);
}

function lineText(state, l) {
  return l.label && l.label !== l.item.code ? l.label : itemLabel(state.cat, l.item);
}

function invoiceDetails(state, inv) {
  const cur = inv.currency;
  return h('div', { class: 'invoice-details', 'data-testid': 'invoice-lines' },
    h('ul', { class: 'lines' }, inv.lines.map((l) => h('li', { class: l.credited_by || l.removed ? 'struck-line' : null },
      h('span', { class: 'mono' }, l.service_date), ' ',
      h('span', {}, `${l.source_kind === 'procedure' ? 'Procedure' : 'Visit'}: ${lineText(state, l)}`),
      l.credited_by ? h('span', { class: 'muted' }, ' (credited)') : null,
      amountEl(l.amount, cur)))),
    h('p', { class: 'muted small' },
      `Subtotal ${money(inv.subtotal, cur)}; credited ${money(inv.credited, cur)}; paid ${money(inv.paid, cur)}.`,
      inv.issued_at ? ` Issued ${stampText(inv.issued_at)}.` : ' Not issued yet: a draft is not due.'),
    (inv.credit_notes || []).map((c) => h('p', { class: 'small' },
      `${c.number || 'Credit note'}: ${money(c.total, cur)}${c.reason ? `, ${c.reason}` : ''}`)));
}

function creditForm(state, inv, lines, done, close) {
  const summary = errorSummary();
  const form = h('form', { class: 'inline-form', novalidate: true, 'data-testid': 'credit-form' },
    h('p', { class: 'inline-title' }, `Credit note for ${invoiceName(inv)}: the credited items can be invoiced again.`),
    summary,
    h('fieldset', { class: 'field check-group', 'data-path': 'lines', id: `lines-${inv.id}`, tabindex: '-1' },
      h('legend', {}, 'Lines to credit'),
      h('p', { class: 'field-error', hidden: true }),
      h('div', { class: 'check-list' }, lines.map((l) => checkbox({ name: 'lines', value: l.id, checked: true, idSuffix: `-${inv.id}`,
        label: `${l.service_date} ${lineText(state, l)}: ${money(l.amount, inv.currency)}` })))),
    field({ label: 'Reason', name: 'reason', idSuffix: `-credit-${inv.id}`, required: true, wide: true, maxlength: 500 }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-danger', 'data-testid': 'credit-confirm' }, 'Make credit note'),
      h('button', { type: 'button', class: 'btn btn-quiet', on: { click: () => close() } }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    const chosen = [...form.querySelectorAll('input[name="lines"]:checked')].map((c) => c.value);
    if (!chosen.length) {
      showProblem(form, summary, { problem: { errors: [{ path: 'lines', message: 'needs at least one line' }] } });
      return;
    }
    const body = { reason: valueOf(form, 'reason') };
    if (chosen.length !== lines.length) body.lines = chosen;
    await busy(form, async () => {
      try {
        await post(`/api/v1/invoices/${inv.id}/credit-notes`, body, { ifMatch: inv.version });
      } catch (e) {
        showProblem(form, summary, conflict(e, 'invoice'));
        return;
      }
      markSaved(form);
      await done();
    });
  });
  return form;
}

function newInvoiceForm(ctx, state, appts, panel, reload) {
  const summary = errorSummary();
  const typeLabel = (a) => (state.cat.appointment.find(([c]) => c === a.type) || [a.type, a.type])[1];
  const apptText = (a) => `${stampText(a.start)} ${typeLabel(a)}${a.biologic ? ` (${a.biologic})` : ''}`;
  const chosenAll = h('button', { type: 'submit', class: 'btn btn-primary', value: 'all', 'data-testid': 'invoice-all' },
    'Invoice everything not yet invoiced');
  const chosenSome = appts.length
    ? h('button', { type: 'submit', class: 'btn btn-quiet', value: 'some', 'data-testid': 'invoice-chosen' }, 'Invoice the chosen visits')
    : null;
  const form = h('form', { class: 'inline-form new-invoice', novalidate: true, 'data-testid': 'invoice-form' },
    h('h3', {}, 'New invoice'),
    h('p', { class: 'hint' }, 'A draft is made first: each line is priced from the price list in force on its date of service. '
      + 'Check it, then issue it.'),
    summary,
    appts.length
      ? h('fieldset', { class: 'field check-group', 'data-path': 'appointment_ids', id: 'appointment_ids', tabindex: '-1' },
        h('legend', {}, 'Completed visits not yet invoiced'),
        h('p', { class: 'field-error', hidden: true }),
        h('div', { class: 'check-list' }, appts.map((a) => checkbox({ name: 'appointment_ids', value: a.id, label: apptText(a),
          checked: true }))))
      : h('p', { class: 'muted', 'data-testid': 'no-open-visits' },
        'No completed visit is waiting to be invoiced. Recorded procedures are invoiced with "everything not yet invoiced".'),
    h('div', { class: 'actions' }, chosenAll, chosenSome,
      h('button', { type: 'button', class: 'btn btn-quiet', on: { click: () => panel.close() } }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    const how = ev.submitter && ev.submitter.value === 'some' ? 'some' : 'all';
    const ids = [...form.querySelectorAll('input[name="appointment_ids"]:checked')].map((c) => c.value);
    if (how === 'some' && !ids.length) {
      showProblem(form, summary, { problem: { errors: [{ path: 'appointment_ids', message: 'needs at least one visit chosen' }] } });
      return;
    }
    const body = how === 'all' ? { all: true } : { appointment_ids: ids };
    await busy(form, async () => {
      let r;
      try {
        r = await post(`/api/v1/patients/${state.p.id}/invoices`, body);
      } catch (e) {
        if (e.status === 422 && Array.isArray(e.problem.errors)) {
          // "appointment_ids[2]: no appointment price for ..." -> the visit in words.
          const words = e.problem.errors.map((x) => {
            const m = /^appointment_ids\[(\d+)\]$/.exec(x.path || '');
            const a = m ? appts.find((y) => y.id === ids[Number(m[1])]) : null;
            return h('li', { 'data-testid': 'invoice-error' }, a ? `${apptText(a)}: ${x.message}` : x.path === 'all' ? `Everything not yet invoiced ${x.message}` : `${x.path}: ${x.message}`);
          });
          e.problem = { title: 'The invoice could not be made', detail: 'Nothing was saved.', errors: [] };
          showProblem(form, summary, e, h('ul', {}, words));
          return;
        }
        if (e.status === 409 && Array.isArray(e.problem.invoiced)) {
          e.problem.detail = 'Some of these are on another invoice already (each is invoiced once). Reload the page to see it.';
        }
        showProblem(form, summary, e);
        return;
      }
      markSaved(form);
      panel.close();
      await reload(r.body.id);
    });
  });
  return form;
}
