/** Resolves a possibly relative or protocol-relative URL; returns undefined when it cannot be used. */
export function resolveUrl(href: string, base?: string): string | undefined {
  const trimmed = href.trim();
  if (!trimmed) return undefined;
  const withProtocol = trimmed.startsWith('//') ? `https:${trimmed}` : trimmed;
  try {
    return new URL(withProtocol, base).toString();
  } catch {
    return undefined;
  }
}

/** The scheme of an absolute URL, as `https:`; undefined when the value is not one. */
export function schemeOf(value: string): string | undefined {
  try {
    return new URL(value).protocol;
  } catch {
    return undefined;
  }
}

/** True for absolute http(s) URLs. */
export function isHttpUrl(value: string): boolean {
  const scheme = schemeOf(value);
  return scheme === 'http:' || scheme === 'https:';
}

/** Joins a path onto a base URL that is treated as a folder (a missing final slash is added). */
export function joinUrl(base: string, path: string): string {
  const folder = base.endsWith('/') ? base : `${base}/`;
  return new URL(path.replace(/^\/+/, ''), folder).toString();
}

/** The host of a URL, or undefined. */
export function hostOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return new URL(value).hostname || undefined;
  } catch {
    return undefined;
  }
}

/** `mailto:a@b?subject=x` or a bare address → its parts. */
export function parseMailto(value: string): { url: string; address: string; subject?: string } {
  const url = value.startsWith('mailto:') ? value : `mailto:${value}`;
  const [target = '', query = ''] = url.slice('mailto:'.length).split('?', 2);
  const subject = new URLSearchParams(query).get('subject') ?? undefined;
  return { url, address: safeDecode(target), subject: subject || undefined };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a stray % is shown as written
  }
}
