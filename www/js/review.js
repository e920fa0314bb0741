// review.js — the supervisor's screens: the review queue, one form with every
// warning to approve or return with a comment on the form and on any item, and the
// progress of each grid and enumerator (counts and a bar each). They need the
// server: a decision is never kept on the phone to be sent later.
import { t, label } from './i18n.js';
import { call, session } from './api.js';
import { asked, answered, fromJson, itemPath } from './answers.js';
import { el } from './form.js';

function shown(q, value) {
  if (value === undefined || value === '') return t('none');
  if (q.kind === 'boolean') return value === 'true' ? t('yes') : t('no');
  const code = q.codes && q.codes.find((c) => c.code === value);
  return code ? label(code) : value;
}

export async function reviewQueueScreen(screen) {
  const queue = await call('GET', '/api/v1/review-queue');
  const rows = queue.map((e) => el('a', { class: 'row queued', href: `#/review/${e.id}`, 'data-id': e.id },
    el('strong', { text: `${e.building}-${e.unit}-${e.room}` }), ' ',
    el('span', { class: 'muted', text: `${e.id.slice(-4)} · ${e.enumerator} · ${e.storedAt.slice(0, 10)}` })));
  screen(t('reviewQueue'), el('a', { href: '#/', class: 'back' }, `← ${t('back')}`),
    el('p', { class: 'muted', text: t('reviewCount', queue.length) }), ...rows);
}

export async function reviewScreen(screen, dict, id) {
  const h = await call('GET', `/api/v1/households/${encodeURIComponent(id)}`);
  const a = fromJson(dict, h);
  const comments = new Map(); // item path -> comment
  const warnings = new Map();
  for (const w of h.warnings || []) warnings.set(w.path, [...(warnings.get(w.path) || []), w.message]);
  const row = (q, record, scope, index) => {
    const path = itemPath(q, scope, index);
    const box = el('div', { class: 'item review-item', 'data-path': path });
    const note = el('input', { class: 'item-comment', 'aria-label': `${t('commentOn')} ${label(q.prompt)}`, placeholder: t('commentOn'), hidden: true });
    note.addEventListener('change', () => { if (note.value.trim()) comments.set(path, note.value.trim()); else comments.delete(path); });
    box.append(el('span', { class: 'label', text: label(q.prompt) }), el('span', { class: 'value', text: shown(q, record[q.key]) }),
      el('button', { type: 'button', class: 'small comment', 'aria-label': `${t('commentOn')} ${label(q.prompt)}`,
        onclick: () => { note.hidden = false; note.focus(); } }, '✎'), note);
    for (const w of warnings.get(path) || []) box.append(el('p', { class: 'warning', text: w }));
    return box;
  };
  const part = (name, children) => el('section', {}, el('h2', { text: t(name) }), ...children);
  const household = [...dict.questions.household, ...dict.questions.afterRoster].filter((q) => q.key !== 'id' && asked(dict, q, a, null));
  const persons = answered(dict, a) ? a.persons.map((p, i) => el('fieldset', { class: 'card' }, el('legend', { text: `${t('person')} ${i + 1}` }),
    ...dict.questions.person.filter((q) => asked(dict, q, a, p)).map((q) => row(q, p, 'persons', i + 1)))) : [];
  const visits = a.visits.map((v, i) => el('fieldset', { class: 'card' }, el('legend', { text: `${t('visit')} ${i + 1}` }),
    ...dict.questions.visit.map((q) => row(q, v, 'visits', i + 1))));
  const general = [...warnings.entries()].filter(([path]) => !household.some((q) => q.path === path) && !/^(person|visit)\[/.test(path));
  const comment = el('input', { id: 'review-comment-input', 'aria-label': t('commentForm'), placeholder: t('commentForm') });
  const said = el('p', { class: 'msg', role: 'alert' });
  const decide = async (decision) => {
    if (buttons.some((b) => b.disabled)) return; // a second tap records nothing twice
    buttons.forEach((b) => { b.disabled = true; });
    const body = { decision, revision: h.revision };
    if (comment.value.trim()) body.comment = comment.value.trim();
    if (comments.size) body.items = [...comments.entries()].map(([path, c]) => ({ path, comment: c }));
    try {
      await call('POST', `/api/v1/households/${encodeURIComponent(id)}/review`, body);
      location.hash = '#/review';
    } catch (e) {
      said.textContent = e.offline ? t('needsConnection') : e.message;
      buttons.forEach((b) => { b.disabled = false; });
    }
  };
  const buttons = [el('button', { type: 'button', class: 'primary', id: 'approve', onclick: () => decide('approve') }, t('approve')),
    el('button', { type: 'button', class: 'secondary danger', id: 'return', onclick: () => decide('return') }, t('return'))];
  screen(`${t('review')} · ${id.slice(-4)}`, el('a', { href: '#/review', class: 'back' }, `← ${t('back')}`),
    general.length ? el('div', { class: 'problems' }, ...general.flatMap(([, ms]) => ms.map((m) => el('p', { class: 'warning', text: m })))) : null,
    part('dwelling', household.map((q) => row(q, a.household, 'household', 0))),
    persons.length ? part('persons', persons) : null, part('visits', visits),
    el('div', { class: 'actions' }, said, comment, ...buttons));
}

export async function progressScreen(screen) {
  const p = await call('GET', '/api/v1/progress');
  const bar = (c) => {
    const whole = Math.max(c.households, 1);
    const part = (n, cls) => el('span', { class: `bar-${cls}`, style: null, 'data-width': (100 * n / whole).toFixed(1) });
    const b = el('div', { class: 'bar', role: 'img', 'aria-label': `${t('approved')} ${c.approved}, ${t('submitted')} ${c.submitted}, ${t('returnedN')} ${c.returned}` },
      part(c.approved, 'approved'), part(c.submitted, 'submitted'), part(c.returned, 'returned'));
    return b;
  };
  const table = (title, rows, key) => el('section', {}, el('h2', { text: title }),
    ...rows.map((r) => el('div', { class: 'progress-row' },
      el('strong', { text: r[key] || t('total') }),
      el('span', { class: 'muted', text: `${t('householdsN')}${t('colon')}${r.households} · ${t('approved')} ${r.approved} · ${t('submitted')} ${r.submitted} · ${t('returnedN')} ${r.returned} · ${t('visits7')} ${r.visits7}` }),
      bar(r))));
  screen(t('progress'), el('a', { href: '#/', class: 'back' }, `← ${t('back')}`),
    el('p', { class: 'muted', text: `${t('asOf')} ${p.asOf}` }),
    table(t('total'), [{ ...p.total, area: session().grids.join(', ') }], 'area'), table(t('grids'), p.grids, 'grid'), table(t('enumerators'), p.enumerators, 'enumerator'));
  // widths set here, not in a style attribute: the server's CSP allows no inline style
  for (const s of document.querySelectorAll('[data-width]')) s.style.width = `${s.dataset.width}%`;
}
