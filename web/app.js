// Schwann's web UI: start-up, sign-in, the header and the router. Routes use the history API
// (/, /patients/new, /patients/{id} and its tabs /patients/{id}/{workup,treatment,timeline,
// visits,billing}, /patients/{id}/edit, /lots, /outcomes, /schedule, /worklist, /prices, /takings,
// /admin and /admin/{calendars,tokens,audit}, /account); the server answers every path without a file
// extension with index.html, so each route also works on reload. Leaving a page with unsaved input
// asks first (guard.js).

import { api, csrf, onSessionLost, ApiError } from './api.js';
import { h, fill, link, roleLabel } from './dom.js';
import { field, errorSummary, showProblem, clearErrors, valueOf, busy, problemBox } from './form.js';
import { patientListView, patientFormView } from './patients.js';
import { patientView } from './patient.js';
import { lotView } from './lots.js';
import { outcomesView } from './outcomes.js';
import { mayDiscard } from './guard.js';
import { adminView } from './admin.js';
import { accountView } from './account.js';
import { scheduleView } from './schedule.js';
import { worklistView } from './worklist.js';
import { pricesView } from './prices.js';
import { takingsView } from './takings.js';

const main = document.getElementById('main');
const topbar = document.getElementById('topbar');

// The signed-in staff member from /api/v1/me, with a permission set; null when signed out.
let me = null;
// A one-shot message for the next screen ("Patient registered."): {text, kind} where kind is
// 'ok' (green) or 'info' (neutral, e.g. "Nothing was changed.").
let flash = null;

const session = {
  get me() { return me; },
  can: (perm) => !!me && me.permissions.has(perm),
};

function setFlash(text, kind = 'ok') {
  flash = { text, kind };
}

// The address of the page on screen, so that a Back that would lose unsaved input can be undone.
let shownUrl = location.pathname + location.search;

// force: leave without asking (the form was just saved).
function navigate(path, { replace = false, force = false } = {}) {
  if (!force && !mayDiscard()) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  render();
}

const routes = [
  { pattern: /^\/$/, view: patientListView },
  { pattern: /^\/patients\/?$/, view: patientListView },
  { pattern: /^\/patients\/new\/?$/, view: (ctx) => patientFormView(ctx, null) },
  { pattern: /^\/patients\/([0-9a-f-]{36})\/edit\/?$/, view: (ctx, id) => patientFormView(ctx, id) },
  { pattern: /^\/patients\/([0-9a-f-]{36})\/?$/, view: (ctx, id) => patientView(ctx, id, 'summary') },
  { pattern: /^\/patients\/([0-9a-f-]{36})\/(workup|treatment|timeline|visits|billing)\/?$/, view: patientView },
  { pattern: /^\/lots\/?$/, view: lotView },
  { pattern: /^\/outcomes\/?$/, view: outcomesView },
  { pattern: /^\/schedule\/?$/, view: scheduleView },
  { pattern: /^\/worklist\/?$/, view: worklistView },
  { pattern: /^\/admin\/?$/, view: (ctx) => adminView(ctx, 'staff') },
  { pattern: /^\/admin\/(calendars|tokens|audit)\/?$/, view: adminView },
  { pattern: /^\/account\/?$/, view: accountView },
  { pattern: /^\/prices\/?$/, view: pricesView },
  { pattern: /^\/takings\/?$/, view: takingsView },
];

let renderCount = 0;

async function render() {
  if (!me) return;
  renderCount += 1;
  const mine = renderCount;
  const path = location.pathname;
  shownUrl = path + location.search;
  const route = routes.find((r) => r.pattern.test(path));
  const view = h('div', { class: 'view' });
  main.replaceChildren(view);
  if (flash) {
    view.append(h('p', { class: flash.kind === 'info' ? 'notice' : 'flash', role: 'status', 'data-testid': 'flash' },
      flash.text));
    flash = null;
  }
  markNav(path);
  const ctx = {
    root: view,
    session,
    navigate,
    setFlash,
    isCurrent: () => mine === renderCount,
    title: (text) => { document.title = `${text} · Schwann`; },
  };
  if (!route) {
    ctx.title('Not found');
    view.append(h('h1', { tabindex: '-1' }, 'Page not found'),
      h('p', {}, 'There is no page at this address. ', link('/', 'Go to the patient list'), '.'));
    focusHeading(view);
    return;
  }
  try {
    await route.view(ctx, ...path.match(route.pattern).slice(1));
  } catch (e) {
    if (!ctx.isCurrent()) return;
    if (e instanceof ApiError && (e.status === 401 || e.problem.title === 'Missing CSRF token')) return;
    view.append(problemBox(e));
  }
  if (ctx.isCurrent()) focusHeading(view);
}

