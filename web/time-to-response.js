// Time to response on the outcomes page (GET /api/v1/outcomes/time-to-response): the share of
// patients who have responded by each day after day 0 (1 - the Kaplan-Meier estimate), one curve
// for every patient in the report and one per stratum, each with its log-log 95 % band; beside
// it, per curve, the patients, those in the curve, the responses, those left out (not
// evaluable, no reading after day 0) and the median days to response with its interval; under
// it, the log-rank test between the strata in words. A curve is never drawn without its n; one
// under the minimum n is not drawn and says so. Comparator curves are dashed and carry the
// server's note. The same filters, split and threshold as the page; no milestone, the curve runs
// over every day.

import { h, stacked } from './dom.js';
import { s, sized } from './plot.js';
import { plural } from './outcome-terms.js';
import { showReport, reportHead, definitionList, groupWord, groupsOf, numCell, columns, reportQuery, cap,
  curveClass, curveSwatch, curveName, comparatorOnly, legendNote } from './outcome-parts.js';

const REPORT = '/api/v1/outcomes/time-to-response';
const CENSOR_TICKS = 150;

export const timeSection = {
  id: 'time-to-response',
  title: 'Time to response (Kaplan-Meier)',
  hint: 'The share of patients whose pain has fallen by the threshold by each day after day 0; a patient not yet '
    + 'followed that long counts for as long as they were followed.',
  render: (opts) => {
    const page = new URLSearchParams(opts.query);
    const asked = { pgic: page.get('measure') === 'pgic', milestone: page.get('milestone') || '91' };
    return showReport(REPORT, { ...opts, query: timeQuery(opts.query) }, (body, csv) => reportView(body, csv, asked));
  },
};

// The page's query without what the curve does not use: the milestone (kept only when the
// injections variable filters or splits, since it counts the injections by the milestone), the
// PGIC measure and the analysis.
function timeQuery(query) {
  const q = new URLSearchParams(query);
  const byInjections = (q.get('by') || '').split(',').includes('injections');
  return reportQuery(query, ['measure', 'analysis', ...(q.has('injections') || byInjections ? [] : ['milestone'])]);
}

// asked: what the page asked that the curve cannot follow (PGIC) or takes from the page (the
// milestone by which injections are counted).
function reportView(body, csv, asked) {
  const def = body.definition;
  const all = body.rows[0];
  const who = groupWord(def);
  const status = all.patients === 0
    ? `No ${who}patients match these filters.`
    : `${all.in_curve} of ${plural(all.patients, `${who}patient`, `${who}patients`)} ${all.in_curve === 1 ? 'is' : 'are'} in the curve`
      + `${all.insufficient ? '' : `; ${all.responses} responded`}.`;
  const parts = [reportHead('time', status, csv), definitionView(body, asked)];
  if (all.patients === 0) {
    parts.push(h('div', { class: 'empty', 'data-testid': 'time-empty' }, h('h3', {}, `No ${who}patients match these filters`)));
    return parts;
  }
  const curves = body.curves.map((c, i) => ({ ...c, index: i, dashed: comparatorOnly(c, def) }));
  const drawn = curves.filter((c) => !c.insufficient && c.steps.length);
  // A tick per censoring is drawn while it can be told apart; on a registry the ticks would
  // merge into a thick line.
  const ticks = drawn.reduce((n, c) => n + c.steps.filter((st) => st.censored > 0).length, 0) <= CENSOR_TICKS;
  parts.push(h('div', { class: 'km-layout' },
    h('figure', { class: 'plot-figure km-figure', 'data-testid': 'km-figure' },
      drawn.length
        ? [sized((w) => kmPlot(drawn, w, ticks), { class: 'km-plot-box' }), legend(drawn, def, ticks)]
        : h('p', { class: 'empty-inline km-none', 'data-testid': 'km-none' },
          `No curve to draw: every curve has fewer than ${def.min_n} patients in it (the minimum n).`)),
    tableView(body)));
  if (body.logrank) parts.push(logrankLine(body.logrank));
  return parts;
}

