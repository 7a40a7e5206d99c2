// The player: plays the library chunk by chunk through Web Audio, gapless, and switches
// the preset or intensity mid-chunk with a short crossfade.
//
// Timeline: chunk k of a track plays from trackStart + k * chunkSeconds on the audio clock
// (AudioContext.currentTime, seconds), every time a whole 48 kHz frame, so chunk joins and
// the join to the next track are sample-exact. Chunks come as WAV (16-bit stereo, 48 kHz)
// from /api/audio/stream; the next one is fetched while more than `aheadSeconds` minus a
// chunk is still scheduled, so it arrives well before the current one ends.

import { api, postJson } from './api.js';

const rate = 48000;
/// The next chunk is fetched once less than this much audio is scheduled ahead (seconds).
export const aheadSeconds = 10;
/// A source started now starts this far ahead of the audio clock (seconds).
const leadSeconds = 0.02;
/// Length of the crossfade of a switch (seconds).
export const crossfadeSeconds = 0.01;
/// Position updates while playing, besides those on play, seek, switch and track change.
const positionEveryMs = 5000;
/// A future chunk in old settings is fetched again only when at least this much time is
/// left before it starts (seconds); later, the switch of the playing chunk replaces it.
const replaceMarginSeconds = 0.5;

/// The PCM of a WAV chunk as the engine sends it (RIFF, 16-bit integer PCM at the context's
/// rate) in an AudioBuffer, sample for sample; null for anything else (decodeAudioData
/// then decodes it).
function wavToBuffer(ctx, bytes) {
  const v = new DataView(bytes);
  if (v.byteLength < 12 || v.getUint32(0) !== 0x52494646 || v.getUint32(8) !== 0x57415645) return null;
  let fmt = null;
  for (let p = 12; p + 8 <= v.byteLength;) {
    const id = v.getUint32(p);
    const size = v.getUint32(p + 4, true);
    if (id === 0x666d7420 && size >= 16) {  // "fmt "
      fmt = { format: v.getUint16(p + 8, true), channels: v.getUint16(p + 10, true),
        rate: v.getUint32(p + 12, true), bits: v.getUint16(p + 22, true) };
    } else if (id === 0x64617461) {  // "data"
      if (!fmt || fmt.format !== 1 || fmt.bits !== 16 || fmt.rate !== ctx.sampleRate ||
          fmt.channels < 1 || (p + 8) % 2 !== 0) return null;
      const bytesHeld = Math.min(size, v.byteLength - p - 8);
      const frames = Math.floor(bytesHeld / (2 * fmt.channels));
      if (frames === 0) return null;
      const pcm = new Int16Array(bytes, p + 8, frames * fmt.channels);
      const buffer = ctx.createBuffer(fmt.channels, frames, fmt.rate);
      for (let c = 0; c < fmt.channels; ++c) {
        const out = buffer.getChannelData(c);
        for (let i = 0, j = c; i < frames; ++i, j += fmt.channels) out[i] = pcm[j] / 32768;
      }
      return buffer;
    }
    p += 8 + size + (size & 1);
  }
  return null;
}

/// `t` seconds rounded to a whole frame.
const onFrame = (t) => Math.round(t * rate) / rate;
const sameIntensity = (a, b) => Math.abs(a - b) < 1e-6;

