// Adverse events on the outcomes page (GET /api/v1/outcomes/adverse-events), over the same
// patients as the efficacy tables: per stratum the patients with any event (a rate with its exact
// 95 % interval and forest plot, or "too few patients"), with a serious one, the events by CTCAE
// grade and by relatedness; then the serious events themselves, with days from day 0 and nothing
// that identifies the patient.

import { h, stacked } from './dom.js';
import { plural, valueLabel } from './outcome-terms.js';
import { showReport, reportHead, definitionList, groupWord, stratumCell, rateCells, rateHeads, numCell, columns,
  cap } from './outcome-parts.js';

const REPORT = '/api/v1/outcomes/adverse-events';

export const adverseSection = {
  id: 'adverse-events',
  title: 'Adverse events',
  hint: 'Adverse events of the same patients, by grade and relatedness, reported beside the efficacy tables.',
  render: (opts) => showReport(REPORT, opts, reportView),
};

const RELATEDNESS = { unrelated: 'unrelated', unlikely: 'unlikely', possible: 'possible', probable: 'probable',
  definite: 'definite', not_stated: 'not stated' };

function reportView(body, csv) {
  const def = body.definition;
  const all = body.rows[0];
  const who = groupWord(def);
  const status = all.patients === 0 ? `No ${who}patients match these filters.`
    : `${plural(all.patients_with_event, 'patient', 'patients')} of ${all.patients} had an adverse event; `
      + `${plural(all.patients_with_serious, 'patient', 'patients')} a serious one.`;
  const parts = [reportHead('adverse', status, csv),
    definitionList('adverse', def, [
      ['Events', `${cap(def.events)}.`],
      ['Interval', `A rate is shown only when the row has at least ${def.min_n} patients.`],
    ])];
  if (all.patients === 0) {
    parts.push(h('div', { class: 'empty', 'data-testid': 'adverse-empty' }, h('h3', {}, `No ${who}patients match these filters`)));
    return parts;
  }
  parts.push(tableView(body));
  if (body.serious) parts.push(seriousView(body.serious));
  return parts;
}

// "Grade 1: 54" and "Grade 2: 3" on lines of their own, the counts of 0 left out; "None".
function countsText(counts, label) {
  const used = Object.entries(counts || {}).filter(([, n]) => n > 0);
  return used.length ? used.map(([k, n]) => h('span', { class: 'line' }, `${label(k)}: ${n}`)) : 'None';
}

function tableView(body) {
  const def = body.definition;
  const rows = body.rows.map((row, i) => h('tr', {
    class: [i === 0 ? 'row-all' : null, row.note ? 'row-comparator' : null, row.insufficient ? 'row-insufficient' : null],
    'data-testid': 'adverse-row', 'data-stratum': JSON.stringify(row.stratum) },
  stratumCell(row, def.by),
  h('td', { class: 'num count', 'data-testid': 'row-with-event', 'data-label': 'With an event' },
    `${row.patients_with_event} of ${row.patients}`),
  rateCells(row, { n: row.patients, count: row.patients_with_event, minN: def.min_n }),
  numCell(row.patients_with_serious, 'row-serious', 'Serious (patients)'),
  numCell(row.events, 'row-events', 'Events'),
  h('td', { class: 'counts', 'data-testid': 'row-grades', 'data-label': 'By grade' },
    countsText(row.by_grade, (g) => `Grade\u00a0${g}`)),
  h('td', { class: 'counts', 'data-testid': 'row-relatedness', 'data-label': 'Related to the treatment' },
    countsText(row.by_relatedness, (k) => cap(RELATEDNESS[k] || k)))));
  return h('div', { class: 'table-wrap' }, stacked(h('table', { class: 'data outcome-table rate-table adverse-table',
    'data-testid': 'adverse-table' },
  columns(['stratum', 'with-event', 'rate', 'forest', 'serious', 'events', 'grades', 'related']),
  h('caption', { class: 'visually-hidden' }, `Patients with an adverse event, as of ${def.as_of}`),
  h('thead', {}, h('tr', {},
    h('th', { scope: 'col' }, 'Stratum'),
    h('th', { scope: 'col', class: 'num' }, 'With an event', h('span', { class: 'th-sub' }, 'of patients')),
    rateHeads(),
    h('th', { scope: 'col', class: 'num' }, 'Serious', h('span', { class: 'th-sub' }, 'patients')),
    h('th', { scope: 'col', class: 'num' }, 'Events'),
    h('th', { scope: 'col' }, 'By grade'),
    h('th', { scope: 'col' }, 'Related'))),
  h('tbody', {}, rows))));
}

function seriousView(serious) {
  const items = serious.items || [];
  const head = h('h3', { class: 'serious-head' }, `Serious adverse events (${items.length}${serious.truncated ? '+' : ''})`);
  if (!items.length) {
    return [head, h('p', { class: 'empty-inline', 'data-testid': 'serious-empty' }, 'No serious adverse event is recorded for these patients.')];
  }
  return [head,
    serious.truncated ? h('p', { class: 'notice' }, `Only the first ${items.length} are listed.`) : null,
    h('div', { class: 'table-wrap' }, stacked(h('table', { class: 'data outcome-table serious-table', 'data-testid': 'serious-table' },
      columns(['event', 'grade', 'related', 'criteria', 'outcome', 'expected', 'onset', 'biologic']),
      h('caption', { class: 'visually-hidden' }, 'Serious adverse events, with the day of onset from day 0'),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Event'), h('th', { scope: 'col' }, 'Grade'), h('th', { scope: 'col' }, 'Related'),
        h('th', { scope: 'col' }, 'Serious because'), h('th', { scope: 'col' }, 'Outcome'), h('th', { scope: 'col' }, 'Expected'),
        h('th', { scope: 'col', class: 'num' }, 'Onset day'), h('th', { scope: 'col' }, 'Biologic'))),
      h('tbody', {}, items.map((e) => h('tr', { 'data-testid': 'serious-row', class: e.note ? 'row-comparator' : null },
        h('td', {}, e.term, e.note ? h('span', { class: 'row-note' }, cap(e.note)) : null),
        h('td', {}, String(e.grade)),
        h('td', {}, cap(RELATEDNESS[e.relatedness] || e.relatedness || 'not stated')),
        h('td', { class: e.criteria ? null : 'empty-cell' }, e.criteria ? cap(String(e.criteria).replace(/_/g, ' ')) : ''),
        h('td', { class: e.outcome ? null : 'empty-cell' }, e.outcome ? cap(String(e.outcome).replace(/_/g, ' ')) : ''),
        h('td', {}, e.expected ? 'Yes' : 'No'),
        h('td', { class: 'num' }, String(e.onset_day)),
        h('td', {}, valueLabel('biologic', e.biologic, { short: true }))))))))];
}
