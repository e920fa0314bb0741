// answers.js — a household being entered, as the answers to the item dictionary's
// questions (GET /api/v1/items: {household: {key: value}, persons: [...], visits:
// [...]}, every value a string), and everything derived from the dictionary alone:
// whether a question is asked (its condition), the check of one answer as it is
// left, the JSON form the server takes, and the answers of a household it sent.
import { readResidentId } from './idcard.js';

const HOUSEHOLD_SCOPES = ['household', 'afterRoster'];

export function emptyAnswers() { return { household: {}, persons: [], visits: [] }; }

export function present(v) { return v !== undefined && v !== null && v !== ''; }

// The person's age on the enumeration date (today while it has none), or null.
export function ageOf(answers, person) {
  const birth = person && person['birth-date'];
  if (!/^\d{4}-\d{2}-\d{2}$/.test(birth || '')) return null;
  const on = answers.household['enumeration-date'] || new Date().toISOString().slice(0, 10);
  let age = +on.slice(0, 4) - +birth.slice(0, 4);
  if (on.slice(5) < birth.slice(5)) age--;
  return age;
}

// Whether question q is asked (dictionary.conditions[q.when]) of the household or of `person`.
export function asked(dict, q, answers, person) {
  const c = dict.conditions[q.when] || {};
  if (c.ageAtLeast !== undefined) {
    const age = ageOf(answers, person);
    return age === null ? c.orAgeUnknown : age >= c.ageAtLeast;
  }
  if (!c.item) return true;
  const v = c.scope === 'household' ? answers.household[c.item] : person && person[c.item];
  if (!present(v)) return c.orUnanswered;
  if (c.equals !== undefined) return v === c.equals;
  if (c.notEquals !== undefined) return v !== c.notEquals;
  if (c.noneOf) return !c.noneOf.includes(v);
  return true;
}

// Whether the household was answered for (the dictionary's ANSWERED condition):
// where nobody was home or it refused, no person is recorded.
export function answered(dict, answers) {
  const q = dict.questions.household.find((x) => x.when === 'ANSWERED');
  return q ? asked(dict, q, answers, null) : true;
}

// The full-width digits, Latin letters and - + / . a Chinese input method types (５４３－２－１６０１)
// and its ideographic space, as ASCII, as hhreg enter reads them; Chinese punctuation stays.
function narrowed(text) {
  return text.replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\uFF0B\uFF0D\uFF0E\uFF0F]/g,
    (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0)).replace(/\u3000/g, ' ');
}

// An answer as it is written (dates typed as 20261102 or 2026/11/2 made 2026-11-02).
export function normalise(q, value) {
  let v = narrowed(value || '').trim();
  if (q.kind === 'date') {
    let m = v.match(/^(\d{4})(\d{2})(\d{2})$/) || v.match(/^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/);
    if (m) v = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  } else if (q.kind === 'month') {
    const m = v.match(/^(\d{4})(\d{2})$/) || v.match(/^(\d{4})[-/.年](\d{1,2})月?$/);
    if (m) v = `${m[1]}-${m[2].padStart(2, '0')}`;
  } else if (q.key === 'document-number' || q.key === 'nationality') {
    v = v.normalize('NFKC').replace(/\s/g, '').toUpperCase(); // full-width ５１０… of a Chinese keyboard, spaces between groups
  } else if (q.key === 'phone') {
    v = v.normalize('NFKC').replace(/[\s()-]/g, ''); // 028-8765 4321 as it is written down: 02887654321
  }
  return v;
}

function realDate(v) {
  const d = new Date(`${v}T00:00:00Z`);
  return !isNaN(d) && d.toISOString().slice(0, 10) === v;
}

// What is wrong with one answer, as a key of i18n's words (and its arguments), or null.
export function check(q, value, person) {
  if (!present(value)) return q.optional ? null : ['required'];
  if (q.codes) { // a code list, or the countries (a stored code off the list, as XXA, stands: the schema's pattern)
    const listed = q.codes.some((c) => c.code === value) || (q.codeList === 'ISO3166-1' && /^[A-Z]{3}$/.test(value));
    return listed ? null : ['notInList'];
  }
  switch (q.kind) {
    case 'date': // written right but not in the calendar (1950-02-30): the day, not the format, is wrong
      if (/^\d{4}-\d{2}-\d{2}$/.test(value) && realDate(value)) return null;
      return /^(?!0000)\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(value) ? ['dayPastMonthEnd'] : ['badDate'];
    case 'month': return /^\d{4}-(0[1-9]|1[0-2])$/.test(value) ? null : ['badMonth'];
    case 'integer': case 'decimal': {
      const ok = q.kind === 'integer' ? /^-?\d+$/.test(value) : /^-?\d+(\.\d+)?$/.test(value);
      if (!ok) return ['badNumber'];
      if ((q.min !== undefined && +value < q.min) || (q.max !== undefined && +value > q.max)) return ['between', q.min, q.max];
      return null;
    }
    default:
      if (q.maxLength && [...value].length > q.maxLength) return ['tooLong', q.maxLength];
      if (q.key === 'document-number' && person && person['document-type'] === 'resident-id') {
        const id = readResidentId(value);
        return id.ok ? null : [id.why];
      }
      if (q.pattern && !new RegExp(q.pattern).test(value)) return ['notOfForm', q.patternHint]; // the server's form for it
      return null;
  }
}

