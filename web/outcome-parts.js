// The pieces every outcome report section shares (responders.js, completeness.js,
// outcome-adverse.js): fetching a report for the page's query with the problem in words, the head
// with the status line and the CSV link, the definition list with its "Patients" and "As of"
// entries, and the table cells of a stratum and of a rate with its interval and forest plot. The
// tables share the class outcome-table (style.css); on a phone each row is a card.

import { get } from './api.js';
import { h } from './dom.js';
import { problemBox } from './form.js';
import { forestAxis, forestRow } from './forest.js';
import { variable, valueLabel, filterWords, pct } from './outcome-terms.js';

export const cap = (t) => t.charAt(0).toUpperCase() + t.slice(1);

// Fetches path?query into el, then fills it with view(body, csvHref); an answer that arrives
// after the page moved on is dropped, a refusal or failure shows as the problem in words.
export async function showReport(path, { query, el, isCurrent, signal }, view) {
  const csv = `${path}?${query ? `${query}&` : ''}format=csv`;
  el.setAttribute('aria-busy', 'true');
  let r;
  try {
    r = await get(`${path}${query ? `?${query}` : ''}`, { signal });
  } catch (e) {
    if (e.name === 'AbortError' || !isCurrent()) return;
    el.removeAttribute('aria-busy');
    el.replaceChildren(reportProblem(e));
    return;
  }
  if (!isCurrent()) return;
  el.removeAttribute('aria-busy');
  el.replaceChildren(...[view(r.body, csv)].flat(Infinity).filter(Boolean));
}

const SETTING_LABELS = { milestone: 'Milestone', threshold: 'Threshold', measure: 'Responder by', analysis: 'Analysis',
  min_n: 'Minimum n', by: 'Split by', format: 'Format' };

// A report's refusal or failure: the problem's title and detail; for a 422, instead of the
// detail, each parameter in its words with the server's message.
export function reportProblem(e) {
  const errors = (e.problem && Array.isArray(e.problem.errors)) ? e.problem.errors : [];
  if (!errors.length) return problemBox(e);
  const p = e.problem;
  const label = (path) => SETTING_LABELS[path] || (variable(path) ? variable(path).label : path);
  return h('div', { class: 'problem', role: 'alert', 'data-testid': 'problem' },
    h('h2', {}, p.title || 'Some settings are not valid'),
    h('ul', { 'data-testid': 'problem-errors' }, errors.map((x) => h('li', {}, h('strong', {}, label(x.path)), ` ${x.message}`))),
    p.request_id ? h('p', { class: 'muted small' }, `Request id ${p.request_id}`) : null);
}

// The status line and the CSV link above a report.
export function reportHead(id, status, csv) {
  return h('div', { class: 'report-head' },
    h('p', { class: 'result-status', role: 'status', 'data-testid': `${id}-status` }, status),
    h('a', { href: csv, class: 'btn btn-quiet btn-small', download: `${id}.csv`, 'data-testid': `${id}-csv` }, 'Download CSV'));
}

// The groups a report covers: those its filter names, else the treated only unless it is split
// by group.
export function groupsOf(def) {
  const named = (def.filters || '').split(', ').find((f) => f.startsWith('group='));
  if (named) return named.slice('group='.length).split(',');
  return def.by.includes('group') ? ['treated', 'comparator'] : ['treated'];
}

// "treated " or "comparator " before "patients" when the report covers one group, else ''.
export function groupWord(def) {
  const groups = groupsOf(def);
  return groups.length === 1 ? `${groups[0]} ` : '';
}

const GROUP_TEXT = {
  treated: 'treated patients: at least one regenerative injection that was not voided; day 0 is the first injection',
  comparator: 'comparator patients: a neuropathy diagnosis and no regenerative injection; day 0 is their first clinic '
    + 'pain score (NRS). This is an observational comparison, not a randomised control',
};

