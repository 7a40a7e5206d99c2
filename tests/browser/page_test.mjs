// The web UI in a real browser: Debian's Chromium, driven by playwright-core.
// Starts auralis-buffer on a free port with a fresh data folder (so it serves its demo
// library), opens the page and checks: no console errors, the library lists the three demo
// tracks with their duration and format. Writes page.png into the output folder.
// Usage: node page_test.mjs <auralis-buffer binary> <output folder>
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [bin, outDir] = process.argv.slice(2);
if (!bin || !outDir) {
  console.error('usage: node page_test.mjs <auralis-buffer binary> <output folder>');
  process.exit(2);
}
const dataDir = join(outDir, `data-${process.pid}`);
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });

const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

/// Resolves with the port the server reports ("serving on http://127.0.0.1:PORT").
function startServer() {
  const server = spawn(bin, ['--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = new Promise((resolve, reject) => {
    let log = '';
    const scan = (chunk) => {
      log += chunk;
      const m = /serving on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      if (m) resolve(Number(m[1]));
    };
    server.stdout.on('data', scan);
    server.stderr.on('data', scan);
    server.on('exit', (code) => reject(new Error(`the server exited (${code}) before it served:\n${log}`)));
  });
  return { server, port };
}

const { server, port: portPromise } = startServer();
let browser;
try {
  let timer;
  const port = await Promise.race([portPromise, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('no port within 60 s')), 60000);
  })]).finally(() => clearTimeout(timer));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1024, height: 700 } });
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  const answer = await page.goto(`http://127.0.0.1:${port}/`);
  check(answer.status() === 200, `GET / answered ${answer.status()}`);
  // The demo library is written on the first start: wait for its three tracks.
  const rows = page.locator('#library tbody tr');
  await rows.nth(2).waitFor({ timeout: 60000 });
  check(await rows.count() === 3, `the library lists ${await rows.count()} tracks, not 3`);
  const tracks = await (await fetch(`http://127.0.0.1:${port}/api/library/tracks`)).json();
  for (let i = 0; i < tracks.tracks.length; ++i) {
    const t = tracks.tracks[i];
    const cells = await rows.nth(i).locator('td').allTextContents();
    const s = Math.round(t.duration_s);
    const duration = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
    check(cells[0] === t.title && cells[1] === duration && cells[2] === t.format,
          `row ${i}: ${JSON.stringify(cells)} against ${t.title}, ${duration}, ${t.format}`);
  }
  await page.screenshot({ path: join(outDir, 'page.png'), fullPage: true });
  check(consoleErrors.length === 0, `console errors: ${consoleErrors.join(' | ')}`);
} catch (e) {
  failures.push(e.stack || String(e));
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
if (failures.length) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
console.log(`ok: the page lists the demo library; screenshot ${join(outDir, 'page.png')}`);