// Day 0, the event and who is left out, in plain words.
function definitionView(body, asked) {
  const def = body.definition;
  const groups = groupsOf(def);
  const day0 = groups.includes('comparator') ? 'day 0 (the first injection; for the comparator the first clinic NRS)'
    : 'day 0 (the first injection)';
  const injections = def.filters.includes('injections=') || def.by.includes('injections');
  return definitionList('time', def, [
    ['Response', `The first day after ${day0} with a pain score (NRS) at least ${def.threshold_percent}\u00a0% below the `
      + 'baseline. A patient without one so far counts until their last reading after day 0, then no longer (censored).'
      + (asked.pgic ? ' Pain, not the PGIC chosen above: the PGIC is asked at visits only and has no day-by-day course.' : '')],
    ['Left out', 'Patients without a baseline (not evaluable) and patients with no reading after day 0 (no follow-up) '
      + 'are counted in the table, not in the curve.'],
    ['Method', `Kaplan-Meier estimate, shown as the share responded; the shaded band is its 95\u00a0% interval (log-log). `
      + 'The median is the first day by which half have responded; "not reached" when the curve stays under half. '
      + `A curve is drawn only with at least ${def.min_n} patients in it.`
      + (def.lows_cut ? ` Note: ${def.lows_cut}.` : '')],
    injections ? ['Injections', `Counted by day ${asked.milestone}, the milestone chosen above.`] : null,
  ].filter(Boolean));
}

// Days as text: 91 -> "91 days" (or "91" with bare); null -> null.
const days = (d, bare = false) => (d === null || d === undefined ? null : `${Math.round(d)}${bare ? '' : '\u00a0days'}`);

// The median with its interval: ["184 days", "95 % CI 91 to not reached"] (bare: "184").
function medianText(row, bare = false) {
  const lo = days(row.median_lower, true);
  const hi = days(row.median_upper, true);
  const interval = lo || hi ? `95\u00a0% CI ${lo || 'not estimable'} to ${hi || 'not reached'}` : null;
  return [row.median === null ? 'not reached' : days(row.median, bare), interval];
}

function legend(drawn, def, ticks) {
  return h('figcaption', { class: 'legend km-legend', 'data-testid': 'km-legend' },
    drawn.map((c) => h('span', { 'data-testid': 'km-legend-item', class: 'legend-item' },
      curveSwatch(c.index, c.dashed), ` ${curveName(c.stratum)} (n\u00a0=\u00a0${c.in_curve})`, legendNote(c, def))),
    h('span', { class: 'legend-item' }, s('svg', { class: 'legend-symbol', width: 16, height: 16, viewBox: '0 0 16 16',
      'aria-hidden': 'true', focusable: 'false' }, s('rect', { x: 1, y: 4, width: 14, height: 8, class: 'km-band-key' })),
    ' 95\u00a0% interval'),
    ticks ? h('span', { class: 'legend-item' }, s('svg', { class: 'legend-symbol', width: 16, height: 16, viewBox: '0 0 16 16',
      'aria-hidden': 'true', focusable: 'false' }, s('line', { x1: 8, y1: 3, x2: 8, y2: 13, class: 'km-censor-key' })),
    ' last reading without a response') : null,
    h('span', { class: 'hint legend-axis' }, `Response: pain ${def.threshold_percent}\u00a0% or more below the baseline.`));
}

// The milestones as ticks on the day axis, then every half year past a year.
function dayTicks(last) {
  const ticks = [0, 30, 91, 182, 365];
  for (let d = 547; d <= last; d += 182) ticks.push(d);
  return ticks.filter((d) => d <= last);
}

