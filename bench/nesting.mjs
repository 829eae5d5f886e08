// Cleaning time against nesting depth: a post of N unclosed <i> (as a folder post gives it) and a
// feed item of N nested <i> inside the XML (parsed from the feed, then cleaned). Prints the median
// of 3 runs and the time per 1,000 tags, which stays flat when the work grows linearly.
// Run after `npm run compile`: node bench/nesting.mjs [depth …]
import { cleanBody } from '../dist/clean/clean.js';
import { prepareArticle } from '../dist/jobs/folder-items.js';
import { parseFeed } from '../dist/sources/parse-feed.js';

const depths = process.argv.slice(2).map(Number);
const quiet = { warn: () => undefined };

async function median(run) {
  const times = [];
  for (let round = 0; round < 3; round += 1) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[1];
}

function feedOf(depth) {
  const body = `<p>开头。</p>${'<i>'.repeat(depth)}深处的正文。${'</i>'.repeat(depth)}`;
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>深</title><link>https://deep.example/</link><item><title>深</title><link>https://deep.example/1</link><description>${body}</description></item></channel></rss>`;
}

console.log('| tags deep | post: ms | post: ms per 1,000 tags | feed item: ms | feed item: ms per 1,000 tags |');
console.log('|---|---|---|---|---|');
for (const depth of depths.length > 0 ? depths : [50_000, 100_000, 200_000, 650_000]) {
  const post = `<p>开头。</p>${'<i>'.repeat(depth)}深处的正文。`;
  const feed = feedOf(depth);
  const context = { url: 'https://deep.example/feed', source: 'deep', zone: 'Asia/Shanghai', now: new Date() };
  const postMs = await median(() => cleanBody({ html: post, title: '深' }));
  const itemMs = await median(async () => {
    for (const raw of parseFeed(feed, context).articles) await prepareArticle(raw, { where: raw.link ?? context.url, idAuthority: 'bench.example,2026', log: quiet });
  });
  const per = (ms) => ((ms / depth) * 1000).toFixed(2);
  console.log(`| ${depth.toLocaleString('en')} | ${postMs.toFixed(0)} | ${per(postMs)} | ${itemMs.toFixed(0)} | ${per(itemMs)} |`);
}
