// The pieces every outcome report section shares (responders.js, completeness.js,
// outcome-adverse.js, time-to-response.js, mean-change.js): fetching a report for the page's query
// with the problem in words, the head with the status line and the CSV link, the definition list
// with its "Patients" and "As of" entries, the table cells of a stratum and of a rate with its
// interval and forest plot, and the colour and name of a stratum's line in a plot. The tables
// share the class outcome-table (style.css); on a phone each row is a card.

import { get } from './api.js';
import { h } from './dom.js';
import { s } from './plot.js';
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

// The page's query (a string) without the parameters a report does not take.
export function reportQuery(query, drop) {
  const q = new URLSearchParams(query);
  for (const name of drop) q.delete(name);
  return q.toString().replace(/%2C/g, ',');
}

// The n-th line of a plot (0: every patient in the report, then the strata in the report's order)
// has the colour of class curve-cN (style.css sets --curve); eight colours, then again.
export const curveClass = (i) => `curve-c${i % 8}`;

// A line in the colour of the n-th curve, for a legend or a table (hidden from assistive
// technology: the text beside it names the curve); dashed for the comparator.
export function curveSwatch(i, dashed = false) {
  return s('svg', { class: `legend-symbol curve-key ${curveClass(i)}`, width: 22, height: 12, viewBox: '0 0 22 12',
    'aria-hidden': 'true', focusable: 'false' },
  s('line', { x1: 1, y1: 6, x2: 21, y2: 6, class: 'curve-key-line', 'stroke-dasharray': dashed ? '5 3' : null }));
}

// Whether a row is of comparator patients only, drawn dashed: its stratum says so (group,
// biologic or injections none) or the report covers the comparator alone. A row of both groups
// (every patient, when the report covers both) carries the server's note but is not dashed.
export function comparatorOnly(row, def) {
  if (!row.note) return false;
  const st = row.stratum || {};
  if (st.group === 'comparator' || st.biologic === 'none' || st.injections === 'none') return true;
  const groups = groupsOf(def);
  return groups.length === 1 && groups[0] === 'comparator';
}

// The legend's words after a line with the server's note: the note for a comparator line, else
// that the line mixes both groups.
export function legendNote(row, def) {
  if (!row.note) return null;
  return h('span', { class: 'legend-note', 'data-testid': 'legend-note' },
    comparatorOnly(row, def) ? ` (dashed: ${row.note})` : ' (treated and comparator together)');
}

// A stratum's short name for a legend: "All", "PRP", "Chronic, PRP", "Age under 50".
const NAMED_BY_VALUE = new Set(['group', 'biologic', 'etiology', 'chronicity', 'sex']);
export function curveName(stratum) {
  const keys = Object.keys(stratum);
  if (!keys.length) return 'All';
  return keys.map((k) => {
    const value = valueLabel(k, stratum[k], { short: true });
    if (NAMED_BY_VALUE.has(k) || !variable(k)) return value;
    const brief = variable(k).brief || variable(k).label;
    return `${brief} ${/^[A-Z][a-z]/.test(value) ? value.charAt(0).toLowerCase() + value.slice(1) : value}`;
  }).join(', ');
}
