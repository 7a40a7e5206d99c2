// HTTP helpers of the web UI: fetch() with the tab's API token, and small formatters.

const tokenKey = 'auralis-token';

/// m:ss of `seconds` (rounded down to whole seconds; negative counts as 0).
export function formatTime(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/// m:ss of a track's `seconds`, rounded to the nearest second (the library's durations).
export function formatDuration(seconds) {
  return formatTime(Math.round(seconds));
}

/// Asks for the server's API token once; it is kept for this tab (sessionStorage).
/// Concurrent 401s share one dialog.
let asking = null;
function askToken() {
  if (asking) return asking;
  const dialog = document.getElementById('token-dialog');
  const input = document.getElementById('token-input');
  asking = new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      sessionStorage.setItem(tokenKey, input.value);
      asking = null;
      resolve(input.value);
    }, { once: true });
    dialog.showModal();
  });
  return asking;
}

/// fetch() of `path` with the tab's token; on 401 asks for the token and tries again once.
/// Resolves with the response when it is 2xx; otherwise rejects with an Error whose message
/// names the path, the status and the server's `detail`, and whose `status` is the status.
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
    const error = new Error(`${path.split('?')[0]}: ${res.status} ${detail}`);
    error.status = res.status;
    throw error;
  }
  return res;
}

/// api() of a JSON answer, parsed.
export async function apiJson(path, options = {}) {
  return (await api(path, options)).json();
}

/// POSTs `body` as JSON; resolves with the parsed answer.
export function postJson(path, body) {
  return apiJson(path, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
}
