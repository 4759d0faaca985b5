/** The knowledge base as static files, for any web host: the same pages /kb serves, minus search. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Queryable } from '../storage/db.ts';
import { allPages } from './pages.ts';
import { CSS, renderIndex, renderIssue, renderRobots, renderSitemap, type Site } from './render.ts';

export interface ExportReport {
  pages: number;
  files: string[];
}

/**
 * Writes DIR/kb/index.html, DIR/kb/issues/<id>/index.html (so /kb/issues/<id> resolves on any host
 * that serves directory indexes), sitemap, stylesheet and DIR/robots.txt. Pages no longer published
 * are removed from DIR/kb/issues, so re-exporting takes them down too.
 */
export async function exportKb(db: Queryable, dir: string, site: Site, k: number): Promise<ExportReport> {
  const pages = await allPages(db, k);
  rmSync(join(dir, 'kb', 'issues'), { recursive: true, force: true });
  const files: string[] = [];
  const write = (rel: string, body: string) => {
    const path = join(dir, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, body);
    files.push(rel);
  };
  write('kb/index.html', renderIndex(pages, site, '', { search: false }));
  for (const p of pages) write(`kb/issues/${p.id}/index.html`, renderIssue(p, site));
  write('kb/sitemap.xml', renderSitemap(pages, site));
  write('kb/kb.css', CSS);
  write('robots.txt', renderRobots(site));
  return { pages: pages.length, files };
}
