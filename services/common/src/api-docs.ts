import { readFile } from 'node:fs/promises';
import { bundle } from '@apidevtools/json-schema-ref-parser';
import { Router, type Request, type Response } from 'express';
import { stringify } from 'yaml';

/**
 * The contract, published: each service serves its own spec as one self-contained document
 * (`/openapi/<name>.json` and `.yaml`, the shared components bundled in), and the service that
 * hosts the reference pages serves `/docs`: an index of the APIs and a Redoc page per spec,
 * rendered in the browser from our own copy of Redoc (no CDN, works offline). `/` leads there.
 */
export interface ApiDocsOptions {
  /** This service's spec: its name in URLs and the path of its YAML source. */
  spec: { name: string; path: string };
  /** The reference pages, on the service that hosts them. */
  pages?: {
    /** Every API shown on /docs (name → title); their specs are served by their services. */
    apis: Record<string, string>;
    /** The Redoc standalone bundle (redoc/bundles/redoc.standalone.js). */
    redocScript: string;
  };
}

/**
 * Only our own scripts; styles inline (Redoc renders with styled-components); Redoc's search
 * runs in a blob: worker; fetches only to this origin (the spec).
 */
const docsContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{margin:0;font-family:system-ui,sans-serif}main{max-width:40rem;margin:3rem auto;padding:0 1rem}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function sendPage(res: Response, html: string): void {
  res.set('Content-Security-Policy', docsContentSecurityPolicy).type('html').send(html);
}

/** The spec as one document: external references (the shared components) bundled in. */
function bundledSpec(path: string): () => Promise<{ json: string; yaml: string }> {
  let bundled: Promise<{ json: string; yaml: string }> | undefined;
  return () =>
    (bundled ??= bundle(path).then((document) => ({
      json: JSON.stringify(document),
      yaml: stringify(document, { aliasDuplicateObjects: false }),
    })));
}

export function apiDocsRouter({ spec, pages }: ApiDocsOptions): Router {
  const router = Router();
  const document = bundledSpec(spec.path);
  router.get(`/openapi/${spec.name}.json`, async (_req: Request, res: Response) => {
    res.type('json').send((await document()).json);
  });
  router.get(`/openapi/${spec.name}.yaml`, async (_req: Request, res: Response) => {
    res.type('application/yaml').send((await document()).yaml);
  });
  if (!pages) return router;

  router.get('/', (_req, res) => res.redirect(302, '/docs'));
  router.get('/docs', (_req, res) => {
    const links = Object.entries(pages.apis)
      .map(
        ([name, title]) =>
          `<li><a href="/docs/${escapeHtml(name)}">${escapeHtml(title)}</a> — ` +
          `<a href="/openapi/${escapeHtml(name)}.yaml">${escapeHtml(name)}.yaml</a>, ` +
          `<a href="/openapi/${escapeHtml(name)}.json">${escapeHtml(name)}.json</a></li>`,
      )
      .join('\n');
    sendPage(
      res,
      page('MyHotel API reference', `<main><h1>MyHotel API reference</h1>\n<ul>\n${links}\n</ul></main>`),
    );
  });
  let redoc: Promise<Buffer> | undefined;
  router.get('/docs/redoc.standalone.js', async (_req, res) => {
    redoc ??= readFile(pages.redocScript);
    res
      .set('Cache-Control', 'public, max-age=86400')
      .type('js')
      .send(await redoc);
  });
  for (const [name, title] of Object.entries(pages.apis)) {
    router.get(`/docs/${name}`, (_req, res) => {
      sendPage(
        res,
        page(
          title,
          `<redoc spec-url="/openapi/${escapeHtml(name)}.json"></redoc>\n<script src="/docs/redoc.standalone.js"></script>`,
        ),
      );
    });
  }
  return router;
}
