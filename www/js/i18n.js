// i18n.js — the client's own words in English and Chinese. The form's questions,
// code labels and the server's messages come in both languages from the server
// (GET /api/v1/items, Accept-Language); only the words of the screens are here.
const words = {
  en: {
    title: 'Household registration', signIn: 'Sign in', user: 'Account', password: 'Password',
    signOut: 'Sign out', signInRefused: 'The account or password is not right, or the account is locked.',
    offlineNoSession: 'No connection, and this phone has not been signed in yet.',
    households: 'My households', newHousehold: 'New household', outbox: 'Outbox', drafts: 'Unfinished',
    search: 'Search: building, room, id', noHouseholds: 'No household yet.',
    online: 'online', offline: 'offline — saved on this phone',
    address: 'Address', dwelling: 'Household', persons: 'Persons', enumeration: 'Enumeration', visits: 'Visits',
    addPerson: 'Add a person', removePerson: 'Remove', up: 'Move up', down: 'Move down',
    person: 'Person', visit: 'Visit', addVisit: 'Add a visit',
    nobodyHome: 'Nobody home', nobodyHomeHint: 'Records the visit and that nobody was home; asks nothing else.',
    submit: 'Send', discard: 'Delete draft', back: 'Back', yes: 'Yes', no: 'No', change: 'Change',
    required: 'This item is needed.', badDate: 'A date as 2026-11-02 (or 20261102).',
    badMonth: 'A month as 2026-11.', badNumber: 'A number is needed here.',
    between: (a, b) => `Between ${a} and ${b}.`, tooLong: (n) => `At most ${n} characters.`,
    notInList: 'Pick one of the list.', idCheck: 'The ID number\'s check character is wrong (GB 11643).',
    idForm: 'A resident ID number has 17 digits and a check digit or X.',
    idBirth: 'The ID number holds no valid birth date.',
    fromId: (sex, date) => `From the ID number: ${sex}, born ${date}.`,
    queued: 'Waiting to be sent', sent: 'Sent', refused: 'Refused by the server', sending: 'Sending…',
    fixAndSend: 'Open and correct', stored: (id) => `Stored as ${id}.`, unchanged: 'Unchanged: the server has it already.',
    problems: (n) => `${n} problem(s): see the marked items.`, none: '—', pick: 'Choose…',
    unsentWarning: (n) => `${n} form(s) have not been sent yet. Signing out deletes them from this phone. Sign out anyway?`,
    draftOf: (id) => id ? `Draft of ${id}` : 'New household, not sent',
    conflict: 'Someone changed this household since you opened it: open it again.',
    forbidden: 'Your account may not do that.', error: 'The server refused it', retry: 'Send now',
    flags: { A: 'elderly living alone', E: 'empty nest', D: 'disability', L: 'low income' },
    proxy: 'someone else (proxy)', searchList: 'Search the list', edit: 'Edit', persons_n: (n) => `${n} person(s)`,
    due: 'Due visits', dueCount: (n) => `${n} household(s) are owed a visit or a form.`, recordVisit: 'Record a visit',
    returned: 'returned by the supervisor', revisit: 'revisit: nobody was home', neverVisited: 'never visited',
    notVisitedFor: (n) => `not visited for ${n} days`, turns80: 'turns 80 this month', lowIncomeReview: 'low-income review this month',
    visitLogged: 'Visit recorded.',
    groups: { alone: 'elderly living alone', disability: 'disability', 'low-income': 'low income', 'elderly-80': 'aged 80 or more', foreign: 'foreign residents' },
  },
  zh: {
    title: '入户登记', signIn: '登录', user: '账号', password: '密码',
    signOut: '退出登录', signInRefused: '账号或密码不正确，或账号已被锁定。',
    offlineNoSession: '没有网络，且本机尚未登录过。',
    households: '我的住户', newHousehold: '新登记一户', outbox: '待发送', drafts: '未完成',
    search: '搜索：楼栋、房号、户编号', noHouseholds: '还没有住户。',
    online: '在线', offline: '离线——已保存在本机',
    address: '地址', dwelling: '住户', persons: '人员', enumeration: '登记', visits: '走访',
    addPerson: '添加一人', removePerson: '删除', up: '上移', down: '下移',
    person: '人员', visit: '走访', addVisit: '添加走访',
    nobodyHome: '无人在家', nobodyHomeHint: '只记录这次走访和无人在家，不询问其他内容。',
    submit: '发送', discard: '删除草稿', back: '返回', yes: '是', no: '否', change: '修改',
    required: '此项必填。', badDate: '日期格式如 2026-11-02（或 20261102）。',
    badMonth: '月份格式如 2026-11。', badNumber: '此处须填数字。',
    between: (a, b) => `须在 ${a} 到 ${b} 之间。`, tooLong: (n) => `最多 ${n} 个字符。`,
    notInList: '请从列表中选择。', idCheck: '身份证号码校验码错误（GB 11643）。',
    idForm: '居民身份证号码为 17 位数字加一位校验码（数字或 X）。',
    idBirth: '身份证号码中的出生日期无效。',
    fromId: (sex, date) => `据身份证号码：${sex}，${date} 出生。`,
    queued: '等待发送', sent: '已发送', refused: '服务器拒收', sending: '正在发送…',
    fixAndSend: '打开修改', stored: (id) => `已保存为 ${id}。`, unchanged: '无变化：服务器已有此表。',
    problems: (n) => `${n} 个问题：见标出的项目。`, none: '—', pick: '请选择…',
    unsentWarning: (n) => `还有 ${n} 份表未发送。退出登录会从本机删除它们。仍要退出吗？`,
    draftOf: (id) => id ? `${id} 的草稿` : '新登记，未发送',
    conflict: '打开之后已有人修改了此户：请重新打开。',
    forbidden: '您的账号无权这样做。', error: '服务器拒绝了请求', retry: '立即发送',
    flags: { A: '独居老人', E: '空巢', D: '残疾', L: '低保' },
    proxy: '他人代答', searchList: '搜索列表', edit: '修改', persons_n: (n) => `${n} 人`,
    due: '待走访', dueCount: (n) => `${n} 户需要走访或补表。`, recordVisit: '记录走访',
    returned: '网格长退回', revisit: '再访：上次无人在家', neverVisited: '从未走访',
    notVisitedFor: (n) => `${n} 天未走访`, turns80: '本月满 80 岁', lowIncomeReview: '本月低保复核',
    visitLogged: '走访已记录。',
    groups: { alone: '独居老人', disability: '残疾', 'low-income': '低保', 'elderly-80': '80 岁以上', foreign: '境外人员' },
  },
};

let lang = (localStorage.getItem('hhreg.lang') || navigator.language || 'zh').startsWith('en') ? 'en' : 'zh';

export function language() { return lang; }
export function setLanguage(l) { lang = l === 'en' ? 'en' : 'zh'; localStorage.setItem('hhreg.lang', lang); }
export function t(key, ...args) {
  const w = words[lang][key];
  return typeof w === 'function' ? w(...args) : w;
}
// A label of the server's, {en, zh}, in the chosen language.
export function label(pair) { return pair ? pair[lang] || pair.en : ''; }
