// assertText for browser tests, in a module of its own: harness.mjs starts a server for every
// file that imports it, and the demo tests start their own.
import assert from 'node:assert/strict';

// Waits (up to ms) for the first match of locator to contain expected (text or RegExp).
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
