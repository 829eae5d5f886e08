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
