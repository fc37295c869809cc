// Booking and moving appointments, in dialogs (dialog.js): the booking form (the patient found by
// name or MRN, the type, the biologic for injections, whom with, and the free slots from GET
// /api/v1/slots for a week from a date, one of them chosen and booked), the reschedule form (the
// times the appointment can move to with all its resources; POST .../reschedule with If-Match),
// and the appointment itself with the moves its status allows (arrived, no-show, complete, and
// cancel with a reason). The server's 409 (taken, wrong status) and 422 (a field) show on the form
// in plain words; a taken slot makes the list load again.

import { get, post } from './api.js';
import { h, fill, link } from './dom.js';
import { field, errorSummary, showProblem, clearErrors, valueOf, busy, conflict } from './form.js';
import { openDialog } from './dialog.js';
import {
  appointmentTypes, biologics, resourceList, typeLabel, needsOf, bookableTypes, kindLabel, statusTag, whenText,
  dateOf, clockOf, dayText, addDays, isDate, clinicToday, patientLabel, rememberPatient, patientsById,
} from './appts.js';

const SLOT_DAYS = 7;

// What a dialog needs before it opens; when it cannot be read, a dialog says why and null is
// the answer.
async function settle(promise) {
  try {
    return await promise;
  } catch (e) {
    if (e && e.status === 401) return null; // the sign-in form is showing
    openDialog({ title: 'This could not be opened', testid: 'load-problem', build: () => problemOf(e) });
    return null;
  }
}

const TAKEN_WORDS = {
  title: 'That time has just been taken',
  detail: 'Someone booked it a moment ago. The free times below are up to date: choose another.',
};

// A 409 "Already booked" in plain words (the server's sentence names the booking in the way).
// A move keeps all of the appointment's people and rooms, while the free times are searched for
// its first one only (GET /slots takes one resource): another of them may be the one booked.
function plain(e, words = TAKEN_WORDS) {
  if (e.status === 409 && e.problem && e.problem.title === 'Already booked') {
    e.problem = { ...e.problem, title: words.title, detail: `${words.detail} (${e.problem.detail})` };
  }
  return e;
}
const MOVE_WORDS = {
  title: 'That time is not free for everyone this appointment needs',
  detail: 'The appointment keeps its people and rooms, and one of them is booked then. Choose another time.',
};

