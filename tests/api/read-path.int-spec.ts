/**
 * The read path's round trips (issue 7, finding 6): the session check reads the schema and
 * rights versions in one statement, the user's rights are cached per session under the
 * rights version, and a page's link values come in the page's own statement. What must
 * hold whatever the caching: a logout, a deactivation, a changed rule, attribute, group or
 * role applies to the very next request — also in a second API process on the same
 * PostgreSQL database — and link values and `expand` follow the reader's rights on the
 * linked table exactly (read scope and field rights of the target). PGlite by default,
 * PostgreSQL with DATABASE_URL (the two-process case runs there only).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type TabulaApp } from '@tabula/api';
import { Client, q, setupAdmin, startTabula, type Res, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let admin: Client;
const PW = 'a long enough password';
const ids: Record<string, string> = {};

function expectError(r: Res, status: number, code?: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  if (code) expect(r.body.error.code).toBe(code);
}

async function ok(r: Promise<Res>): Promise<Res> {
  const res = await r;
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res;
}

async function login(url: string, email: string, password = PW): Promise<Client> {
  const c = new Client(url);
  const r = await c.post('/api/auth/login', { email, password });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  c.token = r.body.token;
  return c;
}

async function createUser(email: string, body: Record<string, unknown> = {}): Promise<string> {
  const r = await admin.post('/api/users', { email, password: PW, ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

const clientNames = (r: Res) => r.body.items.map((x: any) => x.data.name);

beforeAll(async () => {
  server = await startTabula();
  admin = await setupAdmin(server.url);
  await ok(
    admin.post('/api/tables', {
      key: 'clients',
      label: 'Clients',
      primaryField: 'name',
      fields: [
        { key: 'name', label: 'Name', type: 'text', required: true },
        { key: 'region', label: 'Region', type: 'text' },
      ],
    }),
  );
  await ok(
    admin.post('/api/tables', {
      key: 'projects',
      label: 'Projects',
      primaryField: 'title',
      fields: [{ key: 'title', label: 'Title', type: 'text' }],
    }),
  );
  await ok(
    admin.post('/api/tables/projects/fields', {
      key: 'members',
      label: 'Members',
      type: 'link',
      options: { table: 'clients', multiple: true, onDelete: 'unlink', inverseKey: 'projects', inverseLabel: 'Projects' },
    }),
  );
  for (const [name, region] of [
    ['North One', 'north'],
    ['North Two', 'north'],
    ['South Secret', 'south'],
  ] as const) {
    ids[name] = (await ok(admin.post('/api/tables/clients/records', { data: { name, region } }))).body.id;
  }
  // link order is the order given, not the order of ids
  ids.p1 = (
    await ok(
      admin.post('/api/tables/projects/records', {
        data: { title: 'P1', members: [ids['South Secret'], ids['North Two'], ids['North One']] },
      }),
    )
  ).body.id;
  ids.p2 = (await ok(admin.post('/api/tables/projects/records', { data: { title: 'P2', members: [ids['North One']] } }))).body.id;
  ids.p3 = (await ok(admin.post('/api/tables/projects/records', { data: { title: 'P3' } }))).body.id;
});

afterAll(async () => {
  await server?.close();
});

describe('one statement per page, one for the session', () => {
  it('reads link values in the page statement and the schema version with the session', async () => {
    const db = server.tabula.db;
    const seen: string[] = [];
    const original = db.query.bind(db);
    (db as any).query = (text: string, values?: unknown[], opts?: unknown) => {
      seen.push(text);
      return original(text, values, opts as never);
    };
    try {
      await ok(admin.get('/api/tables/projects/records?count=none')); // warm the caches
      seen.length = 0;
      const r = await ok(admin.get('/api/tables/projects/records?count=none&sort=title'));
      expect(r.body.items.map((x: any) => x.data.members)).toEqual([
        [ids['South Secret'], ids['North Two'], ids['North One']],
        [ids['North One']],
        [],
      ]);
      const links = seen.filter((t) => t.includes('record_link'));
      expect(links).toHaveLength(1);
      expect(links[0]).toContain('FROM record r');
      // no statement reads the schema version on its own: it comes with the session
      expect(seen.filter((t) => t.includes('schema_version') && !t.includes('session'))).toEqual([]);
      expect(seen.filter((t) => t.includes('session'))).toHaveLength(1);
      // a single record too
      seen.length = 0;
      const one = await ok(admin.get(`/api/tables/projects/records/${ids.p1}?expand=members`));
      expect(one.body.data.members).toEqual([ids['South Secret'], ids['North Two'], ids['North One']]);
      expect(seen.filter((t) => t.includes('record_link'))).toHaveLength(1);
    } finally {
      (db as any).query = original;
    }
  });

  it('keeps the page order, the link order and both sides of a link', async () => {
    const desc = await ok(admin.get('/api/tables/projects/records?sort=-title&limit=2'));
    expect(desc.body.items.map((x: any) => x.data.title)).toEqual(['P3', 'P2']);
    expect(desc.body.items.map((x: any) => x.data.members)).toEqual([[], [ids['North One']]]);
    const next = await ok(admin.get('/api/tables/projects/records' + q({ sort: '-title', limit: '2', after: desc.body.nextCursor })));
    expect(next.body.items.map((x: any) => x.data.title)).toEqual(['P1']);
    const clients = await ok(admin.get('/api/tables/clients/records?sort=name'));
    expect(clients.body.items.map((x: any) => [x.data.name, x.data.projects])).toEqual([
      ['North One', [ids.p1, ids.p2].sort()],
      ['North Two', [ids.p1]],
      ['South Secret', [ids.p1]],
    ]);
    // a trashed target drops out of the page's link values, and comes back on restore
    await ok(admin.del(`/api/tables/clients/records/${ids['North Two']}`));
    expect((await admin.get(`/api/tables/projects/records/${ids.p1}`)).body.data.members).toEqual([ids['South Secret'], ids['North One']]);
    await ok(admin.post(`/api/tables/clients/records/${ids['North Two']}/restore`));
    expect((await admin.get(`/api/tables/projects/records/${ids.p1}`)).body.data.members).toEqual([
      ids['South Secret'],
      ids['North Two'],
      ids['North One'],
    ]);
  });

  it('still refuses an unknown expand', async () => {
    expectError(await admin.get('/api/tables/projects/records?expand=nope'), 400, 'UNKNOWN_FIELD');
    expectError(await admin.get(`/api/tables/projects/records/${ids.p1}?expand=title`), 400, 'UNKNOWN_FIELD');
  });
});

describe('expand follows the reader’s rights on the linked table', () => {
  it('names only the linked records in the read scope, with readable false for the others', async () => {
    await ok(
      admin.post('/api/roles', {
        name: 'Regional reader',
        rules: [
          { action: 'read', subject: 'projects' },
          { action: 'read', subject: 'clients', conditions: { region: '$me.region' } },
        ],
      }),
    );
    await createUser('nora@example.com', { roles: ['Regional reader'], attributes: { region: 'north' } });
    const nora = await login(server.url, 'nora@example.com');
    const bodies: string[] = [];
    const list = await ok(nora.get('/api/tables/projects/records?expand=members&sort=title'));
    bodies.push(JSON.stringify(list.body));
    const p1 = list.body.items[0];
    // ids are shown as for everyone; names only where the reader may read the record
    expect(p1.data.members).toEqual([ids['South Secret'], ids['North Two'], ids['North One']]);
    expect(p1.expanded.members).toEqual([
      { id: ids['South Secret'], readable: false },
      { id: ids['North Two'], name: 'North Two', readable: true },
      { id: ids['North One'], name: 'North One', readable: true },
    ]);
    const one = await ok(nora.get(`/api/tables/projects/records/${ids.p1}?expand=members`));
    bodies.push(JSON.stringify(one.body));
    expect(one.body.expanded.members).toEqual(p1.expanded.members);
    // the inverse side: her clients list their projects, the south client is not hers
    const clients = await ok(nora.get('/api/tables/clients/records?expand=projects&sort=name'));
    bodies.push(JSON.stringify(clients.body));
    expect(clientNames(clients)).toEqual(['North One', 'North Two']);
    expect(clients.body.items[0].expanded.projects).toEqual(
      [
        { id: ids.p1, name: 'P1', readable: true },
        { id: ids.p2, name: 'P2', readable: true },
      ].sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    for (const b of bodies) expect(b).not.toContain('South Secret');
  });

  it('shows no name when the primary field is hidden, and nothing readable when the table is', async () => {
    const role = await ok(
      admin.post('/api/roles', {
        name: 'Field reader',
        rules: [
          { action: 'read', subject: 'projects' },
          { action: 'read', subject: 'clients', fields: ['region'] },
        ],
      }),
    );
    await createUser('fay@example.com', { roles: ['Field reader'] });
    const fay = await login(server.url, 'fay@example.com');
    const r = await ok(fay.get(`/api/tables/projects/records/${ids.p2}?expand=members`));
    expect(r.body.expanded.members).toEqual([{ id: ids['North One'], readable: true }]);
    // the rule changes: clients are no longer readable at all — on the very next request
    await ok(admin.patch(`/api/roles/${role.body.id}`, { rules: [{ action: 'read', subject: 'projects' }] }));
    const r2 = await ok(fay.get(`/api/tables/projects/records/${ids.p2}?expand=members`));
    expect(r2.body.expanded.members).toEqual([{ id: ids['North One'], readable: false }]);
    expect(JSON.stringify(r2.body)).not.toContain('North One');
    expectError(await fay.get('/api/tables/clients/records'), 404, 'NOT_FOUND');
    // and back: the primary field readable again
    await ok(
      admin.patch(`/api/roles/${role.body.id}`, {
        rules: [
          { action: 'read', subject: 'projects' },
          { action: 'read', subject: 'clients' },
        ],
      }),
    );
    const r3 = await ok(fay.get(`/api/tables/projects/records/${ids.p2}?expand=members`));
    expect(r3.body.expanded.members).toEqual([{ id: ids['North One'], name: 'North One', readable: true }]);
  });
});

describe('cached rights apply changes on the very next request', () => {
  it('logout: the same token is refused at once', async () => {
    await createUser('leo@example.com', { roles: ['Viewer'] });
    const leo = await login(server.url, 'leo@example.com');
    await ok(leo.get('/api/tables/clients/records')); // cached now
    await ok(leo.get('/api/tables/clients/records'));
    expect((await leo.post('/api/auth/logout')).status).toBe(200);
    expectError(await leo.get('/api/tables/clients/records'), 401, 'UNAUTHENTICATED');
    expectError(await leo.get('/api/auth/me'), 401, 'UNAUTHENTICATED');
  });

  it('a changed attribute moves the row scope at once', async () => {
    const id = await createUser('ada.r@example.com', { roles: ['Regional reader'], attributes: { region: 'north' } });
    const c = await login(server.url, 'ada.r@example.com');
    expect(clientNames(await ok(c.get('/api/tables/clients/records?sort=name')))).toEqual(['North One', 'North Two']);
    await ok(admin.patch(`/api/users/${id}`, { attributes: { region: 'south' } }));
    expect(clientNames(await ok(c.get('/api/tables/clients/records?sort=name')))).toEqual(['South Secret']);
  });

  it('a changed field rule hides the field at once; a deleted role takes its rights at once', async () => {
    const role = await ok(admin.post('/api/roles', { name: 'Temp', rules: [{ action: 'read', subject: 'clients' }] }));
    await createUser('tim@example.com', { roles: ['Temp'] });
    const tim = await login(server.url, 'tim@example.com');
    const before = await ok(tim.get('/api/tables/clients/records?sort=name'));
    expect(before.body.items[0].data).toHaveProperty('region', 'north');
    await ok(
      admin.patch(`/api/roles/${role.body.id}`, {
        rules: [
          { action: 'read', subject: 'clients' },
          { action: 'read', subject: 'clients', fields: ['region'], inverted: true },
        ],
      }),
    );
    const after = await ok(tim.get('/api/tables/clients/records?sort=name'));
    expect(after.body.items[0].data).not.toHaveProperty('region');
    expectError(await tim.get('/api/tables/clients/records?sort=region'), 400);
    expect((await admin.del(`/api/roles/${role.body.id}`)).status).toBe(204);
    expectError(await tim.get('/api/tables/clients/records'), 404, 'NOT_FOUND');
    expect((await ok(tim.get('/api/auth/me'))).body.user.roles).toEqual([]);
  });

  it('a deactivated or deleted user is refused at once', async () => {
    const id = await createUser('dan@example.com', { roles: ['Viewer'] });
    const dan = await login(server.url, 'dan@example.com');
    await ok(dan.get('/api/tables/clients/records'));
    await ok(admin.patch(`/api/users/${id}`, { active: false }));
    expectError(await dan.get('/api/tables/clients/records'), 401, 'UNAUTHENTICATED');
    await ok(admin.patch(`/api/users/${id}`, { active: true }));
    const again = await login(server.url, 'dan@example.com');
    await ok(again.get('/api/tables/clients/records'));
    expect((await admin.del(`/api/users/${id}`)).status).toBe(204);
    expectError(await again.get('/api/tables/clients/records'), 401, 'UNAUTHENTICATED');
  });

  it('a schema change is seen on the next read', async () => {
    await ok(admin.get('/api/tables/clients/records'));
    await ok(admin.post('/api/tables/clients/fields', { key: 'city', label: 'City', type: 'text' }));
    await ok(admin.patch(`/api/tables/clients/records/${ids['North One']}`, { data: { city: 'Oslo' } }));
    const r = await ok(admin.get('/api/tables/clients/records' + q({ filter: { field: 'city', op: 'eq', value: 'Oslo' } })));
    expect(clientNames(r)).toEqual(['North One']);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('two API processes on one PostgreSQL database', () => {
  let second: TabulaApp;

  beforeAll(async () => {
    second = await createApp({
      port: 0,
      host: '127.0.0.1',
      databaseUrl: server.tabula.config.databaseUrl,
      dataDir: 'memory://',
      logLevel: 'silent',
      snapshots: false,
    });
  });

  afterAll(async () => {
    await second?.close();
  });

  it('a change made through one process applies to the next request served by the other', async () => {
    const id = await createUser('two@example.com', { roles: ['Regional reader'], attributes: { region: 'north' } });
    const viaFirst = await login(server.url, 'two@example.com');
    const onSecond = new Client(second.url);
    onSecond.token = viaFirst.token;
    expect(clientNames(await ok(onSecond.get('/api/tables/clients/records?sort=name')))).toEqual(['North One', 'North Two']);
    // rights changed through the first process
    await ok(admin.patch(`/api/users/${id}`, { attributes: { region: 'south' } }));
    expect(clientNames(await ok(onSecond.get('/api/tables/clients/records?sort=name')))).toEqual(['South Secret']);
    await ok(admin.patch(`/api/users/${id}`, { roles: [] }));
    expectError(await onSecond.get('/api/tables/clients/records'), 404, 'NOT_FOUND');
    await ok(admin.patch(`/api/users/${id}`, { roles: ['Viewer'] }));
    expect(clientNames(await ok(onSecond.get('/api/tables/clients/records?sort=name')))).toEqual([
      'North One',
      'North Two',
      'South Secret',
    ]);
    // a schema change through the first process is seen by the second
    await ok(admin.post('/api/tables/clients/fields', { key: 'zip', label: 'Zip', type: 'text' }));
    await ok(admin.patch(`/api/tables/clients/records/${ids['North Two']}`, { data: { zip: '0150' } }));
    expect(
      clientNames(await ok(onSecond.get('/api/tables/clients/records' + q({ filter: { field: 'zip', op: 'eq', value: '0150' } })))),
    ).toEqual(['North Two']);
    // logout through the first process ends the session in the second
    expect((await viaFirst.post('/api/auth/logout')).status).toBe(200);
    expectError(await onSecond.get('/api/tables/clients/records'), 401, 'UNAUTHENTICATED');
  });

  it('a deactivation through one process is refused by the other at once', async () => {
    const id = await createUser('three@example.com', { roles: ['Viewer'] });
    const first = await login(server.url, 'three@example.com');
    const onSecond = new Client(second.url);
    onSecond.token = first.token;
    await ok(onSecond.get('/api/tables/clients/records'));
    await ok(admin.patch(`/api/users/${id}`, { active: false }));
    expectError(await onSecond.get('/api/tables/clients/records'), 401, 'UNAUTHENTICATED');
  });
});
