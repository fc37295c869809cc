// The Billing tab of the patient chart (/patients/{id}/billing, billing.read): the balance, cost
// estimates (estimate.write makes one from a plan; shown as made, with the PDF to take home),
// invoices (invoices.js) and payments (payments.js). After any change the whole tab is read
// again, so the balance, the invoices' paid and due, and the payments always agree.

import { get, post, cached, latestOnly } from './api.js';
import { h, add, fill, roleLabel, stacked, highlight } from './dom.js';
import { field, errorSummary, showProblem, clearErrors, valueOf, busy, problemBox } from './form.js';
import { markSaved } from './guard.js';
import { amountEl, money } from './money.js';
import { catalogues, itemWords, sectionWithPanel, stampText } from './billing-parts.js';
import { invoiceSection } from './invoices.js';
import { paymentSection } from './payments.js';
import { STEP_KIND_LABELS } from './procedures.js';

export async function billingTab(ctx, p) {
  const { root, session } = ctx;
  if (!session.can('billing.read')) {
    add(root, h('div', { class: 'empty', 'data-testid': 'no-billing-access' },
      h('h2', {}, 'No billing for your role'),
      h('p', {}, `Your role (${roleLabel(session.me.role)}) does not include billing; the front desk, a clinician or an admin can see it.`)));
    return;
  }
  const state = { p, session, cat: null, balance: null, invoices: [], payments: [], estimates: [] };
  const balance = h('section', { class: 'card cost-card balance-card', 'data-testid': 'balance', 'aria-label': 'Balance', 'aria-live': 'polite' },
    h('p', { class: 'loading' }, 'Loading…'));
  const estimates = estimateSection(ctx, state, (fresh) => reload(fresh));
  const invoices = invoiceSection(ctx, state, (fresh) => reload(fresh));
  const payments = paymentSection(ctx, state, (fresh) => reload(fresh));
  add(root, h('div', { class: 'billing' }, balance, estimates.el, invoices.el, payments.el));

  // Reads everything again and redraws each section; fresh: {what, id} of the record just saved.
  const latest = latestOnly(ctx);
  async function reload(fresh = null) {
    const isLatest = latest();
    const base = `/api/v1/patients/${p.id}`;
    let got;
    try {
      got = await Promise.all([get(`${base}/balance`), get(`${base}/invoices`), get(`${base}/payments`),
        get(`${base}/estimates`), state.cat ? state.cat : catalogues()]);
    } catch (e) {
      if (!isLatest()) return;
      fill(balance, problemBox(e));
      return;
    }
    if (!isLatest()) return;
    [state.balance, state.invoices, state.payments, state.estimates] = got.slice(0, 4).map((r, i) => (i ? r.body.items : r.body));
    state.cat = got[4];
    state.currency = state.balance.currency;
    fill(balance, balanceView(state.balance));
    estimates.render();
    invoices.render();
    payments.render();
    // The record just changed is marked; focus goes to it when its button went with the redraw.
    const el = fresh ? highlight(root, fresh) : null;
    if (el && !root.contains(document.activeElement)) {
      el.setAttribute('tabindex', '-1');
      el.focus({ preventScroll: true });
    }
  }
  await reload();
}

function balanceView(b) {
  const owed = b.balance > 0;
  const words = b.balance === 0 ? 'Nothing owed' : owed ? 'Owed by the patient' : 'In credit (paid more than invoiced)';
  return [
    h('div', { class: 'balance-main' },
      h('h2', {}, 'Balance'),
      h('p', { class: ['balance-figure', owed && 'owed'] },
        amountEl(Math.abs(b.balance), b.currency, { 'data-testid': 'balance-amount', 'data-minor': String(b.balance) }),
        h('span', { class: 'balance-words', 'data-testid': 'balance-words' }, words))),
    h('dl', { class: 'balance-facts' },
      [['Invoiced', b.invoiced], ['Credited', b.credited], ['Received', b.received], ['Refunded', b.refunded]]
        .map(([t, v]) => h('div', {}, h('dt', {}, t), h('dd', {}, amountEl(v, b.currency))))),
  ];
}

