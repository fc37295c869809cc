// Procedures on the patient page (part of the Treatment section, treatment.js): the list with the
// derived values (platelet concentration factor, cells) and Void, and the "Record a procedure"
// form drawn from the procedure kind (only the fields that kind takes), with the plan step it
// fulfils and the pickers for the blood draw or harvest it used and the product injected.
//
// The server decides: the plan must be accepted with a current consent, an investigational
// biologic needs the study reference, a nurse records blood draws and processing only. Its 409
// and 422 answers are shown on the form as they come.

import { post } from './api.js';
import { h, fill, tag, todayText, stacked } from './dom.js';
import { field, radioGroup, checkbox, checkGroup, errorSummary, showProblem, clearErrors, valueOf, busy,
  voidForm } from './form.js';
import { num } from './plot.js';

// ---- Labels -------------------------------------------------------------------------------------

export const PROCEDURE_KINDS = [
  ['blood_draw', 'Blood draw'], ['harvest', 'Harvest'], ['processing', 'Processing'], ['injection', 'Injection'],
];
const KIND_LABELS = Object.fromEntries(PROCEDURE_KINDS);
export const procedureKindLabel = (k) => KIND_LABELS[k] || String(k || '').replace(/_/g, ' ');

const SOURCES = [['bone_marrow', 'Bone marrow'], ['adipose', 'Adipose tissue']];
const LEUKOCYTES = [['rich', 'Leukocyte-rich'], ['poor', 'Leukocyte-poor']];
const SIDES = [['left', 'Left'], ['right', 'Right'], ['both', 'Both']];
const GUIDANCE = [['ultrasound', 'Ultrasound'], ['landmark', 'Landmarks'], ['fluoroscopy', 'Fluoroscopy']];
const NERVES = [
  ['tibial', 'Tibial'], ['sural', 'Sural'], ['common_peroneal', 'Common peroneal'],
  ['superficial_peroneal', 'Superficial peroneal'], ['deep_peroneal', 'Deep peroneal'], ['plantar', 'Plantar'],
  ['median', 'Median'], ['ulnar', 'Ulnar'], ['radial', 'Radial'], ['intramuscular', 'Intramuscular'],
];
const label = (list, v) => (list.find(([k]) => k === v) || [v, String(v || '').replace(/_/g, ' ')])[1];

// Which kinds take a field and which need it, in the order blood_draw, harvest, processing,
// injection: 'r' required, 'o' optional, '-' not taken. The same table as uses[] in
// core/procedure.c (tests/browser/treatment.test.mjs compares the two).
export const FIELD_USE = {
  volume_ml: 'rror',
  source: '-r--',
  site: '-r--',
  anaesthesia: '-o--',
  from: '--r-',
  method: '--r-',
  device: '--o-',
  kit_lot: '--o-',
  minimally_manipulated: '--o-',
  nucleated_cells: '--o-',
  viability_pct: '--o-',
  cd34_cells: '--o-',
  platelets_per_ul: '--o-',
  baseline_platelets_per_ul: '--o-',
  leukocytes: '--o-',
  activation: '--o-',
  product: '---r',
  side: '---r',
  nerves: '---r',
  guidance: '---r',
  operator: '---r',
  lot_numbers: '---o',
  cells: '---o',
};
const KIND_INDEX = { blood_draw: 0, harvest: 1, processing: 2, injection: 3 };
const use = (fieldName, kind) => (FIELD_USE[fieldName] || '----')[KIND_INDEX[kind]] || '-';

// The plausible volume of each kind, in mL (volume_max in core/procedure.c).
const VOLUME_MAX = { blood_draw: 120, harvest: 500, processing: 1000, injection: 50 };

// Harvests and injections are a clinician's; a nurse records blood draws and processing (the
// same rule as api/procedures.c).
export function mayRecordKind(session, kind) {
  return session.me.role !== 'nurse' || kind === 'blood_draw' || kind === 'processing';
}

