// One patient: demographics (with Edit) and the neuropathy diagnoses, with the form that records
// a diagnosis and the "entered in error" correction; then the treatment (plans, consent,
// procedures, adverse events; treatment.js) and the work-up (tests, scores, timeline; workup.js).
// A serious adverse event is announced in a banner under the patient's name. What a role cannot
// do is not shown.

import { get, post, patch, neuropathyCodes } from './api.js';
import { h, add, fill, link, tag, stacked, ageFrom, durationText, etiologyLabel, roleLabel,
  SEX_LABELS, SITE_LABELS } from './dom.js';
import { field, checkbox, checkGroup, errorSummary, showProblem, clearErrors, valueOf, busy,
  problemBox } from './form.js';
import { patientName, listUrl, noPatientAccess } from './patients.js';
import { workupSections } from './workup.js';
import { treatmentSections } from './treatment.js';

export async function patientView(ctx, id) {
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
  ctx.title(patientName(p));
  const age = ageFrom(p.birth_date);
  add(root, 
    h('p', { class: 'crumbs' }, link(listUrl(), '← All patients', { 'data-testid': 'back-to-list' })),
    h('div', { class: 'page-head' },
      h('div', {},
        h('h1', { tabindex: '-1', 'data-testid': 'patient-name' }, patientName(p),
          p.synthetic ? tag('synthetic', 'synthetic', { title: 'Synthetic demo patient, not a real person' }) : null,
          p.archived ? tag('archived', 'archived') : null),
        h('p', { class: 'subtitle' },
          h('span', {}, 'MRN ', h('span', { class: 'mono' }, p.mrn)),
          h('span', {}, `Born ${p.birth_date}${age === null ? '' : ` (${age} years)`}`),
          h('span', {}, SEX_LABELS[p.sex_at_birth] || p.sex_at_birth))),
      session.can('patient.write') && !p.archived
        ? link(`/patients/${p.id}/edit`, 'Edit patient', { class: 'btn', 'data-testid': 'edit-patient' })
        : null),
    p.archived ? h('p', { class: 'notice' },
      `Archived ${p.archived_at ? p.archived_at.slice(0, 10) : ''}${p.archive_reason ? `: ${p.archive_reason}` : ''}. `
      + 'Archived patients cannot be changed.') : null);
  // Filled by the Treatment section while a serious adverse event is recorded.
  const banner = h('div', { 'data-testid': 'banner-slot' });
  add(root, banner, demographics(p));

  const section = h('section', { class: 'card', 'aria-labelledby': 'dx-heading', 'data-testid': 'diagnoses' },
    h('h2', { id: 'dx-heading' }, 'Neuropathy diagnoses'));
  add(root, section);
  if (!session.can('condition.read')) {
    add(section, h('p', { class: 'muted', 'data-testid': 'no-diagnoses-access' },
      `Your role (${roleLabel(session.me.role)}) does not include diagnoses; a clinician or nurse can see them.`));
  } else {
    await diagnoses(ctx, p, section);
  }
  if (!ctx.isCurrent()) return;
  // Treatment changes (a procedure, an adverse event) redraw the timeline of the work-up.
  let refreshTimeline = async () => {};
  const treatment = treatmentSections(ctx, p, { banner, onChange: () => refreshTimeline() });
  add(root, treatment.section);
  // Work-up changes (a screening, a lab, a medicine) change what candidacy finds.
  const [, workup] = await Promise.all([treatment.start(),
    workupSections(ctx, p, { onChange: () => treatment.refreshCandidacy() })]);
  if (workup) refreshTimeline = workup.refreshTimeline;
}

async function diagnoses(ctx, p, section) {
  const { session } = ctx;
  const list = h('div', { 'aria-live': 'polite' });
  add(section, list);
  const canWrite = session.can('condition.write') && !p.archived;

  async function refresh() {
    const r = await get(`/api/v1/patients/${p.id}/conditions`);
    if (!ctx.isCurrent()) return;
    fill(list, conditionTable(r.body.items, canWrite, refresh));
  }
  await refresh();
  if (!ctx.isCurrent()) return;
  if (canWrite) add(section, await addDiagnosisForm(ctx, p, refresh));
}