// The free slots of one search, grouped by day, as toggle buttons; the chosen one is kept in
// state.chosen. A wrapper with data-path "start" takes the server's error about the time.
function slotPicker(testid = 'slots') {
  const box = h('div', { class: 'slot-days', 'data-testid': testid, 'aria-live': 'polite' });
  const chosenText = h('p', { class: 'slot-chosen', 'data-testid': 'slot-chosen' }, 'No time chosen yet.');
  // A fieldset: the error about the time is placed on it, and focus goes to it (form.js).
  const wrapper = h('fieldset', { class: 'field field-wide slot-field', 'data-path': 'start', id: 'start', tabindex: '-1',
    'aria-describedby': 'start-error' },
    h('legend', {}, 'Free times'),
    h('p', { class: 'hint' }, 'Tab to the times, then the arrow keys to move between them; Enter chooses.'),
    h('p', { class: 'field-error', id: 'start-error', 'data-testid': 'error-start', hidden: true }),
    box, chosenText);
  // controller: the search in flight; a newer one aborts it, so an older answer never shows.
  const state = { chosen: null, wrapper, controller: null };
  const choose = (slot, button) => {
    state.chosen = slot;
    for (const b of box.querySelectorAll('button[aria-pressed]')) b.setAttribute('aria-pressed', String(b === button));
    chosenText.textContent = `Chosen: ${whenText(slot)} with ${slot.resources.map((r) => r.name).join(' and ')}.`;
  };
  state.message = (text, cls = 'muted') => {
    state.chosen = null;
    chosenText.textContent = 'No time chosen yet.';
    fill(box, h('p', { class: cls, 'data-testid': 'slots-message' }, text));
  };
  state.show = (items, from, to) => {
    state.chosen = null;
    chosenText.textContent = 'No time chosen yet.';
    if (!items.length) {
      fill(box, h('p', { class: 'empty-inline', 'data-testid': 'no-slots' },
        `No free times from ${dayText(from)} to ${dayText(to)}. Try a later week.`));
      return;
    }
    const byDay = new Map();
    for (const s of items) {
      const d = dateOf(s.start);
      if (!byDay.has(d)) byDay.set(d, []);
      byDay.get(d).push(s);
    }
    fill(box, [...byDay].map(([d, list]) => h('div', { class: 'slot-day', role: 'group', 'aria-label': dayText(d, { long: true }) },
      h('p', { class: 'slot-day-name' }, dayText(d)),
      h('div', { class: 'slot-list' }, list.map((s) => {
        const who = s.resources.map((r) => r.name).join(', ');
        const b = h('button', { type: 'button', class: 'slot', 'aria-pressed': 'false', 'data-testid': 'slot',
          'data-start': s.start, 'aria-label': `${dayText(d, { long: true })} ${clockOf(s.start)} to ${clockOf(s.end)} with ${who}`,
          title: who }, clockOf(s.start));
        b.addEventListener('click', () => choose(s, b));
        return b;
      })))));
    roving();
  };
  // One Tab stop for all the times (the chosen one, or the first); the arrow keys, Home and End
  // move between them.
  const buttons = () => [...box.querySelectorAll('button.slot')];
  const roving = (current = null) => {
    const all = buttons();
    const stop = current || all.find((b) => b.getAttribute('aria-pressed') === 'true') || all[0];
    for (const b of all) b.tabIndex = b === stop ? 0 : -1;
  };
  box.addEventListener('keydown', (ev) => {
    const all = buttons();
    const i = all.indexOf(document.activeElement);
    if (i < 0) return;
    const to = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: all.length - 1 }[ev.key];
    if (to === undefined) return;
    ev.preventDefault();
    const next = all[Math.max(0, Math.min(all.length - 1, to))];
    roving(next);
    next.focus();
  });
  return state;
}

// The date a search starts from: a text field YYYY-MM-DD with Earlier and Later week buttons.
function fromField(value, onChange) {
  const f = field({ label: 'Free times from', name: 'from', value, hint: `YYYY-MM-DD; a week of free times is shown`,
    placeholder: 'YYYY-MM-DD', inputmode: 'numeric', maxlength: 10, narrow: true });
  const input = f.querySelector('input');
  const step = (n) => {
    if (isDate(input.value)) input.value = addDays(input.value, n);
    onChange();
  };
  input.addEventListener('change', onChange);
  f.append(h('div', { class: 'week-steps' },
    h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'data-testid': 'slots-earlier', on: { click: () => step(-SLOT_DAYS) } },
      'Earlier week'),
    h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'data-testid': 'slots-later', on: { click: () => step(SLOT_DAYS) } },
      'Later week')));
  return f;
}

// Looks up the free slots for the query into picker; a refusal shows on the form. A search
// still in flight is aborted: with several worker threads answers can come back out of order.
async function searchSlots(form, summary, picker, query) {
  picker.controller?.abort();
  picker.controller = null;
  if (!isDate(query.from)) {
    picker.message('Write the date as YYYY-MM-DD to see the free times.');
    return;
  }
  const to = addDays(query.from, SLOT_DAYS - 1);
  const params = new URLSearchParams({ from: query.from, to, limit: '300' });
  if (query.appointment) {
    params.set('appointment', query.appointment);
  } else {
    params.set('type', query.type);
    if (query.biologic) params.set('biologic', query.biologic);
    if (query.resource) params.set('resource', query.resource);
  }
  picker.message('Looking for free times…');
  const controller = new AbortController();
  picker.controller = controller;
  let r;
  try {
    r = await get(`/api/v1/slots?${params}`, { signal: controller.signal });
  } catch (e) {
    if (e.name === 'AbortError' || controller.signal.aborted) return;
    picker.message('The free times could not be shown.', 'warn-text');
    showProblem(form, summary, e);
    return;
  }
  if (controller.signal.aborted) return;
  picker.controller = null;
  picker.show(r.body.items, query.from, to);
}

