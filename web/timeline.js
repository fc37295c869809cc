// The Timeline tab of the chart: one time axis for everything, with a date range (last 3 months,
// last year, all) so that one old entry cannot squash the rest: pain (clinic NRS as squares,
// pain diary as circles, hollow when staff entered it; each source joined only to itself), the
// injections and adverse events marked on it; each instrument's scores against its cut-off; the
// test results with a value (HbA1c and the like) as trends with abnormal values marked; the
// medicines as bars from start to stop. Plots are drawn for the width they have (text at its CSS
// size), again when it changes. Below: the procedures and adverse events, test results and
// medicines as tables, and the pain diary with Void on each entry and its form on demand.
//
// Wording: scores and cut-offs are reported as the instruments define them. Nothing on screen
// says that a treatment works; medicines are drawn, not linked to scores.

import { get, post, latestOnly } from './api.js';
import { h, add, fill, tag, todayText, roleLabel, stacked, highlight } from './dom.js';
import { field, errorSummary, showProblem, clearErrors, valueOf, busy, problemBox, voidForm } from './form.js';
import { timePlot, timeAxis, legendSymbol, niceTicks, num, s, dayOf, dateOfDay } from './plot.js';
import { whereText, resultText, judgement, drugClassLabel, bleedingTag, bleedingRelevant, medicineState,
  doseText } from './records.js';
import { procedureKindLabel } from './procedures.js';
import { gradeText, outcomeText } from './adverse-events.js';
import { toggleBelow } from './inline.js';
import { SHORT, SCALE_READING, shortName, definitionsFor, scoreLabel } from './workup.js';

const RANGES = [['3m', 'Last 3 months', 91], ['1y', 'Last year', 365], ['all', 'All', null]];

export async function timelineTab(ctx, p, { onChange = async () => {} } = {}) {
  const { root, session } = ctx;
  if (!session.can('clinical.read')) {
    add(root, h('section', { class: 'card', 'data-testid': 'no-timeline-access' }, h('h2', {}, 'Timeline'),
      h('p', { class: 'muted' },
        `Your role (${roleLabel(session.me.role)}) does not include tests and scores; a clinician or nurse can see them.`)));
    return;
  }
  const canWrite = session.can('clinical.write') && !p.archived;
  const rangeBox = h('div', { class: 'range-control', role: 'group', 'aria-label': 'Date range', 'data-testid': 'range-control' });
  const rangeNote = h('p', { class: 'hint', 'data-testid': 'range-note', 'aria-live': 'polite' });
  const body = h('div', { 'data-testid': 'timeline-body' });
  const section = h('section', { class: 'card timeline', 'aria-labelledby': 'tl-heading', 'data-testid': 'timeline' },
    h('div', { class: 'timeline-head' }, h('h2', { id: 'tl-heading' }, 'Timeline'), rangeBox), rangeNote, body);
  const diaryStatus = h('p', { class: 'flash', role: 'status', tabindex: '-1', 'data-testid': 'diary-status', hidden: true });
  const diaryList = h('div', { 'data-testid': 'diary-list' });
  const diaryTools = h('div', { class: 'card-tools' });
  const diaryCard = h('section', { class: 'card diary', 'aria-labelledby': 'diary-list-heading', 'data-testid': 'diary' },
    h('h2', { id: 'diary-list-heading' }, 'Pain diary'),
    h('p', { class: 'hint section-hint' }, 'One pain score (NRS 0–10) a day, from the patient, or entered by staff from a paper diary or a call.'),
    diaryStatus, diaryList, diaryTools);
  add(root, section, diaryCard);

  let data = null;
  let range = new URLSearchParams(location.search).get('range');
  let drawnWidth = 0;

  function draw() {
    if (!data) return;
    drawnWidth = body.clientWidth;
    const extent = dataExtent(data.t);
    if (!RANGES.some(([id]) => id === range)) range = extent && extent.end - extent.start > 365 ? '1y' : 'all';
    const domain = domainFor(range, extent);
    fill(rangeBox, RANGES.map(([id, label]) => h('button', { type: 'button', class: 'btn btn-small range-button',
      'aria-pressed': String(id === range), 'data-testid': `range-${id}`,
      on: { click: () => {
        range = id;
        history.replaceState(null, '', `${location.pathname}?range=${id}`);
        draw();
      } } }, label)));
    const before = extent ? extent.days.filter((d) => d < domain[0]).length : 0;
    rangeNote.textContent = `${dateOfDay(domain[0])} to ${dateOfDay(domain[1])}.`
      + (before ? ` ${before} earlier ${before === 1 ? 'entry is' : 'entries are'} outside this range: choose All to see ${before === 1 ? 'it' : 'them'}.` : '');
    fill(body, timelineView(data.t, data.defs, data.sources, Math.max(260, drawnWidth), domain));
  }

  const latest = latestOnly(ctx);
  async function refresh(fresh = null) {
    const isLatest = latest();
    let t;
    let diary;
    try {
      [t, diary] = await Promise.all([get(`/api/v1/patients/${p.id}/timeline`).then((r) => r.body),
        get(`/api/v1/patients/${p.id}/diary`).then((r) => r.body.items)]);
    } catch (e) {
      if (!isLatest()) return;
      if (e.status === 404) {
        fill(body, h('p', { class: 'notice', 'data-testid': 'timeline-unavailable' },
          'Timeline not available: this server does not provide the patient timeline yet.'));
      } else {
        fill(body, problemBox(e));
      }
      return;
    }
    const defs = await definitionsFor((t.instruments || []).map((sr) => sr.instrument));
    if (!isLatest()) return;
    data = { t, defs, sources: new Map(diary.map((d) => [d.id, d.source])) };
    draw();
    fill(diaryList, diaryTable(diary, canWrite, (text) => changed(text)));
    if (fresh) highlight(diaryList, fresh);
  }
  async function changed(text, fresh = null) {
    await Promise.all([refresh(fresh), onChange()]);
    if (!ctx.isCurrent()) return;
    diaryStatus.textContent = text;
    diaryStatus.hidden = false;
    if (!fresh) diaryStatus.focus();
  }

  // Drawn again for a new width (a phone turned, a window resized).
  let pending = false;
  const observer = new ResizeObserver(() => {
    if (!ctx.isCurrent() || !body.isConnected) {
      observer.disconnect();
      return;
    }
    if (pending || Math.abs(body.clientWidth - drawnWidth) < 8) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  });
  observer.observe(body);

  await refresh();
  if (!ctx.isCurrent()) return;
  if (canWrite && data) {
    const open = h('button', { type: 'button', class: 'btn', 'aria-expanded': 'false', 'data-testid': 'open-diary-form' },
      'Add a diary entry…');
    open.addEventListener('click', () => {
      diaryStatus.hidden = true;
      toggleBelow(diaryTools, open, (close) => diaryForm(ctx, p, close,
        (d) => changed(`Diary entry added: ${d.entry_date}, NRS ${d.nrs}.`, d.id)));
    });
    add(diaryTools, open);
  }
}

