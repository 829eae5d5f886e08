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
