#!/usr/bin/env node
/**
 * `npm run restore -- <snapshot.tar.gz>`: puts a snapshot back as the embedded database.
 * The current database folder is kept beside it as pg.before-restore-<time>.
 * The server must be stopped.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { DataDirLockedError, lockDataDir } from '@tabula/api';

const file = process.argv[2];
if (!file || !existsSync(file)) {
  console.error('Usage: npm run restore -- <path to a tabula-*.tar.gz snapshot>');
  process.exit(2);
}
const dataDir = resolve(process.env.TABULA_DATA_DIR ?? './data');
let lock;
try {
  lock = lockDataDir(dataDir);
} catch (e) {
  if (e instanceof DataDirLockedError) {
    console.error(e.message);
    process.exit(3);
  }
  throw e;
}
try {
  const pgDir = join(dataDir, 'pg');
  if (existsSync(pgDir)) {
    const aside = `${pgDir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(pgDir, aside);
    console.log(`The current database was moved to ${aside}`);
  }
  const blob = new Blob([readFileSync(file)]);
  const db = await PGlite.create({ dataDir: pgDir, loadDataDir: blob, extensions: { pg_trgm } });
  const [row] = (await db.query('SELECT count(*)::int AS n FROM meta_table')).rows;
  await db.close();
  console.log(`Restored ${file} (${row.n} tables). Start Tabula with npm start.`);
} finally {
  lock.release();
}
