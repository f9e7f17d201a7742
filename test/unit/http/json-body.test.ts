import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { jsonBody } from '../../../src/http/json-body.js';

const LIMIT = 1024;

interface Sent {
  readonly headers: Record<string, string>;
  readonly body: Buffer | string;
  /** Sent without Content-Length, in two pieces. */
  readonly chunked?: boolean;
}

interface Answer {
  readonly status: number;
  readonly text: string;
}

/** An app that answers with what the parser left in `req.body`, or with the error's status and type. */
function echoApp(parser: RequestHandler): express.Express {
  const app = express();
  app.post('/', parser, (req, res) => {
    res.json({ body: req.body as unknown });
  });
  const errors: ErrorRequestHandler = (error: { status?: number; type?: string }, _req, res, _next) => {
    res.status(error.status ?? 500).json({ type: error.type });
  };
  app.use(errors);
  return app;
}

async function listen(app: express.Express): Promise<{ server: Server; port: number }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function send(port: number, sent: Sent): Promise<Answer> {
  const body = typeof sent.body === 'string' ? Buffer.from(sent.body) : sent.body;
  const headers = sent.chunked ? sent.headers : { 'content-length': String(body.length), ...sent.headers };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (sent.chunked) {
      req.write(body.subarray(0, 3));
      req.end(body.subarray(3));
    } else req.end(body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** Requests of every kind, each answered by the short path and by body-parser alike. */
const CASES: Record<string, Sent> = {
  'a GraphQL request': { headers: JSON_TYPE, body: '{"query":"{ me { id } }","variables":{"a":[1,"é"]}}' },
  'a UTF-8 charset': { headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"a":"ü"}' },
  'an upper-case type': { headers: { 'content-type': 'Application/JSON;charset=UTF-8' }, body: '[1,2]' },
  'leading whitespace': { headers: JSON_TYPE, body: ' \n\t{"a":1}' },
  'a byte-order mark': { headers: JSON_TYPE, body: '\ufeff{"a":1}' },
  'an empty body': { headers: JSON_TYPE, body: '' },
  'a number at the top': { headers: JSON_TYPE, body: '42' },
  'a string at the top': { headers: JSON_TYPE, body: '"x"' },
  'malformed JSON': { headers: JSON_TYPE, body: '{"query": ' },
  'a body over the limit': { headers: JSON_TYPE, body: `{"a":"${'x'.repeat(LIMIT)}"}` },
  'a body at the limit': { headers: JSON_TYPE, body: `{"a":"${'x'.repeat(LIMIT - 8)}"}` },
  'a gzip-compressed body': {
    headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
    body: gzipSync('{"a":1}'),
  },
  'a chunked body': { headers: JSON_TYPE, body: '{"a":"chunked"}', chunked: true },
  'a UTF-16 charset': {
    headers: { 'content-type': 'application/json; charset=utf-16le' },
    body: Buffer.from('{"a":1}', 'utf16le'),
  },
  'an unsupported charset': { headers: { 'content-type': 'application/json; charset=latin1' }, body: '{}' },
  'another media type': { headers: { 'content-type': 'text/plain' }, body: '{"a":1}' },
};

describe('jsonBody', () => {
  let shortPath: { server: Server; port: number };
  let bodyParser: { server: Server; port: number };
  const delegated: string[] = [];

  beforeAll(async () => {
    const general = express.json({ limit: LIMIT });
    const spy: RequestHandler = (req, res, next) => {
      delegated.push(String(req.headers['x-case']));
      general(req, res, next);
    };
    shortPath = await listen(echoApp(jsonBody({ limitBytes: LIMIT, general: spy })));
    bodyParser = await listen(echoApp(express.json({ limit: LIMIT })));
  });

  afterAll(async () => {
    for (const { server } of [shortPath, bodyParser]) await new Promise((resolve) => server.close(resolve));
  });

  it.each(Object.keys(CASES))('answers %s exactly as body-parser does', async (name) => {
    const sent = CASES[name]!;
    const ours = await send(shortPath.port, { ...sent, headers: { ...sent.headers, 'x-case': name } });
    const theirs = await send(bodyParser.port, sent);
    expect(ours).toEqual(theirs);
  });

  it('reads plain JSON itself and hands every other request to body-parser', async () => {
    delegated.length = 0;
    for (const [name, sent] of Object.entries(CASES))
      await send(shortPath.port, { ...sent, headers: { ...sent.headers, 'x-case': name } });
    expect(new Set(delegated)).toEqual(
      new Set([
        'a body over the limit',
        'a gzip-compressed body',
        'a chunked body',
        'a UTF-16 charset',
        'an unsupported charset',
        'another media type',
      ]),
    );
  });

  it('parses a plain request into req.body and refuses malformed JSON as entity.parse.failed', async () => {
    const parsed = await send(shortPath.port, CASES['a GraphQL request']!);
    expect(JSON.parse(parsed.text)).toEqual({ body: { query: '{ me { id } }', variables: { a: [1, 'é'] } } });
    const malformed = await send(shortPath.port, CASES['malformed JSON']!);
    expect(malformed).toEqual({ status: 400, text: JSON.stringify({ type: 'entity.parse.failed' }) });
  });

  it('survives a client that hangs up mid-body, and goes on answering', async () => {
    await new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port: shortPath.port,
        method: 'POST',
        path: '/',
        headers: { ...JSON_TYPE, 'content-length': '100' },
      });
      req.on('error', () => resolve());
      req.write('{"a":', () => req.destroy());
      req.on('close', () => resolve());
    });
    const after = await send(shortPath.port, CASES['a GraphQL request']!);
    expect(after.status).toBe(200);
  });
});