// "1.2 × 10⁸".
const SUPERSCRIPT = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
export function sci(n) {
  if (n === null || n === undefined || !Number.isFinite(Number(n))) return '';
  const v = Number(n);
  if (Math.abs(v) < 10000) return num(v);
  const e = Math.floor(Math.log10(Math.abs(v)));
  const m = Number((v / 10 ** e).toFixed(1));
  return `${m} × 10${String(e).split('').map((c) => SUPERSCRIPT[c]).join('')}`;
}

// The numbers derived from a procedure: the platelet factor (from the server), viable nucleated
// cells and the CD34+ share (computed here from the counts as recorded), an injection's cells.
export function derivedValues(pr) {
  const out = [];
  if (pr.platelet_fold !== null && pr.platelet_fold !== undefined) {
    out.push({ key: 'platelet_fold', text: `${num(pr.platelet_fold)}× platelets`,
      detail: `${sci(pr.platelets_per_ul)}/µL against ${sci(pr.baseline_platelets_per_ul)}/µL in the patient's blood` });
  }
  if (Number.isFinite(pr.nucleated_cells)) {
    const viable = Number.isFinite(pr.viability_pct) ? pr.nucleated_cells * pr.viability_pct / 100 : null;
    out.push({ key: 'cells', text: `${sci(pr.nucleated_cells)} nucleated cells`,
      detail: viable === null ? null : `${num(pr.viability_pct)} % viable: ${sci(viable)} viable cells` });
  } else if (Number.isFinite(pr.viability_pct)) {
    out.push({ key: 'viability', text: `${num(pr.viability_pct)} % viable`, detail: null });
  }
  if (Number.isFinite(pr.cd34_cells)) {
    const share = Number.isFinite(pr.nucleated_cells) && pr.nucleated_cells > 0
      ? ` (${num(pr.cd34_cells / pr.nucleated_cells * 100)} % of nucleated cells)` : '';
    out.push({ key: 'cd34', text: `${sci(pr.cd34_cells)} CD34+ cells${share}`, detail: null });
  }
  if (pr.kind === 'injection' && Number.isFinite(pr.cells)) {
    out.push({ key: 'cells_given', text: `${sci(pr.cells)} cells given`,
      detail: pr.cells_from_product ? 'the product\u2019s nucleated cell count' : 'counted' });
  }
  return out;
}

// The facts of one procedure in a line each, by kind.
export function procedureFacts(pr) {
  const lines = [];
  const vol = Number.isFinite(pr.volume_ml) ? `${num(pr.volume_ml)} mL` : null;
  if (pr.kind === 'blood_draw') lines.push(vol);
  if (pr.kind === 'harvest') {
    lines.push([pr.source ? label(SOURCES, pr.source).toLowerCase() : null, vol].filter(Boolean).join(', '));
    lines.push([pr.site ? pr.site.replace(/_/g, ' ') : null, pr.anaesthesia ? `anaesthesia: ${pr.anaesthesia}` : null]
      .filter(Boolean).join('; '));
  }
  if (pr.kind === 'processing') {
    lines.push([pr.method, pr.device, vol].filter(Boolean).join(', '));
    lines.push([pr.kit_lot ? `kit lot ${pr.kit_lot}` : null, pr.leukocytes ? label(LEUKOCYTES, pr.leukocytes).toLowerCase() : null,
      pr.activation ? `activation: ${pr.activation}` : null,
      pr.minimally_manipulated === true ? 'minimally manipulated'
        : pr.minimally_manipulated === false ? 'more than minimally manipulated' : null].filter(Boolean).join(', '));
  }
  if (pr.kind === 'injection') {
    lines.push([vol, pr.side ? (pr.side === 'both' ? 'both sides' : `${pr.side} side`) : null,
      (pr.nerves || []).map((n) => label(NERVES, n).toLowerCase()).join(', ')].filter(Boolean).join(', '));
    lines.push([pr.guidance ? `${label(GUIDANCE, pr.guidance)} guided` : null, pr.operator ? `by ${pr.operator}` : null,
      (pr.lot_numbers || []).length ? `lots ${pr.lot_numbers.join(', ')}` : null].filter(Boolean).join(', '));
  }
  return lines.filter(Boolean);
}

