// The web UI with token auth on: the engine runs with AURALIS_API_TOKEN set. The page
// lists the library and plays without a token; its first mutating request (clearing L1)
// is answered 401, the page asks for the token in its dialog, repeats the request with it,
// and uses it from then on for the tab (clearing L2 asks no more).
// Usage: node token_test.mjs <auralis-buffer binary> <output folder>
import { launchChromium, startEngine, until } from './harness.mjs';

const [bin, outDir] = process.argv.slice(2);
if (!bin || !outDir) {
  console.error('usage: node token_test.mjs <auralis-buffer binary> <output folder>');
  process.exit(2);
}
const token = 'browser-test-token';
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

let engine;
let browser;
try {
  engine = await startEngine(bin, outDir, { AURALIS_API_TOKEN: token });
  browser = await launchChromium();
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Chromium reports every 4xx answer as a console error: the expected 401 is one.
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 401/.test(m.text())) errors.push(m.text()); });
  const mutating = [];
  page.on('response', (r) => {
    if (r.request().method() !== 'GET')
      mutating.push({ path: new URL(r.url()).pathname, status: r.status(),
        authorization: r.request().headers().authorization || null });
  });
  await page.goto(`http://127.0.0.1:${engine.port}/`);
  await page.locator('#library tbody tr').nth(2).waitFor({ timeout: 60000 });

  // Playing needs no token (position updates and chunks are open).
  await page.locator('#library tbody tr').first().getByRole('button').click();
  await until(() => page.evaluate(() => auralis.player.state === 'playing'), 'playing', 60000);
  const dialog = page.locator('#token-dialog');
  check(!(await dialog.isVisible()), 'playing asked for the token');

  /// Clears `tier` through the page; resolves the clear's answer.
  const clear = async (tier, withToken) => {
    await page.locator(`button.clear[data-tier="${tier}"]`).click();
    const answered = page.waitForResponse((r) => r.url().endsWith(`/api/cache/clear/${tier.toLowerCase()}`) &&
                                          r.status() !== 401, { timeout: 30000 });
    await page.locator('#clear-confirm').click();
    if (withToken) {
      await dialog.waitFor({ state: 'visible', timeout: 30000 });
      await page.locator('#token-input').fill(token);
      await page.locator('#token-dialog button[type="submit"]').click();
    }
    return answered;
  };
  // The first clear: 401 without a token, the dialog, then 200 with it.
  const first = await clear('L1', true);
  check(first.status() === 200 && first.request().headers().authorization === `Bearer ${token}`,
        `the clear with the token answered ${first.status()}`);
  const refusedFirst = mutating.find((m) => m.path === '/api/cache/clear/l1' && m.status === 401);
  check(refusedFirst && refusedFirst.authorization === null, 'the first clear was not refused 401 without a token');
  check(await page.evaluate(() => sessionStorage.getItem('auralis-token')) === token, 'the token is not kept for the tab');

  // The next clear: no dialog, the kept token, 200.
  const second = await clear('L2', false);
  check(second.status() === 200 && second.request().headers().authorization === `Bearer ${token}`,
        `the second clear answered ${second.status()}`);
  check(!(await dialog.isVisible()), 'the token dialog came back');
  await until(async () => (await page.locator('#status').textContent()).startsWith('L2 cleared'),
              'the page to report L2 cleared', 10000);
  const refused = mutating.filter((m) => m.status === 401);
  check(refused.length === 1, `${refused.length} requests were refused 401: ${JSON.stringify(refused)}`);
  check(errors.length === 0, `errors: ${errors.join(' | ')}`);
} catch (e) {
  failures.push(e.stack || String(e));
} finally {
  if (browser) await browser.close();
  if (engine) await engine.stop();
}
if (failures.length) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
console.log('ok: the page asks for the token once and keeps it for the tab');
