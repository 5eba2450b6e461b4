/**
 * Starts a real Tabula API for a test file: in-memory PGlite by default, or a fresh
 * database on the PostgreSQL server in DATABASE_URL (created for the file, dropped after).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { expect } from 'vitest';
import { createApp, type TabulaApp } from '@tabula/api';

export interface TestServer {
  tabula: TabulaApp;
  url: string;
  backend: 'pglite' | 'postgres';
  close(): Promise<void>;
}

export async function startTabula(overrides: Record<string, unknown> = {}): Promise<TestServer> {
  const serverUrl = process.env.DATABASE_URL;
  let dbName: string | undefined;
  let databaseUrl: string | undefined;
  if (serverUrl) {
    dbName = `tabula_t_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const u = new URL(serverUrl);
    u.pathname = `/${dbName}`;
    databaseUrl = u.toString();
  }
  const tabula = await createApp({
    port: 0,
    host: '127.0.0.1',
    databaseUrl,
    dataDir: 'memory://',
    logLevel: (process.env.TABULA_LOG as never) ?? 'silent',
    snapshots: false,
    ...overrides,
  });
  return {
    tabula,
    url: tabula.url,
    backend: serverUrl ? 'postgres' : 'pglite',
    async close() {
      await tabula.close();
      if (dbName && serverUrl) {
        const admin = new pg.Client({ connectionString: serverUrl });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await admin.end();
      }
    },
  };
}

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A tiny HTTP client bound to a server and, once signed in, a token. */
export class Client {
  token: string | undefined;
  constructor(readonly base: string) {}

  async req<T = any>(
    method: string,
    path: string,
    body?: unknown,
    opts: { raw?: string; headers?: Record<string, string> } = {},
  ): Promise<Res<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let payload: string | undefined;
    if (opts.raw !== undefined) {
      payload = opts.raw;
      headers['content-type'] ??= 'application/json';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string) {
    return this.req<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.req<T>('POST', path, body);
  }
  patch<T = any>(path: string, body?: unknown) {
    return this.req<T>('PATCH', path, body);
  }
  put<T = any>(path: string, body?: unknown) {
    return this.req<T>('PUT', path, body);
  }
  del<T = any>(path: string) {
    return this.req<T>('DELETE', path);
  }

  as(token: string): Client {
    const c = new Client(this.base);
    c.token = token;
    return c;
  }
}

export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery', name: 'Ada Admin' };

/** Sets up the first administrator and returns a signed-in client. */
export async function setupAdmin(url: string): Promise<Client> {
  const c = new Client(url);
  const r = await c.post('/api/setup', ADMIN);
  if (r.status !== 201) throw new Error(`setup failed: ${r.status} ${JSON.stringify(r.body)}`);
  c.token = r.body.token;
  return c;
}

export function q(params: Record<string, unknown>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  return '?' + u.toString();
}

/** A client that keeps every response body, to search them all for values a role must never see. */
export class RecordingClient extends Client {
  readonly bodies: string[] = [];
  override async req<T = any>(
    method: string,
    path: string,
    body?: unknown,
    opts?: { raw?: string; headers?: Record<string, string> },
  ): Promise<Res<T>> {
    const r = await super.req<T>(method, path, body, opts);
    this.bodies.push(JSON.stringify(r.body ?? null));
    return r;
  }
  /** Fails the test if any response so far contained one of `values`. */
  assertNeverSaw(values: string[]) {
    for (const b of this.bodies) for (const v of values) expect(b.includes(v), `a response revealed ${v}: ${b.slice(0, 400)}`).toBe(false);
  }
}