// Every date on the timeline (days since 1970), its first and last.
function dataExtent(t) {
  const dates = [
    ...(t.nrs || []).map((e) => e.date),
    ...(t.instruments || []).flatMap((sr) => (sr.points || []).map((x) => x.date)),
    ...(t.observations || []).map((o) => o.date),
    ...(t.medications || []).flatMap((m) => [m.start_date, m.stop_date]),
    ...(t.procedures || []).map((x) => x.date),
    ...(t.adverse_events || []).map((e) => e.date),
  ];
  const days = dates.map(dayOf).filter(Number.isFinite);
  if (!days.length) return null;
  return { days, start: Math.min(...days), end: Math.max(...days) };
}

// The days shown: back from today (or the last entry, if later) by the range.
function domainFor(range, extent) {
  const today = dayOf(todayText());
  const end = extent ? Math.max(today, extent.end) : today;
  const back = (RANGES.find(([id]) => id === range) || [])[2];
  let start = back ? end - back : extent ? extent.start : end - 30;
  if (end - start < 14) start = end - 14;
  return [start, end];
}

function timelineView(t, defs, sources, width, domain) {
  const nrs = t.nrs || [];
  const series = t.instruments || [];
  const observations = t.observations || [];
  const medications = t.medications || [];
  const procedures = t.procedures || [];
  const events = t.adverse_events || [];
  const injections = procedures.filter((x) => x.kind === 'injection').sort((a, b) => a.date.localeCompare(b.date));
  // A series box has 12 px padding and a 1 px border either side.
  const cols = width >= 860 ? 2 : 1;
  const seriesWidth = Math.floor((width - (cols - 1) * 24) / cols) - 26;
  const labs = labGroups(observations);
  return [
    h('h3', {}, 'Pain intensity (NRS 0–10)'),
    nrs.length ? nrsPlot(nrs, injections, events, sources, width, domain)
      : h('p', { class: 'empty-inline', 'data-testid': 'no-nrs' }, 'No pain score is recorded yet (clinic NRS or pain diary).'),
    h('h3', {}, 'Scores over time'),
    series.length
      ? h('div', { class: `series-grid cols-${cols}` }, series.map((sr) => (sr.scales ? scalesPlot(sr, width - 26, domain)
        : seriesPlot(sr, defs.get(sr.instrument), seriesWidth, domain))))
      : h('p', { class: 'empty-inline', 'data-testid': 'no-series' }, 'No instrument score is recorded yet.'),
    labs.length ? [h('h3', {}, 'Test values over time'),
      h('div', { class: `series-grid cols-${cols}`, 'data-testid': 'lab-trends' }, labs.map((g) => labPlot(g, seriesWidth, domain)))] : null,
    medications.length ? [h('h3', {}, 'Medicines'), medicineBars(medications, width, domain)] : null,
    procedures.length || events.length ? [h('h3', {}, 'Procedures and adverse events'), treatmentTable(procedures, events)] : null,
    h('h3', {}, 'Test results'),
    observations.length ? observationTable(observations)
      : h('p', { class: 'empty-inline', 'data-testid': 'no-observations' }, 'No test result is recorded yet.'),
    medications.length ? [h('h3', {}, 'Medicines, details'), medicationTable(medications)] : null,
  ];
}

