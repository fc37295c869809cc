// Payments on the Billing tab: the list (voided ones struck through with their reason), and for
// billing.write "Record payment" (a payment, or a refund: sent as a negative amount with a
// reason; method cash, card or transfer; a reference; an issued invoice, or none for the
// account) and Void with a reason (If-Match). The amount is typed as text and sent as an integer
// in minor units; a refund beyond what was paid is a 409 that says how much can be refunded.

import { post } from './api.js';
import { h, fill, stacked } from './dom.js';
import { field, errorSummary, showProblem, clearErrors, valueOf, busy, voidForm, radioGroup } from './form.js';
import { markSaved, mayDiscard } from './guard.js';
import { amountEl, money, parseAmount, exponentOf } from './money.js';
import { METHODS, methodLabel, sectionWithPanel, stampText } from './billing-parts.js';
import { invoiceName } from './invoices.js';

const PAYABLE = new Set(['issued', 'part_paid', 'paid']);

export function paymentSection(ctx, state, reload) {
  const write = ctx.session.can('billing.write');
  const s = sectionWithPanel('Payments and refunds', 'payments',
    { allowed: write, testid: 'record-payment', label: 'Record payment' });
  const { button: record, panel } = s;
  if (record) {
    record.addEventListener('click', () => {
      if (panel.isOpen) panel.close();
      else panel.open(paymentForm(state, panel, reload));
    });
  }
  return {
    el: s.el,
    render() {
      const items = state.payments;
      if (!items.length) {
        fill(s.body, h('p', { class: 'empty-inline', 'data-testid': 'no-payments' }, 'No payments yet.'));
        return;
      }
      const invoices = new Map(state.invoices.map((i) => [i.id, i]));
      fill(s.body, stacked(h('table', { class: 'data costs', 'data-testid': 'payment-table' },
        h('caption', { class: 'visually-hidden' }, 'Payments and refunds'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Received'), h('th', { scope: 'col' }, 'Kind'),
          h('th', { scope: 'col' }, 'Method'), h('th', { scope: 'col' }, 'For'),
          h('th', { scope: 'col', class: 'num' }, 'Amount'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
        items.map((pay) => paymentBody(state, pay, invoices.get(pay.invoice_id), write, reload)))));
    },
  };
}

function paymentBody(state, pay, inv, write, reload) {
  const voided = pay.status === 'voided';
  const more = h('td', { colspan: 6 });
  const moreRow = h('tr', { hidden: true }, more);
  let voidBtn = null;
  if (write && !voided) {
    voidBtn = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'aria-expanded': 'false', 'data-testid': 'payment-void' }, 'Void');
    const close = () => {
      if (!mayDiscard(more)) return;
      moreRow.hidden = true;
      fill(more);
      voidBtn.setAttribute('aria-expanded', 'false');
      voidBtn.focus();
    };
    more.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') { ev.stopPropagation(); close(); } });
    voidBtn.addEventListener('click', () => {
      if (!moreRow.hidden) { close(); return; }
      fill(more, voidForm({ testid: 'payment-void-form', confirmTestid: 'payment-void-confirm', confirmText: 'Void payment',
        title: 'Void a payment entered in error; it stays listed, struck through.', label: 'Reason', idSuffix: `-pay-${pay.id}`,
        path: `/api/v1/payments/${pay.id}/void`, version: pay.version, what: 'payment', done: () => reload(pay.id), close }));
      moreRow.hidden = false;
      voidBtn.setAttribute('aria-expanded', 'true');
      more.querySelector('textarea, input').focus();
    });
  }
  const row = h('tr', { 'data-id': pay.id, 'data-testid': 'payment-row', 'data-status': pay.status, class: voided ? 'struck' : null },
    h('td', { class: 'mono' }, stampText(pay.received_at)),
    h('td', {}, h('span', { class: 'rec-name' }, pay.kind === 'refund' ? 'Refund' : 'Payment'),
      pay.reason ? h('span', { class: 'sub' }, pay.reason) : null,
      voided ? h('span', { class: 'void-note' }, `Voided${pay.void_reason ? `: ${pay.void_reason}` : ''}`) : null),
    h('td', {}, methodLabel(pay.method), pay.reference ? h('span', { class: 'sub' }, pay.reference) : null),
    h('td', {}, inv ? invoiceName(inv) : h('span', { class: 'muted' }, 'The account')),
    h('td', { class: 'num' }, amountEl(pay.amount, pay.currency, { 'data-testid': 'payment-amount' })),
    h('td', { class: 'row-actions' }, voidBtn));
  return h('tbody', {}, row, moreRow);
}

