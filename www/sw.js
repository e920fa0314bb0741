// sw.js — keeps the phone client's own files so it opens without a connection:
// each is fetched from the server first (a new version is seen at once) and the
// copy kept is used when the server cannot be reached. The API is never cached
// here: what the worker needs offline is kept in IndexedDB (js/db.js).
const CACHE = 'hhreg-app-1';
const FILES = ['/', '/index.html', '/app.css', '/icon.svg', '/manifest.webmanifest', '/js/app.js', '/js/api.js', '/js/db.js',
  '/js/i18n.js', '/js/idcard.js', '/js/answers.js', '/js/form.js', '/js/review.js', '/js/assign.js'];

self.addEventListener('install', (ev) => {
  ev.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (ev) => {
  ev.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (ev) => {
  const url = new URL(ev.request.url);
  if (ev.request.method !== 'GET' || url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  ev.respondWith(fetch(ev.request).then((answer) => {
    if (answer.ok) { const copy = answer.clone(); caches.open(CACHE).then((c) => c.put(ev.request, copy)); }
    return answer;
  }).catch(() => caches.match(ev.request, { ignoreSearch: true }).then((kept) => kept || caches.match('/index.html'))));
});
