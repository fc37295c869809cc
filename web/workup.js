// The work-up on the patient page: "Tests and scores" (the patient's scored instruments, the void
// correction, and a form drawn from the instrument's definition) and "Timeline" (pain over time
// with the injections marked, one small plot per instrument, procedures and adverse events, test
// results, medications, and the pain diary form). Only roles with clinical.read see it; the forms
// need clinical.write. workupSections returns {refreshTimeline} for the Treatment section.
//
// Wording: scores and cut-offs are reported as the instruments define them. Nothing on screen
// says that a treatment works; medications are listed, not linked to scores.

import { get, post } from './api.js';
import { h, add, fill, tag, todayText, roleLabel, stacked } from './dom.js';
import { field, errorSummary, showProblem, clearErrors, valueOf, busy, problemBox, voidForm } from './form.js';
import { timePlot, legendSymbol, niceTicks, num } from './plot.js';
import { observationsSection, medicinesSection, whereText, resultText, judgement, drugClassLabel, bleedingTag,
  medicineState, doseText } from './records.js';
import { procedureKindLabel } from './procedures.js';
import { gradeText, outcomeText } from './adverse-events.js';

// Short names for headings and the score line; any other instrument shows its title.
const SHORT = {
  dn4: 'DN4', 'dn4-interview': 'DN4-interview', 'mnsi-history': 'MNSI history',
  'mnsi-exam': 'MNSI exam', nrs: 'Pain NRS', pgic: 'PGIC', tcns: 'TCNS',
};
const shortName = (id, title) => SHORT[id] || title || id;

// Instrument summaries and definitions change only with a new server version: fetched once per
// page load (a failed fetch is retried next time).
let summariesPromise = null;
function instrumentList() {
  if (!summariesPromise) {
    summariesPromise = get('/api/v1/instruments').then((r) => r.body.items).catch((e) => {
      summariesPromise = null;
      throw e;
    });
  }
  return summariesPromise;
}

const definitions = new Map();
function instrumentDef(id) {
  if (!definitions.has(id)) {
    definitions.set(id, get(`/api/v1/instruments/${encodeURIComponent(id)}`).then((r) => r.body).catch((e) => {
      definitions.delete(id);
      throw e;
    }));
  }
  return definitions.get(id);
}

// Definitions for the given ids; an id whose definition cannot be fetched maps to null.
async function definitionsFor(ids) {
  const out = new Map();
  await Promise.all([...new Set(ids)].map(async (id) => {
    out.set(id, await instrumentDef(id).catch(() => null));
  }));
  return out;
}

// "2025-01-03" stays; "2025-01-03T14:05:00Z" -> "2025-01-03 14:05 UTC".
function whenText(at) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(at || '');
  return m ? `${m[1]} ${m[2]} UTC` : at || '';
}

// The label of a score id ("total_8" -> "MNSI exam, 8-point version"), from the definition.
function scoreLabel(def, id) {
  const sc = def && def.definition && (def.definition.scores || []).find((x) => x.id === id);
  return sc ? sc.label : id;
}

function flagLabel(def, id) {
  const f = def && def.definition && (def.definition.flags || []).find((x) => x.id === id);
  return f ? f.label : id.replace(/_/g, ' ');
}

// For instruments without a numeric total (PGIC): the chosen answers' labels.
function chosenLabels(a, def) {
  if (!def || !a.answers) return [];
  const out = [];
  for (const item of def.form || []) {
    if (!(item.id in a.answers) || !item.answers) continue;
    const opt = item.answers.find((o) => o.value === a.answers[item.id]);
    out.push(opt ? opt.label : String(a.answers[item.id]));
  }
  return out;
}

const hasTotal = (sc) => sc && sc.total !== null && sc.total !== undefined;
const primaryCutoff = (sc) => (sc && sc.cutoffs || []).find((c) => c.primary) || null;

// "5 / 10" (or "" when the instrument has no numeric total).
function scoreText(sc) {
  if (!hasTotal(sc)) return '';
  return sc.max === null || sc.max === undefined ? num(sc.total) : `${num(sc.total)} / ${num(sc.max)}`;
}

function variantText(sc) {
  return sc && sc.variant ? `${sc.variant} version` : '';
}

