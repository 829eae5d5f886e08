// The site's one stylesheet (assets/site.css): article pages, the index, theme pages, the digest
// archive and web copies, and the pages that show each feed to a person.
// Made for Chinese text: a CJK font stack, generous line height, strict line breaking; one column
// from 320 px up, light and dark schemes from the reader's setting.

export const SITE_CSS = `:root {
  color-scheme: light dark;
  --text: #1f2328;
  --muted: #5f6670;
  --background: #fdfdfc;
  --accent: #b4232a;
  --rule: #e4e4e0;
  --quote: #f4f3ef;
}
@media (prefers-color-scheme: dark) {
  :root {
    --text: #e6e6e3;
    --muted: #a3a39e;
    --background: #16171a;
    --accent: #f07178;
    --rule: #2e3036;
    --quote: #202227;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0;
  padding: 0 1rem;
  background: var(--background);
  color: var(--text);
  font-family: -apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC",
    "Source Han Sans SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
  font-size: 1.0625rem;
  line-height: 1.85;
  letter-spacing: 0.02em;
  overflow-wrap: break-word;
  word-break: normal;
  line-break: strict;
}
@media (max-width: 360px) {
  body { padding: 0 0.75rem; font-size: 1rem; }
}
header.site, main, footer.site { max-width: 44rem; margin: 0 auto; }
header.site {
  display: flex;
  flex-wrap: wrap;
  align-items: baseline;
  justify-content: space-between;
  gap: 0.25rem 1rem;
  padding: 1rem 0 0.75rem;
  border-bottom: 1px solid var(--rule);
}
header.site .brand { color: var(--text); font-size: 1.125rem; font-weight: 700; text-decoration: none; }
header.site nav { display: flex; gap: 1.25rem; font-size: 0.9375rem; }
header.site nav a { color: var(--muted); text-decoration: none; }
header.site nav a:hover { color: var(--accent); }
footer.site { margin-top: 2rem; padding: 1.5rem 0 2rem; color: var(--muted); font-size: 0.875rem; border-top: 1px solid var(--rule); }
footer.site p { margin: 0.25rem 0; }
a { color: var(--accent); }
a:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
h1 { font-size: 1.6rem; line-height: 1.45; margin: 1.5rem 0 0.75rem; letter-spacing: 0.01em; }
h2, h3, h4 { line-height: 1.5; margin: 2rem 0 0.75rem; }
.facts, .original-title, .tags { color: var(--muted); font-size: 0.875rem; margin: 0.25rem 0; }
.tags span { display: inline-block; margin-right: 0.5rem; }
.tags span::before { content: "#"; }
.count { color: var(--muted); font-size: 0.875rem; font-weight: normal; white-space: nowrap; }
.lede { color: var(--muted); margin: 1rem 0 0; }
.more { margin: 0.75rem 0 0; font-size: 0.9375rem; }
.more a { text-decoration: none; }

/* An article */
.body p { margin: 0 0 1.1em; text-align: justify; }
.body strong { font-weight: 600; }
blockquote { margin: 1.25em 0; padding: 0.75em 1em; background: var(--quote); border-left: 3px solid var(--accent); }
blockquote p { margin: 0; }
figure { margin: 1.5em 0; }
img { max-width: 100%; height: auto; display: block; margin: 0 auto; border-radius: 2px; }
figcaption { color: var(--muted); font-size: 0.875rem; text-align: center; margin-top: 0.5em; }
table { display: block; max-width: 100%; overflow-x: auto; border-collapse: collapse; font-size: 0.875rem; margin: 1.5em 0; }
th, td { border: 1px solid var(--rule); padding: 0.3em 0.6em; white-space: nowrap; }
pre { max-width: 100%; overflow-x: auto; padding: 0.75em 1em; background: var(--quote); font-size: 0.875rem; line-height: 1.6; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; }
.original { margin: 2rem 0; }

/* Lists of articles: the index, theme pages, digests, the feed page */
ol.articles { list-style: none; padding: 0; margin: 0.5rem 0; }
ol.articles li { padding: 1rem 0; border-bottom: 1px solid var(--rule); }
ol.articles li:last-child { border-bottom: 0; }
ol.articles li > a { font-size: 1.125rem; font-weight: 600; line-height: 1.6; color: var(--text); text-decoration: none; }
ol.articles li > a:hover { color: var(--accent); }
ol.articles .summary { margin: 0.25rem 0 0; }
ol.articles .similar { color: var(--muted); font-size: 0.875rem; margin: 0.25rem 0 0; }
ol.articles .similar a { color: var(--muted); }

/* The index and theme pages */
nav.themes h2 { margin: 1.5rem 0 0.5rem; font-size: 0.875rem; color: var(--muted); letter-spacing: 0.12em; }
nav.themes ul { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 0.5rem; }
nav.themes a {
  display: inline-block;
  padding: 0.1rem 0.75rem;
  border: 1px solid var(--rule);
  border-radius: 999px;
  color: var(--text);
  font-size: 0.9375rem;
  text-decoration: none;
}
nav.themes a:hover { border-color: var(--accent); color: var(--accent); }
nav.themes .count { margin-left: 0.35rem; font-size: 0.8125rem; }
section.theme, section.digests, section.subscribe { margin-top: 2.5rem; }
section.theme > h2, section.digests > h2, section.subscribe > h2 {
  display: flex;
  justify-content: space-between;
  align-items: baseline;
  gap: 1rem;
  margin: 0;
  padding-top: 0.75rem;
  border-top: 3px solid var(--accent);
  font-size: 1.25rem;
}
section.theme > h2 a { color: var(--text); text-decoration: none; }
section.theme > h2 a:hover { color: var(--accent); }
.subscribe-row { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.25rem 1rem; margin: 0.5rem 0; }
.subscribe-row .formats { display: flex; flex-wrap: wrap; gap: 0 0.75rem; }
ul.feeds { list-style: none; padding: 0; margin: 0.5rem 0 0; }
ul.feeds li { padding: 0.5rem 0; border-bottom: 1px solid var(--rule); }
ul.feeds li .subscribe-row { margin: 0; justify-content: space-between; }

/* The digest archive, and a digest's web copy */
main.digest { padding-bottom: 1rem; }
.digest .notice { padding: 0.6rem 0.9rem; background: var(--quote); font-size: 0.9375rem; }
.digest nav h2, .digest section h2 { font-size: 1.25rem; }
.digest nav h2 { color: var(--muted); font-size: 0.875rem; letter-spacing: 0.12em; margin-bottom: 0.25rem; }
.digest nav ol { list-style: none; padding: 0; margin: 0; }
.digest nav li { display: flex; justify-content: space-between; align-items: baseline; gap: 1rem; padding: 0.4rem 0; border-bottom: 1px solid var(--rule); }
.digest nav li a { color: var(--text); text-decoration: none; min-width: 0; }
.digest section h2 { padding-top: 0.9rem; border-top: 3px solid var(--accent); }
.digest ol.articles li > a { text-wrap: pretty; }
.digest ol.articles li::after { content: ""; display: block; clear: both; }
.digest ol.articles .facts, .digest ol.articles .similar { color: var(--muted); font-size: 0.8125rem; margin: 0.2rem 0 0; }
.digest img.thumb { float: right; width: 96px; max-width: 30%; height: auto; margin: 0.3rem 0 0.5rem 1rem; }

/* The page a browser shows for a feed (assets/feed.xsl) */
.feed-notice { margin: 1.25rem 0; padding: 0.75rem 1rem; background: var(--quote); border-left: 3px solid var(--accent); font-size: 0.9375rem; }
.feed-notice p { margin: 0; }
.feed-notice .feed-how { margin-top: 0.5rem; }
.feed-notice .feed-url { margin-top: 0.35rem; font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.875rem; overflow-wrap: anywhere; user-select: all; }

/* Short pages with a message, e.g. unsubscribing */
main.notice { padding: 2rem 0; }
main.notice button, .signup button { font: inherit; padding: 0.5em 1.5em; border: 0; border-radius: 4px; background: var(--accent); color: #fff; cursor: pointer; }
main.notice button.secondary { background: transparent; color: var(--accent); border: 1px solid var(--accent); }
main.notice .actions { display: flex; flex-wrap: wrap; gap: 0.75rem; margin: 1rem 0; }
main.notice .actions form { margin: 0; }

/* The e-mail signup form (index, theme pages, digest archive) and the preference page */
.signup { margin: 2rem 0; padding: 1rem 1.25rem; background: var(--quote); border-left: 3px solid var(--accent); }
.signup h2 { margin-top: 0; }
.signup label, .choose-themes label { display: inline-flex; align-items: center; gap: 0.3rem; }
.signup input[type="email"] { font: inherit; width: 100%; max-width: 24rem; padding: 0.35em 0.5em; border: 1px solid var(--muted); border-radius: 4px; background: var(--background); color: var(--text); }
.signup .field label { display: block; }
fieldset.choose-themes { margin: 0.75rem 0; padding: 0.5rem 0.75rem; border: 1px solid var(--rule); }
fieldset.choose-themes ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.15rem 1.25rem; }
/* The honeypot: out of sight and out of the tab order; aria-hidden keeps screen readers away. */
.signup .hp { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
`;

/** The site's icon (assets/icon.svg): 周 on the accent colour. */
export const SITE_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
<rect width="64" height="64" rx="12" fill="#b4232a"/>
<text x="32" y="45" font-size="38" text-anchor="middle" fill="#fff" font-family="PingFang SC, Noto Sans CJK SC, Microsoft YaHei, sans-serif">周</text>
</svg>
`;