// The step plot of the curves at width px: the share responded (1 - S) against the day, from 0
// at day 0; the band between 1 - upper and 1 - lower where both exist; with ticks, a tick where
// patients were censored.
function kmPlot(curves, width, ticks) {
  const W = Math.max(260, width);
  const H = W < 500 ? 250 : 300;
  const m = { left: 50, right: 16, top: 12, bottom: 44 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const lastDay = Math.max(30, ...curves.map((c) => c.steps[c.steps.length - 1].day));
  const xMax = Math.ceil((lastDay * 1.03) / 10) * 10;
  const x = (d) => m.left + (d / xMax) * pw;
  const y = (share) => m.top + ph - share * ph;
  const f = (v) => v.toFixed(1);
  const label = `Share of patients responded by day since day 0: ${curves.map((c) => {
    const [med] = medianText(c);
    return `${curveName(c.stratum)}, n = ${c.in_curve}, median ${med}`;
  }).join('; ')}.`;
  const svg = s('svg', { class: 'plot km-plot', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label,
    'data-testid': 'km-plot', preserveAspectRatio: 'xMidYMid meet' });
  const grid = s('g', { class: 'plot-grid', 'aria-hidden': 'true' });
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    grid.append(s('line', { x1: m.left, x2: m.left + pw, y1: y(t), y2: y(t), class: t === 0.5 ? 'gridline km-half' : 'gridline' }),
      s('text', { x: m.left - 8, y: y(t), 'text-anchor': 'end', 'dominant-baseline': 'middle', class: 'tick' },
        `${t * 100}\u00a0%`));
  }
  for (const d of dayTicks(xMax)) {
    grid.append(s('line', { x1: x(d), x2: x(d), y1: m.top + ph, y2: m.top + ph + 5, class: 'axis' }),
      s('text', { x: x(d), y: m.top + ph + 18, 'text-anchor': 'middle', class: 'tick' }, String(d)));
  }
  grid.append(
    s('line', { x1: m.left, x2: m.left, y1: m.top, y2: m.top + ph, class: 'axis' }),
    s('line', { x1: m.left, x2: m.left + pw, y1: m.top + ph, y2: m.top + ph, class: 'axis' }),
    s('text', { x: m.left + pw / 2, y: H - 6, 'text-anchor': 'middle', class: 'axis-label' }, 'Days since day 0'),
    s('text', { x: 12, y: m.top + ph / 2, 'text-anchor': 'middle', class: 'axis-label',
      transform: `rotate(-90 12 ${m.top + ph / 2})` }, 'Responded'));
  svg.append(grid);

  // Bands first, under every line.
  for (const c of curves) {
    const band = bandPath(c.steps, x, y, f);
    if (band) svg.append(s('path', { d: band, class: `km-band ${curveClass(c.index)}`, 'data-testid': 'km-band' }));
  }
  for (const c of curves) {
    let d = `M${f(x(0))},${f(y(0))}`;
    for (const st of c.steps) d += `H${f(x(st.day))}V${f(y(1 - st.survival))}`;
    const censored = !ticks ? '' : c.steps.filter((st) => st.censored > 0)
      .map((st) => `M${f(x(st.day))},${f(y(1 - st.survival) - 4)}v8`).join('');
    const [med] = medianText(c);
    svg.append(s('g', { class: ['km-curve', curveClass(c.index), c.dashed ? 'km-comparator' : null].filter(Boolean).join(' '),
      'data-testid': 'km-curve', 'data-stratum': JSON.stringify(c.stratum), 'data-n': c.in_curve },
    s('title', {}, `${curveName(c.stratum)}: n = ${c.in_curve}, ${c.responses} responded, median ${med}`),
    s('path', { d, class: 'km-line', fill: 'none', 'stroke-dasharray': c.dashed ? '7 4' : null, 'data-testid': 'km-path' }),
    censored ? s('path', { d: censored, class: 'km-censor', fill: 'none' }) : null));
  }
  return svg;
}

// The band as closed shapes, one per run of steps whose interval exists: from each step's day
// to the next, between 1 - upper and 1 - lower (R's NA where S is 1 or 0 ends a run).
function bandPath(steps, x, y, f) {
  let d = '';
  let run = [];
  const flush = () => {
    if (run.length) {
      const top = run.map(([a, b, st]) => `${f(x(a))},${f(y(1 - st.lower))} ${f(x(b))},${f(y(1 - st.lower))}`);
      const bottom = run.slice().reverse().map(([a, b, st]) => `${f(x(b))},${f(y(1 - st.upper))} ${f(x(a))},${f(y(1 - st.upper))}`);
      d += `M${top.join(' L')} L${bottom.join(' L')}Z`;
    }
    run = [];
  };
  for (let i = 0; i + 1 < steps.length; i++) {
    const st = steps[i];
    if (st.lower === null || st.upper === null) flush();
    else run.push([st.day, steps[i + 1].day, st]);
  }
  flush();
  return d;
}

