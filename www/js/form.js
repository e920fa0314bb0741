// form.js — one household on one page, built from the item dictionary: sections
// (address, household, persons as cards, enumeration, visits), each question with
// the control its kind calls for, shown only while its condition holds, checked as
// it is left, and the server's diagnostics shown at the item they name. Every change
// is handed to onChange (which keeps the draft on the phone).
import { t, label, inLanguage } from './i18n.js';
import { asked, answered, check, present, normalise, itemPath, newPerson, followNationality, presetUsual } from './answers.js';
import { readResidentId } from './idcard.js';

// The items a problem of the roster as a whole is said at (the member count against
// the persons listed, the number of heads): changed when a person is added or removed.
const ROSTER_WIDE = (path) => path === 'memberCount' || path === 'household';

const SEGMENTS_MAX = 7; // a code list this short is a row of buttons; a longer one a searchable list

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c) e.append(c);
  return e;
}
export { el };

function sectionOf(q, scope) {
  if (scope === 'afterRoster' || q.group === 'enumeration') return 'enumeration';
  if (q.group === 'address' || q.key === 'id') return 'address';
  return 'dwelling';
}

let fieldCount = 0;

// The problems said at one item, one a line: never "; ", which a message may hold
// ("exactly one head; this one has 2") and which split it into two when counted.
const APART = '\n';

