// The admin console's Calendars tab (/admin/calendars, calendar.admin): the resources the
// schedule books (clinicians and nurses linked to their staff account, rooms, the cell processor)
// with their working hours per weekday; adding one and changing it (PATCH with If-Match: name,
// staff account, hours, active); per resource its closures (add as whole dates or with times in
// the clinic's offset, void with a reason) and its calendar feed addresses (a token shown once in
// the address a calendar app subscribes to, listed without it, revoked). Every refusal of the API
// is shown at its field (hours.mon[1][0] and the like), a 409 and a 412 in plain words.

import { get, post, patch } from './api.js';
import { h, add, fill, tag, stacked } from './dom.js';
import { field, checkbox, errorSummary, showProblem, clearErrors, valueOf, busy, problemBox, conflict, voidForm,
  listReloader } from './form.js';
import { toggleBelow, openButton, smallForm } from './inline.js';

export const KINDS = [
  ['clinician', 'Clinician'], ['nurse', 'Nurse'], ['procedure_room', 'Procedure room'],
  ['ultrasound_room', 'Ultrasound room'], ['cell_processor', 'Cell processor'],
];
const kindLabel = (k) => (KINDS.find(([id]) => id === k) || [k, String(k || '').replace(/_/g, ' ')])[1];
// Kinds that are a person, with the staff role their account must have.
const PERSON = { clinician: 'clinician', nurse: 'nurse' };

const DAYS = [['mon', 'Monday'], ['tue', 'Tuesday'], ['wed', 'Wednesday'], ['thu', 'Thursday'], ['fri', 'Friday'],
  ['sat', 'Saturday'], ['sun', 'Sunday']];
const SHORT = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'];
const MAX_PERIODS = 4; // HOURS_MAX_PERIODS in core/slots.h

// The hours as runs of days with the same periods: [["Mon–Fri", ["08:00–12:00", "13:00–17:00"]], ...].
function hoursRuns(hours) {
  const periods = (d) => (hours?.[d] || []).map(([s, e]) => `${s}–${e}`);
  const runs = [];
  let i = 0;
  while (i < DAYS.length) {
    const d = DAYS[i][0];
    const t = periods(d).join(', ');
    let j = i;
    while (j + 1 < DAYS.length && periods(DAYS[j + 1][0]).join(', ') === t) j += 1;
    if (t) runs.push([`${SHORT[d]}${j > i ? `${j > i + 1 ? '–' : ', '}${SHORT[DAYS[j][0]]}` : ''}`, periods(d)]);
    i = j + 1;
  }
  return runs;
}

// The hours in a table cell: "Mon–Fri 08:00–12:00, 13:00–17:00; Sun 00:00–04:00", a period never
// broken across lines.
function hoursCell(hours) {
  const runs = hoursRuns(hours);
  if (!runs.length) return h('span', { class: 'muted' }, 'No working hours');
  return runs.map(([days, p], k) => h('span', { class: 'hours-run' }, `${days} `,
    p.map((x, m) => [h('span', { class: 'nowrap' }, x), m < p.length - 1 ? ', ' : '']), k < runs.length - 1 ? '; ' : ''));
}

// Escape closes an inline form (asking first when it has unsaved input); close gives focus back.
function escapeCloses(el, close) {
  el.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape') return;
    ev.stopPropagation();
    ev.preventDefault();
    close();
  });
  return el;
}

// A 409 (the name or the staff account has a resource already) in plain words: the API's
// sentence without the address of the other resource.
function plain409(e) {
  if (e.status === 409 && e.problem?.detail) {
    e.problem = { ...e.problem, detail: e.problem.detail.replace(/, \/api\/v1\/resources\/[0-9a-f-]+\)/, ')') };
  }
  return e;
}

// ---- The hours editor ----

