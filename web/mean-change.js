// Mean change on the outcomes page (GET /api/v1/outcomes/change, every milestone): for each
// measure (pain NRS in points and in % of the baseline, DN4, MNSI history, TCNS) a small plot of
// the mean change from baseline at days 30, 91, 182 and 365, one line per stratum with its 95 %
// t interval as error bars, and the numbers under it: mean, interval and n per stratum and
// milestone. A mean under the minimum n is "n = X, too few" and is not drawn. Below 0 is better
// for every measure.

import { h, stacked } from './dom.js';
import { s, sized, niceTicks, num } from './plot.js';
import { showReport, reportHead, definitionList, groupWord, columns, reportQuery, curveClass, curveSwatch, curveName,
  cap, comparatorOnly, legendNote } from './outcome-parts.js';

const REPORT = '/api/v1/outcomes/change';
const DAYS = [30, 91, 182, 365];

// The measures in the server's order: label, unit and the decimals of a mean.
const MEASURES = [
  { id: 'nrs', title: 'Pain (NRS 0-10)', unit: 'points', digits: 2 },
  { id: 'nrs_percent', title: 'Pain (NRS), relative to the baseline', unit: '%', digits: 1 },
  { id: 'dn4', title: 'DN4 (0-10)', unit: 'points', digits: 2 },
  { id: 'mnsi_history', title: 'MNSI history (0-13)', unit: 'points', digits: 2 },
  { id: 'tcns', title: 'TCNS (0-19)', unit: 'points', digits: 2 },
];

export const changeSection = {
  id: 'mean-change',
  title: 'Mean change in pain and scores',
  hint: 'Mean trajectories with intervals: the mean change from baseline at each milestone in the NRS and the '
    + 'instrument scores, with its 95\u00a0% interval. Below 0 is better for every measure.',
  // Every milestone, whatever the page's; the threshold, measure and analysis are the responder table's.
  render: (opts) => showReport(REPORT, { ...opts, query: reportQuery(opts.query, ['milestone', 'threshold', 'measure', 'analysis']) },
    reportView),
};

// "−1.57" with a real minus sign; "+0.40"; percent with its sign.
function signed(x, m) {
  const t = Math.abs(x).toFixed(m.digits);
  const sign = Number(t) === 0 ? '' : x < 0 ? '\u2212' : '+';
  return `${sign}${t}${m.unit === '%' ? '\u00a0%' : ''}`;
}

// The rows as strata (in the server's order), each with its rows by measure and milestone.
function strataOf(rows) {
  const strata = [];
  const byKey = new Map();
  for (const r of rows) {
    const key = JSON.stringify(r.stratum);
    if (!byKey.has(key)) {
      const st = { key, stratum: r.stratum, note: r.note || null, index: strata.length, cells: new Map(), dashed: false };
      byKey.set(key, st);
      strata.push(st);
    }
    byKey.get(key).cells.set(`${r.measure}@${r.milestone_day}`, r);
  }
  return strata;
}

function reportView(body, csv) {
  const def = body.definition;
  const strata = strataOf(body.rows);
  for (const st of strata) st.dashed = comparatorOnly(st, def);
  const all = strata[0];
  const who = groupWord(def);
  const nrsAt = DAYS.map((d) => [d, all ? all.cells.get(`nrs@${d}`) : null]).filter(([, r]) => r);
  const any = nrsAt.some(([, r]) => r.n > 0);
  const status = any
    ? `Pain (NRS) change from baseline, ${who}patients with both: ${nrsAt.map(([d, r]) => `n\u00a0=\u00a0${r.n} at day ${d}`).join(', ')}.`
    : `No ${who}patient is due at a milestone with a pain score there and at baseline.`;
  const parts = [reportHead('change', status, csv),
    definitionList('change', def, [
      ['Change', 'The value at the milestone minus the baseline, over the patients who are due and have both; below 0 '
        + 'is better for every measure. Pain (NRS): the baseline and the milestone\u2019s reading as in the responder '
        + 'table; in % of the baseline as well. DN4, MNSI history and TCNS: the baseline is the latest total from 90 '
        + 'days before day 0 to day 0, the milestone\u2019s the total nearest it inside its window.'],
      ['Interval', `95\u00a0% interval from the t distribution. A mean is shown only when at least ${def.min_n} patients `
        + 'have both values; with fewer the row says "too few" and nothing is drawn.'],
    ])];
  if (!all) return parts;
  const drawnStrata = strata.filter((st) => [...st.cells.values()].some((r) => !r.insufficient));
  parts.push(drawnStrata.length ? legend(drawnStrata, def) : null,
    h('div', { class: 'change-grid' }, MEASURES.map((m) => measureBlock(m, strata, def))));
  return parts;
}

function legend(strata, def) {
  return h('p', { class: 'legend change-legend', 'data-testid': 'change-legend' },
    strata.map((st) => h('span', { class: 'legend-item' }, curveSwatch(st.index, st.dashed), ` ${curveName(st.stratum)}`,
      legendNote(st, def))),
    h('span', { class: 'hint legend-axis' }, 'Each point is a mean with its 95\u00a0% interval; n in the tables.'));
}