// The tags that say where a score falls: band, primary cut-off met or not, flags.
function resultTags(sc, def) {
  const tags = [];
  if (!sc) return tags;
  if (sc.band && sc.band.label) tags.push(tag(sc.band.label, 'band', { 'data-testid': 'band' }));
  const pc = primaryCutoff(sc);
  if (pc && pc.met === true) tags.push(tag(pc.label, 'met', { 'data-testid': 'cutoff-met' }));
  if (pc && pc.met === false) {
    tags.push(tag(`not ${pc.label}`, 'notmet', { 'data-testid': 'cutoff-not-met',
      title: `Below the cut-off: ${pc.label} is ${num(pc.at_least)} or more` }));
  }
  for (const [id, on] of Object.entries(sc.flags || {})) {
    if (on === true) tags.push(tag(flagLabel(def, id).replace(/\s*\(.*\)$/, ''), 'flag', { 'data-testid': 'flag' }));
  }
  return tags;
}

// The one-line interpretation: the server's words, or the cut-off stated plainly when it is not
// met (the definitions give interpretations only for scores at or above a cut-off).
function interpretationText(sc) {
  if (!sc) return '';
  if (sc.interpretation) return sc.interpretation;
  const pc = primaryCutoff(sc);
  if (pc && pc.met === false) {
    const on = pc.score && pc.score !== 'total' ? ` (on the ${pc.score.replace(/_/g, ' ')} score)` : '';
    return `Below the cut-off: ${pc.label} is ${num(pc.at_least)} or more${on}.`;
  }
  return '';
}

// Details under the score line: other cut-offs, subscores, flags with yes/no.
function scoreDetails(sc, def) {
  const lines = [];
  for (const c of (sc.cutoffs || []).filter((x) => !x.primary)) {
    lines.push(`${c.label} (${num(c.at_least)} or more${c.score && c.score !== 'total' ? ` on ${scoreLabel(def, c.score)}` : ''}): `
      + (c.met === true ? 'met' : c.met === false ? 'not met' : 'not scored'));
  }
  const pc = primaryCutoff(sc);
  if (pc && pc.score && pc.score !== 'total' && hasTotal(sc)) {
    lines.push(`The ${pc.label} cut-off (${num(pc.at_least)} or more) applies to ${scoreLabel(def, pc.score)}.`);
  }
  for (const [id, s] of Object.entries(sc.subscores || {})) {
    if (s.value === null || s.value === undefined) continue;
    lines.push(`${s.label}: ${num(s.value)}${s.max !== null && s.max !== undefined ? ` / ${num(s.max)}` : ''}`
      + (s.band && s.band.label ? ` (${s.band.label})` : ''));
    void id;
  }
  for (const [id, on] of Object.entries(sc.flags || {})) {
    lines.push(`${flagLabel(def, id)}: ${on === true ? 'yes' : on === false ? 'no' : 'not known'}`);
  }
  return lines;
}

