/**
 * The create route takes up to MAX_BATCH_IDS records with `?return=ids` (about 300–800
 * bytes each as JSON): it gets a larger body limit than the rest of the API, which keeps
 * the configured one. Must be installed before the routes are registered.
 */
import type { FastifyInstance } from 'fastify';

export const BULK_BODY_LIMIT = 8 * 1024 * 1024;

export function raiseBulkBodyLimit(fastify: FastifyInstance, base: number): void {
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.includes('POST') && /^\/api\/tables\/:table\/records\/?$/.test(route.url)) route.bodyLimit = Math.max(base, BULK_BODY_LIMIT);
  });
}
