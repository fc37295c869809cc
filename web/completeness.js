// Follow-up completeness on the outcomes page (GET /api/v1/outcomes/completeness): at each
// milestone, how many of the patients who are due have a pain score (NRS) inside its window, per
// stratum when the page splits; the patients without one are the "missing" of the responder
// table, and a rate is only as good as this share.

import { h, stacked } from './dom.js';
import { s } from './plot.js';
import { plural } from './outcome-terms.js';
import { showReport, reportHead, definitionList, groupWord, stratumCell, numCell, columns } from './outcome-parts.js';

const REPORT = '/api/v1/outcomes/completeness';
const WINDOWS = { 30: 14, 91: 21, 182: 30, 365: 45 };

export const completenessSection = {
  id: 'completeness',
  title: 'Follow-up completeness',
  hint: 'How many patients due at each milestone have a pain score in its window, so that missing follow-up is seen.',
  render: (opts) => showReport(REPORT, opts, reportView),
};

function reportView(body, csv) {
  const def = body.definition;
  const who = groupWord(def);
  const firsts = body.rows.filter((r) => Object.keys(r.stratum).length === 0);
  const patients = firsts.length ? firsts[0].patients : 0;
  const due = firsts.reduce((n, r) => n + r.due, 0);
  const status = patients === 0 ? `No ${who}patients match these filters.`
    : `${plural(patients, `${who}patient`, `${who}patients`)} in the report.`;
  const parts = [reportHead('completeness', status, csv),
    definitionList('completeness', def, [
      ['Due', 'A patient is due at a milestone once its window has closed.'],
      ['With a value', 'A due patient with a pain score (NRS, diary or clinic) inside the window: '
        + `${Object.entries(WINDOWS).map(([d, w]) => `day ${d} \u00b1 ${w}`).join(', ')}, with a baseline or not. `
        + 'The others are missing: the primary responder analysis counts them as not responding.'],
    ])];
  if (patients === 0) {
    parts.push(h('div', { class: 'empty', 'data-testid': 'completeness-empty' },
      h('h3', {}, `No ${who}patients match these filters`)));
  } else if (due === 0) {
    parts.push(h('div', { class: 'empty', 'data-testid': 'completeness-empty' },
      h('h3', {}, `No ${who}patients are due at any milestone yet`),
      h('p', {}, `The first milestone is due once day ${30 + WINDOWS[30]} after day 0 has passed.`)));
  } else {
    parts.push(tableView(body));
  }
  return parts;
}

// A bar of the share on a 0-100 % scale (the number beside it says the same).
function bar(percent) {
  return s('svg', { class: 'share-bar', 'aria-hidden': 'true', focusable: 'false' },
    s('rect', { x: 0, y: 4, width: '100%', height: 10, class: 'share-track' }),
    s('rect', { x: 0, y: 4, width: `${Math.max(0, Math.min(100, percent))}%`, height: 10, class: 'share-fill' }));
}

function tableView(body) {
  const def = body.definition;
  const rows = body.rows.map((row) => {
    const first = Object.keys(row.stratum).length === 0;
    return h('tr', { class: [first ? 'row-milestone' : null, row.note ? 'row-comparator' : null],
      'data-testid': 'completeness-row', 'data-milestone': row.milestone_day, 'data-stratum': JSON.stringify(row.stratum) },
    h('td', { class: 'milestone' }, first || !def.by.length ? `Day ${row.milestone_day}` : ''),
    def.by.length ? stratumCell(row, def.by) : null,
    numCell(row.due, 'row-due'),
    numCell(row.with_value, 'row-with-value'),
    row.percent === null
      ? h('td', { class: 'share muted', 'data-testid': 'row-share' }, 'nobody due yet')
      : h('td', { class: 'share', 'data-testid': 'row-share' }, h('div', { class: 'share-inner' },
        h('span', { class: 'share-value' }, `${Math.round(row.percent)}\u00a0%`), bar(row.percent))));
  });
  return h('div', { class: 'table-wrap' }, stacked(h('table', { class: 'data outcome-table completeness-table',
    'data-testid': 'completeness-table' },
  columns(def.by.length ? ['milestone', 'stratum', 'due', 'with-value', 'share'] : ['milestone', 'due', 'with-value', 'share']),
  h('caption', { class: 'visually-hidden' }, `Follow-up completeness at each milestone, as of ${def.as_of}`),
  h('thead', {}, h('tr', {},
    h('th', { scope: 'col' }, 'Milestone'),
    def.by.length ? h('th', { scope: 'col' }, 'Stratum') : null,
    h('th', { scope: 'col', class: 'num' }, 'Due'),
    h('th', { scope: 'col', class: 'num' }, 'With a value'),
    h('th', { scope: 'col' }, 'Complete'))),
  h('tbody', {}, rows))));
}