// After a route change, focus goes to the new page's heading so screen readers announce it and
// Tab continues from there. Skipped when a view has already placed focus (e.g. the search box).
function focusHeading(view) {
  if (view.contains(document.activeElement)) return;
  const heading = view.querySelector('h1');
  if (heading) heading.focus({ preventScroll: true });
}

function markNav(path) {
  for (const a of topbar.querySelectorAll('nav a')) {
    const active = a.dataset.match && new RegExp(a.dataset.match).test(path);
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function renderHeader() {
  if (!me) {
    topbar.hidden = true;
    topbar.replaceChildren();
    return;
  }
  const signOut = h('button', { type: 'button', class: 'btn btn-quiet', 'data-testid': 'sign-out',
    on: { click: () => signOutNow() } }, 'Sign out');
  fill(topbar,
    h('div', { class: 'topbar-inner' },
      h('a', { href: '/', class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }),
        h('span', { class: 'brand-name' }, 'Schwann'),
        h('span', { class: 'brand-sub' }, 'Neuropathy clinic')),
      h('nav', { 'aria-label': 'Main' },
        h('ul', {},
          h('li', {}, h('a', { href: '/', 'data-match': '^/(patients/?)?$|^/patients/[0-9a-f-]{36}' }, 'Patients')),
          session.can('patient.write')
            ? h('li', {}, h('a', { href: '/patients/new', 'data-match': '^/patients/new' }, 'New patient'))
            : null,
          session.can('calendar.read')
            ? h('li', {}, h('a', { href: '/schedule', 'data-match': '^/schedule', 'data-testid': 'nav-schedule' }, 'Schedule'))
            : null,
          session.can('appointment.read')
            ? h('li', {}, h('a', { href: '/worklist', 'data-match': '^/worklist', 'data-testid': 'nav-worklist' }, 'Work list'))
            : null,
          session.can('clinical.read')
            ? h('li', {}, h('a', { href: '/lots', 'data-match': '^/lots', 'data-testid': 'nav-lots' }, 'Lot recall'))
            : null,
          session.can('outcomes.read')
            ? h('li', {}, h('a', { href: '/outcomes', 'data-match': '^/outcomes', 'data-testid': 'nav-outcomes' }, 'Outcomes'))
            : null,
          session.can('price.read')
            ? h('li', {}, h('a', { href: '/prices', 'data-match': '^/prices', 'data-testid': 'nav-prices' }, 'Prices'))
            : null,
          session.can('billing.read')
            ? h('li', {}, h('a', { href: '/takings', 'data-match': '^/takings', 'data-testid': 'nav-takings' }, 'Takings'))
            : null,
          session.can('staff.admin')
            ? h('li', {}, h('a', { href: '/admin', 'data-match': '^/admin', 'data-testid': 'nav-admin' }, 'Admin'))
            : null)),
      h('div', { class: 'who', 'data-testid': 'who' }, userMenu(), signOut)));
  topbar.hidden = false;
}

// The user menu: the name and role; open, it says who is signed in and leads to the account page
// (the own password change). Closes on a choice, Escape or a click elsewhere.
function userMenu() {
  const menu = h('details', { class: 'user-menu', 'data-testid': 'user-menu' },
    h('summary', { 'data-testid': 'user-menu-button', 'aria-label': `${me.name}, ${roleLabel(me.role)}: account menu` },
      h('span', { class: 'who-name', 'data-testid': 'staff-name' }, me.name),
      h('span', { class: 'role', 'data-testid': 'staff-role' }, roleLabel(me.role)),
      h('span', { class: 'caret', 'aria-hidden': 'true' }, '\u25be')),
    h('div', { class: 'menu-body' },
      h('p', { class: 'menu-who' }, 'Signed in as ', h('strong', {}, me.email)),
      h('a', { href: '/account', 'data-testid': 'menu-account' }, 'Change password')));
  menu.addEventListener('click', (ev) => { if (ev.target.closest('a')) menu.open = false; });
  menu.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && menu.open) {
      menu.open = false;
      menu.querySelector('summary').focus();
    }
  });
  return menu;
}

