// The admin console (role admin): three tabs with their own addresses. Staff (/admin): the
// accounts, adding one with a one-time password, changing the role, deactivating and
// reactivating, resetting the password. Calendars (/admin/calendars, calendar.admin): resources,
// their working hours, closures and calendar feed addresses (calendars-admin.js). API tokens (/admin/tokens): list, create for a staff
// member, revoke. Audit log (/admin/audit?actor=&patient_id=&action=&from=&to=): the filters live
// in the address so Back and links work; "Load more" by cursor; "Verify the chain". A password
// or token the server makes is shown once, in the answer that made it, and never again.

import { get, post, patch } from './api.js';
import { h, add, fill, link, tag, stacked, roleLabel } from './dom.js';
import { field, errorSummary, showProblem, clearErrors, valueOf, busy, problemBox, listReloader } from './form.js';
import { toggleBelow, openButton, smallForm } from './inline.js';
import { calendarsTab } from './calendars-admin.js';

const TABS = [
  { id: 'staff', label: 'Staff', path: '/admin' },
  { id: 'calendars', label: 'Calendars', path: '/admin/calendars', perm: 'calendar.admin' },
  { id: 'tokens', label: 'API tokens', path: '/admin/tokens' },
  { id: 'audit', label: 'Audit log', path: '/admin/audit' },
];

const ROLES = ['admin', 'clinician', 'nurse', 'front_desk', 'researcher'];
const ROLE_CHOICES = ROLES.map((r) => [r, roleLabel(r)]);
const staffName = (s) => (s ? `${s.name} (${s.email})` : '');

export async function adminView(ctx, tab = 'staff') {
  const { root, session } = ctx;
  const tabs = TABS.filter((t) => !t.perm || session.can(t.perm));
  const current = tabs.find((t) => t.id === tab) || tabs[0];
  ctx.title(`${current.label} · Admin`);
  add(root, h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, 'Admin console')));
  if (!session.can('staff.admin')) {
    add(root, h('div', { class: 'empty', 'data-testid': 'no-admin-access' },
      h('h2', {}, 'Not open to your role'),
      h('p', {}, `Your role (${roleLabel(session.me.role)}) does not include the admin console; `
        + 'an administrator manages staff accounts, API tokens and the audit log.')));
    return;
  }
  add(root, h('nav', { class: 'chart-tabs', 'aria-label': 'Admin console', 'data-testid': 'admin-tabs' },
    h('ul', {}, tabs.map((t) => h('li', {}, link(t.path, t.label, {
      'data-testid': `admin-tab-${t.id}`, 'aria-current': t.id === current.id ? 'page' : null }))))));
  const panel = h('div', { class: 'tab-panel', 'data-testid': `admin-panel-${current.id}` });
  add(root, panel);
  const sub = { ...ctx, root: panel };
  if (current.id === 'staff') await staffTab(sub);
  else if (current.id === 'tokens') await tokensTab(sub);
  else if (current.id === 'calendars') await calendarsTab(sub);
  else await auditTab(sub);
}

// A secret shown once: the value, a Copy button, and the words that say it will not be shown
// again. Done removes it from the page.
function shownOnce({ title, value, what, testid, after = null }) {
  const code = h('code', { class: 'secret', 'data-testid': `${testid}-value`, tabindex: '0' }, value);
  const copied = h('span', { class: 'muted small', role: 'status' });
  const copy = h('button', { type: 'button', class: 'btn btn-small', on: { click: async () => {
    try {
      await navigator.clipboard.writeText(value);
      copied.textContent = 'Copied.';
    } catch {
      // No clipboard here (a page not served over HTTPS): select the text for Ctrl+C.
      getSelection().selectAllChildren(code);
      copied.textContent = 'Selected: press Ctrl+C (or ⌘C) to copy.';
    }
  } } }, 'Copy');
  const box = h('div', { class: 'once', role: 'alert', tabindex: '-1', 'data-testid': testid },
    h('h3', {}, title),
    h('p', { class: 'once-value' }, code, copy, copied),
    h('p', {}, `Copy it now and give it to them in person or by phone: this ${what} is shown only this once, `
      + 'and Schwann cannot show it again.'),
    after,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'btn', 'data-testid': `${testid}-done`, on: { click: () => box.remove() } },
        'Done, I have copied it')));
  return box;
}

