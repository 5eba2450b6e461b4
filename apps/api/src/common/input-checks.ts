/**
 * Malformed input is refused at the edge, in the error form, before any service sees it.
 *
 * - U+0000 anywhere in a request (JSON body, keys included; query string; route params):
 *   PostgreSQL stores no NUL in text or jsonb (22P05 / 22021), so a NUL that reached a
 *   query, a filter or a stored value would surface as a 500 — or, worse, be written
 *   half-way. Likewise half of a UTF-16 surrogate pair (`"\ud800"` in JSON): not Unicode,
 *   stored as U+FFFD in text and refused in jsonb. One check of the parsed values here
 *   covers every route, present and future; the error filter's translation of those
 *   PostgreSQL codes is only the second line.
 * - Requests that Fastify's router or Node's HTTP parser refuse before any route runs (a
 *   malformed %-escape, an over-long path parameter, a URL plus headers over Node's 16 KB,
 *   a request that cannot be parsed) are answered by those layers in their own JSON shape;
 *   `frameworkErrors` and `clientErrorHandler` make them answer in ours.
 */
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@tabula/schema-engine';
import { toErrorResponse } from './error-filter.js';

/** U+0000, or a lone surrogate. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A path to a value, built only when one is found (bodies may hold 10,000 records). */
interface Step {
  key: string | number;
  parent: Step | undefined;
}

function describe(root: string, step: Step | undefined): string {
  const parts: string[] = [];
  for (let s = step; s; s = s.parent)
    parts.push(typeof s.key === 'number' ? `[${s.key}]` : `.${JSON.stringify(s.key).slice(1, -1).slice(0, 40)}`);
  return root + parts.reverse().join('');
}

/**
 * Where the first text that cannot be stored is in `value` (`body.data.name`, `query.q`),
 * and that text. Iterative, so a body nested thousands of levels deep cannot overflow the
 * stack here (depth itself is refused later, by each body's own validation).
 */
export function findUnstorableText(value: unknown, root: string): { where: string; text: string } | undefined {
  const stack: [unknown, Step | undefined][] = [[value, undefined]];
  while (stack.length) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) return { where: describe(root, at), text: v };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], { key: i, parent: at }]);
    } else if (typeof v === 'object' && v !== null) {
      const keys = Object.keys(v);
      for (const k of keys) if (UNSTORABLE.test(k)) return { where: describe(root, { key: k, parent: at }), text: k };
      // pushed last to first, so the first one in the document is reported
      for (let i = keys.length - 1; i >= 0; i--) stack.push([(v as Record<string, unknown>)[keys[i]!], { key: keys[i]!, parent: at }]);
    }
  }
  return undefined;
}

/**
 * The query string, and the JSON text it carries (`filter`): there a NUL is still the escape
 * `\u0000` until the route parses it, so such a value is parsed here too.
 */
function findInQuery(query: unknown): { where: string; text: string } | undefined {
  const found = findUnstorableText(query, 'query');
  if (found || typeof query !== 'object' || query === null) return found;
  for (const [k, v] of Object.entries(query)) {
    if (typeof v !== 'string' || !v.includes('\\u') || !/^\s*[[{"]/.test(v)) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      continue; // not JSON: the route refuses it in its own words
    }
    const inner = findUnstorableText(parsed, `query.${k}`);
    if (inner) return inner;
  }
  return undefined;
}

function sendError(reply: FastifyReply, e: unknown): void {
  const { status, body } = toErrorResponse(e);
  void reply.code(status).send(body);
}

/** Refuses, with 400 VALIDATION_FAILED naming the place, any request that carries text PostgreSQL cannot store. */
export function refuseUnstorableText(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const found = findUnstorableText(req.params, 'params') ?? findInQuery(req.query) ?? findUnstorableText(req.body, 'body');
    if (!found) return done();
    const [code, message] = found.text.includes('\u0000')
      ? ['NUL_CHARACTER', 'contains the character U+0000 (NUL), which cannot be stored']
      : ['INVALID_UNICODE', 'contains half of a UTF-16 surrogate pair, which is not Unicode text'];
    sendError(reply, new DomainError('VALIDATION_FAILED', `${found.where} ${message}`, { [found.where]: { code, message } }));
  });
}

/** Fastify's router refusals (before any hook runs), in the error form. */
function frameworkErrors(error: Error & { code?: string }, _req: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_BAD_URL') {
    const message = 'a %-escape in the path is not valid UTF-8';
    return sendError(
      reply,
      new DomainError('VALIDATION_FAILED', `The URL is malformed: ${message}`, { url: { code: 'MALFORMED_URL', message } }),
    );
  }
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return sendError(reply, new DomainError('URI_TOO_LONG', 'A part of the URL path is too long (at most 500 characters)'));
  }
  sendError(reply, error);
}

/** Node's HTTP parser refusals: no request object exists yet, so the answer is written to the socket. */
function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const e =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new DomainError(
          'HEADERS_TOO_LARGE',
          'The URL and headers are too large (16 KB in all); send a large filter in the body of POST …/records/query',
        )
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new DomainError('REQUEST_TIMEOUT', 'The request took too long to arrive')
        : new DomainError('VALIDATION_FAILED', 'The HTTP request is malformed', {
            request: { code: 'MALFORMED_REQUEST', message: 'could not be parsed as HTTP' },
          });
  const { status, body } = toErrorResponse(e);
  const json = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy(err);
}

/** Options for the Fastify instance (see app.ts). */
export const inputCheckOptions = { frameworkErrors, clientErrorHandler };
