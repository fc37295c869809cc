// The words and the address of the outcome reports (docs/OUTCOMES.md): the stratifying variables
// and their values as the API names them, their labels on screen, and the page's state, which is
// its address: /outcomes?milestone=91&threshold=30&etiology=diabetic&by=biologic. The address
// uses the API's own parameter names, so a report's query is the page's query. Shared by the
// page (outcomes.js) and its sections.

import { SEX_LABELS, etiologyLabel } from './dom.js';

export const MILESTONES = [
  [30, 'Day 30 (1 month)'], [91, 'Day 91 (3 months)'], [182, 'Day 182 (6 months)'], [365, 'Day 365 (12 months)'],
];

// Every variable a report filters by or splits by, in the API's order. values: fixed values as
// [value, label]; biologic and etiology come from the server's catalogues (setCatalogues). brief:
// the label in a table cell, where the table's definition says the rest.
export const VARIABLES = [
  { name: 'group', label: 'Group', values: [['treated', 'Treated'], ['comparator', 'Comparator (no injection)']] },
  { name: 'biologic', label: 'Biologic', values: [] },
  { name: 'etiology', label: 'Etiology', values: [] },
  { name: 'chronicity', label: 'Chronicity at day 0', brief: 'Chronicity',
    values: [['recent', 'Recent'], ['chronic', 'Chronic'], ['unknown', 'Onset unknown']] },
  { name: 'duration', label: 'Duration at day 0', brief: 'Duration',
    values: [['under_1y', 'Under 1 year'], ['1_to_5y', '1 to 5 years'], ['over_5y', 'Over 5 years'], ['unknown', 'Unknown']] },
  { name: 'injections', label: 'Injections by the milestone', brief: 'Injections',
    values: [['1', '1'], ['2', '2'], ['3_plus', '3 or more'], ['none', 'None (comparator)']] },
  { name: 'age', label: 'Age at day 0', brief: 'Age',
    values: [['under_50', 'Under 50'], ['50_to_64', '50 to 64'], ['65_plus', '65 and over'], ['unknown', 'Unknown']] },
  { name: 'sex', label: 'Sex at birth', brief: 'Sex', values: Object.entries(SEX_LABELS) },
  { name: 'hba1c', label: 'HbA1c before day 0', brief: 'HbA1c',
    values: [['under_7', 'Under 7 %'], ['7_to_8.9', '7 to 8.9 %'], ['9_plus', '9 % and over'], ['none', 'No HbA1c']] },
];

const byName = Object.fromEntries(VARIABLES.map((v) => [v.name, v]));
export const variable = (name) => byName[name];

// The biologics (GET /api/v1/biologics) and etiologies (GET /api/v1/neuropathy-codes) the
// server knows, as choices; 'none' marks the comparator, who had no biologic.
// A biologic's short name is the abbreviation its label ends with: "PRP" for "Platelet-rich plasma
// (PRP)".
export function setCatalogues(biologics, codes) {
  byName.biologic.values = [...biologics.map((b) => [b.id, b.label]), ['none', 'None (comparator)']];
  byName.biologic.short = Object.fromEntries(biologics.map((b) => [b.id, (/\(([^()]+)\)\s*$/.exec(b.label) || [])[1] || b.label]));
  const etiologies = [...new Set(codes.map((c) => c.etiology).filter(Boolean))];
  byName.etiology.values = etiologies.map((e) => [e, etiologyLabel(e)]);
}

// "Chronic" for chronicity=chronic; the value itself when the variable does not list it. short:
// a biologic's abbreviation, for a table cell.
export function valueLabel(name, value, { short = false } = {}) {
  const v = byName[name];
  if (short && v && v.short && v.short[value]) return v.short[value];
  const found = v && v.values.find(([k]) => k === value);
  if (found) return found[1];
  if (name === 'etiology') return etiologyLabel(value);
  return String(value).replace(/_/g, ' ');
}

// The page's state: the report's settings and the filters, each a list of values.
export const DEFAULTS = { milestone: '91', threshold: '30', measure: 'nrs', analysis: 'primary', min_n: '10' };
const SETTINGS = Object.keys(DEFAULTS);

// state from an address's query (URLSearchParams). Values are kept as given: a value the server
// does not know comes back as its 422, so a broken link says what is wrong with it.
export function stateFromQuery(params) {
  const state = { ...DEFAULTS, by: [], filters: {} };
  for (const key of SETTINGS) {
    const v = params.get(key);
    if (v !== null && v.trim() !== '') state[key] = v.trim();
  }
  const by = params.get('by');
  if (by) state.by = by.split(',').map((x) => x.trim()).filter(Boolean).slice(0, 2);
  for (const v of VARIABLES) {
    const given = params.get(v.name);
    if (given) state.filters[v.name] = given.split(',').map((x) => x.trim()).filter(Boolean);
  }
  return state;
}

// The query of a state, defaults left out (the shortest address that shows the same view); the
// report's API query adds nothing but what the server's defaults already are.
export function queryOf(state) {
  const q = new URLSearchParams();
  for (const key of SETTINGS) {
    if (key === 'threshold' && state.measure === 'pgic') continue;
    if (state[key] !== undefined && String(state[key]) !== DEFAULTS[key]) q.set(key, state[key]);
  }
  for (const v of VARIABLES) {
    const values = state.filters[v.name];
    if (values && values.length) q.set(v.name, values.join(','));
  }
  if (state.by.length) q.set('by', state.by.join(','));
  return q.toString().replace(/%2C/g, ',');
}

// Which patients a report covers, from the server's own account of its filters
// (definition.filters: "biologic=prp, etiology=diabetic" or "none"): [[label, "PRP, BMAC"]].
export function filterWords(filters) {
  if (!filters || filters === 'none') return [];
  return filters.split(', ').map((part) => {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq);
    const values = part.slice(eq + 1).split(',');
    const v = byName[name];
    return [v ? v.label : name, values.map((x) => valueLabel(name, x)).join(' or ')];
  });
}

// A rate as a whole percent: 0.2826 -> "28 %"; within 1 % of either end one decimal, so that
// an interval's bound near 0 or 100 % does not read as exactly 0 or 100 % (0.0036 -> "0.4 %").
export function pct(x) {
  const p = x * 100;
  if (p > 0 && p < 1) return `${(Math.ceil(p * 10) / 10).toFixed(1)}\u00a0%`;
  if (p > 99 && p < 100) return `${(Math.floor(p * 10) / 10).toFixed(1)}\u00a0%`;
  return `${Math.round(p)}\u00a0%`;
}

export const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
