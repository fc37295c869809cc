// The clinical test results and the concomitant medicines on the chart's Work-up tab: the list of
// test results (with Void), the "Record a test result" form drawn from GET /observation-kinds
// (only the fields a kind needs), the list of medicines (with Stop and Entered in error) and the
// "Add medicine" form. The forms open on demand and close on save, the saved entry shown and its
// row highlighted. Only roles with clinical.read get here; the forms and actions need
// clinical.write. Each change calls onChange so that the banner follows.
//
// Wording: the server decides what is abnormal and says by which rule; the page repeats it.
// Medicines are listed, never linked to scores or results.

import { get, post, patch, cached, latestOnly } from './api.js';
import { h, add, fill, tag, todayText, stacked, highlight } from './dom.js';
import { toggleBelow } from './inline.js';
import { field, radioGroup, errorSummary, showProblem, clearErrors, valueOf, busy, problemBox, conflict,
  voidForm } from './form.js';
import { num } from './plot.js';

// ---- Shared labels (also used by the timeline) ---------------------------------------------------

export const FOOT_SITES = {
  hallux: 'Hallux (great toe)', metatarsal_3: '3rd metatarsal head', metatarsal_5: '5th metatarsal head',
};
const SIDES = { left: 'Left', right: 'Right' };

export const DRUG_CLASSES = {
  gabapentinoid: 'Gabapentinoid', snri: 'SNRI', ssri: 'SSRI', tricyclic: 'Tricyclic antidepressant',
  opioid: 'Opioid', topical: 'Topical', anticoagulant: 'Anticoagulant', antiplatelet: 'Antiplatelet',
  anticonvulsant: 'Anticonvulsant', antidiabetic: 'Diabetes medicine', nsaid: 'NSAID (anti-inflammatory)',
  corticosteroid: 'Corticosteroid', other: 'Other',
};
export const drugClassLabel = (c) => DRUG_CLASSES[c] || String(c || '').replace(/_/g, ' ');

// Classes that raise the bleeding risk of a procedure (a bone-marrow harvest in this clinic).
const BLEEDING = new Set(['anticoagulant', 'antiplatelet']);
export const BLEEDING_TEXT = 'bleeding risk: matters for a marrow harvest';
export const bleedingRelevant = (m) => BLEEDING.has(m && m.drug_class);
export function bleedingTag(m) {
  return bleedingRelevant(m)
    ? tag(BLEEDING_TEXT, 'bleeding', { 'data-testid': 'bleeding-risk',
      title: `${drugClassLabel(m.drug_class)}: ask about it before any procedure that can bleed` })
    : null;
}

// "left, Hallux (great toe)".
export function whereText(o) {
  return [o.side ? (SIDES[o.side] || o.side).toLowerCase() : null, o.site ? FOOT_SITES[o.site] || o.site : null]
    .filter(Boolean).join(', ');
}

// "7.46 %", "decreased", "absent (1 of 3 correct)".
export function resultText(o) {
  if (o.kind === 'monofilament' && o.value_text) {
    return o.value === null || o.value === undefined ? o.value_text : `${o.value_text} (${num(o.value)} of 3 correct)`;
  }
  if (o.value_text) return o.value_text;
  if (o.value === null || o.value === undefined) return '';
  return `${num(o.value)}${o.unit ? ` ${o.unit}` : ''}`;
}

// The judgement in one word: the server's abnormal flag (null when no rule applies).
export function judgement(o) {
  if (o.abnormal === true) return tag('abnormal', 'error', { 'data-testid': 'abnormal' });
  if (o.abnormal === false) return tag('normal', 'normal', { 'data-testid': 'normal' });
  return tag('no reference rule', 'norule', { 'data-testid': 'no-rule' });
}

// A medicine's state: entered in error; stopped (stop date reached); stop planned; active.
export function medicineState(m, today = todayText()) {
  if (m.status === 'entered_in_error') return 'entered in error';
  if (m.stop_date && m.stop_date <= today) return 'stopped';
  if (m.stop_date) return 'stop planned';
  return m.status ? String(m.status).replace(/_/g, ' ') : 'active';
}

export function doseText(m) {
  if (m.dose) return m.dose;
  if (m.dose_value === null || m.dose_value === undefined) return '';
  return `${num(m.dose_value)}${m.dose_unit ? ` ${m.dose_unit}` : ''}`;
}