const sourceName = (e, sources) => (e.source !== 'diary' ? 'clinic'
  : sources.get(e.id) === 'staff' ? 'pain diary, entered by staff' : 'pain diary');

function nrsPlot(nrs, injections, events, sources, width, domain) {
  const staff = (e) => e.source === 'diary' && sources.get(e.id) === 'staff';
  const points = nrs.map((e) => ({
    date: e.date, value: Number(e.value), source: e.source,
    shape: e.source === 'diary' ? 'circle' : 'square',
    class: e.source !== 'diary' ? 'pt-clinic' : staff(e) ? 'pt-diary-staff' : 'pt-diary',
    title: `${e.date}: NRS ${e.value} (${sourceName(e, sources)})`,
    attrs: { 'data-testid': 'plot-point', 'data-series': 'nrs', 'data-source': e.source, 'data-date': e.date, 'data-value': e.value,
      'data-entered-by': e.source === 'diary' ? (staff(e) ? 'staff' : 'patient') : null },
  }));
  const shown = nrs.filter((e) => dayOf(e.date) >= domain[0] && dayOf(e.date) <= domain[1]);
  const diary = shown.filter((e) => e.source === 'diary');
  const staffCount = diary.filter(staff).length;
  const clinic = shown.length - diary.length;
  const aes = events.filter((e) => e.status !== 'entered_in_error');
  const marks = [
    ...injections.map((x, i) => ({ date: x.date, label: `Inj ${i + 1}`, title: `Injection ${i + 1}: ${x.date}`,
      attrs: { 'data-testid': 'injection-marker', 'data-date': x.date } })),
    ...aes.map((e) => ({ date: e.date, label: e.serious ? 'SAE' : 'AE', class: e.serious ? 'ae-serious' : 'ae',
      title: `Adverse event ${e.date}: ${e.term}, ${gradeText(e.grade)}${e.serious ? ', serious' : ''}`,
      attrs: { 'data-testid': 'ae-marker', 'data-date': e.date, 'data-serious': String(e.serious === true) } })),
  ];
  return h('figure', { class: 'plot-figure', 'data-testid': 'nrs-plot' },
    timePlot({ width, height: width < 500 ? 220 : 260, yMin: 0, yMax: 10, yTicks: [0, 2, 4, 6, 8, 10], yLabel: 'NRS',
      points, line: (pt) => pt.source, domain, events: marks,
      label: `Pain intensity 0 to 10 from ${dateOfDay(domain[0])} to ${dateOfDay(domain[1])}: ${clinic} clinic and ${diary.length} diary scores`
        + (injections.length ? `; dashed vertical lines: ${injections.length} ${injections.length === 1 ? 'injection' : 'injections'}`
          + ` on ${injections.map((x) => x.date).join(', ')}` : '')
        + (aes.length ? `; adverse events on ${aes.map((e) => e.date).join(', ')}` : '') + '.' }),
    h('figcaption', { class: 'legend' },
      diary.length > staffCount || !diary.length ? h('span', {}, legendSymbol('circle', 'pt-diary'), ` Pain diary (${diary.length - staffCount})`) : null,
      staffCount ? h('span', { 'data-testid': 'legend-staff-diary' }, legendSymbol('circle', 'pt-diary-staff'),
        ` Diary, entered by staff (${staffCount})`) : null,
      h('span', {}, legendSymbol('square', 'pt-clinic'), ` Clinic NRS (${clinic})`),
      injections.length ? h('span', {}, legendSymbol('vline', 'event-line'), ' Injection') : null,
      aes.length ? h('span', {}, legendSymbol('vline', 'ae-line'), ' Adverse event (SAE: serious)') : null,
      h('span', { class: 'muted' }, '0 no pain, 10 worst possible pain; a line joins scores of one source only')),
    valuesTable('Pain scores', ['Date', 'NRS', 'Source'],
      nrs.map((e) => [e.date, String(e.value), sourceName(e, sources)])));
}

