// The Summary tab of the chart: the latest pain score and how the last four weeks compare with
// the four before, the latest score of each instrument against its cut-off, the abnormal
// results among the latest of each test, the current medicines, what is due next in the
// treatment plans, and the demographics. Each card needs its role's permission; the details are
// on the other tabs.
//
// Wording: numbers are reported, never linked to a treatment as its effect.

import { get } from './api.js';
import { h, add, fill, link, tag, ageFrom, todayText, SEX_LABELS } from './dom.js';
import { problemBox } from './form.js';
import { num, dayOf } from './plot.js';
import { resultText, whereText, judgement, bleedingTag, medicineState, doseText, drugClassLabel } from './records.js';
import { stepName, isOpenStep } from './procedures.js';
import { ENDED } from './steps.js';

const card = (testid, title, ...body) => h('section', { class: 'card summary-card', 'data-testid': testid },
  h('h2', {}, title), ...body);
const empty = (text) => h('p', { class: 'empty-inline' }, text);

export async function summaryTab(ctx, p, root) {
  const { session } = ctx;
  const clinical = session.can('clinical.read');
  const grid = h('div', { class: 'summary-grid' });
  add(root, grid);
  let t = null;
  let plans = [];
  try {
    [t, plans] = await Promise.all([
      clinical ? get(`/api/v1/patients/${p.id}/timeline`).then((r) => r.body).catch((e) => (e.status === 404 ? null : Promise.reject(e))) : null,
      session.can('plan.read') ? get(`/api/v1/patients/${p.id}/plans`).then((r) => r.body.items) : [],
    ]);
  } catch (e) {
    if (!ctx.isCurrent()) return;
    add(grid, problemBox(e));
  }
  if (!ctx.isCurrent()) return;
  const base = `/patients/${p.id}`;
  if (clinical && t) {
    add(grid, painCard(t.nrs || [], base), scoresCard(t.instruments || [], base),
      abnormalCard(t.observations || [], base), medicinesCard(t.medications || [], base));
  }
  if (session.can('plan.read')) add(grid, dueCard(plans, base));
  add(root, demographics(p));
}

// Mean of the scores from day `from` (inclusive) to day `to` (exclusive).
function meanBetween(nrs, from, to) {
  const vals = nrs.filter((e) => dayOf(e.date) >= from && dayOf(e.date) < to).map((e) => Number(e.value));
  return vals.length ? { mean: vals.reduce((a, b) => a + b, 0) / vals.length, n: vals.length } : null;
}

function painCard(nrs, base) {
  if (!nrs.length) return card('summary-pain', 'Pain', empty('No pain score is recorded yet.'));
  const sorted = nrs.slice().sort((a, b) => a.date.localeCompare(b.date));
  const last = sorted[sorted.length - 1];
  const today = dayOf(todayText());
  const recent = meanBetween(sorted, today - 27, today + 1);
  const before = meanBetween(sorted, today - 55, today - 27);
  let trend = 'No score in the last four weeks.';
  if (recent && before) {
    const d = recent.mean - before.mean;
    trend = `Last four weeks: mean ${num(recent.mean.toFixed(1))} (${recent.n}); the four weeks before: `
      + `${num(before.mean.toFixed(1))} (${before.n}); ${Math.abs(d) < 0.05 ? 'the same' : `${num(Math.abs(d).toFixed(1))} ${d < 0 ? 'lower' : 'higher'}`}.`;
  } else if (recent) {
    trend = `Last four weeks: mean ${num(recent.mean.toFixed(1))} (${recent.n}); no score in the four weeks before.`;
  }
  return card('summary-pain', 'Pain',
    h('p', { class: 'summary-big' }, h('span', { class: 'score-big', 'data-testid': 'summary-latest-nrs' }, `NRS ${num(last.value)}`),
      h('span', { class: 'muted' }, ` on ${last.date}, ${last.source === 'diary' ? 'pain diary' : 'clinic'}`)),
    h('p', { 'data-testid': 'summary-trend' }, trend),
    h('p', { class: 'small' }, link(`${base}/timeline`, 'See the timeline')));
}

