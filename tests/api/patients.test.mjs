// Patients: register, validate, read, search, page, change with If-Match, archive.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, newPatient } from '../lib/server.mjs';
import {
  assertProblem, assertInvalid, UUID_RE, INSTANT_RE, todayUTC, addDays, ymd, rnd, pool, stopServer, sqlite,
} from './helpers.mjs';

let srv;
let c; // clinician (cookie session)

before(async () => {
  // Enough worker threads for the concurrent requests below: an idle keep-alive connection holds
  // a CivetWeb worker (see connections.test.mjs).
  srv = await startServer({ args: ['--threads', '16'] });
  c = await login(srv.base, 'clinician');
});
after(async () => { await stopServer(srv); });

const create = (body) => c.post('/api/v1/patients', body);
async function created(over = {}) {
  const r = await create(newPatient(over));
  assert.equal(r.status, 201, r.text);
  return r.body;
}
const list = (params) => c.get(`/api/v1/patients?${new URLSearchParams(params)}`);

const FULL = () => ({
  mrn: `RT-${rnd(6).toUpperCase()}/01.a_b`,
  family_name: "O'Connor-Núñez",
  given_name: 'Zoë Ann',
  birth_date: '1948-02-29',
  sex_at_birth: 'intersex',
  phone: '+1 (555) 010-0199',
  email: 'zoe.oconnor@example.org',
  address: { line: '12 Elm Street, Apt 4', city: 'Springfield', region: 'OR', postal_code: '97477', country: 'US' },
  research_consent: true,
});

describe('duplicates', () => {
  test('the same name and birth date: 409 with the matches, unless confirm_new; audited', async () => {
    const first = await created({ family_name: 'Duplicova', given_name: 'Ines', birth_date: '1971-07-07' });
    const r = await create(newPatient({ family_name: 'duplicova', given_name: 'INES', birth_date: '1971-07-07' }));
    assert.equal(r.status, 409, r.text);
    assert.equal(r.body.title, 'Possible duplicate');
    assert.match(r.body.detail, /confirm_new/);
    assert.deepEqual(r.body.possible_duplicates.map((x) => [x.id, x.mrn, x.archived]), [[first.id, first.mrn, false]]);
    assert.equal(sqlite(srv.db, `SELECT count(*) FROM audit WHERE action = 'patient.duplicate_check' AND patient_id = '${first.id}'`), '1');
    const other = await create(newPatient({ family_name: 'Duplicova', given_name: 'Ines', birth_date: '1971-07-08' }));
    assert.equal(other.status, 201, 'another birth date is another person');
    assertInvalid(await create(newPatient({ family_name: 'Duplicova', given_name: 'Ines', birth_date: '1971-07-07', confirm_new: 'yes' })), ['confirm_new']);
    const again = await create(newPatient({ family_name: 'Duplicova', given_name: 'Ines', birth_date: '1971-07-07', confirm_new: true }));
    assert.equal(again.status, 201, again.text);
    assert.ok(!('confirm_new' in again.body));
    const arch = await c.post(`/api/v1/patients/${first.id}/archive`, { reason: 'Registered twice' }, { 'If-Match': '"1"' });
    assert.equal(arch.status, 200, arch.text);
    const third = await create(newPatient({ family_name: 'Duplicova', given_name: 'Ines', birth_date: '1971-07-07' }));
    assert.equal(third.status, 409);
    assert.deepEqual(third.body.possible_duplicates.map((x) => x.archived).sort(), [false, true], 'archived patients are shown too');
  });

  test('an MRN in use names the patient who has it', async () => {
    const first = await created();
    const r = await create(newPatient({ mrn: first.mrn }));
    assertProblem(r, 409);
    assert.equal(r.body.errors[0].path, 'mrn');
    assert.deepEqual(r.body.existing.map((x) => x.id), [first.id]);
  });
});

