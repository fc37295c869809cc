// The responder table side by side: Schwann's GET /api/v1/outcomes/responders on a running server
// against the same table computed by DuckDB from a CSV export of the same database, by the rules
// of docs/OUTCOMES.md. Times Schwann's first request and warm repeats (HTTP included), DuckDB's
// load and query separately, reads the server's memory from /proc, and checks that both engines
// give the same counts row by row (a mismatch is printed loudly and makes the exit status 1).
//
//   node bench/outcomes.mjs BASE TOKEN PID EXPORT_DIR PATIENTS [WARM] [BY]
//
// BY: "biologic,chronicity" (one request per milestone, rows by both) or "split" (by=biologic and
// by=chronicity as separate requests, for a server without two-variable strata). BASE "-": DuckDB
// only (no server; today is the UTC date), for sizes the server cannot hold yet.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [base, token, pid, exportDir, patients, warmArg, byArg] = process.argv.slice(2);
const WARM = Number(warmArg || 3);
const BY = byArg || 'biologic,chronicity';
const MILESTONES = [[30, 14], [91, 21], [182, 30], [365, 45]];
const THRESHOLD = 30;
const COUNTS = ['treated', 'due', 'not_evaluable', 'missing', 'observed', 'responders'];

function mem(field) {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function schwann(query) {
  const t0 = performance.now();
  const r = await fetch(`${base}/api/v1/outcomes/responders?${query}`, { headers: { Authorization: `Bearer ${token}` } });
  const text = await r.text();
  const ms = performance.now() - t0;
  if (r.status !== 200) throw new Error(`Schwann ${query}: ${r.status} ${text.slice(0, 300)}`);
  return { ms, body: JSON.parse(text) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const key = (stratum) => JSON.stringify(Object.keys(stratum).sort().map((k) => [k, stratum[k]]));

// ---- Schwann ------------------------------------------------------------------------------
const queries = (m) => (BY === 'split'
  ? [`milestone=${m}&threshold=${THRESHOLD}&by=biologic&min_n=1`, `milestone=${m}&threshold=${THRESHOLD}&by=chronicity&min_n=1`]
  : [`milestone=${m}&threshold=${THRESHOLD}&by=${BY}&min_n=1`]);

const SKIP = base === '-';
const rss0 = SKIP ? NaN : mem('VmRSS');
const sw = { first: null, warm: [], rows: new Map(), asOf: new Date().toISOString().slice(0, 10) };
if (!SKIP) {
  // The first request of this server process, alone: nothing of the registry is in memory yet.
  const t0 = performance.now();
  for (const q of queries(MILESTONES[0][0])) await schwann(q);
  sw.first = performance.now() - t0;
}
const perMilestone = [];
for (const [m] of SKIP ? [] : MILESTONES) {
  const times = [];
  for (let i = 0; i < WARM; i++) {
    let ms = 0;
    for (const q of queries(m)) {
      const r = await schwann(q);
      ms += r.ms;
      sw.asOf = r.body.as_of;
      if (i === 0) for (const row of r.body.rows) sw.rows.set(`${m} ${key(row.stratum)}`, row);
    }
    times.push(ms);
  }
  perMilestone.push({ m, ms: median(times) });
}
const swWarm = perMilestone.reduce((s, x) => s + x.ms, 0);
const rss = SKIP ? NaN : mem('VmRSS');
const hwm = SKIP ? NaN : mem('VmHWM');

// ---- DuckDB -------------------------------------------------------------------------------
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const csv = (name, cols) => `read_csv('${exportDir}/${name}.csv', header = true, columns = {${cols}})`;
let t0 = performance.now();
await con.run(`CREATE TABLE injections AS SELECT * FROM ${csv('injections', "'patient_id': 'VARCHAR', 'plan_id': 'VARCHAR', 'performed_on': 'DATE', 'created_at': 'VARCHAR', 'status': 'VARCHAR'")}`);
await con.run(`CREATE TABLE plans AS SELECT * FROM ${csv('plans', "'id': 'VARCHAR', 'biologic': 'VARCHAR', 'condition_id': 'VARCHAR'")}`);
await con.run(`CREATE TABLE conditions AS SELECT * FROM ${csv('conditions', "'id': 'VARCHAR', 'onset_date': 'VARCHAR'")}`);
await con.run(`CREATE TABLE diary AS SELECT * FROM ${csv('diary', "'patient_id': 'VARCHAR', 'entry_date': 'DATE', 'nrs': 'INTEGER', 'status': 'VARCHAR'")}`);
await con.run(`CREATE TABLE assessments AS SELECT * FROM ${csv('assessments', "'patient_id': 'VARCHAR', 'instrument_id': 'VARCHAR', 'performed_at': 'VARCHAR', 'total': 'DOUBLE', 'status': 'VARCHAR'")}`);
const duckLoad = performance.now() - t0;

// The rules of docs/OUTCOMES.md in SQL. Day 0: the first live injection (by date, then creation);
// chronicity: whole months from the onset of its plan's diagnosis (a month-only onset is the 15th)
// to day 0, counting a month only once its day is reached, against 12; day values: the mean of a
// date's readings; baseline: the mean of days -14..0, else the latest of -30..-15, 0 or none not
// evaluable; a milestone's value: the day nearest it in its window, the later on a tie; due once
// the window's last day is before today; responder at value <= baseline x (1 - T/100) + 1e-9.
const responderSql = (m, w, today) => `
WITH first AS (
  SELECT patient_id, performed_on AS day0, plan_id FROM (
    SELECT *, row_number() OVER (PARTITION BY patient_id ORDER BY performed_on, created_at) AS k
    FROM injections WHERE status <> 'voided') WHERE k = 1),
subject AS (
  SELECT f.patient_id, f.day0, p.biologic,
    CASE WHEN c.onset_date IS NULL THEN NULL
         WHEN length(c.onset_date) = 7 THEN (c.onset_date || '-15')::DATE
         ELSE c.onset_date::DATE END AS onset
  FROM first f JOIN plans p ON p.id = f.plan_id LEFT JOIN conditions c ON c.id = p.condition_id),
stratified AS (
  SELECT patient_id, day0, biologic,
    CASE WHEN onset IS NULL THEN 'unknown'
         WHEN greatest(0, (year(day0) - year(onset)) * 12 + month(day0) - month(onset)
                          - CASE WHEN day(day0) < day(onset) THEN 1 ELSE 0 END) >= 12 THEN 'chronic'
         ELSE 'recent' END AS chronicity
  FROM subject),
readings AS (
  SELECT patient_id, entry_date AS d, nrs::DOUBLE AS v FROM diary WHERE status <> 'voided'
  UNION ALL
  SELECT patient_id, substr(performed_at, 1, 10)::DATE, total FROM assessments
  WHERE instrument_id = 'nrs' AND status <> 'voided' AND total IS NOT NULL),
day_values AS (
  SELECT s.patient_id, date_diff('day', s.day0, r.d) AS t, avg(r.v) AS v
  FROM readings r JOIN stratified s USING (patient_id) GROUP BY 1, 2),
per_patient AS (
  SELECT patient_id,
    avg(v) FILTER (WHERE t BETWEEN -14 AND 0) AS mean_14,
    arg_max(v, t) FILTER (WHERE t BETWEEN -30 AND -15) AS latest_30,
    arg_max(v, -abs(t - ${m}) * 100000 + t) FILTER (WHERE t BETWEEN ${m - w} AND ${m + w}) AS value
  FROM day_values GROUP BY 1),
outcome AS (
  SELECT s.biologic, s.chronicity,
    date_diff('day', s.day0, DATE '${today}') > ${m + w} AS due,
    coalesce(p.mean_14, p.latest_30) AS baseline, p.value
  FROM stratified s LEFT JOIN per_patient p USING (patient_id)),
judged AS (
  SELECT biologic, chronicity, due,
    coalesce(baseline, 0) <> 0 AS evaluable, value IS NOT NULL AS has_value,
    coalesce(baseline, 0) <> 0 AND value IS NOT NULL
      AND value <= baseline * (1 - ${THRESHOLD} / 100.0) + 1e-9 AS responder
  FROM outcome)
SELECT biologic, chronicity, grouping(biologic, chronicity) AS g,
  count(*) AS treated,
  count(*) FILTER (WHERE due) AS due,
  count(*) FILTER (WHERE due AND NOT evaluable) AS not_evaluable,
  count(*) FILTER (WHERE due AND evaluable AND NOT has_value) AS missing,
  count(*) FILTER (WHERE due AND evaluable AND has_value) AS observed,
  count(*) FILTER (WHERE due AND responder) AS responders
FROM judged
GROUP BY GROUPING SETS ((), ${BY === 'split' ? '(biologic), (chronicity)' : '(biologic, chronicity)'})`;

const duck = { first: null, perMilestone: [], rows: new Map() };
for (const [m, w] of MILESTONES) {
  const times = [];
  for (let i = 0; i <= WARM; i++) {
    t0 = performance.now();
    const reader = await con.runAndReadAll(responderSql(m, w, sw.asOf));
    const ms = performance.now() - t0;
    if (m === MILESTONES[0][0] && i === 0) duck.first = ms;
    else times.push(ms);
    if (i === 0) {
      for (const r of reader.getRowObjectsJS()) {
        const stratum = {};
        const g = Number(r.g);
        if (g === 0 || g === 1) stratum.biologic = r.biologic;
        if (g === 0 || g === 2) stratum.chronicity = r.chronicity;
        duck.rows.set(`${m} ${key(stratum)}`, Object.fromEntries(COUNTS.map((c) => [c, Number(r[c])])));
      }
    }
  }
  duck.perMilestone.push({ m, ms: median(times) });
}
const duckWarm = duck.perMilestone.reduce((s, x) => s + x.ms, 0);

// ---- the check ------------------------------------------------------------------------------
const mismatches = [];
for (const k of SKIP ? [] : new Set([...sw.rows.keys(), ...duck.rows.keys()])) {
  const a = sw.rows.get(k);
  const b = duck.rows.get(k);
  const diff = COUNTS.filter((c) => !a || !b || a[c] !== b[c]);
  if (diff.length) mismatches.push(`${k}: ${diff.map((c) => `${c} schwann ${a ? a[c] : '-'} duckdb ${b ? b[c] : '-'}`).join(', ')}`);
}

const f = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const lines = [];
lines.push(`patients ${Number(patients).toLocaleString('en')}  (as of ${sw.asOf}; threshold ${THRESHOLD} %; by ${BY}; ${duck.rows.size} rows over 4 milestones)`);
if (SKIP) lines.push('  schwann  not run at this size (BENCH_SCHWANN_MAX): the engine reads the whole registry into memory on each request');
else lines.push(`  schwann  first request ${f(sw.first)}; warm, median of ${WARM}: ${perMilestone.map((x) => `${x.m}: ${f(x.ms)}`).join(', ')}; all four ${f(swWarm)}`);
if (!SKIP) lines.push(`           server memory: VmRSS ${rss0.toFixed(0)} MB before, ${rss.toFixed(0)} MB after, VmHWM ${hwm.toFixed(0)} MB`);
lines.push(`  duckdb   load ${f(duckLoad)} (CSV to tables, not counted); first query ${f(duck.first)}; warm, median of ${WARM}: ${duck.perMilestone.map((x) => `${x.m}: ${f(x.ms)}`).join(', ')}; all four ${f(duckWarm)}`);
if (!SKIP) lines.push(`  faster   ${swWarm < duckWarm ? 'schwann' : 'duckdb'} by ${(Math.max(swWarm, duckWarm) / Math.min(swWarm, duckWarm)).toFixed(1)}x (all four milestones, warm)`);
if (!SKIP) lines.push(mismatches.length
  ? `  CHECK    MISMATCH in ${mismatches.length} rows:\n${mismatches.map((x) => `    !!! ${x}`).join('\n')}`
  : `  check    the same counts in all ${sw.rows.size} rows (${COUNTS.join(', ')})`);
console.log(lines.join('\n'));
process.exitCode = mismatches.length ? 1 : 0;
