// "Today" is the clinic's date (serve --timezone), not UTC's: a date that is already today
// in the clinic's zone is accepted, the day after it is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, newPatient } from '../lib/server.mjs';

function todayIn(zone) {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}
function dayAfter(ymd) {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
  test(`--timezone ${zone}: today there is accepted, tomorrow there is not`, async () => {
    const srv = await startServer({ args: ['--timezone', zone] });
    try {
      const c = await login(srv.base, 'clinician');
      const p = await c.post('/api/v1/patients', newPatient());
      assert.equal(p.status, 201, p.text);
      const today = todayIn(zone);
      const ok = await c.post(`/api/v1/patients/${p.body.id}/diary`, { entry_date: today, nrs: 4 });
      assert.equal(ok.status, 201, `${today}: ${ok.text}`);
      const late = await c.post(`/api/v1/patients/${p.body.id}/diary`, { entry_date: dayAfter(today), nrs: 4 });
      assert.equal(late.status, 422, late.text);
      assert.equal(late.body.errors[0].path, 'entry_date');
    } finally {
      await srv.stop();
    }
  });
}

test('an unknown --timezone stops the start with a message', async () => {
  await assert.rejects(startServer({ args: ['--timezone', 'Mars/Olympus_Mons'] }), /not a known IANA time zone/);
});