// The item paths of a server diagnostic as the form names them: its own, then the
// others a rule comparing items names (`also`); the only person or visit is named
// without its number by the server.
function diagnosticPaths(d) {
  return [d.path || '', ...(d.also || [])].map((p) => p.replace(/^(person|visit)\//, '$1[1]/'));
}

export class HouseholdForm {
  // draft: {answers, diagnostics}; ctx: {dict, user, addresses: {building: Set, unit: Set, room: Set},
  // held: Map of building-unit-room to the household of the grid living there}
  constructor(root, draft, ctx, onChange) {
    this.root = root;
    this.draft = draft;
    this.ctx = ctx;
    this.onChange = onChange;
    this.messages = new Map(); // item path -> [words key, ...args] or a server message
    this.warnings = new Set(); // item paths whose only messages are the server's warnings (kept, not refused)
    this.render();
    if (draft.diagnostics && draft.diagnostics.length) this.showDiagnostics(draft.diagnostics);
    if (this.markHeld()) this.render(); // a room held, as when it was typed
  }

  get answers() { return this.draft.answers; }

  changed() {
    this.draft.updatedAt = new Date().toISOString();
    this.draft.edited = true; // a draft nobody changed is refreshed from the server when opened again
    this.onChange(this.draft);
  }

  render() {
    const dict = this.ctx.dict, a = this.answers;
    const scrollY = window.scrollY;
    const focused = document.activeElement && document.activeElement.id;
    this.root.replaceChildren();
    const sections = { address: [], dwelling: [], enumeration: [] };
    for (const scope of ['household', 'afterRoster'])
      for (const q of dict.questions[scope]) {
        if (q.key === 'id' || !asked(dict, q, a, null)) continue;
        sections[sectionOf(q, scope)].push(this.field(q, a.household, 'household', 0));
      }
    const nobodyHome = a.household.status === 'nobody-home';
    this.root.append(nobodyHome
      ? el('div', { class: 'notice', id: 'nobody-home-on', role: 'status' }, el('p', { text: t('nobodyHomeOn') }),
        el('button', { type: 'button', class: 'secondary', id: 'nobody-home-undo', onclick: () => this.somebodyHome() }, t('undo')))
      : el('p', { class: 'hint' }, el('button', { type: 'button', class: 'secondary', id: 'nobody-home',
        onclick: () => this.nobodyHome() }, t('nobodyHome')), ' ', t('nobodyHomeHint')),
      this.section('address', this.foldSettled(sections.address)),
      this.section('dwelling', sections.dwelling));
    if (answered(dict, a)) this.root.append(this.roster());
    this.root.append(this.section('enumeration', sections.enumeration), this.visits());
    const general = [...this.messages.entries()].filter(([path]) => !this.root.querySelector(`[data-path="${CSS.escape(path)}"]`));
    if (general.length) {
      this.root.prepend(el('div', { class: 'problems', role: 'alert' }, // the whole form's (a family without its head) said as it is
        ...general.map(([p, m]) => el('p', { text: p === 'household' ? this.say(m) : `${p}: ${this.say(m)}` }))));
    }
    window.scrollTo(0, scrollY);
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
  }

  // The address above the estate, filled from the grid and rarely changed, folded
  // into one line the worker opens to change it (open while one of it is wrong).
  foldSettled(fields) {
    const own = new Set(['estate', 'building', 'unit', 'room']);
    const settled = fields.filter((f) => !own.has(f.dataset.key));
    const h = this.answers.household;
    if (!settled.length || settled.some((f) => !h[f.dataset.key] || f.classList.contains('bad'))) return fields;
    const summary = ['district', 'street', 'community'].map((k) => h[k]).filter(Boolean).join(' ') + ` · ${h.grid || ''}`;
    return [el('details', { id: 'address-settled' }, el('summary', { text: `${summary} (${t('change')})` }), ...settled),
      ...fields.filter((f) => own.has(f.dataset.key))];
  }

  say(m) { return Array.isArray(m) ? t(...m) : m; }

  section(name, children) {
    return el('section', { id: `section-${name}` }, el('h2', { text: t(name) }), ...children);
  }

  roster() {
    const dict = this.ctx.dict, a = this.answers;
    const cards = a.persons.map((p, i) => {
      const fields = dict.questions.person.filter((q) => asked(dict, q, a, p)).map((q) => this.field(q, p, 'persons', i + 1));
      const move = (to) => {
        const respondent = a.persons[+a.household.respondent - 1]; // the respondent is a line: it moves with its person
        const [x] = a.persons.splice(i, 1);
        a.persons.splice(to, 0, x);
        if (respondent) a.household.respondent = String(a.persons.indexOf(respondent) + 1);
        this.forget((path) => path.startsWith('person'));
        this.changed();
        this.render();
      };
      const name = p.name ? ` · ${p.name}` : '';
      return el('fieldset', { class: 'card', id: `person-${i + 1}` },
        el('legend', { text: `${t('person')} ${i + 1}${name}` }),
        el('div', { class: 'card-tools' },
          i > 0 ? el('button', { type: 'button', class: 'small', 'aria-label': `${t('up')} ${i + 1}`, onclick: () => move(i - 1) }, '↑') : null,
          i < a.persons.length - 1 ? el('button', { type: 'button', class: 'small', 'aria-label': `${t('down')} ${i + 1}`, onclick: () => move(i + 1) }, '↓') : null,
          el('button', { type: 'button', class: 'small danger', 'aria-label': `${t('removePerson')} ${i + 1}`,
            onclick: () => {
              if (!confirm(t('confirmRemove', i + 1))) return;
              const line = +a.household.respondent; // the lines after the one removed move up
              if (line === i + 1) delete a.household.respondent;
              else if (line > i + 1) a.household.respondent = String(line - 1);
              a.persons.splice(i, 1);
              this.forget((path) => path.startsWith('person') || ROSTER_WIDE(path));
              this.syncMemberCount();
              this.changed();
              this.render();
            } }, t('removePerson'))),
        ...fields);
    });
    const add = el('button', { type: 'button', id: 'add-person', onclick: () => {
      a.persons.push(newPerson(dict, a.persons.length + 1, a.persons[a.persons.length - 1]));
      this.forget(ROSTER_WIDE); // a problem of the roster's size (MEMBER-COUNT) may be answered now
      this.syncMemberCount();
      this.changed();
      this.render();
      document.getElementById(`person-${a.persons.length}`).scrollIntoView();
    } }, `+ ${t('addPerson')}`);
    return this.section('persons', [...cards, add]);
  }

  visits() {
    const dict = this.ctx.dict, a = this.answers;
    const cards = a.visits.map((v, i) => el('fieldset', { class: 'card', id: `visit-${i + 1}` },
      el('legend', { text: `${t('visit')} ${i + 1}` }),
      ...dict.questions.visit.map((q) => this.field(q, v, 'visits', i + 1))));
    return this.section('visits', cards);
  }

  // The member count follows the roster while the worker has not typed one of their own.
  syncMemberCount() {
    const h = this.answers.household;
    if (!this.draft.memberCountTyped) h['member-count'] = String(this.answers.persons.length || 1);
  }

  // Nobody home at a new household: the visit that found nobody, nothing invented (the
  // roster is not sent while the status says so). What it changed is kept for Undo.
  nobodyHome() {
    if (this.ctx.visitInstead) { this.ctx.visitInstead('nobody-home'); return; }
    const h = this.answers.household, visit = this.answers.visits[this.answers.visits.length - 1];
    this.draft.beforeNobodyHome = { status: h.status, consent: h.consent, respondent: h.respondent, outcome: visit && visit.outcome };
    h.status = 'nobody-home'; // nobody answered: respondent and consent are not asked, so not sent
    if (visit) visit.outcome = 'nobody-home';
    this.changed();
    this.render();
    window.scrollTo(0, 0);
  }

  // Whether the enumeration status v records no person (nobody home, refused): the
  // dictionary's ANSWERED condition, asked of the household as it would be.
  recordsNobody(v) {
    return !answered(this.ctx.dict, { ...this.answers, household: { ...this.answers.household, status: v } });
  }

  // Somebody home after all (or at the revisit of a household nobody was home at): the
  // answers as they were, and what a new household starts with where there are none
  // (the usual answers, the one who opens the door on the roster).
  somebodyHome() {
    const dict = this.ctx.dict, a = this.answers, h = a.household, visit = a.visits[a.visits.length - 1];
    const questions = [...dict.questions.household, ...dict.questions.afterRoster];
    const usual = (key) => questions.find((q) => q.key === key)?.usual;
    const before = this.draft.beforeNobodyHome || {};
    for (const key of ['status', 'consent', 'respondent']) {
      const v = before[key] ?? usual(key);
      if (v === undefined) delete h[key];
      else h[key] = v;
    }
    presetUsual(dict, h);
    if (!a.persons.length) a.persons.push(newPerson(dict, 1));
    this.syncMemberCount();
    if (visit) visit.outcome = before.outcome || 'done';
    delete this.draft.beforeNobodyHome;
    this.changed();
    this.render();
  }

  field(q, record, scope, index) {
    const id = `f${++fieldCount}`;
    const path = itemPath(q, scope, index);
    const value = record[q.key];
    const wrap = el('div', { class: 'item', 'data-path': path, 'data-key': q.key });
    const set = (v, rerender, before = record[q.key]) => {
      if (q.key === 'status' && v && v !== before && this.recordsNobody(v)) { // the roster would be dropped
        if (this.ctx.visitInstead) { this.ctx.visitInstead(v); return; }
        if (v === 'nobody-home') { this.nobodyHome(); return; }
        record.consent = 'false'; // refused: the refusal is the answer (a respondent is not asked: no roster)
        const visit = this.answers.visits[this.answers.visits.length - 1];
        if (visit) visit.outcome = 'refused';
      } else if (q.key === 'status' && v && v !== before && this.recordsNobody(before)) { // somebody answered after all
        if (record.consent === 'false') delete record.consent; // the refusal's: asked again
        const visit = this.answers.visits[this.answers.visits.length - 1];
        if (visit && visit.outcome === before) visit.outcome = 'done'; // as hh_entry_status_changed does
        delete this.draft.beforeNobodyHome;
        rerender = true;
      }
      if (v === '') delete record[q.key];
      else record[q.key] = v;
      if (q.key === 'member-count') this.draft.memberCountTyped = true;
      if (this.forget((p) => p === path || path.startsWith(`${p}/`))) rerender = true; // its other items unmarked
      const problem = check(q, record[q.key], record);
      if (problem && problem[0] !== 'required') this.messages.set(path, problem);
      if (q.key === 'document-number' || q.key === 'document-type') this.fillFromId(record);
      if (q.key === 'nationality' && followNationality(this.ctx.dict, record)) rerender = true;
      if (scope === 'household' && ['building', 'unit', 'room'].includes(q.key) && this.markHeld()) rerender = true;
      this.changed();
      if (rerender || before !== record[q.key] && this.decides(q)) this.render();
      else this.showMessage(wrap, path);
    };
    wrap.append(el('label', { for: id, id: `${id}-label`, text: label(q.prompt) + (q.optional ? '' : ' *') }));
    const note = q.key === 'sex' || q.key === 'birth-date' ? this.idNote(record, q.key) : null;
    if (q.kind === 'boolean') {
      wrap.append(this.segments(id, [{ code: 'true', label: t('yes') }, { code: 'false', label: t('no') }], value, set, q.optional));
    } else if (q.key === 'respondent') { // a line of the roster, or a proxy
      const choices = this.answers.persons.map((p, i) => ({ code: String(i + 1), label: `${i + 1} ${p.name || ''}` }));
      choices.push({ code: 'proxy', label: t('proxy') });
      wrap.append(this.segments(id, choices, value, set, q.optional));
    } else if (q.codes && q.codes.length <= SEGMENTS_MAX) {
      wrap.append(this.segments(id, q.codes.map((c) => ({ code: c.code, label: label(c) })), value, set, q.optional));
    } else if (q.codes) { // a code list, or the countries a nationality is
      wrap.append(this.picker(id, q, value, set, q.optional));
    } else {
      const input = el('input', {
        id, name: q.key, value: value || '', autocomplete: 'off',
        inputmode: ['date', 'month', 'integer'].includes(q.kind) ? 'numeric' : q.kind === 'decimal' ? 'decimal' : q.key.includes('phone') ? 'tel' : null,
        placeholder: q.kind === 'date' ? '2026-11-02' : q.kind === 'month' ? '2026-11' : null,
        list: this.ctx.addresses && this.ctx.addresses[q.key] ? `${id}-list` : null,
      });
      let left = value || ''; // the answer as it was when the field was last left
      input.addEventListener('input', () => { // kept at every keystroke: a closed tab loses nothing
        if (input.value === '') delete record[q.key];
        else record[q.key] = input.value;
        this.changed();
      });
      input.addEventListener('change', () => {
        const v = normalise(q, input.value);
        input.value = v;
        set(v, false, left);
        left = v;
      });
      wrap.append(input);
      if (input.getAttribute('list')) wrap.append(el('datalist', { id: `${id}-list` }, ...[...this.ctx.addresses[q.key]].sort().map((x) => el('option', { value: x }))));
    }
    if (note) wrap.append(el('p', { class: note.agrees ? 'from-id' : 'from-id differs', text: note.text }));
    wrap.append(el('p', { class: 'msg', id: `${id}-msg`, 'aria-live': 'polite' }));
    this.showMessage(wrap, path);
    return wrap;
  }

  showMessage(wrap, path) {
    const m = this.messages.get(path), warning = !!m && this.warnings.has(path);
    wrap.dataset.problems = String(this.problemsFirstAt(path)); // what the bar counts of it
    wrap.classList.toggle('bad', !!m && !warning);
    wrap.classList.toggle('warn', warning);
    wrap.querySelector('.msg').textContent = m ? this.say(m) : '';
  }

  // How many problems the message at `path` says that were not shown first at another
  // item: a problem of several items counts once, where it is first shown.
  problemsFirstAt(path) {
    const m = this.messages.get(path);
    if (!m) return 0;
    const parts = typeof m === 'string' ? m.split(APART) : [m];
    const seen = new Set();
    let elsewhere = 0;
    for (const [d, p, said] of this.placed || []) {
      if (!seen.has(d)) seen.add(d);
      else if (p === path && parts.includes(said)) elsewhere++;
    }
    return Math.max(parts.length - elsewhere, 0);
  }

  // Whether other questions depend on q's answer (a condition names it, or an age does).
  decides(q) {
    const dict = this.ctx.dict;
    return q.key === 'birth-date' || q.key === 'enumeration-date' || q.key === 'name' || q.key === 'certificate' ||
      Object.values(dict.conditions).some((c) => c.item === q.key);
  }

  // A choice of a few; tapping the one chosen again clears it only where the item may be
  // left empty (a worker tapping "No" to confirm it keeps "No").
  segments(id, choices, value, set, optional) {
    const group = el('div', { class: 'segments', role: 'radiogroup', id, 'aria-labelledby': `${id}-label` });
    for (const c of choices)
      group.append(el('button', { type: 'button', role: 'radio', 'data-code': c.code, 'aria-checked': String(c.code === value),
        onclick: () => set(c.code === value && optional ? '' : c.code, true) }, c.label));
    return group;
  }

  picker(id, q, value, set) {
    const current = q.codes.find((c) => c.code === value);
    const button = el('button', { type: 'button', class: 'picker', id, 'data-code': value || '', 'aria-haspopup': 'listbox',
      onclick: () => this.openPicker(q, value, set) }, current ? label(current) : value || t('pick')); // a stored code off the list as it is
    return button;
  }

  openPicker(q, value, set) {
    const search = el('input', { type: 'search', class: 'picker-search', placeholder: t('searchList'), 'aria-label': t('searchList') });
    const list = el('div', { class: 'picker-list', role: 'listbox' });
    const close = () => { // the sheet is a step in the browser's history: Back closes it
      if (!overlay.isConnected) return;
      overlay.remove();
      window.removeEventListener('popstate', close);
      if (history.state && history.state.picker) history.back();
    };
    const fill = () => {
      const s = search.value.trim().toLowerCase();
      list.replaceChildren(...q.codes.filter((c) => !s || c.code.toLowerCase().includes(s) || c.en.toLowerCase().includes(s) || c.zh.includes(s))
        .map((c) => el('button', { type: 'button', role: 'option', 'data-code': c.code, 'aria-selected': String(c.code === value),
          onclick: () => { close(); set(c.code, true); } }, label(c))));
    };
    search.addEventListener('input', fill);
    // its title, Back and the search stay at the top of a long list (249 countries);
    // a tap beside the sheet or Esc closes it too
    const overlay = el('div', { class: 'overlay', role: 'dialog', 'aria-label': label(q.prompt) },
      el('div', { class: 'sheet' },
        el('div', { class: 'sheet-head' },
          el('div', { class: 'sheet-title' }, el('h2', { text: label(q.prompt) }),
            el('button', { type: 'button', class: 'secondary', id: 'picker-close', onclick: close }, t('back'))),
          search),
        list));
    overlay.addEventListener('click', (e) => { if (e.target === overlay) close(); });
    overlay.addEventListener('keydown', (e) => { if (e.key === 'Escape') close(); });
    fill();
    document.body.append(overlay);
    history.pushState({ picker: true }, '');
    window.addEventListener('popstate', close);
    search.focus();
  }

  // A room another household of the grid lives at (the grid's list kept on the phone):
  // said at the room as a warning while the address is typed, not first when the server
  // refuses the form (a supervisor may still store a second household there). True
  // when what is said there changed.
  markHeld() {
    const h = this.answers.household, path = 'address/room', said = this.messages.get(path);
    const holder = this.ctx.held && h.building && h.unit && h.room && this.ctx.held.get(`${h.building}-${h.unit}-${h.room}`);
    const mine = Array.isArray(said) && said[0] === 'roomHeld';
    if (holder && holder !== this.draft.householdId && (!said || mine)) {
      if (mine && said[1] === holder) return false;
      this.messages.set(path, ['roomHeld', holder]);
      this.warnings.add(path);
      return true;
    }
    if (!mine) return false;
    this.messages.delete(path);
    this.warnings.delete(path);
    return true;
  }

  // Sex and birth date as the resident ID number says, filled in when it is typed.
  fillFromId(person) {
    const id = person['document-type'] === 'resident-id' ? readResidentId(person['document-number']) : { ok: false };
    if (!id.ok) return;
    person.sex = id.sex;
    person['birth-date'] = id.birthDate;
    const n = this.answers.persons.indexOf(person) + 1;
    const filled = this.ctx.dict.questions.person.filter((q) => q.key === 'sex' || q.key === 'birth-date').map((q) => itemPath(q, 'persons', n));
    this.forget((p) => filled.includes(p)); // with the problems they were part of, at every item those named
    this.render();
  }

  // The note under sex and birth date while the person's resident ID number is valid:
  // what it says, shown as a confirmation while the answer agrees, as a warning once
  // the answer was changed away from it (the server would refuse the form).
  idNote(person, key) {
    const id = person['document-type'] === 'resident-id' ? readResidentId(person['document-number']) : { ok: false };
    if (!id.ok || !present(person[key])) return null; // unanswered: the check says so, not a note
    const sexLabel = label(this.ctx.dict.questions.person.find((q) => q.key === 'sex').codes.find((c) => c.code === id.sex));
    const agrees = person[key] === (key === 'sex' ? id.sex : id.birthDate);
    return { agrees, text: t(agrees ? 'fromId' : 'notFromId', sexLabel, id.birthDate) };
  }

  // Every answer checked as the server would first: the problems, marked at their items.
  checkAll() {
    const dict = this.ctx.dict, a = this.answers;
    const problems = new Map();
    const look = (q, record, scope, index, person) => {
      const p = check(q, record[q.key], person);
      if (p) problems.set(itemPath(q, scope, index), p);
    };
    for (const scope of ['household', 'afterRoster'])
      for (const q of dict.questions[scope]) if (q.key !== 'id' && asked(dict, q, a, null)) look(q, a.household, 'household', 0, null);
    if (answered(dict, a))
      a.persons.forEach((p, i) => dict.questions.person.forEach((q) => asked(dict, q, a, p) && look(q, p, 'persons', i + 1, p)));
    a.visits.forEach((v, i) => dict.questions.visit.forEach((q) => look(q, v, 'visits', i + 1, null)));
    this.messages = problems;
    this.warnings = new Set();
    this.render();
    return problems.size;
  }

  // Messages that no longer fit the form (their item changed, or the persons were
  // renumbered) are dropped, with the server's diagnostics kept with the draft they
  // came from, so that they do not come back when the form is drawn again. A problem
  // of several items goes from each of them when any one is changed, and from there
  // alone (other problems said at the same item stay): true when it went from an
  // item not itself stale (the form is then drawn again).
  forget(stale) {
    const placed = this.placed || [];
    const gone = (this.draft.diagnostics || []).filter((d) =>
      diagnosticPaths(d).some(stale) || placed.some(([o, p]) => o === d && stale(p)));
    for (const path of [...this.messages.keys()]) if (stale(path)) { this.messages.delete(path); this.warnings.delete(path); }
    let elsewhere = false;
    const kept = placed.filter(([d]) => !gone.includes(d));
    for (const [d, path, said] of placed) {
      const m = this.messages.get(path);
      if (!gone.includes(d) || typeof m !== 'string') continue;
      if (kept.some(([, p, s]) => p === path && s === said)) continue; // another problem said the same there
      const left = m.split(APART).filter((x) => x !== said);
      elsewhere = true;
      if (left.length) this.messages.set(path, left.join(APART));
      else { this.messages.delete(path); this.warnings.delete(path); }
    }
    this.placed = kept;
    if (this.draft.diagnostics) this.draft.diagnostics = this.draft.diagnostics.filter((d) => !gone.includes(d));
    return elsewhere;
  }

  // The item a diagnostic's path is shown at: itself, else the first item within it
  // ("lowIncome": its "lowIncome/@receives"); a path of no item is said at the top.
  shownPath(path) {
    if (this.root.querySelector(`[data-path="${CSS.escape(path)}"]`)) return path;
    const near = [...this.root.querySelectorAll('[data-path]')].find((e) => e.dataset.path.startsWith(`${path}/`));
    return near ? near.dataset.path : path;
  }

  // The server's diagnostics of a refused form, each at every item it names; where
  // each was said is kept (this.placed) for forget.
  showDiagnostics(diagnostics) {
    this.messages = new Map();
    this.warnings = new Set();
    this.placed = [];
    for (const d of diagnostics) {
      const said = inLanguage(d);
      for (const path of diagnosticPaths(d).map((p) => this.shownPath(p))) {
        if (this.placed.some(([o, p]) => o === d && p === path)) continue; // one problem, said once at an item
        this.placed.push([d, path, said]);
        const before = this.messages.get(path);
        if (before && before.split(APART).includes(said)) continue; // two problems in the same words, said once
        const onlyWarnings = d.severity === 'warning' && (!before || this.warnings.has(path));
        this.messages.set(path, before ? `${before}${APART}${said}` : said);
        if (onlyWarnings) this.warnings.add(path);
        else this.warnings.delete(path);
      }
    }
    this.render();
    const first = this.root.querySelector('.item.bad, .problems');
    if (first) first.scrollIntoView({ block: 'center' });
  }
}

// A visit recorded on its own (the household's visit log): the visit's questions but
// the date (today) and the enumerator (the account), which the server sets.
export class VisitForm extends HouseholdForm {
  render() {
    const dict = this.ctx.dict, v = this.answers.visits[0];
    this.root.replaceChildren(...dict.questions.visit.filter((q) => q.key !== 'enumerator' && q.key !== 'date')
      .map((q) => this.field(q, v, 'visits', 1)));
  }

  checkAll() {
    const v = this.answers.visits[0];
    this.messages = new Map();
    for (const q of this.ctx.dict.questions.visit) {
      const p = check(q, v[q.key], null);
      if (p) this.messages.set(itemPath(q, 'visits', 1), p);
    }
    this.render();
    return this.messages.size;
  }
}
