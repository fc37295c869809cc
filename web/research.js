// The researcher's home page. A researcher sees de-identified data only: the page says what the
// role can use (the outcome reports, and the instruments the clinic scores and how) and what is
// coming, instead of a dead end.

import { get } from './api.js';
import { h, add, fill, link } from './dom.js';

export async function researcherHome(ctx) {
  const { root } = ctx;
  ctx.title('Research');
  const instruments = h('ul', { class: 'plain-list', 'data-testid': 'research-instruments' },
    h('li', { class: 'muted' }, 'Loading…'));
  add(root,
    h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, 'Research')),
    h('section', { class: 'card', 'data-testid': 'researcher-home' },
      h('h2', {}, 'What your role can use'),
      h('p', {}, 'Your role (researcher) works with de-identified data only: no names, record numbers, contact details '
        + 'or individual patient records are shown to it, and the patient list is not open to it.'),
      h('h3', {}, 'Now'),
      h('p', { 'data-testid': 'research-outcomes' }, link('/outcomes', 'Outcome reports', { 'data-testid': 'research-outcomes-link' }),
        ': the share of patients whose pain fell by at least 30 % or 50 % (or who felt much improved) at 1, 3, 6 and 12 '
        + 'months, with its 95 % interval, by biologic, etiology, chronicity and other strata, with a CSV download.'),
      h('p', {}, 'The instruments the clinic scores, as each patient\u2019s work-up and follow-ups use them:'),
      instruments,
      h('h3', {}, 'Coming'),
      h('ul', {},
        h('li', {}, 'More outcome reports: time to response (Kaplan-Meier), the mean change in pain and in the '
          + 'instrument scores, and how complete the follow-up is.'),
        h('li', {}, 'Adverse events by grade and seriousness, per biologic, beside the outcomes.')),
      h('p', { class: 'muted' }, 'If you need to see identified records for clinical work, ask an administrator for a clinical role.')));
  try {
    const r = await get('/api/v1/instruments');
    if (!ctx.isCurrent()) return;
    fill(instruments, r.body.items.map((i) => h('li', { 'data-instrument': i.id }, i.title)));
  } catch {
    if (ctx.isCurrent()) fill(instruments, h('li', { class: 'muted' }, 'The list of instruments could not be loaded.'));
  }
}