// A fieldset per weekday with up to four periods (start, end as HH:MM), each control at the path
// the API reports (hours.mon[1][0]; a period's own error, e.g. end before start, at
// hours.mon[1]; the day's, e.g. overlapping periods, at hours.mon). value() gives the hours as
// the API takes them, after dropping periods left empty (so the indexes the server reports are
// those on screen).
function hoursEditor(initial, idSuffix) {
  const state = Object.fromEntries(DAYS.map(([d]) => [d, (initial?.[d] || []).map((p) => [...p])]));
  const box = h('fieldset', { class: 'field hours-editor', 'data-path': 'hours', id: `hours${idSuffix}`, tabindex: '-1',
    'aria-describedby': `hours${idSuffix}-hint hours${idSuffix}-error`, 'data-testid': 'hours-editor' });
  const days = h('div', { class: 'hours-days' });

  function timeInput(d, i, k) {
    const path = `hours.${d}[${i}][${k}]`;
    const id = `${path.replace(/[^A-Za-z0-9_-]/g, '_')}${idSuffix}`;
    const dayName = DAYS.find(([x]) => x === d)[1];
    const input = h('input', { id, type: 'text', inputmode: 'numeric', placeholder: 'HH:MM', maxlength: 5,
      autocomplete: 'off', 'aria-describedby': `${id}-error`, 'data-testid': `hours-${d}-${i}-${k ? 'end' : 'start'}` });
    input.value = state[d][i][k] || '';
    input.addEventListener('input', () => { state[d][i][k] = input.value.trim(); });
    return h('div', { class: ['field', 'hours-time', k ? 'hours-end' : 'hours-start'], 'data-path': path },
      h('label', { for: id }, h('span', { class: 'visually-hidden' }, `${dayName}, period ${i + 1}, `), k ? 'to' : 'from'),
      h('p', { class: 'field-error', id: `${id}-error`, hidden: true }),
      input);
  }

  function dayBlock(d, name) {
    const list = h('div', { class: 'hours-periods' });
    state[d].forEach((_, i) => {
      const pid = `hours_${d}_${i}${idSuffix}`;
      const remove = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'data-testid': `hours-${d}-${i}-remove`,
        'aria-label': `Remove ${name} period ${i + 1}` }, 'Remove');
      remove.addEventListener('click', () => {
        state[d].splice(i, 1);
        render(`[data-testid="hours-${d}-add"]`);
      });
      add(list, h('fieldset', { class: 'field hours-period', 'data-path': `hours.${d}[${i}]`, id: pid, tabindex: '-1',
        'aria-describedby': `${pid}-error` },
      h('legend', { class: 'visually-hidden' }, `${name}, period ${i + 1}`),
      h('p', { class: 'field-error', id: `${pid}-error`, hidden: true }),
      h('div', { class: 'hours-pair' }, timeInput(d, i, 0), h('span', { 'aria-hidden': 'true', class: 'hours-dash' }, '–'),
        timeInput(d, i, 1), remove)));
    });
    if (!state[d].length) add(list, h('p', { class: 'muted small hours-off' }, 'Not worked'));
    const more = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': `hours-${d}-add`,
      'aria-label': `Add a period to ${name}`, hidden: state[d].length >= MAX_PERIODS }, '+ Period');
    more.addEventListener('click', () => {
      const last = state[d][state[d].length - 1];
      state[d].push(last ? ['', ''] : ['08:00', '17:00']);
      render(`[data-testid="hours-${d}-${state[d].length - 1}-start"]`);
    });
    const tools = h('div', { class: 'hours-tools' }, more);
    if (d === 'mon') {
      const copy = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'hours-copy-weekdays' },
        'Same hours Mon–Fri');
      copy.addEventListener('click', () => {
        for (const w of WEEKDAYS.slice(1)) state[w] = state.mon.map((p) => [...p]);
        render('[data-testid="hours-copy-weekdays"]');
        copied.textContent = 'Tuesday to Friday now have Monday’s hours.';
      });
      add(tools, copy);
    }
    return h('fieldset', { class: 'field hours-day', 'data-path': `hours.${d}`, id: `hours_${d}${idSuffix}`, tabindex: '-1',
      'aria-describedby': `hours_${d}${idSuffix}-error`, 'data-testid': `hours-${d}` },
    h('legend', {}, name),
    h('p', { class: 'field-error', id: `hours_${d}${idSuffix}-error`, hidden: true }),
    list, tools);
  }

  const copied = h('p', { class: 'muted small', role: 'status' });
  // Redraws the days; focus goes to the control matching selector (the button just pressed, or
  // the new period's first time).
  function render(selector = null) {
    fill(days, DAYS.map(([d, name]) => dayBlock(d, name)));
    const target = selector && days.querySelector(selector);
    if (target) target.focus();
  }
  render();
  add(box,
    h('legend', {}, 'Working hours'),
    h('p', { class: 'hint', id: `hours${idSuffix}-hint` }, 'In the clinic’s local time, HH:MM (an end may be 24:00); '
      + `up to ${MAX_PERIODS} periods a day, e.g. a morning and an afternoon. A day without a period is not worked.`),
    h('p', { class: 'field-error', id: `hours${idSuffix}-error`, hidden: true }),
    copied, days);
  return {
    element: box,
    value() {
      let dropped = false;
      for (const [d] of DAYS) {
        const kept = state[d].filter(([s, e]) => s || e);
        if (kept.length !== state[d].length) dropped = true;
        state[d] = kept;
      }
      if (dropped) render();
      return Object.fromEntries(DAYS.filter(([d]) => state[d].length).map(([d]) => [d, state[d].map((p) => [...p])]));
    },
  };
}

