// assign.js — the supervisor's assignments screen (#/assignments): the enumerators of
// the community with the grids (or single buildings) each works in; a grid taken
// away with one tap (after asking), one given by its code, offered from the grids
// the progress of the community lists. Everything goes to the server at once
// (GET/POST /api/v1/assignments); nothing is kept on the phone to be sent later.
import { t } from './i18n.js';
import { call } from './api.js';
import { el } from './form.js';

export async function assignmentsScreen(screen) {
  const [accounts, progress] = await Promise.all([call('GET', '/api/v1/assignments'), call('GET', '/api/v1/progress')]);
  const said = el('p', { class: 'msg', role: 'alert', id: 'assign-message' });
  const change = async (user, grid, assign) => {
    try {
      await call('POST', '/api/v1/assignments', { user, grid, assign });
      await assignmentsScreen(screen); // drawn again as the server now has it
    } catch (e) {
      said.textContent = e.offline ? t('offline') : e.message; // the server's reason, in the language asked
    }
  };
  const gridList = el('datalist', { id: 'grid-codes' }, ...progress.grids.map((g) => el('option', { value: g.grid })));
  const cards = accounts.filter((a) => a.role === 'enumerator').map((a) => {
    const code = el('input', { id: `grid-for-${a.user}`, list: 'grid-codes', placeholder: '510105016003-04', autocomplete: 'off' });
    return el('fieldset', { class: 'card', 'data-user': a.user },
      el('legend', { text: `${a.user}${a.disabled ? ` (${t('disabled')})` : ''}` }),
      a.grids.length ? null : el('p', { class: 'muted', text: t('noGrid') }),
      ...a.grids.map((g) => el('div', { class: 'row assigned', 'data-grid': g }, el('span', { text: g }),
        el('button', { type: 'button', class: 'small danger', 'aria-label': `${t('takeAway')} ${g}`,
          onclick: () => confirm(t('confirmTakeAway', g, a.user)) && change(a.user, g, false) }, t('takeAway')))),
      el('label', { for: `grid-for-${a.user}`, text: t('gridToGive', a.user) }), code,
      el('button', { type: 'button', class: 'secondary', 'data-give': a.user,
        onclick: () => code.value.trim() && change(a.user, code.value.trim(), true) }, t('giveGrid')));
  });
  screen(t('assignments'), el('a', { href: '#/', class: 'back' }, `← ${t('back')}`), said, gridList,
    cards.length ? null : el('p', { class: 'muted', text: t('noEnumerators') }), ...cards);
}
