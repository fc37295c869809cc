// The patient list answers searches by name from its in-memory directory (store/patient_dir.c).
// It must never be stale: a patient registered, renamed, archived or diagnosed is found (or not)
// by the very next search, from any client, and so is a change written by another process
// straight into the database. Checked once the server says the directory is loaded, so these
// searches are the directory's and not the database's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, newPatient } from '../lib/server.mjs';
import { sqlite } from './helpers.mjs';

let srv, clinician, desk;
before(async () => {
  srv = await startServer();
  clinician = await login(srv.base, 'clinician');
  desk = await login(srv.base, 'front_desk');
  const end = Date.now() + 10000;
  while (!/patient directory loaded/.test(srv.log())) {
    assert.ok(Date.now() < end, `no directory load in the log: ${srv.log()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
});
after(() => srv?.stop());

const names = async (c, q, extra = '') => {
  const r = await c.get(`/api/v1/patients?q=${encodeURIComponent(q)}${extra}`);
  assert.equal(r.status, 200, r.text);
  return r.body.items.map((p) => `${p.family_name}, ${p.given_name}`);
};

test('a change is found by the next search, from any client', async () => {
  const made = await clinician.post('/api/v1/patients', newPatient({ family_name: 'Quillfeather', given_name: 'Rowan' }));
  assert.equal(made.status, 201, made.text);
  const id = made.body.id;
  assert.deepEqual(await names(clinician, 'quill'), ['Quillfeather, Rowan'], 'registered: found by its writer');
  assert.deepEqual(await names(desk, 'Rowan QUILL'), ['Quillfeather, Rowan'], 'and by another client, given name first');

  const renamed = await clinician.patch(`/api/v1/patients/${id}`, { family_name: 'Brightwater' }, { 'If-Match': '"1"' });
  assert.equal(renamed.status, 200, renamed.text);
  assert.deepEqual(await names(desk, 'quill'), [], 'the old name finds no one');
  assert.deepEqual(await names(desk, 'bright'), ['Brightwater, Rowan']);

  const archived = await clinician.post(`/api/v1/patients/${id}/archive`, { reason: 'Registered twice' }, { 'If-Match': '"2"' });
  assert.equal(archived.status, 200, archived.text);
  assert.deepEqual(await names(desk, 'bright'), [], 'archived: left out');
  assert.deepEqual(await names(desk, 'bright', '&include_archived=true'), ['Brightwater, Rowan'], 'unless asked for');
});

test('the summary beside the name follows a new diagnosis at once', async () => {
  const made = await clinician.post('/api/v1/patients', newPatient({ family_name: 'Oakhollow', given_name: 'Wren' }));
  assert.equal(made.status, 201, made.text);
  const before = await clinician.get('/api/v1/patients?q=oakhollow');
  assert.equal(before.body.items[0].neuropathy, null);
  const k = await clinician.post(`/api/v1/patients/${made.body.id}/conditions`, { icd10: 'E11.42' });
  assert.equal(k.status, 201, k.text);
  const after = await clinician.get('/api/v1/patients?q=oakhollow');
  assert.equal(after.body.items[0].neuropathy?.icd10, 'E11.42');
});

test('a write by another process straight into the database is seen too', async () => {
  const made = await clinician.post('/api/v1/patients', newPatient({ family_name: 'Fernsby', given_name: 'Ivo' }));
  assert.equal(made.status, 201, made.text);
  assert.deepEqual(await names(desk, 'fernsby'), ['Fernsby, Ivo']);
  sqlite(srv.db, `UPDATE patients SET given_name = 'Iver' WHERE id = '${made.body.id}'`);
  assert.deepEqual(await names(desk, 'fernsby'), ['Fernsby, Iver']);
  sqlite(srv.db, `UPDATE patients SET family_name = 'Ferns' || 'worth' WHERE id = '${made.body.id}'`);
  assert.deepEqual(await names(desk, 'fernsby'), []);
  assert.deepEqual(await names(desk, 'Iver Fernsw'), ['Fernsworth, Iver']);
});

test('under concurrent registrations every patient is found by a search sent after its 201', async () => {
  const names = Array.from({ length: 40 }, (_, i) => `Vantaro${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);
  const missed = [];
  await Promise.all(names.map(async (family, i) => {
    const by = i % 2 ? clinician : desk;
    const made = await by.post('/api/v1/patients', newPatient({ family_name: family, given_name: 'Lin' }));
    assert.equal(made.status, 201, made.text);
    const found = await (i % 2 ? desk : clinician).get(`/api/v1/patients?q=${family}`);
    if (!found.body.items.some((p) => p.id === made.body.id)) missed.push(family);
  }));
  assert.deepEqual(missed, [], 'each found by the next search');
  const all = await desk.get('/api/v1/patients?q=vantaro&limit=100');
  assert.equal(all.body.items.length, 40);
});
