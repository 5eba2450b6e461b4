/**
 * The one door to PostgreSQL, embedded (PGlite) or server (pg). TypeORM owns the
 * connection and runs the versioned migrations; requests use parameterised SQL through
 * `query` and `tx` (docs/adr/0002-data-access.md, docs/adr/0003-embedded-database.md).
 *
 * PGlite has one session shared by everything in the process (STACK trap 1), so on PGlite
 * every statement and every transaction holds a mutex for its whole duration: a
 * transaction's statements can never interleave with another request's. On the server
 * each transaction takes its own pooled connection. Deadlocks and serialisation failures
 * retry the whole transaction.
 */
import 'reflect-metadata';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { PGliteDriver, getPGliteInstance } from 'typeorm-pglite';
import type { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg, { type Pool, type PoolClient } from 'pg';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { MIGRATIONS } from './migrations/index.js';

export interface Sql {
  query<T = Record<string, any>>(text: string, values?: unknown[]): Promise<T[]>;
  /** Number of rows a statement changed. */
  exec(text: string, values?: unknown[]): Promise<number>;
}

export type DbKind = 'pglite' | 'postgres';

export interface OpenOptions {
  databaseUrl?: string;
  /** PGlite folder, or `memory://` for an in-memory database (tests). */
  dataDir: string;
  poolSize?: number;
}

/** A FIFO mutex: on PGlite the one session is held by one holder at a time. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  async lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const prev = this.tail;
    this.tail = prev.then(() => next);
    await prev;
    return release;
  }
}

const RETRYABLE = new Set(['40P01', '40001']);

export class Database implements Sql {
  private readonly mutex = new Mutex();
  private static pgliteOpen = false;
  /**
   * The transaction of the current async context: a `query` made while a transaction is
   * open in the same request joins it (on PGlite, waiting for the mutex the transaction
   * holds would deadlock; on a server it would read outside the transaction).
   */
  private readonly current = new AsyncLocalStorage<Sql>();
  private closed = false;

  private constructor(
    readonly kind: DbKind,
    readonly dataSource: DataSource,
    private readonly pglite: PGlite | undefined,
    private readonly pool: Pool | undefined,
    private readonly lock: DataDirLock | undefined,
  ) {}

  static async open(opts: OpenOptions): Promise<Database> {
    if (opts.databaseUrl) {
      const ds = new DataSource({
        type: 'postgres',
        url: opts.databaseUrl,
        migrations: MIGRATIONS,
        migrationsTableName: 'tabula_migrations',
        synchronize: false,
        poolSize: opts.poolSize ?? 10,
        logging: false,
      });
      await ds.initialize();
      await ds.runMigrations({ transaction: 'each' });
      const pool = (ds.driver as unknown as { master: Pool }).master;
      return new Database('postgres', ds, undefined, pool, undefined);
    }
    // typeorm-pglite keeps one PGlite per process: a second open would silently share it
    if (Database.pgliteOpen) throw new Error('An embedded database is already open in this process; close it first');
    let lock: DataDirLock | undefined;
    if (!opts.dataDir.startsWith('memory://')) {
      mkdirSync(opts.dataDir, { recursive: true });
      lock = lockDataDir(opts.dataDir);
    }
    try {
      const dataDir = opts.dataDir.startsWith('memory://') ? opts.dataDir : `${opts.dataDir}/pg`;
      const ds = new DataSource({
        type: 'postgres',
        driver: new PGliteDriver({ dataDir, extensions: { pg_trgm } } as never).driver,
        migrations: MIGRATIONS,
        migrationsTableName: 'tabula_migrations',
        synchronize: false,
        logging: false,
      });
      await ds.initialize();
      await ds.runMigrations({ transaction: 'each' });
      const pglite = (await getPGliteInstance()) as unknown as PGlite;
      Database.pgliteOpen = true;
      return new Database('pglite', ds, pglite, undefined, lock);
    } catch (e) {
      lock?.release();
      throw e;
    }
  }

  /** Runs `fn` outside any enclosing transaction of the current async context. */
  outside<T>(fn: () => T): T {
    return this.current.exit(fn);
  }

  /**
   * `opts.name` makes a hot statement a named prepared statement on the server: each pooled
   * connection parses and plans it once (the text must be the same for a name; a generic
   * plan must suit every parameter — keep it to point lookups). Ignored on PGlite and
   * inside a transaction.
   */
  async query<T = Record<string, any>>(text: string, values: unknown[] = [], opts: { name?: string } = {}): Promise<T[]> {
    const joined = this.current.getStore();
    if (joined) return joined.query<T>(text, values);
    if (opts.name && this.pool) return (await this.pool.query({ name: opts.name, text, values: values as unknown[] })).rows as T[];
    if (this.pglite) {
      const release = await this.mutex.lock();
      try {
        return (await this.pglite.query<T>(text, values)).rows;
      } finally {
        release();
      }
    }
    return (await this.pool!.query(text, values as unknown[])).rows as T[];
  }

  async exec(text: string, values: unknown[] = []): Promise<number> {
    const joined = this.current.getStore();
    if (joined) return joined.exec(text, values);
    if (this.pglite) {
      const release = await this.mutex.lock();
      try {
        return (await this.pglite.query(text, values)).affectedRows ?? 0;
      } finally {
        release();
      }
    }
    return (await this.pool!.query(text, values as unknown[])).rowCount ?? 0;
  }

  /**
   * Runs `fn` in one transaction, retrying it on a deadlock or serialisation failure.
   * `fn` must do all its reads inside (never rely on values read before).
   */
  async tx<T>(fn: (sql: Sql) => Promise<T>, opts: { retries?: number } = {}): Promise<T> {
    const joined = this.current.getStore();
    if (joined) return fn(joined); // nested: part of the enclosing transaction
    const retries = opts.retries ?? 8;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.txOnce(fn);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code && RETRYABLE.has(code) && attempt < retries) {
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
          continue;
        }
        throw e;
      }
    }
  }

  private async txOnce<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    if (this.pglite) {
      const db = this.pglite;
      const release = await this.mutex.lock();
      try {
        await db.exec('BEGIN');
        const sql: Sql = {
          query: async <R>(text: string, values: unknown[] = []) => (await db.query<R>(text, values)).rows,
          exec: async (text: string, values: unknown[] = []) => (await db.query(text, values)).affectedRows ?? 0,
        };
        try {
          const result = await this.current.run(sql, () => fn(sql));
          await db.exec('COMMIT');
          return result;
        } catch (e) {
          await db.exec('ROLLBACK').catch(() => undefined);
          throw e;
        }
      } finally {
        release();
      }
    }
    const client: PoolClient = await this.pool!.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const sql: Sql = {
        query: async <R>(text: string, values: unknown[] = []) => (await client.query(text, values as unknown[])).rows as R[],
        exec: async (text: string, values: unknown[] = []) => (await client.query(text, values as unknown[])).rowCount ?? 0,
      };
      try {
        const result = await this.current.run(sql, () => fn(sql));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw e;
      }
    } finally {
      client.release(broken);
    }
  }

  /**
   * Runs `fn` only if no other process holds the lock named `key` (a session advisory lock
   * on a connection of its own, outside the pool, so that `fn` — which runs its statements
   * through the pool, CREATE INDEX CONCURRENTLY included — never waits for the connection
   * the lock holds, whatever the pool's size).
   * Returns undefined, without running `fn`, when another process holds it. On PGlite, one
   * process owns the database: `fn` just runs.
   */
  async exclusive<T>(key: string, fn: () => Promise<T>): Promise<{ value: T } | undefined> {
    if (!this.pool) return { value: await fn() };
    // closing the connection releases the lock, also when the unlock could not be sent
    const client = new pg.Client((this.pool as unknown as { options: pg.ClientConfig }).options);
    await client.connect();
    try {
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [key]);
      if (!rows[0]?.ok) return undefined;
      return { value: await this.outside(fn) };
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Copies the embedded database's folder into a tar.gz (the backup command). */
  async dumpDataDir(): Promise<Blob | File> {
    if (!this.pglite) throw new Error('dumpDataDir is for the embedded database; use pg_dump on a server');
    const release = await this.mutex.lock();
    try {
      return await this.pglite.dumpDataDir('gzip');
    } finally {
      release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const release = await this.mutex.lock();
    try {
      await this.dataSource.destroy();
    } finally {
      if (this.pglite) Database.pgliteOpen = false;
      release();
      this.lock?.release();
    }
  }
}