// "Blood draw, 60 mL, 2025-06-01": a procedure in one line (pickers, steps, the timeline).
export function procedureLine(pr) {
  const first = procedureFacts(pr)[0];
  return `${procedureKindLabel(pr.kind)}${first ? `, ${first}` : ''}, ${pr.performed_on}`;
}

// "Injection 2 of 3": the step's kind and its place among the plan's steps of that kind.
export function stepName(step, steps) {
  const same = steps.filter((s) => s.kind === step.kind).sort((a, b) => a.seq - b.seq);
  const base = STEP_KIND_LABELS[step.kind] || step.kind;
  return same.length > 1 ? `${base} ${same.indexOf(step) + 1} of ${same.length}` : base;
}
export const STEP_KIND_LABELS = {
  consultation: 'Consultation', workup: 'Work-up', blood_draw: 'Blood draw', harvest: 'Harvest',
  processing: 'Processing', injection: 'Injection', follow_up: 'Follow-up',
};

// Newest first: by date, then by id (UUIDv7 ids are in the order they were made).
const newestFirst = (a, b) => (b.performed_on || '').localeCompare(a.performed_on || '') || b.id.localeCompare(a.id);

export const isOpenStep = (s) => s.status === 'planned' || s.status === 'overdue';
export const planUnderWay = (pl) => pl.status === 'accepted' || pl.status === 'in_progress';

// ---- The list -------------------------------------------------------------------------------------

// state: {plans, procedures, protocols}; canVoid; toggle(tr, button, makeForm); changed(text).
export function procedureTable(state, { canVoid, toggle, changed }) {
  const items = state.procedures.slice().sort(newestFirst);
  if (!items.length) {
    return h('p', { class: 'empty-inline', 'data-testid': 'no-procedures' }, 'No procedure is recorded yet.');
  }
  const plans = new Map(state.plans.map((pl) => [pl.id, pl]));
  const titles = new Map(state.protocols.map((x) => [x.id, x.title]));
  const byId = new Map(state.procedures.map((x) => [x.id, x]));
  const tbody = h('tbody');
  for (const pr of items) {
    const voided = pr.status === 'voided';
    const pl = plans.get(pr.plan_id);
    const step = pl && pr.step_id ? pl.steps.find((s) => s.id === pr.step_id) : null;
    const source = byId.get(pr.from || pr.product);
    const derived = derivedValues(pr);
    const tr = h('tr', { 'data-testid': 'procedure-row', 'data-kind': pr.kind, 'data-status': pr.status,
      class: voided ? 'struck' : null },
      h('td', { class: 'mono' }, pr.performed_on),
      h('td', {},
        h('span', { class: 'rec-name' }, procedureKindLabel(pr.kind)),
        h('span', { class: 'sub' }, [step && pl ? stepName(step, pl.steps) : 'No plan step',
          pl ? titles.get(pl.protocol) || pl.protocol : null].filter(Boolean).join(' · ')),
        voided ? h('span', { class: 'note void-note', 'data-testid': 'void-reason' },
          `Voided${pr.void_reason ? `: ${pr.void_reason}` : ''}`) : null),
      h('td', { 'data-testid': 'procedure-facts' },
        procedureFacts(pr).map((line) => h('span', { class: 'line' }, line)),
        source ? h('span', { class: 'sub' }, `${pr.from ? 'From' : 'Product'}: ${procedureLine(source)}`) : null),
      h('td', { 'data-testid': 'procedure-derived', class: derived.length ? null : 'empty-cell' }, derived.length
        ? derived.map((d) => h('span', { class: 'line', 'data-derived': d.key }, h('strong', {}, d.text),
          d.detail ? h('span', { class: 'sub' }, d.detail) : null))
        : h('span', { class: 'muted' }, '—')),
      h('td', { class: 'row-actions' }, voided ? tag('voided', 'error', { 'data-testid': 'voided-tag' }) : null));
    tbody.append(tr);
    if (canVoid && !voided) {
      const name = `${procedureKindLabel(pr.kind)} of ${pr.performed_on}`;
      const open = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'aria-expanded': 'false',
        'data-testid': 'void-procedure', 'aria-label': `Void ${name}` }, 'Void…');
      tr.lastElementChild.append(open);
      open.addEventListener('click', () => toggle(tr, open, (close) => voidForm({
        testid: 'void-procedure-form', confirmTestid: 'confirm-void-procedure', confirmText: 'Void procedure',
        title: `Void ${name}`, label: 'Reason', idSuffix: `-${pr.id}`,
        hint: step ? 'The procedure stays listed, marked voided; its plan step is planned again.'
          : 'The procedure stays listed, marked voided.',
        path: `/api/v1/procedures/${pr.id}/void`, version: pr.version, what: 'procedure', close,
        done: () => changed(`${name} voided.${step ? ' Its plan step is planned again.' : ''}`),
      })));
    }
  }
  return stacked(h('table', { class: 'data procedures', 'data-testid': 'procedure-table' },
    h('caption', { class: 'visually-hidden' }, 'Procedures, newest first'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Date'), h('th', { scope: 'col' }, 'Procedure'), h('th', { scope: 'col' }, 'Details'),
      h('th', { scope: 'col' }, 'Derived'),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, canVoid ? 'Status and actions' : 'Status')))),
    tbody));
}