// The test results with a number, by test and side, oldest first.
function labGroups(observations) {
  const groups = new Map();
  for (const o of observations) {
    if (typeof o.value !== 'number' || o.kind === 'monofilament' || o.value_text) continue;
    const key = `${o.kind}|${o.side || ''}`;
    if (!groups.has(key)) groups.set(key, { kind: o.kind, side: o.side, label: o.label || o.kind, unit: o.unit, items: [] });
    groups.get(key).items.push(o);
  }
  return [...groups.values()];
}

function labPlot(g, width, domain) {
  const values = g.items.map((o) => o.value);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const spread = hi - lo || Math.abs(hi) * 0.2 || 1;
  lo = Math.max(0, lo - spread * 0.25);
  hi += spread * 0.25;
  const ticks = niceTicks(Number(lo.toPrecision(2)), Number(hi.toPrecision(2)), 4);
  const name = `${g.label}${g.side ? `, ${g.side}` : ''}`;
  const points = g.items.map((o) => ({
    date: o.date, value: o.value, shape: 'circle', class: o.abnormal ? 'pt-abnormal' : 'pt-plain',
    title: `${o.date}: ${resultText(o)}${o.abnormal === true ? ', abnormal' : o.abnormal === false ? ', normal' : ''}`,
    attrs: { 'data-testid': 'plot-point', 'data-series': `lab:${g.kind}`, 'data-date': o.date, 'data-value': o.value,
      'data-abnormal': String(o.abnormal) },
  }));
  const abnormal = g.items.filter((o) => o.abnormal === true).length;
  return h('figure', { class: 'plot-figure series', 'data-testid': `lab-${g.kind}`, 'data-kind': g.kind },
    h('figcaption', { class: 'series-title' }, h('strong', {}, name), ' ',
      h('span', { class: 'muted small' }, `${g.unit || ''} (${g.items.length} ${g.items.length === 1 ? 'value' : 'values'}`
        + `${abnormal ? `, ${abnormal} abnormal` : ''})`)),
    timePlot({ width, height: 170, yMin: ticks[0], yMax: ticks[ticks.length - 1], yTicks: ticks, points, line: true,
      xTicks: 4, markerSize: 4.5, domain,
      label: `${name} in ${g.unit || 'its unit'}: ${g.items.length} values, ${abnormal} abnormal` }),
    abnormal ? h('p', { class: 'legend' }, h('span', {}, legendSymbol('circle', 'pt-abnormal'), ' abnormal'),
      h('span', {}, legendSymbol('circle', 'pt-plain'), ' normal or no rule')) : null);
}

