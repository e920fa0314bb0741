// app.js — the grid worker's screens: sign in, my households (with the unfinished
// forms and the outbox), one household's form, what is due, a visit, the outbox; and
// the sender, which sends the outbox whenever the server can be reached. Routes are
// the URL's hash: #/ the list, #/form/CLIENT-ID a draft, #/household/ID, #/due,
// #/visit/ID, #/outbox; a supervisor's #/review, #/review/ID and #/progress (review.js)
// and #/assignments (assign.js).
import { t, label, language, setLanguage, inLanguage } from './i18n.js';
import { call, session, signIn, signOut, endPendingSignOut, refreshSession, serverReached, ApiError } from './api.js';
import * as db from './db.js';
import { emptyAnswers, fromJson, toJson, newPerson, answered, presetUsual, itemPath } from './answers.js';
import { HouseholdForm, VisitForm, el } from './form.js';
import { reviewQueueScreen, reviewScreen, progressScreen } from './review.js';
import { assignmentsScreen } from './assign.js';

const main = document.getElementById('main');
const status = document.getElementById('status');
let dict = null;

function newClientId() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// The connection as the worker needs to know it: a network and the server answering;
// a network without the server (its Wi-Fi up, the office's machine down) said as such.
function showStatus() {
  const up = navigator.onLine && serverReached();
  status.textContent = up ? t('online') : navigator.onLine ? t('unreached') : t('offline');
  status.className = up ? 'online' : 'offline';
  document.documentElement.lang = language() === 'zh' ? 'zh-CN' : 'en';
  document.getElementById('lang').textContent = language() === 'zh' ? 'English' : '中文';
  document.title = t('title');
  document.getElementById('sign-out').textContent = t('signOut');
}

// The dictionary: the server's when it can be reached (ETag-revalidated), else the one kept.
async function loadDictionary() {
  try {
    dict = await call('GET', '/api/v1/items');
    await db.put('cache', dict, 'items');
  } catch (e) {
    if (!e.offline) throw e;
    dict = await db.get('cache', 'items');
  }
  return dict;
}

async function loadHouseholds() {
  try {
    const [list] = await Promise.all([call('GET', '/api/v1/households'), refreshSession()]); // the grids as they are now
    await db.put('cache', list, 'households');
    const mine = new Set(list.filter((h) => !h.deleted).map((h) => `household:${h.id}`));
    for (const key of await db.keys('cache')) // a household no longer the worker's (a grid taken away) leaves the phone
      if (key.startsWith('household:') && !mine.has(key)) await db.remove('cache', key);
    for (const d of await db.all('drafts')) // and the copies of it only opened (one changed is the worker's unsent work)
      if (d.householdId && d.edited === false && !mine.has(`household:${d.householdId}`)) await db.remove('drafts', d.clientId);
    if (session() && session().role === 'enumerator') keepForOffline(); // a supervisor's community is too much for a phone
    return list;
  } catch (e) {
    if (!e.offline) throw e;
    return (await db.get('cache', 'households')) || [];
  }
}

// The address a new household of `grid` starts from: the codes and the grid number
// its own code says (the rules refuse any other), and the names as a household of the
// grid has them (kept from the last one opened), else as the server has its community's
// (the session's areas: a grid without households yet, whose worker reads no other grid).
async function addressTemplate(grid) {
  const named = (await db.get('cache', `address:${grid}`)) || (await namesFrom(`${grid}-`, grid)) ||
    (await namesFrom(grid.slice(0, 12), null)) || { ...((session() || {}).areas || {})[grid.slice(0, 12)] };
  return { ...named, 'district-code': grid.slice(0, 6), 'street-code': grid.slice(0, 9), 'community-code': grid.slice(0, 12),
    grid: String(Number(grid.slice(13))) };
}

// The address of a household of the list whose id starts with `prefix` (kept for `grid`).
async function namesFrom(prefix, grid) {
  const one = ((await db.get('cache', 'households')) || []).find((h) => h.id.startsWith(prefix));
  if (!one) return null;
  try {
    const household = fromJson(dict, await fetchHousehold(one.id)).household;
    if (grid) return rememberAddress(grid, household);
    const names = {}; // another grid's: the area's names only (its estate is its own)
    for (const k of ['district', 'street', 'community']) if (household[k]) names[k] = household[k];
    return names;
  } catch (e) { return null; }
}

// The part of a household's address its grid shares: all but building, unit and room.
function settledAddress(household) {
  const keep = {};
  for (const q of dict.questions.household)
    if (q.group === 'address' && !['building', 'unit', 'room'].includes(q.key) && household[q.key]) keep[q.key] = household[q.key];
  return keep;
}

async function rememberAddress(grid, household) {
  const keep = settledAddress(household);
  await db.put('cache', keep, `address:${grid}`);
  return keep;
}

let routed = '#/'; // the route being shown: a screen still loading for an earlier one is dropped

function screen(title, ...children) {
  if ((location.hash || '#/') !== routed) return;
  main.replaceChildren(el('h1', { text: title }), ...children.filter(Boolean));
  window.scrollTo(0, 0);
}

