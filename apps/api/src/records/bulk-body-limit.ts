/**
 * The create route takes up to MAX_BATCH_IDS records with `?return=ids` (about 300–800
 * bytes each as JSON): that form gets a larger body limit than the rest of the API; every
 * other request to the route keeps the configured one (413 beyond it, as before). Must be
 * installed before the routes are registered.
 */
import { Transform } from 'node:stream';
import type { FastifyInstance, FastifyRequest, onRouteHookHandler, preParsingHookHandler } from 'fastify';

export const BULK_BODY_LIMIT = 8 * 1024 * 1024;

function tooLarge(): Error {
  return Object.assign(new Error('The request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
}

function isBulk(req: FastifyRequest): boolean {
  return (req.query as Record<string, unknown> | undefined)?.return === 'ids';
}

export function raiseBulkBodyLimit(fastify: FastifyInstance, base: number): void {
  const bulk = Math.max(base, BULK_BODY_LIMIT);
  if (bulk === base) return;
  const keepBase: preParsingHookHandler = async (req, _reply, payload) => {
    if (isBulk(req)) return payload;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > base) throw tooLarge();
    let seen = 0;
    return payload.pipe(
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          seen += chunk.length;
          done(seen > base ? tooLarge() : null, chunk);
        },
      }),
    ) as never;
  };
  const onRoute: onRouteHookHandler = (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes('POST') || !/^\/api\/tables\/:table\/records\/?$/.test(route.url)) return;
    route.bodyLimit = bulk;
    const before = route.preParsing ? (Array.isArray(route.preParsing) ? route.preParsing : [route.preParsing]) : [];
    route.preParsing = [...before, keepBase];
  };
  fastify.addHook('onRoute', onRoute);
}