document.addEventListener('click', (ev) => {
  const menu = topbar.querySelector('.user-menu[open]');
  if (menu && !menu.contains(ev.target)) menu.open = false;
});

async function signOutNow() {
  try {
    await api('DELETE', '/api/v1/session');
  } catch {
    // Signed out already, or the server is gone: the tab forgets the session either way.
  }
  csrf.clear();
  me = null;
  history.replaceState(null, '', '/');
  showSignIn('You have signed out.');
}

// The sign-in screen; after signing in, the page the user was on is shown.
function showSignIn(message = null) {
  me = null;
  renderHeader();
  document.title = 'Sign in · Schwann';
  renderCount += 1;
  const summary = errorSummary();
  const form = h('form', { class: 'card signin-card', novalidate: true, 'data-testid': 'sign-in-form', 'data-no-guard': true },
    h('div', { class: 'signin-brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }),
      h('span', { class: 'brand-name' }, 'Schwann')),
    h('h1', { tabindex: '-1' }, 'Sign in'),
    message ? h('p', { class: 'notice', role: 'status', 'data-testid': 'sign-in-message' }, message) : null,
    summary,
    field({ label: 'E-mail', name: 'email', type: 'email', autocomplete: 'username', spellcheck: false }),
    field({ label: 'Password', name: 'password', type: 'password', autocomplete: 'current-password' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Sign in')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    await busy(form, async () => {
      try {
        const r = await api('POST', '/api/v1/session', {
          body: { email: valueOf(form, 'email'), password: form.elements.password.value },
        });
        csrf.set(r.body.csrf_token);
        await loadMe();
      } catch (e) {
        if (e.status === 401) {
          e.problem.errors = [];
          e.problem.title = 'Sign-in failed';
        }
        showProblem(form, summary, e);
        if (e.status === 401) form.elements.password.select();
      }
    });
  });
  fill(main, h('div', { class: 'signin' }, form));
  const email = form.elements.email;
  email.focus();
}

// Loads the staff member and shows the current route; shows sign-in when there is no session or
// this tab has no CSRF token (sessionStorage is per tab; the cookie alone cannot change data).
async function loadMe() {
  let r;
  try {
    r = await api('GET', '/api/v1/me');
  } catch (e) {
    if (e.status === 401) return; // onSessionLost has shown the sign-in form
    fill(main, problemBox(e));
    return;
  }
  if (!csrf.get()) {
    showSignIn('For your security, sign in again in this browser tab.');
    return;
  }
  me = { ...r.body, permissions: new Set(r.body.permissions || []) };
  renderHeader();
  render();
}

onSessionLost((why) => {
  if (!me && why === 'expired') {
    // A late answer to a request sent before signing out must not replace the sign-in form
    // (and its "You have signed out" message) that is already showing.
    if (!document.querySelector('[data-testid="sign-in-form"]')) showSignIn();
    return;
  }
  csrf.clear();
  showSignIn(why === 'expired'
    ? 'Your session has ended. Sign in again to continue.'
    : 'This browser tab is not signed in for changes. Sign in again to continue.');
});

// Plain clicks on same-origin links become history navigations; modified clicks (new tab) and
// in-page anchors keep the browser's behaviour.
document.addEventListener('click', (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = ev.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download')) return;
  const href = a.getAttribute('href');
  if (href.startsWith('#')) {
    const target = document.getElementById(href.slice(1));
    ev.preventDefault();
    if (target) {
      if (!target.hasAttribute('tabindex') && !/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(target.tagName)) {
        target.setAttribute('tabindex', '-1');
      }
      target.focus();
    }
    return;
  }
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  ev.preventDefault();
  if (url.pathname + url.search !== location.pathname + location.search) navigate(url.pathname + url.search);
  else if (mayDiscard()) render();
});

// Back or Forward with unsaved input: asks first; staying puts the address back.
window.addEventListener('popstate', () => {
  if (!mayDiscard()) {
    history.pushState(null, '', shownUrl);
    return;
  }
  render();
});

loadMe();
