// The web UI: the library, the player and the cache panel, wired to the page.
// Plain ES modules, no build step.

import { apiJson, formatDuration, formatTime } from './api.js';
import { CachePanel } from './cache_panel.js';
import { Player } from './player.js';

const $ = (id) => document.getElementById(id);
const switchLogLength = 8;

/// Shows `text` in the header; a notice (not an error) goes away after a few seconds.
let statusTimer = null;
function showStatus(text, error = false) {
  const status = $('status');
  status.textContent = text;
  status.classList.toggle('error', error);
  clearTimeout(statusTimer);
  if (text && !error) statusTimer = setTimeout(() => { status.textContent = ''; }, 6000);
}

/// This tab's engine session: kept across reloads of the tab.
function sessionId() {
  let id = sessionStorage.getItem('auralis-session');
  if (!id) {
    const bytes = crypto.getRandomValues(new Uint8Array(6));
    id = `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
    sessionStorage.setItem('auralis-session', id);
  }
  return id;
}

function renderLibrary(player, tracks) {
  const body = document.querySelector('#library tbody');
  body.replaceChildren(...tracks.map((t, i) => {
    const row = document.createElement('tr');
    row.dataset.trackId = t.id;
    const title = document.createElement('td');
    title.className = 'title';
    const button = Object.assign(document.createElement('button'), {
      type: 'button', className: 'link', textContent: t.title,
    });
    button.setAttribute('aria-label', `Play ${t.title}`);
    button.addEventListener('click', () => player.play(i, 0));
    title.append(button);
    const duration = Object.assign(document.createElement('td'), { className: 'duration', textContent: formatDuration(t.duration_s) });
    const format = Object.assign(document.createElement('td'), { className: 'format', textContent: t.format });
    row.append(title, duration, format);
    return row;
  }));
  markPlayingRow(player);
}

function markPlayingRow(player) {
  const track = player.state === 'stopped' ? null : player.track();
  for (const row of document.querySelectorAll('#library tbody tr')) {
    const on = track !== null && Number(row.dataset.trackId) === track.id;
    row.classList.toggle('playing', on);
    if (on) row.setAttribute('aria-current', 'true');
    else row.removeAttribute('aria-current');
  }
}

function renderPresets(player, presets) {
  const group = $('presets');
  group.replaceChildren(...presets.map((name, i) => {
    const b = Object.assign(document.createElement('button'), { type: 'button', textContent: name });
    b.dataset.preset = name;
    b.title = i < 9 ? `${name} (${i + 1})` : name;
    b.addEventListener('click', () => player.switchTo(name, player.intensity, performance.now()));
    return b;
  }));
  markPreset(player.preset);
}

function markPreset(preset) {
  for (const b of document.querySelectorAll('#presets button'))
    b.setAttribute('aria-pressed', String(b.dataset.preset === preset));
}

function showSwitch(record) {
  const ms = (x) => `${Math.round(x)} ms`;
  const sound = record.clickToSoundMs === null ? 'paused' : `${ms(record.clickToSoundMs)} click to sound`;
  const line = `${record.preset} at ${Math.round(record.intensity * 100)}%, chunk ${record.chunk}: ` +
    `served from ${record.tier}, fetched in ${ms(record.fetchMs)}, ${sound}`;
  const last = $('last-switch');
  last.textContent = line;
  last.dataset.tier = record.tier;
  last.dataset.clickToSoundMs = record.clickToSoundMs === null ? '' : record.clickToSoundMs.toFixed(1);
  const item = document.createElement('li');
  item.textContent = line;
  item.dataset.tier = record.tier;
  item.dataset.preset = record.preset;
  item.dataset.chunk = String(record.chunk);
  item.dataset.fetchMs = record.fetchMs.toFixed(1);
  if (record.clickToSoundMs !== null) item.dataset.clickToSoundMs = record.clickToSoundMs.toFixed(1);
  const log = $('switch-log');
  log.dataset.count = String(Number(log.dataset.count || 0) + 1);
  log.prepend(item);
  while (log.children.length > switchLogLength) log.lastElementChild.remove();
}

/// Updates the time, the seek bar and the tier map's playhead (every animation frame).
function showTime(player, panel) {
  const seek = $('seek');
  const track = player.track();
  const position = player.position();
  const duration = track ? track.duration_s : 0;
  if (document.activeElement !== seek || !seek.dataset.dragging) seek.value = String(position);
  seek.max = String(duration);
  $('elapsed').textContent = formatTime(position);
  $('level').value = player.state === 'playing' ? player.level() : 0;
  $('total').textContent = formatDuration(duration);
  seek.setAttribute('aria-valuetext', `${formatTime(position)} of ${formatDuration(duration)}`);
  if (track && player.state !== 'stopped')
    panel.show(track, { intensity: player.intensity, preset: player.preset,
      playhead: Math.floor(position / player.chunkSeconds) });
}

function confirmClear(panel, tier) {
  const dialog = $('clear-dialog');
  $('clear-text').textContent = tier
    ? `Drop every chunk ${tier} holds? Playback goes on; what is dropped is rendered again when needed.`
    : 'Drop every chunk of every tier?';
  dialog.returnValue = '';
  dialog.addEventListener('close', async () => {
    if (dialog.returnValue !== 'clear') return;
    try {
      const removed = await panel.clear(tier);
      showStatus(`${tier || 'Every tier'} cleared: ${removed} chunks dropped.`);
    } catch (e) {
      showStatus(e.message, true);
    }
  }, { once: true });
  dialog.showModal();
  $('clear-confirm').focus();
}

/// Keyboard shortcuts; keys typed into a field, and Space or Enter on a button, keep
/// their usual meaning.
function bindKeys(player, presets) {
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || document.querySelector('dialog[open]')) return;
    const t = e.target;
    if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return;
    if (t instanceof HTMLButtonElement && (e.key === ' ' || e.key === 'Enter')) return;
    if (e.key === ' ') {
      player.toggle();
    } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      const forward = e.key === 'ArrowRight';
      if (e.shiftKey) {
        if (forward) player.next(); else player.previous();
      } else if (player.state !== 'stopped') {
        player.seek(player.position() + (forward ? 5 : -5));
      }
    } else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      const v = Math.min(1, Math.max(0, player.intensity + (e.key === 'ArrowUp' ? 0.05 : -0.05)));
      const rounded = Math.round(v * 20) / 20;
      $('intensity').value = String(rounded);
      player.switchTo(player.preset, rounded, performance.now());
    } else if (/^[1-9]$/.test(e.key) && Number(e.key) <= presets.length) {
      player.switchTo(presets[Number(e.key) - 1], player.intensity, performance.now());
    } else {
      return;
    }
    e.preventDefault();
  });
}

async function main() {
  const [{ presets, default_preset: defaultPreset, chunk_seconds: chunkSeconds }, { tracks }] =
    await Promise.all([apiJson('/api/presets'), apiJson('/api/library/tracks')]);
  const session = sessionId();
  const player = new Player({ sessionId: session, chunkSeconds, preset: defaultPreset });
  const panel = new CachePanel({ presets, sessionId: session });
  window.auralis = { player, panel };  // for the console and the browser tests

  player.setTracks(tracks);
  renderLibrary(player, tracks);
  renderPresets(player, presets);
  showStatus(tracks.length ? '' : 'The library is empty.');

  player.addEventListener('state', ({ detail }) => {
    $('player').dataset.state = detail.state;
    const playing = detail.state === 'playing' || detail.state === 'buffering';
    $('play').setAttribute('aria-label', playing ? 'Pause' : 'Play');
    markPlayingRow(player);
  });
  player.addEventListener('track', ({ detail }) => {
    $('now-title').textContent = detail.track.title;
    markPlayingRow(player);
  });
  player.addEventListener('settings', ({ detail }) => {
    markPreset(detail.preset);
    $('intensity-value').textContent = `${Math.round(detail.intensity * 100)}%`;
  });
  player.addEventListener('switch', ({ detail }) => showSwitch(detail));
  player.addEventListener('problem', ({ detail }) => showStatus(detail.message, true));
  player.addEventListener('position', ({ detail }) => {
    if (detail.mode) $('mode').textContent = detail.mode;
    panel.sessionLive = true;
  });
  panel.addEventListener('problem', ({ detail }) => showStatus(detail.message, true));
  panel.addEventListener('track_removed', async () => {
    const { tracks: now } = await apiJson('/api/library/tracks');
    player.setTracks(now);
    renderLibrary(player, now);
  });

  $('play').addEventListener('click', () => player.toggle());
  $('next').addEventListener('click', () => player.next());
  $('prev').addEventListener('click', () => player.previous());
  const seek = $('seek');
  seek.addEventListener('input', () => { seek.dataset.dragging = '1'; });
  seek.addEventListener('change', () => {
    delete seek.dataset.dragging;
    player.seek(Number(seek.value));
  });
  const intensity = $('intensity');
  intensity.addEventListener('input', () => {
    $('intensity-value').textContent = `${Math.round(Number(intensity.value) * 100)}%`;
  });
  intensity.addEventListener('change', () => player.switchTo(player.preset, Number(intensity.value), performance.now()));
  for (const b of document.querySelectorAll('button.clear'))
    b.addEventListener('click', () => confirmClear(panel, b.dataset.tier));
  bindKeys(player, presets);

  panel.start();
  const frame = () => {
    showTime(player, panel);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

main().catch((e) => showStatus(e.message, true));