// onChange: called after each change of the work-up (candidacy reads it).
export async function workupSections(ctx, p, { onChange = async () => {} } = {}) {
  const { root, session } = ctx;
  if (!session.can('clinical.read')) {
    add(root, h('section', { class: 'card', 'aria-labelledby': 'wu-heading', 'data-testid': 'no-workup-access' },
      h('h2', { id: 'wu-heading' }, 'Tests and scores'),
      h('p', { class: 'muted' },
        `Your role (${roleLabel(session.me.role)}) does not include tests and scores; a clinician or nurse can see them.`)));
    return;
  }
  const canWrite = session.can('clinical.write') && !p.archived;

  const listBox = h('div', { 'data-testid': 'assessment-list' });
  const listStatus = h('p', { class: 'flash', role: 'status', tabindex: '-1', 'data-testid': 'workup-status', hidden: true });
  const tests = h('section', { class: 'card workup', 'aria-labelledby': 'wu-heading', 'data-testid': 'workup' },
    h('h2', { id: 'wu-heading' }, 'Tests and scores'), listStatus, listBox);
  // After a void the row's button is gone: the message takes focus so that keyboard users keep
  // their place and screen readers hear what happened.
  async function afterVoid(text) {
    await refreshAll();
    if (!ctx.isCurrent()) return;
    listStatus.textContent = text;
    listStatus.hidden = false;
    listStatus.focus();
  }
  const timelineBody = h('div', { 'data-testid': 'timeline-body' });
  const diaryBox = h('div');
  const timeline = h('section', { class: 'card timeline', 'aria-labelledby': 'tl-heading', 'data-testid': 'timeline' },
    h('h2', { id: 'tl-heading' }, 'Timeline'), timelineBody, diaryBox);
  // Test results and medicines: each change redraws the timeline.
  const changedOne = () => Promise.all([refreshTimeline(), onChange()]);
  const observations = observationsSection(ctx, p, { canWrite, onChange: changedOne });
  const medicines = medicinesSection(ctx, p, { canWrite, onChange: changedOne });
  add(root, tests, observations.section, medicines.section, timeline);

  let listSeq = 0;
  async function refreshList() {
    const mine = ++listSeq;
    try {
      const r = await get(`/api/v1/patients/${p.id}/assessments`);
      const items = r.body.items.slice().reverse(); // newest first
      const [summaries, defs] = await Promise.all([
        instrumentList().catch(() => []),
        definitionsFor(items.filter((a) => !hasTotal(a.score) || Object.keys(a.score?.flags || {}).length)
          .map((a) => a.instrument)),
      ]);
      if (!ctx.isCurrent() || mine !== listSeq) return;
      const titles = new Map(summaries.map((s) => [s.id, s.title]));
      fill(listBox, assessmentTable(items, titles, defs, canWrite, afterVoid));
    } catch (e) {
      if (!ctx.isCurrent() || mine !== listSeq) return;
      fill(listBox, problemBox(e));
    }
  }

  let timelineSeq = 0;
  let diaryShown = false;
  async function refreshTimeline() {
    const mine = ++timelineSeq;
    let t;
    try {
      t = (await get(`/api/v1/patients/${p.id}/timeline`)).body;
    } catch (e) {
      if (!ctx.isCurrent() || mine !== timelineSeq) return;
      if (e.status === 404) {
        fill(timelineBody, h('p', { class: 'notice', 'data-testid': 'timeline-unavailable' },
          'Timeline not available: this server does not provide the patient timeline yet.'));
      } else {
        fill(timelineBody, problemBox(e));
      }
      return;
    }
    const defs = await definitionsFor((t.instruments || []).map((sr) => sr.instrument));
    if (!ctx.isCurrent() || mine !== timelineSeq) return;
    fill(timelineBody, timelineView(t, defs));
    if (canWrite && !diaryShown) {
      diaryShown = true;
      fill(diaryBox, diaryForm(ctx, p, refreshTimeline));
    }
  }

  async function refreshAll() {
    await Promise.all([refreshList(), refreshTimeline(), onChange()]);
  }

  await Promise.all([refreshList(), refreshTimeline(), observations.start(), medicines.start()]);
  if (!ctx.isCurrent()) return;
  if (canWrite) {
    add(tests, await recordSection(ctx, p, async () => {
      listStatus.hidden = true;
      await refreshAll();
    }));
  }
  else if (p.archived) add(tests, h('p', { class: 'muted' }, 'Archived patients cannot have new tests recorded.'));
  return { refreshTimeline };
}

// ---- The list of assessments ------------------------------------------------------------------

function assessmentTable(items, titles, defs, canWrite, afterVoid) {
  if (!items.length) {
    return h('p', { class: 'empty-inline', 'data-testid': 'no-assessments' }, 'No test or score is recorded yet.');
  }
  const cols = 5;
  const tbody = h('tbody');
  for (const a of items) {
    const voided = a.status === 'voided';
    const sc = a.score || {};
    const def = defs.get(a.instrument) || null;
    const title = titles.get(a.instrument) || a.instrument;
    const chosen = hasTotal(sc) ? [] : chosenLabels(a, def);
    const tr = h('tr', { 'data-testid': 'assessment-row', 'data-instrument': a.instrument, 'data-status': a.status,
      class: voided ? 'struck' : null },
      h('td', { class: 'mono' }, whenText(a.performed_at)),
      h('td', {},
        h('span', { class: 'instrument-name' }, shortName(a.instrument, title)),
        SHORT[a.instrument] ? h('span', { class: 'sub' }, title) : null,
        voided ? h('span', { class: 'note void-note', 'data-testid': 'void-reason' },
          `Voided${a.void_reason ? `: ${a.void_reason}` : ''}`) : null),
      h('td', { class: 'score-cell', 'data-testid': 'assessment-score' },
        hasTotal(sc) ? h('span', { class: 'score' }, scoreText(sc)) : chosen.length ? h('span', { class: 'score-label' }, chosen.join(', ')) : null,
        sc.variant ? h('span', { class: 'sub' }, variantText(sc)) : null),
      h('td', { 'data-testid': 'assessment-result' },
        h('span', { class: 'tags' }, resultTags(sc, def)),
        interpretationText(sc) ? h('span', { class: 'sub' }, interpretationText(sc)) : null),
      h('td', { class: 'row-actions' }, voided ? tag('voided', 'error', { 'data-testid': 'voided-tag' }) : null));
    tbody.append(tr);
    if (canWrite && !voided) {
      const open = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'aria-expanded': 'false',
        'data-testid': 'void-button', 'aria-label': `Void ${shortName(a.instrument, title)} of ${whenText(a.performed_at)}` }, 'Void…');
      tr.lastElementChild.append(open);
      open.addEventListener('click', () => {
        const existing = tr.nextElementSibling?.classList.contains('correction') ? tr.nextElementSibling : null;
        if (existing) {
          existing.remove();
          open.setAttribute('aria-expanded', 'false');
          return;
        }
        const row = h('tr', { class: 'correction' },
          h('td', { colspan: cols }, voidAssessmentForm(a, shortName(a.instrument, title), () => {
            row.remove();
            open.setAttribute('aria-expanded', 'false');
            open.focus();
          }, afterVoid)));
        tr.after(row);
        open.setAttribute('aria-expanded', 'true');
        row.querySelector('input').focus();
      });
    }
  }
  return stacked(h('table', { class: 'data assessments', 'data-testid': 'assessment-table' },
    h('caption', { class: 'visually-hidden' }, 'Tests and scores, newest first'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Date'),
      h('th', { scope: 'col' }, 'Test'),
      h('th', { scope: 'col' }, 'Score'),
      h('th', { scope: 'col' }, 'Result'),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, canWrite ? 'Status and actions' : 'Status')))),
    tbody));
}

