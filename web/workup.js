// The Work-up tab of the chart: "Tests and scores" (the patient's scored instruments, the void
// correction, and a form drawn from the instrument's definition, opened on demand and closed on
// save with the result shown and its row highlighted), then the test results and medicines
// (records.js). Only roles with clinical.read see it; the forms need clinical.write. The
// instrument helpers are shared with the timeline (timeline.js).
//
// Wording: scores and cut-offs are reported as the instruments define them. Nothing on screen
// says that a treatment works; medications are listed, not linked to scores.

import { get, post } from './api.js';
import { h, add, fill, tag, todayText, roleLabel, stacked, highlight } from './dom.js';
import { field, errorSummary, showProblem, clearErrors, valueOf, busy, problemBox, voidForm } from './form.js';
import { num } from './plot.js';
import { observationsSection, medicinesSection } from './records.js';
import { toggleBelow } from './inline.js';

// Short names for headings and the score line; any other instrument shows its title.
export const SHORT = {
  dn4: 'DN4', 'dn4-interview': 'DN4-interview', 'mnsi-history': 'MNSI history',
  'mnsi-exam': 'MNSI exam', nrs: 'Pain NRS', pgic: 'PGIC', tcns: 'TCNS', 'rand-36': 'RAND-36',
};
export const shortName = (id, title) => SHORT[id] || title || id;

// How to read the scales of an instrument scored as several scales and no total (the timeline
// and the saved result say it beside the values).
export const SCALE_READING = { 'rand-36': '0 to 100; higher is better (a more favourable health state)' };

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
export async function definitionsFor(ids) {
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
export function scoreLabel(def, id) {
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
// No total, but numeric scores (RAND-36's eight scales): those are the result. Profile scores
// carry no max, and PGIC has no score at all.
const hasScales = (sc) => !hasTotal(sc) && Object.values((sc && sc.subscores) || {}).some((x) => x.max !== undefined);

// Each scale's value, or "no score" when too few of its items were answered.
function scaleList(sc) {
  return h('dl', { class: 'scale-list', 'data-testid': 'scale-values' },
    Object.entries(sc.subscores || {}).map(([id, x]) => [
      h('dt', {}, x.label),
      h('dd', { 'data-scale': id, class: x.value === null ? 'muted' : null },
        x.value === null ? 'no score' : `${num(x.value)} / ${num(x.max)}`)]));
}
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

// onChange: called after each change of the work-up (the banner reads it).
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
  const result = h('div', { class: 'result-box', role: 'status', tabindex: '-1', 'data-testid': 'saved-result', hidden: true });
  const tools = h('div', { class: 'card-tools' });
  const tests = h('section', { class: 'card workup', 'aria-labelledby': 'wu-heading', 'data-testid': 'workup' },
    h('h2', { id: 'wu-heading' }, 'Tests and scores'), listStatus, result, listBox, tools);
  // After a void the row's button is gone: the message takes focus so that keyboard users keep
  // their place and screen readers hear what happened.
  async function afterVoid(text) {
    await refreshAll();
    if (!ctx.isCurrent()) return;
    result.hidden = true;
    listStatus.textContent = text;
    listStatus.hidden = false;
    listStatus.focus();
  }
  const observations = observationsSection(ctx, p, { canWrite, onChange });
  const medicines = medicinesSection(ctx, p, { canWrite, onChange });
  add(root, tests, observations.section, medicines.section);

  let listSeq = 0;
  async function refreshList(fresh = null) {
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
      if (fresh) highlight(listBox, fresh);
    } catch (e) {
      if (!ctx.isCurrent() || mine !== listSeq) return;
      fill(listBox, problemBox(e));
    }
  }

  async function refreshAll(fresh = null) {
    await Promise.all([refreshList(fresh), onChange()]);
  }

  const [list] = await Promise.all([canWrite ? instrumentList().catch((e) => e) : null,
    refreshList(), observations.start(), medicines.start()]);
  if (!ctx.isCurrent()) return;
  if (canWrite && list instanceof Error) {
    add(tools, problemBox(list));
  } else if (canWrite) {
    const open = h('button', { type: 'button', class: 'btn', 'aria-expanded': 'false', 'data-testid': 'open-record-instrument' },
      'Record an instrument…');
    open.addEventListener('click', () => {
      listStatus.hidden = true;
      result.hidden = true;
      toggleBelow(tools, open, (close) => recordSection(ctx, p, list, close, async (saved, def) => {
        close();
        showResult(result, saved, def, list.find((i) => i.id === saved.instrument));
        await refreshAll(saved.id);
        if (ctx.isCurrent()) result.focus();
      }));
    });
    add(tools, open);
  } else if (p.archived) add(tests, h('p', { class: 'muted' }, 'Archived patients cannot have new tests recorded.'));
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
    const chosen = hasTotal(sc) || hasScales(sc) ? [] : chosenLabels(a, def);
    const tags = resultTags(sc, def);
    const tr = h('tr', { 'data-testid': 'assessment-row', 'data-instrument': a.instrument, 'data-status': a.status, 'data-id': a.id,
      class: voided ? 'struck' : null },
      h('td', { class: 'mono' }, whenText(a.performed_at)),
      h('td', {},
        h('span', { class: 'instrument-name' }, shortName(a.instrument, title)),
        SHORT[a.instrument] ? h('span', { class: 'sub' }, title) : null,
        voided ? h('span', { class: 'note void-note', 'data-testid': 'void-reason' },
          `Voided${a.void_reason ? `: ${a.void_reason}` : ''}`) : null),
      h('td', { class: 'score-cell', 'data-testid': 'assessment-score' },
        hasTotal(sc) ? h('span', { class: 'score' }, scoreText(sc))
          : hasScales(sc) ? scaleList(sc)
            : chosen.length ? h('span', { class: 'score-label' }, chosen.join(', ')) : null,
        sc.variant ? h('span', { class: 'sub' }, variantText(sc)) : null),
      // Empty when there is nothing to say (RAND-36's scales are in the score cell), so that a
      // phone's stacked row shows no bare "Result" label.
      h('td', { 'data-testid': 'assessment-result' },
        tags.length ? h('span', { class: 'tags' }, tags) : null,
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

// The panel that records an instrument: a picker, then the instrument's form; onSaved(saved,
// def) after the server scored it. close: closes the panel.
function recordSection(ctx, p, list, close, onSaved) {
  const picker = field({ label: 'Instrument', name: 'instrument', idSuffix: '-pick', wide: true,
    hint: 'The form below is drawn from the instrument\u2019s definition on the server.',
    choices: [['', 'Choose an instrument…'], ...list.map((i) => [i.id, i.title])] });
  const select = picker.querySelector('select');
  select.setAttribute('data-testid', 'instrument-select');
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
        forms.set(id, instrumentForm(def, p, (saved) => onSaved(saved, def), close));
      }
    }
    if (wanted === id) fill(formBox, forms.get(id));
  }
  select.addEventListener('change', () => { show(select.value); });
  return h('div', { class: 'record', 'data-testid': 'record-instrument' },
    h('h3', { id: 'record-heading' }, 'Record an instrument'),
    h('div', { class: 'grid' }, picker),
    formBox,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn-quiet', 'data-testid': 'close-record-instrument',
      on: { click: () => close() } }, 'Cancel')));
}