// ---- The form -------------------------------------------------------------------------------------

// The number typed, or the text itself (so that the server names the problem); undefined if empty.
function numberFrom(input) {
  const text = input.value.trim();
  if (input.validity.badInput) return 'not a number';
  if (text === '') return undefined;
  return Number.isFinite(Number(text)) ? Number(text) : text;
}

function numberField(opts) {
  const f = field({ ...opts, type: 'number', inputmode: 'decimal', narrow: true });
  f.querySelector('input').step = 'any';
  return f;
}

const SUFFIX = '-proc';
const req = (name, kind) => use(name, kind) === 'r';

// The controls a kind takes; sources: the patient's procedures the pickers offer.
function kindFields(kind, { sources, session }) {
  const out = [];
  const has = (name) => use(name, kind) !== '-';
  const fld = (name, opts) => field({ name, idSuffix: SUFFIX, required: req(name, kind), ...opts });
  if (has('from')) {
    const from = sources.filter((x) => x.kind === 'blood_draw' || x.kind === 'harvest');
    out.push(fld('from', { label: 'Made from', wide: true,
      hint: from.length ? 'The blood draw or harvest this was prepared from.'
        : 'No blood draw or harvest is recorded for this patient yet: record it first.',
      choices: [['', from.length ? 'Choose the blood draw or harvest…' : 'None recorded'],
        ...from.map((x) => [x.id, procedureLine(x)])], value: from.length ? from[0].id : '' }));
  }
  if (has('product')) {
    const products = sources.filter((x) => x.kind === 'processing');
    out.push(fld('product', { label: 'Product injected', wide: true,
      hint: products.length ? 'The processing record of what was injected.'
        : 'No processing is recorded for this patient yet: record it first.',
      choices: [['', products.length ? 'Choose the processed product…' : 'None recorded'],
        ...products.map((x) => [x.id, `${procedureLine(x)}${x.platelet_fold ? `, ${num(x.platelet_fold)}× platelets` : ''}`])],
      value: products.length ? products[0].id : '' }));
  }
  if (has('source')) {
    out.push(radioGroup({ legend: 'Source', name: 'source', idSuffix: SUFFIX, required: req('source', kind), options: SOURCES }));
  }
  if (has('site')) out.push(fld('site', { label: 'Site', maxlength: 64, hint: 'e.g. posterior iliac crest, left' }));
  if (has('anaesthesia')) out.push(fld('anaesthesia', { label: 'Anaesthesia', maxlength: 100, hint: 'e.g. local' }));
  if (has('method')) out.push(fld('method', { label: 'Method', maxlength: 100, hint: 'e.g. double spin' }));
  if (has('device')) out.push(fld('device', { label: 'Device', maxlength: 100 }));
  if (has('kit_lot')) out.push(fld('kit_lot', { label: 'Kit lot', maxlength: 64 }));
  if (has('volume_ml')) {
    out.push(numberField({ name: 'volume_ml', idSuffix: SUFFIX, required: req('volume_ml', kind), label: 'Volume (mL)',
      hint: `0.1 to ${VOLUME_MAX[kind]} mL` }));
  }
  if (has('platelets_per_ul')) {
    out.push(numberField({ name: 'platelets_per_ul', idSuffix: SUFFIX, label: 'Platelets in the product (per µL)',
      hint: 'e.g. 1100000. With the blood count, gives the concentration factor.' }));
  }
  if (has('baseline_platelets_per_ul')) {
    out.push(numberField({ name: 'baseline_platelets_per_ul', idSuffix: SUFFIX, label: 'Platelets in the patient\u2019s blood (per µL)',
      hint: 'e.g. 250000' }));
  }
  if (has('leukocytes')) {
    out.push(radioGroup({ legend: 'Leukocytes', name: 'leukocytes', idSuffix: SUFFIX, options: LEUKOCYTES }));
  }
  if (has('activation')) out.push(fld('activation', { label: 'Activation', maxlength: 100, hint: 'e.g. none, calcium chloride' }));
  if (has('nucleated_cells')) {
    out.push(numberField({ name: 'nucleated_cells', idSuffix: SUFFIX, label: 'Nucleated cells (total)', hint: 'A count, e.g. 120000000 or 1.2e8' }));
  }
  if (has('viability_pct')) out.push(numberField({ name: 'viability_pct', idSuffix: SUFFIX, label: 'Viability (%)', hint: '0 to 100' }));
  if (has('cd34_cells')) out.push(numberField({ name: 'cd34_cells', idSuffix: SUFFIX, label: 'CD34+ cells (total)', hint: 'A count' }));
  if (has('minimally_manipulated')) {
    out.push(radioGroup({ legend: 'Minimally manipulated?', name: 'minimally_manipulated', idSuffix: SUFFIX, value: '',
      options: [['true', 'Yes'], ['false', 'No'], ['', 'Not stated']] }));
  }
  if (has('side')) out.push(radioGroup({ legend: 'Side', name: 'side', idSuffix: SUFFIX, required: req('side', kind), options: SIDES }));
  if (has('guidance')) {
    out.push(radioGroup({ legend: 'Guidance', name: 'guidance', idSuffix: SUFFIX, required: req('guidance', kind),
      options: GUIDANCE, value: 'ultrasound' }));
  }
  if (has('nerves')) {
    const group = checkGroup({ legend: 'Nerves', name: 'nerves', hint: 'Each nerve injected',
      boxes: NERVES.map(([v, text]) => checkbox({ name: 'nerves', value: v, label: text, idSuffix: SUFFIX })) });
    group.querySelector('legend').append(h('span', { class: 'req' }, ' (required)'));
    out.push(group);
  }
  if (has('operator')) {
    out.push(fld('operator', { label: 'Operator', maxlength: 200, value: session.me.name, hint: 'Who injected' }));
  }
  if (has('cells')) {
    out.push(numberField({ name: 'cells', idSuffix: SUFFIX, label: 'Cells injected (total)',
      hint: 'If counted. Otherwise the product\u2019s nucleated cells are taken, when it has a count.' }));
  }
  if (has('lot_numbers')) {
    out.push(fld('lot_numbers', { label: 'Lot numbers', maxlength: 600, hint: 'Of the kit and anything else used; separate with commas' }));
  }
  return out;
}

