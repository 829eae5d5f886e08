// Words that say nothing about what a story is about: function words, reporting verbs,
// vague time words and the boilerplate of Chinese news sites. Single characters and
// bare numbers are dropped by rule in segment.ts, so they are not listed here.

const FUNCTION_WORDS = `
一个 一些 一种 一样 一直 一起 一定 一般 一边 一方面 一切 一旦 万一 上述 不仅 不过 不是 不会 不能 不要 不再
不断 不但 不管 不如 与其 且说 两个 个别 为了 为此 为何 为止 主要 之一 之后 之前 之间 之类 也是 也就是说
乃至 于是 从而 他们 他人 以上 以下 以及 以后 以前 以来 以便 以免 任何 似乎 但是 何况 何时 作为 你们 使得
例如 依照 便于 保持 倘若 全部 其中 其他 其它 其余 其实 具体 再者 准备 几乎 出来 分别 则是 别人 到底 却是
即使 即便 又是 及其 可以 可是 可能 各个 各种 各位 同时 后来 否则 因为 因此 因而 在于 处于 多少
大家 大约 大量 如何 如果 如此 如若 始终 它们 对于 尽管 已经 并且 并非 应当 应该 当然 当时 很多 很大 得到
怎么 怎样 总之 总是 我们 或者 所以 所有 所谓 才能 按照 据此 接着 无论 既然 更加 最后 有关 有些 有的
本身 来说 来自 次要 此外 此时 比如 沿着 然后 然而 由于 甚至 目前 直接 相对 看到 看看 真是 着呢 而且 而是
而言 肯定 自己 至于 虽然 虽说 要么 要是 许多 起来 这个 这些 这样 这种 这里 这么 那个 那些 那样
那么 那里 通过 随着 非常 需要 非但 首先 还是 还有 进行 这是 那是 只是 就是 都是 不少 较为 较大 进一步
一下 一次 一是 二是 三是 四是 有所 有效 之所以 即可 并不 并未 只有 只要 除了 除此之外 根据 方面 情况 问题
时候 时间 地方 东西 事情 工作 方式 部分 过程 结果 没有 什么 为什么 怎么样 还会 可能会 不少于 以至 其次
`;

const REPORTING_WORDS = `
表示 认为 指出 介绍 称 强调 提到 透露 说明 显示 发现 记者 报道 消息 获悉 了解到 据悉 据了解 日前 近日
近期 今天 今年 去年 明年 昨天 昨日 今日 明天 当天 当日 目前为止 上午 下午 晚上 日电 电讯 讯 本报 本台
新浪 新浪财经 新浪网 新浪科技 新浪体育 新浪娱乐 APP 客户端 责任编辑 编辑 原标题 来源 作者 转载 图片 图 摄 视频 点击 查看 关注
微信 公众号 扫码 二维码 下载 阅读 全文 版权 声明 免责 本文 文章 本网 网友 评论 分享 相关 链接 原文
海量 资讯 尽在
`;

const LATIN_WORDS = `
the a an of and or to in on for with by is are was were be at as it this that from http https www com cn html
shtml nbsp amp quot px img src div span class style href id
`;

function wordsOf(list: string): string[] {
  return list.split(/\s+/).filter((word) => word.length > 0);
}

/** Normalized (lower-case) stop words. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  [...wordsOf(FUNCTION_WORDS), ...wordsOf(REPORTING_WORDS), ...wordsOf(LATIN_WORDS)].map((word) =>
    word.toLowerCase(),
  ),
);