// Voids an assessment with a reason (POST .../void with If-Match).
function voidAssessmentForm(a, name, close, afterVoid) {
  return voidForm({
    testid: 'void-form', confirmTestid: 'confirm-void',
    label: `Why is this ${name} result void?`, idSuffix: `-${a.id}`,
    hint: 'The result stays in the record, marked voided, with this reason. It no longer counts in the timeline.',
    path: `/api/v1/assessments/${a.id}/void`, version: a.version, what: 'result', close,
    done: () => afterVoid(`${name} of ${whenText(a.performed_at)} voided. It stays in the list, marked voided.`),
  });
}

// ---- Recording an instrument ------------------------------------------------------------------

async function recordSection(ctx, p, onSaved) {
  let list;
  try {
    list = await instrumentList();
  } catch (e) {
    return problemBox(e);
  }
  const picker = field({ label: 'Instrument', name: 'instrument', idSuffix: '-pick', wide: true,
    hint: 'The form below is drawn from the instrument\u2019s definition on the server.',
    choices: [['', 'Choose an instrument…'], ...list.map((i) => [i.id, i.title])] });
  const select = picker.querySelector('select');
  select.setAttribute('data-testid', 'instrument-select');
  const result = h('div', { class: 'result-box', role: 'status', tabindex: '-1', 'data-testid': 'saved-result', hidden: true });
  const formBox = h('div', { 'data-testid': 'instrument-form-box' });
  const forms = new Map(); // instrument id -> its form, so answers survive switching back and forth
  let wanted = '';

  async function show(id) {
    wanted = id;
    if (!id) {
      fill(formBox);
      return;
    }
    if (!forms.has(id)) {
      fill(formBox, h('p', { class: 'muted' }, 'Loading the form…'));
      let def;
      try {
        def = await instrumentDef(id);
      } catch (e) {
        if (wanted === id) fill(formBox, problemBox(e));
        return;
      }
      if (!forms.has(id)) {
        forms.set(id, instrumentForm(def, p, async (saved) => {
          showResult(result, saved, def, list.find((i) => i.id === id));
          forms.delete(id);
          await onSaved();
          if (!ctx.isCurrent()) return;
          if (wanted === id) show(id).then(() => result.focus());
        }));
      }
    }
    if (wanted === id) fill(formBox, forms.get(id));
  }
  select.addEventListener('change', () => { show(select.value); });
  return h('div', { class: 'record', 'data-testid': 'record-instrument' },
    h('h3', { id: 'record-heading' }, 'Record an instrument'),
    result,
    h('div', { class: 'grid' }, picker),
    formBox);
}

function showResult(box, a, def, summary) {
  const sc = a.score || {};
  const name = shortName(a.instrument, summary ? summary.title : a.instrument);
  const chosen = hasTotal(sc) ? [] : chosenLabels(a, def);
  const interp = interpretationText(sc);
  fill(box,
    h('p', { class: 'result-head' },
      h('span', { class: 'instrument-name' }, name), ' ',
      hasTotal(sc) ? h('span', { class: 'score-big', 'data-testid': 'saved-score' }, scoreText(sc)) : null,
      chosen.length ? h('span', { class: 'score-big', 'data-testid': 'saved-score' }, chosen.join(', ')) : null,
      sc.variant ? h('span', { class: 'variant', 'data-testid': 'saved-variant' }, ` (${variantText(sc)})`) : null,
      ' ', resultTags(sc, def)),
    interp ? h('p', { class: 'result-interp', 'data-testid': 'saved-interpretation' }, interp) : null,
    scoreDetails(sc, def).map((line) => h('p', { class: 'result-detail' }, line)),
    h('p', { class: 'muted small' }, `Saved; performed ${whenText(a.performed_at)}. The form below is empty for the next entry.`));
  box.hidden = false;
}

