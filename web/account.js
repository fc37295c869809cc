// The signed-in staff member's own account (/account), reached from the user menu in the header:
// who they are, and changing their password (the current one, then a new one of at least 12
// characters; the server's rules, such as "not a common password", come back at the field).

import { post } from './api.js';
import { h, add, roleLabel } from './dom.js';
import { field, errorSummary, showProblem, clearErrors, busy } from './form.js';

export function accountView(ctx) {
  const { root, session } = ctx;
  const me = session.me;
  ctx.title('Your account');
  const summary = errorSummary();
  const form = h('form', { class: 'card form account-form', novalidate: true, 'data-testid': 'password-form',
    'aria-labelledby': 'pw-heading' },
  h('h2', { id: 'pw-heading' }, 'Change your password'),
  summary,
  field({ label: 'Current password', name: 'current_password', type: 'password', required: true,
    autocomplete: 'current-password' }),
  field({ label: 'New password', name: 'new_password', type: 'password', required: true, autocomplete: 'new-password',
    hint: 'At least 12 characters; a few unrelated words are easy to remember. Not a common password, not your e-mail.' }),
  field({ label: 'New password again', name: 'new_password_again', type: 'password', required: true,
    autocomplete: 'new-password' }),
  h('p', { class: 'hint' }, 'You stay signed in here; nothing else changes.'),
  h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'change-password' }, 'Change password')));
  add(root,
    h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, 'Your account')),
    h('section', { class: 'card', 'data-testid': 'account' },
      h('dl', { class: 'facts account-facts' },
        h('dt', {}, 'Name'), h('dd', {}, me.name),
        h('dt', {}, 'E-mail'), h('dd', {}, me.email),
        h('dt', {}, 'Role'), h('dd', { class: 'cap' }, roleLabel(me.role)))),
    form);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    const current = form.elements.current_password.value;
    const next = form.elements.new_password.value;
    if (next !== form.elements.new_password_again.value) {
      showProblem(form, summary, { problem: { title: 'The new passwords differ', errors: [
        { path: 'new_password_again', message: 'must be the same as the new password' }] } });
      return;
    }
    await busy(form, async () => {
      try {
        await post('/api/v1/me/password', { current_password: current, new_password: next });
      } catch (e) {
        if (!ctx.isCurrent()) return;
        showProblem(form, summary, e);
        return;
      }
      form.reset();
      ctx.setFlash('Your password is changed. Use the new one the next time you sign in.');
      ctx.navigate('/account', { force: true, replace: true });
    });
  });
}