const observationKinds = cached('/api/v1/observation-kinds');
const medicationList = cached('/api/v1/medication-list');

// An inline form under a table row, toggled by its button; the first input takes focus.
function toggleRow(tr, button, cols, makeForm) {
  const existing = tr.nextElementSibling?.classList.contains('correction') ? tr.nextElementSibling : null;
  for (const b of tr.querySelectorAll('button[aria-expanded="true"]')) {
    if (b !== button) b.setAttribute('aria-expanded', 'false');
  }
  if (existing) {
    existing.remove();
    if (existing.dataset.for === button.dataset.testid) {
      button.setAttribute('aria-expanded', 'false');
      return;
    }
  }
  const row = h('tr', { class: 'correction', 'data-for': button.dataset.testid },
    h('td', { colspan: cols }, makeForm(() => {
      row.remove();
      button.setAttribute('aria-expanded', 'false');
      button.focus();
    })));
  tr.after(row);
  button.setAttribute('aria-expanded', 'true');
  row.querySelector('input').focus();
}

// ---- Test results -----------------------------------------------------------------------------

const KIND_GROUPS = [
  ['ncs', 'Nerve conduction'], ['bedside', 'Bedside tests'], ['biopsy', 'Skin biopsy'],
  ['lab', 'Laboratory'], ['other', 'Other tests'],
];
function kindGroup(k) {
  if (/^(sural|peroneal|tibial|median|ulnar|radial)_/.test(k.kind)) return 'ncs';
  if (k.kind === 'ienfd' || /biopsy/.test(k.kind)) return 'biopsy';
  if (k.code_system === 'http://loinc.org') return 'lab';
  if (k.type !== 'number' || ['vibration_threshold', 'monofilament', 'tuning_fork'].includes(k.kind)) return 'bedside';
  return 'other';
}

const MONO_TOUCHES = [
  ['Real touch 1', 'Correct when the patient felt it.'],
  ['Real touch 2', 'Correct when the patient felt it.'],
  ['Sham touch', 'Correct when the patient felt nothing.'],
];

export function observationsSection(ctx, p, { canWrite, onChange }) {
  const listBox = h('div', { 'data-testid': 'observation-list' });
  const status = h('p', { class: 'flash', role: 'status', tabindex: '-1', 'data-testid': 'observations-status', hidden: true });
  const result = h('div', { class: 'result-box', role: 'status', tabindex: '-1', 'data-testid': 'observation-saved', hidden: true });
  const tools = h('div', { class: 'card-tools' });
  const section = h('section', { class: 'card records', 'aria-labelledby': 'obs-heading', 'data-testid': 'observations' },
    h('h2', { id: 'obs-heading' }, 'Test results'),
    h('p', { class: 'hint section-hint' },
      'Nerve conduction, bedside tests, skin biopsy and laboratory values, newest first. '
      + 'Values are stored in each test\u2019s canonical unit.'),
    status, result, listBox, tools);

  const latest = latestOnly(ctx);
  async function refresh(fresh = null) {
    const isLatest = latest();
    try {
      const r = await get(`/api/v1/patients/${p.id}/observations`);
      if (!isLatest()) return;
      fill(listBox, observationList(r.body.items, canWrite, afterVoid));
      if (fresh) highlight(listBox, fresh);
    } catch (e) {
      if (!isLatest()) return;
      fill(listBox, problemBox(e));
    }
  }
  async function afterVoid(text) {
    await Promise.all([refresh(), onChange()]);
    if (!ctx.isCurrent()) return;
    result.hidden = true;
    status.textContent = text;
    status.hidden = false;
    status.focus();
  }
  async function start() {
    const [kinds] = await Promise.all([canWrite ? observationKinds().catch((e) => e) : null, refresh()]);
    if (!ctx.isCurrent()) return;
    if (canWrite && kinds instanceof Error) {
      add(tools, problemBox(kinds));
    } else if (canWrite) {
      const open = h('button', { type: 'button', class: 'btn', 'aria-expanded': 'false', 'data-testid': 'open-observation-form' },
        'Record a test result…');
      open.addEventListener('click', () => {
        status.hidden = true;
        result.hidden = true;
        toggleBelow(tools, open, (close) => recordObservation(ctx, p, kinds, close, async (saved, sent) => {
          close();
          showSaved(result, saved, sent);
          await Promise.all([refresh(saved.id), onChange()]);
          if (ctx.isCurrent()) result.focus();
        }));
      });
      add(tools, open);
    } else if (p.archived) {
      add(section, h('p', { class: 'muted' }, 'Archived patients cannot have new test results recorded.'));
    }
  }
  return { section, start };
}