const TEXT_FIELDS = ['site', 'anaesthesia', 'method', 'device', 'kit_lot', 'activation', 'operator', 'from', 'product'];
const NUMBER_FIELDS = ['volume_ml', 'platelets_per_ul', 'baseline_platelets_per_ul', 'nucleated_cells', 'viability_pct', 'cd34_cells',
  'cells'];
const CHOICE_FIELDS = ['source', 'leukocytes', 'side', 'guidance'];

// The request body from the form: only the fields the kind takes, and only those filled in.
function bodyOf(form, kind) {
  const body = { kind, performed_on: valueOf(form, 'performed_on') };
  if (valueOf(form, 'step_id')) body.step_id = valueOf(form, 'step_id');
  const taken = (name) => use(name, kind) !== '-';
  for (const name of TEXT_FIELDS) if (taken(name) && valueOf(form, name)) body[name] = valueOf(form, name);
  for (const name of NUMBER_FIELDS) {
    const input = form.elements.namedItem(name);
    if (!taken(name) || !input) continue;
    const v = numberFrom(input);
    if (v !== undefined) body[name] = v;
  }
  for (const name of CHOICE_FIELDS) {
    const checked = taken(name) && form.querySelector(`input[name="${name}"]:checked`);
    if (checked) body[name] = checked.value;
  }
  const mm = taken('minimally_manipulated') && form.querySelector('input[name="minimally_manipulated"]:checked');
  if (mm && mm.value !== '') body.minimally_manipulated = mm.value === 'true';
  if (taken('nerves')) {
    const nerves = [...form.querySelectorAll('input[name="nerves"]:checked')].map((b) => b.value);
    if (nerves.length) body.nerves = nerves;
  }
  if (taken('lot_numbers') && valueOf(form, 'lot_numbers')) {
    body.lot_numbers = valueOf(form, 'lot_numbers').split(',').map((x) => x.trim()).filter(Boolean);
  }
  return body;
}

