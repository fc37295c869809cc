// The JSON API client. The session cookie is HttpOnly; the CSRF token from sign-in lives in
// sessionStorage (this tab only) and goes with every request that changes data.

const CSRF_KEY = 'schwann.csrf';

export const csrf = {
  get: () => sessionStorage.getItem(CSRF_KEY),
  set: (token) => sessionStorage.setItem(CSRF_KEY, token),
  clear: () => sessionStorage.removeItem(CSRF_KEY),
};

// An error answer of the API: status plus the RFC 9457 problem ({title, detail, errors[]}).
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || { title: `HTTP ${status}`, status };
  }
}

// Called when the session is gone (401) or this tab lacks the CSRF token (403 "Missing CSRF
// token"); the app answers by showing the sign-in form.
let sessionLost = () => {};
export function onSessionLost(fn) {
  sessionLost = fn;
}

// api('GET', '/api/v1/patients') -> {status, body, etag}; throws ApiError for 4xx/5xx and for a
// server that cannot be reached (status 0).
export async function api(method, path, { body, ifMatch, signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrf.get();
    if (token) headers['X-CSRF-Token'] = token;
  }
  if (ifMatch !== undefined) headers['If-Match'] = `"${ifMatch}"`;
  let res;
  try {
    res = await fetch(path, {
      method, headers, signal, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, {
      title: 'Cannot reach the server',
      detail: 'The server did not answer. Check the connection and try again.',
    });
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (res.status >= 400) {
    const err = new ApiError(res.status, json);
    const signingIn = path === '/api/v1/session' && method === 'POST';
    if (!signingIn && (res.status === 401 ||
        (res.status === 403 && json && json.title === 'Missing CSRF token'))) {
      sessionLost(res.status === 401 ? 'expired' : 'csrf');
    }
    throw err;
  }
  const etag = res.headers.get('ETag');
  return { status: res.status, body: json, etag: etag ? Number(etag.replace(/^W\//, '').replace(/"/g, '')) : null };
}

export const get = (path, opts) => api('GET', path, opts);
export const post = (path, body, opts = {}) => api('POST', path, { ...opts, body });
export const patch = (path, body, opts = {}) => api('PATCH', path, { ...opts, body });
export const del = (path, opts) => api('DELETE', path, opts);

// The neuropathy code list changes only with a new server version: fetched once per page load.
let codesPromise = null;
export function neuropathyCodes() {
  if (!codesPromise) {
    codesPromise = get('/api/v1/neuropathy-codes').then((r) => r.body.items).catch((e) => {
      codesPromise = null;
      throw e;
    });
  }
  return codesPromise;
}

// A catalogue's items (they change only with a new server version): fetched once per page load,
// again after a failure.
export function cached(path) {
  let promise = null;
  return () => {
    if (!promise) {
      promise = get(path).then((r) => r.body.items).catch((e) => {
        promise = null;
        throw e;
      });
    }
    return promise;
  };
}

// For reads that redraw the same place. Each call of the returned function starts a read and
// gives its check: true while no later read has started (and, given a page context, while the
// page is still shown). With several worker threads an older answer can come back last; the
// check keeps it from replacing a newer one.
export function latestOnly(ctx = null) {
  let seq = 0;
  return () => {
    const mine = ++seq;
    return () => mine === seq && (!ctx || ctx.isCurrent());
  };
}