// The patient: a search by name or MRN with the matches as buttons, or the one given.
function patientPicker(preset) {
  const state = { patient: preset || null };
  const shown = h('p', { class: 'picked', 'data-testid': 'picked-patient' });
  const input = h('input', { type: 'search', id: 'patient-q', name: 'patient_q', autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': 'patient-q-hint patient_id-error', 'data-testid': 'patient-search' });
  const results = h('ul', { class: 'patient-matches', 'data-testid': 'patient-matches', 'aria-live': 'polite' });
  const searchBox = h('div', { class: 'patient-search' },
    h('label', { for: 'patient-q' }, 'Find the patient', h('span', { class: 'req' }, ' (required)')),
    h('p', { class: 'hint', id: 'patient-q-hint' }, 'Family or given name, or MRN; then choose from the list.'),
    input, results);
  const change = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'data-testid': 'change-patient' }, 'Change');
  const wrapper = h('div', { class: 'field field-wide', 'data-path': 'patient_id' },
    h('p', { class: 'field-error', id: 'patient_id-error', 'data-testid': 'error-patient_id', hidden: true }),
    h('div', { class: 'picked-row' }, shown, preset ? null : change), searchBox);
  const render = () => {
    const p = state.patient;
    shown.hidden = !p;
    change.hidden = !p;
    searchBox.hidden = !!p;
    fill(shown, p ? [h('span', { class: 'muted' }, 'Patient: '), h('strong', {}, patientLabel(p)), ` · MRN ${p.mrn}`] : null);
  };
  let timer = null;
  let controller = null;
  const search = async () => {
    const q = input.value.trim();
    if (controller) controller.abort();
    if (q.length < 2) {
      fill(results);
      return;
    }
    controller = new AbortController();
    let r;
    try {
      r = await get(`/api/v1/patients?${new URLSearchParams({ q, limit: '8' })}`, { signal: controller.signal });
    } catch (e) {
      if (e.name === 'AbortError') return;
      fill(results, h('li', { class: 'warn-text' }, e.problem?.title || 'The search failed.'));
      return;
    }
    fill(results, r.body.items.length ? r.body.items.map((p) => h('li', {},
      h('button', { type: 'button', class: 'btn btn-small btn-quiet match', 'data-testid': 'patient-match',
        on: { click: () => { state.patient = p; rememberPatient(p); render(); change.focus(); state.onChange?.(); } } },
      `${patientLabel(p)} · MRN ${p.mrn} · born ${p.birth_date}`)))
      : h('li', { class: 'muted' }, `No patient matches “${q}”.`));
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      clearTimeout(timer);
      search();
    }
  });
  change.addEventListener('click', () => {
    state.patient = null;
    render();
    input.focus();
  });
  render();
  state.element = wrapper;
  return state;
}

