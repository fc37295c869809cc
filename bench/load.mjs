// Loads N synthetic patients into a running Schwann server through the public API, with a fixed
// number of requests in flight, and writes the new patients' ids (one per line) to a file.
// usage: node bench/load.mjs BASE_URL TOKEN COUNT IDS_FILE [CONCURRENCY]
import { writeFileSync } from 'node:fs';

const [base, token, countArg, idsFile, concArg] = process.argv.slice(2);
if (!base || !token || !countArg || !idsFile) {
  console.error('usage: node bench/load.mjs BASE_URL TOKEN COUNT IDS_FILE [CONCURRENCY]');
  process.exit(2);
}
const count = Number(countArg);
const concurrency = Number(concArg || 32);

// Names shared with bench/search.lua (its prefixes are the first letters of these).
const FAMILY = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis',
  'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas',
  'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris',
  'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King',
  'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores'];
const GIVEN = ['Alex', 'Maria', 'James', 'Linda', 'Robert', 'Patricia', 'John', 'Jennifer',
  'Michael', 'Elizabeth', 'David', 'Barbara', 'William', 'Susan', 'Richard', 'Jessica', 'Joseph',
  'Sarah', 'Thomas', 'Karen', 'Daniel', 'Nancy', 'Matthew', 'Lisa', 'Anthony', 'Betty'];
const SEX = ['female', 'male', 'female', 'male', 'unknown'];

// Deterministic pseudo-random numbers (mulberry32) so every run loads the same clinic.
let seed = 20240601;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (a) => a[Math.floor(rand() * a.length)];
const pad = (n) => String(n).padStart(2, '0');

const run = Date.now().toString(36);
const bodies = [];
for (let i = 0; i < count; i++) {
  bodies.push(JSON.stringify({
    mrn: `L-${run}-${i}`,
    family_name: pick(FAMILY),
    given_name: pick(GIVEN),
    birth_date: `${1930 + Math.floor(rand() * 75)}-${pad(1 + Math.floor(rand() * 12))}-${pad(1 + Math.floor(rand() * 28))}`,
    sex_at_birth: pick(SEX),
    phone: `+1555${String(Math.floor(rand() * 1e7)).padStart(7, '0')}`,
    address: { city: 'Springfield', country: 'US' },
  }));
}

const ids = new Array(count);
let next = 0;
let failed = 0;
const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
async function worker() {
  while (next < count) {
    const i = next++;
    const r = await fetch(`${base}/api/v1/patients`, { method: 'POST', headers, body: bodies[i] });
    const text = await r.text();
    if (r.status !== 201) {
      if (++failed <= 5) console.error(`load: POST ${i}: ${r.status} ${text.slice(0, 200)}`);
      continue;
    }
    ids[i] = JSON.parse(text).id;
  }
}

const t0 = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const secs = (performance.now() - t0) / 1000;
const got = ids.filter(Boolean);
writeFileSync(idsFile, got.join('\n') + '\n');
console.log(`loaded ${got.length} patients in ${secs.toFixed(1)} s (${Math.round(got.length / secs)}/s, ${concurrency} in flight)${failed ? `, ${failed} failed` : ''}`);
process.exit(failed || got.length !== count ? 1 : 0);