function showResult(box, a, def, summary) {
  const sc = a.score || {};
  const name = shortName(a.instrument, summary ? summary.title : a.instrument);
  const chosen = hasTotal(sc) || hasScales(sc) ? [] : chosenLabels(a, def);
  const scales = hasScales(sc);
  const interp = interpretationText(sc);
  fill(box,
    h('p', { class: 'result-head' },
      h('span', { class: 'instrument-name' }, name), ' ',
      hasTotal(sc) ? h('span', { class: 'score-big', 'data-testid': 'saved-score' }, scoreText(sc)) : null,
      chosen.length ? h('span', { class: 'score-big', 'data-testid': 'saved-score' }, chosen.join(', ')) : null,
      sc.variant ? h('span', { class: 'variant', 'data-testid': 'saved-variant' }, ` (${variantText(sc)})`) : null,
      ' ', resultTags(sc, def)),
    interp ? h('p', { class: 'result-interp', 'data-testid': 'saved-interpretation' }, interp) : null,
    scales ? [
      SCALE_READING[a.instrument] ? h('p', { class: 'result-detail' }, `Scales ${SCALE_READING[a.instrument]}.`) : null,
      scaleList(sc)]
      : scoreDetails(sc, def).map((line) => h('p', { class: 'result-detail' }, line)),
    h('p', { class: 'muted small' }, `Saved; performed ${whenText(a.performed_at)}. Its row is marked in the list below.`));
  box.hidden = false;
}

