// "Expected results for a patient like this" on the chart's Treatment tab, beside candidacy
// (GET /api/v1/patients/{id}/expected-outcomes): for each biologic, what happened to past patients
// of this clinic with the same etiology, duration band and biologic: the server's statement, the
// responder rate with its exact 95 % interval and n as a forest-plot bar, which criteria were
// dropped to find enough patients, and the adverse events of the same patients. Too few patients
// is said plainly ("Not enough data") with no bar. The basis in small print. For the roles that
// read diagnoses (the answer names the patient's); the card goes away if the server refuses it.

import { get } from './api.js';
import { h, fill, etiologyLabel } from './dom.js';
import { problemBox } from './form.js';
import { forestRow } from './forest.js';
import { valueLabel, pct, plural } from './outcome-terms.js';

// The server's dropped criteria in plain words.
const DROPPED = {
  'duration band (widened to recent / chronic)': 'the duration band (widened to recent or chronic)',
  etiology: 'the cause of the neuropathy',
  chronicity: 'recent or chronic',
};

// A match ({etiology, duration, chronicity}) in words: "diabetic neuropathy, 1 to 5 years since
// onset"; empty: every past patient treated with the biologic.
function matchWords(match) {
  const parts = [];
  if (match.etiology) parts.push(`${etiologyLabel(match.etiology).toLowerCase()} neuropathy`);
  if (match.duration) parts.push(`${valueLabel('duration', match.duration).toLowerCase()} since onset`);
  if (match.chronicity) parts.push(match.chronicity === 'chronic' ? 'chronic (long-standing) neuropathy'
    : match.chronicity === 'recent' ? 'recent neuropathy' : `chronicity ${match.chronicity}`);
  return parts.length ? parts.join(', ') : 'every past patient treated with it, whatever the neuropathy';
}

// This patient as the server matched them.
function patientWords(who) {
  if (!who.etiology) return 'No neuropathy diagnosis with a known cause is recorded, so past patients are matched on the biologic only.';
  const onset = who.duration ? `${valueLabel('duration', who.duration).toLowerCase()} since onset (${who.chronicity})`
    : 'onset not recorded';
  return `This patient: ${etiologyLabel(who.etiology).toLowerCase()} neuropathy, ${onset}.`;
}

function droppedLine(item, minN) {
  if (!item.dropped.length) {
    return h('p', { class: 'expected-match small', 'data-testid': 'expected-match' },
      `Compared with past patients like this one: ${matchWords(item.match)}.`);
  }
  const dropped = item.dropped.map((d) => DROPPED[d] || d);
  return h('p', { class: 'expected-match small', 'data-testid': 'expected-dropped' },
    `Fewer than ${minN} past patients matched on everything, so the match was widened by leaving out `
    + `${dropped.join(', then ')}. Compared with: ${matchWords(item.match)}.`);
}

function adverseLine(item) {
  const ae = item.adverse_events;
  const text = ae.patients === 0 ? 'Adverse events: no past patient to count them from.'
    : `Adverse events among the ${plural(ae.patients, 'past patient', 'past patients')} matched (due at the `
      + `milestone or not yet): `
      + `${ae.patients_with_event} had one, ${ae.patients_with_serious ? `${ae.patients_with_serious} a serious one` : 'none serious'}.`;
  return h('p', { class: 'expected-adverse small', 'data-testid': 'expected-adverse' }, text);
}

function itemView(item, body) {
  const thin = item.insufficient;
  const interval = thin ? null : `${pct(item.ci_low)} to ${pct(item.ci_high)}`;
  return h('article', { class: ['biologic', 'expected-item', thin ? 'expected-thin' : null], 'data-testid': 'expected-item',
    'data-biologic': item.biologic },
  h('h3', {}, item.label),
  h('p', { class: 'expected-statement', 'data-testid': 'expected-statement' },
    thin ? h('strong', { class: 'thin-label' }, 'Not enough data. ') : null,
    thin ? item.statement.replace(/^Not enough data:\s*/, '') : item.statement),
  thin ? null : h('div', { class: 'expected-rate', 'data-testid': 'expected-rate' },
    h('p', { class: 'expected-rate-line' },
      h('span', { class: 'rate-value' }, pct(item.rate)), ' improved ',
      h('span', { class: 'sub' }, '(', h('span', { 'data-testid': 'expected-ci' }, `95\u00a0% CI ${interval}`), '), ',
        h('span', { 'data-testid': 'expected-n' }, `${item.responders} of ${item.denominator}`))),
    forestRow({ rate: item.rate, low: item.ci_low, high: item.ci_high,
      label: `${pct(item.rate)} had pain at least ${body.threshold_percent}\u00a0% lower at day ${body.milestone_day}, `
        + `95\u00a0% interval ${interval}, ${item.responders} of ${item.denominator} past patients` })),
  droppedLine(item, body.min_n),
  adverseLine(item));
}

// Returns {section, start}; start() loads the card. The card is left out for a role without
// condition.read, and removed when the server refuses it.
export function expectedSection(ctx, p) {
  if (!ctx.session.can('condition.read')) return { section: null, start: async () => {} };
  const body = h('div', { 'data-testid': 'expected-body' }, h('p', { class: 'muted' }, 'Loading…'));
  const section = h('section', { class: 'card expected', 'aria-labelledby': 'expected-heading', 'data-testid': 'expected-results' },
    h('h2', { id: 'expected-heading' }, 'Expected results for a patient like this'),
    h('p', { class: 'hint section-hint' }, 'What happened to past patients of this clinic with the same kind of neuropathy, '
      + 'for each biologic. An observational estimate from few patients, not a promise and not a comparison of the '
      + 'biologics.'),
    body);
  async function start() {
    let r;
    try {
      r = (await get(`/api/v1/patients/${p.id}/expected-outcomes`)).body;
    } catch (e) {
      if (!ctx.isCurrent()) return;
      if (e.status === 403) section.remove();
      else fill(body, problemBox(e));
      return;
    }
    if (!ctx.isCurrent()) return;
    fill(body,
      h('p', { class: 'expected-who', 'data-testid': 'expected-who' }, patientWords(r.patient)),
      h('div', { class: 'biologics' }, r.items.map((item) => itemView(item, r))),
      h('p', { class: 'expected-basis small muted', 'data-testid': 'expected-basis' },
        `Basis: ${r.basis.replace(/\bmin_n\b/g, String(r.min_n))}. Improved: pain at least ${r.threshold_percent}\u00a0% lower at day ${r.milestone_day} than `
        + `before treatment; a rate needs at least ${r.min_n} past patients. As of ${r.as_of}.`));
  }
  return { section, start };
}
