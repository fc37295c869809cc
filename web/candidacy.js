// Candidacy on the patient page: for each biologic the findings of the clinic's rules, grouped
// blocks / caution / note, each with its reason, how sure its source is and the records it came
// from (with their dates); missing data shows as a finding of its own. Never a verdict: the
// clinician records a decision (candidate, not a candidate, defer) with a rationale, and the
// decision keeps the findings it was made on.

import { get, post, latestOnly } from './api.js';
import { h, add, fill, tag, classLabel } from './dom.js';
import { field, radioGroup, errorSummary, showProblem, clearErrors, valueOf, busy, problemBox,
  voidForm } from './form.js';

const LEVELS = [
  ['blocks', 'Blocks', 'A reason not to go ahead with this biologic'],
  ['caution', 'Caution', 'Go ahead only with care, or after it is dealt with'],
  ['note', 'Note', 'Worth knowing; not a reason to refuse'],
];
const CERTAINTY = {
  confirmed: ['confirmed', 'Read in a primary source'],
  secondary: ['secondary source', 'Read only in a secondary source (a review or a vendor\'s list)'],
  unconfirmed: ['unconfirmed', 'Common practice or a synthesis of trials; not a published rule'],
};
const DECISIONS = [['candidate', 'Candidate'], ['not_candidate', 'Not a candidate'], ['defer', 'Defer']];
const decisionLabel = (d) => (DECISIONS.find(([v]) => v === d) || [d, d])[1];

function recordText(r) {
  const value = r.value === undefined || r.value === null ? ''
    : typeof r.value === 'number' ? ` ${Math.round(r.value * 100) / 100}${r.unit ? ` ${r.unit}` : ''}`
      : ` ${r.item ? `${r.item.replace(/_/g, ' ')}: ` : ''}${r.value}`;
  return `${r.label || r.kind}${value}${r.date ? ` (${r.date})` : ''}`;
}

function findingItem(f) {
  return h('li', { class: ['finding', `finding-${f.level}`], 'data-testid': 'finding', 'data-rule': f.rule,
    'data-level': f.level },
    h('p', { class: 'finding-reason' },
      f.missing ? tag('missing data', 'unknown') : null, ' ', f.reason),
    f.records.length
      ? h('p', { class: 'finding-records small' }, f.missing ? 'Last on record: ' : 'From: ',
        f.records.map((r) => recordText(r)).join('; '))
      : null,
    h('details', { class: 'finding-source small muted' },
      h('summary', {}, tag((CERTAINTY[f.certainty] || [f.certainty])[0], 'certainty'), ' Source'),
      h('p', {}, `${(CERTAINTY[f.certainty] || [null, ''])[1]}. ${f.source}`)));
}

function countsText(b) {
  const part = (n, one, many) => (n ? `${n} ${n === 1 ? one : many}` : null);
  const parts = [part(b.blocks, 'block', 'blocks'), part(b.cautions, 'caution', 'cautions'),
    part(b.notes, 'note', 'notes')].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'No finding from the rules';
}

function biologicBlock(b, decisions) {
  const latest = decisions.filter((d) => d.biologic === b.biologic && d.status !== 'voided').at(-1);
  const groups = LEVELS.map(([level, title, hint]) => {
    const items = b.findings.filter((f) => f.level === level);
    if (!items.length) return null;
    return h('div', { class: 'finding-group' },
      h('h4', {}, title, h('span', { class: 'hint inline-hint' }, ` — ${hint}`)),
      h('ul', { class: 'findings' }, items.map(findingItem)));
  });
  return h('article', { class: 'biologic', 'data-testid': 'candidacy-biologic', 'data-biologic': b.biologic },
    h('h3', {}, b.label,
      b.investigational ? tag('investigational', 'flag', { title: b.regulatory_class }) : null),
    h('p', { class: 'sub' }, classLabel(b.regulatory_class)),
    h('p', { class: ['counts', b.blocks ? 'has-blocks' : null], 'data-testid': 'candidacy-counts' }, countsText(b)),
    groups,
    latest
      ? h('p', { class: 'decision', 'data-testid': 'candidacy-decision' },
        h('strong', {}, `Decision: ${decisionLabel(latest.decision)}`),
        ` on ${latest.created_at.slice(0, 10)} — ${latest.rationale}`)
      : h('p', { class: 'muted small', 'data-testid': 'no-decision' }, 'No decision recorded.'));
}