// --- sign in ---------------------------------------------------------------------------

function signInScreen(message) {
  routed = location.hash || '#/'; // whatever was loading, signing in comes first
  document.getElementById('sign-out').hidden = true;
  const user = el('input', { id: 'user', name: 'user', autocomplete: 'username', autocapitalize: 'none', required: true });
  const password = el('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const said = el('p', { class: 'msg', role: 'alert', text: message || '' });
  const form = el('form', { class: 'signin' },
    el('label', { for: 'user', text: t('user') }), user,
    el('label', { for: 'password', text: t('password') }), password,
    said, el('button', { type: 'submit', id: 'sign-in' }, t('signIn')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await signIn(user.value.trim(), password.value);
      await db.claim(session().user);
      route().then(sendOutbox); // what waited while the session had ended goes now
    } catch (e) {
      said.textContent = e.offline ? t('offlineNoSession') : e.code === 'login-refused' ? t('signInRefused') : e.message;
    }
  });
  screen(t('title'), form);
  user.focus();
}

// --- my households ---------------------------------------------------------------------

// Whether a draft holds the worker's work: one they changed or sent (a household only
// opened is a copy of the server's, replaced when opened again; a new household opened
// and left untouched is nobody's work, dropped from the list). A draft from before the
// flag is flagged by flagOldDrafts; until then it is the worker's.
function worked(draft) { return draft.edited !== false; }

function flagsOf(h) {
  const f = [];
  if (h.elderlyLivingAlone) f.push('A');
  if (h.emptyNest) f.push('E');
  if (h.personsWithDisability > 0) f.push('D');
  if (h.lowIncome) f.push('L');
  if (h.foreignNationals > 0) f.push('F');
  return f;
}

async function listScreen() {
  const [list, all, outbox] = await Promise.all([loadHouseholds(), db.all('drafts'), db.all('outbox')]);
  const s = session(); // after the list: its grids as the server has them now
  if (!s) return; // the session ended meanwhile: the sign-in screen is shown
  const untouched = []; // + New household, then back: read again, as the form may have been typed in meanwhile
  for (const d of all.filter((x) => !x.householdId && x.edited === false)) {
    const now = await db.get('drafts', d.clientId);
    if (now && now.edited === false) { await db.remove('drafts', d.clientId); untouched.push(d.clientId); }
  }
  const drafts = all.filter((d) => !untouched.includes(d.clientId));
  const waiting = outbox.filter((o) => o.state !== 'sent').length;
  const grids = s.grids.filter((g) => /^\d{12}-\d{2}$/.test(g.split('/')[0]));
  const newButtons = grids.map((g) => el('button', { type: 'button', class: 'primary', 'data-grid': g, onclick: () => newHousehold(g) },
    `+ ${t('newHousehold')}${grids.length > 1 ? ` (${g})` : ''}`));
  const unfinished = drafts.filter((d) => worked(d) && !outbox.some((o) => o.draft === d.clientId && o.state === 'queued'))
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
    .map((d) => el('a', { class: 'row draft', href: `#/form/${d.clientId}` },
      el('strong', { text: addressLine(d.answers) || '—' }), ' ',
      el('span', { class: 'muted', text: `${d.householdId ? d.householdId.slice(-4) : t('newHousehold')} · ${whoLine(d.answers)} · ${t('changedAt', when(d.updatedAt))}` }),
      d.refused ? el('span', { class: 'flag bad', text: t('refused') }) : null));
  const search = el('input', { type: 'search', id: 'search', placeholder: t('search'), 'aria-label': t('search') });
  const rows = el('div', { class: 'rows', id: 'household-list' });
  let found = null; // ids the server's search named (a name, a phone): ?q=
  let asking;
  // as hhreg find reads a reference: full-width digits, hyphens and spaces as ASCII, and a room
  // read out at the door ("543 1 102") as it is written (543-1-102)
  const asMeant = (typed) => {
    const q = typed.normalize('NFKC').trim();
    return /^\d+(\s+\d+){1,2}$/.test(q) ? q.split(/\s+/).join('-') : q;
  };
  const fill = () => {
    const q = asMeant(search.value);
    const living = list.filter((h) => !h.deleted);
    rows.replaceChildren(...living.filter((h) => (!q || h.id.includes(q) || `${h.building}-${h.unit}-${h.room}`.includes(q) ||
      (found && found.has(h.id))))
      .map((h) => el('a', { class: 'row', href: `#/household/${h.id}`, 'data-id': h.id },
        el('strong', { text: `${h.building}-${h.unit}-${h.room}` }), ' ',
        el('span', { class: 'muted', text: `${h.id.slice(-4)} · ${h.status && h.status !== 'complete' && !h.size ? t('status_n')[h.status] : t('persons_n', h.size)}` }), ' ',
        ...flagsOf(h).map((f) => el('span', { class: `flag flag-${f}`, title: t('flags')[f], 'aria-label': t('flags')[f], text: f })))));
    if (!rows.children.length) rows.append(el('p', { class: 'muted', text: t(living.length ? 'noMatch' : 'noHouseholds') }));
  };
  search.addEventListener('input', () => {
    found = null;
    fill();
    clearTimeout(asking);
    const q = asMeant(search.value);
    if (q.length >= 2 && navigator.onLine) // names and phones are searched by the server: the list holds neither
      asking = setTimeout(async () => {
        try {
          const matches = await call('GET', `/api/v1/households?q=${encodeURIComponent(q)}`);
          if (asMeant(search.value) === q) { found = new Set(matches.map((m) => m.id)); fill(); }
        } catch (e) { /* offline: the list's own filter stands */ }
      }, 400);
  });
  fill();
  const supervising = s.role === 'supervisor';
  screen(t('households'), ...newButtons,
    supervising ? el('a', { class: 'row', href: '#/review', id: 'review-link' }, t('reviewQueue')) : null,
    supervising ? el('a', { class: 'row', href: '#/progress', id: 'progress-link' }, t('progress')) : null,
    supervising ? el('a', { class: 'row', href: '#/assignments', id: 'assignments-link' }, t('assignments')) : null,
    el('a', { class: 'row', href: '#/due', id: 'due-link' }, t('due')),
    waiting ? el('a', { class: 'row outbox-link', href: '#/outbox', id: 'outbox-link' }, t('waiting', waiting)) : null,
    unfinished.length ? el('h2', { text: t('drafts') }) : null, ...unfinished,
    el('h2', { text: t('registered') }), search, rows);
}