// The item path `hhreg validate` names for question q of person or visit `index` (from 1).
export function itemPath(q, scope, index) {
  if (scope === 'persons') return `person[${index}]/${q.path}`;
  if (scope === 'visits') return q.path ? `visit[${index}]/${q.path}` : `visit[${index}]`; // a visit's note is its text
  return q.path;
}

function put(target, q, value) {
  if (!q.json) return;
  if (q.group) (target[q.group] = target[q.group] || {})[q.json] = value;
  else target[q.json] = value;
}

function take(source, q) {
  const v = q.group ? source[q.group] && source[q.group][q.json] : source[q.json];
  return v === undefined || v === null ? undefined : String(v);
}

// The household in the JSON shape POST /api/v1/households takes: the answers of the
// questions asked, under the keys (and groups) the dictionary names.
export function toJson(dict, answers, newId) {
  const out = { persons: [], visits: [] };
  for (const scope of HOUSEHOLD_SCOPES)
    for (const q of dict.questions[scope])
      if (asked(dict, q, answers, null) && present(answers.household[q.key])) put(out, q, answers.household[q.key]);
  if (!present(answers.household.id)) out.id = newId;
  const roster = answered(dict, answers) ? answers.persons : [];
  for (const p of roster) {
    const o = {};
    for (const q of dict.questions.person) if (asked(dict, q, answers, p) && present(p[q.key])) put(o, q, p[q.key]);
    out.persons.push(o);
  }
  for (const v of answers.visits) {
    const o = {};
    for (const q of dict.questions.visit) if (present(v[q.key])) put(o, q, v[q.key]);
    out.visits.push(o);
  }
  return out;
}

// The answers of a household as GET /api/v1/households/{id} gives it.
export function fromJson(dict, h) {
  const a = emptyAnswers();
  for (const scope of HOUSEHOLD_SCOPES)
    for (const q of dict.questions[scope]) {
      const v = take(h, q);
      if (v !== undefined) a.household[q.key] = v;
    }
  for (const p of h.persons || []) {
    const o = {};
    for (const q of dict.questions.person) {
      const v = take(p, q);
      if (v !== undefined) o[q.key] = v;
    }
    o.certificate = present(o['certificate-type']) ? 'true' : 'false';
    a.persons.push(o);
  }
  for (const v of h.visits || []) {
    const o = {};
    for (const q of dict.questions.visit) {
      const x = take(v, q);
      if (x !== undefined) o[q.key] = x;
    }
    a.visits.push(o);
  }
  return a;
}

// A foreign national's residence is foreign-resident, as guided entry proposes it
// (hh_entry_default): set when the nationality leaves CHN while the residence is
// still the usual one, and back to the usual one when it returns. True when changed.
export function followNationality(dict, person) {
  const usual = dict.questions.person.find((q) => q.key === 'residence').usual;
  const foreign = present(person.nationality) && person.nationality !== 'CHN';
  const want = foreign && (!present(person.residence) || person.residence === usual) ? 'foreign-resident'
    : !foreign && person.residence === 'foreign-resident' ? usual : person.residence;
  if (want === person.residence) return false;
  if (present(want)) person.residence = want;
  else delete person.residence;
  return true;
}

// What a family mostly shares: a new person starts with the previous one's answers to these.
const SHARED = ['nationality', 'document-type', 'ethnicity', 'residence', 'languages'];

// The household's usual answers (dictionary "usual": no allowance, no hardship, …) where
// it has none: a new household's, or one found at home where nobody was before. Never the
// address's (its own) nor the consent (asked at every door: it has no usual answer).
export function presetUsual(dict, household) {
  for (const q of [...dict.questions.household, ...dict.questions.afterRoster])
    if (q.usual && q.group !== 'address' && !present(household[q.key])) household[q.key] = q.usual;
}

// A new person: the usual answers (dictionary "usual"), then what the person before
// them answered of what a family mostly shares (a foreign family's nationality,
// passports and languages are typed once); each shown and changed like any answer.
export function newPerson(dict, index, previous) {
  const p = {};
  for (const q of dict.questions.person) if (q.usual) p[q.key] = q.usual;
  for (const key of SHARED) if (previous && present(previous[key])) p[key] = previous[key];
  if (index > 1) delete p.relationship;
  else p.relationship = 'head';
  return p;
}