/// Events (EventTarget, each a CustomEvent whose `detail` is named here):
/// - `state`: {state} 'stopped' | 'playing' | 'paused' | 'buffering';
/// - `track`: {track} the track now at the playhead;
/// - `settings`: {preset, intensity};
/// - `fetch`: {track, chunk, preset, intensity, tier, fetchMs} every chunk fetched;
/// - `switch`: a switch record (see switchTo);
/// - `problem`: {message} a fetch or update that failed (playback goes on where it can).
export class Player extends EventTarget {
  /// `sessionId`: the engine session of this tab; `chunkSeconds`: audio.chunk_seconds;
  /// `preset`, `intensity`: the settings to start with.
  constructor({ sessionId, chunkSeconds, preset, intensity = 1 }) {
    super();
    this.sessionId = sessionId;
    this.chunkSeconds = chunkSeconds;
    this.preset = preset;
    this.intensity = intensity;
    this.tracks = [];
    this.index = 0;          // the queue position of the track at the playhead
    this.state = 'stopped';
    this.ctx = null;
    this.segments = [];      // scheduled chunks, by start time
    this.generation = 0;     // bumped by every restart of the timeline (play, seek, stop)
    this.filling = false;
    this.switchId = 0;
    this.lastPositionPost = 0;
    this.fetched = 0;
    this.underruns = 0;
    this.timer = null;
  }

  /// The queue: the library's tracks, in order ({id, title, duration_s, chunks, ...}).
  setTracks(tracks) {
    const playing = this.track();
    this.tracks = tracks;
    const i = playing ? tracks.findIndex((t) => t.id === playing.id) : -1;
    if (i >= 0) this.index = i;
    else if (playing) this.stop();
    else this.index = 0;
  }

  /// The track at the playhead (or that play would start), or null for an empty queue.
  track() { return this.tracks[this.index] || null; }

  /// The audio clock in seconds (0 before the first play).
  clock() { return this.ctx ? this.ctx.currentTime : 0; }

  /// Seconds into the playing track (0 when stopped).
  position() {
    if (this.state === 'stopped') return 0;
    if (this.pendingPosition !== undefined) return this.pendingPosition;
    const seg = this.segmentAt(this.clock()) || this.segments[0];
    if (!seg) return 0;
    return Math.min(Math.max(0, this.clock() - seg.trackStart), seg.track.duration_s);
  }

  /// Plays the track at queue position `index` from `position` seconds.
  async play(index = this.index, position = 0) {
    const track = this.tracks[index];
    if (!track) return;
    this.ensureContext();
    const keepPaused = this.state === 'paused';
    this.clear();
    this.index = index;
    this.emit('track', { track });
    const gen = this.generation;
    const chunk = Math.min(Math.floor(position / this.chunkSeconds), track.chunks - 1);
    this.pendingPosition = position;
    this.setState('buffering');
    if (!keepPaused) await this.ctx.resume();
    this.postPosition(true);
    let got;
    try {
      got = await this.fetchChunk(track, chunk, this.preset, this.intensity);
    } catch (e) {
      if (gen === this.generation) {
        this.pendingPosition = undefined;
        this.setState('stopped');
        this.problem(e);
      }
      return;
    }
    if (gen !== this.generation) return;
    this.pendingPosition = undefined;
    const from = onFrame(this.clock() + leadSeconds);
    const trackStart = onFrame(from - position);
    this.schedule({ track, chunk, trackStart, preset: got.preset, intensity: got.intensity }, got.buffer, from);
    this.setState(keepPaused ? 'paused' : 'playing');
    if (keepPaused) await this.ctx.suspend();
    this.startTimer();
  }

  /// Play or pause; from stopped, plays the track at the playhead from its start.
  async toggle() {
    if (this.state === 'stopped') return this.play();
    if (this.state === 'paused') {
      await this.ctx.resume();
      this.setState('playing');
      this.postPosition(true);
    } else {
      await this.ctx.suspend();
      this.setState('paused');
    }
  }

  /// Moves the playhead to `position` seconds of the current track (clamped to it).
  seek(position) {
    const track = this.track();
    if (!track) return Promise.resolve();
    const p = Math.min(Math.max(0, position), Math.max(0, track.duration_s - 0.05));
    return this.play(this.index, p);
  }

  /// The next track of the queue, from its start.
  next() {
    if (this.index + 1 < this.tracks.length) return this.play(this.index + 1, 0);
    return Promise.resolve();
  }

  /// The previous track, or the start of this one when more than 3 s of it have played.
  previous() {
    if (this.position() > 3 || this.index === 0) return this.play(this.index, 0);
    return this.play(this.index - 1, 0);
  }

