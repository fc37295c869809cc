// The patient list (search as you type, sorted by name or by last visit, "Load more" by cursor;
// beside each name the neuropathy, the latest NRS and the last visit, as the role may read them)
// and the form that registers a patient or changes one (PATCH with If-Match, only the fields that
// changed).

import { get, post, patch } from './api.js';
import { h, add, fill, link, tag, ageFrom, SEX_LABELS, roleLabel, stacked, etiologyLabel } from './dom.js';
import { field, checkbox, errorSummary, showProblem, clearErrors, valueOf, busy } from './form.js';
import { researcherHome } from './research.js';

const PAGE = 50;
const DEBOUNCE_MS = 250;

// Where "All patients" goes back to: the list with the last search.
let lastListUrl = '/';
export const listUrl = () => lastListUrl;

export function patientName(p) {
  return `${p.family_name}, ${p.given_name}`;
}

// The researcher (and any role without patient.read) sees this instead of identified data.
export function noPatientAccess(session) {
  return h('div', { class: 'empty', 'data-testid': 'no-access' },
    h('h2', {}, 'No patient records for your role'),
    h('p', {}, `Your role (${roleLabel(session.me.role)}) sees only de-identified data; nothing to show here yet.`));
}

export async function patientListView(ctx) {
  const { root, session } = ctx;
  ctx.title('Patients');
  const heading = h('div', { class: 'page-head' },
    h('h1', { tabindex: '-1' }, 'Patients'),
    session.can('patient.write')
      ? link('/patients/new', 'New patient', { class: 'btn btn-primary', 'data-testid': 'new-patient' })
      : null);
  if (!session.can('patient.read')) {
    await (session.me.role === 'researcher' ? researcherHome(ctx) : add(root, heading, noPatientAccess(session)));
    return;
  }
  add(root, heading);

  const initialParams = new URLSearchParams(location.search);
  const initial = initialParams.get('q') || '';
  const showDx = session.can('condition.read');
  const showNrs = session.can('clinical.read');
  const input = h('input', {
    type: 'search', id: 'q', name: 'q', autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': 'q-hint', 'data-testid': 'search',
  });
  input.value = initial;
  const form = h('form', { role: 'search', class: 'search', novalidate: true },
    h('label', { for: 'q' }, 'Search patients'),
    h('div', { class: 'search-row' }, input,
      h('button', { type: 'submit', class: 'btn' }, 'Search')),
    h('p', { class: 'hint', id: 'q-hint' },
      'Family or given name prefix ("smi", "Smith John"), an MRN or part of one, or a birth date YYYY-MM-DD.'));
  const sortSelect = h('select', { id: 'sort', name: 'sort', 'aria-describedby': 'sort-hint', 'data-testid': 'sort' },
    h('option', { value: 'name' }, 'Name'), h('option', { value: 'last_visit' }, 'Last visit, newest first'));
  sortSelect.value = initialParams.get('sort') === 'last_visit' ? 'last_visit' : 'name';
  const sortHint = h('span', { class: 'hint', id: 'sort-hint' });
  const sortRow = h('div', { class: 'sort-row' }, h('label', { for: 'sort' }, 'Sort by'), sortSelect, sortHint);
  const status = h('p', { class: 'result-status', role: 'status', 'data-testid': 'result-status' });
  const tbody = h('tbody');
  const table = h('table', { class: 'data patients', 'data-testid': 'patient-table', hidden: true },
    h('caption', { class: 'visually-hidden' }, 'Patients'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Name'),
      h('th', { scope: 'col' }, 'MRN'),
      h('th', { scope: 'col' }, 'Born'),
      h('th', { scope: 'col' }, 'Sex'),
      showDx ? h('th', { scope: 'col' }, 'Neuropathy') : null,
      showNrs ? h('th', { scope: 'col' }, 'Latest NRS') : null,
      h('th', { scope: 'col' }, 'Last visit'))),
    tbody);
  const empty = h('div', { class: 'empty', 'data-testid': 'empty', hidden: true });
  const more = h('button', { type: 'button', class: 'btn', 'data-testid': 'load-more', hidden: true }, 'Load more');
  const errorBox = h('div', { class: 'problem', role: 'alert', hidden: true });
  add(root, h('section', { class: 'card', 'aria-label': 'Patient search' }, form, sortRow, status, errorBox,
    table, empty, h('div', { class: 'more' }, more)));
  stacked(table);

  let cursor = null;
  let query = initial;
  // A search is sorted by name (the server refuses last_visit with a search).
  const sortOf = (q) => (q ? 'name' : sortSelect.value);
  function showSort(q) {
    sortSelect.disabled = !!q;
    sortHint.textContent = q ? 'Search results are sorted by name.' : '';
  }
  let shown = 0;
  let controller = null;
  let timer = null;

  async function load(q, append) {
    if (controller) controller.abort();
    controller = new AbortController();
    const params = new URLSearchParams({ limit: String(PAGE) });
    if (q) params.set('q', q);
    if (sortOf(q) === 'last_visit') params.set('sort', 'last_visit');
    showSort(q);
    if (append && cursor) params.set('cursor', cursor);
    table.setAttribute('aria-busy', 'true');
    if (!append) status.textContent = 'Searching…';
    let r;
    try {
      r = await get(`/api/v1/patients?${params}`, { signal: controller.signal });
    } catch (e) {
      if (e.name === 'AbortError' || !ctx.isCurrent()) return;
      table.removeAttribute('aria-busy');
      status.textContent = '';
      fill(errorBox, h('h2', {}, e.problem?.title || 'Search failed'),
        h('p', {}, e.problem?.detail || ''));
      errorBox.hidden = false;
      return;
    }
    if (!ctx.isCurrent()) return;
    errorBox.hidden = true;
    table.removeAttribute('aria-busy');
    if (!append) {
      tbody.replaceChildren();
      shown = 0;
    }
    for (const p of r.body.items) tbody.append(row(p));
    shown += r.body.items.length;
    cursor = r.body.next_cursor;
    more.hidden = !cursor;
    table.hidden = shown === 0;
    empty.hidden = shown !== 0;
    if (shown === 0) {
      fill(empty, q
        ? [h('h2', {}, `No patients match “${q}”`),
          h('p', {}, 'Try fewer letters of the name, part of the MRN, or a birth date written YYYY-MM-DD.')]
        : [h('h2', {}, 'No patients registered yet'),
          session.can('patient.write') ? h('p', {}, link('/patients/new', 'Register the first patient')) : null]);
    }
    const noun = shown === 1 ? 'patient' : 'patients';
    status.textContent = shown === 0 ? ''
      : `${cursor ? 'Showing the first ' : ''}${shown} ${noun}${q ? ` matching “${q}”` : ''}`
        + `${sortOf(q) === 'last_visit' ? ', last visit first' : ''}${cursor ? '; more below' : ''}`;
  }

  // Nothing recorded: a dash on a wide screen, left out on a phone.
  const none = () => h('td', { class: 'empty-cell muted' }, '\u2014');
  function row(p) {
    const age = ageFrom(p.birth_date);
    const n = p.neuropathy;
    return h('tr', { 'data-testid': 'patient-row', 'data-id': p.id },
      h('td', { 'data-label': 'Name', class: 'name-cell' }, link(`/patients/${p.id}`, patientName(p), { class: 'patient-link' }),
        p.synthetic ? tag('synthetic', 'synthetic', { title: 'Synthetic demo patient, not a real person' }) : null,
        p.archived ? tag('archived', 'archived') : null),
      h('td', { class: 'mono', 'data-label': 'MRN' }, p.mrn),
      h('td', { 'data-label': 'Born' }, h('span', { class: 'mono' }, p.birth_date),
        age === null ? null : [' ', h('span', { class: 'sub' }, `${age} years`)]),
      h('td', { 'data-label': 'Sex' }, SEX_LABELS[p.sex_at_birth] || p.sex_at_birth),
      !showDx ? null : n ? h('td', { 'data-label': 'Neuropathy', 'data-testid': 'row-neuropathy' },
        h('span', { class: 'mono' }, n.icd10), ` ${etiologyLabel(n.etiology)} `,
        n.chronicity && n.chronicity !== 'unknown' ? tag(n.chronicity, n.chronicity) : null) : none(),
      !showNrs ? null : p.latest_nrs ? h('td', { 'data-label': 'Latest NRS', 'data-testid': 'row-nrs' },
        h('strong', {}, String(p.latest_nrs.value)), ' ', h('span', { class: 'sub' }, p.latest_nrs.date)) : none(),
      p.last_visit ? h('td', { class: 'mono', 'data-label': 'Last visit', 'data-testid': 'row-last-visit' }, p.last_visit)
        : h('td', { class: 'muted', 'data-label': 'Last visit' }, 'never'));
  }

  function searchNow() {
    clearTimeout(timer);
    // A search typed just before following a link must not pull the user back to the list.
    if (!input.isConnected || location.pathname !== '/') return;
    const q = input.value.trim();
    query = q;
    const u = new URLSearchParams();
    if (q) u.set('q', q);
    if (sortSelect.value === 'last_visit') u.set('sort', 'last_visit');
    const url = u.toString() ? `/?${u}` : '/';
    if (location.pathname + location.search !== url) history.replaceState(null, '', url);
    lastListUrl = url;
    cursor = null;
    load(q, false);
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(searchNow, DEBOUNCE_MS);
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    searchNow();
  });
  sortSelect.addEventListener('change', searchNow);
  more.addEventListener('click', async () => {
    const before = tbody.rows.length;
    more.disabled = true;
    await load(query, true);
    more.disabled = false;
    // Keyboard users continue at the first new row.
    const first = tbody.rows[before]?.querySelector('a');
    if (first && more.hidden) first.focus();
  });

  lastListUrl = location.pathname + location.search;
  input.focus();
  await load(query, false);
}