function observationList(items, canWrite, afterVoid) {
  if (!items.length) {
    return h('p', { class: 'empty-inline', 'data-testid': 'no-observation-results' }, 'No test result is recorded yet.');
  }
  const cols = 5;
  const sorted = items.slice().sort((a, b) => (b.performed_on || '').localeCompare(a.performed_on || '')
    || (b.created_at || '').localeCompare(a.created_at || ''));
  const tbody = h('tbody');
  for (const o of sorted) {
    const voided = o.status === 'voided';
    const name = o.label || o.kind;
    const tr = h('tr', { 'data-testid': 'observation-result', 'data-kind': o.kind, 'data-status': o.status, 'data-id': o.id,
      'data-abnormal': String(o.abnormal), class: [voided && 'struck', !voided && o.abnormal && 'abnormal'] },
      h('td', { class: 'mono' }, o.performed_on || ''),
      h('td', {},
        h('span', { class: 'test-name' }, name),
        whereText(o) ? h('span', { class: 'sub' }, whereText(o)) : null,
        voided ? h('span', { class: 'note void-note', 'data-testid': 'void-reason' },
          `Voided${o.void_reason ? `: ${o.void_reason}` : ''}`) : null),
      h('td', { class: 'result-value', 'data-testid': 'observation-value' }, resultText(o)
        || h('span', { class: 'muted' }, 'no value')),
      h('td', { 'data-testid': 'observation-judgement' }, judgement(o),
        o.interpretation ? h('span', { class: 'sub' }, o.interpretation) : null),
      h('td', { class: 'row-actions' }, voided ? tag('voided', 'error', { 'data-testid': 'voided-tag' }) : null));
    tbody.append(tr);
    if (canWrite && !voided) {
      const open = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'aria-expanded': 'false',
        'data-testid': 'void-observation', 'aria-label': `Void ${name} of ${o.performed_on}${whereText(o) ? `, ${whereText(o)}` : ''}` },
      'Void…');
      tr.lastElementChild.append(open);
      open.addEventListener('click', () => toggleRow(tr, open, cols, (close) => voidObservationForm(o, name, close, afterVoid)));
    }
  }
  return h('div', { class: 'table-scroll' }, stacked(h('table', { class: 'data observations records-table', 'data-testid': 'observation-results' },
    h('caption', { class: 'visually-hidden' }, 'Test results, newest first'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Date'),
      h('th', { scope: 'col' }, 'Test'),
      h('th', { scope: 'col' }, 'Result'),
      h('th', { scope: 'col' }, 'Normal or abnormal'),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, canWrite ? 'Status and actions' : 'Status')))),
    tbody)));
}

// Voids a test result with a reason (POST .../void with If-Match).
function voidObservationForm(o, name, close, afterVoid) {
  return voidForm({
    testid: 'void-observation-form', confirmTestid: 'confirm-void-observation',
    title: `Void ${name} of ${o.performed_on}${whereText(o) ? `, ${whereText(o)}` : ''}`,
    label: 'Reason', idSuffix: `-${o.id}`,
    hint: 'The result stays in the list, marked voided, with this reason. It leaves the timeline.',
    path: `/api/v1/observations/${o.id}/void`, version: o.version, what: 'test result', close,
    done: () => afterVoid(`${name} of ${o.performed_on} voided. It stays in the list, marked voided.`),
  });
}

