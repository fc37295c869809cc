// The Treatment tab of the chart: the candidacy card, the expected results for a patient like
// this (expected.js), the patient's treatment plans (made from a protocol, moved by rule with
// If-Match, their steps listed by steps.js; the consent to each plan), the procedures
// (procedures.js) and the adverse events (adverse-events.js). A serious adverse event shows in
// the patient banner (banner.js).
//
// What a role cannot do is not shown, and what it cannot read is not asked for: clinicians do
// everything; nurses read everything and record blood draws, processing and adverse events; the
// front desk sees plans and their steps' due dates (the API leaves the clinical fields out, and
// so do these screens); a researcher has no plan.read and sees nothing of it.

import { get, post, patch, cached, latestOnly } from './api.js';
import { h, add, fill, tag, todayText, roleLabel, classLabel } from './dom.js';
import { field, valueOf, problemBox, conflict } from './form.js';
import { procedureTable, procedureForm } from './procedures.js';
import { toggleBelow, openButton, smallForm, dateField } from './inline.js';
import { stepsView, addStepForm, ENDED, planStatusText } from './steps.js';
import { eventTable, eventForm, syncProcedureChoices } from './adverse-events.js';
import { candidacySection } from './candidacy.js';
import { expectedSection } from './expected.js';
import { appointmentsByStep, seriesTools } from './series.js';
import { appointmentTypes, typeForStep, typeLabel, whenText } from './appts.js';
import { openBooking } from './booking.js';

const protocolList = cached('/api/v1/protocols');
const biologicList = cached('/api/v1/biologics');
const consentDocuments = cached('/api/v1/consent-documents');

// ---- Labels -------------------------------------------------------------------------------------

// The moves a plan may make from each status (plan_moves in core/plan.c): the target, the
// button, and whether it asks first (a reason: required for stopping, optional otherwise).
const MOVES = {
  proposed: [{ to: 'accepted', text: 'Accept' }, { to: 'declined', text: 'Decline…', ask: true }],
  accepted: [{ to: 'in_progress', text: 'Start' }, { to: 'stopped', text: 'Stop…', ask: true, reason: true }],
  in_progress: [{ to: 'completed', text: 'Complete…', ask: true }, { to: 'stopped', text: 'Stop…', ask: true, reason: true }],
};
const MOVE_WORDS = { accepted: 'accepted', declined: 'declined', in_progress: 'started', completed: 'completed', stopped: 'stopped' };

// ---- The section --------------------------------------------------------------------------------

