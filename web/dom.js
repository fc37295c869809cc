// Small DOM helpers. Everything on screen is built with createElement and textContent, never
// innerHTML, so patient data can never become markup (and the page's CSP forbids inline code).

// h('p', {class: 'x', on: {click: fn}}, 'text', child, [more]) -> element.
// Attributes: class, text, on (event listeners), props (set as properties, e.g. checked, value);
// anything else is setAttribute, skipped when null/undefined/false (true means empty value).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'on') for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    else if (key === 'props') Object.assign(el, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

// Appends children (strings, nodes, nested arrays; null/false skipped) to el.
export function add(el, ...children) {
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// Replaces all children of el.
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// An in-app link: a real <a href> (keyboard, middle-click and reload all work); the router turns
// plain clicks into history.pushState.
export function link(href, text, attrs = {}) {
  return h('a', { ...attrs, href }, text);
}

// A table that becomes stacked rows on a narrow screen (table.stack in style.css): each body cell
// is labelled with its column's heading, shown above it when stacked.
export function stacked(table) {
  const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
  for (const body of table.tBodies) {
    for (const tr of body.rows) {
      [...tr.cells].forEach((td, i) => {
        if (heads[i] && !td.hasAttribute('data-label')) td.setAttribute('data-label', heads[i]);
      });
    }
  }
  table.classList.add('stack');
  return table;
}

// A small coloured label, e.g. tag('synthetic', 'synthetic').
export function tag(text, kind, attrs = {}) {
  return h('span', { ...attrs, class: ['tag', `tag-${kind}`] }, text);
}

// Today's date in the browser's calendar, as YYYY-MM-DD.
export function todayText() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

// Whole years from a YYYY-MM-DD birth date to today; null when the date does not parse.
export function ageFrom(birthDate, today = todayText()) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate || '');
  const t = /^(\d{4})-(\d{2})-(\d{2})$/.exec(today);
  if (!m || !t) return null;
  let years = Number(t[1]) - Number(m[1]);
  if (t[2] < m[2] || (t[2] === m[2] && t[3] < m[3])) years -= 1;
  return years;
}

// "3 years 2 months", "7 months", "under 1 month" from a month count.
export function durationText(months) {
  if (months === null || months === undefined) return null;
  if (months < 1) return 'under 1 month';
  const y = Math.floor(months / 12);
  const m = months % 12;
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (y === 0) return plural(m, 'month');
  return m === 0 ? plural(y, 'year') : `${plural(y, 'year')} ${plural(m, 'month')}`;
}

export const SEX_LABELS = { female: 'Female', male: 'Male', intersex: 'Intersex', unknown: 'Unknown' };

export const SITE_LABELS = {
  foot_left: 'Left foot', foot_right: 'Right foot', leg_left: 'Left leg', leg_right: 'Right leg',
  hand_left: 'Left hand', hand_right: 'Right hand', arm_left: 'Left arm', arm_right: 'Right arm',
};

const ETIOLOGY_LABELS = {
  diabetic: 'Diabetic', alcohol: 'Alcohol', chemotherapy_drug: 'Chemotherapy / drug',
  other_toxic: 'Other toxic', hereditary: 'Hereditary', idiopathic: 'Idiopathic',
  b12_deficiency: 'Vitamin B12 deficiency', post_herpetic: 'Post-herpetic', other: 'Other',
};

export function etiologyLabel(name) {
  return ETIOLOGY_LABELS[name] || String(name || '').replace(/_/g, ' ');
}

export function roleLabel(role) {
  return String(role || '').replace(/_/g, ' ');
}

// A biologic's regulatory class (data/biologics.json) in words.
const CLASS_LABELS = {
  blood_component: 'Blood component', hctp_same_surgical_procedure: 'HCT/P, same-surgical-procedure exception',
  investigational_biologic: 'Investigational biologic',
};
export const classLabel = (c) => CLASS_LABELS[c] || String(c || '').replace(/_/g, ' ');

// Marks the row (or item) with data-id id inside root as just saved, and brings it into view.
export function highlight(root, id) {
  const el = root.querySelector(`[data-id="${CSS.escape(id)}"]`);
  if (!el) return null;
  el.classList.add('fresh');
  el.setAttribute('data-fresh', 'true');
  el.scrollIntoView({ block: 'nearest' });
  return el;
}
