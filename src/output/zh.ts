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
  /** 【周刊】2022年第20周 · 中小企业与民营经济等 12 篇 */
  subject: (week: string, biggestTheme: string | undefined, themeCount: number, total: number) =>
    `【周刊】${week}${biggestTheme ? ` · ${biggestTheme}${themeCount > 1 ? '等' : ''}` : ' ·'} ${total} 篇`,
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