// The number the user typed: a number, the text itself (so that the server names the problem),
// or undefined when empty.
function numberFrom(input) {
  const text = input.value.trim();
  if (input.validity.badInput) return 'not a number';
  if (text === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

// The form that records a test result; onSaved(saved, sent) after the server took it.
function recordObservation(ctx, p, kinds, close, onSaved) {
  const picker = field({ label: 'Test', name: 'kind', idSuffix: '-obs', required: true, choices: [['', 'Choose a test…']] });
  const select = picker.querySelector('select');
  select.setAttribute('data-testid', 'observation-kind');
  for (const [group, label] of KIND_GROUPS) {
    const list = kinds.filter((k) => kindGroup(k) === group);
    if (list.length) {
      select.append(h('optgroup', { label }, list.map((k) => h('option', { value: k.kind }, k.label))));
    }
  }
  const dateField = field({ label: 'Date performed', name: 'performed_on', idSuffix: '-obs', value: todayText(), required: true,
    hint: 'YYYY-MM-DD', placeholder: 'YYYY-MM-DD', inputmode: 'numeric', maxlength: 10, narrow: true });
  const about = h('p', { class: 'hint kind-about', 'data-testid': 'observation-rule', hidden: true });
  const kindBox = h('div', { class: 'kind-fields', 'data-testid': 'observation-fields' });
  const summary = errorSummary();
  const form = h('form', { class: 'record-form', novalidate: true, 'data-testid': 'observation-form', 'aria-labelledby': 'obs-form-heading' },
    h('h3', { id: 'obs-form-heading' }, 'Record a test result'),
    summary,
    h('div', { class: 'grid' }, picker, dateField),
    about,
    kindBox,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'save-observation' }, 'Save test result'),
      h('button', { type: 'button', class: 'btn btn-quiet', on: { click: () => close() } }, 'Cancel')));

  let current = null;
  function showKind(keep = {}) {
    current = kinds.find((k) => k.kind === select.value) || null;
    clearErrors(form, summary);
    if (!current) {
      about.hidden = true;
      fill(kindBox);
      return;
    }
    about.textContent = current.rule ? `Reference: ${current.rule}.` : 'No reference rule: interpret against your laboratory\u2019s normal values.';
    about.hidden = false;
    fill(kindBox, kindFields(current, keep));
  }
  select.addEventListener('change', () => showKind());

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    const k = current;
    const body = { performed_on: valueOf(form, 'performed_on') };
    if (k) body.kind = k.kind;
    const localErrors = [];
    if (k && k.type === 'number') {
      const v = numberFrom(form.elements.namedItem('value'));
      if (v !== undefined) body.value = v;
      body.unit = valueOf(form, 'unit');
    } else if (k && k.type === 'grade') {
      if (valueOf(form, 'value')) body.value = valueOf(form, 'value');
    } else if (k && k.type === 'monofilament') {
      if (valueOf(form, 'site')) body.site = valueOf(form, 'site');
      body.responses = MONO_TOUCHES.map((_, i) => {
        const v = valueOf(form, `responses[${i}]`);
        if (v === '') localErrors.push({ path: `responses[${i}]`, message: 'needs an answer: correct or not' });
        return v === 'true' ? true : v === 'false' ? false : null;
      });
    }
    if (k && k.sided && valueOf(form, 'side')) body.side = valueOf(form, 'side');
    await busy(form, async () => {
      let saved;
      try {
        saved = (await post(`/api/v1/patients/${p.id}/observations`, body)).body;
      } catch (e) {
        if (!ctx.isCurrent()) return;
        // The server names only the first unanswered touch: all of them are shown at once,
        // with the server's other errors.
        if (localErrors.length && e.problem && Array.isArray(e.problem.errors)) {
          e.problem.errors = [...e.problem.errors.filter((x) => !/^responses/.test(x.path)), ...localErrors];
        }
        showProblem(form, summary, e);
        return;
      }
      await onSaved(saved, body);
    });
  });
  return h('div', { class: 'record', 'data-testid': 'record-observation' }, form);
}