function scoresCard(series, base) {
  const rows = series.filter((sr) => (sr.points || []).length).map((sr) => {
    const x = sr.points[sr.points.length - 1];
    const c = sr.cutoff;
    if (sr.scales) {
      return h('li', { 'data-instrument': sr.instrument }, h('strong', {}, sr.title), ` on ${x.date}: `,
        `${sr.scales.filter((sc) => x.scales && typeof x.scales[sc.id] === 'number').length} of ${sr.scales.length} scales scored`);
    }
    return h('li', { 'data-testid': 'summary-score', 'data-instrument': sr.instrument },
      h('strong', {}, sr.title), ` on ${x.date}: `,
      h('span', { class: 'score' }, `${num(x.total)}${Number.isFinite(sr.max) ? ` / ${num(sr.max)}` : ''}`), ' ',
      c && x.met === true ? tag(`${c.label} (\u2265 ${num(c.at_least)})`, 'met', { 'data-testid': 'cutoff-met' }) : null,
      c && x.met === false ? tag(`below the ${c.label} cut-off (\u2265 ${num(c.at_least)})`, 'notmet', { 'data-testid': 'cutoff-not-met' }) : null,
      x.band ? [' ', tag(x.band, 'band')] : null);
  });
  return card('summary-scores', 'Latest scores',
    rows.length ? h('ul', { class: 'summary-list' }, rows) : empty('No instrument score is recorded yet.'),
    h('p', { class: 'small' }, link(`${base}/workup`, 'All tests and scores')));
}

// The latest result of each test (per side and site), those that are abnormal.
function abnormalCard(observations, base) {
  const latest = new Map();
  for (const o of observations) {
    const key = `${o.kind}|${o.side || ''}|${o.site || ''}`;
    const had = latest.get(key);
    if (!had || (o.date || '') >= (had.date || '')) latest.set(key, o);
  }
  const bad = [...latest.values()].filter((o) => o.abnormal === true).sort((a, b) => (b.date || '').localeCompare(a.date || ''));
  return card('summary-abnormal', 'Abnormal results',
    bad.length ? h('ul', { class: 'summary-list' }, bad.map((o) => h('li', { 'data-testid': 'summary-abnormal-result', 'data-kind': o.kind },
      h('strong', {}, o.label || o.kind), whereText(o) ? ` (${whereText(o)})` : '', `: ${resultText(o)} on ${o.date} `,
      judgement(o))))
      : empty(latest.size ? `None: the latest of each of ${latest.size} ${latest.size === 1 ? 'test' : 'tests'} is not abnormal.`
        : 'No test result is recorded yet.'),
    h('p', { class: 'small' }, link(`${base}/workup`, 'All test results')));
}

function medicinesCard(meds, base) {
  const today = todayText();
  const current = meds.filter((m) => medicineState(m, today) !== 'stopped');
  return card('summary-medicines', 'Current medicines',
    current.length ? h('ul', { class: 'summary-list' }, current.map((m) => h('li', { 'data-testid': 'summary-medicine', 'data-drug': m.drug },
      h('strong', {}, m.label || m.drug), ` (${drugClassLabel(m.drug_class)})`,
      [doseText(m), m.frequency].filter(Boolean).length ? `: ${[doseText(m), m.frequency].filter(Boolean).join(', ')}` : '',
      m.stop_date ? ` — stop planned ${m.stop_date}` : '', ' ', bleedingTag(m))))
      : empty('No current medicine is recorded.'),
    h('p', { class: 'small' }, link(`${base}/workup`, 'All medicines')));
}

// The next open steps of the plans under way, soonest first.
function dueCard(plans, base) {
  const open = [];
  for (const pl of plans.filter((x) => !ENDED.has(x.status))) {
    for (const s of pl.steps || []) {
      if (isOpenStep(s) && !s.optional) open.push({ pl, s });
    }
  }
  open.sort((a, b) => (a.s.due_date || '').localeCompare(b.s.due_date || ''));
  const shown = open.slice(0, 5);
  return card('summary-due', 'Due next',
    shown.length ? h('ul', { class: 'summary-list' }, shown.map(({ pl, s }) => h('li', { 'data-testid': 'summary-due-step', 'data-kind': s.kind },
      h('strong', {}, stepName(s, pl.steps)), ` due ${s.due_date} (window ${s.window_from} – ${s.window_to})`,
      s.status === 'overdue' ? [' ', tag('overdue', 'step-overdue')] : null,
      pl.status === 'proposed' ? h('span', { class: 'muted' }, ' — plan proposed, not yet accepted') : null)))
      : empty(plans.length ? 'Nothing is due: no open step in a plan under way.' : 'No treatment plan yet.'),
    open.length > shown.length ? h('p', { class: 'small' }, `${open.length - shown.length} more open steps.`) : null,
    h('p', { class: 'small' }, link(`${base}/treatment`, 'See the treatment plans')));
}

export function demographics(p) {
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

