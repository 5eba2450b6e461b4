/**
 * TABULA_WORKERS (docs/adr/0008-api-worker-processes.md): several API processes on one
 * port (node:cluster), only on a PostgreSQL server. What must hold: the embedded database
 * is refused with a clear message; both workers answer; a change made through one worker —
 * schema, rights, logout, the workspace's settings — applies to the very next request the
 * other serves; only one process at a time builds indexes. The server is the real
 * `apps/api/dist/main.js` in a child process; requests are pinned to one worker by keeping
 * one connection open per client (the primary hands out connections, not requests).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '@tabula/api';
import { q } from '../helpers/tabula.js';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '../../apps/api/dist/main.js');
const PW = 'a long enough password';

/** Runs main.js with `env` until it exits; its output and exit code. */
function runToExit(env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', TABULA_LOG: 'error', TABULA_SNAPSHOTS: 'off' };
  delete env.DATABASE_URL;
  delete env.TABULA_WORKERS;
  delete env.TABULA_WORKER;
  return env;
}

describe('TABULA_WORKERS is refused where it cannot work', () => {
  it('on the embedded database, with a message that names DATABASE_URL, before opening anything', async () => {
    const r = await runToExit({ ...baseEnv(), TABULA_WORKERS: '2', TABULA_DATA_DIR: 'memory://' });
    expect(r.code).toBe(2);
    expect(r.out).toContain('DATABASE_URL');
    expect(r.out).toContain('embedded database');
  });

  it('with a value that is not a number of processes', async () => {
    const r = await runToExit({ ...baseEnv(), TABULA_WORKERS: 'two', TABULA_DATA_DIR: 'memory://' });
    expect(r.code).toBe(2);
    expect(r.out).toContain('TABULA_WORKERS must be');
  });
});

interface Res {
  status: number;
  body: any;
  worker: string | undefined;
}

/** An HTTP client on one kept-alive connection, hence on one worker process. */
class Pinned {
  token: string | undefined;
  constructor(
    readonly base: string,
    readonly agent: http.Agent,
  ) {}

  req(method: string, path: string, body?: unknown): Promise<Res> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {};
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    return new Promise((resolve, reject) => {
      const r = http.request(this.base + path, { method, headers, agent: this.agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode!, body: parsed, worker: res.headers['x-tabula-worker'] as string | undefined });
        });
      });
      r.on('error', reject);
      r.end(payload);
    });
  }
  get = (p: string) => this.req('GET', p);
  post = (p: string, b?: unknown) => this.req('POST', p, b ?? {});
  patch = (p: string, b: unknown) => this.req('PATCH', p, b);
  put = (p: string, b: unknown) => this.req('PUT', p, b);
}

async function ok(r: Promise<Res>): Promise<Res> {
  const res = await r;
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res;
}