  /// Stops playback and forgets what is scheduled.
  stop() {
    this.clear();
    this.setState('stopped');
  }

  /// Switches to `preset` at `intensity`: fetches the playing chunk in the new settings
  /// and crossfades to it at the playhead (crossfadeSeconds). Emits `switch` with
  /// {preset, intensity, track_id, chunk, tier, fetchMs, clickToSoundMs}: the tier that
  /// served the chunk (X-Cache-Tier) and the time from `clickedAt` (performance.now() of
  /// the click) to the moment the new audio reaches the output (null while not playing).
  async switchTo(preset, intensity = this.intensity, clickedAt = performance.now()) {
    if (preset === this.preset && sameIntensity(intensity, this.intensity)) return;
    this.preset = preset;
    this.intensity = intensity;
    this.emit('settings', { preset, intensity });
    if (this.state === 'stopped' || this.state === 'buffering' || !this.ctx) {
      if (this.state === 'buffering') this.play(this.index, this.position());
      return;
    }
    this.postPosition(true);
    const record = await this.replacePlaying();
    if (!record) return;
    record.clickToSoundMs = this.state === 'playing' ? record.soundAt - clickedAt : null;
    delete record.soundAt;
    this.emit('switch', record);
  }

  // --- internals -----------------------------------------------------------------------

  /// Brings the playing chunk to the current settings: fetches it in them and crossfades at
  /// the playhead. The playhead may cross into the next chunk while the fetch is under way:
  /// then the chunk now playing is fetched in turn (twice at most). Resolves {preset,
  /// intensity, track_id, chunk, tier, fetchMs, soundAt} (soundAt: performance.now() time
  /// at which the new audio reaches the output), or null when nothing was replaced (a newer
  /// switch or a restart took over, or the fetch failed).
  async replacePlaying() {
    const id = ++this.switchId;
    const gen = this.generation;
    const { preset, intensity } = this;
    this.switching = true;
    try {
      for (let attempt = 0; attempt < 3; ++attempt) {
        const cur = this.segmentAt(this.clock() + leadSeconds);
        if (!cur || (cur.preset === preset && sameIntensity(cur.intensity, intensity))) return null;
        let got;
        try {
          got = await this.fetchChunk(cur.track, cur.chunk, preset, intensity);
        } catch (e) {
          if (id === this.switchId) this.problem(e);
          return null;
        }
        if (id !== this.switchId || gen !== this.generation) return null;
        const when = onFrame(this.clock() + leadSeconds);
        if (this.segmentAt(when) !== cur) continue;
        this.crossfade(cur, got, when);
        return {
          preset, intensity, track_id: cur.track.id, chunk: cur.chunk, tier: got.tier,
          fetchMs: got.fetchMs, soundAt: this.outputTime(when),
        };
      }
      return null;
    } finally {
      if (id === this.switchId) this.switching = false;
    }
  }

  emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }

  problem(e) { this.emit('problem', { message: e.message || String(e) }); }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', { state });
  }

  ensureContext() {
    if (this.ctx) return;
    this.ctx = new AudioContext({ sampleRate: rate, latencyHint: 'interactive' });
    this.master = this.ctx.createGain();
    this.analyser = this.ctx.createAnalyser();
    this.analyser.fftSize = 2048;
    this.master.connect(this.analyser).connect(this.ctx.destination);
    this.samples = new Float32Array(this.analyser.fftSize);
  }

  /// RMS level of the last 2048 samples that reached the output (0..1; 0 before any play).
  level() {
    if (!this.analyser) return 0;
    this.analyser.getFloatTimeDomainData(this.samples);
    let sum = 0;
    for (const x of this.samples) sum += x * x;
    return Math.sqrt(sum / this.samples.length);
  }

  /// performance.now() time at which audio-clock time `when` reaches the output.
  outputTime(when) {
    const ts = this.ctx.getOutputTimestamp();
    return ts.performanceTime + (when - ts.contextTime) * 1000;
  }

  /// The scheduled segment audible at audio-clock time `t`, or undefined.
  segmentAt(t) { return this.segments.find((s) => s.start <= t && t < s.end); }

  /// Forgets everything scheduled (a new timeline follows).
  clear() {
    ++this.generation;
    ++this.switchId;
    for (const s of this.segments) this.silence(s, this.clock());
    this.segments = [];
    this.tail = null;
    this.switching = false;
    this.pendingPosition = undefined;
  }

  /// Fades `seg` out over 5 ms from audio-clock time `at` (at once when it has not started).
  silence(seg, at) {
    const g = seg.gain.gain;
    g.cancelScheduledValues(at);
    g.setValueAtTime(g.value, at);
    g.linearRampToValueAtTime(0, at + 0.005);
    seg.source.onended = () => seg.gain.disconnect();
    seg.source.stop(seg.start > at ? 0 : at + 0.005);
  }

  /// Fetches and decodes one chunk. Resolves {buffer, tier, fetchMs, preset, intensity}.
  async fetchChunk(track, chunk, preset, intensity) {
    const t0 = performance.now();
    const q = new URLSearchParams({ preset, intensity: String(intensity), session_id: this.sessionId });
    const res = await api(`/api/audio/stream/${track.id}/chunk/${chunk}?${q}`);
    const tier = res.headers.get('X-Cache-Tier') || 'unknown';
    const bytes = await res.arrayBuffer();
    const fetchMs = performance.now() - t0;
    const buffer = wavToBuffer(this.ctx, bytes) || await this.ctx.decodeAudioData(bytes);
    ++this.fetched;
    this.emit('fetch', { track, chunk, preset, intensity, tier, fetchMs });
    return { buffer, tier, fetchMs, preset, intensity };
  }

  /// Schedules chunk `seg.chunk` of `seg.track` (decoded as `buffer`) at its place on the
  /// timeline, which it extends (`tail`), audible from audio-clock time `from` (default: its
  /// start; later to start within the chunk). A part that should have played already is
  /// skipped (an underrun). Returns the segment, or null when all of it is past.
  schedule(seg, buffer, from = undefined) {
    const start = onFrame(seg.trackStart + seg.chunk * this.chunkSeconds);
    const end = start + buffer.duration;
    if (!this.tail || end > this.tail.end)
      this.tail = { track: seg.track, chunk: seg.chunk, trackStart: seg.trackStart, end };
    const first = from === undefined ? start : Math.max(start, from);
    const when = Math.max(first, onFrame(this.clock() + leadSeconds));
    if (when >= end) { ++this.underruns; return null; }
    if (when > first) ++this.underruns;
    const source = this.ctx.createBufferSource();
    source.buffer = buffer;
    const gain = this.ctx.createGain();
    source.connect(gain).connect(this.master);
    source.start(when, when - start);
    const s = { ...seg, start, end, source, gain };
    source.onended = () => {
      gain.disconnect();
      this.segments = this.segments.filter((x) => x !== s);
    };
    this.segments.push(s);
    this.segments.sort((a, b) => a.start - b.start);
    return s;
  }

  /// Replaces `old` from `when` on by `got`'s buffer of the same chunk, crossfading.
  crossfade(old, got, when) {
    const source = this.ctx.createBufferSource();
    source.buffer = got.buffer;
    const gain = this.ctx.createGain();
    gain.gain.setValueAtTime(0, when);
    gain.gain.linearRampToValueAtTime(1, when + crossfadeSeconds);
    source.connect(gain).connect(this.master);
    source.start(when, when - old.start);
    old.gain.gain.cancelScheduledValues(when);
    old.gain.gain.setValueAtTime(1, when);
    old.gain.gain.linearRampToValueAtTime(0, when + crossfadeSeconds);
    old.source.onended = () => old.gain.disconnect();
    old.source.stop(when + crossfadeSeconds);
    const s = { ...old, preset: got.preset, intensity: got.intensity, source, gain };
    source.onended = () => {
      gain.disconnect();
      this.segments = this.segments.filter((x) => x !== s);
    };
    this.segments = this.segments.map((x) => (x === old ? s : x));
  }

  startTimer() {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), 200);
  }

  /// Every 200 ms: fetch ahead, follow track changes, notice the end, post the position.
  tick() {
    if (this.state === 'stopped') {
      clearInterval(this.timer);
      this.timer = null;
      return;
    }
    if (this.state === 'buffering') return;
    const now = this.clock();
    const playing = this.segmentAt(now);
    if (playing && playing.track !== this.track()) {
      this.index = this.tracks.indexOf(playing.track);
      this.emit('track', { track: playing.track });
      this.postPosition(true);
    }
    if (!playing && !this.segments.some((s) => s.end > now) && !this.following(this.tail)) {
      this.stop();
      return;
    }
    // A chunk that started in old settings (the switch came too close to its start).
    if (playing && !this.switching &&
        (playing.preset !== this.preset || !sameIntensity(playing.intensity, this.intensity)))
      this.replacePlaying();
    this.fill();
    if (this.state === 'playing' && performance.now() - this.lastPositionPost >= positionEveryMs)
      this.postPosition(false);
  }

  /// The chunk after `seg` ({track, chunk, trackStart, end}) on the timeline: {track,
  /// chunk, trackStart}, or null at the end of the queue.
  following(seg) {
    if (!seg) return null;
    if (seg.chunk + 1 < seg.track.chunks)
      return { track: seg.track, chunk: seg.chunk + 1, trackStart: seg.trackStart };
    const i = this.tracks.indexOf(seg.track);
    const next = i >= 0 ? this.tracks[i + 1] : undefined;
    return next ? { track: next, chunk: 0, trackStart: seg.end } : null;
  }

  /// One fetch at a time: a future chunk still in old settings (while there is time to
  /// replace it), else the chunk after the last one when less than aheadSeconds is ahead.
  async fill() {
    if (this.filling) return;
    const now = this.clock();
    const stale = this.segments.find((s) => s.start > now + replaceMarginSeconds &&
      (s.preset !== this.preset || !sameIntensity(s.intensity, this.intensity)));
    const last = this.tail;
    let want = null;
    if (stale) want = { track: stale.track, chunk: stale.chunk, trackStart: stale.trackStart };
    else if (last && last.end - now < aheadSeconds) want = this.following(last);
    if (!want) return;
    this.filling = true;
    const gen = this.generation;
    try {
      const got = await this.fetchChunk(want.track, want.chunk, this.preset, this.intensity);
      if (gen !== this.generation) return;
      if (stale) {
        if (!this.segments.includes(stale) || stale.start <= this.clock() + leadSeconds) return;
        this.silence(stale, 0);
        this.segments = this.segments.filter((x) => x !== stale);
      } else if (this.tail !== last) {
        return;
      }
      this.schedule({ ...want, preset: got.preset, intensity: got.intensity }, got.buffer);
    } catch (e) {
      if (gen === this.generation) this.problem(e);
    } finally {
      this.filling = false;
    }
  }

  /// Tells the engine where the playhead is. `always`: also within the server's throttle
  /// interval (play, seek, switch, track change); the server still decides.
  postPosition(always) {
    const track = this.track();
    if (!track || (!always && this.state !== 'playing')) return;
    this.lastPositionPost = performance.now();
    const body = {
      track_id: track.id, position: this.position(), preset: this.preset,
      intensity: this.intensity, session_id: this.sessionId,
    };
    const next = this.tracks[this.index + 1];
    if (next) body.next_track_id = next.id;
    postJson('/api/player/position', body)
      .then((answer) => this.emit('position', answer))
      .catch((e) => this.problem(e));
  }
}
