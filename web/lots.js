// The lot recall page (/lots?lot=…): a lot number looked up across every patient (GET
// /api/v1/lots/{lot}), listing each processing and injection that used it, oldest first, with
// how it was used (the kit lot of a processing, or among an injection's lot numbers) and the
// patient; voided records are left out and counted. For clinicians, nurses and admin
// (clinical.read); the server audits each patient's records read.

import { get } from './api.js';
import { h, add, fill, link, roleLabel, stacked } from './dom.js';
import { field, errorSummary, showProblem, clearErrors, valueOf, busy } from './form.js';
import { procedureKindLabel, procedureFacts } from './procedures.js';
import { patientName } from './patients.js';

const USED_AS = { kit_lot: 'Kit lot', lot_numbers: 'Lot number used' };
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

export async function lotView(ctx) {
  const { root, session } = ctx;
  ctx.title('Lot recall');
  add(root, h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, 'Lot recall')));
  if (!session.can('clinical.read')) {
    add(root, h('div', { class: 'empty', 'data-testid': 'no-lot-access' },
      h('h2', {}, 'No lot lookup for your role'),
      h('p', {}, `Your role (${roleLabel(session.me.role)}) does not include procedures; a clinician, nurse or admin can look up a lot.`)));
    return;
  }
  const summary = errorSummary();
  const form = h('form', { class: 'lot-search', novalidate: true, role: 'search', 'data-testid': 'lot-form' },
    summary,
    h('div', { class: 'search-row' },
      field({ label: 'Lot number', name: 'lot', maxlength: 64, spellcheck: false,
        hint: 'The kit lot of a processing, or a lot number recorded with an injection, exactly as written.' }),
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'lot-lookup' }, 'Look up')));
  const result = h('div', { class: 'lot-result', 'data-testid': 'lot-result' });
  add(root, h('section', { class: 'card', 'aria-label': 'Lot lookup' },
    h('p', { class: 'hint section-hint' },
      'Every processing and injection, of any patient, that used the lot: for a recall or a supplier\u2019s notice. '
      + 'Each patient whose records are listed is noted in the audit log.'),
    form, result));
  const input = form.elements.namedItem('lot');

  async function lookUp(lot) {
    clearErrors(form, summary);
    const local = localProblem(lot);
    if (local) {
      fill(result);
      showProblem(form, summary, { problem: { errors: [{ path: 'lot', message: local }] } });
      return;
    }
    const url = `/lots?lot=${encodeURIComponent(lot)}`;
    if (location.pathname + location.search !== url) history.replaceState(null, '', url);
    let r;
    try {
      r = await get(`/api/v1/lots/${encodeURIComponent(lot)}`);
    } catch (e) {
      if (!ctx.isCurrent()) return;
      fill(result);
      showProblem(form, summary, e);
      return;
    }
    if (!ctx.isCurrent()) return;
    fill(result, resultView(r.body));
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(form, () => lookUp(valueOf(form, 'lot')));
  });
  const initial = new URLSearchParams(location.search).get('lot');
  input.focus();
  if (initial) {
    input.value = initial;
    await busy(form, () => lookUp(initial.trim()));
  }
}

// What the lookup cannot send: nothing, or a lot the address cannot carry (a "/" splits the
// path, and "." or ".." are taken as path steps before the server sees them).
function localProblem(lot) {
  if (!lot) return 'is needed: type the lot number to look up';
  if (lot.includes('/') || lot === '.' || lot === '..') {
    return 'cannot be looked up here: it contains "/" or is only dots. Search the procedures of a patient instead.';
  }
  return null;
}

function resultView(body) {
  const voided = body.voided
    ? h('p', { class: 'muted', 'data-testid': 'lot-voided' },
      `${plural(body.voided, 'voided record that named this lot is', 'voided records that named this lot are')} left out.`)
    : null;
  if (!body.items.length) {
    return h('div', { class: 'empty', 'data-testid': 'lot-empty' },
      h('h2', {}, `No processing or injection used lot ${body.lot}`),
      h('p', {}, 'Lots are matched whole and exactly as written; check the spelling on the label.'), voided);
  }
  const patients = new Set(body.items.map((x) => x.patient.id)).size;
  const tbody = h('tbody', {}, body.items.map((x) => h('tr', { 'data-testid': 'lot-row', 'data-kind': x.kind,
    'data-patient': x.patient.id },
    h('td', { class: 'mono' }, x.performed_on),
    h('td', {}, h('span', { class: 'rec-name' }, procedureKindLabel(x.kind)),
      h('span', { class: 'sub', 'data-testid': 'lot-as' }, USED_AS[x.lot_as] || x.lot_as)),
    h('td', {}, link(`/patients/${x.patient.id}`, patientName(x.patient), { class: 'patient-link', 'data-testid': 'lot-patient' }),
      h('span', { class: 'sub' }, 'MRN ', h('span', { class: 'mono' }, x.patient.mrn))),
    h('td', { class: procedureFacts(x).length ? null : 'empty-cell' },
      procedureFacts(x).map((line) => h('span', { class: 'line' }, line))))));
  return [
    h('p', { class: 'result-status', role: 'status', 'data-testid': 'lot-status' },
      `Lot ${body.lot}: ${plural(body.items.length, 'record', 'records')}, ${plural(patients, 'patient', 'patients')}.`),
    stacked(h('table', { class: 'data lots', 'data-testid': 'lot-table' },
      h('caption', { class: 'visually-hidden' }, `Processing and injections that used lot ${body.lot}, oldest first`),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Date'), h('th', { scope: 'col' }, 'Procedure'), h('th', { scope: 'col' }, 'Patient'),
        h('th', { scope: 'col' }, 'Details'))),
      tbody)),
    voided,
  ];
}
