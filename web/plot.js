// Small SVG plots of values over time, built with createElementNS (the page's CSP allows no inline
// styles: looks come from classes in style.css and from SVG presentation attributes). Each plot is
// a picture with a text alternative; the callers add a table of the same values.

const NS = 'http://www.w3.org/2000/svg';
const DAY = 86400000;

// s('circle', {cx: 3, class: 'x'}, child, 'text') -> SVG element.
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(key, String(value));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// "YYYY-MM-DD" (or an instant "YYYY-MM-DDTHH:MM:SSZ") -> days since 1970-01-01; NaN if malformed.
export function dayOf(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text || '');
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY : NaN;
}

export function dateOfDay(day) {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

// 2.5 -> "2.5", 7 -> "7", 0.30000000000000004 -> "0.3".
export function num(n) {
  return n === null || n === undefined ? '' : String(Number(Number(n).toFixed(2)));
}

// Round tick values from min to max, about `count` of them.
export function niceTicks(min, max, count = 5) {
  const span = max - min;
  if (!(span > 0)) return [min];
  const raw = span / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((st) => st >= raw) || raw;
  const ticks = [];
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) ticks.push(Number(v.toFixed(6)));
  if (ticks[0] !== min) ticks.unshift(min);
  if (ticks[ticks.length - 1] !== max) {
    // Keep the top of the scale labelled; drop a tick that would crowd it.
    if (max - ticks[ticks.length - 1] < step / 2) ticks.pop();
    ticks.push(max);
  }
  return ticks;
}

// Days from first, a whole number of days apart, at most about `count` of them, ending on last.
function dayTicks(first, last, count) {
  if (last <= first) return [first];
  const step = Math.max(1, Math.ceil((last - first) / Math.max(1, count - 1)));
  const out = [];
  for (let d = first; d <= last; d += step) out.push(d);
  // The last date is labelled too; it replaces a tick that would crowd it.
  if (out[out.length - 1] !== last) {
    if (last - out[out.length - 1] >= step * 0.6) out.push(last);
    else if (out.length > 1) out[out.length - 1] = last;
  }
  return out;
}

// One marker: circle (filled or hollow) or square, centred on x, y.
export function marker(shape, x, y, attrs = {}, size = 5) {
  if (shape === 'square') {
    return s('rect', { x: x - size, y: y - size, width: 2 * size, height: 2 * size, ...attrs });
  }
  if (shape === 'diamond') {
    const d = size * 1.3;
    return s('polygon', { points: `${x},${y - d} ${x + d},${y} ${x},${y + d} ${x - d},${y}`, ...attrs });
  }
  return s('circle', { cx: x, cy: y, r: size, ...attrs });
}