// Returns {section, start}: the section to place on the page and the function that loads it.
// onChange: called after each change (the banner follows).
export function treatmentSections(ctx, p, { onChange = async () => {} }) {
  const { session } = ctx;
  if (!session.can('plan.read')) {
    const section = h('section', { class: 'card', 'aria-labelledby': 'tx-heading', 'data-testid': 'no-treatment-access' },
      h('h2', { id: 'tx-heading' }, 'Treatment'),
      h('p', { class: 'muted' },
        `Your role (${roleLabel(session.me.role)}) does not include treatment plans; a clinician, nurse or the front desk can see them.`));
    return { section, start: async () => {}, refreshCandidacy: async () => {} };
  }
  const clinical = session.can('clinical.read');
  const canPlan = session.can('plan.write') && !p.archived;
  const canRecord = session.can('clinical.write') && !p.archived;
  const state = {
    plans: [], consents: [], procedures: [], events: [], conditions: [],
    protocols: [], biologics: [], documents: [], consented: new Set(), appointments: [],
  };
  // The plans' appointments (series.js): each step's, and the series tools, for roles that read them.
  const seesAppointments = session.can('appointment.read');

  // Candidacy, just above the plans: for clinicians and nurses; clinicians decide.
  const candidacy = clinical ? candidacySection(ctx, p, { canDecide: canPlan }) : null;
  // Beside it, what happened to past patients like this one: every role here (the front desk too).
  const expected = expectedSection(ctx, p);

  const planStatus = h('p', { class: 'flash', role: 'status', tabindex: '-1', 'data-testid': 'plans-status', hidden: true });
  const planList = h('div', { 'data-testid': 'plan-list' });
  const planTools = h('div', { class: 'card-tools' });
  const plansCard = h('section', { class: 'card plans', 'aria-labelledby': 'plans-heading', 'data-testid': 'plans' },
    h('h2', { id: 'plans-heading' }, 'Treatment plans'),
    h('p', { class: 'hint section-hint' }, clinical
      ? 'Each plan is made from a protocol for one diagnosis; its steps are scheduled from the start date.'
      : 'Plans and the dates their visits are due. Clinical details are for clinicians and nurses.'),
    planStatus, planList, planTools);

  const procStatus = h('p', { class: 'flash', role: 'status', tabindex: '-1', 'data-testid': 'procedures-status', hidden: true });
  const procList = h('div', { 'data-testid': 'procedure-list' });
  const procTools = h('div', { class: 'card-tools' });
  const procCard = h('section', { class: 'card records', 'aria-labelledby': 'proc-heading', 'data-testid': 'procedures' },
    h('h2', { id: 'proc-heading' }, 'Procedures'),
    h('p', { class: 'hint section-hint' },
      'Blood draws and harvests, their processing, and injections, newest first. A procedure is recorded under an '
      + 'accepted plan with a current consent.'),
    procStatus, procList, procTools);

  const aeStatus = h('p', { class: 'flash', role: 'status', tabindex: '-1', 'data-testid': 'ae-status', hidden: true });
  const aeList = h('div', { 'data-testid': 'ae-list' });
  const aeTools = h('div', { class: 'card-tools' });
  const aeCard = h('section', { class: 'card records', 'aria-labelledby': 'ae-heading', 'data-testid': 'adverse-events' },
    h('h2', { id: 'ae-heading' }, 'Adverse events'),
    h('p', { class: 'hint section-hint' }, 'CTCAE v5.0 grades; serious events (ICH E2A) are flagged and shown at the top of the page.'),
    aeStatus, aeList, aeTools);

  const section = h('div', { class: 'treatment', 'data-testid': 'treatment' },
    candidacy ? candidacy.section : null, expected.section, plansCard, clinical ? [procCard, aeCard] : null);

  // ---- Loading ----

  const patientPath = `/api/v1/patients/${p.id}`;
  const items = (path) => get(path).then((r) => r.body.items);
  const latest = latestOnly(ctx);
  async function refresh() {
    const isLatest = latest();
    let got;
    try {
      got = await Promise.all([
        items(`${patientPath}/plans`),
        clinical ? items(`${patientPath}/consents`) : [],
        clinical ? items(`${patientPath}/procedures`) : [],
        clinical ? items(`${patientPath}/adverse-events`) : [],
        session.can('condition.read') ? items(`${patientPath}/conditions`) : [],
        seesAppointments ? items(`/api/v1/appointments?patient_id=${p.id}`) : [],
      ]);
    } catch (e) {
      if (!isLatest()) return;
      fill(planList, problemBox(e));
      return;
    }
    if (!isLatest()) return;
    [state.plans, state.consents, state.procedures, state.events, state.conditions, state.appointments] = got;
    stepEnv.apptsByStep = seesAppointments ? appointmentsByStep(state.appointments) : null;
    state.consented = new Set(state.consents.filter((c) => c.current).map((c) => c.plan_id));
    render();
  }

  let procForm = null; // the open "Record a procedure" form: {form, sync}
  function render() {
    fill(planList, planListView());
    if (clinical) {
      fill(procList, procedureTable(state, { canVoid: canRecord, toggle: toggleBelow,
        changed: (text) => changed(text, procStatus) }));
      fill(aeList, eventTable(ctx, p, state.events, { procedures: state.procedures, canWrite: canRecord, toggle: toggleBelow,
        changed: (text) => changed(text, aeStatus) }));
      // An open "Record an adverse event" form offers the procedures as they are now.
      for (const f of aeTools.querySelectorAll('form.ae-form')) syncProcedureChoices(f, state.procedures);
    }
    if (procForm) procForm.sync();
  }

  // After a change: everything is read again, the timeline follows, the message takes focus.
  async function changed(text, status) {
    await Promise.all([refresh(), onChange()]);
    if (!ctx.isCurrent()) return;
    for (const s of [planStatus, procStatus, aeStatus]) s.hidden = true;
    status.textContent = text;
    status.hidden = false;
    status.focus();
  }

  async function start() {
    try {
      [state.protocols, state.biologics, state.documents, stepEnv.apptTypes] = await Promise.all([
        protocolList(), biologicList(), clinical ? consentDocuments() : [],
        seesAppointments && session.can('appointment.write') ? appointmentTypes() : null,
      ]);
    } catch (e) {
      if (!ctx.isCurrent()) return;
      fill(planList, problemBox(e));
      return;
    }
    await refresh();
    if (!ctx.isCurrent()) return;
    if (canPlan) {
      const open = h('button', { type: 'button', class: 'btn', 'aria-expanded': 'false', 'data-testid': 'new-plan' }, 'New plan…');
      open.addEventListener('click', async () => {
        // A diagnosis added on this page since it loaded is offered too.
        if (open.getAttribute('aria-expanded') !== 'true' && session.can('condition.read')) {
          state.conditions = await items(`${patientPath}/conditions`).catch(() => state.conditions);
          if (!ctx.isCurrent()) return;
        }
        toggleBelow(planTools, open, (close) => newPlanForm(close));
      });
      add(planTools, open);
    } else if (p.archived) {
      add(planTools, h('p', { class: 'muted' }, 'Archived patients cannot have plans made or changed.'));
    }
    if (canRecord) {
      openProc.addEventListener('click', () => (procClose ? procClose() : openProcedure(null)));
      openAe.addEventListener('click', () => toggleBelow(aeTools, openAe, (close) => eventForm(ctx, p, {
        procedures: state.procedures, close, onSaved: (saved) => changed(`Adverse event recorded: ${saved.term}.`, aeStatus) })));
      add(procTools, openProc);
      add(aeTools, openAe);
    }
  }

  // The procedure form opens below the Procedures card's button; a step's Record button opens it
  // (or brings the open one) to that plan, kind and step.
  const openProc = h('button', { type: 'button', class: 'btn', 'aria-expanded': 'false', 'data-testid': 'record-procedure' },
    'Record a procedure…');
  const openAe = h('button', { type: 'button', class: 'btn', 'aria-expanded': 'false', 'data-testid': 'record-ae' },
    'Record an adverse event…');
  let procClose = null;
  function openProcedure(preset) {
    if (procForm) {
      if (preset) procForm.sync(preset);
    } else {
      toggleBelow(procTools, openProc, (close) => {
        procClose = () => {
          procForm = null;
          procClose = null;
          close();
        };
        procForm = procedureForm(ctx, p, state, { preset: preset || {}, close: procClose,
          onSaved: async () => { await Promise.all([refresh(), onChange()]); } });
        return procForm.form;
      });
    }
    if (preset) {
      procForm.form.scrollIntoView({ block: 'start' });
      const first = procForm.form.querySelector('.kind-fields input, .kind-fields select, .kind-fields textarea');
      (first || procForm.form.querySelector('select')).focus();
    }
  }

  // What the step list (steps.js) needs of the section.
  const stepEnv = { ctx, session, state, canPlan, canRecord, openProcedure, changed: (text) => changed(text, planStatus),
    apptsByStep: null, apptTypes: null, bookStep: p.archived ? null : bookStep };

  // A step's Book…: the booking dialog with the patient, the step's type and the plan's biologic,
  // the free times from the start of its window.
  function bookStep(pl, s, name) {
    const type = typeForStep(stepEnv.apptTypes, s.kind);
    openBooking(session, { patient: p, type, biologic: pl.biologic, plan_step_id: s.id, from: s.window_from,
      step_text: `${name}, due ${s.due_date} (window ${s.window_from} – ${s.window_to})` },
    (appt) => changed(`Booked: ${typeLabel(stepEnv.apptTypes, appt.type)}, ${whenText(appt)}.`, planStatus));
  }

  // ---- Plans ----

  function planListView() {
    if (!state.plans.length) {
      return h('p', { class: 'empty-inline', 'data-testid': 'no-plans' }, 'No treatment plan yet.');
    }
    const order = (pl) => (ENDED.has(pl.status) ? 1 : 0);
    return state.plans.slice().sort((a, b) => order(a) - order(b) || (b.start_date || '').localeCompare(a.start_date || ''))
      .map(planView);
  }

  function planView(pl) {
    const protocol = state.protocols.find((x) => x.id === pl.protocol) || {};
    const biologic = state.biologics.find((b) => b.id === pl.biologic) || {};
    const title = protocol.title || pl.protocol;
    const ended = ENDED.has(pl.status);
    const consented = state.consented.has(pl.id);
    const problem = h('div', { 'data-testid': 'plan-problem' });
    const actions = h('div', { class: 'plan-actions' });
    const article = h('article', { class: ['plan', ended && 'ended'], 'data-testid': 'plan', 'data-status': pl.status,
      'data-protocol': pl.protocol, 'aria-labelledby': `plan-${pl.id}` },
      h('div', { class: 'plan-head' },
        h('h3', { id: `plan-${pl.id}` }, title),
        h('span', { class: 'tags' },
          tag(planStatusText(pl.status), `plan-${pl.status}`, { 'data-testid': 'plan-status' }),
          pl.investigational ? tag('investigational', 'investigational', { 'data-testid': 'investigational' }) : null,
          clinical && !ended ? (consented ? tag('consent current', 'normal', { 'data-testid': 'consent-tag' })
            : tag('no current consent', 'warn', { 'data-testid': 'consent-tag' })) : null)),
      h('dl', { class: 'facts plan-facts' }, planFacts(pl, biologic)),
      problem, actions);
    addPlanActions(pl, title, actions, problem);
    if (stepEnv.apptsByStep && !p.archived) article.append(seriesTools(pl, stepEnv.apptsByStep, stepEnv, ended));
    article.append(stepsView(pl, stepEnv));
    return article;
  }

  function planFacts(pl, biologic) {
    const item = (term, value, testid) => [h('dt', {}, term), h('dd', { 'data-testid': testid }, value)];
    const out = [
      item('Biologic', biologic.label || pl.biologic, 'plan-biologic'),
      item('Regulatory class', [classLabel(pl.regulatory_class),
        biologic.class_confirmed === false ? h('span', { class: 'sub' }, 'class not confirmed') : null,
        biologic.basis ? h('details', { class: 'basis' }, h('summary', {}, 'Basis'), h('p', { class: 'small' }, biologic.basis)) : null],
      'plan-class'),
      item('Start date', h('span', { class: 'mono' }, pl.start_date), 'plan-start'),
    ];
    // The clinical fields are absent for the front desk: no row at all, rather than an empty one.
    if ('condition_id' in pl) {
      const c = state.conditions.find((x) => x.id === pl.condition_id);
      out.push(item('Diagnosis', c ? `${c.icd10} ${c.description || ''}` : h('span', { class: 'muted' }, 'not shown'), 'plan-diagnosis'));
    }
    if ('study_reference' in pl) {
      out.push(item('Study reference', pl.study_reference
        || (pl.investigational ? h('span', { class: 'warn-text' }, 'None: needed before any procedure')
          : h('span', { class: 'muted' }, 'None')), 'plan-study'));
    }
    if (clinical) out.push(item('Consent', consentView(pl), 'plan-consent'));
    if (pl.notes) out.push(item('Notes', pl.notes, 'plan-notes'));
    if (pl.status_reason) out.push(item(`Why ${planStatusText(pl.status)}`, pl.status_reason, 'plan-reason'));
    return out;
  }

  function consentView(pl) {
    const mine = state.consents.filter((c) => c.plan_id === pl.id);
    if (!mine.length) return h('span', { class: 'muted' }, 'None recorded');
    return mine.slice().reverse().map((c) => {
      const doc = state.documents.find((d) => d.id === c.document && d.version === c.version);
      return h('div', { class: 'consent-line', 'data-testid': 'consent', 'data-current': String(c.current) },
        c.current ? tag('current', 'normal') : tag(c.status === 'withdrawn' ? 'withdrawn' : 'not current', 'stopped'), ' ',
        `${c.title || c.document}, version ${c.version}: signed ${c.signed_on}, witness ${c.witness}`,
        c.status === 'withdrawn'
          ? h('span', { class: 'sub' }, `Withdrawn ${c.withdrawn_on || ''}${c.status_reason ? `: ${c.status_reason}` : ''}`) : null,
        c.status === 'signed' && !c.current ? h('span', { class: 'sub' }, 'A newer version of this document is current.') : null,
        doc ? documentDetails(doc) : null,
        canPlan && c.status === 'signed' ? withdrawButton(c) : null);
    });
  }

  function withdrawButton(c) {
    const b = openButton('Withdraw…', 'withdraw-consent', { 'aria-label': `Withdraw consent signed ${c.signed_on}` });
    b.addEventListener('click', () => toggleBelow(b.closest('.consent-line'), b, (close) => smallForm({
      testid: 'withdraw-form', title: 'Withdraw consent', close, danger: true,
      confirm: 'Withdraw consent', confirmTestid: 'confirm-withdraw',
      fields: [
        h('p', { class: 'hint field-wide' }, 'Withdrawing stops the plan (or declines it while it is only proposed).'),
        field({ label: 'Reason', name: 'reason', idSuffix: `-wd-${c.id}`, required: true, wide: true, maxlength: 500 }),
        dateField('withdrawn_on', 'Withdrawn on', `-wd-${c.id}`),
      ],
      submit: async (form) => {
        const r = await post(`/api/v1/consents/${c.id}/withdraw`,
          { reason: valueOf(form, 'reason'), withdrawn_on: valueOf(form, 'withdrawn_on') }, { ifMatch: c.version })
          .catch((e) => { throw conflict(e, 'consent'); });
        await changed(`Consent withdrawn; the plan is ${planStatusText(r.body.plan_status)}.`, planStatus);
      },
    })));
    return b;
  }

  function documentDetails(doc) {
    return h('details', { class: 'consent-doc' }, h('summary', {}, 'Read the document'), documentText(doc));
  }

  function documentText(doc) {
    return h('div', { class: 'consent-text', 'data-testid': 'consent-text', tabindex: '0', role: 'document',
      'aria-label': doc.title },
      h('p', { class: 'doc-title' }, `${doc.title} (version ${doc.version})`),
      (doc.sections || []).map((s) => [h('h4', {}, s.heading), h('p', {}, s.text)]));
  }

  function addPlanActions(pl, title, actions, problem) {
    if (!canPlan || ENDED.has(pl.status)) return;
    for (const mv of MOVES[pl.status] || []) {
      const b = mv.ask ? openButton(mv.text, `move-${mv.to}`) : h('button', { type: 'button', class: 'btn btn-small',
        'data-testid': `move-${mv.to}` }, mv.text);
      if (mv.ask) b.addEventListener('click', () => toggleBelow(actions, b, (close) => moveForm(pl, title, mv, close)));
      else b.addEventListener('click', () => moveNow(pl, mv, b, problem));
      actions.append(b);
    }
    if (!state.consented.has(pl.id)) {
      const b = openButton('Record consent…', 'record-consent');
      b.addEventListener('click', () => toggleBelow(actions, b, (close) => consentForm(pl, close)));
      actions.append(b);
    }
    const edit = openButton(pl.investigational && !pl.study_reference ? 'Add study reference…' : 'Study reference and notes…',
      'edit-plan');
    edit.addEventListener('click', () => toggleBelow(actions, edit, (close) => editPlanForm(pl, close)));
    // A step beyond the protocol's, e.g. a repeat injection for a partial response.
    const addStep = openButton('Add a step…', 'add-step');
    addStep.addEventListener('click', () => toggleBelow(actions, addStep, (close) => addStepForm(pl, title, close, stepEnv)));
    actions.append(edit, addStep);
  }

  async function moveNow(pl, mv, button, problem) {
    fill(problem);
    button.disabled = true;
    try {
      await post(`/api/v1/plans/${pl.id}/status`, { status: mv.to }, { ifMatch: pl.version });
    } catch (e) {
      button.disabled = false;
      if (!ctx.isCurrent()) return;
      fill(problem, problemBox(conflict(e, 'plan')));
      problem.firstChild.setAttribute('tabindex', '-1');
      problem.firstChild.focus();
      return;
    }
    await changed(`Plan ${MOVE_WORDS[mv.to]}.`, planStatus);
  }

  function moveForm(pl, title, mv, close) {
    const sfx = `-mv-${pl.id}`;
    return smallForm({
      testid: `move-form-${mv.to}`, title: `${mv.text.replace('…', '')}: ${title}`, close, danger: mv.to !== 'completed',
      confirm: mv.text.replace('…', ' plan'), confirmTestid: `confirm-move-${mv.to}`,
      fields: [field({ label: mv.reason ? 'Reason' : 'Reason (optional)', name: 'reason', idSuffix: sfx, required: mv.reason,
        wide: true, maxlength: 500, hint: mv.to === 'completed' ? 'A completed plan no longer changes.' : 'Stays with the plan.' })],
      submit: async (form) => {
        const body = { status: mv.to };
        if (valueOf(form, 'reason')) body.reason = valueOf(form, 'reason');
        await post(`/api/v1/plans/${pl.id}/status`, body, { ifMatch: pl.version }).catch((e) => { throw conflict(e, 'plan'); });
        await changed(`Plan ${MOVE_WORDS[mv.to]}.`, planStatus);
      },
    });
  }

  function editPlanForm(pl, close) {
    const sfx = `-edit-${pl.id}`;
    return smallForm({
      testid: 'edit-plan-form', title: 'Study reference and notes', close,
      confirm: 'Save', confirmTestid: 'save-plan-edit',
      fields: [
        field({ label: 'Study reference', name: 'study_reference', idSuffix: sfx, maxlength: 200, value: pl.study_reference,
          hint: pl.investigational ? 'IND, IRB approval or registry number: needed before any procedure of an investigational biologic.'
            : 'IND, IRB approval or registry number, if the plan is part of a study.' }),
        field({ label: 'Notes', name: 'notes', idSuffix: sfx, type: 'textarea', rows: 2, maxlength: 2000, wide: true, value: pl.notes }),
      ],
      submit: async (form) => {
        const body = {};
        for (const k of ['study_reference', 'notes']) {
          const v = valueOf(form, k) || null;
          if (v !== (pl[k] ?? null)) body[k] = v;
        }
        if (!Object.keys(body).length) {
          close();
          return;
        }
        await patch(`/api/v1/plans/${pl.id}`, body, { ifMatch: pl.version }).catch((e) => { throw conflict(e, 'plan'); });
        await changed('Plan changed.', planStatus);
      },
    });
  }

  function consentForm(pl, close) {
    const docs = state.documents.filter((d) => d.biologic === pl.biologic)
      .sort((a, b) => Number(b.current) - Number(a.current) || String(b.version).localeCompare(String(a.version)));
    const sfx = `-consent-${pl.id}`;
    const key = (d) => `${d.id}\u0000${d.version}`;
    const docField = field({ label: 'Document', name: 'document', idSuffix: sfx, required: true, wide: true,
      choices: docs.map((d) => [key(d), `${d.title}, version ${d.version}${d.current ? ' (current)' : ''}`]),
      value: docs.length ? key(docs[0]) : '' });
    const textBox = h('div', { class: 'field-wide' });
    const showDoc = () => {
      const d = docs.find((x) => key(x) === docField.querySelector('select').value);
      fill(textBox, d ? documentText(d) : h('p', { class: 'muted' }, 'No consent document for this biologic.'));
    };
    docField.querySelector('select').addEventListener('change', showDoc);
    showDoc();
    return smallForm({
      testid: 'consent-form', title: 'Record the patient\u2019s signed consent', close,
      confirm: 'Record consent', confirmTestid: 'save-consent',
      fields: [docField, textBox,
        dateField('signed_on', 'Signed on', sfx),
        field({ label: 'Witness', name: 'witness', idSuffix: sfx, required: true, maxlength: 200, hint: 'Who witnessed the signature' })],
      submit: async (form) => {
        const [document, version] = (valueOf(form, 'document') || '\u0000').split('\u0000');
        const body = { document, version, plan_id: pl.id, signed_on: valueOf(form, 'signed_on'), witness: valueOf(form, 'witness') };
        await post(`${patientPath}/consents`, body);
        await changed('Consent recorded.', planStatus);
      },
    });
  }

  function newPlanForm(close) {
    const conditions = state.conditions.filter((c) => c.status !== 'entered_in_error');
    if (!conditions.length) {
      return h('div', { class: 'inline-form', 'data-testid': 'plan-form' },
        h('p', {}, 'Record a neuropathy diagnosis first: a plan is made for one of the patient\u2019s diagnoses.'),
        h('button', { type: 'button', class: 'btn btn-quiet', on: { click: close } }, 'Close'));
    }
    const sfx = '-plan';
    const protoField = field({ label: 'Protocol', name: 'protocol', idSuffix: sfx, required: true, wide: true,
      choices: [['', 'Choose a protocol…'], ...state.protocols.map((x) => [x.id, x.title])] });
    const about = h('div', { class: 'protocol-about', 'data-testid': 'protocol-about', 'aria-live': 'polite' });
    protoField.querySelector('select').addEventListener('change', (ev) => {
      const x = state.protocols.find((pr) => pr.id === ev.target.value);
      const b = x && state.biologics.find((bi) => bi.id === x.biologic);
      fill(about, x ? [
        h('p', {}, x.summary || ''),
        h('p', { class: 'small' }, h('strong', {}, b ? b.label : x.biologic), ` · ${classLabel(x.regulatory_class)}`,
          b && b.class_confirmed === false ? ' (class not confirmed)' : '', ` · ${x.steps} steps`),
        x.investigational ? h('p', { class: 'notice warn' },
          'Investigational biologic: no procedure is recorded until the plan has its study reference.') : null,
      ] : null);
    });
    return smallForm({
      testid: 'plan-form', title: 'New plan', close, confirm: 'Make plan', confirmTestid: 'save-plan',
      fields: [
        protoField, about,
        field({ label: 'For the diagnosis', name: 'condition_id', idSuffix: sfx, required: true, wide: true,
          choices: [...(conditions.length > 1 ? [['', 'Choose a diagnosis…']] : []),
            ...conditions.map((c) => [c.id, `${c.icd10} ${c.description || ''}`])] }),
        dateField('start_date', 'Start date', sfx, todayText(), 'YYYY-MM-DD: the steps are scheduled from it'),
        field({ label: 'Study reference', name: 'study_reference', idSuffix: sfx, maxlength: 200,
          hint: 'IND, IRB approval or registry number; required before procedures of an investigational biologic' }),
        field({ label: 'Notes', name: 'notes', idSuffix: sfx, type: 'textarea', rows: 2, maxlength: 2000, wide: true }),
      ],
      submit: async (form) => {
        const body = {};
        for (const k of ['protocol', 'condition_id', 'start_date', 'study_reference', 'notes']) {
          if (valueOf(form, k)) body[k] = valueOf(form, k);
        }
        const r = await post(`${patientPath}/plans`, body);
        const t = (state.protocols.find((x) => x.id === r.body.protocol) || {}).title || r.body.protocol;
        close();
        await changed(`Plan made: ${t}, ${r.body.steps.length} steps from ${r.body.start_date}. It is proposed until accepted.`, planStatus);
      },
    });
  }

  const refreshCandidacy = async () => (candidacy ? candidacy.refresh() : null);
  return { section, start: () => Promise.all([start(), candidacy ? candidacy.start() : null, expected.start()]), refreshCandidacy };
}