// ---- Staff ----

async function staffTab(ctx) {
  const { root, session } = ctx;
  const onceSlot = h('div');
  const status = h('p', { class: 'flash', role: 'status', tabindex: '-1', 'data-testid': 'staff-status', hidden: true });
  const list = h('div');
  const tools = h('div', { class: 'card-tools' });
  add(root, h('section', { class: 'card', 'aria-labelledby': 'staff-heading', 'data-testid': 'staff' },
    h('h2', { id: 'staff-heading' }, 'Staff accounts'), onceSlot, status, list, tools));

  function say(text) {
    status.textContent = text;
    status.hidden = !text;
  }
  function showOnce(s, password, reset) {
    fill(onceSlot, shownOnce({
      title: reset ? `New one-time password for ${s.name}` : `${s.name} is added: their one-time password`,
      value: password, what: 'password', testid: 'one-time-password',
      after: h('p', { class: 'muted' }, `They sign in with ${s.email} and this password, then choose their own `
        + 'under their name in the header, "Change password".'),
    }));
    onceSlot.firstChild.focus();
  }

  const refresh = listReloader(ctx, list, () => get('/api/v1/staff'), (r) => staffTable(r.body.items));

  function staffTable(items) {
    const tbody = h('tbody');
    const table = h('table', { class: 'data staff-table', 'data-testid': 'staff-table' },
      h('caption', { class: 'visually-hidden' }, 'Staff accounts'),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'E-mail'), h('th', { scope: 'col' }, 'Role'),
        h('th', { scope: 'col' }, 'Active'), h('th', { scope: 'col' }, 'Added'),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      tbody);
    for (const s of items) {
      const self = s.id === session.me.id;
      const tr = h('tr', { 'data-testid': 'staff-row', 'data-id': s.id, 'data-email': s.email, class: s.active ? null : 'inactive' },
        h('td', {}, h('span', { class: 'rec-name' }, s.name), self ? h('span', { class: 'sub' }, 'you') : null),
        h('td', { class: 'wrap-any' }, s.email),
        h('td', { 'data-testid': 'staff-role' }, h('span', { class: 'cap' }, roleLabel(s.role))),
        h('td', { 'data-testid': 'staff-active' }, s.active ? tag('active', 'normal') : tag('deactivated', 'archived')),
        h('td', { class: 'mono' }, (s.created_at || '').slice(0, 10)),
        h('td', { class: 'row-actions' }));
      const actions = tr.cells[5];
      const roleBtn = openButton('Change role…', 'change-role');
      roleBtn.addEventListener('click', () => toggleBelow(tr, roleBtn, (close) => smallForm({
        testid: 'role-form', title: `Change the role of ${s.name}`, confirm: 'Save role', confirmTestid: 'save-role', close,
        fields: [field({ label: 'Role', name: 'role', idSuffix: `-${s.id}`, value: s.role, choices: ROLE_CHOICES, narrow: true,
          hint: self ? 'You cannot take away your own admin role.' : 'Applies at once, to their open sessions too.' })],
        submit: async (form) => {
          const role = form.elements.role.value;
          if (role === s.role) { close(); return; }
          await patch(`/api/v1/staff/${s.id}`, { role });
          close();
          say(`${s.name} is now ${roleLabel(role)}.`);
          await refresh(s.id);
        },
      })));
      add(actions, roleBtn);
      if (s.active && !self) {
        const off = openButton('Deactivate…', 'deactivate');
        off.addEventListener('click', () => toggleBelow(tr, off, (close) => smallForm({
          testid: 'deactivate-form', title: `Deactivate ${s.name}? They are signed out at once and cannot sign in `
            + 'until an administrator reactivates the account. Their records and audit trail stay.',
          confirm: 'Deactivate', confirmTestid: 'confirm-deactivate', danger: true, close, fields: [],
          submit: async () => {
            await patch(`/api/v1/staff/${s.id}`, { active: false });
            close();
            say(`${s.name} is deactivated.`);
            await refresh(s.id);
          },
        })));
        add(actions, off);
      } else if (!s.active) {
        const on = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'data-testid': 'reactivate' }, 'Reactivate');
        on.addEventListener('click', async () => {
          on.disabled = true;
          try {
            await patch(`/api/v1/staff/${s.id}`, { active: true });
          } catch (e) {
            on.disabled = false;
            say('');
            fill(onceSlot, problemBox(e));
            return;
          }
          say(`${s.name} is active again and can sign in with their password.`);
          await refresh(s.id);
        });
        add(actions, on);
      }
      if (s.active && !self) {
        const reset = openButton('Reset password…', 'reset-password');
        reset.addEventListener('click', () => toggleBelow(tr, reset, (close) => smallForm({
          testid: 'reset-form', title: `Give ${s.name} a new one-time password? Their current password stops working `
            + 'and they are signed out everywhere.',
          confirm: 'Reset password', confirmTestid: 'confirm-reset', danger: true, close, fields: [],
          submit: async () => {
            const r = await post(`/api/v1/staff/${s.id}/password-reset`, {});
            close();
            say('');
            showOnce(s, r.body.password, true);
          },
        })));
        add(actions, reset);
      }
      tbody.append(tr);
    }
    return stacked(table);
  }

  await refresh();
  if (!ctx.isCurrent()) return;
  const open = h('button', { type: 'button', class: 'btn', 'aria-expanded': 'false', 'data-testid': 'open-add-staff' },
    'Add a staff member…');
  open.addEventListener('click', () => {
    say('');
    toggleBelow(tools, open, (close) => addStaffForm(close, async (s) => {
      close();
      showOnce(s, s.password, false);
      await refresh(s.id);
    }));
  });
  add(tools, open);
}