// A legend symbol (a tiny SVG, hidden from assistive technology: the text says the same).
export function legendSymbol(shape, cls) {
  return s('svg', { class: 'legend-symbol', width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': 'true', focusable: 'false' },
    shape === 'dash' ? s('line', { x1: 1, y1: 8, x2: 15, y2: 8, class: cls, 'stroke-dasharray': '4 3' })
      : shape === 'vline' ? s('line', { x1: 8, y1: 1, x2: 8, y2: 15, class: cls, 'stroke-dasharray': '3 3' })
        : marker(shape, 8, 8, { class: cls }, 5));
}

// timePlot({width, height, label, yMin, yMax, yTicks, yLabel, points, line, refLines, events, marginRight,
//   domain})
//   width: the width on screen in px, so that the text is drawn at its CSS size (12 px).
//   points: [{date, value, shape, class, title, attrs}] (attrs: extra attributes, e.g. data-testid)
//   line: true joins all points; a function joins the points of each group it returns (e.g. by
//     source, so that clinic and diary scores are never joined into one line).
//   domain: [first, last] days since 1970 shown on the time axis (a date range shared by several
//     plots); points and events outside it are left out. Without it the axis spans the data.
//   refLines: [{value, label}] drawn dashed across the plot with the label at the right end.
//   events: [{date, label, title, attrs, class}] marked on the time axis: a vertical line through the
//     plot with a short label above it (e.g. injections); the axis widens to include them.
//   marginRight: room right of the plot area (default 18), so that a small plot's last date
//     label is not cut off.
// Returns an <svg role="img"> whose accessible name is `label`.
export function timePlot(opts) {
  const W = opts.width || 720;
  const H = opts.height || 240;
  // Reference-line labels sit right of the plot area, where no point can cover them.
  const refs = (opts.refLines || []).filter((r) => r.value >= opts.yMin && r.value <= opts.yMax);
  const labelRoom = refs.length ? Math.max(...refs.map((r) => String(r.label).length)) * 7 + 12 : 0;
  const inDomain = (d) => !opts.domain || (d >= opts.domain[0] && d <= opts.domain[1]);
  const events = (opts.events || []).filter((e) => Number.isFinite(dayOf(e.date)) && inDomain(dayOf(e.date)));
  const m = { left: 46, right: (opts.marginRight ?? 18) + labelRoom, top: events.length ? 30 : 14, bottom: 40 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const points = (opts.points || []).filter((p) => Number.isFinite(dayOf(p.date)) && Number.isFinite(p.value)
    && inDomain(dayOf(p.date)));
  const days = [...points, ...events].map((p) => dayOf(p.date));
  let first = opts.domain ? opts.domain[0] : days.length ? Math.min(...days) : dayOf(new Date().toISOString());
  let last = opts.domain ? opts.domain[1] : days.length ? Math.max(...days) : first;
  // About one date label per 110 px, so that labels never overlap.
  const ticksX = dayTicks(first, last, Math.min(opts.xTicks || 6, Math.max(2, Math.floor(pw / 110))));
  // Room either side so that points do not sit on the axes.
  const pad = last > first ? (last - first) * 0.05 : 1;
  first -= pad;
  last += pad;
  const { yMin, yMax } = opts;
  const x = (day) => m.left + ((day - first) / (last - first)) * pw;
  const y = (v) => m.top + ph - ((Math.min(Math.max(v, yMin), yMax) - yMin) / (yMax - yMin || 1)) * ph;

  const svg = s('svg', { class: ['plot', opts.class].filter(Boolean).join(' '), viewBox: `0 0 ${W} ${H}`,
    role: 'img', 'aria-label': opts.label, preserveAspectRatio: 'xMidYMid meet' });
  const grid = s('g', { class: 'plot-grid', 'aria-hidden': 'true' });
  for (const t of opts.yTicks || niceTicks(yMin, yMax)) {
    grid.append(
      s('line', { x1: m.left, x2: m.left + pw, y1: y(t), y2: y(t), class: 'gridline' }),
      s('text', { x: m.left - 8, y: y(t), 'text-anchor': 'end', 'dominant-baseline': 'middle', class: 'tick' }, num(t)));
  }
  for (const d of ticksX) {
    grid.append(
      s('line', { x1: x(d), x2: x(d), y1: m.top + ph, y2: m.top + ph + 5, class: 'axis' }),
      // A label at either end is kept inside the picture (a date is about 76 px wide at 12 px).
      s('text', { x: x(d), y: m.top + ph + 20, 'text-anchor': x(d) + 38 > W ? 'end' : x(d) - 38 < 0 ? 'start' : 'middle',
        class: 'tick' }, dateOfDay(d)));
  }
  grid.append(
    s('line', { x1: m.left, x2: m.left, y1: m.top, y2: m.top + ph, class: 'axis' }),
    s('line', { x1: m.left, x2: m.left + pw, y1: m.top + ph, y2: m.top + ph, class: 'axis' }));
  if (opts.yLabel) {
    grid.append(s('text', { x: 12, y: m.top + ph / 2, 'text-anchor': 'middle', class: 'axis-label',
      transform: `rotate(-90 12 ${m.top + ph / 2})` }, opts.yLabel));
  }
  svg.append(grid);

  for (const r of refs) {
    svg.append(s('g', { class: 'plot-ref', 'data-testid': 'cutoff-line' },
      s('line', { x1: m.left, x2: m.left + pw + 4, y1: y(r.value), y2: y(r.value), class: 'cutoff', 'stroke-dasharray': '6 4' }),
      s('text', { x: m.left + pw + 8, y: y(r.value), 'dominant-baseline': 'middle', class: 'cutoff-label' }, r.label)));
  }

  for (const e of events) {
    const ex = x(dayOf(e.date));
    const g = s('g', { class: ['plot-event', e.class].filter(Boolean).join(' '), ...(e.attrs || {}) },
      s('line', { x1: ex, x2: ex, y1: m.top - 6, y2: m.top + ph, class: 'event-line', 'stroke-dasharray': '3 3' }),
      s('text', { x: ex, y: m.top - 10, 'text-anchor': 'middle', class: 'event-label' }, e.label));
    if (e.title) g.append(s('title', {}, e.title));
    svg.append(g);
  }

  const ordered = points.map((p) => ({ ...p, day: dayOf(p.date) })).sort((a, b) => a.day - b.day);
  const groups = typeof opts.line === 'function'
    ? [...new Set(ordered.map(opts.line))].map((g) => [g, ordered.filter((p) => opts.line(p) === g)])
    : opts.line ? [['all', ordered]] : [];
  for (const [g, list] of groups) {
    if (list.length < 2) continue;
    svg.append(s('polyline', { class: `plot-line plot-line-${g}`, fill: 'none', 'data-line': g,
      points: list.map((p) => `${x(p.day).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ') }));
  }
  const layer = s('g', { class: 'plot-points' });
  for (const p of ordered) {
    const mk = marker(p.shape || 'circle', x(p.day), y(p.value), { class: p.class, ...(p.attrs || {}) }, opts.markerSize || 5);
    if (p.title) mk.append(s('title', {}, p.title));
    layer.append(mk);
  }
  svg.append(layer);
  return svg;
}

// The time axis of timePlot for a bar chart drawn beside it: x(day) and the ticks, with the same
// margins, so that bars line up with the plots above them (left 46, right marginRight or 18).
export function timeAxis(width, domain, marginRight = 18) {
  const left = 46;
  const pw = width - left - marginRight;
  const [first0, last0] = domain;
  const pad = last0 > first0 ? (last0 - first0) * 0.05 : 1;
  const first = first0 - pad;
  const last = last0 + pad;
  return {
    left, right: left + pw,
    x: (day) => left + ((day - first) / (last - first)) * pw,
    ticks: dayTicks(first0, last0, Math.max(2, Math.floor(pw / 110))),
  };
}

// A box that holds draw(width): the picture drawn for the width the box gets on screen, and again
// when that changes by 8 px or more, so that SVG text stays at its CSS size (12 px) on a phone
// too. Drawn first at `first` px, before the box is on the page; the observer lets go of a box
// that has left the page.
export function sized(draw, { first = 640, class: cls = null } = {}) {
  const box = document.createElement('div');
  if (cls) box.className = cls;
  let drawn = first;
  box.append(draw(first));
  const observer = new ResizeObserver(() => {
    if (!box.isConnected) {
      observer.disconnect();
      return;
    }
    const w = box.clientWidth;
    if (w > 0 && Math.abs(w - drawn) >= 8) {
      drawn = w;
      box.replaceChildren(draw(w));
    }
  });
  observer.observe(box);
  return box;
}