// The controls one kind needs.
function kindFields(k, keep) {
  const out = [];
  if (k.type === 'number') {
    const units = k.units || [];
    const value = field({ label: 'Value', name: 'value', idSuffix: '-obs', type: 'number', inputmode: 'decimal', required: true,
      narrow: true, hint: Number.isFinite(k.min) && Number.isFinite(k.max)
        ? `Possible: ${num(k.min)} to ${num(k.max)} ${units[0] || ''} (after conversion)` : null });
    const input = value.querySelector('input');
    input.step = 'any';
    const unit = field({ label: 'Unit', name: 'unit', idSuffix: '-obs', required: true, narrow: true,
      value: keep.unit && units.includes(keep.unit) ? keep.unit : units[0],
      hint: units.length > 1 ? `Stored in ${units[0]}; ${units.slice(1).join(', ')} converted` : `Stored in ${units[0] || 'its unit'}`,
      choices: units.map((u) => [u, u]) });
    out.push(value, unit);
  } else if (k.type === 'grade') {
    out.push(radioGroup({ legend: 'Result', name: 'value', idSuffix: '-obs', required: true,
      options: (k.grades || []).map((g) => [g, g.charAt(0).toUpperCase() + g.slice(1)]),
      hint: k.grades && k.grades.length ? `${k.grades[0].charAt(0).toUpperCase() + k.grades[0].slice(1)} is normal.` : null }));
  }
  if (k.sided) {
    out.push(radioGroup({ legend: 'Side', name: 'side', idSuffix: '-obs', required: true, value: keep.side,
      options: [['left', 'Left'], ['right', 'Right']] }));
  }
  if (k.type === 'monofilament') {
    out.push(radioGroup({ legend: 'Site', name: 'site', idSuffix: '-obs', required: true, class: 'field-wide',
      options: (k.sites || []).map((s) => [s, FOOT_SITES[s] || s]) }));
    out.push(h('fieldset', { class: 'field responses field-wide', 'data-path': 'responses', id: 'responses-obs', tabindex: '-1',
      'aria-describedby': 'responses-obs-hint responses-obs-error', 'data-testid': 'monofilament-answers' },
      h('legend', {}, 'Answers at this site', h('span', { class: 'req' }, ' (required)')),
      h('p', { class: 'hint', id: 'responses-obs-hint' },
        'Touch the site twice for real and once as a sham (filament not touching), in random order, '
        + 'and ask each time \u201cdo you feel it?\u201d. Protective sensation is present with at least 2 of 3 correct.'),
      h('p', { class: 'field-error', id: 'responses-obs-error', 'data-testid': 'error-responses', hidden: true }),
      h('div', { class: 'touch-grid' }, MONO_TOUCHES.map(([legend, hint], i) => radioGroup({
        legend, name: `responses[${i}]`, idSuffix: '-obs', question: ': answer correct?', hint,
        testid: `touch-${i}`, options: [['true', 'Yes, correct'], ['false', 'No, wrong']] })))));
  }
  return h('div', { class: 'grid' }, out);
}

function showSaved(box, o, sent) {
  const converted = sent && sent.unit && o.unit && sent.unit !== o.unit && typeof sent.value === 'number';
  fill(box,
    h('p', { class: 'result-head' },
      h('span', { class: 'instrument-name' }, o.label || o.kind), ' ',
      h('span', { class: 'score-big', 'data-testid': 'saved-value' }, resultText(o)), ' ',
      judgement(o)),
    o.interpretation ? h('p', { class: 'result-interp', 'data-testid': 'saved-interpretation' }, o.interpretation) : null,
    converted ? h('p', { class: 'result-detail', 'data-testid': 'saved-conversion' },
      `Entered ${num(sent.value)} ${sent.unit}; stored as ${o.value} ${o.unit}.`) : null,
    h('p', { class: 'muted small' },
      `Saved; performed ${o.performed_on}${whereText(o) ? `, ${whereText(o)}` : ''}. Its row is marked in the list below.`));
  box.hidden = false;
}

// ---- Medicines --------------------------------------------------------------------------------

