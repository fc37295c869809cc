// The outcomes page (/outcomes?…): the report's settings (milestone, threshold, NRS or PGIC,
// primary or observed, group, minimum n), filters by any stratum and a split by up to two, all
// kept in the address so that a view can be linked; then one section per report. Each section
// is a module with {id, title, hint, render({query, el, isCurrent, signal})} (responders.js,
// outcome-adverse.js, completeness.js, time-to-response.js, mean-change.js, on outcome-parts.js);
// a report whose endpoint is still to come can have a section that says so (pending). For admins,
// clinicians and researchers (outcomes.read); the server audits each report read.

import { get, neuropathyCodes, cached } from './api.js';
import { h, add, fill, roleLabel } from './dom.js';
import { field, checkbox, problemBox } from './form.js';
import { MILESTONES, VARIABLES, DEFAULTS, setCatalogues, stateFromQuery, queryOf, variable } from './outcome-terms.js';
import { respondersSection } from './responders.js';
import { adverseSection } from './outcome-adverse.js';
import { completenessSection } from './completeness.js';
import { timeSection } from './time-to-response.js';
import { changeSection } from './mean-change.js';

const biologics = cached('/api/v1/biologics');

// The reports, in page order. pending: the server has no endpoint for it yet.
const SECTIONS = [
  respondersSection,
  adverseSection,
  completenessSection,
  timeSection,
  changeSection,
];

const GROUP_CHOICES = [['treated', 'Treated'], ['comparator', 'Comparator (no injection)'], ['treated,comparator', 'Both']];

export async function outcomesView(ctx) {
  const { root, session } = ctx;
  ctx.title('Outcomes');
  add(root, h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, 'Outcomes')));
  if (!session.can('outcomes.read')) {
    add(root, h('div', { class: 'empty', 'data-testid': 'no-outcomes-access' },
      h('h2', {}, 'No outcome reports for your role'),
      h('p', {}, `Your role (${roleLabel(session.me.role)}) does not include outcome reports; a clinician, researcher or admin can read them.`)));
    return;
  }
  try {
    const [b, codes] = await Promise.all([biologics(), neuropathyCodes()]);
    setCatalogues(b, codes);
  } catch (e) {
    if (ctx.isCurrent()) add(root, problemBox(e));
    return;
  }
  if (!ctx.isCurrent()) return;

  let state = stateFromQuery(new URLSearchParams(location.search));
  const form = settingsForm(state);
  const bodies = new Map();
  add(root,
    h('p', { class: 'hint section-hint' }, 'Outcomes computed from the clinic\u2019s records each time this page asks, '
      + 'never stored. No patient is named; every report read is noted in the audit log.'),
    h('section', { class: 'card outcome-settings', 'aria-label': 'Report settings' }, form),
    SECTIONS.map((sec) => {
      const body = h('div', { class: 'section-body', 'data-testid': `${sec.id}-body` });
      bodies.set(sec.id, body);
      if (sec.pending) {
        body.append(h('p', { class: 'pending', 'data-testid': 'section-pending' },
          'Coming: the server does not report this yet. It will use the settings above.'));
      }
      return h('section', { class: ['card', 'outcome-section', sec.pending ? 'outcome-pending' : null],
        'aria-labelledby': `${sec.id}-title`, 'data-testid': `section-${sec.id}` },
      h('h2', { id: `${sec.id}-title` }, sec.title),
      h('p', { class: 'hint section-hint' }, sec.hint),
      body);
    }));

  let controller = null;
  const show = async () => {
    if (controller) controller.abort();
    controller = new AbortController();
    const { signal } = controller;
    const query = queryOf(state);
    const url = `/outcomes${query ? `?${query}` : ''}`;
    if (location.pathname + location.search !== url) history.replaceState(null, '', url);
    const isCurrent = () => ctx.isCurrent() && !signal.aborted;
    await Promise.all(SECTIONS.filter((sec) => !sec.pending)
      .map((sec) => sec.render({ query, el: bodies.get(sec.id), isCurrent, signal })));
  };
  const apply = () => {
    state = readForm(form, state);
    syncForm(form, state);
    return show();
  };
  form.addEventListener('change', apply);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    apply();
  });
  form.querySelector('[data-testid="clear-filters"]').addEventListener('click', () => {
    for (const box of form.querySelectorAll('.filters input[type="checkbox"]')) box.checked = false;
    apply();
  });
  syncForm(form, state);
  await show();
}