// A plan as a picker option: "Perineural PRP, … (in progress, from 2025-06-01)".
function planOption(pl, state) {
  const title = (state.protocols.find((x) => x.id === pl.protocol) || {}).title || pl.protocol;
  const notes = [pl.status.replace(/_/g, ' '), `from ${pl.start_date}`];
  if (!state.consented.has(pl.id)) notes.push('no current consent');
  return [pl.id, `${title} (${notes.join(', ')})`];
}

// The plan's state that the server will refuse, said before saving (the server still decides).
function planWarning(pl, state) {
  if (!pl) return null;
  const out = [];
  if (!state.consented.has(pl.id)) out.push('This plan has no current consent: record the patient\u2019s signed consent first.');
  if (pl.investigational && !pl.study_reference) out.push('Investigational biologic: the plan needs its study reference first.');
  return out.length ? out.join(' ') : null;
}

// The "Record a procedure" form. state: {plans, procedures, protocols, consented: Set of plan
// ids}; preset: {plan, kind, step} to start from (a step's Record button); onSaved(saved).
// Returns {form, sync(preset)}: sync redraws the pickers from the state after a change.
export function procedureForm(ctx, p, state, { preset = {}, onSaved, close }) {
  const { session } = ctx;
  const summary = errorSummary();
  const result = h('div', { class: 'result-box', role: 'status', tabindex: '-1', 'data-testid': 'procedure-saved', hidden: true });
  const planBox = h('div', { class: 'grid' });
  const warning = h('p', { class: 'notice warn', 'data-testid': 'procedure-plan-warning', hidden: true });
  const kindBox = h('div', { class: 'kind-fields', 'data-testid': 'procedure-fields' });
  const form = h('form', { class: 'record-form procedure-form', novalidate: true, 'data-testid': 'procedure-form',
    'aria-labelledby': 'proc-form-heading' },
    h('h3', { id: 'proc-form-heading' }, 'Record a procedure'),
    result, summary, planBox, warning, kindBox,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'save-procedure' }, 'Save procedure'),
      h('button', { type: 'button', class: 'btn btn-quiet', on: { click: close } }, 'Close')));

  let chosen = { plan: preset.plan || null, kind: preset.kind || null, step: preset.step || null };

  const activePlans = () => state.plans.filter(planUnderWay);
  const currentPlan = () => activePlans().find((pl) => pl.id === chosen.plan) || null;
  // The kinds this plan's protocol has steps of (all four without a plan), that this role records.
  function kindsFor(pl) {
    const inPlan = pl ? PROCEDURE_KINDS.filter(([k]) => pl.steps.some((s) => s.kind === k)) : [];
    return (inPlan.length ? inPlan : PROCEDURE_KINDS).filter(([k]) => mayRecordKind(session, k));
  }

  function drawPickers() {
    const plans = activePlans();
    if (!plans.some((pl) => pl.id === chosen.plan)) chosen.plan = plans.length ? plans[0].id : null;
    const pl = currentPlan();
    const kinds = kindsFor(pl);
    if (!kinds.some(([k]) => k === chosen.kind)) chosen.kind = null;
    // The plan's own steps first; an optional step (not taken up) last, and said so.
    const open = pl ? pl.steps.filter((s) => s.kind === chosen.kind && isOpenStep(s))
      .sort((a, b) => Number(!!a.optional) - Number(!!b.optional) || a.seq - b.seq) : [];
    if (!open.some((s) => s.id === chosen.step)) chosen.step = open.length ? open[0].id : '';
    const planField = field({ label: 'Plan', name: 'plan', idSuffix: SUFFIX, required: true, wide: true,
      hint: plans.length ? 'Accepted or running plans of this patient.' : null,
      choices: plans.length ? plans.map((x) => planOption(x, state)) : [['', 'No accepted plan']], value: chosen.plan || '' });
    const kindField = field({ label: 'Procedure', name: 'kind', idSuffix: SUFFIX, required: true,
      hint: session.me.role === 'nurse' ? 'Nurses record blood draws and processing.' : null,
      choices: [['', 'Choose…'], ...kinds], value: chosen.kind || '' });
    kindField.querySelector('select').setAttribute('data-testid', 'procedure-kind');
    const stepField = field({ label: 'Plan step it fulfils', name: 'step_id', idSuffix: SUFFIX,
      hint: chosen.kind && !open.length ? 'No open step of this kind in the plan.' : 'The step is marked done.',
      choices: [...open.map((s) => [s.id, `${stepName(s, pl.steps)}, due ${s.due_date}${s.status === 'overdue' ? ' (overdue)' : ''}`
        + `${s.optional ? ' (optional, not taken up)' : ''}`]),
        ['', 'None: not a planned step']], value: chosen.step });
    const date = planBox.querySelector('input[name="performed_on"]');
    fill(planBox, planField, kindField, stepField,
      field({ label: 'Date performed', name: 'performed_on', idSuffix: SUFFIX, required: true, value: date ? date.value : todayText(),
        hint: 'YYYY-MM-DD', placeholder: 'YYYY-MM-DD', inputmode: 'numeric', maxlength: 10, narrow: true }));
    planField.querySelector('select').addEventListener('change', (ev) => { chosen = { plan: ev.target.value }; redraw(); });
    kindField.querySelector('select').addEventListener('change', (ev) => { chosen = { plan: chosen.plan, kind: ev.target.value }; redraw(); });
    stepField.querySelector('select').addEventListener('change', (ev) => { chosen.step = ev.target.value; });
    const w = planWarning(pl, state);
    warning.textContent = w || '';
    warning.hidden = !w;
  }

  // The kind's fields are drawn anew when the kind changes (or after a save); otherwise what
  // was typed stays and only the pickers of earlier procedures follow the patient's records.
  let drawnKind = null;
  function drawKind() {
    if (chosen.kind === drawnKind && kindBox.firstChild) {
      refreshSources();
      return;
    }
    drawnKind = chosen.kind;
    fill(kindBox, chosen.kind ? h('div', { class: 'grid' }, kindFields(chosen.kind, { sources: live(), session })) : null);
    const product = kindBox.querySelector('select[name="product"]');
    if (product) product.addEventListener('change', fillLots);
    fillLots();
  }
  function refreshSources() {
    const fresh = kindFields(chosen.kind, { sources: live(), session });
    for (const name of ['from', 'product']) {
      const select = kindBox.querySelector(`select[name="${name}"]`);
      const next = fresh.map((f) => f.querySelector(`select[name="${name}"]`)).find(Boolean);
      if (!select || !next) continue;
      const keep = select.value;
      select.replaceChildren(...next.children);
      if ([...select.options].some((o) => o.value === keep)) select.value = keep;
    }
  }
  const live = () => state.procedures.filter((x) => x.status !== 'voided').sort(newestFirst);
  // An injection's lot numbers start as the product's kit lot.
  function fillLots() {
    const lots = form.elements.namedItem('lot_numbers');
    const product = state.procedures.find((x) => x.id === valueOf(form, 'product'));
    if (lots && !lots.value && product && product.kit_lot) lots.value = product.kit_lot;
  }
  function redraw() {
    clearErrors(form, summary);
    drawPickers();
    drawKind();
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    result.hidden = true;
    const planId = valueOf(form, 'plan');
    if (!planId) {
      showProblem(form, summary, { problem: { title: 'No plan to record under',
        detail: 'A procedure is recorded under an accepted plan. Make a plan and accept it first.' } });
      return;
    }
    const body = bodyOf(form, chosen.kind || valueOf(form, 'kind'));
    if (!body.kind) delete body.kind;
    await busy(form, async () => {
      let saved;
      try {
        saved = (await post(`/api/v1/plans/${planId}/procedures`, body)).body;
      } catch (e) {
        if (!ctx.isCurrent()) return;
        showProblem(form, summary, e);
        return;
      }
      await onSaved(saved);
      if (!ctx.isCurrent()) return;
      showSaved(result, saved, state);
      // Ready for the next procedure of the same plan: the kind is chosen again.
      chosen = { plan: planId };
      drawnKind = undefined;
      redraw();
      result.focus();
    });
  });

  redraw();
  return {
    form,
    sync(next) {
      if (next) {
        chosen = { plan: next.plan || chosen.plan, kind: next.kind || null, step: next.step || null };
        result.hidden = true;
      }
      redraw();
    },
  };
}

function showSaved(box, pr, state) {
  const pl = state.plans.find((x) => x.id === pr.plan_id);
  const step = pl && pr.step_id ? pl.steps.find((s) => s.id === pr.step_id) : null;
  const derived = derivedValues(pr);
  fill(box,
    h('p', { class: 'result-head' },
      h('span', { class: 'instrument-name' }, procedureKindLabel(pr.kind)), ' ',
      h('span', {}, `recorded for ${pr.performed_on}`)),
    derived.map((d) => h('p', { class: 'result-interp', 'data-testid': 'saved-derived', 'data-derived': d.key },
      d.text, d.detail ? h('span', { class: 'result-detail' }, ` (${d.detail})`) : null)),
    h('p', { class: 'result-detail', 'data-testid': 'saved-effects' },
      [step ? `${stepName(step, pl.steps)}: ${String(pr.step_status || 'done').replace(/_/g, ' ')}.` : 'Not linked to a plan step.',
        pr.plan_status ? `Plan ${pr.plan_status.replace(/_/g, ' ')}.` : null].filter(Boolean).join(' ')),
    h('p', { class: 'muted small' }, 'The form below is ready for the next procedure.'));
  box.hidden = false;
}