// Opens the booking dialog. preset: {patient, type, biologic, plan_step_id, step_text, resource, from}.
// onBooked(appointment) is called after a booking.
export async function openBooking(session, preset = {}, onBooked = async () => {}) {
  const loaded = await settle(Promise.all([appointmentTypes(), biologics(), resourceList(), clinicToday()]));
  if (!loaded) return;
  const [types, bios, resources, today] = loaded;
  const offered = bookableTypes(session, types);
  const summary = errorSummary();
  const patient = patientPicker(preset.patient);
  const typeChoices = offered.map((t) => [t.id, `${t.label} (${t.minutes} min)`]);
  const typeField = field({ label: 'Appointment type', name: 'type', required: true,
    choices: preset.type ? typeChoices : [['', 'Choose a type…'], ...typeChoices], value: preset.type || '' });
  const bioField = field({ label: 'Biologic', name: 'biologic', required: true, hint: 'An injection needs what its biologic needs (a cell processor for BMAC and SVF)',
    choices: [['', 'Choose the biologic…'], ...bios.map((b) => [b.id, b.label])], value: preset.biologic || '' });
  const withField = field({ label: 'With', name: 'resource', choices: [['', 'Anyone free']] });
  const from = preset.from && preset.from > today ? preset.from : today;
  const picker = slotPicker();
  const noteField = field({ label: 'Note', name: 'note', type: 'textarea', rows: 2, maxlength: 500, wide: true,
    hint: 'Optional, e.g. prefers mornings' });
  const typeSelect = typeField.querySelector('select');
  const bioSelect = bioField.querySelector('select');
  const withSelect = withField.querySelector('select');
  let form;
  const current = () => types.items.find((t) => t.id === typeSelect.value);
  // Whom with: the resources of the kinds the type needs; the schedule's resource first chosen.
  const syncWith = () => {
    const t = current();
    const kinds = new Set(needsOf(t, bioSelect.value).flat());
    const fits = resources.filter((r) => kinds.has(r.kind));
    const keep = withSelect.value || preset.resource || '';
    fill(withSelect, h('option', { value: '' }, 'Anyone free'),
      fits.map((r) => h('option', { value: r.id }, `${r.name} (${kindLabel(r.kind).toLowerCase()})`)));
    withSelect.value = fits.some((r) => r.id === keep) ? keep : '';
    bioField.hidden = !(t && t.needs_for_biologic);
  };
  const reload = () => {
    const t = current();
    if (!t) {
      picker.message('Choose the appointment type to see the free times.');
      return;
    }
    if (t.needs_for_biologic && !bioSelect.value) {
      picker.message('Choose the biologic to see the free times.');
      return;
    }
    searchSlots(form, summary, picker, { type: t.id, biologic: t.needs_for_biologic ? bioSelect.value : null,
      resource: withSelect.value || null, from: valueOf(form, 'from') });
  };
  typeSelect.addEventListener('change', () => { syncWith(); reload(); });
  bioSelect.addEventListener('change', () => { syncWith(); reload(); });
  withSelect.addEventListener('change', reload);
  const fromBox = fromField(from, () => reload());
  const stepNote = preset.step_text ? h('p', { class: 'notice', 'data-testid': 'booking-step' }, `For the plan step: ${preset.step_text}.`) : null;

  openDialog({
    title: 'Book an appointment', testid: 'booking-dialog', wide: true,
    build: (close) => {
      form = h('form', { class: 'booking-form', novalidate: true, 'data-testid': 'booking-form', 'data-no-guard': true },
        summary, stepNote,
        h('div', { class: 'grid' }, patient.element, typeField, bioField, withField, fromBox, picker.wrapper, noteField),
        h('div', { class: 'actions' },
          h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'book' }, 'Book'),
          h('button', { type: 'button', class: 'btn btn-quiet', on: { click: () => close() } }, 'Cancel')));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        clearErrors(form, summary);
        const slot = picker.chosen;
        const t = current();
        const missing = [];
        if (!patient.patient) missing.push({ path: 'patient_id', message: 'is required: find the patient and choose them' });
        if (!t) missing.push({ path: 'type', message: 'is required' });
        else if (t.needs_for_biologic && !bioSelect.value) missing.push({ path: 'biologic', message: 'is required for an injection' });
        if (!slot) missing.push({ path: 'start', message: 'is required: choose one of the free times' });
        if (missing.length) {
          showProblem(form, summary, { status: 422, problem: { title: 'Invalid input', errors: missing } });
          return;
        }
        const body = { patient_id: patient.patient.id, type: t.id, start: slot.start, resources: slot.resources.map((r) => r.id) };
        if (t.needs_for_biologic) body.biologic = bioSelect.value;
        if (preset.plan_step_id) body.plan_step_id = preset.plan_step_id;
        if (valueOf(form, 'note')) body.note = valueOf(form, 'note');
        await busy(form, async () => {
          let r;
          try {
            r = await post('/api/v1/appointments', body);
          } catch (e) {
            showProblem(form, summary, plain(e));
            if (e.status === 409) reload();
            return;
          }
          close({ force: true });
          await onBooked(r.body, patient.patient);
        });
      });
      return form;
    },
  });
  patient.onChange = () => { if (!picker.chosen) reload(); };
  syncWith();
  reload();
  if (preset.patient) typeSelect.focus();
}

