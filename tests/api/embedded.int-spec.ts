/**
 * The embedded database as a safe home (issue #2): transactions serialised over PGlite's
 * one session (and isolated on the server), acknowledged writes surviving SIGKILL, one
 * process per data folder, and backup → restore.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '@tabula/api';
import { Client, setupAdmin, startTabula } from '../helpers/tabula.js';

const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'apps/api/dist/main.js');
const onServer = !!process.env.DATABASE_URL;
const dirs: string[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tabula-emb-'));
  dirs.push(d);
  return d;
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('transactions', () => {
  it('T1 rolls back after T2 commits: only T2’s row remains', async () => {
    const server = await startTabula();
    try {
      const db: Database = server.tabula.db;
      await db.exec('CREATE TABLE tx_probe (v text)');
      let t2done!: () => void;
      const t2finished = new Promise<void>((r) => (t2done = r));
      const t1 = db
        .tx(async (sql) => {
          await sql.exec(`INSERT INTO tx_probe VALUES ('t1')`);
          // give T2 the chance to run (on a server it commits meanwhile; on PGlite it waits for us)
          await Promise.race([t2finished, new Promise((r) => setTimeout(r, 300))]);
          throw new Error('t1 fails');
        })
        .catch((e: Error) => e.message);
      const t2 = db
        .tx(async (sql) => {
          await sql.exec(`INSERT INTO tx_probe VALUES ('t2')`);
        })
        .then(() => t2done());
      expect(await t1).toBe('t1 fails');
      await t2;
      const rows = await db.query<{ v: string }>('SELECT v FROM tx_probe ORDER BY v');
      expect(rows.map((r) => r.v)).toEqual(['t2']);
    } finally {
      await server.close();
    }
  });
});

function startServer(dataDir: string, port: number): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        DATABASE_URL: '',
        PORT: String(port),
        HOST: '127.0.0.1',
        TABULA_DATA_DIR: dataDir,
        TABULA_LOG: 'error',
        TABULA_SNAPSHOTS: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ child, url: m[1]!.replace('localhost', '127.0.0.1') });
      }
    });
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${out}`));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));
}

describe.skipIf(onServer)('embedded PGlite data folder', () => {
  it('keeps every acknowledged write across twenty SIGKILLs', async () => {
    const dataDir = tempDir();
    const port = 3900 + Math.floor(Math.random() * 90);
    let { child, url } = await startServer(dataDir, port);
    let api = await setupAdmin(url);
    await api.post('/api/tables', { key: 'writes', label: 'Writes', fields: [{ key: 'n', label: 'N', type: 'number' }] });
    const acknowledged: string[] = [];
    let n = 0;
    for (let round = 0; round < 20; round++) {
      let stop = false;
      const writers = [0, 1, 2].map(async () => {
        while (!stop) {
          try {
            const r = await api.post('/api/tables/writes/records', { data: { n: n++ } });
            if (r.status === 201) acknowledged.push(r.body.id);
          } catch {
            return; // the connection died with the server: not acknowledged
          }
        }
      });
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 250));
      child.kill('SIGKILL');
      stop = true;
      await exited(child);
      await Promise.all(writers);
      ({ child, url } = await startServer(dataDir, port));
      const login = await new Client(url).post('/api/auth/login', { email: 'admin@example.com', password: 'correct horse battery' });
      api = new Client(url).as(login.body.token);
    }
    const seen = new Set<string>();
    let after: string | null = null;
    do {
      const r: any = await api.get(`/api/tables/writes/records?limit=1000&count=none${after ? `&after=${after}` : ''}`);
      for (const it of r.body.items) seen.add(it.id);
      after = r.body.nextCursor;
    } while (after);
    const lost = acknowledged.filter((id) => !seen.has(id));
    expect(acknowledged.length).toBeGreaterThan(20);
    expect(lost).toEqual([]);
    child.kill('SIGTERM');
    await exited(child);
  }, 600_000);

  it('refuses a second process on the same folder with a clear error, and backs up and restores', async () => {
    const dataDir = tempDir();
    const port = 3990 + Math.floor(Math.random() * 9);
    const { child, url } = await startServer(dataDir, port);
    const api = await setupAdmin(url);
    await api.post('/api/tables', { key: 'keep', label: 'Keep', fields: [{ key: 't', label: 'T', type: 'text' }] });
    await api.post('/api/tables/keep/records', { data: { t: 'before backup' } });
    const second = spawnSync(process.execPath, [MAIN], {
      env: { ...process.env, DATABASE_URL: '', PORT: String(port + 1), TABULA_DATA_DIR: dataDir },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(second.status).toBe(3);
    expect(second.stderr).toMatch(/in use by another Tabula process/);
    const backupWhileRunning = spawnSync('node', [join(ROOT, 'scripts/backup.mjs')], {
      env: { ...process.env, DATABASE_URL: '', TABULA_DATA_DIR: dataDir },
      encoding: 'utf8',
      cwd: ROOT,
    });
    expect(backupWhileRunning.status).toBe(3);
    const snap = await api.post('/api/admin/snapshots');
    expect(snap.status, JSON.stringify(snap.body)).toBe(201);
    await api.post('/api/tables/keep/records', { data: { t: 'after backup' } });
    child.kill('SIGTERM');
    await exited(child);
    expect(child.exitCode).toBe(0);
    const backup = spawnSync('node', [join(ROOT, 'scripts/backup.mjs')], {
      env: { ...process.env, DATABASE_URL: '', TABULA_DATA_DIR: dataDir },
      encoding: 'utf8',
      cwd: ROOT,
    });
    expect(backup.status, backup.stderr).toBe(0);
    expect(readdirSync(join(dataDir, 'snapshots')).length).toBeGreaterThanOrEqual(1);
    const restore = spawnSync('node', [join(ROOT, 'scripts/restore.mjs'), snap.body.file], {
      env: { ...process.env, DATABASE_URL: '', TABULA_DATA_DIR: dataDir },
      encoding: 'utf8',
      cwd: ROOT,
    });
    expect(restore.status, restore.stderr).toBe(0);
    const again = await startServer(dataDir, port);
    const login = await new Client(again.url).post('/api/auth/login', { email: 'admin@example.com', password: 'correct horse battery' });
    const rows = await new Client(again.url).as(login.body.token).get('/api/tables/keep/records?sort=t');
    expect(rows.body.items.map((r: any) => r.data.t)).toEqual(['before backup']);
    again.child.kill('SIGTERM');
    await exited(again.child);
  }, 300_000);
});
