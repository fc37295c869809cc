// The day's closing (/takings?date=YYYY-MM-DD, billing.read): per method what was received,
// refunded and the net, the totals, and every payment of the day with the patient's name and MRN
// (GET /api/v1/reports/takings; voided ones are listed, struck through, and not counted). The day
// is the clinic's, in its time zone.

import { get } from './api.js';
import { h, add, fill, link, roleLabel, stacked } from './dom.js';
import { field } from './form.js';
import { patientName } from './patients.js';
import { amountEl } from './money.js';
import { METHODS, methodLabel, stampText } from './billing-parts.js';

export async function takingsView(ctx) {
  const { root, session } = ctx;
  ctx.title('Takings');
  add(root, h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, 'Takings')));
  if (!session.can('billing.read')) {
    add(root, h('div', { class: 'empty', 'data-testid': 'no-takings-access' },
      h('h2', {}, 'No takings for your role'),
      h('p', {}, `Your role (${roleLabel(session.me.role)}) does not include billing.`)));
    return;
  }
  const asked = new URLSearchParams(location.search).get('date');
  // Without a date the server answers the clinic's today (its zone, not this browser's).
  const date = /^\d{4}-\d{2}-\d{2}$/.test(asked || '') ? asked : null;
  const form = h('form', { class: 'price-filter', novalidate: true, 'data-no-guard': true, 'data-testid': 'takings-filter' },
    field({ label: 'Day', name: 'date', type: 'date', value: date || '' }),
    h('button', { type: 'submit', class: 'btn btn-quiet' }, 'Show'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const day = form.elements.date.value;
    ctx.navigate(day ? `/takings?date=${encodeURIComponent(day)}` : '/takings');
  });
  const out = h('div', { 'data-testid': 'takings', 'aria-live': 'polite' }, h('p', { class: 'loading' }, 'Loading…'));
  add(root, h('section', { class: 'card', 'aria-label': 'The day\u2019s closing' }, form, out));
  const t = (await get(`/api/v1/reports/takings${date ? `?date=${encodeURIComponent(date)}` : ''}`)).body;
  if (!ctx.isCurrent()) return;
  form.elements.date.value = t.date;
  fill(out, takingsTables(t));
}

function takingsTables(t) {
  const cur = t.currency;
  const methodRows = METHODS.map(([m]) => {
    const x = t.methods[m] || { received: 0, refunded: 0, net: 0, count: 0 };
    return h('tr', { 'data-testid': 'takings-method', 'data-method': m },
      h('th', { scope: 'row' }, methodLabel(m)),
      h('td', { class: 'num' }, String(x.count)),
      h('td', { class: 'num' }, amountEl(x.received, cur)),
      h('td', { class: 'num' }, amountEl(x.refunded, cur)),
      h('td', { class: 'num' }, amountEl(x.net, cur, { 'data-testid': 'takings-net' })));
  });
  const summary = h('table', { class: 'data costs takings-methods', 'data-testid': 'takings-methods' },
    h('caption', {}, `Closing of ${t.date}, in ${cur}`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Method'), h('th', { scope: 'col', class: 'num' }, 'Payments'),
      h('th', { scope: 'col', class: 'num' }, 'Received'), h('th', { scope: 'col', class: 'num' }, 'Refunded'),
      h('th', { scope: 'col', class: 'num' }, 'Net'))),
    h('tbody', {}, methodRows),
    h('tfoot', {}, h('tr', { 'data-testid': 'takings-total' },
      h('th', { scope: 'row' }, 'All'), h('td', { class: 'num' }, String(t.count)),
      h('td', { class: 'num' }, amountEl(t.received, cur)), h('td', { class: 'num' }, amountEl(t.refunded, cur)),
      h('td', { class: 'num' }, amountEl(t.net, cur, { 'data-testid': 'takings-total-net' })))));
  // Stacked on a phone, the totals row too.
  stacked(summary);
  const heads = [...summary.querySelectorAll('thead th')].map((th) => th.textContent);
  for (const tr of summary.querySelectorAll('tfoot tr')) [...tr.cells].forEach((c, i) => c.setAttribute('data-label', heads[i]));
  if (!t.items.length) {
    return [summary, h('p', { class: 'empty-inline', 'data-testid': 'no-takings' }, `No payments on ${t.date}.`)];
  }
  const list = stacked(h('table', { class: 'data costs', 'data-testid': 'takings-items' },
    h('caption', { class: 'visually-hidden' }, `Payments of ${t.date}`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Time'), h('th', { scope: 'col' }, 'Patient'),
      h('th', { scope: 'col' }, 'Kind'), h('th', { scope: 'col' }, 'Method'), h('th', { scope: 'col', class: 'num' }, 'Amount'))),
    h('tbody', {}, t.items.map((x) => h('tr', { 'data-testid': 'takings-row', 'data-id': x.id, 'data-status': x.status,
      class: x.status === 'voided' ? 'struck' : null },
      h('td', { class: 'mono' }, stampText(x.received_at).slice(11)),
      h('td', {}, link(`/patients/${x.patient.id}/billing`, patientName(x.patient), { class: 'patient-link' }),
        h('span', { class: 'sub' }, 'MRN ', h('span', { class: 'mono', 'data-testid': 'takings-mrn' }, x.patient.mrn))),
      h('td', {}, x.kind === 'refund' ? 'Refund' : 'Payment', x.reason ? h('span', { class: 'sub' }, x.reason) : null,
        x.status === 'voided' ? h('span', { class: 'void-note' }, `Voided${x.void_reason ? `: ${x.void_reason}` : ''}`) : null),
      h('td', {}, methodLabel(x.method), x.reference ? h('span', { class: 'sub' }, x.reference) : null),
      h('td', { class: 'num' }, amountEl(x.amount, cur)))))));
  return [summary, h('h2', { class: 'takings-list-head' }, 'Payments of the day'), list];
}
