import { escapeHtml } from '../util/text.js';
import { ICON_FILE, renderSiteHeader, STYLESHEET_FILE } from './page-layout.js';
import { zh, zhFeedPage } from './zh.js';

// The XSL stylesheet that rss.xml and atom.xml name in <?xml-stylesheet?>: a browser opening a feed
// shows a page in the site's style (what the feed is, its address to copy into a reader, its items)
// instead of raw XML; feed readers ignore the instruction. XSLT 1.0, the only version browsers run.
//
// - Its links are relative to the feed, so there is one stylesheet per folder depth (`root`).
// - Titles and summaries are HTML-escaped text in the feeds (Atom type="html", RSS description):
//   the `unescape` template turns them back into text, as browsers ignore disable-output-escaping.
// - Dates are UTC in the feeds; `local-time` shifts them by the site's time zone offset, a fixed
//   number of minutes (exact for zones without summer time, such as China's).

export interface FeedXslOptions {
  /** Path from the feeds' folder back to the root of output/: '' or '../'. */
  root: string;
  siteTitle: string;
  /** Offset of the site's time zone from UTC, in minutes. */
  offsetMinutes: number;
}

export function renderFeedXsl(options: FeedXslOptions): string {
  const { root } = options;
  // The header is shared with the pages; inside a stylesheet it must be well-formed XML, which it is.
  const header = renderSiteHeader(options.siteTitle, root);
  return `<?xml version="1.0" encoding="utf-8"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
<xsl:output method="html" encoding="utf-8" indent="no" doctype-system="about:legacy-compat"/>
<xsl:variable name="offset" select="${Math.round(options.offsetMinutes)}"/>

<xsl:template match="/">
<xsl:variable name="title" select="rss/channel/title | atom:feed/atom:title"/>
<xsl:variable name="self" select="rss/channel/atom:link[@rel='self']/@href | atom:feed/atom:link[@rel='self']/@href"/>
<xsl:variable name="home" select="rss/channel/link | atom:feed/atom:link[@rel='alternate']/@href"/>
<xsl:variable name="items" select="rss/channel/item | atom:feed/atom:entry"/>
<html lang="${zh.language}">
<head>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta name="color-scheme" content="light dark"/>
<meta name="robots" content="noindex"/>
<title><xsl:value-of select="$title"/> · ${zhFeedPage.kind}</title>
<link rel="stylesheet" href="${root}${STYLESHEET_FILE}"/>
<link rel="icon" type="image/svg+xml" href="${root}${ICON_FILE}"/>
</head>
<body>
${header}
<main class="feed-page">
<h1><xsl:value-of select="$title"/></h1>
<p class="lede"><xsl:value-of select="rss/channel/description | atom:feed/atom:subtitle"/></p>
<div class="feed-notice">
<p>${escapeHtml(zhFeedPage.notice)}</p>
<p class="feed-url"><xsl:value-of select="$self"/></p>
</div>
<section class="theme">
<h2><span>${zhFeedPage.items.before}<xsl:value-of select="count($items)"/>${zhFeedPage.items.after}</span><a class="count" href="{$home}">${zhFeedPage.webPage} →</a></h2>
<ol class="articles">
<xsl:apply-templates select="$items"/>
</ol>
</section>
</main>
<footer class="site"><p><a href="${root}index.html">${escapeHtml(options.siteTitle)}</a></p></footer>
</body>
</html>
</xsl:template>

<xsl:template match="item">
<li>
<a href="{link}"><xsl:value-of select="title"/></a>
<p class="facts"><xsl:call-template name="rfc822-date"><xsl:with-param name="date" select="pubDate"/></xsl:call-template></p>
<p class="summary"><xsl:call-template name="unescape"><xsl:with-param name="text" select="description"/></xsl:call-template></p>
</li>
</xsl:template>

<xsl:template match="atom:entry">
<li>
<a href="{atom:link[not(@rel) or @rel='alternate']/@href}"><xsl:call-template name="unescape"><xsl:with-param name="text" select="atom:title"/></xsl:call-template></a>
<p class="facts"><xsl:call-template name="iso-date"><xsl:with-param name="date" select="atom:published | atom:updated[not(../atom:published)]"/></xsl:call-template></p>
<p class="summary"><xsl:call-template name="unescape"><xsl:with-param name="text" select="atom:summary"/></xsl:call-template></p>
</li>
</xsl:template>

<!-- "Mon, 13 Sep 2021 05:33:28 GMT", as the feeds write pubDate (always GMT, two-digit day). -->
<xsl:template name="rfc822-date">
<xsl:param name="date"/>
<xsl:if test="string-length($date) &gt;= 22">
<xsl:call-template name="local-time">
<xsl:with-param name="year" select="number(substring($date, 13, 4))"/>
<xsl:with-param name="month" select="string-length(substring-before('JanFebMarAprMayJunJulAugSepOctNovDec', substring($date, 9, 3))) div 3 + 1"/>
<xsl:with-param name="day" select="number(substring($date, 6, 2))"/>
<xsl:with-param name="minutes" select="substring($date, 18, 2) * 60 + substring($date, 21, 2)"/>
</xsl:call-template>
</xsl:if>
</xsl:template>

<!-- "2021-09-13T05:33:28.000Z", as the feeds write Atom dates (always UTC). -->
<xsl:template name="iso-date">
<xsl:param name="date"/>
<xsl:if test="string-length($date) &gt;= 16">
<xsl:call-template name="local-time">
<xsl:with-param name="year" select="number(substring($date, 1, 4))"/>
<xsl:with-param name="month" select="number(substring($date, 6, 2))"/>
<xsl:with-param name="day" select="number(substring($date, 9, 2))"/>
<xsl:with-param name="minutes" select="substring($date, 12, 2) * 60 + substring($date, 15, 2)"/>
</xsl:call-template>
</xsl:if>
</xsl:template>

<!-- A UTC date and time of day, shifted by $offset (less than a day: at most one day forwards or back), as 2021年9月13日 13:33. -->
<xsl:template name="local-time">
<xsl:param name="year"/>
<xsl:param name="month"/>
<xsl:param name="day"/>
<xsl:param name="minutes"/>
<xsl:variable name="shifted" select="$minutes + $offset"/>
<xsl:variable name="dayShift" select="floor($shifted div 1440)"/>
<xsl:variable name="time" select="$shifted - $dayShift * 1440"/>
<xsl:variable name="leap" select="($year mod 4 = 0 and $year mod 100 != 0) or $year mod 400 = 0"/>
<xsl:variable name="monthDays" select="number(substring('312831303130313130313031', 2 * $month - 1, 2)) + number($leap and $month = 2)"/>
<xsl:variable name="previousMonth" select="($month + 10) mod 12 + 1"/>
<xsl:variable name="previousMonthDays" select="number(substring('312831303130313130313031', 2 * $previousMonth - 1, 2)) + number($leap and $previousMonth = 2)"/>
<xsl:variable name="d" select="$day + $dayShift"/>
<xsl:choose>
<xsl:when test="$d &gt; $monthDays">
<xsl:value-of select="concat($year + floor($month div 12), '年', $month mod 12 + 1, '月1日')"/>
</xsl:when>
<xsl:when test="$d &lt; 1">
<xsl:value-of select="concat($year - floor(1 div $month), '年', $previousMonth, '月', $previousMonthDays, '日')"/>
</xsl:when>
<xsl:otherwise>
<xsl:value-of select="concat($year, '年', $month, '月', $d, '日')"/>
</xsl:otherwise>
</xsl:choose>
<xsl:value-of select="concat(' ', format-number(floor($time div 60), '00'), ':', format-number($time mod 60, '00'))"/>
</xsl:template>

<!-- Text that was HTML-escaped once (&amp; &lt; &gt; &quot; &#39;), back to text. -->
<xsl:template name="unescape">
<xsl:param name="text"/>
<xsl:choose>
<xsl:when test="contains($text, '&amp;')">
<xsl:value-of select="substring-before($text, '&amp;')"/>
<xsl:variable name="rest" select="substring-after($text, '&amp;')"/>
<xsl:variable name="entity" select="substring-before($rest, ';')"/>
<xsl:choose>
<xsl:when test="$entity = 'amp'">&amp;</xsl:when>
<xsl:when test="$entity = 'lt'">&lt;</xsl:when>
<xsl:when test="$entity = 'gt'">&gt;</xsl:when>
<xsl:when test="$entity = 'quot'">"</xsl:when>
<xsl:when test="$entity = '#39'">'</xsl:when>
<xsl:otherwise>&amp;</xsl:otherwise>
</xsl:choose>
<xsl:call-template name="unescape">
<xsl:with-param name="text">
<xsl:choose>
<xsl:when test="$entity = 'amp' or $entity = 'lt' or $entity = 'gt' or $entity = 'quot' or $entity = '#39'"><xsl:value-of select="substring-after($rest, ';')"/></xsl:when>
<xsl:otherwise><xsl:value-of select="$rest"/></xsl:otherwise>
</xsl:choose>
</xsl:with-param>
</xsl:call-template>
</xsl:when>
<xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
</xsl:choose>
</xsl:template>
</xsl:stylesheet>
`;
}