// Estimates: the list, "Make an estimate" from one of the patient's plans, and the estimate shown.
function estimateSection(ctx, state, reload) {
  const { session } = ctx;
  const s = sectionWithPanel('Cost estimates', 'estimates',
    { allowed: session.can('estimate.write'), testid: 'make-estimate', label: 'Make an estimate' });
  const { button: make, panel } = s;
  const shown = h('div', { class: 'estimate-slot', 'data-testid': 'estimate-slot' });
  add(s.el, shown);
  // opening: the latest opening of the panel; an older answer, or one for a panel closed since, is dropped.
  const opening = latestOnly();
  if (make) {
    make.addEventListener('click', async () => {
      if (panel.isOpen) { panel.close(); return; }
      const isLatest = opening();
      panel.open(h('p', { class: 'loading' }, 'Loading the plans…'));
      let plans;
      try {
        const [r, protocols] = await Promise.all([get(`/api/v1/patients/${state.p.id}/plans`), protocolList()]);
        plans = r.body.items.map((pl) => ({ ...pl, protocol_title: (protocols.find((x) => x.id === pl.protocol) || {}).title }));
      } catch (e) {
        if (isLatest() && panel.isOpen) panel.open(problemBox(e));
        return;
      }
      if (!isLatest() || !panel.isOpen) return;
      panel.open(estimateForm(ctx, state, plans, panel, async (est) => {
        await reload();
        showing(); // a Show still in flight no longer replaces the estimate just made
        showEstimate(state, shown, est);
      }));
    });
  }
  // showing: the estimate asked for last; an older answer that comes back later is dropped.
  const showing = latestOnly();
  async function open(id, opener) {
    const isLatest = showing();
    fill(shown, h('p', { class: 'loading' }, 'Loading the estimate…'));
    let r;
    try {
      r = await get(`/api/v1/estimates/${id}`);
    } catch (e) {
      if (isLatest()) fill(shown, problemBox(e));
      return;
    }
    if (isLatest()) showEstimate(state, shown, r.body, opener);
  }
  return {
    el: s.el,
    render() {
      const items = state.estimates;
      if (!items.length) {
        fill(s.body, h('p', { class: 'empty-inline', 'data-testid': 'no-estimates' }, 'No estimates yet.'));
        return;
      }
      fill(s.body, stacked(h('table', { class: 'data costs', 'data-testid': 'estimate-table' },
        h('caption', { class: 'visually-hidden' }, 'Cost estimates, newest first'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Made'), h('th', { scope: 'col' }, 'Prices of'),
          h('th', { scope: 'col' }, 'Valid until'), h('th', { scope: 'col', class: 'num' }, 'Total'),
          h('th', { scope: 'col', class: 'num' }, 'With optional steps'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
        h('tbody', {}, items.map((e) => {
          const view = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'data-testid': 'estimate-view' }, 'Show');
          view.addEventListener('click', () => open(e.id, view));
          return h('tr', { 'data-id': e.id, 'data-testid': 'estimate-row' },
            h('td', { class: 'mono' }, stampText(e.created_at)), h('td', { class: 'mono' }, e.prices_on),
            h('td', { class: 'mono' }, e.valid_until),
            h('td', { class: 'num' }, amountEl(e.total, e.currency)),
            h('td', { class: 'num' }, amountEl(e.total_with_optional, e.currency)),
            h('td', { class: 'row-actions' }, view,
              h('a', { class: 'btn btn-small btn-quiet', href: `/api/v1/estimates/${e.id}.pdf`, download: true }, 'Print (PDF)')));
        })))));
    },
  };
}

const PLAN_STATUS_OK = new Set(['proposed', 'accepted', 'in_progress']);
const PLAN_STATUS_WORDS = { proposed: 'proposed', accepted: 'accepted', in_progress: 'under way' };
const protocolList = cached('/api/v1/protocols');

function estimateForm(ctx, state, plans, panel, done) {
  const usable = plans.filter((pl) => PLAN_STATUS_OK.has(pl.status));
  if (!usable.length) {
    return h('div', { class: 'inline-form', 'data-testid': 'estimate-no-plan' },
      h('p', {}, plans.length ? 'None of this patient\u2019s plans is proposed, accepted or under way: an estimate is made for such a plan.'
        : 'This patient has no treatment plan yet. A clinician proposes one on the Treatment tab; its estimate is made here.'),
      h('button', { type: 'button', class: 'btn btn-quiet', on: { click: () => panel.close() } }, 'Close'));
  }
  const summary = errorSummary();
  const bio = (id) => (state.cat.biologics.find(([b]) => b === id) || [id, id])[1];
  const planLabel = (pl) => `${pl.protocol_title || pl.protocol}: ${bio(pl.biologic)}, from ${pl.start_date} (${PLAN_STATUS_WORDS[pl.status]})`;
  const form = h('form', { class: 'inline-form estimate-form', novalidate: true, 'data-testid': 'estimate-form' },
    h('h3', {}, 'Make an estimate'),
    h('p', { class: 'hint' }, 'Every step still to come is priced from today\u2019s price list, as it would be invoiced. The estimate is kept as made.'),
    summary,
    h('div', { class: 'grid' },
      field({ label: 'Plan', name: 'plan_id', required: true, wide: true,
        choices: [...(usable.length > 1 ? [['', 'Choose a plan…']] : []), ...usable.map((pl) => [pl.id, planLabel(pl)])] }),
      field({ label: 'Valid for (days)', name: 'valid_days', inputmode: 'numeric', value: '30', narrow: true,
        hint: '1 to 180 days.' }),
      field({ label: 'Note (optional)', name: 'note', type: 'textarea', rows: 2, maxlength: 1000, wide: true })),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'estimate-save' }, 'Make the estimate'),
      h('button', { type: 'button', class: 'btn btn-quiet', on: { click: () => panel.close() } }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    const planId = valueOf(form, 'plan_id');
    const days = valueOf(form, 'valid_days');
    const errors = [];
    if (!planId) errors.push({ path: 'plan_id', message: 'is needed: choose the plan to estimate' });
    if (days && !/^\d{1,3}$/.test(days)) errors.push({ path: 'valid_days', message: 'must be a whole number of days, 1 to 180' });
    if (errors.length) {
      showProblem(form, summary, { problem: { errors } });
      return;
    }
    const body = {};
    if (days) body.valid_days = Number(days);
    if (valueOf(form, 'note')) body.note = valueOf(form, 'note');
    await busy(form, async () => {
      let r;
      try {
        r = await post(`/api/v1/plans/${planId}/estimates`, body);
      } catch (e) {
        if (e.status === 409 && Array.isArray(e.problem.missing)) {
          const missing = e.problem.missing.map((m) => h('li', { 'data-testid': 'missing-price' }, itemWords(state.cat, m)));
          e.problem = { title: 'Prices missing',
            detail: `These have no price in force today, so the plan cannot be estimated yet. ${
              ctx.session.can('price.admin') ? 'Set them on the Prices page.' : 'Ask an admin to set them on the Prices page.'}` };
          showProblem(form, summary, e, h('ul', { class: 'missing-list' }, missing));
          return;
        }
        showProblem(form, summary, e);
        return;
      }
      markSaved(form);
      panel.close();
      await done(r.body);
    });
  });
  return form;
}

