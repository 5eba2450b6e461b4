#!/usr/bin/env node
/**
 * `npm run backup`: writes a snapshot of the embedded database to <data>/snapshots/.
 * The server must be stopped (one process per data folder); while it runs, it takes a
 * snapshot daily by itself, and an administrator can ask for one: POST /api/admin/snapshots.
 */
import { resolve } from 'node:path';
import { Database, DataDirLockedError, writeSnapshot } from '@tabula/api';

const dataDir = resolve(process.env.TABULA_DATA_DIR ?? './data');
const keep = Number(process.env.TABULA_SNAPSHOT_KEEP ?? 7);
if (process.env.DATABASE_URL) {
  console.error('DATABASE_URL is set: back up a PostgreSQL server with pg_dump.');
  process.exit(2);
}
try {
  const db = await Database.open({ dataDir });
  try {
    const file = await writeSnapshot(db, dataDir, Math.max(keep, 1));
    console.log(`Backup written: ${file}\nRestore it with: npm run restore -- ${file}`);
  } finally {
    await db.close();
  }
} catch (e) {
  if (e instanceof DataDirLockedError) {
    console.error(
      `${e.message}\nWhile Tabula runs, an administrator can take a snapshot with POST /api/admin/snapshots (it also takes one daily).`,
    );
    process.exit(3);
  }
  throw e;
}
