// The neuropathy diagnoses of the chart's Work-up tab: the list (ICD-10-CM code, etiology, onset,
// duration, chronicity, sites) with the "entered in error" correction, and the form that records
// a diagnosis, opened on demand and closed on save with the new row highlighted.

import { get, post, patch, neuropathyCodes } from './api.js';
import { h, add, tag, stacked, durationText, etiologyLabel, roleLabel, highlight, SITE_LABELS } from './dom.js';
import { field, checkbox, checkGroup, errorSummary, showProblem, clearErrors, valueOf, busy,
  problemBox, listReloader } from './form.js';
import { toggleBelow } from './inline.js';

// onChange: called after each change (the banner shows the neuropathy).
export async function diagnosesSection(ctx, p, { onChange = async () => {} } = {}) {
  const { session } = ctx;
  const section = h('section', { class: 'card', 'aria-labelledby': 'dx-heading', 'data-testid': 'diagnoses' },
    h('h2', { id: 'dx-heading' }, 'Neuropathy diagnoses'));
  if (!session.can('condition.read')) {
    add(section, h('p', { class: 'muted', 'data-testid': 'no-diagnoses-access' },
      `Your role (${roleLabel(session.me.role)}) does not include diagnoses; a clinician or nurse can see them.`));
    return section;
  }
  const status = h('p', { class: 'flash', role: 'status', tabindex: '-1', 'data-testid': 'diagnosis-status', hidden: true });
  const list = h('div', { 'aria-live': 'polite' });
  const tools = h('div', { class: 'card-tools' });
  add(section, status, list, tools);
  const canWrite = session.can('condition.write') && !p.archived;

  const reload = listReloader(ctx, list, () => get(`/api/v1/patients/${p.id}/conditions`),
    (r) => conditionTable(r.body.items, canWrite, (t) => changed(t)));
  async function refresh(text = null, id = null) {
    if (!(await reload(id))) return;
    if (text) {
      status.textContent = text;
      status.hidden = false;
      if (!id) status.focus();
    }
  }
  async function changed(text, id = null) {
    await Promise.all([refresh(text, id), onChange()]);
  }
  await refresh();
  if (!ctx.isCurrent()) return section;
  if (canWrite) {
    let codes;
    try {
      codes = await neuropathyCodes();
    } catch (e) {
      add(tools, problemBox(e));
      return section;
    }
    const open = h('button', { type: 'button', class: 'btn', 'aria-expanded': 'false', 'data-testid': 'open-add-diagnosis' },
      'Add a diagnosis…');
    open.addEventListener('click', () => {
      status.hidden = true;
      toggleBelow(tools, open, (close) => addDiagnosisForm(ctx, p, codes, close,
        (c) => changed(`Added ${c.icd10}: ${c.description}.`, c.id), (id) => highlight(list, id)));
    });
    add(tools, open);
  }
  return section;
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
    const tr = h('tr', { 'data-testid': 'condition-row', 'data-code': c.icd10, 'data-id': c.id, class: wrong ? 'struck' : null },
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
        await refresh(`${c.icd10} marked entered in error. It stays in the list, struck through.`);
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

// The form that records a diagnosis; saved(condition) is called after the server took it.
// showExisting(id): marks the diagnosis a 409 names as already recorded; returns its row.
function addDiagnosisForm(ctx, p, codes, close, saved, showExisting) {
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
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'add-diagnosis' }, 'Add diagnosis'),
      h('button', { type: 'button', class: 'btn btn-quiet', on: { click: () => close() } }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
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
        if (!ctx.isCurrent()) return;
        close();
        await saved(r.body);
      } catch (e) {
        if (!ctx.isCurrent()) return;
        if (e.status === 409 && e.problem.existing_id) {
          const existingId = e.problem.existing_id;
          const show = () => {
            const row = showExisting(existingId);
            if (row) { row.setAttribute('tabindex', '-1'); row.focus(); }
          };
          e.problem = { title: 'This diagnosis is already recorded',
            detail: 'This patient already has this code with the same onset; it is marked in the list above. '
              + 'Cancel, or correct the onset if this is another episode.' };
          showProblem(form, summary, e, h('p', {}, h('button', { type: 'button', class: 'btn btn-small',
            'data-testid': 'show-existing-diagnosis', on: { click: show } }, 'Show the existing diagnosis')));
          showExisting(existingId);
          summary.focus();
          return;
        }
        showProblem(form, summary, e);
      }
    });
  });
  return form;
}
