// Holds COUNT idle keep-alive connections open to a server on loopback (each sends one health
// request, reads the answer, then nothing), and meanwhile times health and an audited GET on
// fresh connections; prints the times and the server's RSS. Used by bench/evloop.sh.
// usage: node bench/idle.mjs PORT COUNT TOKEN PATIENT_ID SERVER_PID
import net from 'node:net';
import { readFileSync } from 'node:fs';

const [port, countArg, token, patient, pid] = process.argv.slice(2);
const count = Number(countArg);
const rss = () => {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return m ? (Number(m[1]) / 1024).toFixed(1) : '?';
};

// One connection: a health request, its answer read; resolves with the open socket.
function openIdle() {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port: Number(port) });
    let text = '';
    s.on('error', reject);
    s.on('connect', () => s.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n'));
    s.on('data', (d) => {
      text += d;
      if (/\r\n\r\n\{.*\}$/s.test(text)) {
        s.removeAllListeners('data');
        if (!text.startsWith('HTTP/1.1 200')) reject(new Error(text.slice(0, 80)));
        else resolve(s);
      }
    });
  });
}

// A request on a fresh connection (Connection: close), timed from connect to the whole answer.
function timed(path, auth) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const s = net.connect({ host: '127.0.0.1', port: Number(port) });
    let text = '';
    s.on('error', reject);
    s.on('connect', () => s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n` +
      (auth ? `Authorization: Bearer ${token}\r\n` : '') + '\r\n'));
    s.on('data', (d) => { text += d; });
    s.on('end', () => {
      if (!text.startsWith('HTTP/1.1 200')) reject(new Error(`${path}: ${text.slice(0, 80)}`));
      else resolve(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  });
}

const sockets = [];
const t0 = Date.now();
for (let i = 0; i < count; i += 200) {
  const batch = [];
  for (let k = i; k < Math.min(count, i + 200); k++) batch.push(openIdle());
  sockets.push(...(await Promise.all(batch)));
}
console.log(`${sockets.length} idle connections open in ${Date.now() - t0} ms; server RSS ${rss()} MB`);
await new Promise((r) => setTimeout(r, 1000));
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)].toFixed(2)} ms, max ${s[s.length - 1].toFixed(2)} ms (${s.length} requests)`;
};
const health = [];
const get = [];
for (let i = 0; i < 50; i++) {
  health.push(await timed('/api/v1/health', false));
  get.push(await timed(`/api/v1/patients/${patient}`, true));
}
console.log(`health with ${sockets.length} idle connections: ${stats(health)}`);
console.log(`audited GET /api/v1/patients/{id} with ${sockets.length} idle connections: ${stats(get)}`);
const open = sockets.filter((s) => !s.destroyed && s.readyState === 'open').length;
console.log(`still open at the end: ${open}; server RSS ${rss()} MB`);
for (const s of sockets) s.destroy();