// Opens the dialog that moves appointment a to another free time (same type, same first resource).
export async function openReschedule(a, onMoved = async () => {}) {
  const loaded = await settle(Promise.all([appointmentTypes(), clinicToday()]));
  if (!loaded) return;
  const [types, today] = loaded;
  const summary = errorSummary();
  const picker = slotPicker();
  let form;
  const first = a.resources[0];
  // The times it can move to with all of its people and rooms, its own time free.
  const reload = () => searchSlots(form, summary, picker, { appointment: a.id, from: valueOf(form, 'from') });
  const start = dateOf(a.start) > today ? dateOf(a.start) : today;
  const fromBox = fromField(start, reload);
  openDialog({
    title: 'Reschedule the appointment', testid: 'reschedule-dialog', wide: true,
    build: (close) => {
      form = h('form', { class: 'booking-form', novalidate: true, 'data-testid': 'reschedule-form', 'data-no-guard': true },
        h('p', {}, `${typeLabel(types, a.type)}, now ${whenText(a)}`,
          first ? ` with ${a.resources.map((r) => r.name).join(' and ')}` : '', '. It keeps the same people and rooms.'),
        summary,
        h('div', { class: 'grid' }, fromBox, picker.wrapper),
        h('div', { class: 'actions' },
          h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'confirm-reschedule' }, 'Move to this time'),
          h('button', { type: 'button', class: 'btn btn-quiet', on: { click: () => close() } }, 'Cancel')));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        clearErrors(form, summary);
        if (!picker.chosen) {
          showProblem(form, summary, { status: 422, problem: { title: 'Invalid input',
            errors: [{ path: 'start', message: 'is required: choose one of the free times' }] } });
          return;
        }
        await busy(form, async () => {
          let r;
          try {
            r = await post(`/api/v1/appointments/${a.id}/reschedule`, { start: picker.chosen.start }, { ifMatch: a.version });
          } catch (e) {
            showProblem(form, summary, plain(conflict(e, 'appointment'), MOVE_WORDS));
            if (e.status === 409) reload();
            return;
          }
          close({ force: true });
          await onMoved(r.body);
        });
      });
      return form;
    },
  });
  reload();
}

// The moves from each status: [path, button text, testid, message].
const MOVES = {
  booked: [['arrive', 'Arrived', 'appt-arrive', 'Marked arrived'], ['no-show', 'No-show', 'appt-no-show', 'Marked a no-show']],
  arrived: [['complete', 'Complete', 'appt-complete', 'Completed']],
};

