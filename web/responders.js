// The responder table of the outcomes page (GET /api/v1/outcomes/responders): which patients and
// which rule in plain words, then one row per stratum with responders of the patients counted,
// the rate with its exact 95 % interval, a forest plot on a shared 0-100 % scale, the counts
// behind it (patients, due, not evaluable, missing) and the patients with an adverse event, so
// that benefit is never shown without harm. A rate never appears without its numerator,
// denominator and interval; a stratum under the minimum n says so instead of giving one.
// Comparator rows carry the server's note.

import { h, stacked } from './dom.js';
import { plural } from './outcome-terms.js';
import { showReport, reportHead, definitionList, groupWord, stratumCell, rateCells, rateHeads, numCell, columns,
  cap } from './outcome-parts.js';

const REPORT = '/api/v1/outcomes/responders';

export const respondersSection = {
  id: 'responders',
  title: 'Responders',
  hint: 'The share of patients whose pain fell by the threshold (or who felt much improved) at a milestone, with the '
    + 'adverse events of the same patients.',
  render: (opts) => showReport(REPORT, opts, reportView),
};

function reportView(body, csv) {
  const def = body.definition;
  const all = body.rows[0];
  const who = groupWord(def);
  const day = def.milestone_day;
  const status = all.patients === 0
    ? `No ${who}patients match these filters.`
    : `${plural(all.due, 'patient is', 'patients are')} due at day ${day}, of ${plural(all.patients, `${who}patient`,
      `${who}patients`)} in the report.`;
  const parts = [reportHead('responders', status, csv), definitionView(def)];
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

// Which rule and what is counted, in plain words.
function definitionView(def) {
  const day = def.milestone_day;
  const from = day - def.window_days;
  const to = day + def.window_days;
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
  return definitionList('responders', def, [
    ['Responder', cap(rule)],
    ['Counted', cap(counted)],
    ['Interval', `${cap(def.interval)} interval. A rate is shown only when at least ${def.min_n} patients are counted.`],
    ['Adverse events', 'Patients of the row with any adverse event recorded (not entered in error), and with a serious '
      + 'one; the adverse events section below has the grades and the serious events.'],
  ]);
}

// The patients with an adverse event, and "1 serious" under it when any had a serious one.
function adverseCell(row) {
  const ae = row.adverse_events;
  const label = 'Patients with an adverse event';
  if (!ae) return h('td', { class: 'num adverse empty-cell', 'data-label': label });
  return h('td', { class: 'num adverse', 'data-testid': 'row-adverse', 'data-label': label },
    String(ae.patients_with_event),
    ae.patients_with_serious ? h('span', { class: 'sub serious-count' }, `${ae.patients_with_serious} serious`) : null);
}

function tableView(body) {
  const def = body.definition;
  const counted = def.analysis === 'primary' ? 'due' : 'observed';
  const rows = body.rows.map((row, i) => h('tr', {
    class: [i === 0 ? 'row-all' : null, row.note ? 'row-comparator' : null, row.insufficient ? 'row-insufficient' : null],
    'data-testid': 'responder-row', 'data-stratum': JSON.stringify(row.stratum) },
  stratumCell(row, def.by),
  h('td', { class: 'num count', 'data-testid': 'row-responders', 'data-label': `Responders of ${counted}` },
    `${row.responders} of ${row.denominator}`),
  rateCells(row, { n: row.denominator, count: row.responders, minN: def.min_n }),
  numCell(row.patients, 'row-patients'),
  numCell(row.due, 'row-due'),
  numCell(row.not_evaluable, 'row-not-evaluable'),
  numCell(row.missing, 'row-missing'),
  adverseCell(row)));
  const what = def.measure === 'pgic' ? 'PGIC much improved or better' : `NRS down ${def.threshold_percent}\u00a0% or more`;
  return h('div', { class: 'table-wrap' }, stacked(h('table', { class: 'data outcome-table rate-table responders-table',
    'data-testid': 'responders-table' },
  columns(['stratum', 'responders', 'rate', 'forest', 'patients', 'due', 'not-evaluable', 'missing', 'adverse']),
  h('caption', { class: 'visually-hidden' }, `Responders at day ${def.milestone_day} (${what}), as of ${def.as_of}`),
  h('thead', {}, h('tr', {},
    h('th', { scope: 'col' }, 'Stratum'),
    h('th', { scope: 'col', class: 'num' }, 'Responders', h('span', { class: 'th-sub' }, `of ${counted}`)),
    rateHeads(),
    h('th', { scope: 'col', class: 'num' }, 'Patients'),
    h('th', { scope: 'col', class: 'num' }, 'Due'),
    h('th', { scope: 'col', class: 'num' }, 'Not evaluable'),
    h('th', { scope: 'col', class: 'num' }, 'Missing'),
    h('th', { scope: 'col', class: 'num' }, 'Adverse events', h('span', { class: 'th-sub' }, 'patients')))),
  h('tbody', {}, rows))));
}