const SEX_CHOICES = [['', 'Choose…'], ...Object.entries(SEX_LABELS)];

// Form values in the API's shape. Create: empty optional fields are left out. Edit: only fields
// that differ from the loaded patient, an emptied field as null.
function payload(form, original) {
  const text = (name) => valueOf(form, name);
  const out = {};
  const top = ['mrn', 'family_name', 'given_name', 'birth_date', 'sex_at_birth', 'phone', 'email'];
  for (const key of top) {
    const v = text(key);
    if (!original) {
      if (v !== '') out[key] = v;
    } else if (v !== (original[key] ?? '')) {
      out[key] = v === '' ? null : v;
    }
  }
  const address = {};
  for (const key of ['line', 'city', 'region', 'postal_code', 'country']) {
    let v = text(`address.${key}`);
    if (key === 'country') v = v.toUpperCase();
    if (!original) {
      if (v !== '') address[key] = v;
    } else if (v !== (original.address?.[key] ?? '')) {
      address[key] = v === '' ? null : v;
    }
  }
  if (Object.keys(address).length) out.address = address;
  const consent = form.elements.research_consent.checked;
  if (!original || consent !== !!original.research_consent) out.research_consent = consent;
  return out;
}

// /patients/new (id null) and /patients/{id}/edit.
export async function patientFormView(ctx, id) {
  const { root, session } = ctx;
  let p = null;
  let version = null;
  if (id) {
    const r = await get(`/api/v1/patients/${id}`);
    if (!ctx.isCurrent()) return;
    p = r.body;
    version = r.etag ?? p.version;
  }
  const title = p ? `Edit ${patientName(p)}` : 'New patient';
  ctx.title(title);
  add(root, h('p', { class: 'crumbs' },
    p ? link(`/patients/${id}`, `← Back to ${patientName(p)}`) : link(lastListUrl, '← All patients')),
  h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, title),
    p?.synthetic ? tag('synthetic', 'synthetic') : null));
  if (!session.can('patient.write')) {
    add(root, h('div', { class: 'empty' }, h('h2', {}, 'Not allowed'),
      h('p', {}, `Your role (${roleLabel(session.me.role)}) may not register or change patients.`)));
    return;
  }
  if (p?.archived) {
    add(root, h('div', { class: 'empty' }, h('h2', {}, 'This patient is archived'),
      h('p', {}, 'Archived patients cannot be changed.')));
    return;
  }
  const v = (key) => (p ? p[key] ?? '' : '');
  const a = (key) => (p ? p.address?.[key] ?? '' : '');
  const summary = errorSummary();
  const form = h('form', { class: 'card form', novalidate: true, 'data-testid': 'patient-form' },
    summary,
    h('fieldset', {}, h('legend', {}, 'Identity'),
      h('div', { class: 'grid' },
        field({ label: 'Family name', name: 'family_name', required: true, value: v('family_name'), autocomplete: 'off' }),
        field({ label: 'Given name', name: 'given_name', required: true, value: v('given_name') }),
        field({ label: 'Birth date', name: 'birth_date', required: true, value: v('birth_date'),
          hint: 'YYYY-MM-DD, e.g. 1961-07-04', inputmode: 'numeric', maxlength: 10, placeholder: 'YYYY-MM-DD', narrow: true }),
        field({ label: 'Sex at birth', name: 'sex_at_birth', required: true, value: v('sex_at_birth'), choices: SEX_CHOICES, narrow: true }),
        field({ label: 'MRN', name: 'mrn', required: true, value: v('mrn'), spellcheck: false,
          hint: 'Medical record number: letters, digits and - _ . /', maxlength: 32 }))),
    h('fieldset', {}, h('legend', {}, 'Contact'),
      h('div', { class: 'grid' },
        field({ label: 'Phone', name: 'phone', type: 'tel', value: v('phone'), maxlength: 32 }),
        field({ label: 'E-mail', name: 'email', type: 'email', value: v('email'), spellcheck: false, maxlength: 254 }))),
    h('fieldset', {}, h('legend', {}, 'Address'),
      h('div', { class: 'grid' },
        field({ label: 'Street address', name: 'address.line', value: a('line'), wide: true, maxlength: 200 }),
        field({ label: 'City', name: 'address.city', value: a('city'), maxlength: 100 }),
        field({ label: 'Region or state', name: 'address.region', value: a('region'), maxlength: 100 }),
        field({ label: 'Postal code', name: 'address.postal_code', value: a('postal_code'), maxlength: 16, narrow: true }),
        field({ label: 'Country', name: 'address.country', value: a('country'), maxlength: 2, narrow: true,
          hint: 'Two letters, e.g. US' }))),
    h('fieldset', {}, h('legend', {}, 'Research'),
      h('div', { class: 'field', 'data-path': 'research_consent' },
        h('p', { class: 'field-error', id: 'research_consent-error', hidden: true }),
        checkbox({ name: 'research_consent', label: 'The patient consents to the use of their de-identified data in research',
          checked: p ? p.research_consent : false }))),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'save-patient' },
        p ? 'Save changes' : 'Register patient'),
      link(p ? `/patients/${id}` : lastListUrl, 'Cancel', { class: 'btn btn-quiet' })));
  add(root, form);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    const body = payload(form, p);
    if (p && Object.keys(body).length === 0) {
      ctx.setFlash('Nothing was changed.', 'info');
      ctx.navigate(`/patients/${id}`, { force: true });
      return;
    }
    await save(body);
  });

  // Sends the form; confirmNew: the user has seen the possible duplicates and registers anyway.
  async function save(body, confirmNew = false) {
    await busy(form, async () => {
      try {
        const r = p
          ? await patch(`/api/v1/patients/${id}`, body, { ifMatch: version })
          : await post('/api/v1/patients', confirmNew ? { ...body, confirm_new: true } : body);
        ctx.setFlash(p ? 'Changes saved.' : `${patientName(r.body)} is registered.`);
        ctx.navigate(`/patients/${r.body.id}`, { force: true });
      } catch (e) {
        if (!ctx.isCurrent()) return;
        if (e.status === 409 && Array.isArray(e.problem.possible_duplicates)) {
          showDuplicates(e.problem.possible_duplicates, body);
          return;
        }
        if (e.status === 409 && Array.isArray(e.problem.existing)) {
          showProblem(form, summary, e);
          linkExisting(e.problem.existing);
          return;
        }
        if (e.status === 412) {
          e.problem = {
            title: 'Someone else changed this patient',
            detail: 'Someone else changed this patient after you opened this form, so your changes were not saved. '
              + 'Reload to see the current record, then make your changes again.',
          };
          showProblem(form, summary, e, h('p', {}, h('button', {
            type: 'button', class: 'btn', 'data-testid': 'reload',
            on: { click: () => ctx.navigate(location.pathname, { replace: true, force: true }) },
          }, 'Reload patient')));
          return;
        }
        showProblem(form, summary, e);
      }
    });
  }

  // A link that leaves the form on purpose: no "discard what you typed?" question.
  const openRecord = (x, text, testid) => link(`/patients/${x.id}`, text, { 'data-testid': testid,
    on: { click: (ev) => {
      if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
      ev.preventDefault();
      ctx.navigate(`/patients/${x.id}`, { force: true });
    } } });

  // 409 "Possible duplicate": the patients with this name and birth date, each a link to their
  // record, and "Register anyway" (the same form again with confirm_new).
  function showDuplicates(matches, body) {
    const one = matches.length === 1;
    showProblem(form, summary, { problem: {
      title: one ? 'A patient with this name and birth date is already registered'
        : `${matches.length} patients with this name and birth date are already registered`,
      detail: `Is this the same person? Open ${one ? 'their record' : 'the right record'} instead of registering them `
        + 'twice. Register anyway only if this is another person.',
    } }, [
      h('ul', { class: 'duplicates', 'data-testid': 'possible-duplicates' }, matches.map((x) => h('li', { 'data-id': x.id },
        openRecord(x, patientName(x), 'duplicate-link'),
        ` · MRN ${x.mrn} · born ${x.birth_date}`, x.archived ? [' ', tag('archived', 'archived')] : null))),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'btn', 'data-testid': 'register-anyway',
          on: { click: () => save(body, true) } }, 'Register anyway'))]);
  }

  // 409 "MRN in use": the patient who has it, linked next to the MRN error.
  function linkExisting(existing) {
    const slot = form.querySelector('[data-path="mrn"] .field-error');
    if (!slot || !existing.length) return;
    slot.append(h('span', { class: 'existing' }, 'It belongs to ', existing.map((x, i) => [i ? ', ' : '',
      openRecord(x, `${patientName(x)} (born ${x.birth_date})`, 'mrn-owner')]), '.'));
  }
}
