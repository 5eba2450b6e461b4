/** Settings from the environment, read once. */
import { randomBytes } from 'node:crypto';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface AppConfig {
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  secret: string | undefined;
  /** Directory of the built designer app to serve, if present. */
  webDir: string | undefined;
  /** Session lifetime in hours. */
  sessionHours: number;
  /** Maximum JSON body size in bytes. */
  bodyLimit: number;
  /** Run background jobs (index builder, snapshots) in this process. */
  jobs: boolean;
  /** Daily snapshots of the embedded database (kept `snapshotKeep` days). */
  snapshots: boolean;
  snapshotKeep: number;
  logLevel: 'silent' | 'error' | 'info';
  /** Attachment files (content-addressed); TABULA_ATTACHMENTS_DIR, default `<dataDir>/attachments`, a temp folder for `memory://`. */
  attachmentsDir: string;
  /** This process's number (1…n) when it is one of TABULA_WORKERS processes, else undefined. */
  worker: number | undefined;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<AppConfig> = {}): AppConfig {
  const port = Number(env.PORT ?? 3000);
  const config: Omit<AppConfig, 'attachmentsDir'> & Partial<AppConfig> = {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: resolve(env.TABULA_DATA_DIR ?? './data'),
    port: Number.isInteger(port) && port >= 0 ? port : 3000,
    host: env.HOST ?? '0.0.0.0',
    secret: env.TABULA_SECRET,
    webDir: env.TABULA_WEB_DIR,
    sessionHours: Number(env.TABULA_SESSION_HOURS ?? 24 * 7),
    bodyLimit: Number(env.TABULA_BODY_LIMIT ?? 2 * 1024 * 1024),
    jobs: env.TABULA_JOBS !== 'off',
    snapshots: env.TABULA_SNAPSHOTS !== 'off',
    snapshotKeep: Number(env.TABULA_SNAPSHOT_KEEP ?? 7),
    logLevel: (env.TABULA_LOG as AppConfig['logLevel']) ?? 'error',
    worker: Number(env.TABULA_WORKER) > 0 ? Number(env.TABULA_WORKER) : undefined,
    ...overrides,
  };
  return { ...config, attachmentsDir: config.attachmentsDir ?? attachmentsDirFor(env, config.dataDir) };
}

/** An in-memory database gets a throw-away folder of its own (removed on close, see AttachmentStorage). */
function attachmentsDirFor(env: NodeJS.ProcessEnv, dataDir: string): string {
  if (env.TABULA_ATTACHMENTS_DIR) return resolve(env.TABULA_ATTACHMENTS_DIR);
  if (dataDir.startsWith('memory://')) return join(tmpdir(), `tabula-attachments-${process.pid}-${randomBytes(4).toString('hex')}`);
  return join(dataDir, 'attachments');
}

/**
 * TABULA_WORKERS: the number of API processes (node:cluster, see main.ts). `auto` is one
 * per core on a PostgreSQL server and 1 on the embedded database; unset is 1.
 */
export function workersFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.TABULA_WORKERS?.trim();
  if (!v) return 1;
  if (v === 'auto') return env.DATABASE_URL ? availableParallelism() : 1;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new Error(`TABULA_WORKERS must be a whole number from 1 to 64, or "auto" (got ${JSON.stringify(v.slice(0, 20))})`);
  return n;
}
