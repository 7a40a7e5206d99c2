// The cache panel: tier fill against budgets, hit rates, the predictor's next presets, the
// session's mode, and a tier map of the playing track, kept live by /api/ws.

import { api, apiJson } from './api.js';

const tiers = ['L1', 'L2', 'L3'];
/// Stats and predictions are asked for at most this often while events arrive (ms), and
/// at least this often without them (hit rates move with every fetch, which sends no event).
const refreshMinMs = 500;
const refreshEveryMs = 2000;
const sameIntensity = (a, b) => Math.abs(a - b) < 1e-6;
const percent = (x) => `${(100 * x).toFixed(0)}%`;

/// Events (EventTarget): `track_removed` {track_id}; `cleared` {tier, removed}
/// (tier null for all); `problem` {message}.
export class CachePanel extends EventTarget {
  /// `presets`: the configured preset names (the map's rows); `sessionId`: the tab's session.
  constructor({ presets, sessionId }) {
    super();
    this.presets = presets;
    this.sessionId = sessionId;
    this.track = null;
    this.intensity = 1;
    this.preset = presets[0];
    this.playhead = -1;
    this.cells = new Map();        // "preset/chunk" -> Set of tiers holding it
    this.loading = null;           // events that came while the contents were read
    this.events = 0;
    this.lastRefresh = 0;
    this.refreshTimer = null;
    this.socket = null;
    this.retryMs = 500;
    /// Whether the engine knows this tab's session (it has taken a position update):
    /// predictions are asked for only then.
    this.sessionLive = false;
  }

  /// Connects to /api/ws (again after a drop) and starts the periodic refresh.
  start() {
    this.connect();
    setInterval(() => this.refresh(), refreshEveryMs);
    this.refresh();
  }

