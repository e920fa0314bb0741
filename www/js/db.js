// db.js — what the phone keeps (IndexedDB "hhreg"): the item dictionary, the worker's
// household list, what is due and the households opened or due, for working offline
// ("cache"); every unfinished form after each change ("drafts"); and the forms waiting
// to be sent or refused ("outbox"). All of it is the signed-in worker's own grids; signing out clears it
// and seals it: a write still under way from before (a form sent, a list fetched, in this tab or
// another: the seal is in localStorage, which they share) is refused until the next worker claims the phone.
const DB = 'hhreg', VERSION = 1, STORES = ['cache', 'drafts', 'outbox'], SEALED = 'hhreg.sealed';
let opened;

function open() {
  if (!opened) {
    opened = new Promise((resolve, reject) => {
      const rq = indexedDB.open(DB, VERSION);
      rq.onupgradeneeded = () => {
        const db = rq.result;
        db.createObjectStore('cache');
        db.createObjectStore('drafts', { keyPath: 'clientId' });
        db.createObjectStore('outbox', { keyPath: 'clientId' });
      };
      rq.onsuccess = () => resolve(rq.result);
      rq.onerror = () => reject(rq.error);
    });
  }
  return opened;
}

async function run(store, mode, work, unsealed = false) {
  if (mode === 'readwrite' && !unsealed && localStorage.getItem(SEALED)) throw Object.assign(new Error('signed out'), { signedOut: true });
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const rq = work(tx.objectStore(store));
    tx.oncomplete = () => resolve(rq ? rq.result : undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export const get = (store, key) => run(store, 'readonly', (s) => s.get(key));
export const all = (store) => run(store, 'readonly', (s) => s.getAll());
export const keys = (store) => run(store, 'readonly', (s) => s.getAllKeys());
export const put = (store, value, key) => run(store, 'readwrite', (s) => (key === undefined ? s.put(value) : s.put(value, key)));
// Many [key, value] pairs in one transaction (hundreds of households kept at once).
export const putAll = (store, pairs) => run(store, 'readwrite', (s) => { for (const [key, value] of pairs) s.put(value, key); });
export const remove = (store, key) => run(store, 'readwrite', (s) => s.delete(key));
const clear = async () => { for (const store of STORES) await run(store, 'readwrite', (s) => s.clear(), true); };

// Signing out: everything of the worker leaves the phone, and nothing more is written.
export async function clearAll() {
  localStorage.setItem(SEALED, 'yes');
  await clear();
}

// Signing in as `user`: another worker's data (a phone passed on) leaves first.
export async function claim(user) {
  if ((await get('cache', 'owner')) !== user) await clear();
  localStorage.removeItem(SEALED);
  await put('cache', user, 'owner');
}