function demographics(p) {
  const addr = p.address || {};
  const cityLine = [addr.postal_code, addr.city].filter(Boolean).join(' ');
  const addressLines = [addr.line, [cityLine, addr.region].filter(Boolean).join(', '), addr.country].filter(Boolean);
  const item = (term, value, testid) => [h('dt', {}, term),
    h('dd', { 'data-testid': testid }, value === null || value === undefined || value === ''
      ? h('span', { class: 'muted' }, 'Not recorded') : value)];
  return h('section', { class: 'card', 'aria-labelledby': 'demo-heading', 'data-testid': 'demographics' },
    h('h2', { id: 'demo-heading' }, 'Demographics'),
    h('dl', { class: 'facts' },
      item('MRN', h('span', { class: 'mono' }, p.mrn), 'mrn'),
      item('Birth date', p.birth_date, 'birth-date'),
      item('Age', ageFrom(p.birth_date) === null ? null : `${ageFrom(p.birth_date)} years`, 'age'),
      item('Sex at birth', SEX_LABELS[p.sex_at_birth] || p.sex_at_birth, 'sex'),
      item('Phone', p.phone, 'phone'),
      item('E-mail', p.email, 'email'),
      item('Address', addressLines.length ? addressLines.map((l, i) => [i ? h('br') : null, l]) : null, 'address'),
      item('Research consent', p.research_consent ? 'Yes' : 'No', 'research-consent'),
      item('Last changed', `${p.updated_at.replace('T', ' ').replace('Z', ' UTC')} (version ${p.version})`, 'updated')));
}

function chronicityBadge(c) {
  const text = c.chronicity === 'unknown' ? 'unknown' : c.chronicity;
  const title = c.chronicity === 'unknown'
    ? 'No onset date, so the duration is unknown'
    : `Chronic means at least ${c.chronic_threshold_months} months since onset`;
  return tag(text, c.chronicity, { title, 'data-testid': 'chronicity' });
}

function sitesText(sites) {
  if (!sites || !sites.length) return h('span', { class: 'muted' }, 'Not recorded');
  return sites.map((s) => SITE_LABELS[s] || s).join(', ');
}

function conditionTable(items, canWrite, refresh) {
  if (!items.length) {
    return h('p', { class: 'empty-inline', 'data-testid': 'no-diagnoses' }, 'No neuropathy diagnosis is recorded yet.');
  }
  const threshold = items[0].chronic_threshold_months;
  const tbody = h('tbody');
  const cols = canWrite ? 7 : 6;
  for (const c of items) {
    const wrong = c.status === 'entered_in_error';
    const tr = h('tr', { 'data-testid': 'condition-row', 'data-code': c.icd10, class: wrong ? 'struck' : null },
      h('td', {},
        h('span', { class: 'code mono', 'data-testid': 'condition-code' }, c.icd10),
        h('span', { class: 'code-desc' }, c.description || ''),
        c.notes ? h('span', { class: 'note' }, c.notes) : null),
      h('td', {}, etiologyLabel(c.etiology)),
      h('td', { class: 'mono' }, c.onset_date || h('span', { class: 'muted' }, 'Unknown'),
        c.diagnosed_date ? h('span', { class: 'sub' }, `diagnosed ${c.diagnosed_date}`) : null),
      h('td', { 'data-testid': 'duration' }, c.duration_months === null
        ? h('span', { class: 'muted' }, 'Unknown')
        : [durationText(c.duration_months),
          c.duration_months >= 12 ? h('span', { class: 'sub' }, `${c.duration_months} months`) : null]),
      h('td', {}, chronicityBadge(c)),
      h('td', {}, sitesText(c.sites)),
      canWrite ? h('td', { class: 'row-actions' }, wrong
        ? h('span', { class: 'tag tag-error', title: c.status_reason || '' }, 'entered in error')
        : null) : null);
    if (wrong && c.status_reason) {
      tr.cells[0].append(h('span', { class: 'note' }, `Entered in error: ${c.status_reason}`));
    }
    tbody.append(tr);
    if (canWrite && !wrong) {
      const cell = tr.lastElementChild;
      const open = h('button', { type: 'button', class: 'btn btn-small btn-quiet',
        'aria-expanded': 'false', 'data-testid': 'mark-error' }, 'Entered in error…');
      cell.append(open);
      open.addEventListener('click', () => {
        const existing = tr.nextElementSibling?.classList.contains('correction') ? tr.nextElementSibling : null;
        if (existing) {
          existing.remove();
          open.setAttribute('aria-expanded', 'false');
          return;
        }
        const row = h('tr', { class: 'correction' },
          h('td', { colspan: cols }, correctionForm(c, () => {
            row.remove();
            open.setAttribute('aria-expanded', 'false');
            open.focus();
          }, refresh)));
        tr.after(row);
        open.setAttribute('aria-expanded', 'true');
        row.querySelector('input').focus();
      });
    }
  }
  return [
    stacked(h('table', { class: 'data conditions', 'data-testid': 'condition-table' },
      h('caption', { class: 'visually-hidden' }, 'Neuropathy diagnoses'),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Diagnosis (ICD-10-CM)'),
        h('th', { scope: 'col' }, 'Etiology'),
        h('th', { scope: 'col' }, 'Onset'),
        h('th', { scope: 'col' }, 'Duration'),
        h('th', { scope: 'col' }, 'Chronicity'),
        h('th', { scope: 'col' }, 'Sites'),
        canWrite ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')) : null)),
      tbody)),
    h('p', { class: 'hint' }, `Chronic: ${threshold} months or more since onset. Duration counts from the onset date to today.`),
  ];
}