export function medicinesSection(ctx, p, { canWrite, onChange }) {
  const listBox = h('div', { 'data-testid': 'medicine-list' });
  const status = h('p', { class: 'flash', role: 'status', tabindex: '-1', 'data-testid': 'medicines-status', hidden: true });
  const saved = h('p', { class: 'flash', role: 'status', tabindex: '-1', 'data-testid': 'medicine-saved', hidden: true });
  const tools = h('div', { class: 'card-tools' });
  const section = h('section', { class: 'card records', 'aria-labelledby': 'med-heading', 'data-testid': 'medicines' },
    h('h2', { id: 'med-heading' }, 'Medicines'),
    h('p', { class: 'hint section-hint' },
      'Concomitant pain medicines and the anticoagulants and antiplatelets that matter before a marrow harvest.'),
    status, saved, listBox, tools);

  const latest = latestOnly(ctx);
  async function refresh(fresh = null) {
    const isLatest = latest();
    try {
      const r = await get(`/api/v1/patients/${p.id}/medications`);
      if (!isLatest()) return;
      fill(listBox, medicineTable(r.body.items, canWrite, changed));
      if (fresh) highlight(listBox, fresh);
    } catch (e) {
      if (!isLatest()) return;
      fill(listBox, problemBox(e));
    }
  }
  // After Stop or Entered in error the row's buttons change: the message takes focus.
  async function changed(text) {
    await Promise.all([refresh(), onChange()]);
    if (!ctx.isCurrent()) return;
    saved.hidden = true;
    status.textContent = text;
    status.hidden = false;
    status.focus();
  }
  async function start() {
    const [list] = await Promise.all([canWrite ? medicationList().catch((e) => e) : null, refresh()]);
    if (!ctx.isCurrent()) return;
    if (canWrite && list instanceof Error) {
      add(tools, problemBox(list));
    } else if (canWrite) {
      const open = h('button', { type: 'button', class: 'btn', 'aria-expanded': 'false', 'data-testid': 'open-add-medicine' },
        'Add a medicine…');
      open.addEventListener('click', () => {
        status.hidden = true;
        saved.hidden = true;
        toggleBelow(tools, open, (close) => addMedicineForm(ctx, p, list, close, async (m) => {
          close();
          fill(saved, `Added ${[m.label || m.drug, doseText(m), m.frequency].filter(Boolean).join(' ')}.`,
            bleedingRelevant(m) ? [' ', bleedingTag(m)] : null);
          saved.hidden = false;
          await Promise.all([refresh(m.id), onChange()]);
        }));
      });
      add(tools, open);
    } else if (p.archived) {
      add(section, h('p', { class: 'muted' }, 'Archived patients cannot have medicines added or changed.'));
    }
  }
  return { section, start };
}

function medicineTable(items, canWrite, changed) {
  if (!items.length) {
    return h('p', { class: 'empty-inline', 'data-testid': 'no-medicines' }, 'No medicine is recorded yet.');
  }
  const today = todayText();
  const cols = 7;
  const tbody = h('tbody');
  for (const m of items) {
    const state = medicineState(m, today);
    const wrong = m.status === 'entered_in_error';
    const name = m.label || m.drug;
    const tr = h('tr', { 'data-testid': 'medicine-row', 'data-drug': m.drug, 'data-state': state, 'data-id': m.id,
      class: [wrong && 'struck', state === 'stopped' && 'stopped'] },
      h('td', {},
        h('span', { class: 'drug-name' }, name),
        h('span', { class: 'sub' }, drugClassLabel(m.drug_class)),
        bleedingTag(m),
        m.notes ? h('span', { class: 'note' }, m.notes) : null,
        wrong ? h('span', { class: 'note void-note', 'data-testid': 'void-reason' },
          `Entered in error${m.void_reason ? `: ${m.void_reason}` : ''}`) : null),
      h('td', { 'data-testid': 'medicine-dose' }, doseText(m) || h('span', { class: 'muted' }, '—')),
      h('td', { 'data-testid': 'medicine-frequency' }, m.frequency || h('span', { class: 'muted' }, '—')),
      h('td', { class: 'mono' }, m.start_date || h('span', { class: 'muted' }, 'unknown')),
      h('td', { class: 'mono', 'data-testid': 'medicine-stop' }, m.stop_date || h('span', { class: 'muted' }, '—')),
      h('td', { 'data-testid': 'medicine-status' }, wrong ? tag(state, 'error') : state === 'stopped' ? tag(state, 'stopped') : state),
      h('td', { class: 'row-actions' }));
    tbody.append(tr);
    if (canWrite && !wrong) {
      const cell = tr.lastElementChild;
      if (state !== 'stopped') {
        const stop = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'aria-expanded': 'false',
          'data-testid': 'stop-medicine', 'aria-label': `Stop ${name}` }, 'Stop…');
        stop.addEventListener('click', () => toggleRow(tr, stop, cols, (close) => stopForm(m, name, close, changed)));
        cell.append(stop);
      }
      const err = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'aria-expanded': 'false',
        'data-testid': 'medicine-error', 'aria-label': `${name}: entered in error` }, 'Entered in error…');
      err.addEventListener('click', () => toggleRow(tr, err, cols, (close) => medicineErrorForm(m, name, close, changed)));
      cell.append(err);
    }
  }
  return h('div', { class: 'table-scroll' }, stacked(h('table', { class: 'data medicines', 'data-testid': 'medicine-table' },
    h('caption', { class: 'visually-hidden' }, 'Medicines'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Medicine'), h('th', { scope: 'col' }, 'Dose'), h('th', { scope: 'col' }, 'How often'),
      h('th', { scope: 'col' }, 'Started'), h('th', { scope: 'col' }, 'Stopped'), h('th', { scope: 'col' }, 'Status'),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
    tbody)));
}

