/**
 * Snapshots of the embedded database: a gzip'd tar of the PGlite folder, written under
 * `<data>/snapshots/`, the newest `keep` kept. Used by the daily snapshot job, the admin
 * endpoint and `npm run backup`. Restoring is `npm run restore -- <file>`.
 */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../database/database.js';

export const SNAPSHOT_RE = /^tabula-\d{8}-\d{6}\.tar\.gz$/;

export function snapshotDir(dataDir: string): string {
  return join(dataDir, 'snapshots');
}

function stamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

export async function writeSnapshot(db: Database, dataDir: string, keep: number): Promise<string> {
  const dir = snapshotDir(dataDir);
  mkdirSync(dir, { recursive: true });
  const blob = await db.dumpDataDir();
  const file = join(dir, `tabula-${stamp()}.tar.gz`);
  writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
  prune(dir, keep);
  return file;
}

export function listSnapshots(dataDir: string): { file: string; at: Date; size: number }[] {
  const dir = snapshotDir(dataDir);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => SNAPSHOT_RE.test(n));
  } catch {
    return [];
  }
  return names.sort().map((n) => {
    const st = statSync(join(dir, n));
    return { file: join(dir, n), at: st.mtime, size: st.size };
  });
}

function prune(dir: string, keep: number): void {
  const names = readdirSync(dir)
    .filter((n) => SNAPSHOT_RE.test(n))
    .sort();
  for (const n of names.slice(0, Math.max(0, names.length - keep))) rmSync(join(dir, n));
}
