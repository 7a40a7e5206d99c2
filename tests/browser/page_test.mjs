// The web UI in a real browser: Debian's Chromium, driven by playwright-core.
// Starts auralis-buffer on a free port with a fresh data folder (so it serves its demo
// library), opens the page and checks, as a listener would use it:
// - no console errors; the library lists the three demo tracks with duration and format;
// - play starts the audio clock, sound reaches the output, chunk 0 is fetched and then
//   chunk 1 well before chunk 0 ends, and the chunks are scheduled back to back;
// - the tier map changes as chunks are buffered (events over /api/ws);
// - a preset click fetches the playing chunk in the new preset and the page shows the tier
//   that served it (the answer's X-Cache-Tier) and the time from click to sound; switches
//   are tried from L1, L2, L3 (seeking to a chunk the tier holds in another preset, and
//   clearing the hotter tiers that hold it too) and on a miss (after clearing every tier),
//   the clears going through the page's buttons and their confirmation;
// - position updates go to /api/player/position on play and on each switch;
// - keys: a digit switches the preset, space pauses and plays; the intensity slider
//   switches the intensity;
// - near the end of a track the next one is scheduled where it ends and plays on; "next"
//   plays the next track from its first chunk; at a phone's width the page is one column.
// Prints the page's click-to-sound figures by serving tier as one JSON line and writes the
// screenshots page.png (desktop, after the switches) and page-phone.png into the output
// folder.
// Usage: node page_test.mjs <auralis-buffer binary> <output folder>
import { join } from 'node:path';
import { launchChromium, startEngine, until } from './harness.mjs';

const [bin, outDir] = process.argv.slice(2);
if (!bin || !outDir) {
  console.error('usage: node page_test.mjs <auralis-buffer binary> <output folder>');
  process.exit(2);
}

const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

/// What the page asked of the engine: audio fetches (with the tier that answered) and
/// position updates, in order.
const fetches = [];
const positions = [];
function watchRequests(page) {
  page.on('request', (r) => {
    const url = new URL(r.url());
    const m = /^\/api\/audio\/stream\/(\d+)\/chunk\/(\d+)$/.exec(url.pathname);
    if (m) {
      fetches.push({ request: r, track: Number(m[1]), chunk: Number(m[2]),
        preset: url.searchParams.get('preset'), intensity: Number(url.searchParams.get('intensity')),
        at: Date.now(), tier: null });
    } else if (url.pathname === '/api/player/position' && r.method() === 'POST') {
      positions.push(JSON.parse(r.postData()));
    }
  });
  page.on('response', async (res) => {
    const f = fetches.find((x) => x.request === res.request());
    if (f) f.tier = res.headers()['x-cache-tier'] || `status ${res.status()}`;
  });
}