// Sets the stop date (PATCH {stop_date} with If-Match).
function stopForm(m, name, close, changed) {
  const summary = errorSummary();
  const form = h('form', { class: 'inline-form', novalidate: true, 'data-testid': 'stop-form' },
    h('p', { class: 'inline-title' }, `Stop ${name}`),
    summary,
    field({ label: 'Stop date', name: 'stop_date', idSuffix: `-stop-${m.id}`, value: todayText(), required: true,
      hint: 'YYYY-MM-DD. A planned stop may lie in the future.', placeholder: 'YYYY-MM-DD', inputmode: 'numeric',
      maxlength: 10, narrow: true }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'confirm-stop' }, 'Stop medicine'),
      h('button', { type: 'button', class: 'btn btn-quiet', on: { click: close } }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    const date = valueOf(form, 'stop_date');
    if (!date) {
      showProblem(form, summary, { problem: { errors: [{ path: 'stop_date', message: 'is required' }] } });
      return;
    }
    await busy(form, async () => {
      try {
        await patch(`/api/v1/medications/${m.id}`, { stop_date: date }, { ifMatch: m.version });
      } catch (e) {
        showProblem(form, summary, conflict(e, 'medicine'));
        return;
      }
      await changed(`${name}: stop date ${date} recorded.`);
    });
  });
  return form;
}

