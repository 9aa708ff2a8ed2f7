// The hidden Settings modal's one setting: which daemon the UI talks to. Kept in localStorage, so it survives
// reloads; empty means the daemon that served the page.

const KEY = 'vmo.backendUrl';

export function backendOverride(storage: Storage = localStorage): string {
  return storage.getItem(KEY) ?? '';
}

/** Stores a URL (normalised: scheme, host, port, no trailing slash) or clears the override with ''. */
export function setBackendOverride(url: string, storage: Storage = localStorage): string {
  const trimmed = url.trim();
  if (trimmed === '') {
    storage.removeItem(KEY);
    return '';
  }
  const normalised = normaliseBackend(trimmed);
  storage.setItem(KEY, normalised);
  return normalised;
}

export function normaliseBackend(url: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(url) ? url : `http://${url}`;
  const parsed = new URL(withScheme);
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol)) {
    throw new Error(`${parsed.protocol} is not a daemon address; use http://host:port`);
  }
  const scheme = parsed.protocol === 'wss:' || parsed.protocol === 'https:' ? 'https:' : 'http:';
  return `${scheme}//${parsed.host}`;
}

/** The HTTP base (for /api) and the WebSocket URL of the daemon to use. */
export function endpoints(override: string, origin: string): { http: string; ws: string } {
  const http = override || origin;
  return { http, ws: http.replace(/^http/, 'ws') + '/ws' };
}