// Opens appointment a: when, type, patient, with whom, status, note and reason; the moves its
// status allows for a user with appointment.write. onChange(text, appointment) after a change.
export async function openAppointment(session, a, onChange = async () => {}) {
  const loaded = await settle(Promise.all([appointmentTypes(), patientsById([a.patient_id])]));
  if (!loaded) return;
  const [types, people] = loaded;
  const who = people[a.patient_id];
  const canWrite = session.can('appointment.write');
  const item = (term, value, testid) => [h('dt', {}, term), h('dd', { 'data-testid': testid }, value)];
  openDialog({
    title: `${typeLabel(types, a.type)}, ${dayText(dateOf(a.start))}`, testid: 'appointment-dialog',
    build: (close) => {
      const problem = h('div', { 'data-testid': 'appt-problem' });
      const panel = h('div', { class: 'appt-panel' });
      const facts = h('dl', { class: 'facts appt-facts' },
        item('When', `${whenText(a)}`, 'appt-when'),
        item('Patient', who ? [link(`/patients/${who.id}/treatment`, patientLabel(who)), ` · MRN ${who.mrn}`,
          who.phone ? ` · ${who.phone}` : ''] : h('span', { class: 'muted' }, 'not shown'), 'appt-patient'),
        item('With', a.resources.map((r) => r.name).join(', ') || '—', 'appt-with'),
        item('Status', statusTag(a.status), 'appt-status-line'),
        a.biologic ? item('Biologic', a.biologic, 'appt-biologic') : null,
        a.note ? item('Note', a.note, 'appt-note') : null,
        a.reason ? item('Why cancelled', a.reason, 'appt-reason') : null);
      const actions = h('div', { class: 'actions appt-actions' });
      if (canWrite) {
        for (const [path, text, testid, said] of MOVES[a.status] || []) {
          const b = h('button', { type: 'button', class: 'btn', 'data-testid': testid }, text);
          b.addEventListener('click', async () => {
            b.disabled = true;
            let r;
            try {
              r = await post(`/api/v1/appointments/${a.id}/${path}`, undefined, { ifMatch: a.version });
            } catch (e) {
              b.disabled = false;
              const box = problemOf(conflict(e, 'appointment'));
              fill(problem, box);
              box.focus();
              return;
            }
            close({ force: true });
            await onChange(`${said}: ${who ? patientLabel(who) : 'the patient'}, ${whenText(a)}.`, r.body);
          });
          actions.append(b);
        }
        if (a.status === 'booked') {
          const move = h('button', { type: 'button', class: 'btn', 'data-testid': 'appt-reschedule' }, 'Reschedule…');
          move.addEventListener('click', () => {
            close({ force: true });
            openReschedule(a, (moved) => onChange(`Moved to ${whenText(moved)}: ${who ? patientLabel(who) : 'the patient'}.`, moved));
          });
          const cancel = h('button', { type: 'button', class: 'btn btn-danger', 'aria-expanded': 'false', 'data-testid': 'appt-cancel' },
            'Cancel appointment…');
          cancel.addEventListener('click', () => {
            if (panel.firstChild) {
              panel.replaceChildren();
              cancel.setAttribute('aria-expanded', 'false');
              return;
            }
            cancel.setAttribute('aria-expanded', 'true');
            panel.append(cancelForm(a, () => { panel.replaceChildren(); cancel.setAttribute('aria-expanded', 'false'); cancel.focus(); },
              async (r) => {
                close({ force: true });
                await onChange(`Cancelled: ${who ? patientLabel(who) : 'the patient'}, ${whenText(a)}.`, r);
              }));
            panel.querySelector('textarea, input').focus();
          });
          actions.append(move, cancel);
        }
      }
      return [facts, problem, actions.childNodes.length ? actions : null, panel];
    },
  });
}

function problemOf(e) {
  const p = e.problem || { title: 'Something went wrong' };
  return h('div', { class: 'problem', role: 'alert', tabindex: '-1' }, h('h2', {}, p.title || 'Something went wrong'),
    p.detail && p.detail !== p.title ? h('p', {}, p.detail) : null);
}

// The reason a booked appointment is cancelled (required by the server, which frees the time).
function cancelForm(a, close, done) {
  const summary = errorSummary();
  const form = h('form', { class: 'inline-form cancel-form', novalidate: true, 'data-testid': 'cancel-form' },
    summary,
    field({ label: 'Reason for cancelling', name: 'reason', type: 'textarea', rows: 2, required: true, wide: true, maxlength: 500,
      hint: 'e.g. the patient asked to move it, the clinician is ill' }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-danger', 'data-testid': 'confirm-cancel' }, 'Cancel the appointment'),
      h('button', { type: 'button', class: 'btn btn-quiet', on: { click: close } }, 'Keep it')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    await busy(form, async () => {
      let r;
      try {
        r = await post(`/api/v1/appointments/${a.id}/cancel`, { reason: valueOf(form, 'reason') }, { ifMatch: a.version });
      } catch (e) {
        showProblem(form, summary, conflict(e, 'appointment'));
        return;
      }
      await done(r.body);
    });
  });
  return form;
}