describe.skipIf(!process.env.DATABASE_URL)('two worker processes on one PostgreSQL database', () => {
  const serverUrl = process.env.DATABASE_URL!;
  const dbName = `tabula_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  let databaseUrl: string;
  let child: ChildProcess;
  let exited: Promise<number | null>;
  let base: string;
  const agents: http.Agent[] = [];

  async function admin(sql: string) {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  }

  /** A client whose connection the primary gave to worker `n` (new connections until it does). */
  async function on(n: string, token?: string): Promise<Pinned> {
    for (let i = 0; i < 40; i++) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const c = new Pinned(base, agent);
      const r = await c.get('/api/health');
      if (r.worker === n) {
        agents.push(agent);
        c.token = token;
        return c;
      }
      agent.destroy();
    }
    throw new Error(`no connection reached worker ${n}`);
  }

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${dbName}`);
    const u = new URL(serverUrl);
    u.pathname = `/${dbName}`;
    databaseUrl = u.toString();
    child = spawn(process.execPath, [MAIN], {
      env: { ...baseEnv(), DATABASE_URL: databaseUrl, TABULA_WORKERS: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exited = new Promise((r) => child.on('exit', (code) => r(code)));
    let out = '';
    child.stderr!.on('data', (d) => (out += d));
    base = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /running at (http:\/\/\S+) \(database: postgres, 2 worker processes\)/.exec(out);
        if (m) resolve(m[1]!.replace('localhost', '127.0.0.1'));
      });
      child.on('exit', (code) => reject(new Error(`main.js exited (${code}): ${out}`)));
    });
  });

  afterAll(async () => {
    for (const a of agents) a.destroy();
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  });

  it('both workers answer on the one port', async () => {
    const one = await on('1');
    const two = await on('2');
    expect((await ok(one.get('/api/health'))).worker).toBe('1');
    expect((await ok(two.get('/api/health'))).worker).toBe('2');
  });

  it('a change made through one worker applies to the next request the other serves', async () => {
    const first = await on('1');
    const setup = await first.post('/api/setup', { email: 'admin@example.com', password: PW, name: 'Admin' });
    expect(setup.status, JSON.stringify(setup.body)).toBe(201);
    first.token = setup.body.token;
    const second = await on('2', first.token);
    // worker 2 has loaded the schema, the admin's rights and the workspace before the changes
    expect((await ok(second.get('/api/tables'))).body).toBeDefined();
    const before = (await ok(second.get('/api/workspace'))).body;

    // the workspace's settings (time zone, name) changed through worker 1 (a configuration
    // document applies to an instance without tables)
    const doc = (await ok(first.get('/api/config'))).body;
    const timeZone = before.timeZone === 'Europe/Bucharest' ? 'America/Chicago' : 'Europe/Bucharest';
    expect((await ok(first.put('/api/config', { ...doc, workspace: { ...doc.workspace, timeZone, name: 'Renamed' } }))).body).toMatchObject(
      { applied: true },
    );
    const after = await ok(second.get('/api/workspace'));
    expect(after.worker).toBe('2');
    expect(after.body).toMatchObject({ timeZone, name: 'Renamed' });

    // schema: a table made through worker 1 is read and filtered through worker 2
    await ok(
      first.post('/api/tables', {
        key: 'clients',
        label: 'Clients',
        primaryField: 'name',
        fields: [{ key: 'name', label: 'Name', type: 'text', required: true }],
      }),
    );
    await ok(first.post('/api/tables/clients/records', { data: { name: 'North One' } }));
    let r = await ok(second.get('/api/tables/clients/records' + q({ filter: { field: 'name', op: 'eq', value: 'North One' } })));
    expect(r.worker).toBe('2');
    expect(r.body.items.map((x: any) => x.data.name)).toEqual(['North One']);
    await ok(first.post('/api/tables/clients/fields', { key: 'zip', label: 'Zip', type: 'text' }));
    await ok(first.patch(`/api/tables/clients/records/${r.body.items[0].id}`, { data: { zip: '0150' } }));
    r = await ok(second.get('/api/tables/clients/records' + q({ filter: { field: 'zip', op: 'eq', value: '0150' } })));
    expect(r.body.items.map((x: any) => x.data.name)).toEqual(['North One']);

    // rights: a reader signed in on worker 2 loses the right through worker 1 at once
    const user = await ok(first.post('/api/users', { email: 'reader@example.com', password: PW, roles: ['Viewer'] }));
    const login = await ok(second.post('/api/auth/login', { email: 'reader@example.com', password: PW }));
    const reader = await on('2', login.body.token);
    expect((await ok(reader.get('/api/tables/clients/records'))).body.items).toHaveLength(1);
    await ok(first.patch(`/api/users/${user.body.id}`, { roles: [] }));
    const denied = await reader.get('/api/tables/clients/records');
    expect(denied.worker).toBe('2');
    expect(denied.status).toBe(404);

    // logout through worker 1 ends the session on worker 2
    const readerOnFirst = await on('1', login.body.token);
    expect((await readerOnFirst.post('/api/auth/logout')).status).toBe(200);
    const gone = await reader.get('/api/auth/me');
    expect(gone.worker).toBe('2');
    expect(gone.status).toBe(401);
    expect(gone.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('only one process at a time holds the index builder', async () => {
    // two Database handles are two pools, as two processes would have; a pool of one
    // connection: the lock must not hold the connection its work needs
    const a = await Database.open({ databaseUrl, dataDir: 'memory://', poolSize: 1 });
    const b = await Database.open({ databaseUrl, dataDir: 'memory://', poolSize: 2 });
    try {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const first = a.exclusive('tabula:test-lock', async () => {
        entered();
        await held;
        const [row] = await a.query<{ n: number }>('SELECT 1 AS n');
        return `a${row!.n}`;
      });
      await inside;
      let ran = false;
      expect(await b.exclusive('tabula:test-lock', async () => (ran = true))).toBeUndefined();
      expect(ran).toBe(false);
      release();
      expect(await first).toEqual({ value: 'a1' });
      // released: the other may take it now
      expect(await b.exclusive('tabula:test-lock', async () => 'b')).toEqual({ value: 'b' });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('stops both workers on SIGTERM', async () => {
    for (const a of agents.splice(0)) a.destroy();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