async function newHousehold(grid) {
  const s = session();
  const answers = emptyAnswers();
  Object.assign(answers.household, await addressTemplate(grid.split('/')[0]));
  presetUsual(dict, answers.household);
  answers.household.enumerator = s.user;
  answers.household['enumeration-date'] = today();
  answers.visits.push({ date: today(), enumerator: s.user, purpose: 'registration', outcome: 'done' });
  answers.persons.push(newPerson(dict, 1)); // the one who opens the door; removed when nobody is home
  answers.household['member-count'] = '1';
  const d = { clientId: newClientId(), grid: grid.split('/')[0], householdId: null, baseRevision: null, answers,
    updatedAt: new Date().toISOString(), edited: false };
  await db.put('drafts', d);
  location.hash = `#/form/${d.clientId}`;
}

// A household of the list: the draft of it the worker changed, else a draft of it as the
// server has it now (one left unchanged is replaced: it may be stale). Editing it is a
// visit: today's, by this account, added to its visits and made its enumeration date.
async function openHousehold(id) {
  const drafts = (await db.all('drafts')).filter((d) => d.householdId === id);
  const kept = drafts.find(worked);
  if (kept) { location.replace(`#/form/${kept.clientId}`); return; }
  let h;
  try {
    h = await fetchHousehold(id);
  } catch (e) {
    if (!e.offline) throw e;
    if (drafts.length) { location.replace(`#/form/${drafts[0].clientId}`); return; } // offline: the one kept is the best there is
    h = (await db.get('cache', `household:${id}`) || {}).household; // as it was when last fetched: a conflict is told on sending
    if (!h) throw e;
  }
  for (const old of drafts) await db.remove('drafts', old.clientId);
  location.replace(`#/form/${(await draftOf(id, h)).clientId}`);
}

// A household as the server has it now, kept on the phone for opening it offline.
async function fetchHousehold(id) {
  const h = await call('GET', `/api/v1/households/${encodeURIComponent(id)}`);
  await db.put('cache', { household: h, at: Date.now() }, `household:${id}`);
  return h;
}

// Every household of the worker's grids, fetched whole in the background while online
// (one request), so the round can be walked without a connection: again after six
// hours, or at once when the grids changed.
const KEPT_FRESH_MS = 6 * 3600 * 1000;
let keeping = null; // the fetching under way, which signing out waits for before clearing the phone
function keepForOffline() {
  keeping ||= (async () => {
    const grids = (session() || { grids: [] }).grids.join(' ');
    const last = await db.get('cache', 'kept');
    if (last && last.grids === grids && Date.now() - last.at < KEPT_FRESH_MS) return;
    const at = Date.now();
    const all = await call('GET', '/api/v1/households?full=1');
    await db.putAll('cache', all.map((h) => [`household:${h.id}`, { household: h, at }]));
    await db.put('cache', { at, grids }, 'kept');
  })().catch(() => { /* offline, signed out: what was kept stays, and it is tried again next time */ })
    .finally(() => { keeping = null; });
}

// Drafts kept by a client from before the `edited` flag, which made one of every household
// opened: one still as draftOf made it from the household kept on the phone is a copy, any
// other the worker's (nothing to compare with keeps it too). Each is flagged once.
let oldDraftsFlagged = false;
async function flagOldDrafts() {
  for (const d of await db.all('drafts')) {
    if (d.edited !== undefined || !d.householdId) continue;
    const h = (await db.get('cache', `household:${d.householdId}`) || {}).household;
    d.edited = !(h && h.revision === d.baseRevision && sameAsOpened(d.answers, h));
    await db.put('drafts', d);
  }
}

