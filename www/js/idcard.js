// idcard.js — the resident ID number (GB 11643-1999): its check character (ISO 7064
// MOD 11-2) and the birth date and sex it holds, so the form fills them in for the
// worker to confirm. The server checks the same (rules ID-CHECKSUM, ID-DATE, ID-BIRTH, ID-SEX).
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

// {ok: true, birthDate, sex} or {ok: false, why: 'idForm' | 'idCheck' | 'idBirth'}.
export function readResidentId(number) {
  const n = (number || '').trim().toUpperCase();
  if (!/^[0-9]{17}[0-9X]$/.test(n)) return { ok: false, why: 'idForm' };
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (n.charCodeAt(i) - 48) * WEIGHTS[i];
  if (CHECK[sum % 11] !== n[17]) return { ok: false, why: 'idCheck' };
  const y = +n.slice(6, 10), m = +n.slice(10, 12), d = +n.slice(12, 14);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1850 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return { ok: false, why: 'idBirth' };
  return { ok: true, birthDate: `${n.slice(6, 10)}-${n.slice(10, 12)}-${n.slice(12, 14)}`, sex: (n.charCodeAt(16) - 48) % 2 ? 'male' : 'female' };
}
