// Shared set-up of the browser tests: a real server (the ASan build when present) with a fresh
// database, Debian's Chromium through playwright-core, and page helpers. Importing it registers
// the before/after hooks of the test file that imports it.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, emailOf, PASSWORDS } from '../lib/server.mjs';

export const OUT = join(dirname(fileURLToPath(import.meta.url)), 'out');

let server;
let browser;
/* The running server, for tests: env.server.base. */
export const env = {
  get server() { return server; },
};

before(async () => {
  server = await startServer();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// Runs fn with a fresh page at 1280x800; records page errors and console errors (which fail the
// test) and saves a screenshot when anything throws.
export async function withPage(name, fn) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  try {
    await fn(page, problems);
  } catch (e) {
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true }).catch(() => {});
    const notes = `\n--- server log (tail) ---\n${server.log().split('\n').slice(-8).join('\n')}`;
    e.message += notes;
    if (typeof e.stack === 'string') e.stack += notes;
    throw e;
  } finally {
    await context.close();
  }
}

export async function signIn(page, role) {
  await page.goto(server.base + '/');
  await page.getByLabel('E-mail').fill(emailOf(role));
  await page.getByLabel('Password').fill(PASSWORDS[role]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await assertText(page.getByTestId('staff-name'), `Test ${role}`);
}

// Waits (up to 5 s) for the first match of locator to contain expected (text or RegExp).
export async function assertText(locator, expected, ms = 5000) {
  await locator.first().waitFor();
  const end = Date.now() + ms;
  let text;
  for (;;) {
    text = await locator.first().innerText();
    const ok = expected instanceof RegExp ? expected.test(text) : text.includes(expected);
    if (ok || Date.now() > end) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (expected instanceof RegExp) assert.match(text, expected);
  else assert.ok(text.includes(expected), `expected ${JSON.stringify(expected)} in ${JSON.stringify(text)}`);
}

// Waits until fn() (an async count) equals n, then asserts it.
export async function waitForCount(what, fn, n, ms = 5000) {
  const end = Date.now() + ms;
  let got;
  for (;;) {
    got = await fn();
    if (got === n || Date.now() > end) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(got, n, `${what}: expected ${n}, found ${got}`);
}

// Chromium logs each 4xx answer as "Failed to load resource"; those the test provokes on purpose
// are expected, anything else (a script error, another failed request) fails the test.
export function unexpected(problems, statuses) {
  return problems.filter((m) => ![401, ...statuses].some((s) => m.includes(`status of ${s} `)));
}