describe('the list beside the names', () => {
  test('neuropathy, latest NRS and last visit, as each role may read them; sort by last visit; part of an MRN', async () => {
    const tag = `Lv${rnd(6)}`;
    const a = await created({ family_name: tag, given_name: 'Ann', mrn: `LV-${tag}-90817` });
    const b = await created({ family_name: tag, given_name: 'Bea' });
    const none = await created({ family_name: tag, given_name: 'Cid' });
    assert.equal((await c.post(`/api/v1/patients/${a.id}/conditions`, { icd10: 'G62.1', onset_date: ymd(addDays(todayUTC(), -60)) })).status, 201);
    const diary = await c.post(`/api/v1/patients/${a.id}/diary`, { entry_date: ymd(addDays(todayUTC(), -1)), nrs: 6 });
    assert.equal(diary.status, 201);
    const nrs = await c.post(`/api/v1/patients/${a.id}/assessments`, { instrument: 'nrs', performed_at: ymd(addDays(todayUTC(), -20)), answers: { score: 8 } });
    assert.equal(nrs.status, 201);
    assert.equal((await c.post(`/api/v1/patients/${b.id}/observations`, { kind: 'hba1c', value: 7, unit: '%', performed_on: ymd(addDays(todayUTC(), -3)) })).status, 201);
    const rows = (await list({ q: tag })).body.items;
    const byId = Object.fromEntries(rows.map((x) => [x.id, x]));
    assert.deepEqual(byId[a.id].neuropathy, { icd10: 'G62.1', etiology: 'alcohol', chronicity: 'recent' });
    assert.deepEqual(byId[a.id].latest_nrs, { value: 6, date: ymd(addDays(todayUTC(), -1)) }, 'the diary entry is the latest');
    assert.equal(byId[a.id].last_visit, ymd(addDays(todayUTC(), -20)), 'a home diary entry is not a visit');
    assert.equal(byId[b.id].last_visit, ymd(addDays(todayUTC(), -3)));
    assert.equal(byId[none.id].neuropathy, null);
    assert.equal(byId[none.id].latest_nrs, null);
    assert.equal(byId[none.id].last_visit, null);

    const fd = await login(srv.base, 'front_desk');
    const fdRow = (await fd.get(`/api/v1/patients?q=${tag}`)).body.items.find((x) => x.id === a.id);
    assert.ok(!('neuropathy' in fdRow) && !('latest_nrs' in fdRow), 'the front desk sees no clinical detail');
    assert.equal(fdRow.last_visit, ymd(addDays(todayUTC(), -20)));

    // Voided records drop out at once: the clinic reading is the latest NRS, then none is.
    const voidIt = async (path, rec) => assert.equal((await c.post(`/api/v1/${path}/${rec.body.id}/void`,
      { reason: 'Entered in error' }, { 'If-Match': `"${rec.body.version}"` })).status, 200);
    await voidIt('diary-entries', diary);
    let row = (await list({ q: tag })).body.items.find((x) => x.id === a.id);
    assert.deepEqual(row.latest_nrs, { value: 8, date: ymd(addDays(todayUTC(), -20)) });
    await voidIt('assessments', nrs);
    row = (await list({ q: tag })).body.items.find((x) => x.id === a.id);
    assert.equal(row.latest_nrs, null);
    assert.equal(row.last_visit, null, 'the voided reading was the only visit');
    assert.equal(row.neuropathy.icd10, 'G62.1');

    const found = (await list({ q: '90817' })).body.items.map((x) => x.id);
    assert.deepEqual(found, [a.id], 'part of an MRN finds it');

    let cursor = null;
    const order = [];
    do {
      // Small pages, so that some end among the patients with a visit, and one crosses to those
      // never seen.
      const r = await list({ sort: 'last_visit', limit: 7, ...(cursor ? { cursor } : {}) });
      assert.equal(r.status, 200, r.text);
      order.push(...r.body.items);
      cursor = r.body.next_cursor;
    } while (cursor);
    const visits = order.map((x) => x.last_visit);
    const dated = visits.filter((v) => v);
    assert.deepEqual(dated, [...dated].sort().reverse(), 'newest visit first');
    assert.ok(visits.indexOf(null) === -1 || visits.slice(visits.indexOf(null)).every((v) => v === null), 'never-seen patients last');
    assert.equal(new Set(order.map((x) => x.id)).size, order.length, 'each patient once across pages');
    assert.equal(order.length, Number(sqlite(srv.db, 'SELECT count(*) FROM patients WHERE archived_at IS NULL')),
      'every patient not archived, none skipped');
    assertInvalid(await list({ sort: 'age' }), ['sort']);
    assertInvalid(await list({ sort: 'last_visit', q: tag }), ['sort']);
    assertInvalid(await list({ sort: 'last_visit', cursor: 'abc' }), ['cursor']);
    // A cursor of one order is refused by the other.
    const byName = (await list({ limit: 1 })).body.next_cursor;
    const byVisit = (await list({ sort: 'last_visit', limit: 1 })).body.next_cursor;
    assert.ok(byName && byVisit);
    assertInvalid(await list({ sort: 'last_visit', cursor: byName }), ['cursor']);
    assertInvalid(await list({ cursor: byVisit }), ['cursor']);
    assert.ok(order.findIndex((x) => x.last_visit === null) > 0, 'patients with a visit and without: the pages crossed');
  });
});