// A radio group for a choice item: a fieldset whose data-path is the API's error path.
function choiceItem(item, path) {
  const errorId = `${path}-error`;
  const optional = !item.required;
  const radios = item.answers.map((opt) => {
    const id = `${path}-${opt.value}`;
    return h('label', { class: 'choice', for: id },
      h('input', { type: 'radio', id, name: path, value: opt.value }),
      h('span', {}, opt.label));
  });
  if (optional) {
    const id = `${path}-none`;
    radios.push(h('label', { class: 'choice choice-none', for: id },
      h('input', { type: 'radio', id, name: path, value: '', props: { checked: true } }),
      h('span', {}, 'Not done')));
  }
  return h('fieldset', { class: ['field', 'choice-item', item.answers.length > 5 && 'choice-long'], 'data-path': path,
    id: path, tabindex: '-1', 'aria-describedby': errorId, 'data-testid': `item-${item.id}` },
    h('legend', {}, item.text,
      optional ? h('span', { class: 'opt' }, ' (optional)') : null,
      item.scored === false ? h('span', { class: 'opt' }, ' (not scored)') : null),
    h('p', { class: 'field-error', id: errorId, 'data-testid': `error-${path}`, hidden: true }),
    h('div', { class: 'choices' }, radios));
}

function integerItem(item, path) {
  const wrap = field({ label: item.text, name: path, type: 'number', inputmode: 'numeric', narrow: true,
    hint: `A whole number from ${item.min} to ${item.max}.` });
  const input = wrap.querySelector('input');
  input.min = String(item.min);
  input.max = String(item.max);
  input.step = '1';
  input.setAttribute('data-testid', `item-${item.id}`);
  if (!item.required) wrap.querySelector('label').append(h('span', { class: 'opt' }, ' (optional)'));
  return wrap;
}

function instrumentForm(def, p, onSaved) {
  const summary = errorSummary();
  const dn = def.definition || {};
  const body = [];
  let group = null;
  let groupName;
  for (const item of def.form || []) {
    const path = `answers.${item.id}`;
    const control = item.type === 'integer' ? integerItem(item, path) : choiceItem(item, path);
    if (!item.section) {
      group = null;
      body.push(control);
      continue;
    }
    if (!group || groupName !== item.section) {
      groupName = item.section;
      group = h('div', { class: 'item-grid' });
      body.push(h('fieldset', { class: 'item-section' }, h('legend', {}, item.section), group));
    }
    group.append(control);
  }
  const anyOptional = (def.form || []).some((i) => !i.required);
  const form = h('form', { class: 'instrument-form', novalidate: true, 'data-testid': 'instrument-form',
    'data-instrument': def.id, 'aria-labelledby': `form-title-${def.id}` },
    h('h4', { id: `form-title-${def.id}` }, def.title),
    dn.notes ? h('p', { class: 'hint' }, dn.notes) : null,
    anyOptional ? h('p', { class: 'hint' }, 'Every question needs an answer unless it is marked optional.') : null,
    summary,
    h('div', { class: 'grid' },
      field({ label: 'Date performed', name: 'performed_at', idSuffix: `-${def.id}`, value: todayText(), required: true,
        hint: 'YYYY-MM-DD', placeholder: 'YYYY-MM-DD', inputmode: 'numeric',
        maxlength: 20, narrow: true })),
    body,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'save-assessment' }, 'Save and score')),
    def.citation ? h('details', { class: 'source' }, h('summary', {}, 'Source and licence'),
      h('p', { class: 'small' }, def.citation),
      def.licence && def.licence.note ? h('p', { class: 'small muted' }, `Licence (${def.licence.status}): ${def.licence.note}`) : null)
      : null);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    const answers = {};
    for (const item of def.form || []) {
      const path = `answers.${item.id}`;
      if (item.type === 'integer') {
        const input = form.querySelector(`input[name="${CSS.escape(path)}"]`);
        const text = input.value.trim();
        // A number field holds '' for text that is not a number: send it on, so that the server's
        // message ("must be a whole number ...") appears at the field rather than "is required".
        if (input.validity.badInput) answers[item.id] = 'not a number';
        else if (text !== '') answers[item.id] = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
      } else {
        const checked = form.querySelector(`input[name="${CSS.escape(path)}"]:checked`);
        if (checked && checked.value !== '') answers[item.id] = checked.value;
      }
    }
    await busy(form, async () => {
      let r;
      try {
        r = await post(`/api/v1/patients/${p.id}/assessments`,
          { instrument: def.id, performed_at: valueOf(form, 'performed_at'), answers });
      } catch (e) {
        showProblem(form, summary, e);
        return;
      }
      await onSaved(r.body);
    });
  });
  return form;
}