// One estimate as made: its lines by due date, optional steps apart, the totals, the validity,
// what is not included, and next to each other the expected results and the adverse events, each
// as the API's statement (a rate is never shown without its n and interval).
function showEstimate(state, slot, e, opener = null) {
  const cur = e.currency;
  const lineRows = (lines) => lines.map((l) => h('tr', { 'data-testid': 'estimate-line' },
    h('td', { class: 'mono' }, l.due_date),
    h('td', {}, h('span', { class: 'rec-name' }, STEP_KIND_LABELS[l.kind] || l.kind),
      l.items.map((it) => h('span', { class: 'sub' }, `${it.label || itemWords(state.cat, it)}: ${money(it.amount, cur)}`))),
    h('td', { class: 'num' }, amountEl(l.amount, cur))));
  const table = (lines, caption) => stacked(h('table', { class: 'data costs estimate-lines' },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Due'), h('th', { scope: 'col' }, 'Step'),
      h('th', { scope: 'col', class: 'num' }, 'Amount'))),
    h('tbody', {}, lineRows(lines))));
  const required = e.lines.filter((l) => !l.optional);
  const optional = e.lines.filter((l) => l.optional);
  const close = h('button', { type: 'button', class: 'btn btn-quiet btn-small' }, 'Close');
  const box = h('article', { class: 'estimate', 'data-testid': 'estimate', 'data-id': e.id, tabindex: '-1',
    'aria-labelledby': `est-${e.id}` },
    h('div', { class: 'cost-head' },
      h('h3', { id: `est-${e.id}` }, `Estimate: ${e.plan.title || e.plan.protocol_id}`),
      h('div', { class: 'cost-tools' },
        h('a', { class: 'btn btn-primary btn-small', href: `/api/v1/estimates/${e.id}.pdf`, download: true,
          'data-testid': 'estimate-pdf' }, 'Print (PDF)'), close)),
    h('p', { class: 'muted' }, `${e.plan.biologic_label || e.plan.biologic}. Prices of ${e.prices_on}; valid until `,
      h('strong', { 'data-testid': 'estimate-valid' }, e.valid_until), '.'),
    required.length ? table(required, 'Steps of the plan still to come') : h('p', { class: 'empty-inline' }, 'No required step is left to do.'),
    optional.length ? [h('h4', {}, 'Optional steps (only if decided on)'), table(optional, 'Optional steps')] : null,
    h('dl', { class: 'estimate-totals' },
      h('div', {}, h('dt', {}, 'Total'), h('dd', {}, amountEl(e.total, cur, { 'data-testid': 'estimate-total' }))),
      optional.length ? h('div', {}, h('dt', {}, 'Optional steps'), h('dd', {}, amountEl(e.total_optional, cur))) : null,
      optional.length ? h('div', {}, h('dt', {}, 'Total with optional steps'), h('dd', {}, amountEl(e.total_with_optional, cur))) : null),
    e.note ? h('p', {}, h('strong', {}, 'Note: '), e.note) : null,
    h('div', { class: 'estimate-facts' },
      h('section', { class: 'estimate-fact', 'data-testid': 'estimate-results' },
        h('h4', {}, 'What results to expect'),
        h('p', {}, e.expected_results ? e.expected_results.statement : 'Not available.')),
      h('section', { class: 'estimate-fact', 'data-testid': 'estimate-adverse' },
        h('h4', {}, 'Side effects seen at this clinic'),
        h('p', {}, e.adverse_events ? e.adverse_events.statement : 'Not available.'))),
    e.not_included && e.not_included.length
      ? [h('h4', {}, 'Not included'), h('ul', { class: 'not-included' }, e.not_included.map((t) => h('li', {}, t)))] : null);
  close.addEventListener('click', () => {
    fill(slot);
    if (opener && opener.isConnected) opener.focus();
  });
  box.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') close.click(); });
  fill(slot, box);
  box.focus();
  box.scrollIntoView({ block: 'nearest' });
}