let engine;
let browser;
let page;
const figures = { L1: [], L2: [], L3: [], MISS: [] };
try {
  engine = await startEngine(bin, outDir);
  const { port } = engine;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  watchRequests(page);
  const answer = await page.goto(`http://127.0.0.1:${port}/`);
  check(answer.status() === 200, `GET / answered ${answer.status()}`);

  // The library: the demo library is written on the first start.
  const rows = page.locator('#library tbody tr');
  await rows.nth(2).waitFor({ timeout: 60000 });
  check(await rows.count() === 3, `the library lists ${await rows.count()} tracks, not 3`);
  const api = async (path) => (await fetch(`http://127.0.0.1:${port}${path}`)).json();
  const { tracks } = await api('/api/library/tracks');
  const { presets, default_preset: defaultPreset, chunk_seconds: chunkSeconds } = await api('/api/presets');
  for (let i = 0; i < tracks.length; ++i) {
    const t = tracks[i];
    const cells = await rows.nth(i).locator('td').allTextContents();
    const s = Math.round(t.duration_s);
    const duration = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
    check(cells[0] === t.title && cells[1] === duration && cells[2] === t.format,
          `row ${i}: ${JSON.stringify(cells)} against ${t.title}, ${duration}, ${t.format}`);
  }
  const buttons = await page.locator('#presets button').allTextContents();
  check(JSON.stringify(buttons) === JSON.stringify(presets), `preset buttons ${buttons} against ${presets}`);

  // Play the first track.
  const player = (f, arg) => page.evaluate(f, arg);
  await rows.nth(0).getByRole('button').click();
  await until(() => player(() => auralis.player.state === 'playing'), 'playing', 60000);
  const clock0 = await player(() => auralis.player.clock());
  await until(() => player((c) => auralis.player.clock() > c + 0.3, clock0), 'the audio clock to run', 10000);
  await until(() => player(() => auralis.player.level() > 0.001), 'sound at the output', 10000);
  check(fetches.length >= 1 && fetches[0].track === tracks[0].id && fetches[0].chunk === 0 &&
        fetches[0].preset === defaultPreset, `the first fetch: ${JSON.stringify(fetches[0])}`);
  check(positions.length >= 1 && positions[0].track_id === tracks[0].id && positions[0].position === 0 &&
        positions[0].preset === defaultPreset, `the position update on play: ${JSON.stringify(positions[0])}`);
  const mapAtStart = await page.locator('#tier-map td').evaluateAll((cells) => cells.map((c) => c.dataset.tier || ''));
  check(mapAtStart.length === presets.length * tracks[0].chunks,
        `the tier map has ${mapAtStart.length} cells, not ${presets.length} x ${tracks[0].chunks}`);

  // Chunk 1, fetched well before chunk 0 ends, and scheduled right after it.
  const ahead = await until(() => fetches.find((f) => f.chunk === 1), 'the fetch of chunk 1', chunkSeconds * 1000);
  const when = await player(() => auralis.player.position());
  check(when < chunkSeconds - 2, `chunk 1 was fetched at ${when.toFixed(2)} s of a ${chunkSeconds} s chunk`);
  check(fetches.indexOf(ahead) === 1, `chunk 1 was not the second fetch: ${fetches.map((f) => f.chunk)}`);
  await until(() => player(() => auralis.player.segments.length === 2), 'chunk 1 to be scheduled', 10000);
  const joins = await player(() => auralis.player.segments.map((s) => [s.chunk, s.start, s.end]));
  check(joins[0][0] === 0 && joins[1][0] === 1 && Math.abs(joins[1][1] - joins[0][2]) < 1e-9,
        `chunks 0 and 1 are not back to back: ${JSON.stringify(joins)}`);

  // The tier map follows the tiers.
  await until(async () => {
    const now = await page.locator('#tier-map td').evaluateAll((cells) => cells.map((c) => c.dataset.tier || ''));
    return now.some((t, i) => t !== mapAtStart[i]) && now.some((t) => t !== '');
  }, 'the tier map to change', 30000);

  // Switches. `candidate(tier)`: {preset, chunk, hotter}: a preset other than the current
  // one and a chunk the page's tier map shows held in `tier` (the chunk at the playhead if
  // it can) or, for 'MISS', the chunk at the playhead held in none, and the hotter tiers
  // that hold it too; or null.
  const candidate = (tier) => player(({ tier, cs }) => {
    const p = auralis.player;
    const playhead = Math.floor(p.position() / cs);
    const nearEnd = p.position() > (playhead + 1) * cs - 2;  // too close to the next chunk
    const found = [];
    for (const row of document.querySelectorAll('#tier-map tbody tr')) {
      if (row.dataset.preset === p.preset) continue;
      for (const cell of row.querySelectorAll('td')) {
        const chunk = Number(cell.dataset.chunk);
        if (chunk === p.track().chunks - 1 || (chunk === playhead && nearEnd)) continue;
        const held = cell.dataset.tiers ? cell.dataset.tiers.split(' ') : [];
        if (tier === 'MISS' ? held.length === 0 : held.includes(tier))
          found.push({ preset: row.dataset.preset, chunk, hotter: held.filter((t) => t < tier) });
      }
    }
    if (tier === 'MISS') {
      // At the playhead, in a preset the predictor does not list: the planner renders the
      // listed ones there first.
      const listed = [...document.querySelectorAll('#predictions .name')].map((n) => n.textContent);
      const here = found.filter((f) => f.chunk === playhead);
      return here.find((f) => !listed.includes(f.preset)) || here[0] || null;
    }
    return found.find((f) => f.chunk === playhead) || found[0] || null;
  }, { tier, cs: chunkSeconds });
  const switchCount = () => page.locator('#switch-log').evaluate((l) => Number(l.dataset.count || 0));
  const positionsBefore = positions.length;

  async function clickSwitch(preset) {
    const n = await switchCount();
    const clickedAt = Date.now();
    await page.locator(`#presets button[data-preset="${preset}"]`).click();
    await until(async () => (await switchCount()) > n, `the switch to ${preset} to show`, 30000);
    const shown = await page.locator('#switch-log li').first().evaluate((li) => ({
      text: li.textContent, ...li.dataset }));
    check(await page.locator(`#presets button[data-preset="${preset}"]`).getAttribute('aria-pressed') === 'true',
          `${preset} is not shown pressed`);
    const fetched = fetches.filter((f) => f.at >= clickedAt && f.preset === preset &&
                                          f.chunk === Number(shown.chunk) && f.track === tracks[0].id);
    check(fetched.length >= 1, `no fetch of ${preset} chunk ${shown.chunk} after the click`);
    // The switch's own fetch is the last of that chunk in that preset (when the playhead
    // crossed into the next chunk meanwhile, the fetch ahead may have asked for it first).
    const own = fetched[fetched.length - 1];
    await until(() => !own || own.tier, 'the answer to the switch', 10000);
    const served = own ? own.tier : null;
    const ms = Number(shown.clickToSoundMs);
    check(shown.preset === preset && shown.tier === served,
          `the page shows ${JSON.stringify(shown)} for a fetch served from ${served}`);
    const readout = /served from (\S+), fetched in \d+ ms, (\d+) ms click to sound/.exec(shown.text);
    check(ms > 0 && ms < 30000 && readout && readout[1] === served && Math.abs(Number(readout[2]) - ms) <= 1,
          `the switch readout: ${JSON.stringify(shown)}`);
    if (figures[shown.tier]) figures[shown.tier].push({ ms, fetchMs: Number(shown.fetchMs) });
    return shown.tier;
  }

  async function clearTier(tier) {
    await page.locator(`button.clear[data-tier="${tier}"]`).click();
    await page.locator('#clear-dialog').waitFor({ state: 'visible' });
    const cleared = page.waitForResponse((r) => r.url().endsWith(`/api/cache/clear/${tier.toLowerCase()}`),
                                         { timeout: 10000 });
    await page.locator('#clear-confirm').click();
    check((await cleared).status() === 200, `clearing ${tier} answered ${(await cleared).status()}`);
    await until(async () => (await page.locator('#status').textContent()).startsWith(`${tier} cleared`),
                `the page to report ${tier} cleared`, 10000);
  }

  /// Up to three tries at a switch served from `tier`: waits for a preset whose chunk `tier`
  /// holds, seeks into that chunk unless it plays, clears the hotter tiers holding it
  /// through the page, and clicks the preset. A miss: clears every tier first.
  async function switchFrom(tier) {
    for (let attempt = 0; attempt < 3; ++attempt) {
      // L1 last: the planner refills it first.
      if (tier === 'MISS') for (const t of ['L3', 'L2', 'L1']) await clearTier(t);
      const found = await until(() => candidate(tier), `a preset held in ${tier}`,
                                20000).catch(() => null);
      if (!found) {
        console.log(`${tier}: no other preset's chunk held there within 20 s`);
        return;
      }
      if (tier === 'MISS') {
        const served = await clickSwitch(found.preset);
        console.log(`${tier}: the map held ${found.preset} chunk ${found.chunk} nowhere; served from ${served}`);
        if (served === tier) return;
        continue;
      }
      const at = await player(() => Math.floor(auralis.player.position()));
      if (found.chunk !== Math.floor(at / chunkSeconds)) {
        // Seek into that chunk first, as a listener would through the seek bar.
        const to = found.chunk * chunkSeconds + 1;
        await page.locator('#seek').fill(String(to));
        await until(() => player(({ to, cs }) => auralis.player.state === 'playing' &&
          Math.floor(auralis.player.position() / cs) === Math.floor(to / cs), { to, cs: chunkSeconds }),
        `the seek to ${to} s`, 30000);
      }
      // What holds it now (the seek may have moved it).
      const held = await page.locator(`#tier-map tr[data-preset="${found.preset}"] td[data-chunk="${found.chunk}"]`)
        .evaluate((c) => (c.dataset.tiers ? c.dataset.tiers.split(' ') : []));
      if (tier === 'MISS' ? held.length !== 0 : !held.includes(tier)) continue;
      for (const t of held.filter((x) => x < tier)) await clearTier(t);
      const served = await clickSwitch(found.preset);
      console.log(`${tier}: the map held ${found.preset} chunk ${found.chunk}${found.hotter.length ? ` (cleared ${found.hotter})` : ''}; served from ${served}`);
      if (served === tier) return;
    }
  }

  for (const tier of ['L1', 'L2', 'L3', 'MISS']) await switchFrom(tier);
  check(await switchCount() >= 1, 'no switch was shown');
  const switched = positions.slice(positionsBefore);
  check(switched.length >= await switchCount(),
        `${switched.length} position updates for ${await switchCount()} switches`);

  // Keys: a digit switches to that preset; space pauses and plays again.
  const current = await player(() => auralis.player.preset);
  const digit = presets.findIndex((p) => p !== current);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press(String(digit + 1));
  await until(() => player((p) => auralis.player.preset === p, presets[digit]), `key ${digit + 1}`, 5000);
  await page.keyboard.press(' ');
  await until(() => player(() => auralis.player.state === 'paused'), 'space to pause', 5000);
  await page.keyboard.press(' ');
  await until(() => player(() => auralis.player.state === 'playing'), 'space to play', 5000);

  // The intensity slider switches the intensity: the playing chunk is fetched at 0.5.
  const n = await switchCount();
  await page.locator('#intensity').fill('0.5');
  await until(async () => (await switchCount()) > n, 'the intensity switch', 30000);
  check(fetches.some((f) => f.intensity === 0.5), 'no fetch at intensity 0.5');
  check((await page.locator('#intensity-value').textContent()) === '50%', 'the intensity readout');

  await page.screenshot({ path: join(outDir, 'page.png'), fullPage: true });

  // Into the next track without a gap: near the end of the first, the second's chunk 0 is
  // fetched and scheduled where the last chunk ends, and the title follows when it plays.
  // (12 s before the end: the fetch ahead asks for the next track 10 s before it plays.)
  await page.locator('#seek').fill(String(tracks[0].duration_s - 12));
  const joined = await until(() => player(({ a, b }) => {
    const s = auralis.player.segments;
    const last = s.find((x) => x.track.id === a && x.chunk === x.track.chunks - 1);
    const first = s.find((x) => x.track.id === b && x.chunk === 0);
    return last && first && { end: last.end, start: first.start };
  }, { a: tracks[0].id, b: tracks[1].id }), 'the next track to be scheduled', 30000);
  check(Math.abs(joined.start - joined.end) < 1e-9, `the next track starts at ${joined.start}, not ${joined.end}`);
  await until(async () => (await page.locator('#now-title').textContent()) === tracks[1].title,
              'the next track to play', 30000);
  check(await player(() => auralis.player.state) === 'playing', 'the player stopped at the track change');

  // The next button: the third track from its first chunk.
  await page.locator('#next').click();
  await until(() => fetches.some((f) => f.track === tracks[2].id && f.chunk === 0), 'the next track', 30000);
  await until(async () => (await page.locator('#now-title').textContent()) === tracks[2].title,
              'the third track\'s title', 30000);
  // A phone's width: one column.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(outDir, 'page-phone.png'), fullPage: true });
  const columns = await page.locator('main').evaluate((m) => getComputedStyle(m).gridTemplateColumns.split(' ').length);
  check(columns === 1, `${columns} columns at a phone's width`);
  check(await player(() => auralis.player.underruns) === 0, 'the player skipped audio (underruns)');
  check(consoleErrors.length === 0, `console errors: ${consoleErrors.join(' | ')}`);
} catch (e) {
  failures.push(e.stack || String(e));
} finally {
  if (failures.length) {
    const t0 = fetches.length ? fetches[0].at : 0;
    for (const f of fetches)
      console.error(`fetch +${f.at - t0} ms: track ${f.track} chunk ${f.chunk} ${f.preset} ${f.intensity}: ${f.tier}`);
    if (page) console.error(`status: ${await page.locator('#status').textContent().catch(() => '?')}`);
  }
  if (browser) await browser.close();
  if (engine) await engine.stop();
}
const tenth = (x) => Math.round(x * 10) / 10;
const summary = Object.fromEntries(Object.entries(figures).map(([tier, f]) => [tier, {
  switches: f.length,
  click_to_sound_ms: f.map((x) => tenth(x.ms)),
  fetch_ms: f.map((x) => tenth(x.fetchMs)),
}]));
console.log(JSON.stringify({ click_to_sound_by_tier: summary, screenshot: join(outDir, 'page.png') }));
if (failures.length) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
console.log('ok: the page plays, switches from every tier it met and follows the cache');