function addStaffForm(close, saved) {
  const summary = errorSummary();
  const form = h('form', { class: 'inline-form', novalidate: true, 'data-testid': 'add-staff-form' },
    h('p', { class: 'inline-title' }, 'Add a staff member'),
    summary,
    h('div', { class: 'grid' },
      field({ label: 'E-mail', name: 'email', type: 'email', required: true, spellcheck: false, maxlength: 254,
        hint: 'They sign in with it' }),
      field({ label: 'Name', name: 'name', required: true, maxlength: 200, hint: 'As colleagues know them' }),
      field({ label: 'Role', name: 'role', required: true, choices: [['', 'Choose…'], ...ROLE_CHOICES], narrow: true })),
    h('p', { class: 'hint' }, 'Schwann makes a one-time password and shows it once, after you add them.'),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'add-staff' }, 'Add staff member'),
      h('button', { type: 'button', class: 'btn btn-quiet', on: { click: () => close() } }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    const body = { email: valueOf(form, 'email'), name: valueOf(form, 'name'), role: form.elements.role.value };
    await busy(form, async () => {
      try {
        const r = await post('/api/v1/staff', body);
        await saved(r.body);
      } catch (e) {
        if (e.status === undefined) throw e;
        showProblem(form, summary, e);
      }
    });
  });
  return form;
}

// ---- API tokens ----