// ---- Timeline ---------------------------------------------------------------------------------

function timelineView(t, defs) {
  const nrs = t.nrs || [];
  const series = t.instruments || [];
  const observations = t.observations || [];
  const medications = t.medications || [];
  const procedures = t.procedures || [];
  const events = t.adverse_events || [];
  const injections = procedures.filter((x) => x.kind === 'injection').sort((a, b) => a.date.localeCompare(b.date));
  return [
    h('h3', {}, 'Pain intensity (NRS 0–10)'),
    nrs.length ? nrsPlot(nrs, injections) : h('p', { class: 'empty-inline', 'data-testid': 'no-nrs' },
      'No pain score is recorded yet (clinic NRS or pain diary).'),
    h('h3', {}, 'Scores over time'),
    series.length
      ? h('div', { class: 'series-grid' }, series.map((sr) => seriesPlot(sr, defs.get(sr.instrument))))
      : h('p', { class: 'empty-inline', 'data-testid': 'no-series' }, 'No instrument score is recorded yet.'),
    procedures.length || events.length ? [h('h3', {}, 'Procedures and adverse events'), treatmentTable(procedures, events)] : null,
    h('h3', {}, 'Test results'),
    observations.length ? observationTable(observations)
      : h('p', { class: 'empty-inline', 'data-testid': 'no-observations' }, 'No test result is recorded yet.'),
    medications.length ? [h('h3', {}, 'Medicines'), medicationTable(medications)] : null,
  ];
}

function valuesTable(caption, head, rows) {
  return h('details', { class: 'plot-table' },
    h('summary', {}, 'Show the values as a table'),
    h('table', { class: 'data compact' },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c)))))));
}

function nrsPlot(nrs, injections) {
  const sourceName = (src) => (src === 'diary' ? 'pain diary' : 'clinic');
  const points = nrs.map((e) => ({
    date: e.date, value: Number(e.value),
    shape: e.source === 'diary' ? 'circle' : 'square',
    class: e.source === 'diary' ? 'pt-diary' : 'pt-clinic',
    title: `${e.date}: NRS ${e.value} (${sourceName(e.source)})`,
    attrs: { 'data-testid': 'plot-point', 'data-series': 'nrs', 'data-source': e.source, 'data-date': e.date, 'data-value': e.value },
  }));
  const diary = nrs.filter((e) => e.source === 'diary').length;
  const clinic = nrs.length - diary;
  const first = nrs[0].date;
  const last = nrs[nrs.length - 1].date;
  return h('figure', { class: 'plot-figure', 'data-testid': 'nrs-plot' },
    timePlot({ width: 1000, height: 270, yMin: 0, yMax: 10, yTicks: [0, 2, 4, 6, 8, 10], yLabel: 'NRS',
      points, line: true, xTicks: 6,
      events: injections.map((x, i) => ({ date: x.date, label: `Inj ${i + 1}`,
        title: `Injection ${i + 1}: ${x.date}`,
        attrs: { 'data-testid': 'injection-marker', 'data-date': x.date } })),
      label: `Pain intensity 0 to 10 from ${first} to ${last}: ${clinic} clinic and ${diary} diary scores`
        + (injections.length ? `; dashed vertical lines: ${injections.length} ${injections.length === 1 ? 'injection' : 'injections'}`
          + ` on ${injections.map((x) => x.date).join(', ')}.` : '.') }),
    h('figcaption', { class: 'legend' },
      h('span', {}, legendSymbol('circle', 'pt-diary'), ` Pain diary (${diary})`),
      h('span', {}, legendSymbol('square', 'pt-clinic'), ` Clinic NRS (${clinic})`),
      injections.length ? h('span', {}, legendSymbol('vline', 'event-line'), ` Injection (${injections.length})`) : null,
      h('span', { class: 'muted' }, '0 no pain, 10 worst possible pain')),
    valuesTable('Pain scores', ['Date', 'NRS', 'Source'],
      nrs.map((e) => [e.date, String(e.value), sourceName(e.source)])));
}

