// Article ids: every output needs an absolute URI (Atom's <id> is one, and `feed` throws on
// anything else), while feeds give any string as a guid. Pure functions, shared by the collect,
// which gives new articles their ids, and the renderers, which meet ids archived before this rule.

/** A URI with a scheme of two or more characters (so `C:\…` is no URI) that the URL parser reads. */
export function isAbsoluteUri(value: string): boolean {
  return /^[a-z][a-z0-9+.-]+:/i.test(value) && URL.canParse(value);
}

/**
 * The id of an article whose source gave it an id that is no absolute URI (`article-12345`, `42`):
 * a tag: URI (RFC 4151) of the archive's authority, the source and that id. The same source and
 * id always give the same URI, and two sources' `42`s stay apart.
 */
export function tagUriForId(idAuthority: string, source: string, id: string): string {
  return `tag:${idAuthority}:${encodeURIComponent(source)}/id:${encodeURIComponent(id)}`;
}

/** The id as is when it is an absolute URI, else its tag: URI. */
export function absoluteId(idAuthority: string, source: string, id: string): string {
  return isAbsoluteUri(id) ? id : tagUriForId(idAuthority, source, id);
}