// The settings and filters as a form; the controls are named as the API's parameters.
function settingsForm(state) {
  const choices = [['', 'Nothing'], ...VARIABLES.map((v) => [v.name, v.label])];
  // Open on a wide screen; on a phone the summary names the filters in use and the report
  // follows close below.
  const filters = h('details', { class: 'filters', 'data-testid': 'outcome-filters',
    open: window.matchMedia('(min-width: 761px)').matches },
  h('summary', {}, 'Patients to include', h('span', { class: 'filter-count', 'data-testid': 'filter-count' })),
  h('p', { class: 'hint' }, 'Tick the values to keep; a group with nothing ticked keeps everyone.'),
  h('div', { class: 'filter-grid' }, VARIABLES.filter((v) => v.name !== 'group').map((v) => h('fieldset', {
    class: 'filter-group', 'data-path': v.name, 'data-testid': `filter-${v.name}` },
  h('legend', {}, v.label),
  v.values.map(([value, label]) => checkbox({ name: v.name, value, label, idSuffix: '-f',
    checked: (state.filters[v.name] || []).includes(value) }))))),
  h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn-quiet btn-small', 'data-testid': 'clear-filters' },
    'Clear the ticks')));
  return h('form', { class: 'outcome-form', novalidate: true, 'data-no-guard': true, 'data-testid': 'outcome-form' },
    h('div', { class: 'settings-grid' },
      field({ label: 'Milestone', name: 'milestone', choices: MILESTONES.map(([d, t]) => [String(d), t]), value: state.milestone }),
      field({ label: 'Responder by', name: 'measure', value: state.measure,
        choices: [['nrs', 'Pain (NRS) fell by the threshold'], ['pgic', 'PGIC much improved or better']] }),
      field({ label: 'Threshold (%)', name: 'threshold', type: 'number', value: state.threshold, inputmode: 'numeric',
        hint: '30 or 50 (IMMPACT); 1 to 99' }),
      field({ label: 'Analysis', name: 'analysis', value: state.analysis,
        choices: [['primary', 'Primary: everyone due'], ['observed', 'Observed cases only']] }),
      field({ label: 'Group', name: 'group', choices: GROUP_CHOICES }),
      field({ label: 'Split by', name: 'by1', choices, value: state.by[0] || '' }),
      field({ label: 'Then by', name: 'by2', choices, value: state.by[1] || '' }),
      field({ label: 'Minimum n for a rate', name: 'min_n', type: 'number', value: state.min_n, inputmode: 'numeric' })),
    filters,
    // Enter in a number field submits; the change of any control already shows the report.
    h('button', { type: 'submit', class: 'visually-hidden', tabindex: '-1' }, 'Show'));
}

// The form's values as a state (the previous state keeps what the form does not show).
function readForm(form, prev) {
  const value = (name) => form.elements.namedItem(name).value.trim();
  const state = { ...prev, filters: {}, by: [] };
  for (const key of Object.keys(DEFAULTS)) state[key] = value(key) || DEFAULTS[key];
  for (const v of VARIABLES) {
    if (v.name === 'group') continue;
    const ticked = [...form.querySelectorAll(`input[name="${v.name}"]:checked`)].map((b) => b.value);
    if (ticked.length) state.filters[v.name] = ticked;
  }
  const by = [value('by1'), value('by2')].filter(Boolean);
  state.by = by.length === 2 && by[0] === by[1] ? [by[0]] : by;
  // Splitting by group shows both groups unless one is then chosen; the treated alone are the
  // server's default only when the report is not split by group.
  let group = value('group');
  if (state.by.includes('group') && !prev.by.includes('group') && group === 'treated') group = 'treated,comparator';
  if (group !== 'treated' || state.by.includes('group')) state.filters.group = group.split(',');
  return state;
}

// What the form shows follows the state: the threshold only for NRS, the second split only
// after a first, the number of filters in use.
function syncForm(form, state) {
  const groups = new Set(state.filters.group || (state.by.includes('group') ? ['treated', 'comparator'] : ['treated']));
  const group = form.elements.namedItem('group');
  group.value = groups.size === 2 ? 'treated,comparator' : groups.has('comparator') ? 'comparator' : 'treated';
  const threshold = form.elements.namedItem('threshold');
  threshold.disabled = state.measure === 'pgic';
  threshold.closest('.field').classList.toggle('is-off', threshold.disabled);
  form.elements.namedItem('by1').value = state.by[0] || '';
  const by2 = form.elements.namedItem('by2');
  by2.value = state.by[1] || '';
  by2.disabled = !state.by[0];
  by2.closest('.field').classList.toggle('is-off', by2.disabled);
  for (const opt of by2.options) opt.disabled = !!opt.value && opt.value === state.by[0];
  const used = VARIABLES.filter((v) => v.name !== 'group' && (state.filters[v.name] || []).length);
  fill(form.querySelector('[data-testid="filter-count"]'),
    used.length ? `: ${used.map((v) => variable(v.name).label.toLowerCase()).join(', ')}` : ': everyone');
}