// One bar per medicine from its start to its stop (an arrow when it goes on past the range or
// started before it), on the same time axis as the plots.
function medicineBars(meds, width, domain) {
  const today = dayOf(todayText());
  const rows = meds.map((m) => {
    const start = dayOf(m.start_date);
    const stop = dayOf(m.stop_date);
    return { m, from: Number.isFinite(start) ? start : null, to: Number.isFinite(stop) ? stop : null };
  }).filter((r) => (r.to === null || r.to >= domain[0]) && (r.from === null || r.from <= domain[1]));
  const axis = timeAxis(width, domain);
  const rowH = 34;
  const H = rows.length * rowH + 34;
  const svg = s('svg', { class: 'plot med-bars', viewBox: `0 0 ${width} ${H}`, role: 'img',
    'aria-label': `Medicines from ${dateOfDay(domain[0])} to ${dateOfDay(domain[1])}: `
      + (rows.map(({ m }) => `${m.label || m.drug} ${m.start_date || 'start unknown'} to ${m.stop_date || 'ongoing'}`).join('; ') || 'none') });
  const grid = s('g', { class: 'plot-grid', 'aria-hidden': 'true' });
  const axisY = rows.length * rowH + 6;
  for (const d of axis.ticks) {
    grid.append(s('line', { x1: axis.x(d), x2: axis.x(d), y1: 0, y2: axisY, class: 'gridline' }),
      s('text', { x: axis.x(d), y: axisY + 18, class: 'tick',
        'text-anchor': axis.x(d) + 38 > width ? 'end' : axis.x(d) - 38 < 0 ? 'start' : 'middle' }, dateOfDay(d)));
  }
  grid.append(s('line', { x1: axis.left, x2: axis.right, y1: axisY, y2: axisY, class: 'axis' }));
  svg.append(grid);
  rows.forEach(({ m, from, to }, i) => {
    const y = i * rowH + 18;
    const a = Math.max(from ?? domain[0], domain[0]);
    const b = Math.min(to ?? Math.max(today, domain[1]), domain[1]);
    const x1 = axis.x(a);
    const x2 = Math.max(axis.x(b), x1 + 4);
    const text = [m.label || m.drug, doseText(m), m.frequency].filter(Boolean).join(' ')
      + (from === null ? ' (start unknown)' : '') + (to === null ? ', ongoing' : to > domain[1] ? `, stop planned ${m.stop_date}` : `, stopped ${m.stop_date}`);
    const g = s('g', { class: ['med-bar', bleedingRelevant(m) && 'med-bleeding'].filter(Boolean).join(' '), 'data-testid': 'med-bar',
      'data-drug': m.drug, 'data-from': m.start_date || '', 'data-to': m.stop_date || '' },
      s('rect', { x: x1, y, width: x2 - x1, height: 10, rx: 3, class: 'bar' }),
      (to === null || to > domain[1]) ? s('polygon', { points: `${x2},${y - 3} ${x2 + 8},${y + 5} ${x2},${y + 13}`, class: 'bar' }) : null,
      (from === null || from < domain[0]) ? s('polygon', { points: `${x1},${y - 3} ${x1 - 8},${y + 5} ${x1},${y + 13}`, class: 'bar' }) : null,
      s('text', { x: Math.min(x1, width - 8), y: y - 4, class: 'bar-label',
        'text-anchor': x1 > width * 0.6 ? 'end' : 'start' }, text),
      s('title', {}, `${text}${bleedingRelevant(m) ? ' (bleeding risk)' : ''}`));
    svg.append(g);
  });
  return h('figure', { class: 'plot-figure', 'data-testid': 'medicine-bars' }, svg,
    rows.length < meds.length ? h('p', { class: 'hint' }, `${meds.length - rows.length} more outside this date range.`) : null,
    h('figcaption', { class: 'legend' }, h('span', {}, legendSymbol('square', 'bar-plain'), ' Medicine'),
      h('span', {}, legendSymbol('square', 'bar-bleeding'), ' Anticoagulant or antiplatelet (bleeding risk)'),
      h('span', { class: 'muted' }, 'An arrow: taken before or after the range shown')));
}