describe('create', () => {
  test('201 with Location, ETag and every field round-tripped', async () => {
    const input = FULL();
    const before = Date.now();
    const r = await create(input);
    assert.equal(r.status, 201, r.text);
    const p = r.body;
    assert.match(p.id, UUID_RE);
    const ms = parseInt(p.id.replace(/-/g, '').slice(0, 12), 16);
    assert.ok(Math.abs(ms - before) < 60000, 'UUIDv7 carries the creation time');
    assert.equal(r.headers.get('location'), `/api/v1/patients/${p.id}`);
    assert.equal(r.headers.get('etag'), '"1"');
    for (const k of Object.keys(input)) assert.deepEqual(p[k], input[k], k);
    assert.equal(p.version, 1);
    assert.equal(p.synthetic, false);
    assert.equal(p.archived, false);
    assert.equal(p.archived_at, null);
    assert.equal(p.archive_reason, null);
    assert.match(p.created_at, INSTANT_RE);
    assert.equal(p.updated_at, p.created_at);
    assert.equal(p.updated_by, c.staff.id);

    const g = await c.get(r.headers.get('location'));
    assert.equal(g.status, 200);
    assert.equal(g.headers.get('etag'), '"1"');
    assert.deepEqual(g.body, p, 'GET returns what POST returned');
  });

  test('optional fields default to null/false', async () => {
    const p = await created();
    assert.equal(p.phone, null);
    assert.equal(p.email, null);
    assert.deepEqual(p.address, { line: null, city: null, region: null, postal_code: null, country: null });
    assert.equal(p.research_consent, false);
  });

  test('boundaries that are valid: born today, born 1900-01-01, 100-character names (counted in characters)', async () => {
    assert.equal((await create(newPatient({ birth_date: ymd(todayUTC()) }))).status, 201);
    assert.equal((await create(newPatient({ birth_date: '1900-01-01' }))).status, 201);
    const r = await create(newPatient({ family_name: 'é'.repeat(100), given_name: 'x'.repeat(100) }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.family_name, 'é'.repeat(100));
    assert.equal((await create(newPatient({ mrn: 'M'.repeat(32) }))).status, 201);
  });

  test('missing required fields: 422 naming each', async () => {
    assertInvalid(await create({}), ['mrn', 'family_name', 'given_name', 'birth_date', 'sex_at_birth']);
    assertInvalid(await create({ ...newPatient(), mrn: '', given_name: null }), ['mrn', 'given_name']);
  });

  const invalid = [
    ['impossible date', { birth_date: '2023-02-30' }, 'birth_date'],
    ['not a leap year', { birth_date: '2023-02-29' }, 'birth_date'],
    ['date without zero padding', { birth_date: '1960-4-12' }, 'birth_date'],
    ['date with time', { birth_date: '1960-04-12T00:00:00Z' }, 'birth_date'],
    ['future birth date', { birth_date: ymd(addDays(todayUTC(), 1)) }, 'birth_date'],
    ['birth before 1900', { birth_date: '1899-12-31' }, 'birth_date'],
    ['bad sex_at_birth', { sex_at_birth: 'F' }, 'sex_at_birth'],
    ['bad email (no @)', { email: 'zoe.example.org' }, 'email'],
    ['bad email (no dot in domain)', { email: 'zoe@example' }, 'email'],
    ['bad email (two @)', { email: 'a@b@example.org' }, 'email'],
    ['bad phone (letters)', { phone: '555-CALL-NOW' }, 'phone'],
    ['bad phone (too few digits)', { phone: '12-34' }, 'phone'],
    ['country lower case', { address: { country: 'us' } }, 'address.country'],
    ['country three letters', { address: { country: 'USA' } }, 'address.country'],
    ['country one letter', { address: { country: 'U' } }, 'address.country'],
    ['family name too long', { family_name: 'x'.repeat(101) }, 'family_name'],
    ['given name too long', { given_name: 'é'.repeat(101) }, 'given_name'],
    ['mrn too long', { mrn: 'M'.repeat(33) }, 'mrn'],
    ['mrn with a space', { mrn: 'AB 123' }, 'mrn'],
    ['postal code too long', { address: { postal_code: '1'.repeat(17) } }, 'address.postal_code'],
    ['control character in a name', { family_name: 'Smith\u0007' }, 'family_name'],
    ['unknown field', { nickname: 'Al' }, 'nickname'],
    ['unknown address field', { address: { street: 'Elm' } }, 'address.street'],
    ['name of the wrong type', { family_name: 42 }, 'family_name'],
    ['birth date as a number', { birth_date: 19600412 }, 'birth_date'],
    ['sex as a number', { sex_at_birth: 1 }, 'sex_at_birth'],
    ['consent as a string', { research_consent: 'yes' }, 'research_consent'],
    ['address as a string', { address: '12 Elm Street' }, 'address'],
    ['address field of the wrong type', { address: { city: ['Springfield'] } }, 'address.city'],
    ['mrn as a number', { mrn: 1234 }, 'mrn'],
  ];
  for (const [name, over, path] of invalid) {
    test(`422 for ${name} (${path})`, async () => {
      const body = newPatient(over);
      const r = await create(body);
      const p = assertInvalid(r, [path]);
      assert.equal(p.type, '/problems/invalid-fields');
      assert.match(p.detail, new RegExp(`^${path.replace(/[.[\]]/g, '\\$&')}: `));
      const s = await list({ q: body.mrn });
      assert.ok(!s.body?.items?.some((x) => x.mrn === body.mrn), 'nothing was saved');
    });
  }

  test('names of only spaces count as missing: 422', async () => {
    assertInvalid(await create(newPatient({ family_name: '   ', given_name: '\t' })), ['family_name', 'given_name']);
  });

  test('empty optional strings are stored as null, not as ""', async () => {
    const r = await create(newPatient({ phone: '', email: '', address: { line: '', country: '' } }));
    assert.ok(r.status === 201 || r.status === 422, r.text);
    if (r.status === 201) {
      assert.equal(r.body.phone, null);
      assert.equal(r.body.email, null);
      assert.equal(r.body.address.line, null);
      assert.equal(r.body.address.country, null, 'an empty country is not a two-letter code');
    }
  });

  test('all errors are reported at once, each with its path', async () => {
    const r = await create({
      mrn: 'bad mrn!', family_name: 'x'.repeat(101), given_name: 7, birth_date: '2023-02-30',
      sex_at_birth: 'F', phone: 'abc', email: 'nope', research_consent: 'yes', favourite: 1,
      address: { country: 'usa', street: 'x', city: 5 },
    });
    const b = assertInvalid(r, [
      'mrn', 'family_name', 'given_name', 'birth_date', 'sex_at_birth', 'phone', 'email',
      'research_consent', 'favourite', 'address.country', 'address.street', 'address.city',
    ]);
    assert.equal(b.detail, '12 fields are invalid');
  });

  test('duplicate MRN: 409 with errors[0].path "mrn"', async () => {
    const p = await created();
    const r = await create(newPatient({ mrn: p.mrn }));
    const b = assertProblem(r, 409);
    assert.equal(b.type, '/problems/conflict');
    assert.equal(b.errors[0].path, 'mrn');
    assert.match(b.errors[0].message, /already/);
  });

  test('concurrent creates with one MRN: exactly one 201, the rest 409', async () => {
    const mrn = `DUP-${rnd(8)}`;
    const rs = await Promise.all(Array.from({ length: 8 }, () => create(newPatient({ mrn }))));
    assert.deepEqual(rs.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409, 409, 409]);
    const s = await list({ q: mrn });
    assert.equal(s.body.items.filter((x) => x.mrn === mrn).length, 1);
  });
});

