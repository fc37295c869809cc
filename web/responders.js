// The responder table of the outcomes page (GET /api/v1/outcomes/responders): which patients and
// which rule in plain words, then one row per stratum with responders of the patients counted,
// the rate with its exact 95 % interval, a forest plot on a shared 0-100 % scale, and the counts
// behind it (patients, due, not evaluable, missing). A rate never appears without its numerator,
// denominator and interval; a stratum under the minimum n says so instead of giving one.
// Comparator rows carry the server's note. On a phone the table becomes one card per stratum.

import { get } from './api.js';
import { h, stacked } from './dom.js';
import { forestAxis, forestRow } from './forest.js';
import { variable, valueLabel, filterWords, pct, plural, reportProblem } from './outcome-terms.js';

const REPORT = '/api/v1/outcomes/responders';

export const respondersSection = {
  id: 'responders',
  title: 'Responders',
  hint: 'The share of patients whose pain fell by the threshold (or who felt much improved) at a milestone.',
  render: renderResponders,
};

// Fills el with the report for query (the page's query string, without format); throws nothing:
// a refusal or a failure shows as the problem's title and detail.
async function renderResponders({ query, el, isCurrent, signal }) {
  const csv = `${REPORT}?${query ? `${query}&` : ''}format=csv`;
  el.setAttribute('aria-busy', 'true');
  let r;
  try {
    r = await get(`${REPORT}${query ? `?${query}` : ''}`, { signal });
  } catch (e) {
    if (e.name === 'AbortError' || !isCurrent()) return;
    el.removeAttribute('aria-busy');
    el.replaceChildren(reportProblem(e));
    return;
  }
  if (!isCurrent()) return;
  el.removeAttribute('aria-busy');
  el.replaceChildren(...reportView(r.body, csv));
}

// The groups a report covers: those its filter names, else the treated only unless it is split
// by group.
function groupsOf(def) {
  const named = (def.filters || '').split(', ').find((f) => f.startsWith('group='));
  if (named) return named.slice('group='.length).split(',');
  return def.by.includes('group') ? ['treated', 'comparator'] : ['treated'];
}

function reportView(body, csv) {
  const def = body.definition;
  const all = body.rows[0];
  const groups = groupsOf(def);
  const who = groups.length === 1 ? `${groups[0]} ` : '';
  const day = def.milestone_day;
  const status = all.patients === 0
    ? `No ${who}patients match these filters.`
    : `${plural(all.due, 'patient is', 'patients are')} due at day ${day}, of ${plural(all.patients, `${who}patient`, `${who}patients`)} in the report.`;
  const head = h('div', { class: 'report-head' },
    h('p', { class: 'result-status', role: 'status', 'data-testid': 'responders-status' }, status),
    h('a', { href: csv, class: 'btn btn-quiet btn-small', download: 'responders.csv', 'data-testid': 'responders-csv' },
      'Download CSV'));
  const parts = [head, definitionView(def, groups)];
  if (all.patients === 0) {
    parts.push(h('div', { class: 'empty', 'data-testid': 'responders-empty' },
      h('h3', {}, `No ${who}patients match these filters`),
      h('p', {}, 'Remove a filter or choose another group to see more patients.')));
  } else if (all.due === 0) {
    parts.push(h('div', { class: 'empty', 'data-testid': 'responders-empty' },
      h('h3', {}, `No ${who}patients are due at ${day} days yet`),
      h('p', {}, `A patient is due once the window around day ${day} has closed (day ${day + def.window_days} after day 0). `
        + `${plural(all.patients, 'patient matches', 'patients match')} the filters; none has reached it.`)));
  } else {
    parts.push(tableView(body));
  }
  return parts;
}

// Which patients, which rule, what is counted and when, in plain words.
function definitionView(def, groups) {
  const day = def.milestone_day;
  const from = day - def.window_days;
  const to = day + def.window_days;
  const groupText = {
    treated: 'treated patients: at least one regenerative injection that was not voided; day 0 is the first injection',
    comparator: 'comparator patients: a neuropathy diagnosis and no regenerative injection; day 0 is their first clinic '
      + 'pain score (NRS). This is an observational comparison, not a randomised control',
  };
  const filters = filterWords(def.filters).filter(([label]) => label !== variable('group').label);
  const rule = def.measure === 'pgic'
    ? `the patient\u2019s global impression of change (PGIC) is \u201cmuch improved\u201d or \u201cvery much improved\u201d: `
      + `the answer nearest day ${day}, from day ${from} to day ${to}.`
    : `pain (NRS 0-10) at day ${day} is at least ${def.threshold_percent}\u00a0% below the baseline. The day-${day} value is `
      + `the reading nearest day ${day}, from day ${from} to day ${to}; the baseline is the mean of the readings from `
      + '14 days before day 0 to day 0 (else the latest from day -30 to day -15).';
  const lost = def.measure === 'pgic' ? 'those without an answer in the window'
    : 'those without a baseline (not evaluable) or without a reading in the window (missing)';
  const counted = def.analysis === 'primary'
    ? `every patient who is due at day ${day} (the window has closed); ${lost} count as not responding. `
      + 'This is the primary analysis.'
    : `only the patients with a value in the window${def.measure === 'pgic' ? '' : ' and a baseline'}: observed cases, `
      + 'a sensitivity analysis that leaves out the missing and so tends to look better.';
  const item = (term, ...desc) => [h('dt', {}, term), h('dd', {}, ...desc)];
  return h('dl', { class: 'definition', 'data-testid': 'responders-definition' },
    item('Patients', groups.map((g) => h('span', { class: 'line', 'data-group': g }, cap(groupText[g] || g), '.')),
      filters.length
        ? h('span', { class: 'line', 'data-testid': 'definition-filters' }, 'Only ',
          filters.map(([label, values]) => `${label.toLowerCase()}: ${values}`).join('; '),
          filters.some(([label]) => label === variable('chronicity').label)
            ? ` (chronic: onset ${def.chronic_months} months or more before day 0).` : '.')
        : null),
    item('Responder', cap(rule)),
    item('Counted', cap(counted)),
    item('Interval', `${cap(def.interval)} interval. A rate is shown only when at least ${def.min_n} patients are counted.`),
    item('As of', h('span', { 'data-testid': 'responders-as-of' }, def.as_of),
      ', computed from the records when this page asked.'));
}