// The diary entries, newest first, each with Void.
function diaryTable(items, canWrite, changed) {
  if (!items.length) return h('p', { class: 'empty-inline', 'data-testid': 'no-diary' }, 'No diary entry yet.');
  const sorted = items.slice().sort((a, b) => b.entry_date.localeCompare(a.entry_date));
  const tbody = h('tbody');
  for (const d of sorted) {
    const voided = d.status === 'voided';
    const tr = h('tr', { 'data-testid': 'diary-row', 'data-id': d.id, 'data-status': d.status, 'data-source': d.source,
      class: voided ? 'struck' : null },
      h('td', { class: 'mono' }, d.entry_date),
      h('td', { class: 'score' }, `NRS ${d.nrs}`),
      h('td', {}, d.source === 'staff' ? tag('entered by staff', 'band', { 'data-testid': 'staff-entered' }) : 'patient',
        d.note ? h('span', { class: 'sub' }, d.note) : null,
        voided ? h('span', { class: 'note void-note', 'data-testid': 'void-reason' }, `Voided${d.void_reason ? `: ${d.void_reason}` : ''}`) : null),
      h('td', { class: 'row-actions' }, voided ? tag('voided', 'error', { 'data-testid': 'voided-tag' }) : null));
    tbody.append(tr);
    if (canWrite && !voided) {
      const open = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'aria-expanded': 'false',
        'data-testid': 'void-diary', 'aria-label': `Void the diary entry of ${d.entry_date}` }, 'Void…');
      tr.lastElementChild.append(open);
      open.addEventListener('click', () => toggleBelow(tr, open, (close) => voidForm({
        testid: 'void-diary-form', confirmTestid: 'confirm-void-diary', confirmText: 'Void entry',
        title: `Void the diary entry of ${d.entry_date} (NRS ${d.nrs})`, label: 'Reason', idSuffix: `-${d.id}`,
        hint: 'The entry stays in this list, marked voided, with this reason. It leaves the pain plot.',
        path: `/api/v1/diary-entries/${d.id}/void`, version: d.version, what: 'diary entry', close,
        done: () => changed(`Diary entry of ${d.entry_date} voided. It stays in the list, marked voided.`),
      })));
    }
  }
  return stacked(h('table', { class: 'data diary-table records-table', 'data-testid': 'diary-table' },
    h('caption', { class: 'visually-hidden' }, 'Pain diary, newest first'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Date'), h('th', { scope: 'col' }, 'Pain'),
      h('th', { scope: 'col' }, 'Entered by'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
    tbody));
}

// stack: a wide table that becomes one block per row on a phone.
function valuesTable(caption, head, rows, { stack = false } = {}) {
  const table = h('table', { class: 'data compact' },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))));
  return h('details', { class: 'plot-table' },
    h('summary', {}, 'Show the values as a table'),
    stack ? stacked(table) : table);
}

function seriesPlot(sr, def, width, domain) {
  const pts = sr.points || [];
  const totals = pts.map((x) => Number(x.total)).filter(Number.isFinite);
  const yMin = Number.isFinite(sr.min) ? sr.min : Math.min(0, ...totals);
  // A total above the series' stated maximum widens the axis rather than being drawn at the top.
  const yMax = Math.max(Number.isFinite(sr.max) ? sr.max : 1, ...totals);
  const c = sr.cutoff;
  const name = shortName(sr.instrument, sr.title);
  const pointTitle = (x) => `${x.date}: ${num(x.total)}${Number.isFinite(sr.max) ? ` / ${num(sr.max)}` : ''}`
    + (x.band ? `, ${x.band}` : '')
    + (c && x.met === true ? `, ${c.label}` : c && x.met === false ? `, below the ${c.label} cut-off` : '');
  const points = pts.map((x) => ({
    date: x.date, value: Number(x.total),
    shape: 'circle',
    class: x.met === true ? 'pt-met' : x.met === false ? 'pt-notmet' : 'pt-plain',
    title: pointTitle(x),
    attrs: { 'data-testid': 'plot-point', 'data-series': sr.instrument, 'data-date': x.date, 'data-value': x.total },
  }));
  const cutLabel = c ? `${c.label} \u2265 ${num(c.at_least)}` : null;
  const otherScore = c && c.score && c.score !== 'total';
  return h('figure', { class: 'plot-figure series', 'data-testid': `series-${sr.instrument}`, 'data-instrument': sr.instrument },
    h('figcaption', { class: 'series-title' }, h('strong', {}, name), ' ',
      h('span', { class: 'muted small' }, sr.title && SHORT[sr.instrument] ? sr.title : ''),
      ` (${pts.length} ${pts.length === 1 ? 'score' : 'scores'})`),
    timePlot({ width, height: 200, yMin, yMax, yTicks: niceTicks(yMin, yMax, 5), points, line: true,
      xTicks: 4, markerSize: 4.5, domain,
      refLines: c ? [{ value: c.at_least, label: cutLabel }] : [],
      label: `${name} scores from ${yMin} to ${yMax}, ${pts.length} ${pts.length === 1 ? 'point' : 'points'}`
        + (c ? `; dashed line: cut-off, ${cutLabel}` : '') }),
    c ? h('p', { class: 'legend' },
      h('span', {}, legendSymbol('circle', 'pt-met'), ` ${c.label}`),
      h('span', {}, legendSymbol('circle', 'pt-notmet'), ` below cut-off`),
      h('span', {}, legendSymbol('dash', 'cutoff'), ` cut-off: ${cutLabel}`)) : null,
    otherScore ? h('p', { class: 'hint' },
      `The cut-off applies to ${scoreLabel(def, c.score)}; the points show the total of the version used.`) : null,
    valuesTable(`${name} scores`, ['Date', 'Score', 'Result'],
      pts.map((x) => [x.date, `${num(x.total)}${Number.isFinite(sr.max) ? ` / ${num(sr.max)}` : ''}`,
        [x.band, c && x.met === true ? c.label : c && x.met === false ? `not ${c.label}` : null].filter(Boolean).join(', ')])));
}

