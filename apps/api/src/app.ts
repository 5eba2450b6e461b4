/**
 * Builds a running Tabula API: opens the database (PGlite or a server), runs migrations,
 * creates the Nest app on Fastify under /api, serves the designer's build on the same
 * port, and returns a handle with a clean `close()`. Used by main.ts and by the tests.
 */
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import fastifyStatic from '@fastify/static';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppModule } from './app.module.js';
import { configFromEnv, type AppConfig } from './common/config.js';
import { Database } from './database/database.js';
import { WorkspaceService } from './workspace/workspace.service.js';
import { IndexAdvisor } from './jobs/index-advisor.service.js';
import { JobsService } from './jobs/jobs.service.js';
import { SnapshotService } from './backup/snapshot.service.js';
import { MAX_FILES_PER_UPLOAD } from './attachments/attachments.service.js';
import { raiseBulkBodyLimit } from './records/bulk-body-limit.js';
import { inputCheckOptions, refuseUnstorableText } from './common/input-checks.js';
export { writeSnapshot, listSnapshots } from './backup/snapshot.js';

export { configFromEnv, type AppConfig } from './common/config.js';
export { Database } from './database/database.js';
export { DataDirLockedError, lockDataDir } from './database/data-dir-lock.js';

export interface TabulaApp {
  app: NestFastifyApplication;
  db: Database;
  config: AppConfig;
  /** Base URL once listening, e.g. http://127.0.0.1:3000 */
  url: string;
  close(): Promise<void>;
}

function defaultWebDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidate = resolve(here, '../../designer/build');
  return existsSync(join(candidate, 'index.html')) ? candidate : undefined;
}

export async function createApp(overrides: Partial<AppConfig> = {}, opts: { listen?: boolean } = {}): Promise<TabulaApp> {
  const config = configFromEnv(process.env, overrides);
  // TABULA_DB_POOL: connections per API process on a server (default 10)
  const poolSize = Number(process.env.TABULA_DB_POOL) > 0 ? Math.min(Number(process.env.TABULA_DB_POOL), 100) : undefined;
  const db = await Database.open({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize });
  try {
    const adapter = new FastifyAdapter({
      bodyLimit: config.bodyLimit,
      trustProxy: false,
      routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
      ...inputCheckOptions,
    } as never);
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(db, config), adapter, {
      logger: config.logLevel === 'silent' ? false : config.logLevel === 'info' ? ['log', 'warn', 'error'] : ['error', 'warn'],
      abortOnError: false,
    });
    app.setGlobalPrefix('api');
    const fastify = app.getHttpAdapter().getInstance();
    raiseBulkBodyLimit(fastify as never, config.bodyLimit);
    refuseUnstorableText(fastify as never);
    if (config.worker !== undefined) {
      // which of the TABULA_WORKERS processes answered (operations, and the tests of that mode)
      const worker = String(config.worker);
      fastify.addHook('onRequest', (_req: FastifyRequest, reply: FastifyReply, done: () => void) => {
        reply.header('x-tabula-worker', worker);
        done();
      });
    }
    // body-parser errors (malformed JSON, too large) reach Nest's handler and our filter
    // Attachments stream multipart bodies (the JSON bodyLimit does not apply); the route sets each field's maxSize.
    await app.register(fastifyMultipart as never, {
      limits: {
        fileSize: 100 * 1024 * 1024,
        files: MAX_FILES_PER_UPLOAD,
        fields: 20,
        fieldSize: 64 * 1024,
        parts: MAX_FILES_PER_UPLOAD + 20,
        headerPairs: 100,
      },
    });
    const webDir = config.webDir ?? defaultWebDir();
    if (webDir) {
      const indexHtml = readFileSync(join(webDir, 'index.html'));
      await fastify.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: false });
      fastify.get('/', (_req: FastifyRequest, reply: FastifyReply) => reply.type('text/html; charset=utf-8').send(indexHtml));
      // client-side routes of the single-page app
      fastify.get('/*', (req: FastifyRequest, reply: FastifyReply) => {
        if (req.url.toLowerCase().startsWith('/api')) return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'Not found' } });
        return reply.type('text/html; charset=utf-8').send(indexHtml);
      });
    }
    const doc = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Tabula API')
        .setDescription('The v1 HTTP API of Tabula. Errors: {"error":{"code","message","details"}}.')
        .setVersion('1')
        .addBearerAuth()
        .build(),
    );
    SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs/json' });
    await app.init();
    await app.get(WorkspaceService).init();
    app.get(IndexAdvisor).start();
    await app.get(JobsService).start();
    app.get(SnapshotService).start();
    let url = '';
    if (opts.listen !== false) {
      await app.listen(config.port, config.host);
      const addr = fastify.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      url = `http://127.0.0.1:${port}`;
    }
    let closing: Promise<void> | undefined;
    return {
      app,
      db,
      config,
      url,
      close() {
        closing ??= (async () => {
          await app.close();
          await db.close();
        })();
        return closing;
      },
    };
  } catch (e) {
    await db.close();
    throw e;
  }
}
