// What the browser tests share: an engine on a free port with a fresh data folder, Debian's
// Chromium, and waiting on a condition with a deadline.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/// Resolves with `cond()`'s value (sync or async) once it is truthy, polling every 50 ms;
/// rejects naming `what` after `ms`.
export async function until(cond, what, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/// Starts `bin` on a free port with a fresh data folder under `outDir` (so it serves its
/// demo library) and the built-in configuration but for the memory governor, which is off:
/// the resident memory of a sanitizer build (shadow memory) is no measure of the engine's,
/// and the governor would take the room of L2 and L3. `env`: added to the environment.
/// Resolves {port, stop}; stop() ends the engine (SIGTERM, waiting for it to save its
/// state) and removes the folder.
export async function startEngine(bin, outDir, env = {}) {
  const dataDir = join(outDir, `data-${process.pid}-${Math.random().toString(16).slice(2, 8)}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const config = join(dataDir, 'auralis.json');
  writeFileSync(config, JSON.stringify({
    tiers: { overhead_mb: 0 },
    paths: { presets_file: fileURLToPath(new URL('../../config/presets.json', import.meta.url)) },
  }));
  const server = spawn(bin, ['--config', config, '--port', '0', '--data-dir', dataDir],
                       { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      const killer = setTimeout(() => server.kill('SIGKILL'), 30000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  let log = '';
  let timer;
  try {
    const port = await new Promise((resolve, reject) => {
      const scan = (chunk) => {
        log += chunk;
        const m = /serving on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
        if (m) resolve(Number(m[1]));
      };
      server.stdout.on('data', scan);
      server.stderr.on('data', scan);
      server.on('exit', (code) => reject(new Error(`the engine exited (${code}) before it served:\n${log}`)));
      timer = setTimeout(() => reject(new Error(`the engine did not serve within 60 s:\n${log}`)), 60000);
    });
    return { port, stop };
  } catch (e) {
    await stop();
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/// Debian's Chromium, headless, with audio allowed to start without a gesture.
export function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           '--autoplay-policy=no-user-gesture-required'],
  });
}
