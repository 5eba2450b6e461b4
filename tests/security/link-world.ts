/**
 * The cast of the link and cascade security specs: an administrator, two Managers (own
 * records only), a Senior manager, a Viewer and, where a case needs someone who may read
 * a record but not change it, a custom role. Every check of "nothing changed" reads
 * through the administrator, who sees everything.
 */
import { expect } from 'vitest';
import { Client, RecordingClient, setupAdmin, startTabula, type Res, type TestServer } from '../helpers/tabula.js';

export const PW = 'a long enough password for tests';

export interface Actor {
  id: string;
  c: RecordingClient;
}

export interface World {
  server: TestServer;
  admin: Client;
  /** Two Managers, a Senior manager and a Viewer (the shipped roles). */
  m1: Actor;
  m2: Actor;
  senior: Actor;
  viewer: Actor;
  user(key: string, roles: string[]): Promise<Actor>;
  /** The client of a shipped role (the first Manager for "Manager"). */
  as(role: ShippedRole): Client;
  close(): Promise<void>;
}

export type ShippedRole = 'Administrator' | 'Senior manager' | 'Manager' | 'Viewer';

/** A fresh server with its administrator; `schema` runs before the users sign in. */
export async function startWorld(schema: (admin: Client) => Promise<void>): Promise<World> {
  const server = await startTabula();
  const admin = await setupAdmin(server.url);
  await schema(admin);
  const user = async (key: string, roles: string[]): Promise<Actor> => {
    const r = await admin.post('/api/users', { email: `${key}@example.com`, password: PW, name: key, roles });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const c = new RecordingClient(server.url);
    const login = await c.post('/api/auth/login', { email: `${key}@example.com`, password: PW });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    c.token = login.body.token;
    return { id: r.body.id, c };
  };
  const cast = {
    m1: await user('m1', ['Manager']),
    m2: await user('m2', ['Manager']),
    senior: await user('senior', ['Senior manager']),
    viewer: await user('viewer', ['Viewer']),
  };
  const byRole: Record<ShippedRole, Client> = {
    Administrator: admin,
    'Senior manager': cast.senior.c,
    Manager: cast.m1.c,
    Viewer: cast.viewer.c,
  };
  return { server, admin, ...cast, user, as: (role) => byRole[role], close: () => server.close() };
}

export async function ok(p: Promise<Res>, status = 201): Promise<Res> {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r;
}

export function expectError(r: Res, status: number, code: string): void {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.error.code).toBe(code);
}

/** A record as the administrator sees it, with the length of its history and whether it is in the trash. */
export interface Seen {
  version: number;
  data: Record<string, unknown>;
  history: number;
  trashed: boolean;
}

export async function seen(admin: Client, table: string, id: string): Promise<Seen> {
  const live = await admin.get(`/api/tables/${table}/records/${id}`);
  const history = await ok(admin.get(`/api/tables/${table}/records/${id}/history`), 200);
  if (live.status === 200) return { version: live.body.version, data: live.body.data, history: history.body.items.length, trashed: false };
  const trash = await ok(admin.get(`/api/tables/${table}/trash?limit=1000`), 200);
  const t = trash.body.items.find((x: { id: string }) => x.id === id);
  expect(t, `${table}/${id} is neither live nor in the trash`).toBeDefined();
  return { version: t.version, data: t.data, history: history.body.items.length, trashed: true };
}

/** The state of several records, to compare before and after a refused request. */
export async function states(admin: Client, refs: [string, string][]): Promise<Seen[]> {
  const out: Seen[] = [];
  for (const [table, id] of refs) out.push(await seen(admin, table, id));
  return out;
}