  connect() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/api/ws`);
    this.socket = socket;
    const status = document.getElementById('ws-status');
    socket.addEventListener('open', () => {
      this.retryMs = 500;
      status.textContent = 'live';
      status.dataset.state = 'open';
      this.loadContents();
    });
    socket.addEventListener('message', (m) => {
      let msg;
      try { msg = JSON.parse(m.data); } catch (e) { return; }
      this.handle(msg);
    });
    socket.addEventListener('close', () => {
      status.textContent = 'reconnecting';
      status.dataset.state = 'closed';
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10000);
    });
  }

  /// The map shows `track` ({id, chunks, title}) at `intensity`, with the playhead at
  /// chunk `playhead` in `preset`; a new track or intensity reads the tiers' contents again.
  show(track, { intensity, preset, playhead }) {
    const changed = !this.track || !track || track.id !== this.track.id ||
      !sameIntensity(intensity, this.intensity);
    const moved = playhead !== this.playhead || preset !== this.preset;
    this.track = track;
    this.intensity = intensity;
    this.preset = preset;
    this.playhead = playhead;
    if (changed) {
      this.cells.clear();
      this.buildMap();
      this.loadContents();
    } else if (moved) {
      this.markPlayhead();
    }
  }

  /// Applies one /api/ws message.
  handle(msg) {
    ++this.events;
    if (this.loading) this.loading.push(msg);
    switch (msg.type) {
      case 'chunk_buffered':
      case 'chunk_evicted':
        this.applyChunk(msg);
        break;
      case 'cache_cleared':
        this.cells.clear();
        this.paintAll();
        break;
      case 'cache_tier_cleared':
        for (const held of this.cells.values()) held.delete(msg.tier);
        this.paintAll();
        break;
      case 'mode_changed':
        if (msg.session_id === this.sessionId) document.getElementById('mode').textContent = msg.mode;
        break;
      case 'track_removed':
        this.dispatchEvent(new CustomEvent('track_removed', { detail: { track_id: msg.track_id } }));
        break;
      default:
        break;
    }
    this.scheduleRefresh();
  }

  applyChunk(msg) {
    if (!this.track || msg.track_id !== this.track.id || !sameIntensity(msg.intensity, this.intensity))
      return;
    const key = `${msg.preset}/${msg.chunk_idx}`;
    let held = this.cells.get(key);
    if (!held) this.cells.set(key, (held = new Set()));
    if (msg.type === 'chunk_buffered') held.add(msg.tier);
    else held.delete(msg.tier);
    this.paint(msg.preset, msg.chunk_idx);
  }

  /// Reads every tier's entries for the map; events that arrive meanwhile are applied after.
  async loadContents() {
    if (!this.track) return;
    const track = this.track;
    const intensity = this.intensity;
    this.loading = [];
    try {
      const c = await apiJson('/api/cache/contents');
      if (track !== this.track || !sameIntensity(intensity, this.intensity)) return;
      const pending = this.loading;
      this.loading = null;
      this.cells.clear();
      for (const e of [...c.l1_entries, ...c.l2_entries, ...c.l3_entries])
        this.applyChunk({ type: 'chunk_buffered', track_id: e.track_id, preset: e.preset,
          chunk_idx: e.chunk_idx, intensity: e.intensity, tier: e.tier });
      for (const msg of pending) if (msg.type.startsWith('chunk_')) this.applyChunk(msg);
      this.paintAll();
    } catch (e) {
      this.problem(e);
    } finally {
      this.loading = null;
    }
  }

  scheduleRefresh() {
    if (this.refreshTimer) return;
    const wait = Math.max(0, refreshMinMs - (performance.now() - this.lastRefresh));
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.refresh();
    }, wait);
  }

  /// Asks for the stats and predictions of this tab's session and shows them.
  async refresh() {
    this.lastRefresh = performance.now();
    const q = `session_id=${encodeURIComponent(this.sessionId)}`;
    try {
      const stats = await apiJson(`/api/cache/stats?${q}`);
      this.showStats(stats);
    } catch (e) {
      this.problem(e);
    }
    if (!this.sessionLive) {
      this.showPredictions(null);
      return;
    }
    try {
      this.showPredictions(await apiJson(`/api/cache/predictions?${q}`));
    } catch (e) {
      if (e.status === 404) this.showPredictions(null);
      else this.problem(e);
    }
  }

  showStats(s) {
    for (const name of tiers) {
      const t = s[name.toLowerCase()];
      const row = document.querySelector(`.tier-row[data-tier="${name}"]`);
      const meter = row.querySelector('meter');
      meter.max = t.budget_mb;
      meter.value = t.size_mb;
      meter.high = t.budget_mb * 0.9;
      row.querySelector('.fill').textContent =
        `${t.size_mb.toFixed(1)} / ${t.budget_mb.toFixed(0)} MB, ${t.count} chunks`;
      row.querySelector('.hits').textContent = `${percent(t.hit_rate)} of fetches (${t.hits})`;
    }
    const o = s.overall;
    document.getElementById('overall').textContent =
      `${percent(o.overall_hit_rate)} of ${o.client_fetches} fetches served from a tier; ` +
      `${o.total_size_mb.toFixed(1)} of ${o.budget_mb.toFixed(0)} MB held`;
    if (s.prediction.session_known) document.getElementById('mode').textContent = s.prediction.mode;
    document.getElementById('accuracy').textContent = s.prediction.measured_switches
      ? `${percent(s.prediction.accuracy)} first-choice accuracy over ${s.prediction.measured_switches} switches`
      : 'no switch measured yet';
  }

  showPredictions(p) {
    const list = document.getElementById('predictions');
    if (!p) {
      list.replaceChildren(Object.assign(document.createElement('li'), { textContent: 'none until playback starts' }));
      return;
    }
    list.replaceChildren(...p.predictions.map((x) => {
      const li = document.createElement('li');
      const name = Object.assign(document.createElement('span'), { className: 'name', textContent: x.preset });
      const bar = document.createElement('meter');
      bar.min = 0; bar.max = 1; bar.value = x.probability;
      bar.setAttribute('aria-label', `${x.preset} probability`);
      const value = Object.assign(document.createElement('span'), { className: 'value', textContent: percent(x.probability) });
      li.append(name, bar, value);
      return li;
    }));
  }

  // --- the tier map -------------------------------------------------------------------------

  buildMap() {
    const table = document.getElementById('tier-map');
    const caption = table.querySelector('caption');
    const head = table.querySelector('thead tr');
    const body = table.querySelector('tbody');
    if (!this.track) {
      caption.textContent = 'Tier map: nothing playing';
      head.replaceChildren();
      body.replaceChildren();
      return;
    }
    caption.textContent = `Tier map of ${this.track.title} at ${Math.round(this.intensity * 100)}% ` +
      'intensity: chunks across, presets down';
    const corner = Object.assign(document.createElement('th'), { scope: 'col' });
    corner.append(Object.assign(document.createElement('span'), { className: 'visually-hidden', textContent: 'Preset' }));
    head.replaceChildren(corner, ...Array.from({ length: this.track.chunks }, (_, k) =>
      Object.assign(document.createElement('th'), { scope: 'col', textContent: String(k) })));
    body.replaceChildren(...this.presets.map((preset) => {
      const row = document.createElement('tr');
      row.dataset.preset = preset;
      row.append(Object.assign(document.createElement('th'), { scope: 'row', textContent: preset }));
      for (let k = 0; k < this.track.chunks; ++k) {
        const cell = document.createElement('td');
        cell.dataset.chunk = String(k);
        row.append(cell);
      }
      return row;
    }));
    this.paintAll();
  }

  paintAll() {
    if (!this.track) return;
    for (const preset of this.presets)
      for (let k = 0; k < this.track.chunks; ++k) this.paint(preset, k);
    this.markPlayhead();
  }

  /// Colours one cell by the hottest tier holding it (data-tier); data-tiers lists every
  /// tier holding it, hottest first.
  paint(preset, chunk) {
    const cell = document.querySelector(`#tier-map tr[data-preset="${CSS.escape(preset)}"] td[data-chunk="${chunk}"]`);
    if (!cell) return;
    const held = this.cells.get(`${preset}/${chunk}`);
    const tier = held ? tiers.find((t) => held.has(t)) : undefined;
    if (tier) {
      cell.dataset.tier = tier;
      cell.dataset.tiers = tiers.filter((t) => held.has(t)).join(' ');
    } else {
      delete cell.dataset.tier;
      delete cell.dataset.tiers;
    }
    const where = held && held.size ? [...held].sort().join(' and ') : 'not cached';
    cell.setAttribute('aria-label', `${preset}, chunk ${chunk}: ${where}`);
    cell.title = `${preset} chunk ${chunk}: ${where}`;
  }

  markPlayhead() {
    for (const cell of document.querySelectorAll('#tier-map .playhead')) cell.classList.remove('playhead');
    for (const row of document.querySelectorAll('#tier-map tbody tr'))
      row.classList.toggle('current', row.dataset.preset === this.preset);
    for (const cell of document.querySelectorAll(`#tier-map td[data-chunk="${this.playhead}"]`))
      cell.classList.add('playhead');
  }

  /// Cells of the map held by some tier, by tier: {L1: n, L2: n, L3: n}.
  counts() {
    const n = { L1: 0, L2: 0, L3: 0 };
    for (const cell of document.querySelectorAll('#tier-map td[data-tier]')) ++n[cell.dataset.tier];
    return n;
  }

  /// Clears `tier` ('L1', 'L2', 'L3') or every tier (null). Resolves the entries removed.
  async clear(tier) {
    const path = tier ? `/api/cache/clear/${tier.toLowerCase()}` : '/api/cache/clear';
    const answer = await (await api(path, { method: 'POST' })).json();
    this.dispatchEvent(new CustomEvent('cleared', { detail: { tier, removed: answer.removed_entries } }));
    this.scheduleRefresh();
    return answer.removed_entries;
  }

  problem(e) {
    this.dispatchEvent(new CustomEvent('problem', { detail: { message: e.message || String(e) } }));
  }
}
