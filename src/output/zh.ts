// Every Chinese user-facing string and date pattern of the output, in one place.

export const zh = {
  language: 'zh-CN',
  dateTime: 'yyyy年M月d日 HH:mm',
  date: 'yyyy年M月d日',
  published: '发布时间',
  updated: '更新于',
  source: '来源',
  author: '作者',
  editor: '编辑',
  originalTitle: '原标题',
  categories: '分类',
  readOriginal: '阅读原文',
  home: '首页',
  subscribe: '订阅',
  feeds: { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' },
  dateGuessed: '（发布时间不详，以收录时间为准）',
  /** Between items of a list in running text. */
  listSeparator: '、',
} as const;

/** The site around the articles: navigation, the index, theme pages, the digest archive. */
export const zhSite = {
  nav: { label: '网站导航', home: '首页', digests: '往期摘要', subscribe: '订阅' },
  themes: '主题',
  count: (count: number) => `${count}篇`,
  viewTheme: (count: number) => `查看全部${count}篇`,
  similar: '相似报道',
  themesOfLatest: (count: number) => `最新${count}篇文章的主题`,
  noArticles: '还没有文章。',
  digests: '每周摘要',
  digestsIntro: '每周一封邮件，把一周的新文章按主题整理；每一期都有网页版。',
  allDigests: '全部往期摘要',
  noDigests: '还没有每周摘要。',
  subscribeIntro: '用 RSS 阅读器订阅全部文章，或只订阅关心的主题；有新文章时，阅读器会自动收到。',
  allArticles: '全部文章',
  keywords: '关键词',
  subscribeTheme: '订阅本主题',
  themeNote: (count: number) => `最新文章中的${count}篇`,
  themeFeedTitle: (site: string, theme: string) => `${site} · ${theme}`,
  themeFeedDescription: (site: string, theme: string) => `「${site}」里「${theme}」主题的最新文章。`,
  digestArchiveNote: (site: string) => `「${site}」每周摘要邮件的网页版，新的在前。`,
  subscribeDigests: '订阅每周摘要',
  digestFeedTitle: (site: string) => `${site} · 每周摘要`,
  digestFeedDescription: (site: string) => `「${site}」的每周摘要：每期一条，内容与网页版相同。`,
} as const;

/** The page that shows a feed to a person in a browser (feed-page.ts). */
export const zhFeedPage = {
  kind: '订阅源',
  notice: '这是一个订阅源，供 RSS 阅读器使用。把下面的地址复制到阅读器里即可订阅：',
  /** How to subscribe, for a feed of the given format. */
  howTo: (format: string) =>
    `在阅读器（如 Feedly、Inoreader、NetNewsWire、Thunderbird）里选“添加订阅”，粘贴上面的地址即可；有新文章时，阅读器会自动收到。这是 ${format} 格式的订阅源，多数阅读器都支持。`,
  webPage: '网页版',
  /** Around the number of items: 最新50篇 (articles), 最新10期 (digests). */
  items: { before: '最新', articles: '篇', digests: '期' },
} as const;

/** The weekly digest: its e-mail (HTML and plain text) and its web copy. */
export const zhDigest = {
  /** ISO week-year and week number (luxon). */
  week: 'kkkk年第W周',
  /** A day of the period; the second day drops the year when both fall in the same year. */
  day: 'yyyy年M月d日',
  dayInYear: 'M月d日',
  periodSeparator: '—',
  /** An entry's date. */
  entryDate: 'M月d日',
  entryDateWithYear: 'yyyy年M月d日',
  /** 【周刊】2022年第20周 · 中小企业与民营经济等 12 篇; 【周刊】2022年第20周 · 股市、楼市 5 篇 */
  subject: (week: string, themes: readonly string[], themeCount: number, total: number) =>
    `【周刊】${week}${themes.length > 0 ? ` · ${themes.join('、')}${themeCount > themes.length ? '等' : ''}` : ' ·'} ${total} 篇`,
  total: (count: number) => `共${count}篇`,
  themeCount: (count: number) => `${count}篇`,
  themeHeading: (name: string, count: number) => `${name}（${count}篇）`,
  contents: '本期目录',
  similar: (count: number) => `另有${count}篇相似报道`,
  omitted: (count: number) => `还有${count}篇较早的文章未收入。`,
  viewAll: (count: number) => `查看全部${count}篇`,
  viewInBrowser: '在浏览器中查看',
  /** Preview text shown by mail clients next to the subject. */
  preheader: (total: number, themes: string[]) => `本期${total}篇：${themes.join('、')}`,
  why: (site: string) => `您收到这封邮件，是因为您订阅了「${site}」的每周摘要。`,
  unsubscribeLink: '一键退订',
  preferencesLink: '管理订阅（主题、暂停、退订）',
  unsubscribeByMail: '退订请发送邮件至',
  mailSubject: (subject: string) => `（邮件主题：${subject}）`,
  webCopyNote: (site: string) => `这是「${site}」每周摘要的网页版。`,
  /** After a label in the plain text (在浏览器中查看：). */
  colon: '：',
  separator: ' · ',
} as const;

/** The pages of /unsubscribe. */
export const zhUnsubscribe = {
  confirmTitle: '退订每周摘要',
  confirmBody: (address: string) => `确认后，${address} 将不再收到每周摘要邮件。`,
  confirmButton: '确认退订',
  doneTitle: '已退订',
  doneBody: (address: string) => `${address} 已退订，今后不会再收到每周摘要。`,
  invalidTitle: '链接无效',
  invalidBody: '这个退订链接无效或已损坏。请使用邮件中的退订链接，或回复邮件说明退订。',
} as const;

/** Signing up for the digest by e-mail, and managing the subscription (server/subscription.ts). */
export const zhSubscription = {
  formTitle: '订阅每周摘要邮件',
  formIntro: '每周一封邮件，只收您关心的主题。提交后我们会发一封确认邮件，点击其中的链接才会开始订阅。',
  address: '电子邮箱',
  themes: '要收到的主题',
  submit: '订阅',
  /** The honeypot's label: people never see it; a bot that fills every field gives itself away. */
  honeypot: '请勿填写此栏',
  serverNote: '订阅需要本站的服务程序在运行。',
  sentTitle: '请查收确认邮件',
  sentBody:
    '如果地址无误，几分钟内您会收到一封确认邮件；点击邮件里的链接后订阅才会生效。如果这个地址已经订阅，邮件里会有管理订阅的链接。没有收到？请检查垃圾邮件文件夹，稍后再试。',
  instantTitle: '订阅已提交',
  instantBody:
    '如果地址无误，每周摘要将发送到这个地址。如果这个地址已经订阅，它的设置不会改变：我们会发一封邮件，里面有管理订阅的链接。',
  badAddressTitle: '邮箱地址无效',
  badAddressBody: '请检查邮箱地址：只接受一个形如 name@example.org 的地址。',
  noThemeTitle: '请至少选择一个主题',
  noThemeBody: '请返回上一页，至少勾选一个主题后再提交。',
  tooManyTitle: '请求过于频繁',
  tooManyBody: (minutes: number) => `来自您的网络的订阅请求过多，请${minutes}分钟后再试。`,
  invalidTitle: '链接无效',
  invalidBody: '这个链接无效或已损坏。请使用邮件中的链接，或在网站上重新订阅。',
  expiredTitle: '链接已过期',
  expiredBody: '这个确认链接已经过期，订阅没有生效。请在网站上重新填写订阅表单。',
  confirmTitle: '确认订阅',
  confirmBody: (address: string) => `确认后，${address} 将开始收到每周摘要邮件。`,
  confirmButton: '确认订阅',
  confirmedTitle: '订阅成功',
  confirmedBody: (address: string) => `${address} 已订阅每周摘要。`,
  alreadyTitle: '已经订阅',
  alreadyBody: (address: string) => `${address} 已经订阅了每周摘要，设置没有改变。`,
  whatYouGet: (themes: string) => `内容：${themes}。`,
  whenYouGet: (schedule: string) => `时间：${schedule}。`,
  allThemes: '全部主题',
  managePrompt: '随时可以更改主题、暂停或退订：',
  manageLink: '管理订阅',
  preferencesTitle: '管理订阅',
  preferencesIntro: (address: string) => `${address} 的订阅设置。`,
  state: { pending: '等待确认', active: '订阅中', paused: '已暂停', unsubscribed: '已退订' } as Record<string, string>,
  stateLine: (state: string) => `状态：${state}`,
  suppressedLine: '发往这个地址的邮件多次被退回，目前不会再发送。',
  saveThemes: '保存主题',
  pause: '暂停接收',
  resume: '恢复接收',
  unsubscribe: '退订',
  resubscribe: '重新订阅',
  savedTitle: '设置已保存',
  savedBody: (themes: string) => `今后的每周摘要只包含：${themes}。`,
  pausedTitle: '已暂停',
  pausedBody: '暂停期间不会收到每周摘要；随时可以在管理页面恢复。',
  resumedTitle: '已恢复',
  resumedBody: '下一期每周摘要起会照常发送。',
  unsubscribedTitle: '已退订',
  unsubscribedBody: (address: string) => `${address} 已退订，今后不会再收到每周摘要。`,
  backToPreferences: '返回管理页面',
  /** Every week on a given day and time; `days` as 周一、周四. */
  schedule: (days: string, time: string, zone: string) => `每${days} ${time}（${zone}时间）发送`,
  scheduleDaily: (time: string, zone: string) => `每天 ${time}（${zone}时间）发送`,
  scheduleOther: (cron: string, zone: string) => `按计划（${cron}，${zone}时间）发送`,
  weekdays: ['周日', '周一', '周二', '周三', '周四', '周五', '周六'],
  zone: (zone: string) => (zone === 'Asia/Shanghai' ? '北京' : zone),
  // The e-mails.
  confirmSubject: (site: string) => `请确认订阅「${site}」每周摘要`,
  confirmMailIntro: (site: string) => `有人（希望是您）用这个邮箱订阅了「${site}」的每周摘要。`,
  confirmMailAction: '点击下面的按钮确认订阅：',
  confirmMailExpiry: (days: number) => `链接${days}天内有效。`,
  confirmMailIgnore: '如果不是您本人订阅，请忽略这封邮件：不点击链接就不会订阅，我们也不会再发邮件。',
  manageSubject: (site: string) => `管理您的「${site}」每周摘要订阅`,
  manageMailIntro: (site: string) => `有人（希望是您）在网站上用这个邮箱提交了「${site}」每周摘要的订阅。这个地址已经订阅，设置没有改变。`,
  manageMailAction: '如需更改主题、暂停或退订，请使用下面的链接：',
  manageMailIgnore: '如果不是您本人操作，请忽略这封邮件，您的订阅不会有任何变化。',
} as const;