async function tokensTab(ctx) {
  const { root } = ctx;
  const onceSlot = h('div');
  const status = h('p', { class: 'flash', role: 'status', 'data-testid': 'token-status', hidden: true });
  const list = h('div');
  const tools = h('div', { class: 'card-tools' });
  add(root, h('section', { class: 'card', 'aria-labelledby': 'tokens-heading', 'data-testid': 'tokens' },
    h('h2', { id: 'tokens-heading' }, 'API tokens'),
    h('p', { class: 'section-hint muted' }, 'A token lets a program (a lab import, a script) use the API as the staff '
      + 'member it is made for, with their role. Schwann keeps only a hash: a token is shown once, when it is made.'),
    onceSlot, status, list, tools));
  const say = (text) => { status.textContent = text; status.hidden = !text; };
  let staff = [];

  const refresh = listReloader(ctx, list,
    () => Promise.all([get('/api/v1/tokens'), get('/api/v1/staff').then((x) => x.body.items)]),
    ([r, people]) => {
      staff = people;
      return tokenTable(r.body.items);
    });

  function tokenTable(items) {
    if (!items.length) return h('p', { class: 'empty-inline', 'data-testid': 'no-tokens' }, 'No API tokens yet.');
    const byId = new Map(staff.map((s) => [s.id, s]));
    const tbody = h('tbody');
    const table = h('table', { class: 'data tokens-table', 'data-testid': 'token-table' },
      h('caption', { class: 'visually-hidden' }, 'API tokens'),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Acts as'), h('th', { scope: 'col' }, 'Created'),
        h('th', { scope: 'col' }, 'Revoked'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      tbody);
    for (const t of items) {
      const who = byId.get(t.staff_id);
      const tr = h('tr', { 'data-testid': 'token-row', 'data-id': t.id, class: t.revoked_at ? 'struck' : null },
        h('td', {}, h('span', { class: 'rec-name' }, t.name)),
        h('td', { class: 'wrap-any' }, who ? who.name : '', h('span', { class: 'sub' }, t.staff_email)),
        h('td', { class: 'mono' }, (t.created_at || '').slice(0, 10)),
        h('td', { 'data-testid': 'token-revoked' }, t.revoked_at ? h('span', { class: 'mono' }, t.revoked_at.slice(0, 10))
          : tag('in use', 'normal')),
        h('td', { class: 'row-actions' }));
      if (!t.revoked_at) {
        const revoke = openButton('Revoke…', 'revoke-token');
        revoke.addEventListener('click', () => toggleBelow(tr, revoke, (close) => smallForm({
          testid: 'revoke-form', title: `Revoke “${t.name}”? Programs using it are refused from now on; this cannot be undone.`,
          confirm: 'Revoke token', confirmTestid: 'confirm-revoke', danger: true, close, fields: [],
          submit: async () => {
            await post(`/api/v1/tokens/${t.id}/revoke`, {});
            close();
            say(`“${t.name}” is revoked.`);
            await refresh(t.id);
          },
        })));
        add(tr.cells[4], revoke);
      }
      tbody.append(tr);
    }
    return stacked(table);
  }

  await refresh();
  if (!ctx.isCurrent()) return;
  const open = h('button', { type: 'button', class: 'btn', 'aria-expanded': 'false', 'data-testid': 'open-add-token' },
    'Create a token…');
  open.addEventListener('click', () => {
    say('');
    toggleBelow(tools, open, (close) => smallForm({
      testid: 'add-token-form', title: 'Create an API token', confirm: 'Create token', confirmTestid: 'add-token', close,
      fields: [
        field({ label: 'For', name: 'staff_id', required: true, hint: 'The program acts as this staff member, with their role',
          choices: [['', 'Choose a staff member…'], ...staff.filter((s) => s.active).map((s) => [s.id, `${staffName(s)} · ${roleLabel(s.role)}`])] }),
        field({ label: 'Name', name: 'name', required: true, maxlength: 200, hint: 'What it is for, e.g. "Lab import"' }),
      ],
      submit: async (form) => {
        const r = await post('/api/v1/tokens', { staff_id: form.elements.staff_id.value, name: valueOf(form, 'name') });
        close();
        fill(onceSlot, shownOnce({ title: `Token “${r.body.name}” for ${r.body.staff_email}`, value: r.body.token,
          what: 'token', testid: 'new-token',
          after: h('p', { class: 'muted' }, 'The program sends it in the header Authorization: Bearer <token>.') }));
        onceSlot.firstChild.focus();
        await refresh(r.body.id);
      },
    }));
  });
  add(tools, open);
}

// ---- Audit log ----

const FILTERS = ['actor', 'patient_id', 'action', 'from', 'to'];

async function auditTab(ctx) {
  const { root } = ctx;
  const params = new URLSearchParams(location.search);
  let staff = [];
  try {
    staff = (await get('/api/v1/staff')).body.items;
  } catch (e) {
    add(root, problemBox(e));
    return;
  }
  if (!ctx.isCurrent()) return;
  const byId = new Map(staff.map((s) => [s.id, s]));
  const summary = errorSummary();
  const date = (name, label) => field({ label, name, value: params.get(name) || '', placeholder: 'YYYY-MM-DD',
    inputmode: 'numeric', maxlength: 10, narrow: true, hint: 'YYYY-MM-DD' });
  const form = h('form', { class: 'audit-filter', novalidate: true, role: 'search', 'data-testid': 'audit-filter',
    'aria-label': 'Filter the audit log' },
  summary,
  h('div', { class: 'grid' },
    field({ label: 'Person', name: 'actor', value: params.get('actor') || '',
      choices: [['', 'Anyone'], ...staff.map((s) => [s.id, `${staffName(s)}${s.active ? '' : ' · deactivated'}`])] }),
    field({ label: 'Patient id', name: 'patient_id', value: params.get('patient_id') || '', spellcheck: false, maxlength: 36,
      hint: 'From the address of the patient’s page' }),
    field({ label: 'Action', name: 'action', value: params.get('action') || '', spellcheck: false, maxlength: 64,
      hint: 'e.g. patient (all patient actions), patient.read, session.create' }),
    date('from', 'From'), date('to', 'To')),
  h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'apply-filter' }, 'Show'),
    link('/admin/audit', 'Clear filters', { class: 'btn btn-quiet' })));
  const verifyOut = h('p', { role: 'status', 'data-testid': 'verify-result', hidden: true });
  const verify = h('button', { type: 'button', class: 'btn', 'data-testid': 'verify-chain' }, 'Verify the chain');
  const status = h('p', { class: 'result-status', role: 'status', 'data-testid': 'audit-status' });
  const tbody = h('tbody');
  const table = h('table', { class: 'data audit-table', 'data-testid': 'audit-table', hidden: true },
    h('caption', { class: 'visually-hidden' }, 'Audit records, newest first'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'When'), h('th', { scope: 'col' }, 'Who'), h('th', { scope: 'col' }, 'Action'),
      h('th', { scope: 'col' }, 'What'), h('th', { scope: 'col' }, 'Patient'), h('th', { scope: 'col' }, 'Detail'))),
    tbody);
  stacked(table);
  const more = h('button', { type: 'button', class: 'btn', 'data-testid': 'audit-more', hidden: true }, 'Load more');
  add(root,
    h('section', { class: 'card', 'aria-labelledby': 'audit-heading', 'data-testid': 'audit' },
      h('div', { class: 'timeline-head' }, h('h2', { id: 'audit-heading' }, 'Audit log'), verify),
      verifyOut,
      h('p', { class: 'section-hint muted' }, 'Every read and change of a record, newest first. Each record is chained to '
        + 'the one before by a hash, so a record changed or removed afterwards breaks the chain.'),
      form, status, table, h('div', { class: 'more' }, more)));

  verify.addEventListener('click', async () => {
    verify.disabled = true;
    verifyOut.className = 'notice';
    verifyOut.textContent = 'Checking…';
    verifyOut.hidden = false;
    try {
      const v = (await get('/api/v1/audit/verify')).body;
      const n = v.checked.toLocaleString('en');
      verifyOut.className = v.intact ? 'flash' : 'problem';
      verifyOut.textContent = v.intact
        ? `The chain is intact: all ${n} records were checked, and none was changed or removed.`
        : `The chain is broken at record ${v.first_broken_seq}: that record or one before it was changed or removed `
          + `after it was written (${n} records checked).`;
    } catch (e) {
      verifyOut.className = 'problem';
      verifyOut.textContent = e.problem?.detail || e.message;
    } finally {
      verify.disabled = false;
    }
  });

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams();
    for (const k of FILTERS) {
      const v = valueOf(form, k);
      if (v) q.set(k, v);
    }
    const s = q.toString();
    ctx.navigate(`/admin/audit${s ? `?${s}` : ''}`, { force: true });
  });

  let cursor = null;
  let shown = 0;
  async function load() {
    const q = new URLSearchParams();
    for (const k of FILTERS) if (params.get(k)) q.set(k, params.get(k));
    if (cursor) q.set('cursor', cursor);
    let r;
    try {
      r = await get(`/api/v1/audit?${q}`);
    } catch (e) {
      if (!ctx.isCurrent()) return;
      if (e.status === 422) showProblem(form, summary, e);
      else add(status, problemBox(e));
      return;
    }
    if (!ctx.isCurrent()) return;
    for (const a of r.body.items) tbody.append(auditRow(a, byId));
    stacked(table);
    shown += r.body.items.length;
    cursor = r.body.next_cursor;
    more.hidden = !cursor;
    table.hidden = shown === 0;
    const filtered = FILTERS.some((k) => params.get(k));
    status.textContent = shown === 0 ? `No audit records${filtered ? ' match these filters' : ''}.`
      : `${shown} record${shown === 1 ? '' : 's'}${filtered ? ' matching' : ''}, newest first${cursor ? '; more below' : ''}.`;
  }
  more.addEventListener('click', async () => {
    const before = tbody.rows.length;
    more.disabled = true;
    await load();
    more.disabled = false;
    const next = tbody.rows[before];
    if (next) { next.setAttribute('tabindex', '-1'); next.focus(); }
  });
  await load();
}