function measureBlock(m, strata, def) {
  const rows = strata.flatMap((st) => DAYS.map((d) => st.cells.get(`${m.id}@${d}`)).filter(Boolean));
  const shown = rows.filter((r) => !r.insufficient && r.mean !== null);
  const head = h('h3', { class: 'change-title' }, m.title,
    h('span', { class: 'sub' }, `Change in ${m.unit === '%' ? '% of the baseline' : 'points'}; in the table the mean, `
      + 'its 95\u00a0% CI and n at each milestone.'));
  if (!rows.some((r) => r.n > 0)) {
    return h('section', { class: 'change-measure', 'data-testid': 'change-measure', 'data-measure': m.id }, head,
      h('p', { class: 'empty-inline', 'data-testid': 'change-none' },
        'No patient due at a milestone has this score at baseline and there (n\u00a0=\u00a00 at every milestone).'));
  }
  return h('section', { class: 'change-measure', 'data-testid': 'change-measure', 'data-measure': m.id }, head,
    shown.length ? sized((w) => changePlot(m, strata, w), { first: 480, class: 'change-plot-box' })
      : h('p', { class: 'empty-inline' }, `No mean to draw: fewer than ${def.min_n} patients at every milestone.`),
    tableView(m, strata, def));
}

// One measure's plot at width px: the milestones on a day axis, a line per stratum through its
// means, each with its interval; a dashed line at 0 (no change). Strata are set a few px apart
// so that their bars do not cover each other.
function changePlot(m, strata, width) {
  const W = Math.max(240, width);
  const H = 220;
  const pad = { left: 50, right: 14, top: 12, bottom: 40 };
  const pw = W - pad.left - pad.right;
  const ph = H - pad.top - pad.bottom;
  const lines = strata.map((st) => ({ st, points: DAYS.map((d) => st.cells.get(`${m.id}@${d}`)) }))
    .filter((l) => l.points.some((r) => r && !r.insufficient && r.mean !== null));
  const values = lines.flatMap((l) => l.points.filter((r) => r && !r.insufficient && r.mean !== null)
    .flatMap((r) => [r.mean, r.ci_low ?? r.mean, r.ci_high ?? r.mean]));
  let lo = Math.min(0, ...values);
  let hi = Math.max(0, ...values);
  const margin = (hi - lo || 1) * 0.06;
  lo -= margin;
  hi += margin;
  // Round ticks inside the range, and always 0 (no change).
  const ticks = [...new Set([...niceTicks(lo, hi, 5).filter((t) => t !== lo && t !== hi), 0])];
  const xMax = 380;
  const x = (d) => pad.left + (d / xMax) * pw;
  const y = (v) => pad.top + ph - ((v - lo) / (hi - lo)) * ph;
  const step = Math.min(7, pw / (4 * Math.max(1, lines.length) * 1.6));
  const dx = (k) => (k - (lines.length - 1) / 2) * step;
  const f = (v) => v.toFixed(1);
  const svg = s('svg', { class: 'plot change-plot', viewBox: `0 0 ${W} ${H}`, role: 'img', 'data-testid': 'change-plot',
    'aria-label': `${m.title}, mean change from baseline: ${lines.map((l) => `${curveName(l.st.stratum)} ${
      l.points.map((r, i) => (r && !r.insufficient ? `day ${DAYS[i]} ${signed(r.mean, m)} (n = ${r.n})` : null))
        .filter(Boolean).join(', ')}`).join('; ')}`, preserveAspectRatio: 'xMidYMid meet' });
  const grid = s('g', { class: 'plot-grid', 'aria-hidden': 'true' });
  for (const t of ticks) {
    grid.append(s('line', { x1: pad.left, x2: pad.left + pw, y1: y(t), y2: y(t), class: 'gridline' }),
      s('text', { x: pad.left - 8, y: y(t), 'text-anchor': 'end', 'dominant-baseline': 'middle', class: 'tick' },
        `${t > 0 ? '+' : t < 0 ? '\u2212' : ''}${num(Math.abs(t))}`));
  }
  for (const d of DAYS) {
    grid.append(s('line', { x1: x(d), x2: x(d), y1: pad.top + ph, y2: pad.top + ph + 5, class: 'axis' }),
      s('text', { x: x(d), y: pad.top + ph + 18, 'text-anchor': 'middle', class: 'tick' }, String(d)));
  }
  grid.append(
    s('line', { x1: pad.left, x2: pad.left, y1: pad.top, y2: pad.top + ph, class: 'axis' }),
    s('line', { x1: pad.left, x2: pad.left + pw, y1: pad.top + ph, y2: pad.top + ph, class: 'axis' }),
    s('line', { x1: pad.left, x2: pad.left + pw, y1: y(0), y2: y(0), class: 'change-zero', 'stroke-dasharray': '5 4' }),
    s('text', { x: pad.left + pw - 2, y: y(0) - 5, 'text-anchor': 'end', class: 'change-zero-label' }, 'no change'),
    s('text', { x: pad.left + pw / 2, y: H - 4, 'text-anchor': 'middle', class: 'axis-label' }, 'Days since day 0'));
  svg.append(grid);
  lines.forEach((l, k) => {
    const g = s('g', { class: ['change-series', curveClass(l.st.index), l.st.dashed ? 'change-comparator' : null].filter(Boolean).join(' '),
      'data-testid': 'change-series', 'data-stratum': l.st.key });
    // The line joins neighbouring milestones that both have a mean; a gap stays a gap.
    let path = '';
    l.points.forEach((r, i) => {
      const ok = r && !r.insufficient && r.mean !== null;
      const prev = i > 0 && l.points[i - 1] && !l.points[i - 1].insufficient && l.points[i - 1].mean !== null;
      if (ok) path += `${prev ? 'L' : 'M'}${f(x(DAYS[i]) + dx(k))},${f(y(r.mean))}`;
    });
    if (path.includes('L')) g.append(s('path', { d: path, class: 'change-line', fill: 'none', 'stroke-dasharray': l.st.dashed ? '6 4' : null }));
    l.points.forEach((r, i) => {
      if (!r || r.insufficient || r.mean === null) return;
      const cx = x(DAYS[i]) + dx(k);
      const bar = r.ci_low !== null && r.ci_high !== null
        ? s('path', { d: `M${f(cx - 3)},${f(y(r.ci_low))}h6M${f(cx)},${f(y(r.ci_low))}V${f(y(r.ci_high))}M${f(cx - 3)},${f(y(r.ci_high))}h6`,
          class: 'change-ci', fill: 'none' }) : null;
      g.append(s('g', { 'data-testid': 'change-point', 'data-milestone': DAYS[i] },
        s('title', {}, `${curveName(l.st.stratum)}, day ${DAYS[i]}: ${signed(r.mean, m)} (95 % CI ${signed(r.ci_low, m)} to ${
          signed(r.ci_high, m)}), n = ${r.n}`),
        bar, s('circle', { cx: f(cx), cy: f(y(r.mean)), r: 3.5, class: 'change-mean' })));
    });
    svg.append(g);
  });
  return svg;
}