// A radio group for a choice item: a fieldset whose data-path is the API's error path.
// opts: {noneLabel: the skip option of an optional item ("Not done", "Not answered"), marked:
// whether "(optional)" is shown, counts: what the item counts towards (a hint), or null}.
function choiceItem(item, path, opts = {}) {
  const errorId = `${path}-error`;
  const hintId = `${path}-hint`;
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
      h('span', {}, opts.noneLabel || 'Not done')));
  }
  return h('fieldset', { class: ['field', 'choice-item', item.answers.length > 5 && 'choice-long'], 'data-path': path,
    id: path, tabindex: '-1', 'aria-describedby': opts.counts ? `${hintId} ${errorId}` : errorId,
    'data-testid': `item-${item.id}` },
    h('legend', {}, item.text,
      optional && opts.marked !== false ? h('span', { class: 'opt' }, ' (optional)') : null,
      item.scored === false ? h('span', { class: 'opt' }, ' (not scored)') : null),
    opts.counts ? h('p', { class: 'hint counts', id: hintId, 'data-testid': 'item-counts' }, opts.counts) : null,
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

// "Counts towards: Pain" (what skipping an optional item affects), from the form's item.scores.
function countsText(item, labels) {
  const names = (item.scores || []).map((id) => labels.get(id) || id);
  return names.length ? `Counts towards: ${names.join('; ')}` : 'Counts towards no score';
}

// Whether an item has an answer now (root: an element holding its control).
function answered(root, item) {
  const name = CSS.escape(`answers.${item.id}`);
  if (item.type === 'integer') {
    const input = root.querySelector(`input[name="${name}"]`);
    return !!input && input.value.trim() !== '';
  }
  const checked = root.querySelector(`input[name="${name}"]:checked`);
  return !!checked && checked.value !== '';
}

// "question 4", "questions 4 and 9", "questions 4, 9 and 12".
function questionList(numbers) {
  if (numbers.length === 1) return `question ${numbers[0]}`;
  return `questions ${numbers.slice(0, -1).join(', ')} and ${numbers[numbers.length - 1]}`;
}

// A long questionnaire (RAND-36: 36 items in 8 printed groups) one group at a time: numbered
// parts to jump between, Back and Next, and on the last part what the skipped questions leave
// out of each score, then the save button. A control in a hidden part that is asked to take
// focus (an error link) fires "reveal" (form.js), and its part is shown.
function stepper(form, groups, render, saveButton, def, labels) {
  const items = def.form || [];
  const n = groups.length;
  const rangeOf = (g) => {
    const first = g.items[0].index + 1;
    const last = g.items[g.items.length - 1].index + 1;
    return first === last ? `question ${first}` : `questions ${first}\u2013${last}`;
  };
  const chips = groups.map((g, i) => h('button', { type: 'button', class: 'part-chip', 'data-testid': 'step-chip',
    'aria-label': `Part ${i + 1} of ${n}: ${rangeOf(g)}`, on: { click: () => go(i, true) } }, String(i + 1)));
  const status = h('p', { class: 'part-status', 'aria-live': 'polite', 'data-testid': 'step-status' });
  const skipped = h('div', { class: 'skip-summary', 'data-testid': 'skip-summary' });
  const steps = groups.map((g, i) => h('div', { class: 'part', 'data-testid': 'step', 'data-step': i + 1, hidden: i > 0 },
    h('h5', { class: 'part-title', tabindex: '-1' }, `Part ${i + 1} of ${n}: ${rangeOf(g)}`),
    render(g),
    i === n - 1 ? skipped : null));
  const back = h('button', { type: 'button', class: 'btn', 'data-testid': 'step-back', on: { click: () => go(current - 1, true) } },
    '\u2190 Back');
  const next = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'step-next',
    on: { click: () => go(current + 1, true) } }, 'Next \u2192');
  let current = 0;
  let box = null;

  function update() {
    const count = items.filter((it) => answered(box, it)).length;
    status.textContent = `${count} of ${items.length} questions answered.`;
    groups.forEach((g, i) => {
      chips[i].classList.toggle('complete', g.items.every((x) => answered(box, x.item)));
      if (i === current) chips[i].setAttribute('aria-current', 'step');
      else chips[i].removeAttribute('aria-current');
    });
    // What the skipped questions leave out: each score with a skipped item, and those with none
    // answered (they will have no value).
    const lines = [];
    for (const [id, label] of labels) {
      const mine = items.map((it, k) => ({ it, k })).filter(({ it }) => (it.scores || []).includes(id));
      const missing = mine.filter(({ it }) => !answered(box, it)).map(({ k }) => k + 1);
      if (!missing.length) continue;
      lines.push(h('li', { 'data-scale': id }, h('strong', {}, label), ': ',
        missing.length === mine.length
          ? `none of its ${mine.length} ${mine.length === 1 ? 'question' : 'questions'} answered, so it will have no score`
          : `${mine.length - missing.length} of ${mine.length} answered, scored from those (skipped: ${questionList(missing)})`));
    }
    fill(skipped,
      h('h5', {}, 'Before saving'),
      h('p', {}, `${count} of ${items.length} questions answered.`),
      lines.length ? h('ul', {}, lines) : h('p', {}, 'Every score has all of its questions answered.'));
  }

  function go(i, focus) {
    if (i < 0 || i >= n) return;
    current = i;
    steps.forEach((st, k) => { st.hidden = k !== i; });
    back.hidden = i === 0;
    next.hidden = i === n - 1;
    saveButton.hidden = i !== n - 1;
    update();
    if (focus) steps[i].querySelector('.part-title').focus();
  }

  form.addEventListener('change', update);
  form.addEventListener('reveal', (ev) => {
    const i = steps.findIndex((st) => st.contains(ev.target));
    if (i >= 0 && i !== current) go(i, false);
  });
  box = h('div', { class: 'stepper', 'data-testid': 'stepper' },
    h('nav', { class: 'part-nav', 'aria-label': 'Parts of the questionnaire' },
      h('ol', { class: 'part-list' }, chips.map((c) => h('li', {}, c)))),
    status,
    steps,
    h('div', { class: 'actions part-buttons' }, back, next, saveButton));
  go(0, false);
  return box;
}