function medianCell(row, minN) {
  if (row.insufficient) {
    return h('td', { class: 'median insufficient', 'data-testid': 'km-median', 'data-label': 'Median days (95\u00a0% CI)' },
      `too few patients (n\u00a0=\u00a0${row.in_curve}, minimum\u00a0${minN})`);
  }
  const [med, interval] = medianText(row, true);
  return h('td', { class: 'median', 'data-testid': 'km-median', 'data-label': 'Median days (95\u00a0% CI)' },
    h('span', { class: 'median-value' }, med), interval ? h('span', { class: 'sub', 'data-testid': 'km-median-ci' }, interval) : null);
}

function tableView(body) {
  const def = body.definition;
  const rows = body.rows.map((row, i) => {
    // The curve's colour and its name as in the legend (no colour: not drawn).
    const cell = h('td', { class: 'stratum', 'data-testid': 'row-stratum' },
      h('span', { class: 'line curve-name' }, row.insufficient ? null : [curveSwatch(i, comparatorOnly(row, def)), ' '],
        curveName(row.stratum)),
      row.note ? h('span', { class: 'row-note', 'data-testid': 'row-note' }, cap(row.note)) : null);
    return h('tr', { class: [i === 0 ? 'row-all' : null, row.note ? 'row-comparator' : null,
      row.insufficient ? 'row-insufficient' : null], 'data-testid': 'km-row', 'data-stratum': JSON.stringify(row.stratum) },
    cell,
    numCell(row.patients, 'km-patients'),
    numCell(row.in_curve, 'km-in-curve'),
    row.insufficient ? h('td', { class: 'num empty-cell', 'data-label': 'Responses' })
      : numCell(row.responses, 'km-responses'),
    h('td', { class: 'left-out', 'data-label': 'Left out of the curve' },
      h('span', { class: 'line' }, h('span', { 'data-testid': 'km-not-evaluable' }, String(row.not_evaluable)), ' not evaluable'),
      h('span', { class: 'line' }, h('span', { 'data-testid': 'km-no-follow-up' }, String(row.no_follow_up)), ' no follow-up')),
    medianCell(row, def.min_n));
  });
  return h('div', { class: 'table-wrap km-table-wrap' }, stacked(h('table', { class: 'data outcome-table km-table',
    'data-testid': 'km-table' },
  columns(['stratum', 'patients', 'in-curve', 'responses', 'left-out', 'median']),
  h('caption', { class: 'visually-hidden' }, `Time to response per curve, as of ${def.as_of}`),
  h('thead', {}, h('tr', {},
    h('th', { scope: 'col' }, 'Curve'),
    h('th', { scope: 'col', class: 'num' }, 'Patients'),
    h('th', { scope: 'col', class: 'num' }, 'In curve'),
    h('th', { scope: 'col', class: 'num' }, 'Responses'),
    h('th', { scope: 'col' }, 'Left out', h('span', { class: 'th-sub' }, 'of the curve')),
    h('th', { scope: 'col' }, 'Median days', h('span', { class: 'th-sub' }, '(95\u00a0% CI)')))),
  h('tbody', {}, rows))));
}

// p as text: "0.73", "0.012", "< 0.001".
function pText(p) {
  if (p < 0.001) return '< 0.001';
  return p < 0.01 ? p.toFixed(3) : p.toFixed(2);
}

function logrankLine(lr) {
  if (lr.chisq === null || lr.chisq === undefined) {
    return h('p', { class: 'logrank muted', 'data-testid': 'km-logrank' },
      `No log-rank test between the strata: ${lr.reason || 'too few strata with responses'}.`);
  }
  const p = lr.p < 0.001 ? 'p < 0.001' : `p = ${pText(lr.p)}`;
  return h('p', { class: 'logrank', 'data-testid': 'km-logrank' },
    `Log-rank test between the strata: chi-square ${lr.chisq.toFixed(2)} on ${lr.df} df, ${p}`,
    lr.strata ? ` (${plural(lr.strata, 'stratum', 'strata')} tested).` : '.',
    h('span', { class: 'sub' }, 'It asks whether the curves differ by more than chance; it says nothing about why. '
      + 'The strata are observed, not randomised.'));
}