// An instrument scored as several scales and no total (RAND-36): one small plot per scale on the
// same dates, each on the scale's own range, and one table of every value.
function scalesPlot(sr, width, domain) {
  const cols = width >= 900 ? 4 : width >= 540 ? 2 : 1;
  const cellW = Math.floor((width - (cols - 1) * 18) / cols);
  const pts = sr.points || [];
  const name = shortName(sr.instrument, sr.title);
  const reading = SCALE_READING[sr.instrument];
  const cell = (x, sc) => (x.scales && typeof x.scales[sc.id] === 'number' ? num(x.scales[sc.id]) : '\u2014');
  const plots = sr.scales.map((sc) => {
    const mine = pts.filter((x) => x.scales && typeof x.scales[sc.id] === 'number');
    const latest = mine.length ? mine[mine.length - 1] : null;
    const points = mine.map((x) => ({
      date: x.date, value: x.scales[sc.id], shape: 'circle', class: 'pt-plain',
      title: `${x.date}: ${sc.label} ${num(x.scales[sc.id])} / ${num(sc.max)}`,
      attrs: { 'data-testid': 'plot-point', 'data-series': `${sr.instrument}:${sc.id}`, 'data-date': x.date,
        'data-value': x.scales[sc.id] },
    }));
    return h('figure', { class: 'scale-plot', 'data-testid': 'scale-plot', 'data-scale': sc.id },
      h('figcaption', {}, h('strong', {}, sc.label),
        latest ? h('span', { class: 'muted small' }, `latest ${num(latest.scales[sc.id])} (${latest.date})`) : null),
      mine.length
        ? timePlot({ width: cellW, height: cols === 1 ? 130 : 160, yMin: sc.min, yMax: sc.max, yTicks: niceTicks(sc.min, sc.max, 3), points,
          line: true, xTicks: 3, markerSize: 4, marginRight: 36, domain,
          label: `${name} ${sc.label}, ${sc.min} to ${sc.max}: ${mine.length} ${mine.length === 1 ? 'value' : 'values'}`
            + `, latest ${num(latest.scales[sc.id])} on ${latest.date}` })
        : h('p', { class: 'empty-inline' }, 'None of its questions answered yet.'));
  });
  return h('figure', { class: 'plot-figure series scales-series', 'data-testid': `series-${sr.instrument}`,
    'data-instrument': sr.instrument },
    h('figcaption', { class: 'series-title' }, h('strong', {}, name), ' ',
      h('span', { class: 'muted small' }, sr.title && SHORT[sr.instrument] ? sr.title : ''),
      ` (${pts.length} ${pts.length === 1 ? 'time' : 'times'})`,
      reading ? h('span', { class: 'sub' }, `Each scale ${reading}.`) : null),
    h('div', { class: `scale-grid cols-${cols}` }, plots),
    valuesTable(`${name} scales`, ['Date', ...sr.scales.map((sc) => sc.label)],
      pts.map((x) => [x.date, ...sr.scales.map((sc) => cell(x, sc))]), { stack: true }));
}