function paymentForm(state, panel, reload) {
  const cur = state.currency;
  const exp = exponentOf(cur);
  const summary = errorSummary();
  const open = state.invoices.filter((i) => i.kind === 'invoice' && PAYABLE.has(i.status));
  const invoiceChoice = (i) => [i.id, `${invoiceName(i)}: due ${money(i.due, i.currency)} of ${money(i.total, i.currency)}`];
  const withDue = open.filter((i) => i.due > 0);
  const reasonField = field({ label: 'Reason for the refund', name: 'reason', maxlength: 500, wide: true, required: true });
  const form = h('form', { class: 'inline-form payment-form', novalidate: true, 'data-testid': 'payment-form' },
    h('h3', {}, 'Record payment'),
    summary,
    radioGroup({ legend: 'Kind', name: 'kind', idSuffix: '-pay', value: 'payment', options: [['payment', 'Payment received'], ['refund', 'Refund given']] }),
    h('div', { class: 'grid' },
      field({ label: `Amount (${cur})`, name: 'amount', required: true, inputmode: 'decimal', narrow: true,
        hint: exp ? `For example 150.${'0'.repeat(exp)}` : 'A whole amount, for example 8,000' }),
      field({ label: 'Method', name: 'method', required: true, choices: METHODS }),
      field({ label: 'Reference (optional)', name: 'reference', maxlength: 100, hint: 'Card authorisation, transfer reference, receipt number.' }),
      field({ label: 'Invoice', name: 'invoice_id',
        value: withDue.length === 1 ? withDue[0].id : '',
        choices: [['', 'None: on the patient\u2019s account'], ...open.map(invoiceChoice)],
        hint: open.length ? 'An issued invoice of this patient.' : 'No invoice is open for payment: the amount goes on the account.' }),
      reasonField),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'payment-save' }, 'Record'),
      h('button', { type: 'button', class: 'btn btn-quiet', on: { click: () => panel.close() } }, 'Cancel')));
  const isRefund = () => form.querySelector('input[name="kind"]:checked').value === 'refund';
  const sync = () => {
    reasonField.hidden = !isRefund();
    form.querySelector('button[type="submit"]').textContent = isRefund() ? 'Record refund' : 'Record payment';
  };
  form.querySelectorAll('input[name="kind"]').forEach((r) => r.addEventListener('change', sync));
  sync();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    const refund = isRefund();
    const parsed = parseAmount(valueOf(form, 'amount'), cur, { zero: false });
    const errors = [];
    if (parsed.error) {
      errors.push({ path: 'amount', message: parsed.error === 'cannot be negative'
        ? `cannot be negative: for money given back choose "Refund given" and type the amount refunded` : parsed.error });
    }
    if (refund && !valueOf(form, 'reason')) errors.push({ path: 'reason', message: 'is needed for a refund' });
    if (errors.length) {
      showProblem(form, summary, { problem: { errors } });
      return;
    }
    const body = { amount: refund ? -parsed.value : parsed.value, method: valueOf(form, 'method') };
    if (valueOf(form, 'reference')) body.reference = valueOf(form, 'reference');
    if (valueOf(form, 'invoice_id')) body.invoice_id = valueOf(form, 'invoice_id');
    if (refund) body.reason = valueOf(form, 'reason');
    await busy(form, async () => {
      let r;
      try {
        r = await post(`/api/v1/patients/${state.p.id}/payments`, body);
      } catch (e) {
        if (e.status === 409 && Number.isSafeInteger(e.problem.refundable)) {
          e.problem = { title: 'More than was paid',
            detail: `At most ${money(e.problem.refundable, cur)} can be refunded ${body.invoice_id ? 'on this invoice' : 'on the account'}.` };
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