// Marks a diagnosis entered_in_error with a reason (PATCH with If-Match).
function correctionForm(c, close, refresh) {
  const summary = errorSummary();
  const form = h('form', { class: 'inline-form', novalidate: true, 'data-testid': 'correction-form' },
    summary,
    field({ label: `Why is ${c.icd10} wrong?`, name: 'status_reason', idSuffix: `-${c.id}`, required: true,
      hint: 'The diagnosis stays in the record, struck through, with this reason.', wide: true, maxlength: 500 }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-danger' }, 'Mark entered in error'),
      h('button', { type: 'button', class: 'btn btn-quiet', on: { click: close } }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    await busy(form, async () => {
      try {
        await patch(`/api/v1/conditions/${c.id}`,
          { status: 'entered_in_error', status_reason: valueOf(form, 'status_reason') }, { ifMatch: c.version });
        await refresh();
      } catch (e) {
        if (e.status === 412) {
          e.problem = { title: 'Someone else changed this diagnosis',
            detail: 'It was changed after this page was loaded. Reload the page to see the current diagnosis.' };
        }
        showProblem(form, summary, e);
      }
    });
  });
  return form;
}

const SITE_ORDER = [['foot_left', 'foot_right'], ['leg_left', 'leg_right'], ['hand_left', 'hand_right'], ['arm_left', 'arm_right']];

async function addDiagnosisForm(ctx, p, refresh) {
  let codes;
  try {
    codes = await neuropathyCodes();
  } catch (e) {
    return problemBox(e);
  }
  const groups = new Map();
  for (const c of codes) {
    if (!groups.has(c.etiology)) groups.set(c.etiology, []);
    groups.get(c.etiology).push(c);
  }
  const select = field({ label: 'Diagnosis (ICD-10-CM)', name: 'icd10', required: true, choices: [['', 'Choose a code…']], wide: true });
  const control = select.querySelector('select');
  for (const [etiology, list] of groups) {
    control.append(h('optgroup', { label: etiologyLabel(etiology) },
      list.map((c) => h('option', { value: c.code }, `${c.code} — ${c.description}`))));
  }
  const summary = errorSummary();
  const status = h('p', { class: 'flash', role: 'status', 'data-testid': 'diagnosis-status', hidden: true });
  const form = h('form', { class: 'add-dx', novalidate: true, 'data-testid': 'add-diagnosis-form', 'aria-labelledby': 'add-dx-heading' },
    h('h3', { id: 'add-dx-heading' }, 'Add diagnosis'),
    summary,
    h('div', { class: 'grid' },
      select,
      field({ label: 'Onset', name: 'onset_date', hint: 'When symptoms began: YYYY-MM-DD, or YYYY-MM',
        placeholder: 'YYYY-MM-DD', inputmode: 'numeric', maxlength: 10, narrow: true }),
      field({ label: 'Diagnosed on', name: 'diagnosed_date', hint: 'YYYY-MM-DD', placeholder: 'YYYY-MM-DD',
        inputmode: 'numeric', maxlength: 10, narrow: true }),
      checkGroup({ legend: 'Sites', name: 'sites', hint: 'Where the symptoms are',
        boxes: SITE_ORDER.flat().map((s) => checkbox({ name: 'sites', value: s, label: SITE_LABELS[s] })) }),
      field({ label: 'Notes', name: 'notes', type: 'textarea', rows: 3, maxlength: 2000, wide: true })),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'add-diagnosis' }, 'Add diagnosis')),
    status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    status.hidden = true;
    const body = {};
    if (valueOf(form, 'icd10')) body.icd10 = valueOf(form, 'icd10');
    for (const key of ['onset_date', 'diagnosed_date', 'notes']) {
      const v = valueOf(form, key);
      if (v) body[key] = v;
    }
    const sites = [...form.querySelectorAll('input[name="sites"]:checked')].map((b) => b.value);
    if (sites.length) body.sites = sites;
    await busy(form, async () => {
      try {
        const r = await post(`/api/v1/patients/${p.id}/conditions`, body);
        await refresh();
        if (!ctx.isCurrent()) return;
        form.reset();
        status.textContent = `Added ${r.body.icd10}: ${r.body.description}.`;
        status.hidden = false;
      } catch (e) {
        if (!ctx.isCurrent()) return;
        showProblem(form, summary, e);
      }
    });
  });
  return form;
}