const cap = (t) => t.charAt(0).toUpperCase() + t.slice(1);

function strataCell(row, by) {
  const keys = Object.keys(row.stratum);
  const label = keys.length
    ? keys.map((k) => h('span', { class: 'line' }, h('span', { class: 'stratum-var' }, `${variable(k) ? variable(k).brief || variable(k).label : k}: `),
      valueLabel(k, row.stratum[k], { short: true })))
    : [h('span', { class: 'line' }, 'All'), by.length ? h('span', { class: 'sub' }, 'every patient in the report') : null];
  return h('td', { class: 'stratum', 'data-testid': 'row-stratum' }, label,
    row.note ? h('span', { class: 'row-note', 'data-testid': 'row-note' }, cap(row.note)) : null);
}

function rateCell(row, minN) {
  if (row.insufficient) {
    return h('td', { class: 'rate insufficient', 'data-testid': 'row-rate' },
      `too few patients (n\u00a0=\u00a0${row.denominator}, minimum\u00a0${minN})`);
  }
  return h('td', { class: 'rate', 'data-testid': 'row-rate' },
    h('span', { class: 'rate-value' }, pct(row.rate)),
    h('span', { class: 'sub', 'data-testid': 'row-ci' }, `95\u00a0% CI ${pct(row.ci_low)} to ${pct(row.ci_high)}`));
}

function plotCell(row) {
  if (row.insufficient) return h('td', { class: 'forest-cell empty-cell', 'data-label': 'Rate and interval' });
  const label = `${pct(row.rate)}, 95\u00a0% interval ${pct(row.ci_low)} to ${pct(row.ci_high)}, `
    + `${row.responders} of ${row.denominator}`;
  return h('td', { class: 'forest-cell', 'data-label': 'Rate and interval' },
    forestRow({ rate: row.rate, low: row.ci_low, high: row.ci_high, label, comparator: !!row.note }));
}

function tableView(body) {
  const def = body.definition;
  const counted = def.analysis === 'primary' ? 'due' : 'observed';
  const num = (n, testid) => h('td', { class: 'num', 'data-testid': testid }, String(n));
  const rows = body.rows.map((row, i) => h('tr', {
    class: [i === 0 ? 'row-all' : null, row.note ? 'row-comparator' : null, row.insufficient ? 'row-insufficient' : null],
    'data-testid': 'responder-row', 'data-stratum': JSON.stringify(row.stratum) },
  strataCell(row, def.by),
  h('td', { class: 'num responders', 'data-testid': 'row-responders', 'data-label': `Responders of ${counted}` },
    `${row.responders} of ${row.denominator}`),
  rateCell(row, def.min_n),
  plotCell(row),
  num(row.patients, 'row-patients'),
  num(row.due, 'row-due'),
  num(row.not_evaluable, 'row-not-evaluable'),
  num(row.missing, 'row-missing')));
  const what = def.measure === 'pgic' ? 'PGIC much improved or better' : `NRS down ${def.threshold_percent}\u00a0% or more`;
  const widths = ['stratum', 'responders', 'rate', 'forest', 'patients', 'due', 'not-evaluable', 'missing'];
  return h('div', { class: 'table-wrap' }, stacked(h('table', { class: 'data responders-table', 'data-testid': 'responders-table' },
    h('colgroup', {}, widths.map((w) => h('col', { class: `col-${w}` }))),
    h('caption', { class: 'visually-hidden' }, `Responders at day ${def.milestone_day} (${what}), as of ${def.as_of}`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Stratum'),
      h('th', { scope: 'col', class: 'num' }, 'Responders', h('span', { class: 'th-sub' }, `of ${counted}`)),
      h('th', { scope: 'col', class: 'rate-head' }, 'Rate (95\u00a0% CI)'),
      h('th', { scope: 'col', class: 'forest-head' }, h('span', { class: 'visually-hidden' }, 'Rate and interval on a 0 to 100\u00a0% scale'),
        forestAxis()),
      h('th', { scope: 'col', class: 'num' }, 'Patients'),
      h('th', { scope: 'col', class: 'num' }, 'Due'),
      h('th', { scope: 'col', class: 'num' }, 'Not evaluable'),
      h('th', { scope: 'col', class: 'num' }, 'Missing'))),
    h('tbody', {}, rows))));
}
