// The theme names grouping itself gives (data: the digest shows them as they are).

export interface ThemeNames {
  /** The theme of what fits nowhere. */
  other: string;
  /** Put before a cluster's keywords: 热点：留抵退税·小微企业. */
  clusterPrefix: string;
  /** Between a cluster's keywords. */
  clusterSeparator: string;
}

export const DEFAULT_THEME_NAMES: ThemeNames = {
  other: '其他要闻',
  clusterPrefix: '热点：',
  clusterSeparator: '·',
};
