/**
 * Google Alerts Atom → MentionInput. Feeds are hostile input (docs/channels.md, Google Alerts): any
 * DOCTYPE/ENTITY is refused before parsing, links are unwrapped from google.com/url?…&url= with
 * URL/URLSearchParams and kept only when http(s), and titles/snippets (type="html") are reduced to plain text.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { MentionInput } from '../../domain/mention.ts';

export class FeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedError';
  }
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  isArray: (name) => name === 'entry' || name === 'link',
});

/** The page a Google redirect points at, or the link itself; null unless http(s). */
export function unwrapLink(href: string | undefined): string | null {
  if (!href) return null;
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  if (/(^|\.)google\.[a-z.]+$/i.test(url.hostname) && url.pathname === '/url') {
    const target = url.searchParams.get('url') ?? url.searchParams.get('q');
    if (!target) return null;
    try {
      url = new URL(target);
    } catch {
      return null;
    }
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** Tags out, entities decoded (once more after stripping: Alerts double-escape their <b> highlights). */
export function stripHtml(html: string): string {
  const decode = (s: string) =>
    s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+|#39);/gi, (m, e: string) => {
      if (NAMED[e.toLowerCase()] !== undefined) return NAMED[e.toLowerCase()]!;
      const code =
        e.startsWith('#x') || e.startsWith('#X')
          ? parseInt(e.slice(2), 16)
          : e.startsWith('#')
            ? parseInt(e.slice(1), 10)
            : NaN;
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    });
  const tags = /<\/?[a-z][^<>]*>/gi;
  return decode(decode(html).replace(tags, ' ')).replace(tags, ' ').replace(/[<>]/g, ' ').replace(/\s+/g, ' ').trim();
}

type Text = string | { '#text'?: string } | undefined;
const textOf = (t: Text): string =>
  typeof t === 'string' ? t : typeof t === 'object' && t ? String(t['#text'] ?? '') : t === undefined ? '' : String(t);

interface AtomEntry {
  id?: Text;
  title?: Text;
  link?: { '@href'?: string }[];
  published?: string;
  updated?: string;
  content?: Text;
}

export function parseAlertsFeed(xml: string, now = new Date()): MentionInput[] {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new FeedError('feed declares a DOCTYPE or ENTITY: refused');
  // The parser is lenient (unclosed tags pass); a truncated or broken feed must fail, not half-parse.
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new FeedError(`feed is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let doc: { feed?: { entry?: AtomEntry[] } };
  try {
    doc = parser.parse(xml) as typeof doc;
  } catch (err) {
    throw new FeedError(`feed is not well-formed XML: ${(err as Error).message}`);
  }
  if (!doc.feed) throw new FeedError('not an Atom feed (no <feed>)');
  return (doc.feed.entry ?? []).flatMap((e) => {
    const id = textOf(e.id).trim();
    const url = unwrapLink(e.link?.[0]?.['@href']);
    const title = stripHtml(textOf(e.title));
    const snippet = stripHtml(textOf(e.content));
    if (!id || !url || !(title || snippet)) return [];
    const published = new Date(e.published ?? e.updated ?? '');
    return [
      {
        source: 'google-alerts',
        external_id: id,
        text: snippet ? `${title}\n${snippet}`.trim() : title,
        author: { handle: new URL(url).hostname.replace(/^www\./, '') },
        created_at: (Number.isNaN(published.getTime()) ? now : published).toISOString(),
        url,
      },
    ];
  });
}
