import express, { type RequestHandler } from 'express';

/** What body-parser's errors carry and httpErrorHandler reads: a status and a machine-readable type. */
class MalformedBody extends Error {
  readonly status = 400;
  readonly type = 'entity.parse.failed';
}

/**
 * Parses a GraphQL request's JSON body into `req.body` as `express.json({ limit })` does, with a short path for the
 * request every client sends: `Content-Type: application/json` (optionally `; charset=utf-8`), a Content-Length
 * within the limit, no Content-Encoding or Transfer-Encoding. That request is read with one `data` and one `end`
 * listener and handed to `JSON.parse`. body-parser reads it through raw-body's five stream listeners, a
 * finished-request watcher, a media-type parser, a charset decoder and an async-context wrapper: the short path
 * made `me` 3–5 % faster (issue 17, BENCHMARKS.md; measured before express-server.ts, when each of those steps also
 * paid for the request's unshared hidden class).
 *
 * Everything else — other charsets, compressed or chunked bodies, other media types, a declared length over the
 * limit — goes to `general` (express.json), so what is accepted and refused stays body-parser's: the short path
 * parses as its strict mode does (an object or an array at the top, an empty body is `{}`, a leading byte-order mark
 * is dropped) and a body it cannot parse is the same 400 `entity.parse.failed`. One difference: a client that hangs
 * up mid-body is not reported as a server error (body-parser's `request.aborted`); there is no one left to answer.
 */
export function jsonBody(options: {
  readonly limitBytes: number;
  /** Takes every request the short path does not; tests pass a spy. */
  readonly general?: RequestHandler;
}): RequestHandler {
  const { limitBytes } = options;
  const general = options.general ?? express.json({ limit: limitBytes });
  return (req, res, next) => {
    const headers = req.headers;
    const declared = headers['content-length'];
    const length = declared === undefined ? NaN : Number(declared);
    if (
      !(length <= limitBytes) ||
      headers['content-encoding'] !== undefined ||
      headers['transfer-encoding'] !== undefined ||
      !isPlainJson(headers['content-type'])
    )
      return general(req, res, next);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
      let body: unknown;
      try {
        body = parseStrict(text);
      } catch {
        return next(new MalformedBody('malformed JSON body'));
      }
      req.body = body;
      next();
    });
    // A client that hangs up mid-body: Node destroys the request, 'end' never comes and nothing is answered (Node
    // emits the request's 'error' only to listeners, so none is needed here).
  };
}

/** `application/json`, with no parameter or only a UTF-8 charset: the requests the short path reads. */
function isPlainJson(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType.length > 31) return false;
  const type = contentType.toLowerCase();
  return (
    type === 'application/json' ||
    type === 'application/json; charset=utf-8' ||
    type === 'application/json;charset=utf-8'
  );
}

/** body-parser's strict mode: an object or an array at the top; an empty body is `{}`. */
function parseStrict(text: string): unknown {
  const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (json.length === 0) return {};
  const first = json.trimStart()[0];
  if (first !== '{' && first !== '[') throw new SyntaxError('not a JSON object or array');
  return JSON.parse(json);
}
