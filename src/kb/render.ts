/**
 * The knowledge base as HTML, XML and text. Pure. Every value is escaped where it is written; the
 * pages need no script (structured data is a JSON-LD data block, which a CSP without script-src
 * still allows because browsers never run it).
 */
import type { KbPage } from './pages.ts';

export const KB_CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
/** The contact form may be embedded in the brand's own site (an iframe), nothing else differs. */
export const FORM_CSP = KB_CSP.replace("frame-ancestors 'none'", 'frame-ancestors *');

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

/** JSON safe inside <script>: no "<", ">", "&" or line separators can end the block or confuse a parser. */
export const jsonForScript = (v: unknown): string =>
  JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—');

export interface Site {
  /** Absolute origin + optional path prefix, no trailing slash: links in sitemap and JSON-LD. */
  base: string;
  name: string;
}

export const CSS = `body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d2433}
a{color:#0b57d0}header nav a{margin-right:1rem}h1{font-size:1.6rem;line-height:1.25}
.status{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;background:#eef2ff}.status-fixed{background:#e6f4ea}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}
form.search{display:flex;gap:.5rem;margin:1rem 0}input,textarea{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}
label{display:block;margin:.6rem 0 .2rem}.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.results li{margin:.8rem 0}.muted{color:#5f6b7a}button{font:inherit;padding:.4rem 1rem}`;

export function layout(
  site: Site,
  o: { title: string; description: string; canonical: string; body: string; jsonLd?: unknown; robots?: string },
): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title)}</title>
<meta name="description" content="${esc(o.description)}">
${o.robots ? `<meta name="robots" content="${esc(o.robots)}">\n` : ''}<link rel="canonical" href="${esc(o.canonical)}">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/kb/kb.css">
${o.jsonLd === undefined ? '' : `<script type="application/ld+json">${jsonForScript(o.jsonLd)}</script>\n`}</head>
<body>
<header><nav><a href="/kb">${esc(site.name)}: known issues</a><a href="/kb/contact">Contact support</a></nav></header>
<main>
${o.body}
</main>
</body>
</html>
`;
}

/** schema.org: the page is an Article about the issue and a FAQPage whose one question is the symptom. */
export function issueJsonLd(p: KbPage, site: Site): unknown {
  const url = `${site.base}${p.path}`;
  const answer = [...p.solution, p.affected.length ? `Affected: ${p.affected.join('; ')}.` : '']
    .filter(Boolean)
    .join('\n\n');
  return {
    '@context': 'https://schema.org',
    '@graph': [
      {
        '@type': 'Article',
        '@id': `${url}#article`,
        headline: p.title.slice(0, 110),
        description: p.summary,
        datePublished: p.published_at,
        dateModified: p.updated_at,
        mainEntityOfPage: url,
        author: { '@type': 'Organization', name: site.name },
        publisher: { '@type': 'Organization', name: site.name },
      },
      {
        '@type': 'FAQPage',
        '@id': `${url}#faq`,
        url,
        mainEntity: [
          {
            '@type': 'Question',
            name: p.title,
            text: p.symptoms[0] ?? p.title,
            acceptedAnswer: { '@type': 'Answer', text: answer, url },
          },
        ],
      },
    ],
  };
}

const listItems = (cls: string, items: readonly string[]) =>
  `<ul class="${cls}">${items.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>`;

export function renderIssue(p: KbPage, site: Site): string {
  const body = `<article>
<h1>${esc(p.title)}</h1>
<p><span class="status status-${esc(p.status.code)}">${esc(p.status.text)}</span></p>
<dl>
<dt>First reported</dt><dd><time datetime="${esc(p.first_seen ?? '')}">${esc(day(p.first_seen))}</time></dd>
<dt>Last reported</dt><dd><time datetime="${esc(p.last_seen ?? '')}">${esc(day(p.last_seen))}</time></dd>
<dt>Published</dt><dd><time datetime="${esc(p.published_at)}">${esc(day(p.published_at))}</time></dd>
<dt>Updated</dt><dd><time datetime="${esc(p.updated_at)}">${esc(day(p.updated_at))}</time></dd>
<dt>Reports</dt><dd>${esc(p.reports)}</dd>
</dl>
<h2>Symptoms</h2>
${
  p.symptoms.length
    ? `<p>What customers describe, in our words:</p>\n${listItems('symptoms', p.symptoms)}`
    : '<p class="muted">No description yet.</p>'
}
<h2>Who is affected</h2>
${p.affected.length ? listItems('affected', p.affected) : '<p class="muted">Not narrowed down to a product or version.</p>'}
<h2>Workaround or fix</h2>
<div class="solution">${p.solution.map((s) => `<p>${esc(s)}</p>`).join('\n')}</div>
<p class="muted">Still stuck? <a href="/kb/contact">Contact support</a>.</p>
</article>`;
  return layout(site, {
    title: `${p.title} · ${site.name}`,
    description: p.summary,
    canonical: `${site.base}${p.path}`,
    body,
    jsonLd: issueJsonLd(p, site),
  });
}

const resultItem = (p: KbPage) =>
  `<li><a href="${esc(p.path)}">${esc(p.title)}</a> ` +
  `<span class="status status-${esc(p.status.code)}">${esc(p.status.text)}</span><br>` +
  `<span class="muted">${esc(p.summary)}</span></li>`;