// Marks a medicine entered in error with a reason (PATCH with If-Match).
function medicineErrorForm(m, name, close, changed) {
  const summary = errorSummary();
  const form = h('form', { class: 'inline-form', novalidate: true, 'data-testid': 'medicine-error-form' },
    h('p', { class: 'inline-title' }, `${name}: entered in error`),
    summary,
    field({ label: 'Reason', name: 'void_reason', idSuffix: `-${m.id}`, required: true,
      hint: 'The medicine stays in the list, struck through, with this reason, and leaves the timeline.',
      wide: true, maxlength: 500 }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-danger', 'data-testid': 'confirm-medicine-error' }, 'Mark entered in error'),
      h('button', { type: 'button', class: 'btn btn-quiet', on: { click: close } }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    const body = { status: 'entered_in_error' };
    if (valueOf(form, 'void_reason')) body.void_reason = valueOf(form, 'void_reason');
    await busy(form, async () => {
      try {
        await patch(`/api/v1/medications/${m.id}`, body, { ifMatch: m.version });
      } catch (e) {
        showProblem(form, summary, conflict(e, 'medicine'));
        return;
      }
      await changed(`${name} marked entered in error. It stays in the list, struck through.`);
    });
  });
  return form;
}

const DOSE_UNITS = ['mg', 'µg', 'g', 'mL', 'IU', 'units', 'patch', 'plaster', '%'];
const FREQUENCIES = ['once daily', 'twice daily', 'three times daily', 'four times daily', 'at night',
  'as needed', 'once weekly', 'every 3 months'];

// The form that adds a medicine; onSaved(medicine) after the server took it.
function addMedicineForm(ctx, p, list, close, onSaved) {
  const drugField = field({ label: 'Medicine', name: 'drug', idSuffix: '-med', required: true, choices: [['', 'Choose a medicine…']] });
  const select = drugField.querySelector('select');
  select.setAttribute('data-testid', 'medicine-select');
  const classes = [];
  for (const d of list) if (d.drug_class && !classes.includes(d.drug_class)) classes.push(d.drug_class);
  for (const c of classes) {
    select.append(h('optgroup', { label: `${drugClassLabel(c)}${BLEEDING.has(c) ? ' (bleeding risk)' : ''}` },
      list.filter((d) => d.drug_class === c).map((d) => h('option', { value: d.drug }, d.label))));
  }
  // A medicine not on the list: "other", named, with a class chosen here.
  if (list.some((d) => d.drug === 'other')) select.append(h('option', { value: 'other' }, 'Other (not on the list)…'));
  const otherName = field({ label: 'Name of the medicine', name: 'other_name', idSuffix: '-med', required: true, maxlength: 100 });
  const otherClass = field({ label: 'Kind of medicine', name: 'drug_class', idSuffix: '-med', required: true,
    choices: [['', 'Choose…'], ...Object.keys(DRUG_CLASSES).filter((c) => c !== 'ssri').map((c) => [c, drugClassLabel(c)])] });
  const other = h('div', { class: 'other-medicine', 'data-testid': 'other-medicine', hidden: true }, otherName, otherClass);
  const note = h('p', { class: 'bleeding-note', 'data-testid': 'bleeding-note', 'aria-live': 'polite' });
  select.addEventListener('change', () => {
    const d = list.find((x) => x.drug === select.value);
    fill(note, d && BLEEDING.has(d.drug_class) ? bleedingTag(d) : null);
    other.hidden = select.value !== 'other';
  });
  drugField.append(note);
  const datalist = (id, values) => h('datalist', { id }, values.map((v) => h('option', { value: v })));
  const unitField = field({ label: 'Dose unit', name: 'dose_unit', idSuffix: '-med', narrow: true, maxlength: 20,
    hint: 'e.g. mg' });
  unitField.querySelector('input').setAttribute('list', 'dose-units-med');
  const freqField = field({ label: 'How often', name: 'frequency', idSuffix: '-med', maxlength: 100,
    hint: 'e.g. twice daily' });
  freqField.querySelector('input').setAttribute('list', 'frequencies-med');
  const doseField = field({ label: 'Dose', name: 'dose_value', idSuffix: '-med', type: 'number', inputmode: 'decimal',
    narrow: true, hint: 'Per dose, e.g. 5' });
  const doseInput = doseField.querySelector('input');
  doseInput.step = 'any';
  doseInput.min = '0';
  const summary = errorSummary();
  const form = h('form', { class: 'record-form add-medicine', novalidate: true, 'data-testid': 'add-medicine-form',
    'aria-labelledby': 'add-med-heading' },
    h('h3', { id: 'add-med-heading' }, 'Add medicine'),
    summary,
    h('div', { class: 'grid med-grid' },
      drugField, other, doseField, unitField, freqField,
      field({ label: 'Started on', name: 'start_date', idSuffix: '-med', hint: 'YYYY-MM-DD, if known',
        placeholder: 'YYYY-MM-DD', inputmode: 'numeric', maxlength: 10, narrow: true }),
      field({ label: 'Stop date', name: 'stop_date', idSuffix: '-med', hint: 'YYYY-MM-DD, optional',
        placeholder: 'YYYY-MM-DD', inputmode: 'numeric', maxlength: 10, narrow: true }),
      field({ label: 'Notes', name: 'notes', idSuffix: '-med', type: 'textarea', rows: 2, maxlength: 1000, wide: true })),
    datalist('dose-units-med', DOSE_UNITS),
    datalist('frequencies-med', FREQUENCIES),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'save-medicine' }, 'Add medicine'),
      h('button', { type: 'button', class: 'btn btn-quiet', on: { click: () => close() } }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    const body = {};
    if (valueOf(form, 'drug')) body.drug = valueOf(form, 'drug');
    if (body.drug === 'other') {
      for (const key of ['other_name', 'drug_class']) if (valueOf(form, key)) body[key] = valueOf(form, key);
    }
    const dose = numberFrom(doseInput);
    if (dose !== undefined) body.dose_value = dose;
    for (const key of ['dose_unit', 'frequency', 'start_date', 'stop_date', 'notes']) {
      if (valueOf(form, key)) body[key] = valueOf(form, key);
    }
    await busy(form, async () => {
      let m;
      try {
        m = (await post(`/api/v1/patients/${p.id}/medications`, body)).body;
      } catch (e) {
        if (!ctx.isCurrent()) return;
        showProblem(form, summary, e);
        return;
      }
      if (!ctx.isCurrent()) return;
      await onSaved(m);
    });
  });
  return h('div', { class: 'record', 'data-testid': 'record-medicine' }, form);
}
