// A forest plot drawn one table row at a time: each row's SVG has a point at the rate and a bar
// for its 95 % interval on a 0-100 % scale, and the column's heading carries the shared axis.
// Positions are percentages of the SVG's width, so every row and the axis line up at any column
// width without stretching the point; the SVGs draw outside their box (overflow: visible in
// style.css) so that a point at 0 or 100 % is whole. Looks come from classes (the CSP allows no
// inline styles).

import { s } from './plot.js';

// Grid lines every 25 %; labels at 0, 50 and 100 %, which fit the narrowest column.
const TICKS = [0, 25, 50, 75, 100];
const LABELLED = [0, 50, 100];
const at = (p) => `${Math.max(0, Math.min(100, p))}%`;

function grid() {
  return TICKS.map((t) => s('line', { x1: at(t), x2: at(t), y1: 2, y2: 22, class: t === 0 || t === 100 ? 'forest-edge' : 'forest-grid' }));
}

// The axis for the column heading: tick labels 0 % ... 100 %.
export function forestAxis() {
  return s('svg', { class: 'forest forest-axis', 'aria-hidden': 'true', focusable: 'false' },
    LABELLED.map((t) => s('text', { x: at(t), y: '70%', 'text-anchor': t === 0 ? 'start' : t === 100 ? 'end' : 'middle',
      class: 'forest-tick' }, `${t}\u00a0%`)));
}

// One row: rate, low, high as fractions (0..1); label: the same in words for screen readers.
// Ticks for a stacked row (a phone, where the heading with the axis is hidden) are drawn too and
// shown only there.
export function forestRow({ rate, low, high, label, comparator = false }) {
  const y = 12;
  return s('svg', { class: ['forest', 'forest-row', comparator ? 'forest-comparator' : null].filter(Boolean).join(' '),
    role: 'img', 'aria-label': label, focusable: 'false', 'data-testid': 'forest-row' },
  s('title', {}, label),
  s('g', { 'aria-hidden': 'true' }, grid()),
  s('line', { x1: at(low * 100), x2: at(high * 100), y1: y, y2: y, class: 'forest-ci', 'data-testid': 'forest-ci' }),
  s('line', { x1: at(low * 100), x2: at(low * 100), y1: y - 5, y2: y + 5, class: 'forest-ci' }),
  s('line', { x1: at(high * 100), x2: at(high * 100), y1: y - 5, y2: y + 5, class: 'forest-ci' }),
  s('circle', { cx: at(rate * 100), cy: y, r: 5, class: 'forest-point', 'data-testid': 'forest-point' }),
  s('g', { class: 'forest-row-ticks', 'aria-hidden': 'true' },
    LABELLED.map((t) => s('text', { x: at(t), y: 36, 'text-anchor': t === 0 ? 'start' : t === 100 ? 'end' : 'middle',
      class: 'forest-tick' }, `${t}\u00a0%`))));
}
