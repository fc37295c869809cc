// Records one concomitant medicine for each of the first N patients in IDS_FILE (through the
// public API, a few requests in flight) and writes the medicines' ids to OUT_FILE, for the
// record-layer scenarios of bench/run.
// usage: node bench/records.mjs BASE_URL TOKEN IDS_FILE N OUT_FILE
import { readFileSync, writeFileSync } from 'node:fs';

const [base, token, idsFile, nArg, outFile] = process.argv.slice(2);
if (!base || !token || !idsFile || !nArg || !outFile) {
  console.error('usage: node bench/records.mjs BASE_URL TOKEN IDS_FILE N OUT_FILE');
  process.exit(2);
}
const patients = readFileSync(idsFile, 'utf8').split('\n').filter(Boolean).slice(0, Number(nArg));
const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
const DRUGS = ['pregabalin', 'gabapentin', 'duloxetine', 'amitriptyline', 'tramadol', 'apixaban'];
const out = new Array(patients.length);
let next = 0;
let failed = 0;
async function worker() {
  while (next < patients.length) {
    const i = next++;
    const body = JSON.stringify({ drug: DRUGS[i % DRUGS.length], dose_value: 75, dose_unit: 'mg',
      frequency: 'twice daily', start_date: '2025-01-15' });
    const r = await fetch(`${base}/api/v1/patients/${patients[i]}/medications`, { method: 'POST', headers, body });
    const text = await r.text();
    if (r.status !== 201) {
      if (++failed <= 5) console.error(`records: POST ${i}: ${r.status} ${text.slice(0, 200)}`);
      continue;
    }
    out[i] = JSON.parse(text).id;
  }
}
const t0 = performance.now();
await Promise.all(Array.from({ length: 4 }, worker));
const got = out.filter(Boolean);
writeFileSync(outFile, got.join('\n') + '\n');
console.log(`recorded ${got.length} medicines in ${((performance.now() - t0) / 1000).toFixed(1)} s${failed ? `, ${failed} failed` : ''}`);
process.exit(failed ? 1 : 0);
