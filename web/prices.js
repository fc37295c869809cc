// The price list (/prices?on=DATE, /prices?history=1): the prices in force on a date (GET
// /api/v1/prices?on=), by kind (visits = appointment types, procedures per biologic, tests), or
// every price ever set; for admins (price.admin) "Set a price", which adds one (PUT
// /api/v1/prices {items: [...]}). Prices are history: one already set for that item and date is
// a 409, said plainly. Amounts are typed as text and sent as integers in minor units (money.js).

import { get, api } from './api.js';
import { h, add, fill, todayText, roleLabel, stacked, highlight } from './dom.js';
import { field, errorSummary, showProblem, clearErrors, valueOf, busy, checkbox } from './form.js';
import { markSaved } from './guard.js';
import { amountEl, parseAmount, exponentOf } from './money.js';
import { catalogues, itemLabel, KIND_LABELS, inlinePanel, stampText } from './billing-parts.js';

const KINDS = [
  ['appointment', 'Visits', 'Each appointment type; an injection visit may be priced per biologic.'],
  ['procedure', 'Procedures', 'Blood draw, harvest, processing and injection, per biologic or for any biologic.'],
  ['test', 'Tests', 'Tests and measurements recorded in the work-up.'],
];

export async function pricesView(ctx) {
  const { root, session } = ctx;
  ctx.title('Prices');
  const head = h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, 'Prices'));
  add(root, head);
  if (!session.can('price.read')) {
    add(root, h('div', { class: 'empty', 'data-testid': 'no-price-access' },
      h('h2', {}, 'No price list for your role'),
      h('p', {}, `Your role (${roleLabel(session.me.role)}) does not include prices.`)));
    return;
  }
  const params = new URLSearchParams(location.search);
  const history = params.get('history') === '1';
  // Without a date the server answers the clinic's today (its zone, not this browser's).
  const on = /^\d{4}-\d{2}-\d{2}$/.test(params.get('on') || '') ? params.get('on') : null;

  const filter = h('form', { class: 'price-filter', novalidate: true, 'data-no-guard': true, 'data-testid': 'price-filter' },
    field({ label: 'Prices in force on', name: 'on', type: 'date', value: on || '' }),
    checkbox({ name: 'history', label: 'Show the history: every price ever set', checked: history }),
    h('button', { type: 'submit', class: 'btn btn-quiet' }, 'Show'));
  filter.elements.on.disabled = history;
  filter.elements.history.addEventListener('change', () => { filter.elements.on.disabled = filter.elements.history.checked; });
  filter.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const day = filter.elements.on.value;
    const q = filter.elements.history.checked ? '?history=1' : day ? `?on=${encodeURIComponent(day)}` : '';
    ctx.navigate(`/prices${q}`);
  });

  const setButton = session.can('price.admin')
    ? h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'set-price', 'aria-expanded': 'false' }, 'Set a price')
    : null;
  const setSlot = h('div', { class: 'panel' });
  const list = h('div', { class: 'price-list', 'data-testid': 'price-list', 'aria-live': 'polite' },
    h('p', { class: 'loading' }, 'Loading…'));
  add(root, h('section', { class: 'card', 'aria-label': 'Price list' },
    h('div', { class: 'cost-head' }, filter, setButton ? h('div', { class: 'cost-tools' }, setButton) : null),
    setSlot, list));

  let cat;
  let body;
  try {
    [cat, body] = await Promise.all([catalogues(),
      get(history ? '/api/v1/prices?history=1' : `/api/v1/prices${on ? `?on=${encodeURIComponent(on)}` : ''}`).then((r) => r.body)]);
  } catch (e) {
    if (!ctx.isCurrent()) return;
    throw e;
  }
  if (!ctx.isCurrent()) return;
  if (body.on) filter.elements.on.value = body.on;
  fill(list, priceTables(cat, body, history));
  if (fresh) highlight(list, fresh);
  fresh = null;
  if (setButton) {
    const panel = inlinePanel(setButton, setSlot);
    setButton.addEventListener('click', () => {
      if (panel.isOpen) panel.close();
      else panel.open(priceForm(ctx, cat, body.currency, body.on || todayText(), panel));
    });
  }
}

const biologicLabel = (cat, id) => (cat.biologics.find(([b]) => b === id) || [id, id])[1];

// The price saved last, marked in the list shown next.
let fresh = null;