function decisionList(items, canDecide, changed) {
  if (!items.length) return null;
  const rows = items.map((d) => {
    const voided = d.status === 'voided';
    const li = h('li', { class: voided ? 'struck' : null, 'data-testid': 'decision-row' },
      h('span', { class: 'mono' }, d.created_at.slice(0, 10)), ' ',
      h('strong', {}, `${d.biologic.replace(/_/g, ' ')}: ${decisionLabel(d.decision)}`), ' — ', d.rationale,
      d.findings ? h('span', { class: 'sub' },
        ` (made on: ${countsText(d.findings).toLowerCase()})`) : null,
      voided ? h('span', { class: 'note void-note' }, `Voided${d.void_reason ? `: ${d.void_reason}` : ''}`) : null);
    if (canDecide && !voided) {
      const btn = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'data-testid': 'void-decision' }, 'Void…');
      btn.addEventListener('click', () => {
        btn.hidden = true;
        const form = voidForm({ testid: 'void-decision-form', confirmTestid: 'confirm-void-decision',
          label: 'Why is this decision void?', idSuffix: `-dec-${d.id}`, path: `/api/v1/candidacy-decisions/${d.id}/void`,
          version: d.version, what: 'decision', done: () => changed('Decision voided.'),
          close: () => { form.remove(); btn.hidden = false; } });
        li.append(form);
        form.querySelector('textarea, input').focus();
      });
      li.append(' ', btn);
    }
    return li;
  });
  return h('details', { class: 'decisions' }, h('summary', {}, `All decisions (${items.length})`),
    h('ul', { class: 'plain-list' }, rows));
}

function decideForm(p, biologics, onSaved, close) {
  const summary = errorSummary();
  const form = h('form', { class: 'inline-form', novalidate: true, 'data-testid': 'decide-form' },
    summary,
    field({ label: 'Biologic', name: 'biologic', idSuffix: '-dec', required: true,
      choices: [['', 'Choose…'], ...biologics.map((b) => [b.biologic, b.label])] }),
    radioGroup({ legend: 'Decision', name: 'decision', idSuffix: '-dec', required: true, options: DECISIONS }),
    field({ label: 'Rationale', name: 'rationale', idSuffix: '-dec', type: 'textarea', required: true, wide: true,
      maxlength: 2000, hint: 'In your words, with the findings you weighed. The findings as they stand now are kept with it.' }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn', 'data-testid': 'save-decision' }, 'Record decision'),
      h('button', { type: 'button', class: 'btn btn-quiet', on: { click: close } }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    const checked = form.querySelector('input[name="decision"]:checked');
    await busy(form, async () => {
      try {
        await post(`/api/v1/patients/${p.id}/candidacy-decisions`, {
          biologic: valueOf(form, 'biologic') || null, decision: checked ? checked.value : null,
          rationale: valueOf(form, 'rationale') || null,
        });
      } catch (e) {
        showProblem(form, summary, e);
        return;
      }
      await onSaved();
    });
  });
  return form;
}

// The section and its start(); canDecide: a clinician on a patient who is not archived.
export function candidacySection(ctx, p, { canDecide }) {
  const body = h('div', { 'data-testid': 'candidacy-body' }, h('p', { class: 'muted' }, 'Loading…'));
  const status = h('p', { class: 'flash', role: 'status', tabindex: '-1', 'data-testid': 'candidacy-status', hidden: true });
  const open = h('button', { type: 'button', class: 'btn', 'data-testid': 'open-decide', 'aria-expanded': 'false' },
    'Record a decision…');
  const section = h('section', { class: 'card candidacy', 'aria-labelledby': 'cand-heading', 'data-testid': 'candidacy' },
    h('h2', { id: 'cand-heading' }, 'Candidacy'),
    h('p', { class: 'hint section-hint' },
      'What the clinic\'s rules find in this record for each biologic, and why. Not a verdict: the evidence for these '
      + 'treatments is thin, and the decision is the clinician\'s. Fill the pre-procedure screening (an assessment) to '
      + 'answer the questions the rules ask.'),
    status, body);
  let biologics = [];
  const latest = latestOnly(ctx);

  async function refresh() {
    const isLatest = latest();
    try {
      const [c, d] = await Promise.all([get(`/api/v1/patients/${p.id}/candidacy`),
        get(`/api/v1/patients/${p.id}/candidacy-decisions`)]);
      if (!isLatest()) return;
      biologics = c.body.biologics;
      fill(body,
        h('p', { class: 'small muted' }, `Evaluated on ${c.body.evaluated_on}. ${c.body.source}`),
        h('div', { class: 'biologics' }, biologics.map((b) => biologicBlock(b, d.body.items))),
        decisionList(d.body.items, canDecide, changed));
    } catch (e) {
      if (!isLatest()) return;
      fill(body, problemBox(e));
    }
  }
  async function changed(text) {
    await refresh();
    if (!ctx.isCurrent()) return;
    status.textContent = text;
    status.hidden = false;
    status.focus();
  }
  open.addEventListener('click', () => {
    open.hidden = true;
    open.setAttribute('aria-expanded', 'true');
    status.hidden = true;
    const form = decideForm(p, biologics, async () => {
      form.remove();
      open.hidden = false;
      open.setAttribute('aria-expanded', 'false');
      await changed('Decision recorded, with the findings as they stand today.');
    }, () => { form.remove(); open.hidden = false; open.setAttribute('aria-expanded', 'false'); open.focus(); });
    section.append(form);
    form.querySelector('select').focus();
  });
  async function start() {
    await refresh();
    if (ctx.isCurrent() && canDecide) add(section, open);
  }
  return { section, start, refresh };
}
