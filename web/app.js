// The web UI: lists the library. Plain ES module, no build step.

const tokenKey = 'auralis-token';

/// m:ss of `seconds`.
export function formatDuration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/// Asks for the server's API token once; it is kept for this tab (sessionStorage).
function askToken() {
  const dialog = document.getElementById('token-dialog');
  const input = document.getElementById('token-input');
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      sessionStorage.setItem(tokenKey, input.value);
      resolve(input.value);
    }, { once: true });
    dialog.showModal();
  });
}

/// fetch() with the tab's token; on 401 asks for the token and tries again once.
export async function api(path, options = {}) {
  const send = (token) => fetch(path, {
    ...options,
    headers: { ...(options.headers || {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  });
  let res = await send(sessionStorage.getItem(tokenKey));
  if (res.status === 401) res = await send(await askToken());
  if (!res.ok) {
    let detail = res.statusText;
    try { detail = (await res.json()).detail || detail; } catch (e) { /* not JSON */ }
    throw new Error(`${path}: ${res.status} ${detail}`);
  }
  return res;
}

function showStatus(text, error = false) {
  const status = document.getElementById('status');
  status.textContent = text;
  status.classList.toggle('error', error);
}

async function loadLibrary() {
  const { tracks } = await (await api('/api/library/tracks')).json();
  const body = document.querySelector('#library tbody');
  body.replaceChildren(...tracks.map((t) => {
    const row = document.createElement('tr');
    row.dataset.trackId = t.id;
    for (const [text, cls] of [[t.title, 'title'], [formatDuration(t.duration_s), 'duration'],
                               [t.format, 'format']]) {
      const cell = document.createElement('td');
      cell.textContent = text;
      cell.className = cls;
      row.append(cell);
    }
    return row;
  }));
  showStatus(tracks.length ? '' : 'The library is empty.');
}

loadLibrary().catch((e) => showStatus(e.message, true));
