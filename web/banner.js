// The patient banner at the top of every tab of the chart, kept on screen while scrolling: name,
// age, sex, MRN and birth date, the neuropathy (diagnosis, cause, chronicity) and the alerts
// that matter before a needle goes in: an anticoagulant or antiplatelet being taken, a serious
// adverse event, an abnormal latest platelet count; and the synthetic mark. Each role sees only
// what it may read (the alerts need clinical.read, the neuropathy condition.read).

import { get, latestOnly } from './api.js';
import { h, fill, link, tag, ageFrom, durationText, etiologyLabel, todayText, SEX_LABELS } from './dom.js';
import { patientName } from './patients.js';
import { bleedingRelevant, drugClassLabel, medicineState, doseText, resultText } from './records.js';
import { isSerious, gradeText, criterionText } from './adverse-events.js';

const items = (path) => get(path).then((r) => r.body.items);

// Returns {element, refresh}; refresh() reads the records again (after a change on the page).
export function patientBanner(ctx, p) {
  const { session } = ctx;
  const age = ageFrom(p.birth_date);
  const neuropathy = h('p', { class: 'banner-neuropathy', 'data-testid': 'banner-neuropathy', hidden: true });
  const alerts = h('ul', { class: 'banner-alerts', 'data-testid': 'banner-alerts', 'aria-label': 'Alerts', hidden: true });
  const element = h('header', { class: 'patient-banner', 'data-testid': 'patient-banner' },
    h('div', { class: 'banner-row' },
      h('div', { class: 'banner-who' },
        h('h1', { tabindex: '-1', 'data-testid': 'patient-name' }, patientName(p),
          p.synthetic ? tag('synthetic', 'synthetic', { title: 'Synthetic demo patient, not a real person', 'data-testid': 'synthetic-tag' }) : null,
          p.archived ? tag('archived', 'archived') : null),
        h('p', { class: 'banner-facts', 'data-testid': 'banner-facts' },
          h('span', {}, age === null ? 'Age unknown' : `${age} years`),
          h('span', {}, SEX_LABELS[p.sex_at_birth] || p.sex_at_birth),
          h('span', {}, 'MRN ', h('span', { class: 'mono' }, p.mrn)),
          h('span', { class: 'banner-born' }, 'born ', h('span', { class: 'mono' }, p.birth_date)))),
      session.can('patient.write') && !p.archived
        ? link(`/patients/${p.id}/edit`, ['Edit', h('span', { class: 'banner-wide' }, ' patient')],
          { class: 'btn btn-small', 'data-testid': 'edit-patient', 'aria-label': 'Edit patient' })
        : null),
    neuropathy, alerts);

  const latest = latestOnly(ctx);
  async function refresh() {
    const isLatest = latest();
    const clinical = session.can('clinical.read');
    let got;
    try {
      got = await Promise.all([
        session.can('condition.read') ? items(`/api/v1/patients/${p.id}/conditions`) : null,
        clinical ? items(`/api/v1/patients/${p.id}/medications`) : [],
        clinical ? items(`/api/v1/patients/${p.id}/adverse-events`) : [],
        clinical ? items(`/api/v1/patients/${p.id}/observations`) : [],
      ]);
    } catch {
      // The tab itself shows what went wrong; the banner keeps what it had.
      return;
    }
    if (!isLatest()) return;
    const [conditions, meds, events, observations] = got;
    fillNeuropathy(conditions);
    fillAlerts(meds, events, observations);
  }

  function fillNeuropathy(conditions) {
    if (conditions === null) {
      neuropathy.hidden = true;
      return;
    }
    const current = conditions.filter((c) => c.status !== 'entered_in_error');
    fill(neuropathy, current.length
      ? current.map((c, i) => h('span', { class: 'banner-dx', 'data-code': c.icd10 }, i ? '; ' : '',
        h('strong', {}, c.icd10), h('span', { class: 'banner-dx-desc' }, ` ${c.description || ''}`),
        ` · ${etiologyLabel(c.etiology)} · `,
        c.chronicity === 'unknown' ? 'onset unknown'
          : [tag(c.chronicity, c.chronicity, { 'data-testid': 'banner-chronicity' }),
            c.duration_months === null || c.duration_months === undefined ? '' : ` ${durationText(c.duration_months)}`]))
      : h('span', { class: 'muted' }, 'No neuropathy diagnosis recorded'));
    neuropathy.hidden = false;
  }

  function fillAlerts(meds, events, observations) {
    const today = todayText();
    const out = [];
    for (const m of meds.filter((x) => bleedingRelevant(x) && x.status !== 'entered_in_error'
      && medicineState(x, today) !== 'stopped')) {
      out.push(alertItem({ kind: 'bleeding', testid: 'alert-bleeding', data: { 'data-drug': m.drug },
        label: drugClassLabel(m.drug_class), short: m.label || m.drug,
        long: `: ${[m.label || m.drug, doseText(m), m.frequency].filter(Boolean).join(' ')}`
          + (m.stop_date ? ` (stop planned ${m.stop_date})` : '') + ' — bleeding risk' }));
    }
    const serious = events.filter(isSerious);
    if (serious.length) {
      out.push(alertItem({ kind: 'serious', testid: 'serious-ae-banner',
        label: serious.length === 1 ? 'Serious adverse event recorded' : `${serious.length} serious adverse events recorded`,
        shortLabel: serious.length === 1 ? 'Serious AE' : `${serious.length} serious AEs`,
        short: serious.map((e) => e.term).join(', '),
        long: ': ' + serious.map((e) => `${e.term} (${gradeText(e.grade)}, `
          + `${criterionText(e.serious_criteria).toLowerCase()}, onset ${e.onset_date})`).join('; ') }));
    }
    // The latest platelet count, when it is abnormal.
    const platelets = observations.filter((o) => o.kind === 'platelet_count' && o.status !== 'voided')
      .sort((a, b) => (b.performed_on || '').localeCompare(a.performed_on || ''))[0];
    if (platelets && platelets.abnormal === true) {
      out.push(alertItem({ kind: 'platelets', testid: 'alert-platelets', label: 'Platelet count abnormal',
        shortLabel: 'Platelets', short: resultText(platelets),
        long: `: ${resultText(platelets)} on ${platelets.performed_on}` }));
    }
    fill(alerts, out);
    alerts.hidden = !out.length;
  }

  return { element, refresh };
}

// One alert: in full on a wide screen; on a phone (style.css) a one-line chip, "Anticoagulant:
// Apixaban", whose full words stay in the page for screen readers and in its title.
function alertItem({ kind, testid, data = {}, label, shortLabel = label, short, long }) {
  return h('li', { class: ['alert', `alert-${kind}`], 'data-testid': testid, title: `${label}${long}`, ...data },
    h('span', { class: 'alert-long' }, h('strong', {}, label), long),
    h('span', { class: 'alert-short', 'aria-hidden': 'true' }, h('strong', {}, shortLabel), `: ${short}`));
}