function auditRow(a, byId) {
  const who = byId.get(a.actor_id);
  const at = (a.at || '').replace('T', ' ').replace(/\.\d+/, '').replace(/Z$/, ' UTC');
  return h('tr', { 'data-testid': 'audit-row', 'data-action': a.action, 'data-seq': a.seq },
    h('td', { class: 'mono' }, at),
    h('td', {}, who ? who.name : (a.actor_id ? h('span', { class: 'mono' }, a.actor_id.slice(0, 8)) : h('span', { class: 'muted' }, 'no one signed in')),
      a.actor_role ? h('span', { class: 'sub cap' }, roleLabel(a.actor_role)) : null),
    h('td', { class: 'mono', 'data-testid': 'audit-action' }, a.action),
    h('td', { class: 'wrap-any' }, a.resource_type || '', a.resource_id ? h('span', { class: 'sub mono' }, a.resource_id) : null,
      a.resource_type === 'staff' && byId.has(a.resource_id) ? h('span', { class: 'sub' }, byId.get(a.resource_id).name) : null),
    h('td', {}, a.patient_id ? link(`/patients/${a.patient_id}`, 'Open', { title: a.patient_id }) : ''),
    h('td', { class: 'wrap-any' }, detailOf(a.detail), a.ip ? h('span', { class: 'sub' }, `from ${a.ip}`) : null));
}

// A record's detail; a search page's ("patients: <id> <id> ...; q: <query>") as the query and
// the patients shown, their ids folded away.
function detailOf(detail) {
  const m = /^patients:((?: [0-9a-f-]{36})+); q: (.*)$/s.exec(detail || '');
  if (!m) return detail || '';
  const ids = m[1].trim().split(' ');
  return h('span', {}, m[2] ? `Search "${m[2]}"` : 'The list',
    h('details', { class: 'sub' }, h('summary', {}, `${ids.length} patient${ids.length === 1 ? '' : 's'} shown`),
      h('span', { class: 'mono' }, ids.join(' '))));
}