// A report's definition in plain words: Patients (the groups and the filters the server applied),
// then the report's own entries ([term, ...content]), then As of.
export function definitionList(id, def, entries) {
  const filters = filterWords(def.filters).filter(([label]) => label !== variable('group').label);
  const item = ([term, ...desc]) => [h('dt', {}, term), h('dd', {}, ...desc)];
  return h('dl', { class: 'definition', 'data-testid': `${id}-definition` },
    item(['Patients', groupsOf(def).map((g) => h('span', { class: 'line', 'data-group': g }, cap(GROUP_TEXT[g] || g), '.')),
      filters.length
        ? h('span', { class: 'line', 'data-testid': 'definition-filters' }, 'Only ',
          filters.map(([label, values]) => `${label.toLowerCase()}: ${values}`).join('; '),
          filters.some(([label]) => label === variable('chronicity').label)
            ? ` (chronic: onset ${def.chronic_months} months or more before day 0).` : '.')
        : null]),
    entries.map(item),
    item(['As of', h('span', { 'data-testid': `${id}-as-of` }, def.as_of), ', computed from the records when this page asked.']));
}

// The stratum of a row: "Biologic: PRP" per variable, or "All"; the comparator's note under it.
export function stratumCell(row, by) {
  const keys = Object.keys(row.stratum);
  const brief = (k) => (variable(k) ? variable(k).brief || variable(k).label : k);
  const label = keys.length
    ? keys.map((k) => h('span', { class: 'line' }, h('span', { class: 'stratum-var' }, `${brief(k)}: `),
      valueLabel(k, row.stratum[k], { short: true })))
    : [h('span', { class: 'line' }, 'All'), by.length ? h('span', { class: 'sub' }, 'every patient in the report') : null];
  return h('td', { class: 'stratum', 'data-testid': 'row-stratum' }, label,
    row.note ? h('span', { class: 'row-note', 'data-testid': 'row-note' }, cap(row.note)) : null);
}

// The rate of a row with its interval, and its forest plot: [rate cell, plot cell]. n: the
// denominator, of: "responders of due" words for the plot's text alternative. Under the
// minimum n: "too few patients" and an empty plot cell.
export function rateCells(row, { n, count, minN }) {
  if (row.insufficient) {
    return [h('td', { class: 'rate insufficient', 'data-testid': 'row-rate' },
      `too few patients (n\u00a0=\u00a0${n}, minimum\u00a0${minN})`),
    h('td', { class: 'forest-cell empty-cell', 'data-label': 'Rate and interval' })];
  }
  const interval = `${pct(row.ci_low)} to ${pct(row.ci_high)}`;
  return [h('td', { class: 'rate', 'data-testid': 'row-rate' },
    h('span', { class: 'rate-value' }, pct(row.rate)),
    h('span', { class: 'sub', 'data-testid': 'row-ci' }, `95\u00a0% CI ${interval}`)),
  h('td', { class: 'forest-cell', 'data-label': 'Rate and interval' },
    forestRow({ rate: row.rate, low: row.ci_low, high: row.ci_high, comparator: !!row.note,
      label: `${pct(row.rate)}, 95\u00a0% interval ${interval}, ${count} of ${n}` }))];
}

// The headings of the rate and plot columns.
export function rateHeads() {
  return [h('th', { scope: 'col', class: 'rate-head' }, 'Rate (95\u00a0% CI)'),
    h('th', { scope: 'col', class: 'forest-head' }, h('span', { class: 'visually-hidden' }, 'Rate and interval on a 0 to 100\u00a0% scale'),
      forestAxis())];
}

// A number cell.
export const numCell = (n, testid, label = null) => h('td', { class: 'num', 'data-testid': testid, 'data-label': label }, String(n));

// colgroup of the column classes (style.css gives each its width).
export const columns = (names) => h('colgroup', {}, names.map((w) => h('col', { class: `col-${w}` })));