function seriesPlot(sr, def) {
  const pts = sr.points || [];
  const totals = pts.map((x) => Number(x.total)).filter(Number.isFinite);
  const yMin = Number.isFinite(sr.min) ? sr.min : Math.min(0, ...totals);
  // A total above the series' stated maximum widens the axis rather than being drawn at the top.
  const yMax = Math.max(Number.isFinite(sr.max) ? sr.max : 1, ...totals);
  const c = sr.cutoff;
  const name = shortName(sr.instrument, sr.title);
  const pointTitle = (x) => `${x.date}: ${num(x.total)}${Number.isFinite(sr.max) ? ` / ${num(sr.max)}` : ''}`
    + (x.band ? `, ${x.band}` : '')
    + (c && x.met === true ? `, ${c.label}` : c && x.met === false ? `, below the ${c.label} cut-off` : '');
  const points = pts.map((x) => ({
    date: x.date, value: Number(x.total),
    shape: 'circle',
    class: x.met === true ? 'pt-met' : x.met === false ? 'pt-notmet' : 'pt-plain',
    title: pointTitle(x),
    attrs: { 'data-testid': 'plot-point', 'data-series': sr.instrument, 'data-date': x.date, 'data-value': x.total },
  }));
  const cutLabel = c ? `${c.label} \u2265 ${num(c.at_least)}` : null;
  const otherScore = c && c.score && c.score !== 'total';
  return h('figure', { class: 'plot-figure series', 'data-testid': `series-${sr.instrument}`, 'data-instrument': sr.instrument },
    h('figcaption', { class: 'series-title' }, h('strong', {}, name), ' ',
      h('span', { class: 'muted small' }, sr.title && SHORT[sr.instrument] ? sr.title : ''),
      ` (${pts.length} ${pts.length === 1 ? 'score' : 'scores'})`),
    timePlot({ width: 520, height: 210, yMin, yMax, yTicks: niceTicks(yMin, yMax, 5), points, line: true,
      xTicks: 3, markerSize: 4.5,
      refLines: c ? [{ value: c.at_least, label: cutLabel }] : [],
      label: `${name} scores from ${yMin} to ${yMax}, ${pts.length} ${pts.length === 1 ? 'point' : 'points'}`
        + (c ? `; dashed line: cut-off, ${cutLabel}` : '') }),
    c ? h('p', { class: 'legend' },
      h('span', {}, legendSymbol('circle', 'pt-met'), ` ${c.label}`),
      h('span', {}, legendSymbol('circle', 'pt-notmet'), ` below cut-off`),
      h('span', {}, legendSymbol('dash', 'cutoff'), ` cut-off: ${cutLabel}`)) : null,
    otherScore ? h('p', { class: 'hint' },
      `The cut-off applies to ${scoreLabel(def, c.score)}; the points show the total of the version used.`) : null,
    valuesTable(`${name} scores`, ['Date', 'Score', 'Result'],
      pts.map((x) => [x.date, `${num(x.total)}${Number.isFinite(sr.max) ? ` / ${num(sr.max)}` : ''}`,
        [x.band, c && x.met === true ? c.label : c && x.met === false ? `not ${c.label}` : null].filter(Boolean).join(', ')])));
}

// Procedures and adverse events by date, oldest first, like the test results (their details are
// in the Treatment section).
function treatmentTable(procedures, events) {
  const rows = [
    ...procedures.map((x) => ({ date: x.date, type: 'procedure', kind: x.kind, what: procedureKindLabel(x.kind),
      detail: null, serious: false })),
    ...events.map((e) => ({ date: e.date, type: 'adverse_event', kind: 'adverse_event', what: `Adverse event: ${e.term}`,
      detail: [gradeText(e.grade), e.serious ? 'serious' : null, outcomeText(e.outcome).toLowerCase()].filter(Boolean).join(', '),
      serious: e.serious === true })),
  ].sort((a, b) => a.date.localeCompare(b.date));
  return stacked(h('table', { class: 'data treatment-timeline', 'data-testid': 'treatment-timeline' },
    h('caption', { class: 'visually-hidden' }, 'Procedures and adverse events'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Date'), h('th', { scope: 'col' }, 'Procedure or adverse event'))),
    h('tbody', {}, rows.map((r) => h('tr', { 'data-testid': 'treatment-row', 'data-type': r.type, 'data-kind': r.kind,
      class: r.serious ? 'serious' : null },
      h('td', { class: 'mono' }, r.date),
      h('td', {}, r.what, r.detail ? h('span', { class: 'sub' }, r.detail) : null))))));
}

function observationTable(obs) {
  const rows = obs.map((o) => {
    const value = resultText(o);
    return h('tr', { 'data-testid': 'observation-row', 'data-kind': o.kind, 'data-abnormal': String(o.abnormal),
      class: o.abnormal ? 'abnormal' : null },
      h('td', { class: 'mono' }, o.date || ''),
      h('td', {}, o.label || o.kind || ''),
      h('td', {}, value || h('span', { class: 'muted' }, 'no value')),
      h('td', {}, whereText(o) || h('span', { class: 'muted' }, '—')),
      h('td', {}, judgement(o), o.interpretation ? h('span', { class: 'sub' }, o.interpretation) : null));
  });
  return stacked(h('table', { class: 'data observations', 'data-testid': 'observation-table' },
    h('caption', { class: 'visually-hidden' }, 'Test results'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Date'), h('th', { scope: 'col' }, 'Test'), h('th', { scope: 'col' }, 'Result'),
      h('th', { scope: 'col' }, 'Side / site'), h('th', { scope: 'col' }, 'Normal or abnormal'))),
    h('tbody', {}, rows)));
}