// ---- The resource form (add and edit) ----

// staff: every staff account; res: the resource to change (null: add one). saved(resource) after
// the server took it.
function resourceForm({ res, staff, close, saved }) {
  const editing = !!res;
  const suffix = editing ? `-${res.id}` : '-new';
  const summary = errorSummary();
  const hours = hoursEditor(editing ? res.hours : {}, suffix);
  const staffSlot = h('div', { class: 'staff-slot' });
  const kindField = editing
    ? h('p', { class: 'field' }, h('span', { class: 'hint' }, 'Kind'), h('span', {}, kindLabel(res.kind)))
    : field({ label: 'Kind', name: 'kind', idSuffix: suffix, required: true, narrow: true,
      choices: [['', 'Choose…'], ...KINDS] });

  // The staff account of a clinician or nurse: the active accounts of that role (and, when
  // editing, the account linked now even if it has since been deactivated).
  function showStaff(kind) {
    const role = PERSON[kind];
    if (!role) { fill(staffSlot); return; }
    const choices = staff.filter((s) => s.role === role && (s.active || (editing && s.id === res.staff_id)))
      .map((s) => [s.id, `${s.name} (${s.email})${s.active ? '' : ' · deactivated'}`]);
    fill(staffSlot, field({ label: 'Staff account', name: 'staff_id', idSuffix: suffix, required: true,
      value: editing ? res.staff_id || '' : '', hint: `The ${role}’s own sign-in; each account has one resource`,
      choices: [['', choices.length ? 'Choose…' : `No active ${role} account`], ...choices] }));
  }
  showStaff(editing ? res.kind : '');
  const form = h('form', { class: 'inline-form resource-form', novalidate: true,
    'data-testid': editing ? 'edit-resource-form' : 'add-resource-form' },
  h('p', { class: 'inline-title' }, editing ? `Change ${res.name}` : 'Add a resource'),
  summary,
  h('div', { class: 'grid' },
    kindField,
    field({ label: 'Name', name: 'name', idSuffix: suffix, required: true, maxlength: 100, value: editing ? res.name : '',
      hint: 'As the schedule shows it, e.g. "Dr Ada Osei", "Ultrasound 1"' }),
    staffSlot),
  editing ? checkbox({ name: 'active', label: 'Active: it can be booked (an inactive resource keeps its appointments '
    + 'and history)', checked: res.active, idSuffix: suffix }) : null,
  hours.element,
  h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': editing ? 'save-resource' : 'add-resource' },
      editing ? 'Save changes' : 'Add resource'),
    h('button', { type: 'button', class: 'btn btn-quiet', on: { click: () => close() } }, 'Cancel')));
  if (!editing) form.elements.kind.addEventListener('change', () => showStaff(form.elements.kind.value));
  escapeCloses(form, close);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    const h2 = hours.value();
    const staffId = form.elements.staff_id ? form.elements.staff_id.value : '';
    let body;
    if (!editing) {
      body = { kind: form.elements.kind.value, name: valueOf(form, 'name'), hours: h2 };
      if (staffId) body.staff_id = staffId;
    } else {
      // Only what changed (the audit record names the keys sent).
      body = {};
      if (valueOf(form, 'name') !== res.name) body.name = valueOf(form, 'name');
      if (PERSON[res.kind] && staffId !== (res.staff_id || '')) body.staff_id = staffId || null;
      if (JSON.stringify(h2) !== JSON.stringify(res.hours || {})) body.hours = h2;
      const active = form.elements.active.checked;
      if (active !== res.active) body.active = active;
      if (!Object.keys(body).length) { close(); await saved(res, 'Nothing was changed.'); return; }
    }
    await busy(form, async () => {
      let r;
      try {
        r = editing ? await patch(`/api/v1/resources/${res.id}`, body, { ifMatch: res.version })
          : await post('/api/v1/resources', body);
      } catch (e) {
        if (e.status === undefined) throw e;
        showProblem(form, summary, plain409(conflict(e, 'resource')));
        return;
      }
      close();
      await saved(r.body);
    });
  });
  return form;
}