function priceTables(cat, body, history) {
  const status = h('p', { class: 'result-status', role: 'status', 'data-testid': 'price-status' },
    history ? `Every price ever set, in ${body.currency}. Older prices are kept: a new price takes effect from its date.`
      : `Prices in force on ${body.on}, in ${body.currency}.`);
  const groups = KINDS.map(([kind, title, hint]) => {
    const items = body.items.filter((p) => p.kind === kind);
    items.sort((a, b) => itemLabel(cat, a).localeCompare(itemLabel(cat, b)) || (a.biologic ? 1 : 0) - (b.biologic ? 1 : 0)
      || a.effective_from.localeCompare(b.effective_from));
    return h('section', { class: 'price-group', 'data-testid': `prices-${kind}` },
      h('h2', {}, title),
      h('p', { class: 'hint' }, hint),
      items.length ? stacked(h('table', { class: 'data prices' },
        h('caption', { class: 'visually-hidden' }, `${title}: prices`),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'Item'), h('th', { scope: 'col' }, 'Biologic'),
          h('th', { scope: 'col' }, 'Label on invoices'), h('th', { scope: 'col' }, 'Effective from'),
          history ? h('th', { scope: 'col' }, 'Set') : null,
          h('th', { scope: 'col', class: 'num' }, 'Amount'))),
        h('tbody', {}, items.map((p) => h('tr', { 'data-id': p.id, 'data-testid': 'price-row', 'data-code': p.code,
          'data-kind': p.kind },
          h('td', {}, itemLabel(cat, { kind: p.kind, code: p.code })),
          h('td', {}, p.biologic ? biologicLabel(cat, p.biologic) : h('span', { class: 'muted' }, 'Any')),
          h('td', {}, p.label || h('span', { class: 'muted' }, '—')),
          h('td', { class: 'mono' }, p.effective_from),
          history ? h('td', { class: 'mono' }, stampText(p.created_at)) : null,
          h('td', { class: 'num' }, amountEl(p.amount, p.currency, { 'data-testid': 'price-amount' })))))))
        : h('p', { class: 'empty-inline', 'data-testid': `no-prices-${kind}` },
          history ? `No ${title.toLowerCase()} priced yet.` : `No ${title.toLowerCase()} priced on this date.`));
  });
  return [status, groups];
}

// The form that sets one price. Field names are the API's paths (items[0].amount), so each 422
// error lands at its field.
function priceForm(ctx, cat, currency, today, panel) {
  const P = 'items[0].';
  const summary = errorSummary();
  const kind = field({ label: 'Kind', name: `${P}kind`, required: true,
    choices: [['', 'Choose…'], ...Object.entries(KIND_LABELS)] });
  const code = field({ label: 'Item', name: `${P}code`, required: true, choices: [['', 'Choose a kind first']] });
  const bio = field({ label: 'Biologic', name: `${P}biologic`, choices: [['', 'Any biologic'], ...cat.biologics],
    hint: 'A price for one biologic wins over the price for any biologic.' });
  const exp = exponentOf(currency);
  const amount = field({ label: `Amount (${currency})`, name: `${P}amount`, required: true, inputmode: 'decimal',
    hint: exp ? `For example 1,250.${'0'.repeat(exp)}` : 'Whole amounts, for example 8,000', narrow: true });
  const from = field({ label: 'Effective from', name: `${P}effective_from`, type: 'date', required: true, value: today,
    hint: 'A price set for a date never replaces another: the newest in force on a day applies.' });
  const label = field({ label: 'Label on invoices (optional)', name: `${P}label`, maxlength: 200 });
  const form = h('form', { class: 'inline-form price-form', novalidate: true, 'data-testid': 'price-form' },
    h('h2', {}, 'Set a price'),
    summary,
    h('div', { class: 'grid' }, kind, code, bio, amount, from, label),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'price-save' }, 'Save price'),
      h('button', { type: 'button', class: 'btn btn-quiet', on: { click: () => panel.close() } }, 'Cancel')));
  const el = (n) => form.elements.namedItem(`${P}${n}`);
  const bioWrap = bio;
  const syncCode = () => {
    const k = el('kind').value;
    fill(el('code'), h('option', { value: '' }, k ? 'Choose…' : 'Choose a kind first'),
      (cat[k] || []).map(([c, l]) => h('option', { value: c }, l)));
    syncBio();
  };
  // Only procedures and the injection visit are priced per biologic.
  const syncBio = () => {
    const k = el('kind').value;
    bioWrap.hidden = !(k === 'procedure' || (k === 'appointment' && el('code').value === 'injection'));
    if (bioWrap.hidden) el('biologic').value = '';
  };
  el('kind').addEventListener('change', syncCode);
  el('code').addEventListener('change', syncBio);
  syncBio();

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    const parsed = parseAmount(valueOf(form, `${P}amount`), currency);
    const errors = [];
    if (!el('kind').value) errors.push({ path: `${P}kind`, message: 'is needed: visit, procedure or test' });
    if (!el('code').value) errors.push({ path: `${P}code`, message: 'is needed' });
    if (parsed.error) errors.push({ path: `${P}amount`, message: parsed.error });
    if (!el('effective_from').value) errors.push({ path: `${P}effective_from`, message: 'is needed: a date YYYY-MM-DD' });
    if (errors.length) {
      showProblem(form, summary, { problem: { errors } });
      return;
    }
    const item = { kind: el('kind').value, code: el('code').value, amount: parsed.value,
      effective_from: el('effective_from').value };
    if (el('biologic').value) item.biologic = el('biologic').value;
    if (valueOf(form, `${P}label`)) item.label = valueOf(form, `${P}label`);
    await busy(form, async () => {
      let r;
      try {
        r = await api('PUT', '/api/v1/prices', { body: { items: [item] } });
      } catch (e) {
        if (e.status === 409) {
          e.problem = { title: 'A price is already set for that date',
            detail: `${itemLabel(cat, item)} already has a price taking effect on ${item.effective_from}. `
              + 'Prices are kept as history and never overwritten: choose another "Effective from" date for the new price.' };
        }
        showProblem(form, summary, e);
        return;
      }
      markSaved(form);
      ctx.setFlash(`Price saved: ${itemLabel(cat, item)}, from ${item.effective_from}.`);
      // Show the list in force on the new price's date, with the new row marked.
      fresh = r.body.items[0].id;
      ctx.navigate(`/prices?on=${encodeURIComponent(item.effective_from)}`, { force: true });
    });
  });
  return form;
}