function medicationTable(meds) {
  return stacked(h('table', { class: 'data medications', 'data-testid': 'medication-table' },
    h('caption', { class: 'visually-hidden' }, 'Medications'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Medication'), h('th', { scope: 'col' }, 'Class'), h('th', { scope: 'col' }, 'Dose'),
      h('th', { scope: 'col' }, 'Started'), h('th', { scope: 'col' }, 'Stopped'), h('th', { scope: 'col' }, 'Status'))),
    h('tbody', {}, meds.map((m) => h('tr', { 'data-testid': 'medication-row', 'data-drug': m.drug },
      h('td', {}, m.label || m.drug || '', bleedingTag(m)),
      h('td', {}, drugClassLabel(m.drug_class)),
      h('td', {}, [doseText(m), m.frequency].filter(Boolean).join(', ') || h('span', { class: 'muted' }, '—')),
      h('td', { class: 'mono' }, m.start_date || h('span', { class: 'muted' }, 'unknown')),
      h('td', { class: 'mono' }, m.stop_date || h('span', { class: 'muted' }, '—')),
      h('td', {}, medicineState(m)))))));
}

// The pain diary: one NRS a day (POST /patients/{id}/diary).
function diaryForm(ctx, p, refresh) {
  const summary = errorSummary();
  const status = h('p', { class: 'flash', role: 'status', 'data-testid': 'diary-status', hidden: true });
  const nrsField = field({ label: 'Pain now (NRS)', name: 'nrs', idSuffix: '-diary', type: 'number', inputmode: 'numeric',
    required: true, narrow: true, hint: '0 (none) to 10 (worst)' });
  const nrsInput = nrsField.querySelector('input');
  Object.assign(nrsInput, { min: '0', max: '10', step: '1' });
  const form = h('form', { class: 'diary-form', novalidate: true, 'data-testid': 'diary-form', 'aria-labelledby': 'diary-heading' },
    h('h3', { id: 'diary-heading' }, 'Add diary entry'),
    summary,
    h('div', { class: 'grid' },
      field({ label: 'Date', name: 'entry_date', idSuffix: '-diary', value: todayText(), required: true, narrow: true,
        hint: 'YYYY-MM-DD', placeholder: 'YYYY-MM-DD', inputmode: 'numeric', maxlength: 10 }),
      nrsField,
      field({ label: 'Note', name: 'note', idSuffix: '-diary', maxlength: 500, hint: 'Optional' })),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'save-diary' }, 'Add diary entry')),
    status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    status.hidden = true;
    const text = nrsInput.value.trim();
    const body = { entry_date: valueOf(form, 'entry_date') };
    if (nrsInput.validity.badInput) body.nrs = 'not a number';
    else if (text !== '') body.nrs = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    if (valueOf(form, 'note')) body.note = valueOf(form, 'note');
    await busy(form, async () => {
      try {
        await post(`/api/v1/patients/${p.id}/diary`, body);
      } catch (e) {
        if (!ctx.isCurrent()) return;
        showProblem(form, summary, e);
        return;
      }
      await refresh();
      if (!ctx.isCurrent()) return;
      status.textContent = `Diary entry added: ${body.entry_date}, NRS ${body.nrs}.`;
      status.hidden = false;
      nrsInput.value = '';
      form.elements.note.value = '';
    });
  });
  return form;
}
