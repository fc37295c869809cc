// The patient chart: the banner (banner.js, on every tab) and the tabs, each with its own address
// so that links, reload and Back work: Summary (/patients/{id}; summary.js), Work-up
// (/workup: diagnoses, tests and scores, test results, medicines), Treatment (/treatment:
// candidacy, plans, procedures, adverse events; treatment.js), Timeline (/timeline; timeline.js),
// Visits (/visits: the appointments; visits.js) and Billing (billing.js; billing.read only). Changes on a tab refresh
// the banner. What a role cannot do is not shown.

import { get } from './api.js';
import { h, add, link, roleLabel } from './dom.js';
import { patientName, listUrl, noPatientAccess } from './patients.js';
import { patientBanner } from './banner.js';
import { summaryTab } from './summary.js';
import { diagnosesSection } from './diagnoses.js';
import { workupSections } from './workup.js';
import { treatmentSections } from './treatment.js';
import { timelineTab } from './timeline.js';
import { visitsTab } from './visits.js';
import { billingTab } from './billing.js';

const TABS = [
  { id: 'summary', label: 'Summary', path: '' },
  { id: 'workup', label: 'Work-up', path: '/workup' },
  { id: 'treatment', label: 'Treatment', path: '/treatment' },
  { id: 'timeline', label: 'Timeline', path: '/timeline' },
  { id: 'visits', label: 'Visits', path: '/visits' },
  { id: 'billing', label: 'Billing', path: '/billing', perm: 'billing.read' },
];

export async function patientView(ctx, id, tab = 'summary') {
  const { root, session } = ctx;
  if (!session.can('patient.read')) {
    ctx.title('Patient');
    add(root, h('h1', { tabindex: '-1' }, 'Patient'), noPatientAccess(session));
    return;
  }
  let p;
  try {
    p = (await get(`/api/v1/patients/${id}`)).body;
  } catch (e) {
    if (!ctx.isCurrent()) return;
    if (e.status !== 404) throw e;
    ctx.title('Patient not found');
    add(root, h('p', { class: 'crumbs' }, link(listUrl(), '← All patients')),
      h('h1', { tabindex: '-1' }, 'Patient not found'),
      h('p', {}, 'No patient has this address. It may have been mistyped.'));
    return;
  }
  if (!ctx.isCurrent()) return;
  const current = TABS.find((t) => t.id === tab) || TABS[0];
  ctx.title(`${patientName(p)} · ${current.label}`);
  const banner = patientBanner(ctx, p);
  const base = `/patients/${p.id}`;
  const nav = h('nav', { class: 'chart-tabs', 'aria-label': 'Patient chart', 'data-testid': 'chart-tabs' },
    h('ul', {}, TABS.filter((t) => !t.perm || session.can(t.perm)).map((t) => h('li', {}, link(`${base}${t.path}`, t.label, {
      'data-testid': `tab-${t.id}`, 'aria-current': t.id === current.id ? 'page' : null })))));
  const panel = h('div', { class: 'tab-panel', 'data-testid': `tab-panel-${current.id}`, 'data-tab': current.id });
  add(root,
    h('p', { class: 'crumbs' }, link(listUrl(), '← All patients', { 'data-testid': 'back-to-list' })),
    banner.element, nav,
    p.archived ? h('p', { class: 'notice' },
      `Archived ${p.archived_at ? p.archived_at.slice(0, 10) : ''}${p.archive_reason ? `: ${p.archive_reason}` : ''}. `
      + 'Archived patients cannot be changed.') : null,
    panel);
  const refreshBanner = () => banner.refresh();
  const ctxTab = { ...ctx, root: panel };
  await Promise.all([banner.refresh(), showTab(ctxTab, p, current.id, refreshBanner)]);
}

async function showTab(ctx, p, tab, onChange) {
  const { root } = ctx;
  if (tab === 'billing') {
    await billingTab(ctx, p);
    return;
  }
  if (tab === 'summary') {
    await summaryTab(ctx, p, root);
  } else if (tab === 'workup') {
    add(root, await diagnosesSection(ctx, p, { onChange }));
    if (!ctx.isCurrent()) return;
    await workupSections(ctx, p, { onChange });
  } else if (tab === 'treatment') {
    const treatment = treatmentSections(ctx, p, { onChange });
    add(root, treatment.section);
    await treatment.start();
  } else if (tab === 'timeline') {
    await timelineTab(ctx, p, { onChange });
  } else if (tab === 'visits') {
    await visitsTab(ctx, p);
  }
  void roleLabel;
}
