// api.js — the only place the client talks to hhreg serve (docs/API.md): the
// session cookie goes by itself, the CSRF token with every request that changes
// something, the chosen language as Accept-Language so the server's messages come
// in it. A request that cannot reach the server, made while the phone has no
// network, or given no answer within REQUEST_TIMEOUT_MS rejects with {offline: true};
// whether the last request reached the server is kept (serverReached), and a change
// of it told as the window event 'hhreg-reach': the phone may have a network while
// the server does not answer. Signing out stops every request under way, so nothing
// arrives for a worker who left.
import { language } from './i18n.js';

const SESSION_KEY = 'hhreg.session';
const LOGOUT_KEY = 'hhreg.logout'; // the CSRF token of a session signed out without a connection, ended when one is back
const REQUEST_TIMEOUT_MS = 45000; // a form is a few kilobytes: longer is a connection that went
const underWay = new Set(); // the AbortController of each request not yet answered
let reached = true; // the last request tried got the server's answer (a gateway's 502-504 is none)

export function serverReached() { return reached; }

// Stops every request under way (signing out): their answers are no one's now.
function stopAll() {
  for (const control of underWay) {
    control.deliberate = true;
    control.abort();
  }
}

function reach(now) {
  if (now === reached) return;
  reached = now;
  window.dispatchEvent(new Event('hhreg-reach'));
}

export function session() {
  try { return JSON.parse(localStorage.getItem(SESSION_KEY)); } catch { return null; }
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error.message : `HTTP ${status}`);
    this.status = status;
    this.code = body && body.error ? body.error.code : null;
    this.messages = body && body.error ? body.error.messages : undefined; // both languages (i18n.js inLanguage)
    this.body = body;
  }
}

export async function call(method, path, body, headers = {}) {
  const s = session();
  const h = { 'Accept-Language': language(), ...headers };
  if (method !== 'GET' && s) h['X-CSRF-Token'] = s.csrf;
  if (body !== undefined && !h['Content-Type']) h['Content-Type'] = 'application/json';
  // The phone says it has no network: not tried (a request would wait for its timeout,
  // and one that a service worker passes on might still go out).
  if (!navigator.onLine) throw Object.assign(new Error('offline'), { offline: true });
  const control = new AbortController();
  const timer = setTimeout(() => control.abort(), REQUEST_TIMEOUT_MS);
  underWay.add(control);
  let answer, data = null;
  try {
    answer = await fetch(path, {
      method, headers: h, credentials: 'same-origin', cache: 'no-store', signal: control.signal,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    if (answer.status !== 204) data = await answer.json().catch(() => null);
    if (control.signal.aborted) throw new Error('stopped'); // the body cut off by the timeout or signing out
  } catch (e) {
    if (!control.deliberate) reach(false); // no answer, a timeout too; not a request stopped by signing out
    throw Object.assign(new Error('offline'), { offline: true });
  } finally {
    clearTimeout(timer);
    underWay.delete(control);
  }
  reach(answer.status < 502 || answer.status > 504);
  if (answer.status === 204) return null;
  if (answer.status === 401 && !(method === 'POST' && path === '/api/v1/session')) { // not a refused sign-in
    localStorage.removeItem(SESSION_KEY);
    window.dispatchEvent(new CustomEvent('hhreg-signed-out', { detail: { ended: true } })); // by the server, not the worker
  }
  if (!answer.ok) throw new ApiError(answer.status, data);
  return data;
}

// Signed out in another tab of the app (or the session ended there): what this one
// asked stops too, and it shows the sign-in screen.
window.addEventListener('storage', (e) => {
  if (e.key !== SESSION_KEY || e.newValue !== null) return;
  stopAll();
  window.dispatchEvent(new Event('hhreg-signed-out'));
});

export async function signIn(user, password) {
  await endPendingSignOut(); // the old cookie's session ends before the new one replaces it
  const s = await call('POST', '/api/v1/session', { user, password });
  localStorage.setItem(SESSION_KEY, JSON.stringify({ user: s.user, role: s.role, grids: s.grids, areas: s.areas, csrf: s.csrf }));
  return s;
}

// The account as the server has it now: grids given or taken away since signing in.
export async function refreshSession() {
  const now = await call('GET', '/api/v1/session');
  const s = session();
  if (s && s.user === now.user) localStorage.setItem(SESSION_KEY, JSON.stringify({ ...s, role: now.role, grids: now.grids, areas: now.areas }));
}

export async function signOut() {
  stopAll();
  const s = session();
  try {
    await call('DELETE', '/api/v1/session');
  } catch (e) { // offline, or the server failing: the session (its cookie stays on the phone) is ended when it answers
    if ((e.offline || e.status >= 500) && s) localStorage.setItem(LOGOUT_KEY, s.csrf);
  }
  localStorage.removeItem(SESSION_KEY);
}

// A sign-out made offline, completed: the server ends the session the cookie still names.
// Any answer settles it (ended now, or already by expiry); no answer leaves it for the next try.
export async function endPendingSignOut() {
  const csrf = localStorage.getItem(LOGOUT_KEY);
  if (!csrf || !navigator.onLine) return;
  const control = new AbortController();
  const timer = setTimeout(() => control.abort(), 10000); // sign-in waits for it
  try { // not call(): its 401 would sign out whoever is signed in now
    const answer = await fetch('/api/v1/session', { method: 'DELETE', headers: { 'X-CSRF-Token': csrf },
      credentials: 'same-origin', cache: 'no-store', signal: control.signal });
    if (answer.status < 500) localStorage.removeItem(LOGOUT_KEY);
  } catch { /* still unreachable */ } finally {
    clearTimeout(timer);
  }
}