// Whether answers are household h as draftOf opened it on the day of its last visit, by
// that visit's enumerator: everything else (the visit's purpose and outcome included) as
// draftOf makes it.
function sameAsOpened(answers, h) {
  const last = answers.visits[answers.visits.length - 1];
  if (!last) return false;
  const fresh = fromJson(dict, h);
  Object.assign(fresh.household, { enumerator: last.enumerator, 'enumeration-date': last.date });
  fresh.visits.push(openingVisit(h, fresh, last.enumerator, last.date));
  return JSON.stringify(fresh) === JSON.stringify(answers);
}

// The visit opening household h (its answers) adds: today's by this account, a follow-up of
// a form returned; at a household nobody was home at (or that refused) its outcome is that
// status again until the worker takes the status back, so that sending it unchanged does
// not record a visit "done" at a door that stayed shut.
function openingVisit(h, answers, user, date) {
  return { date, enumerator: user, purpose: h.review && h.review.state === 'returned' ? 'follow-up' : 'routine',
    outcome: answered(dict, answers) ? 'done' : answers.household.status };
}

// Whether a stored household's member count is one typed apart from its roster: not one that
// matches it, nor none at all (nobody was home: the count follows the roster once somebody is).
function countTyped(answers) {
  const count = answers.household['member-count'];
  return count !== undefined && count !== String(answers.persons.length);
}

// A new draft of household id as the server sent it (h), unchanged until the worker edits it.
async function draftOf(id, h) {
  const answers = fromJson(dict, h);
  await rememberAddress(id.slice(0, 15), answers.household);
  const user = session().user;
  answers.household.enumerator = user;
  answers.household['enumeration-date'] = today();
  answers.visits.push(openingVisit(h, answers, user, today()));
  const d = { clientId: newClientId(), grid: id.slice(0, 15), householdId: id, baseRevision: h.revision, answers,
    review: h.review, warnings: h.warnings || [], updatedAt: new Date().toISOString(), edited: false,
    memberCountTyped: countTyped(answers) }; // else it follows the roster
  await db.put('drafts', d);
  return d;
}

// --- the form ---------------------------------------------------------------------------

// The outbox's refusals of draft's form, taken out: answered by another form or dropped with it.
async function dropRefusals(draft) {
  for (const o of await db.all('outbox'))
    if (o.draft === draft.clientId && o.state === 'refused') await db.remove('outbox', o.clientId);
}

