/**
 * `npm start`: runs Tabula on PORT (default 3000), embedded PGlite under TABULA_DATA_DIR
 * unless DATABASE_URL is set. Closes cleanly on SIGINT/SIGTERM (the embedded database
 * must be closed, not abandoned).
 *
 * TABULA_WORKERS=n (or `auto`, one per core) runs n API processes on one port with
 * node:cluster — only on a PostgreSQL server: the embedded database lives inside one
 * process. The first worker starts alone (migrations, the workspace row), then the others;
 * a worker that dies after the start is started again. What each process keeps in memory
 * is checked against the database on every request (docs/adr/0008-api-worker-processes.md).
 */
import cluster, { type Worker } from 'node:cluster';
import { createApp } from './app.js';
import { workersFromEnv } from './common/config.js';
import { DataDirLockedError } from './database/data-dir-lock.js';

/** Message a worker sends the primary once it listens. */
interface Listening {
  type: 'tabula:listening';
  url: string;
  database: string;
}

async function serve(): Promise<void> {
  let tabula;
  try {
    tabula = await createApp({ logLevel: (process.env.TABULA_LOG as never) ?? 'info' });
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      console.error(e.message);
      process.exit(3);
    }
    throw e;
  }
  const url = tabula.url.replace('127.0.0.1', 'localhost');
  if (cluster.isWorker) process.send!({ type: 'tabula:listening', url, database: tabula.db.kind } satisfies Listening);
  else
    console.log(
      `Tabula is running at ${url} (database: ${tabula.db.kind}${tabula.db.kind === 'pglite' ? `, data in ${tabula.config.dataDir}` : ''})`,
    );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!cluster.isWorker) console.log(`${signal}: closing…`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await tabula.close();
      process.exit(0);
    } catch (e) {
      console.error(e);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // the primary is gone: a worker must not linger holding connections
  if (cluster.isWorker) process.on('disconnect', () => void stop('disconnect'));
}

async function primary(n: number): Promise<void> {
  if (!process.env.DATABASE_URL) {
    console.error(
      `TABULA_WORKERS=${process.env.TABULA_WORKERS} needs a PostgreSQL server (DATABASE_URL): the embedded database lives inside one process and cannot be shared by several. Unset TABULA_WORKERS, or set DATABASE_URL.`,
    );
    process.exit(2);
  }
  const workers = new Map<number, Worker>();
  let stopping = false;
  /** A worker that died after the start comes back, again and again with a growing pause while it cannot start. */
  const restart = (index: number, delayMs: number) => {
    setTimeout(() => {
      if (stopping) return;
      fork(index).catch((e: Error) => {
        console.error(e.message);
        restart(index, Math.min(delayMs * 2, 30_000));
      });
    }, delayMs);
  };
  const fork = (index: number) =>
    new Promise<Listening>((resolve, reject) => {
      const w = cluster.fork({ TABULA_WORKER: String(index) });
      workers.set(index, w);
      let ready = false;
      w.on('message', (m: Listening) => {
        if (m?.type !== 'tabula:listening') return;
        ready = true;
        resolve(m);
      });
      w.on('exit', (code, signal) => {
        if (workers.get(index) === w) workers.delete(index);
        if (stopping) return;
        if (!ready) {
          reject(new Error(`worker ${index} exited while starting (${signal ?? code})`));
          return;
        }
        // a clean exit is a stop someone asked for (Ctrl-C reaches the whole process group)
        if (code === 0) return;
        console.error(`worker ${index} exited (${signal ?? code}); starting it again`);
        restart(index, 1000);
      });
    });
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing ${workers.size} workers…`);
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    const exits = [...workers.values()].map((w) => new Promise((r) => (w.isDead() ? r(undefined) : w.once('exit', r))));
    for (const w of workers.values()) if (!w.isDead()) w.process.kill('SIGTERM');
    await Promise.all(exits);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  try {
    // one worker first: it runs the migrations and creates the workspace row alone
    const first = await fork(1);
    await Promise.all(Array.from({ length: n - 1 }, (_, i) => fork(i + 2)));
    console.log(`Tabula is running at ${first.url} (database: ${first.database}, ${n} worker processes)`);
  } catch (e) {
    console.error((e as Error).message);
    stopping = true;
    for (const w of workers.values()) if (!w.isDead()) w.process.kill('SIGTERM');
    process.exit(1);
  }
}

async function main(): Promise<void> {
  let n: number;
  try {
    n = workersFromEnv(process.env);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  if (cluster.isPrimary && n > 1) return primary(n);
  return serve();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