// Procedures and adverse events by date, oldest first, like the test results (their details are
// in the Treatment section).
function treatmentTable(procedures, events) {
  const rows = [
    ...procedures.map((x) => ({ date: x.date, type: 'procedure', kind: x.kind, what: procedureKindLabel(x.kind),
      detail: null, serious: false })),
    ...events.map((e) => ({ date: e.date, type: 'adverse_event', kind: 'adverse_event', what: `Adverse event: ${e.term}`,
      detail: [gradeText(e.grade), e.serious ? 'serious' : null, outcomeText(e.outcome).toLowerCase()].filter(Boolean).join(', '),
      serious: e.serious === true })),
  ].sort((a, b) => a.date.localeCompare(b.date));
  return stacked(h('table', { class: 'data treatment-timeline', 'data-testid': 'treatment-timeline' },
    h('caption', { class: 'visually-hidden' }, 'Procedures and adverse events'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Date'), h('th', { scope: 'col' }, 'Procedure or adverse event'))),
    h('tbody', {}, rows.map((r) => h('tr', { 'data-testid': 'treatment-row', 'data-type': r.type, 'data-kind': r.kind,
      class: r.serious ? 'serious' : null },
      h('td', { class: 'mono' }, r.date),
      h('td', {}, r.what, r.detail ? h('span', { class: 'sub' }, r.detail) : null))))));
}

function observationTable(obs) {
  const rows = obs.map((o) => {
    const value = resultText(o);
    return h('tr', { 'data-testid': 'observation-row', 'data-kind': o.kind, 'data-abnormal': String(o.abnormal),
      class: o.abnormal ? 'abnormal' : null },
      h('td', { class: 'mono' }, o.date || ''),
      h('td', {}, o.label || o.kind || ''),
      h('td', {}, value || h('span', { class: 'muted' }, 'no value')),
      h('td', {}, whereText(o) || h('span', { class: 'muted' }, '—')),
      h('td', {}, judgement(o), o.interpretation ? h('span', { class: 'sub' }, o.interpretation) : null));
  });
  return stacked(h('table', { class: 'data observations', 'data-testid': 'observation-table' },
    h('caption', { class: 'visually-hidden' }, 'Test results'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Date'), h('th', { scope: 'col' }, 'Test'), h('th', { scope: 'col' }, 'Result'),
      h('th', { scope: 'col' }, 'Side / site'), h('th', { scope: 'col' }, 'Normal or abnormal'))),
    h('tbody', {}, rows)));
}

function medicationTable(meds) {
  return stacked(h('table', { class: 'data medications', 'data-testid': 'medication-table' },
    h('caption', { class: 'visually-hidden' }, 'Medications'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Medication'), h('th', { scope: 'col' }, 'Class'), h('th', { scope: 'col' }, 'Dose'),
      h('th', { scope: 'col' }, 'Started'), h('th', { scope: 'col' }, 'Stopped'), h('th', { scope: 'col' }, 'Status'))),
    h('tbody', {}, meds.map((m) => h('tr', { 'data-testid': 'medication-row', 'data-drug': m.drug },
      h('td', {}, m.label || m.drug || '', bleedingTag(m)),
      h('td', {}, drugClassLabel(m.drug_class)),
      h('td', {}, [doseText(m), m.frequency].filter(Boolean).join(', ') || h('span', { class: 'muted' }, '—')),
      h('td', { class: 'mono' }, m.start_date || h('span', { class: 'muted' }, 'unknown')),
      h('td', { class: 'mono' }, m.stop_date || h('span', { class: 'muted' }, '—')),
      h('td', {}, medicineState(m)))))));
}

// The pain diary: one NRS a day (POST /patients/{id}/diary).
// saved(entry) is called after the server took it; close: closes the panel.
function diaryForm(ctx, p, close, saved) {
  const summary = errorSummary();
  const nrsField = field({ label: 'Pain now (NRS)', name: 'nrs', idSuffix: '-diary', type: 'number', inputmode: 'numeric',
    required: true, narrow: true, hint: '0 (none) to 10 (worst)' });
  const nrsInput = nrsField.querySelector('input');
  Object.assign(nrsInput, { min: '0', max: '10', step: '1' });
  const form = h('form', { class: 'diary-form', novalidate: true, 'data-testid': 'diary-form', 'aria-labelledby': 'diary-heading' },
    h('h3', { id: 'diary-heading' }, 'Add diary entry'),
    summary,
    h('div', { class: 'grid' },
      field({ label: 'Date', name: 'entry_date', idSuffix: '-diary', value: todayText(), required: true, narrow: true,
        hint: 'YYYY-MM-DD', placeholder: 'YYYY-MM-DD', inputmode: 'numeric', maxlength: 10 }),
      nrsField,
      field({ label: 'Note', name: 'note', idSuffix: '-diary', maxlength: 500, hint: 'Optional' })),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'save-diary' }, 'Add diary entry'),
      h('button', { type: 'button', class: 'btn btn-quiet', on: { click: () => close() } }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    const text = nrsInput.value.trim();
    const body = { entry_date: valueOf(form, 'entry_date') };
    if (nrsInput.validity.badInput) body.nrs = 'not a number';
    else if (text !== '') body.nrs = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    if (valueOf(form, 'note')) body.note = valueOf(form, 'note');
    await busy(form, async () => {
      let r;
      try {
        r = await post(`/api/v1/patients/${p.id}/diary`, body);
      } catch (e) {
        if (!ctx.isCurrent()) return;
        showProblem(form, summary, e);
        return;
      }
      close();
      await saved(r.body);
    });
  });
  return form;
}