async function formScreen(clientId) {
  const draft = await db.get('drafts', clientId);
  if (!draft) { location.replace('#/'); return; } // sent or deleted since
  const list = (await db.get('cache', 'households')) || [];
  const addresses = { building: new Set(), unit: new Set(), room: new Set() };
  const held = new Map(); // building-unit-room -> the household of the grid living there
  for (const h of list) {
    if (!h.id.startsWith(draft.grid)) continue;
    for (const k of Object.keys(addresses)) addresses[k].add(h[k]);
    held.set(`${h.building}-${h.unit}-${h.room}`, h.id);
  }
  const body = el('div', { id: 'form' });
  const said = el('p', { class: 'msg', role: 'alert', id: 'form-message' });
  const next = el('button', { type: 'button', class: 'small secondary', id: 'next-problem', onclick: () => nextProblem(body, next) }, t('nextProblem'));
  const review = draft.review && draft.review.state === 'returned'
    ? el('div', { class: 'notice', id: 'review-comment', role: 'status' }, el('h2', { text: t('returnedBy') }),
      draft.review.comment ? el('p', { text: draft.review.comment }) : null,
      ...(draft.review.items || []).map((i) => el('p', { 'data-path': i.path, text: `${i.path}: ${i.comment}` }))) : null;
  const send = el('button', { type: 'button', class: 'primary', id: 'send' }, t('submit'));
  const discard = el('button', { type: 'button', class: 'secondary danger', id: 'discard' }, t('discard'));
  const reload = draft.conflict ? el('button', { type: 'button', class: 'secondary', id: 'reload', onclick: async () => {
    let h;
    try { // fetched first: offline, the draft stays as it is
      h = await fetchHousehold(draft.householdId);
    } catch (e) {
      counting = false;
      said.textContent = e.offline ? t('offline') : e.message;
      return;
    }
    await db.remove('drafts', draft.clientId);
    await dropRefusals(draft); // the refusal is answered: the form is dropped for the server's
    location.replace(`#/form/${(await draftOf(draft.householdId, h)).clientId}`);
  } }, t('reload')) : null;
  const holder = draft.refusal && draft.refusal.household
    ? el('a', { class: 'button', id: 'open-holder', href: `#/household/${encodeURIComponent(draft.refusal.household)}` }, t('openHolder')) : null;
  // Why the server refused it, with what answers it, at the top: the bar stays one line.
  const refusal = draft.refusal ? el('div', { class: 'problems', id: 'refusal', role: 'alert' },
    el('p', { text: refusalText(draft.refusal) }), reload, holder) : null;
  // Sent and not yet answered: shown as it went, changed once the server has answered
  // (a change now would be lost when the answer removes the draft, or refused as stale).
  const queued = (await db.all('outbox')).some((o) => o.draft === draft.clientId && o.state === 'queued');
  const fields = el('fieldset', { class: 'plain', disabled: queued }, body);
  screen(t('draftOf', draft.householdId), el('a', { href: '#/', class: 'back' }, `← ${t('back')}`),
    queued ? el('div', { class: 'notice', id: 'queued-notice', role: 'status' }, el('p', { text: t('waitsInOutbox') }),
      el('a', { class: 'button', href: '#/outbox' }, t('outbox'))) : null,
    refusal, review, fields, queued ? null : el('div', { class: 'actions' }, el('div', { class: 'bar-line' }, said, next), send, discard));
  const ctx = { dict, addresses, held };
  if (draft.householdId) // nobody home (or refused) at a household already registered: a visit to its log, the form untouched
    ctx.visitInstead = (outcome) => { location.hash = `#/visit/${encodeURIComponent(draft.householdId)}?outcome=${outcome}`; };
  const keep = async (d) => { if (await db.get('drafts', d.clientId)) await db.put('drafts', d); }; // one sent meanwhile stays gone
  const form = new HouseholdForm(body, draft, ctx, keep);
  if (!(draft.diagnostics && draft.diagnostics.length)) { // the supervisor's comments and the warnings kept with
    const comments = review ? (draft.review.items || []).map((i) => ({ path: i.path, message: i.comment })) : [];
    const kept = (draft.warnings || []).map((w) => ({ ...w, severity: 'warning' })); // the stored form, at their items
    if (comments.length || kept.length) form.showDiagnostics([...comments, ...kept]);
  }
  if (review) // and above the form, each named as the form names its item
    for (const p of review.querySelectorAll('p[data-path]'))
      p.textContent = `${itemName(body, p.dataset.path)}${t('colon')}${p.textContent.slice(p.dataset.path.length + 2)}`;
  // The bar counts the problems marked now (the server's, the supervisor's comments, those
  // found on Send), following the form as items are answered.
  let counting = !(draft.refusal && draft.refusal.code !== 'invalid-form');
  if (!counting) said.textContent = t('refusedAbove');
  const recount = () => {
    const n = [...body.querySelectorAll('.item.bad')].reduce((k, e) => k + Number(e.dataset.problems || 1), 0) + // a problem of several items once
      body.querySelectorAll('.problems p').length; // each of the whole form's too
    next.hidden = !n;
    if (counting) said.textContent = n ? t('problems', n) : '';
  };
  recount();
  new MutationObserver(recount).observe(body, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
  send.addEventListener('click', async () => {
    if (form.checkAll()) { counting = true; recount(); nextProblem(body, next, true); return; }
    send.disabled = true; // a second tap queues nothing twice
    draft.edited = true; // sent: the worker's, whatever the server answers
    delete draft.refused;
    delete draft.refusal;
    delete draft.conflict;
    draft.diagnostics = [];
    await db.put('drafts', draft);
    await dropRefusals(draft); // its earlier refusal is answered by this form
    await db.put('outbox', { clientId: newClientId(), kind: 'form', draft: draft.clientId, householdId: draft.householdId,
      path: `/api/v1/households${draft.baseRevision ? `?base-revision=${draft.baseRevision}` : ''}`,
      body: toJson(dict, draft.answers, `${draft.grid}-0000`), place: { address: addressLine(draft.answers), ...whoOf(draft.answers) },
      state: 'queued', at: new Date().toISOString() });
    location.replace('#/outbox'); // Back from the outbox leaves for the list, not for a form already sent
    sendOutbox();
  });
  discard.addEventListener('click', async () => {
    if (!confirm(t('confirmDiscard'))) return;
    await dropRefusals(draft); // its refusal goes with it: nothing is left to correct
    await db.remove('drafts', draft.clientId);
    location.replace('#/');
  });
}

// The bar's way through a long form's problems, in the form's order: the one after the
// last brought to hand (the first again after the last), or, on the first tap, the first
// at or below the top of the screen; its answer focused.
function nextProblem(body, button, first = false) {
  const marked = [...body.querySelectorAll('.item.bad, .problems')];
  button.hidden = !marked.length;
  const at = first ? -1 : marked.indexOf(button.last);
  const item = at >= 0 ? marked[(at + 1) % marked.length]
    : (!first && marked.find((e) => e.getBoundingClientRect().top >= 0)) || marked[0];
  button.last = item;
  if (!item) return;
  item.scrollIntoView({ block: 'center' });
  item.querySelector('input, button')?.focus({ preventScroll: true });
}

// How the worker knows item `path`: its label on the form, after the person or visit it
// belongs to ("Person 2 · Date of birth"); the path itself when the form does not show it.
// An item path as the form names its item ("Person 2 · Phone"), from the dictionary:
// for what is said away from the form (the outbox). The path itself when unknown.
function pathName(path) {
  const p = (path || '').replace(/^(person|visit)\//, '$1[1]/');
  const owner = /^(person|visit)\[(\d+)\]\//.exec(p);
  const questions = !dict ? [] : owner ? dict.questions[owner[1]] : [...dict.questions.household, ...dict.questions.afterRoster];
  const q = questions.find((q) => itemPath(q, owner ? `${owner[1]}s` : 'household', owner ? Number(owner[2]) : 0) === p);
  return q ? `${owner ? `${t(owner[1])} ${owner[2]} · ` : ''}${label(q.prompt)}` : p && p !== 'household' ? p : t('dwelling');
}

function itemName(body, path) {
  const label = body.querySelector(`[data-path="${CSS.escape(path)}"] label`);
  const owner = /^(person|visit)\[(\d+)\]/.exec(path);
  if (!label) return path;
  return `${owner ? `${t(owner[1])} ${owner[2]} · ` : ''}${label.textContent.replace(/\s*\*$/, '')}`;
}

function addressLine(answers) {
  return [answers.household.building, answers.household.unit, answers.household.room].filter(Boolean).join('-');
}

// Whom a draft or an outbox row is about, to tell rows of one address apart: the first
// person's name (kept on this phone only, as the draft itself is), or the status.
function whoLine(answers) { return whoText(whoOf(answers)); }
function whoOf(answers) {
  const status = answers.household.status;
  if (status && status !== 'complete' && status !== 'partial') return { status };
  return { name: answers.persons[0] && answers.persons[0].name };
}
function whoText(who) { return who.status ? t('status_n')[who.status] || who.status : who.name || t('person'); }

// An outbox row's title in the language chosen now (a row kept from before has its own).
function rowTitle(o) {
  if (o.kind === 'visit' && o.householdId) return `${t('visit')} ${o.householdId.slice(-4)}`;
  if (o.place) return `${o.place.address} · ${whoText(o.place)}`;
  return o.where || o.householdId || '';
}

function when(iso) {
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? d.toTimeString().slice(0, 5) : iso.slice(0, 10);
}

// Why the server refused an entry, in the language chosen now: the client's own words
// for what it knows (the form's problems are at their items), else the server's message.
function refusalText(r) {
  if (r.code === 'conflict') return t('conflict');
  if (r.code === 'invalid-form') return t('invalidForm');
  if (r.code === 'address-held') return t('addressHeld', r.household);
  return inLanguage(r);
}

// --- what is due, and a visit ------------------------------------------------------------

function dueReasons(e) {
  const r = [];
  if (e.returned) r.push(t('returned'));
  if (e.revisit) r.push(t('revisit'));
  if (e.visit) r.push(e.daysSince === undefined ? t('neverVisited') : t('notVisitedFor', e.daysSince));
  if (e.turns80) r.push(t('turns80'));
  if (e.lowIncomeReview) r.push(t('lowIncomeReview'));
  return r;
}

async function dueScreen() {
  let due;
  try {
    due = await call('GET', '/api/v1/due');
    await db.put('cache', due, 'due');
  } catch (e) {
    if (!e.offline) throw e;
    due = (await db.get('cache', 'due')) || [];
  }
  const rank = (e) => (e.returned ? 0 : e.revisit ? 1 : 2);
  due.sort((a, b) => rank(a) - rank(b) || (b.daysSince ?? 9999) - (a.daysSince ?? 9999));
  const groupNames = { alone: 'A', disability: 'D', 'low-income': 'L', 'elderly-80': '80', foreign: 'F' };
  const rows = due.map((e) => el('div', { class: 'row due', 'data-id': e.id },
    el('strong', { text: `${e.building}-${e.unit}-${e.room}` }), ' ', el('span', { class: 'muted', text: e.id.slice(-4) }), ' ',
    ...e.groups.map((g) => el('span', { class: 'flag', title: t('groups')[g], 'aria-label': t('groups')[g], text: groupNames[g] || g })),
    el('span', { class: 'why-due', text: dueReasons(e).join(' · ') }),
    el('a', { class: 'button', href: `#/visit/${e.id}` }, t('recordVisit')),
    el('a', { class: 'button', href: `#/household/${e.id}` }, e.returned ? t('fixAndSend') : t('edit'))));
  screen(t('due'), el('a', { href: '#/', class: 'back' }, `← ${t('back')}`),
    el('p', { class: 'muted', text: t('dueCount', due.length) }), ...rows);
}

async function visitScreen(id, outcome) {
  const visit = { date: today(), enumerator: session().user };
  if (outcome) visit.outcome = outcome; // "nobody home" pressed on the household's form
  const body = el('div', { id: 'visit-form' });
  const said = el('p', { class: 'msg', role: 'alert' });
  const send = el('button', { type: 'button', class: 'primary', id: 'send-visit' }, t('submit'));
  const back = outcome ? `#/household/${encodeURIComponent(id)}` : '#/due'; // whence it came: the form's button, or what is due
  const h = ((await db.get('cache', 'households')) || []).find((x) => x.id === id); // its door, to confirm at it
  screen(`${t('visit')} · ${h ? `${h.building}-${h.unit}-${h.room} · ` : ''}${id}`, el('a', { href: back, class: 'back' }, `← ${t('back')}`),
    body, el('div', { class: 'actions' }, said, send));
  const form = new VisitForm(body, { answers: { household: {}, persons: [], visits: [visit] } }, { dict }, () => {});
  send.addEventListener('click', async () => {
    if (form.checkAll()) { said.textContent = t('problems', form.messages.size - form.warnings.size); return; }
    send.disabled = true;
    const clientId = newClientId();
    const entry = { date: visit.date, purpose: visit.purpose, outcome: visit.outcome, clientId };
    if (visit.note) entry.note = visit.note;
    await db.put('outbox', { clientId, kind: 'visit', householdId: id, path: `/api/v1/households/${encodeURIComponent(id)}/visits`,
      body: entry, state: 'queued', at: new Date().toISOString() });
    location.replace('#/outbox');
    sendOutbox();
  });
}

// --- the outbox and its sender -------------------------------------------------------------

const SENT_KEPT_DAYS = 7; // what was sent is listed for a week, then dropped from the phone

async function outboxScreen() {
  const weekAgo = new Date(Date.now() - SENT_KEPT_DAYS * 86400000).toISOString();
  for (const o of await db.all('outbox')) if (o.state === 'sent' && (o.sentAt || o.at) < weekAgo) await db.remove('outbox', o.clientId);
  const items = (await db.all('outbox')).sort((a, b) => b.at.localeCompare(a.at));
  const drafts = new Set((await db.all('drafts')).map((d) => d.clientId));
  const rows = items.map((o) => el('div', { class: `row outbox-${o.state}`, 'data-state': o.state },
    el('strong', { text: rowTitle(o) }), ' ',
    el('span', { class: 'state', text: t(o.state) }), ' ',
    o.state === 'sent' ? el('span', { class: 'muted', text: sentText(o) }) : null,
    o.state === 'sent' && o.warnings && o.warnings.length
      ? el('span', { class: 'why warn', text: `⚠ ${o.warnings.map((w) => `${pathName(w.path)}${t('colon')}${inLanguage(w)}`).join(' · ')}` }) : null,
    o.state === 'refused' ? el('span', { class: 'why', text: o.refusal ? refusalText(o.refusal) : o.said }) : null,
    o.state === 'refused' && o.draft && drafts.has(o.draft) ? el('a', { href: `#/form/${o.draft}`, class: 'button' }, t('fixAndSend')) : null,
    o.state === 'refused' ? el('button', { type: 'button', class: 'secondary danger', onclick: async () => {
      if (!confirm(t('confirmDropRefused'))) return;
      await db.remove('outbox', o.clientId);
      const draft = o.draft && await db.get('drafts', o.draft);
      if (draft) { // kept as unfinished work, no longer marked refused
        for (const k of ['refused', 'refusal']) delete draft[k]; // a conflict still offers loading the household anew
        await db.put('drafts', draft);
      }
      outboxScreen();
    } }, t('dropRefused')) : null));
  const said = el('p', { class: 'msg', role: 'status', id: 'outbox-said' });
  const sendNow = () => { // offline nothing is tried: it says so rather than seem to do nothing
    said.textContent = navigator.onLine ? '' : t('sendWhenOnline');
    sendOutbox();
  };
  screen(t('outbox'), el('a', { href: '#/', class: 'back' }, `← ${t('back')}`),
    el('button', { type: 'button', id: 'send-now', onclick: sendNow }, t('retry')), said, ...rows);
}

let sending = false;
async function sendOutbox() {
  if (sending || !session() || !navigator.onLine) return; // no network at all: nothing to try until 'online'
  sending = true;
  try {
    // in the order queued (the store reads a day's visits in the order they came: a door
    // found shut in the morning before the form completed that evening)
    for (const o of (await db.all('outbox')).sort((a, b) => (a.at || '').localeCompare(b.at || ''))) {
      if (o.state !== 'queued') continue;
      try {
        const answer = await call('POST', o.path, o.body, { 'Idempotency-Key': o.clientId });
        o.state = 'sent';
        o.sentAt = new Date().toISOString();
        o.householdId = answer.id;
        o.outcome = o.kind === 'visit' ? 'visit' : answer.outcome;
        o.warnings = answer.warnings || []; // stored with the form: said in the outbox and at their items
        if (o.draft) {
          await db.remove('drafts', o.draft);
          if (location.hash === `#/form/${o.draft}`) location.replace(`#/household/${encodeURIComponent(o.householdId)}`); // shown as stored
        }
      } catch (e) {
        if (e.offline || (e instanceof ApiError && e.status >= 500)) break; // kept: sent when the server is back
        if (e.status === 401) break;
        o.state = 'refused';
        o.refusal = { code: e.code, message: e.message, messages: e.messages, household: e.body && e.body.household };
        const draft = o.draft && await db.get('drafts', o.draft);
        if (draft) {
          draft.refused = true;
          draft.refusal = o.refusal;
          draft.conflict = e.code === 'conflict';
          draft.diagnostics = (!draft.conflict && e.body && e.body.diagnostics) || []; // a conflict is said at the top, with its answer
          await db.put('drafts', draft);
          if (location.hash === `#/form/${o.draft}`) route(); // shown while it waited: now with the refusal, to correct
        }
      }
      await db.put('outbox', o);
    }
  } finally {
    sending = false;
  }
  if (!session()) return; // the session ended while sending: the sign-in screen stays
  if (location.hash === '#/outbox') outboxScreen();
  else showWaiting();
}

// The list's count of what waits to be sent, once the outbox changed behind it.
async function showWaiting() {
  const link = document.getElementById('outbox-link');
  if (!link) return;
  const waiting = (await db.all('outbox')).filter((o) => o.state !== 'sent').length;
  if (waiting) link.textContent = t('waiting', waiting);
  else link.remove();
}

function sentText(o) {
  if (o.outcome === 'visit') return t('visitLogged');
  if (o.outcome === 'unchanged') return t('unchanged');
  return o.outcome ? t('stored', o.householdId) : o.said; // o.said: a row kept from before
}

// --- routing ---------------------------------------------------------------------------

// Whether the signed-in account may open the screen `hash` names: the supervisor's screens
// are a supervisor's, and a household's (its form, a visit) one of the account's grids. The
// server refuses the rest anyway; refused here, nothing is typed into a screen it would refuse.
function mayOpen(hash) {
  const s = session();
  if (/^#\/assignments/.test(hash)) return s.role === 'supervisor' || s.role === 'admin'; // as the server lets them
  if (/^#\/(review|progress)/.test(hash)) return s.role === 'supervisor';
  const id = /^#\/(?:household|visit)\/([^?]*)/.exec(hash);
  return !id || s.grids.some((g) => decodeURIComponent(id[1]).startsWith(g.split('/')[0]));
}

async function route() {
  routed = location.hash || '#/';
  showStatus();
  document.getElementById('sign-out').hidden = !session();
  if (!session()) { signInScreen(); return; }
  if (!dict && !(await loadDictionary())) { signInScreen(t('offlineNoSession')); return; }
  const hash = routed;
  try {
    if (!mayOpen(hash)) throw Object.assign(new Error('forbidden'), { status: 403 }); // as the server would answer
    if (!oldDraftsFlagged) { await flagOldDrafts(); oldDraftsFlagged = true; } // once a page, before any list of drafts
    if (hash.startsWith('#/form/')) await formScreen(hash.slice(7));
    else if (hash.startsWith('#/household/')) await openHousehold(decodeURIComponent(hash.slice(12)));
    else if (hash === '#/outbox') await outboxScreen();
    else if (hash === '#/due') await dueScreen();
    else if (hash === '#/review') await reviewQueueScreen(screen);
    else if (hash.startsWith('#/review/')) await reviewScreen(screen, dict, decodeURIComponent(hash.slice(9)));
    else if (hash === '#/progress') await progressScreen(screen);
    else if (hash === '#/assignments') await assignmentsScreen(screen);
    else if (hash.startsWith('#/visit/')) {
      const [id, query] = hash.slice(8).split('?');
      await visitScreen(decodeURIComponent(id), new URLSearchParams(query || '').get('outcome'));
    }
    else await listScreen();
  } catch (e) {
    if (e.status === 401 || e.signedOut) return; // the sign-in screen is shown
    screen(e.status === 403 ? t('notForYou') : t('error'), el('p', { class: 'msg', role: 'alert', text: e.offline ? t('offline') : e.status === 403 ? t('forbidden') : e.message }),
      el('a', { href: '#/', class: 'back' }, `← ${t('back')}`));
  }
}

document.getElementById('lang').addEventListener('click', () => { setLanguage(language() === 'zh' ? 'en' : 'zh'); route(); });
document.getElementById('sign-out').addEventListener('click', async () => {
  const waiting = (await db.all('outbox')).filter((o) => o.state !== 'sent');
  const unsent = waiting.length + (await db.all('drafts')).filter((d) => worked(d) && !waiting.some((o) => o.draft === d.clientId)).length;
  if (unsent && !confirm(t('unsentWarning', unsent))) return;
  await signOut();
  await keeping; // stops at the next household: the session is gone
  await db.clearAll();
  dict = null;
  location.hash = '#/';
  route();
});
window.addEventListener('hashchange', route);
window.addEventListener('online', () => { showStatus(); endPendingSignOut(); sendOutbox(); });
window.addEventListener('offline', showStatus);
window.addEventListener('hhreg-reach', showStatus);
window.addEventListener('hhreg-signed-out', (e) => signInScreen(e.detail && e.detail.ended ? t('sessionEnded') : ''));
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
endPendingSignOut();
route().then(sendOutbox);
// every 30 s: what waits is sent; while the server was not reached, it is asked again
setInterval(() => {
  if (!navigator.onLine || !session()) return; // signed out: the sign-in screen is not drawn again under the worker
  if (serverReached()) sendOutbox();
  else refreshSession().then(sendOutbox, () => {});
}, 30000);
