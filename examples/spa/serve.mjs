// Serves the SPA example on its own port: a different origin from the API, but the same site (same host name), so
// the browser sends the SameSite=Lax session cookie on `fetch(..., { credentials: 'include' })`.
//
//   node examples/spa/serve.mjs [--port 5173] [--host 127.0.0.1]
//
// Only index.html, style.css, the compiled dist/*.js and the /vendor/ files below are served; everything else is 404.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('.', import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};
const SERVED = /^\/(?:index\.html|style\.css|dist\/[\w-]+\.js(?:\.map)?)$/;

// qrcode-generator's ES module build draws the TOTP QR code in the page (no bundler here). One fixed file, read
// once at start from node_modules: no request path ever reaches the file system outside this folder.
const fromModules = (path) =>
  readFileSync(fileURLToPath(new URL(`../../node_modules/${path}`, import.meta.url)));
const VENDOR = {
  '/vendor/qrcode.js': fromModules('qrcode-generator/dist/qrcode.mjs'),
  ...graphqlWs(),
};

/**
 * graphql-ws's browser build (its `browser` export, dist/client.js) is an ES module with no bare imports: it only
 * imports one shared chunk of its own folder, whose hashed name changes between releases. Both are served from
 * /vendor/, so the chunk's relative import resolves there; a release that imports anything else fails here, at start.
 */
function graphqlWs() {
  const client = fromModules('graphql-ws/dist/client.js');
  const imports = [...client.toString().matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gm)].map(
    (m) => m[1],
  );
  const chunks = [...new Set(imports)];
  if (chunks.length !== 1 || !/^\.\/[\w-]+\.js$/.test(chunks[0]))
    throw new Error(`graphql-ws/dist/client.js imports ${chunks.join(', ')}: expected one ./<chunk>.js`);
  const chunk = chunks[0].slice(2);
  return { '/vendor/graphql-ws.js': client, [`/vendor/${chunk}`]: fromModules(`graphql-ws/dist/${chunk}`) };
}

// The page only talks to itself and to an API on a local origin; no inline script, no third parties.
const CSP = [
  "default-src 'self'",
  "connect-src 'self' http://localhost:* http://127.0.0.1:* ws://localhost:* ws://127.0.0.1:*",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const { values } = parseArgs({
  options: { port: { type: 'string', default: '5173' }, host: { type: 'string', default: '127.0.0.1' } },
});

const server = createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  // The pages the mailed links open (APP_URL/<page>?token=…) are this one page, which reads the token.
  const file = ['/', '/verify-email', '/reset-password', '/confirm-email'].includes(path)
    ? '/index.html'
    : path;
  if (path === '/favicon.ico') {
    res.writeHead(204).end(); // no icon, and no 404 in the console
    return;
  }
  const vendored = Object.hasOwn(VENDOR, path) ? VENDOR[path] : undefined;
  if ((req.method !== 'GET' && req.method !== 'HEAD') || (!vendored && !SERVED.test(file))) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  try {
    const body = vendored ?? (await readFile(join(root, file)));
    res.writeHead(200, {
      'content-type': TYPES[extname(file)],
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      // A link's token is in the URL: it must not leave in a Referer header.
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    const hint = file.startsWith('/dist/') ? ' (run `npm run examples:spa:build` first)' : '';
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found${hint}`);
  }
});

server.listen(Number(values.port), values.host, () => {
  const { port } = server.address();
  const origin = `http://${values.host}:${port}`;
  // The first line is read by test/e2e/spa.test.ts to learn the port.
  process.stdout.write(`SPA listening on ${origin}/\n`);
  process.stdout.write(
    `Open ${origin}/?api=http://${values.host}:4000/graphql (the API must share the host name)\n`,
  );
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