const searchForm = (q: string) =>
  '<form class="search" method="get" action="/kb" role="search"><label for="q" class="hp">Search</label>' +
  `<input id="q" name="q" type="search" value="${esc(q)}" ` +
  'placeholder="Describe the problem or paste the error message" maxlength="200">' +
  '<button type="submit">Search</button></form>';

export function renderIndex(
  pages: readonly KbPage[],
  site: Site,
  q: string,
  opts: { search: boolean } = { search: true },
): string {
  const list = pages.length
    ? `<ol class="results">${pages.map(resultItem).join('\n')}</ol>`
    : `<p class="muted">${q ? `No known issue matches “${esc(q)}”.` : 'No known issues right now.'}</p>`;
  const body = `<h1>Known issues</h1>
${opts.search ? searchForm(q) : ''}
${q ? `<p>${esc(pages.length)} result${pages.length === 1 ? '' : 's'} for “${esc(q)}”.</p>` : ''}
${list}`;
  return layout(site, {
    title: q ? `“${q}” · known issues · ${site.name}` : `Known issues · ${site.name}`,
    description: `Known issues with ${site.name}'s products, who they affect and how to fix them.`,
    canonical: `${site.base}/kb`,
    body,
    ...(q ? { robots: 'noindex' } : {}),
  });
}

export function renderMessage(site: Site, title: string, message: string): string {
  return layout(site, {
    title: `${title} · ${site.name}`,
    description: message,
    canonical: `${site.base}/kb`,
    body: `<h1>${esc(title)}</h1>\n<p>${esc(message)}</p>`,
    robots: 'noindex',
  });
}

const xmlEsc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

export function renderSitemap(pages: readonly KbPage[], site: Site): string {
  const urls = [
    `<url><loc>${xmlEsc(`${site.base}/kb`)}</loc></url>`,
    ...pages.map(
      (p) => `<url><loc>${xmlEsc(`${site.base}${p.path}`)}</loc><lastmod>${xmlEsc(p.updated_at)}</lastmod></url>`,
    ),
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
}

export function renderRobots(site: Site): string {
  return `User-agent: *\nAllow: /kb\nDisallow: /kb/contact\nDisallow: /api/\nDisallow: /survey/\nDisallow: /docs\nSitemap: ${site.base}/kb/sitemap.xml\n`;
}

export interface ContactValues {
  email?: string;
  name?: string;
  text?: string;
}

const CONTACT_INTRO =
  '<p>Tell us what went wrong; we answer by e-mail. <a href="/kb">Known issues</a> may already have the fix.</p>';

/** The contact form: plain HTML that posts to /kb/contact, no script; "website" is the honeypot. */
export function renderContactForm(site: Site, v: ContactValues = {}, error: string | null = null): string {
  const body = `<h1>Contact support</h1>
${error ? `<p role="alert" class="error">${esc(error)}</p>` : CONTACT_INTRO}
<form method="post" action="/kb/contact">
<label for="email">E-mail</label><input id="email" name="email" type="email" required maxlength="320" autocomplete="email" value="${esc(v.email ?? '')}">
<label for="name">Name (optional)</label><input id="name" name="name" maxlength="200" autocomplete="name" value="${esc(v.name ?? '')}">
<label for="text">Message</label><textarea id="text" name="text" required minlength="10" maxlength="5000" rows="8">${esc(v.text ?? '')}</textarea>
<div class="hp" aria-hidden="true"><label for="website">Leave this empty</label><input id="website" name="website" tabindex="-1" autocomplete="off"></div>
<p><button type="submit">Send</button></p>
</form>`;
  return layout(site, {
    title: `Contact support · ${site.name}`,
    description: `Contact ${site.name} support.`,
    canonical: `${site.base}/kb/contact`,
    body,
    robots: 'noindex',
  });
}

export function renderContactDone(site: Site, reference: string): string {
  const body = `<h1>Thank you</h1>
<p role="status">We received your message and will answer by e-mail.</p>
<p>Your reference: <code>${esc(reference)}</code></p>
<p><a href="/kb">Known issues</a></p>`;
  return layout(site, {
    title: `Message received · ${site.name}`,
    description: 'Message received.',
    canonical: `${site.base}/kb/contact`,
    body,
    robots: 'noindex',
  });
}

/** The survey: one question (1–5) and an optional comment; posts back to the same signed address. */
export function renderSurvey(site: Site, token: string, error: string | null = null): string {
  const options = [1, 2, 3, 4, 5]
    .map(
      (n) =>
        `<p><input type="radio" id="rating-${n}" name="rating" value="${n}" required>` +
        `<label for="rating-${n}">${n}${n === 1 ? ' (very unsatisfied)' : n === 5 ? ' (very satisfied)' : ''}</label></p>`,
    )
    .join('\n');
  const body = `<h1>How satisfied are you with the help you got?</h1>
${error ? `<p role="alert" class="error">${esc(error)}</p>` : ''}
<form method="post" action="/survey/${esc(encodeURIComponent(token))}">
<fieldset><legend>Your rating</legend>
${options}
</fieldset>
<label for="comment">Anything to add? (optional)</label><textarea id="comment" name="comment" maxlength="2000" rows="4"></textarea>
<p><button type="submit">Send</button></p>
</form>`;
  return layout(site, {
    title: `Your opinion · ${site.name}`,
    description: 'A one-question survey.',
    canonical: `${site.base}/kb`,
    body,
    robots: 'noindex',
  });
}