// ---- Closures ----

// The clinic's UTC offset ("-05:00") at the wall time date T time in zone, through Intl; null
// when the browser does not know the zone.
export function offsetAt(zone, date, time) {
  const read = (ms) => {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName').value;
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part);
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  };
  try {
    const wall = Date.parse(`${date}T${time}:00Z`);
    if (Number.isNaN(wall)) return null;
    // Two passes: the offset at the instant the wall time would be with the first guess.
    let off = read(wall);
    off = read(wall - off * 60000);
    const a = Math.abs(off);
    return `${off < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
  } catch {
    return null;
  }
}

const dateOf = (s) => String(s || '').slice(0, 10);
const clockOf = (s) => String(s || '').slice(11, 16);
function prevDay(d) {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() - 1);
  return t.toISOString().slice(0, 10);
}
// "2027-01-04 – 2027-01-05 (whole days)" or "2027-01-04 13:00 – 15:30".
export function closureText(c) {
  if (clockOf(c.from) === '00:00' && clockOf(c.to) === '00:00') {
    const last = prevDay(dateOf(c.to));
    return last === dateOf(c.from) ? `${dateOf(c.from)} (whole day)` : `${dateOf(c.from)} – ${last} (whole days)`;
  }
  const to = dateOf(c.to) === dateOf(c.from) ? clockOf(c.to) : `${dateOf(c.to)} ${clockOf(c.to)}`;
  return `${dateOf(c.from)} ${clockOf(c.from)} – ${to}`;
}

async function closuresPanel(ctx, res, close) {
  const status = h('p', { class: 'flash', role: 'status', 'data-testid': 'closure-status', hidden: true });
  const list = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, 'Loading closures…'));
  const tools = h('div', { class: 'card-tools' });
  const say = (text) => { status.textContent = text; status.hidden = !text; };
  const zone = ctx.session.me.clinic?.time_zone || null;

  const refresh = listReloader(null, list, () => get(`/api/v1/resources/${res.id}/closures`),
    (r) => closureTable(r.body.items));

  function closureTable(items) {
    if (!items.length) return h('p', { class: 'empty-inline', 'data-testid': 'no-closures' }, 'No closures yet.');
    const tbody = h('tbody');
    const table = h('table', { class: 'data closures-table', 'data-testid': 'closure-table' },
      h('caption', { class: 'visually-hidden' }, `Closures of ${res.name}`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'When'), h('th', { scope: 'col' }, 'Reason'),
        h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      tbody);
    for (const c of items) {
      const voided = c.status === 'voided';
      const tr = h('tr', { 'data-testid': 'closure-row', 'data-id': c.id, 'data-status': c.status, class: voided ? 'struck' : null },
        h('td', { class: 'mono' }, closureText(c)),
        h('td', { class: 'wrap-any' }, h('span', { class: 'rec-name' }, c.reason),
          voided && c.void_reason ? h('span', { class: 'sub' }, `Voided: ${c.void_reason}`) : null),
        h('td', { 'data-testid': 'closure-state' }, voided ? tag('voided', 'archived') : tag('active', 'normal')),
        h('td', { class: 'row-actions' }));
      if (!voided) {
        const v = openButton('Void…', 'void-closure', { 'aria-label': `Void the closure ${closureText(c)}` });
        v.addEventListener('click', () => toggleBelow(tr, v, (closeForm) => escapeCloses(voidForm({
          testid: 'void-closure-form', confirmTestid: 'confirm-void-closure', confirmText: 'Void closure',
          title: `Void the closure ${closureText(c)} (“${c.reason}”)? It was entered in error; the resource can be booked then.`,
          label: 'Reason', hint: 'Why it is voided, e.g. "Leave cancelled"', idSuffix: `-${c.id}`,
          path: `/api/v1/closures/${c.id}/void`, version: c.version, what: 'closure', close: closeForm,
          done: async () => { closeForm(); say('The closure is voided.'); await refresh(c.id); },
        }), closeForm)));
        add(tr.cells[3], v);
      }
      tbody.append(tr);
    }
    return stacked(table);
  }

  // Dates (whole days), or a date and a time in the clinic's offset for part of a day.
  const open = h('button', { type: 'button', class: 'btn btn-small', 'aria-expanded': 'false', 'data-testid': 'open-add-closure' },
    'Add a closure…');
  open.addEventListener('click', () => {
    say('');
    toggleBelow(tools, open, (closeForm) => {
      const sfx = `-${res.id}`;
      const date = (name, label, hint) => field({ label, name, idSuffix: sfx, required: true, placeholder: 'YYYY-MM-DD',
        inputmode: 'numeric', maxlength: 10, narrow: true, hint });
      const time = (name, label) => field({ label, name, idSuffix: sfx, placeholder: 'HH:MM', inputmode: 'numeric',
        maxlength: 5, narrow: true, hint: 'Optional: for part of a day' });
      const form = smallForm({
        testid: 'add-closure-form', title: `Close ${res.name} (leave, a holiday, maintenance)`, confirm: 'Add closure',
        confirmTestid: 'add-closure', close: closeForm,
        fields: [
          date('from', 'From', 'YYYY-MM-DD, from the start of the day'), time('from_time', 'From time'),
          date('to', 'To', 'YYYY-MM-DD, through the end of the day'), time('to_time', 'To time'),
          field({ label: 'Reason', name: 'reason', idSuffix: sfx, required: true, wide: true, maxlength: 500,
            hint: 'e.g. "Annual leave", "Maintenance"' }),
        ],
        submit: async (f) => {
          const when = (d, t) => {
            if (!t) return d;
            const off = zone ? offsetAt(zone, d, t) : null;
            return `${d}T${t}:00${off || ''}`;
          };
          const body = { from: when(valueOf(f, 'from'), valueOf(f, 'from_time')),
            to: when(valueOf(f, 'to'), valueOf(f, 'to_time')), reason: valueOf(f, 'reason') };
          const r = await post(`/api/v1/resources/${res.id}/closures`, body);
          closeForm();
          say(`Closed ${closureText(r.body)}.`);
          await refresh(r.body.id);
        },
      });
      return escapeCloses(form, closeForm);
    });
  });
  add(tools, open);
  const panel = escapeCloses(h('section', { class: 'sub-panel', 'aria-label': `Closures of ${res.name}`, 'data-testid': 'closures-panel' },
    h('h3', {}, `Closures of ${res.name}`),
    h('p', { class: 'section-hint muted' }, 'While closed it cannot be booked. Dates mean whole days in the clinic’s '
      + `time zone${zone ? ` (${zone})` : ''}; add times for part of a day. A closure entered in error is voided, not deleted.`),
    status, list, tools,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn-quiet', on: { click: () => close() } }, 'Close'))), close);
  refresh();
  return panel;
}

// ---- Calendar feed addresses ----

// The address shown once: the full URL, a Copy button, and what to do with it.
function feedOnce(t, url) {
  const code = h('code', { class: 'secret', 'data-testid': 'new-feed-url', tabindex: '0' }, url);
  const copied = h('span', { class: 'muted small', role: 'status' });
  const copy = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'copy-feed-url', on: { click: async () => {
    try {
      await navigator.clipboard.writeText(url);
      copied.textContent = 'Copied.';
    } catch {
      // No clipboard here (a page not served over HTTPS): select the text for Ctrl+C.
      getSelection().selectAllChildren(code);
      copied.textContent = 'Selected: press Ctrl+C (or ⌘C) to copy.';
    }
  } } }, 'Copy');
  const box = h('div', { class: 'once', role: 'alert', tabindex: '-1', 'data-testid': 'new-feed' },
    h('h3', {}, `Feed address “${t.name}”`),
    h('p', { class: 'once-value' }, code, copy, copied),
    h('p', {}, 'Put it in the calendar app now: add a calendar "from URL" or "by subscription" (Outlook, Google '
      + 'Calendar, Apple Calendar) and paste it. The app refreshes it every 15 minutes.'),
    h('p', {}, 'Anyone with this address sees this calendar, so keep it private. It is shown only this once; '
      + 'Schwann keeps only a hash and cannot show it again. Lost: revoke it and make a new one.'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'btn', 'data-testid': 'new-feed-done', on: { click: () => box.remove() } },
        'Done, it is in the calendar app')));
  return box;
}

async function feedsPanel(res, close) {
  const onceSlot = h('div');
  const status = h('p', { class: 'flash', role: 'status', 'data-testid': 'feed-status', hidden: true });
  const list = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, 'Loading feed addresses…'));
  const tools = h('div', { class: 'card-tools' });
  const say = (text) => { status.textContent = text; status.hidden = !text; };

  const refresh = listReloader(null, list, () => get(`/api/v1/resources/${res.id}/feed-tokens`),
    (r) => feedTable(r.body.items));

  function feedTable(items) {
    if (!items.length) return h('p', { class: 'empty-inline', 'data-testid': 'no-feeds' }, 'No feed addresses yet.');
    const tbody = h('tbody');
    const table = h('table', { class: 'data feeds-table', 'data-testid': 'feed-table' },
      h('caption', { class: 'visually-hidden' }, `Calendar feed addresses of ${res.name}`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Made'),
        h('th', { scope: 'col' }, 'Revoked'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      tbody);
    for (const t of items) {
      const tr = h('tr', { 'data-testid': 'feed-row', 'data-id': t.id, class: t.revoked_at ? 'struck' : null },
        h('td', { class: 'wrap-any' }, h('span', { class: 'rec-name' }, t.name)),
        h('td', { class: 'mono' }, dateOf(t.created_at)),
        h('td', { 'data-testid': 'feed-revoked' }, t.revoked_at ? h('span', { class: 'mono' }, dateOf(t.revoked_at))
          : tag('in use', 'normal')),
        h('td', { class: 'row-actions' }));
      if (!t.revoked_at) {
        const revoke = openButton('Revoke…', 'revoke-feed', { 'aria-label': `Revoke the feed address “${t.name}”` });
        revoke.addEventListener('click', () => toggleBelow(tr, revoke, (closeForm) => escapeCloses(smallForm({
          testid: 'revoke-feed-form', title: `Revoke “${t.name}”? Calendar apps using it get no more updates; this cannot be undone.`,
          confirm: 'Revoke address', confirmTestid: 'confirm-revoke-feed', danger: true, close: closeForm,
          fields: [field({ label: 'Reason', name: 'reason', idSuffix: `-${t.id}`, maxlength: 500, wide: true,
            hint: 'e.g. "Phone lost", "Left the clinic"' })],
          submit: async (f) => {
            const reason = valueOf(f, 'reason');
            await post(`/api/v1/feed-tokens/${t.id}/revoke`, reason ? { reason } : {});
            closeForm();
            say(`“${t.name}” is revoked: its address no longer works.`);
            await refresh(t.id);
          },
        }), closeForm)));
        add(tr.cells[3], revoke);
      }
      tbody.append(tr);
    }
    return stacked(table);
  }

  const open = h('button', { type: 'button', class: 'btn btn-small', 'aria-expanded': 'false', 'data-testid': 'open-add-feed' },
    'New feed address…');
  open.addEventListener('click', () => {
    say('');
    toggleBelow(tools, open, (closeForm) => escapeCloses(smallForm({
      testid: 'add-feed-form', title: `A new address for ${res.name}’s calendar`, confirm: 'Make address',
      confirmTestid: 'add-feed', close: closeForm,
      fields: [field({ label: 'Name', name: 'name', idSuffix: `-${res.id}`, required: true, maxlength: 100,
        hint: 'Where it is used, e.g. "Dr Osei’s phone"' })],
      submit: async (f) => {
        const r = await post(`/api/v1/resources/${res.id}/feed-tokens`, { name: valueOf(f, 'name') });
        closeForm();
        fill(onceSlot, feedOnce(r.body, new URL(r.body.url, location.origin).href));
        onceSlot.firstChild.focus();
        await refresh(r.body.id);
      },
    }), closeForm));
  });
  add(tools, open);
  const panel = escapeCloses(h('section', { class: 'sub-panel', 'aria-label': `Calendar feeds of ${res.name}`, 'data-testid': 'feeds-panel' },
    h('h3', {}, `Calendar feed addresses of ${res.name}`),
    h('p', { class: 'section-hint muted' }, 'A feed address lets a calendar app (on a phone, in Outlook) show this '
      + 'resource’s bookings, read-only and without signing in. Patients are not named in it.'),
    onceSlot, status, list, tools,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn-quiet', on: { click: () => close() } }, 'Close'))), close);
  refresh();
  return panel;
}

// ---- The tab ----

export async function calendarsTab(ctx) {
  const { root } = ctx;
  const status = h('p', { class: 'flash', role: 'status', tabindex: '-1', 'data-testid': 'resource-status', hidden: true });
  const list = h('div', {}, h('p', { class: 'loading' }, 'Loading resources…'));
  const tools = h('div', { class: 'card-tools' });
  add(root, h('section', { class: 'card', 'aria-labelledby': 'resources-heading', 'data-testid': 'resources' },
    h('h2', { id: 'resources-heading' }, 'Calendars'),
    h('p', { class: 'section-hint muted' }, 'What the schedule books: clinicians and nurses (each linked to their '
      + 'staff account), the procedure and ultrasound rooms and the cell processor, with their working hours, '
      + 'closures, and the feed addresses that show their bookings in a calendar app.'),
    status, list, tools));
  const say = (text) => { status.textContent = text; status.hidden = !text; };
  let staff = [];

  const refresh = listReloader(ctx, list,
    () => Promise.all([get('/api/v1/resources'), get('/api/v1/staff').then((x) => x.body.items)]),
    ([r, people]) => {
      staff = people;
      return resourceTable(r.body.items);
    });

  function resourceTable(items) {
    if (!items.length) {
      return h('div', { class: 'empty-inline', 'data-testid': 'no-resources' },
        h('p', {}, 'No resources yet: the schedule has nothing to book until you add the clinicians, nurses and rooms.'));
    }
    const byId = new Map(staff.map((s) => [s.id, s]));
    const tbody = h('tbody');
    const table = h('table', { class: 'data resources-table', 'data-testid': 'resource-table' },
      h('caption', { class: 'visually-hidden' }, 'Calendar resources'),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Kind'), h('th', { scope: 'col' }, 'Staff account'),
        h('th', { scope: 'col' }, 'Working hours'), h('th', { scope: 'col' }, 'Active'),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      tbody);
    for (const res of items) {
      const who = res.staff_id ? byId.get(res.staff_id) : null;
      const tr = h('tr', { 'data-testid': 'resource-row', 'data-id': res.id, 'data-name': res.name, class: res.active ? null : 'inactive' },
        h('td', {}, h('span', { class: 'rec-name' }, res.name)),
        h('td', { 'data-testid': 'resource-kind' }, kindLabel(res.kind)),
        h('td', { class: 'wrap-any', 'data-testid': 'resource-staff' }, who ? who.name : (res.staff_id ? res.staff_id : '—'),
          who ? h('span', { class: 'sub' }, who.email) : null,
          res.staff_id && res.staff_active === false ? h('span', { class: 'sub' }, 'account deactivated') : null),
        h('td', { 'data-testid': 'resource-hours' }, hoursCell(res.hours)),
        h('td', { 'data-testid': 'resource-active' }, res.active ? tag('active', 'normal') : tag('inactive', 'archived')),
        h('td', { class: 'row-actions' }));
      const edit = openButton('Edit…', 'edit-resource', { 'aria-label': `Edit ${res.name}` });
      edit.addEventListener('click', () => {
        say('');
        toggleBelow(tr, edit, (close) => resourceForm({ res, staff, close, saved: async (x, note) => {
          say(note || `${x.name} is saved.`);
          await refresh(x.id);
        } }));
      });
      const closures = openButton('Closures…', 'open-closures', { 'aria-label': `Closures of ${res.name}` });
      closures.addEventListener('click', () => { say(''); toggleBelow(tr, closures, (close) => placeholder(closuresPanel(ctx, res, close))); });
      const feeds = openButton('Feeds…', 'open-feeds', { 'aria-label': `Calendar feed addresses of ${res.name}` });
      feeds.addEventListener('click', () => { say(''); toggleBelow(tr, feeds, (close) => placeholder(feedsPanel(res, close))); });
      add(tr.cells[5], edit, closures, feeds);
      tbody.append(tr);
    }
    return stacked(table);
  }

  await refresh();
  if (!ctx.isCurrent()) return;
  const open = h('button', { type: 'button', class: 'btn', 'aria-expanded': 'false', 'data-testid': 'open-add-resource' },
    'Add a resource…');
  open.addEventListener('click', () => {
    say('');
    toggleBelow(tools, open, (close) => resourceForm({ res: null, staff, close, saved: async (x) => {
      say(`${x.name} is added.`);
      await refresh(x.id);
    } }));
  });
  add(tools, open);
}

// A panel that builds itself asynchronously: a holder now, the panel when ready; focus goes to
// its heading so the keyboard continues inside it.
function placeholder(promise) {
  const holder = h('div', { class: 'sub-holder' }, h('p', { class: 'loading' }, 'Loading…'));
  promise.then((panel) => {
    fill(holder, panel);
    const heading = panel.querySelector('h3');
    if (heading) { heading.setAttribute('tabindex', '-1'); heading.focus(); }
  }, (e) => fill(holder, problemBox(e)));
  return holder;
}