function instrumentForm(def, p, onSaved, close) {
  const summary = errorSummary();
  const dn = def.definition || {};
  const items = def.form || [];
  const allOptional = items.every((i) => !i.required);
  const anyOptional = items.some((i) => !i.required);
  // The numeric scores by id, for what an optional item counts towards.
  const labels = new Map((dn.scores || []).filter((x) => x.method !== 'profile').map((x) => [x.id, x.label]));
  // Groups as printed: a section's items under its stem, items without one on their own.
  const groups = [];
  items.forEach((item, index) => {
    const path = `answers.${item.id}`;
    const control = item.type === 'integer' ? integerItem(item, path) : choiceItem(item, path, {
      noneLabel: dn.administration === 'patient' ? 'Not answered' : 'Not done',
      marked: !allOptional,
      counts: !item.required && labels.size ? countsText(item, labels) : null,
    });
    const last = groups[groups.length - 1];
    const section = item.section || null;
    if (last && last.section === section) last.items.push({ item, control, index });
    else groups.push({ section, items: [{ item, control, index }] });
  });
  const render = (g) => (g.section
    ? h('fieldset', { class: 'item-section' }, h('legend', {}, g.section),
      h('div', { class: 'item-grid' }, g.items.map((x) => x.control)))
    : g.items.map((x) => x.control));
  const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'save-assessment' }, 'Save and score');
  const stepped = items.length > 20 && groups.length > 2;
  const form = h('form', { class: 'instrument-form', novalidate: true, 'data-testid': 'instrument-form',
    'data-instrument': def.id, 'aria-labelledby': `form-title-${def.id}` },
    h('h4', { id: `form-title-${def.id}` }, def.title),
    dn.notes ? h('p', { class: 'hint' }, dn.notes) : null,
    allOptional ? h('p', { class: 'hint' }, 'Any question may be skipped: leave it at \u201cNot answered\u201d.')
      : anyOptional ? h('p', { class: 'hint' }, 'Every question needs an answer unless it is marked optional.') : null,
    summary,
    h('div', { class: 'grid' },
      field({ label: 'Date performed', name: 'performed_at', idSuffix: `-${def.id}`, value: todayText(), required: true,
        hint: 'YYYY-MM-DD', placeholder: 'YYYY-MM-DD', inputmode: 'numeric',
        maxlength: 20, narrow: true })),
    stepped ? null : [groups.map(render), h('div', { class: 'actions' }, save)],
    def.citation ? h('details', { class: 'source' }, h('summary', {}, 'Source and licence'),
      h('p', { class: 'small' }, def.citation),
      def.licence && def.licence.note ? h('p', { class: 'small muted' }, `Licence (${def.licence.status}): ${def.licence.note}`) : null)
      : null);
  if (stepped) form.querySelector('.grid').after(stepper(form, groups, render, save, def, labels));
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