describe('read', () => {
  test('GET by id: 200 with ETag', async () => {
    const p = await created({ given_name: 'Readable' });
    const r = await c.get(`/api/v1/patients/${p.id}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('etag'), '"1"');
    assert.equal(r.body.given_name, 'Readable');
  });

  test('unknown id and malformed ids: 404 problem', async () => {
    for (const id of ['01a21209-9800-7e0c-baad-0e9d82dabcb6', 'not-a-uuid', '123', "1' OR '1'='1", '%2e%2e']) {
      assertProblem(await c.get(`/api/v1/patients/${id}`), 404, id);
    }
  });

  test('extra path segments: 404', async () => {
    const p = await created();
    assertProblem(await c.get(`/api/v1/patients/${p.id}/nothing`), 404);
    assertProblem(await c.get(`/api/v1/patients/${p.id}/`), 404);
  });
});

describe('search and paging', () => {
  const fam = `Srch${rnd(6)}`;
  let a; let b; let d;
  before(async () => {
    a = await created({ family_name: fam, given_name: 'Anna', birth_date: '1971-03-05' });
    b = await created({ family_name: fam, given_name: 'Bert', birth_date: '1971-03-06' });
    d = await created({ family_name: `${fam}son`, given_name: 'Anna', birth_date: '1971-03-05' });
  });

  const ids = (r) => r.body.items.map((x) => x.id);

  test('by family-name prefix, case-insensitive', async () => {
    for (const q of [fam, fam.toLowerCase(), fam.toUpperCase(), fam.slice(0, 7)]) {
      const r = await list({ q });
      assert.equal(r.status, 200);
      assert.deepEqual(ids(r), [a.id, b.id, d.id], q);
      assert.equal(r.body.next_cursor, null);
    }
  });

  test('by given-name prefix', async () => {
    const r = await list({ q: 'bert' });
    assert.ok(ids(r).includes(b.id));
    assert.ok(!ids(r).includes(a.id));
  });

  test('by "Family Given", "Family, Given" and "Given Family"', async () => {
    for (const q of [`${fam} Ann`, `${fam}, anna`, `Anna ${fam}`, `${fam.toLowerCase()} a`]) {
      const r = await list({ q });
      assert.deepEqual(ids(r), [a.id, d.id], q);
    }
    assert.deepEqual(ids(await list({ q: `${fam} Bert` })), [b.id]);
    assert.deepEqual(ids(await list({ q: `${fam}son Bert` })), []);
  });

  test('by MRN (exact)', async () => {
    const r = await list({ q: b.mrn });
    assert.deepEqual(ids(r), [b.id]);
  });

  test('by birth date', async () => {
    const r = await list({ q: '1971-03-05' });
    assert.deepEqual(ids(r).sort(), [a.id, d.id].sort());
  });

  test('LIKE wildcards in the query are literal', async () => {
    assert.deepEqual(ids(await list({ q: '%' })), []);
    assert.deepEqual(ids(await list({ q: '_' })), []);
    assert.deepEqual(ids(await list({ q: `${fam.slice(0, 4)}_` })), []);
  });

  test('a query of more than 100 characters: 422', async () => {
    assertInvalid(await list({ q: 'x'.repeat(101) }), ['q']);
  });

  test('pagination walks every row exactly once in name order', async () => {
    const pfx = `Page${rnd(6)}`;
    // Mixed case, repeated names (ties broken by id) and names that are prefixes of others.
    const specs = [];
    const fams = [`${pfx}a`, `${pfx}B`, `${pfx}b`, `${pfx}c`, `${pfx}`, `${pfx}A`, `${pfx}ab`];
    const givens = ['Zed', 'amy', 'Amy', 'bob', 'Carl'];
    for (let i = 0; i < 31; i++) specs.push({ family_name: fams[i % fams.length], given_name: givens[(i * 3) % givens.length], confirm_new: true });
    const made = await pool(specs, 4, (s) => created(s));
    const key = (p) => [p.family_name.toLowerCase(), p.given_name.toLowerCase(), p.id];
    const cmp = (x, y) => {
      const kx = key(x); const ky = key(y);
      for (let i = 0; i < 3; i++) if (kx[i] !== ky[i]) return kx[i] < ky[i] ? -1 : 1;
      return 0;
    };
    const expected = [...made].sort(cmp).map((p) => p.id);

    for (const limit of [1, 7, 31, 500]) {
      const seen = [];
      let cursor = null;
      let pages = 0;
      do {
        const params = { q: pfx, limit: String(limit) };
        if (cursor) params.cursor = cursor;
        const r = await list(params);
        assert.equal(r.status, 200, r.text);
        assert.ok(r.body.items.length <= limit);
        seen.push(...ids(r));
        cursor = r.body.next_cursor;
        if (cursor) assert.equal(r.body.items.length, limit, 'only the last page may be short');
        pages++;
        assert.ok(pages <= 40, 'paging terminates');
      } while (cursor);
      assert.deepEqual(seen, expected, `limit ${limit}`);
      assert.equal(pages, Math.max(1, Math.ceil(31 / limit)), `pages for limit ${limit}`);
    }
  });

  test('default limit is 50 and the maximum 500', async () => {
    const pfx = `Lim${rnd(6)}`;
    await pool(Array.from({ length: 52 }, (_, i) => i), 4, (i) => created({ family_name: pfx, given_name: `G${String(i).padStart(2, '0')}` }));
    const r = await list({ q: pfx });
    assert.equal(r.body.items.length, 50);
    assert.equal(typeof r.body.next_cursor, 'string');
    const r2 = await list({ q: pfx, cursor: r.body.next_cursor });
    assert.equal(r2.body.items.length, 2);
    assert.equal(r2.body.next_cursor, null);
    assert.equal((await list({ q: pfx, limit: '500' })).body.items.length, 52);
  });

  test('bad limit (0, 501, -1, x, 10abc, empty): 422 at "limit"', async () => {
    for (const limit of ['0', '501', '-1', 'x', '10abc', '']) {
      assertInvalid(await list({ limit }), ['limit'], { msg: `limit=${limit}` });
    }
  });

  test('bad cursor: 422 at "cursor"', async () => {
    for (const cursor of ['!!!', 'bm9wZQ', 'x'.repeat(1200), Buffer.from('a\x1fb').toString('base64url')]) {
      assertInvalid(await list({ cursor }), ['cursor'], { msg: `cursor=${cursor.slice(0, 20)}` });
    }
  });

  test('include_archived must be true or false', async () => {
    assertInvalid(await list({ include_archived: 'yes' }), ['include_archived']);
    assert.equal((await list({ include_archived: 'false' })).status, 200);
  });
});

describe('update', () => {
  const patch = (id, body, etag) => c.patch(`/api/v1/patients/${id}`, body, etag === undefined ? {} : { 'If-Match': etag });

  test('PATCH with If-Match: 200, version+1, new ETag, only the sent fields change', async () => {
    const p = await created({ ...FULL(), confirm_new: true });
    const r = await patch(p.id, { given_name: 'Changed', address: { city: 'Riverton' } }, '"1"');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('etag'), '"2"');
    assert.equal(r.body.version, 2);
    assert.equal(r.body.given_name, 'Changed');
    assert.equal(r.body.address.city, 'Riverton');
    assert.equal(r.body.address.line, p.address.line, 'other address fields kept');
    assert.equal(r.body.family_name, p.family_name);
    assert.equal(r.body.email, p.email);
    assert.equal(r.body.created_at, p.created_at);
    assert.equal(r.body.updated_by, c.staff.id);
    const g = await c.get(`/api/v1/patients/${p.id}`);
    assert.deepEqual(g.body, r.body);
    assert.equal(g.headers.get('etag'), '"2"');
  });

  test('the weak If-Match form is accepted; an unquoted version is not (400)', async () => {
    const p = await created();
    assert.equal((await patch(p.id, { given_name: 'W' }, 'W/"1"')).status, 200);
    assertProblem(await patch(p.id, { given_name: 'U' }, '2'), 400);
    assert.equal((await patch(p.id, { given_name: 'U' }, '"2"')).status, 200);
  });

  test('optional fields can be cleared with null; required ones cannot', async () => {
    const p = await created({ ...FULL(), confirm_new: true });
    const r = await patch(p.id, { phone: null, email: null, address: null }, '"1"');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.phone, null);
    assert.equal(r.body.email, null);
    assert.deepEqual(r.body.address, { line: null, city: null, region: null, postal_code: null, country: null });
    assertInvalid(await patch(p.id, { family_name: null, birth_date: null, sex_at_birth: null }, '"2"'),
      ['family_name', 'birth_date', 'sex_at_birth']);
  });

  test('without If-Match: 428', async () => {
    const p = await created();
    const b = assertProblem(await patch(p.id, { given_name: 'X' }), 428);
    assert.equal(b.type, '/problems/precondition-required');
  });

  test('malformed If-Match: 400', async () => {
    const p = await created();
    for (const h of ['abc', '"x"', '"0"', '*']) assertProblem(await patch(p.id, { given_name: 'X' }, h), 400, h);
  });

  test('stale If-Match: 412, record unchanged', async () => {
    const p = await created();
    assert.equal((await patch(p.id, { given_name: 'First' }, '"1"')).status, 200);
    const b = assertProblem(await patch(p.id, { given_name: 'Second' }, '"1"'), 412);
    assert.equal(b.type, '/problems/version-conflict');
    assertProblem(await patch(p.id, { given_name: 'Second' }, '"3"'), 412);
    const g = await c.get(`/api/v1/patients/${p.id}`);
    assert.equal(g.body.given_name, 'First');
    assert.equal(g.body.version, 2);
  });

  test('concurrent PATCHes with the same If-Match: exactly one wins', async () => {
    const p = await created();
    const rs = await Promise.all(Array.from({ length: 8 }, (_, i) => patch(p.id, { given_name: `Racer${i}` }, '"1"')));
    const ok = rs.filter((r) => r.status === 200);
    assert.equal(ok.length, 1, rs.map((r) => r.status).join(','));
    assert.ok(rs.every((r) => r.status === 200 || r.status === 412));
    const g = await c.get(`/api/v1/patients/${p.id}`);
    assert.equal(g.body.version, 2);
    assert.equal(g.body.given_name, ok[0].body.given_name);
  });

  test('invalid field: 422 and the record is unchanged', async () => {
    const p = await created({ ...FULL(), confirm_new: true });
    assertInvalid(await patch(p.id, { birth_date: '2023-02-30', email: 'nope', given_name: 'Valid' }, '"1"'), ['birth_date', 'email']);
    assertInvalid(await patch(p.id, { id: 'x', version: 9 }, '"1"'), ['id', 'version']);
    const g = await c.get(`/api/v1/patients/${p.id}`);
    assert.deepEqual(g.body, p);
  });

  test('PATCH to an MRN in use: 409 at "mrn"', async () => {
    const p = await created();
    const q = await created();
    const b = assertProblem(await patch(q.id, { mrn: p.mrn }, '"1"'), 409);
    assert.equal(b.errors[0].path, 'mrn');
    assert.equal((await c.get(`/api/v1/patients/${q.id}`)).body.mrn, q.mrn);
  });

  test('PATCH an unknown patient: 404', async () => {
    assertProblem(await patch('01a21209-9800-7e0c-baad-0e9d82dabcb6', { given_name: 'X' }, '"1"'), 404);
  });
});

describe('archive', () => {
  const archive = (id, body, etag) => c.post(`/api/v1/patients/${id}/archive`, body, etag === undefined ? {} : { 'If-Match': etag });

  test('archive with a reason: hidden from the default list, visible with include_archived, read-only', async () => {
    const fam = `Arch${rnd(6)}`;
    const p = await created({ family_name: fam });
    const keep = await created({ family_name: fam });
    const r = await archive(p.id, { reason: 'Duplicate registration of ' + keep.mrn }, '"1"');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.archived, true);
    assert.match(r.body.archived_at, INSTANT_RE);
    assert.equal(r.body.archive_reason, 'Duplicate registration of ' + keep.mrn);
    assert.equal(r.body.version, 2);
    assert.equal(r.headers.get('etag'), '"2"');

    assert.deepEqual((await list({ q: fam })).body.items.map((x) => x.id), [keep.id]);
    assert.deepEqual((await list({ q: p.mrn })).body.items, []);
    assert.deepEqual((await list({ q: fam, include_archived: 'true' })).body.items.map((x) => x.id).sort(), [p.id, keep.id].sort());

    const g = await c.get(`/api/v1/patients/${p.id}`);
    assert.equal(g.status, 200, 'an archived patient can still be read');
    assert.equal(g.body.archived, true);

    assertProblem(await c.patch(`/api/v1/patients/${p.id}`, { given_name: 'X' }, { 'If-Match': '"2"' }), 409);
    assertProblem(await archive(p.id, { reason: 'again' }, '"2"'), 409);
    assert.equal((await c.get(`/api/v1/patients/${p.id}`)).body.version, 2);
  });

  test('archive needs a reason (422), If-Match (428), the current version (412)', async () => {
    const p = await created();
    assertInvalid(await archive(p.id, {}, '"1"'), ['reason']);
    assertInvalid(await archive(p.id, { reason: '' }, '"1"'), ['reason']);
    assertInvalid(await archive(p.id, { reason: 'x', why: 'y' }, '"1"'), ['why']);
    assertProblem(await archive(p.id, { reason: 'x' }), 428);
    assertProblem(await archive(p.id, { reason: 'x' }, '"7"'), 412);
    assert.equal((await c.get(`/api/v1/patients/${p.id}`)).body.archived, false);
  });

  test('no hard delete: DELETE /api/v1/patients/{id} is 405 and the patient remains', async () => {
    const p = await created();
    const r = await c.del(`/api/v1/patients/${p.id}`);
    assertProblem(r, 405);
    assert.equal((await c.get(`/api/v1/patients/${p.id}`)).status, 200);
    assertProblem(await c.del('/api/v1/patients'), 405);
  });
});