function cellView(r, m, minN) {
  if (!r) return h('td', { class: 'change-cell empty-cell' });
  const attrs = { 'data-testid': 'change-cell', 'data-measure': m.id, 'data-milestone': r.milestone_day };
  if (r.insufficient || r.mean === null) {
    return h('td', { ...attrs, class: 'change-cell insufficient', title: `fewer than ${minN} patients` },
      `n\u00a0=\u00a0${r.n}, too few`);
  }
  return h('td', { ...attrs, class: 'change-cell' },
    h('span', { class: 'change-mean-value', 'data-testid': 'change-mean' }, signed(r.mean, m)),
    h('span', { class: 'sub', 'data-testid': 'change-ci' }, `${signed(r.ci_low, m)} to ${signed(r.ci_high, m)}`),
    h('span', { class: 'sub', 'data-testid': 'change-n' }, `n\u00a0=\u00a0${r.n}`));
}

function tableView(m, strata, def) {
  const rows = strata.map((st, i) => {
    // The stratum's colour in the plot (none when nothing of it is drawn) and its name as in the legend.
    const drawn = DAYS.some((d) => { const r = st.cells.get(`${m.id}@${d}`); return r && !r.insufficient && r.mean !== null; });
    const cell = h('td', { class: 'stratum', 'data-testid': 'row-stratum' },
      h('span', { class: 'line curve-name' }, drawn && strata.length > 1 ? [curveSwatch(st.index, st.dashed), ' '] : null,
        curveName(st.stratum)),
      st.note ? h('span', { class: 'row-note', 'data-testid': 'row-note' }, cap(st.note)) : null);
    return h('tr', { class: [i === 0 ? 'row-all' : null, st.note ? 'row-comparator' : null], 'data-testid': 'change-row',
      'data-stratum': st.key },
    cell, DAYS.map((d) => cellView(st.cells.get(`${m.id}@${d}`), m, def.min_n)));
  });
  return h('div', { class: 'table-wrap' }, stacked(h('table', { class: 'data outcome-table change-table',
    'data-testid': 'change-table', 'data-measure': m.id },
  columns(['stratum', 'day', 'day', 'day', 'day']),
  h('caption', { class: 'visually-hidden' }, `${m.title}: mean change from baseline (${m.unit === '%' ? '% of the baseline' : 'points'}) `
    + `with its 95\u00a0% interval and n, by milestone, as of ${def.as_of}`),
  h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Stratum'),
    DAYS.map((d) => h('th', { scope: 'col' }, `Day ${d}`)))),
  h('tbody', {}, rows))));
}
