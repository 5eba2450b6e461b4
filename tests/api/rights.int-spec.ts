/**
 * The permission matrix over HTTP (issue #5): each shipped role and a custom role with
 * row- and field-level rules against list, total, sort, filter, search, get, create,
 * update, delete, trash and history. Every response a role receives is recorded, and no
 * forbidden value (a hidden field's value, a foreign record's name or id) may appear in any
 * of them. PGlite by default, PostgreSQL with DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, q, RecordingClient, setupAdmin, startTabula, type Res, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let admin: Client;

const Recording = RecordingClient;
type Recording = RecordingClient;

const PW = 'a long enough password';
const users: Record<string, { id: string; c: Recording }> = {};

async function addUser(key: string, body: Record<string, unknown>) {
  const r = await admin.post('/api/users', { email: `${key}@example.com`, password: PW, name: key, ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const c = new Recording(server.url);
  const login = await c.post('/api/auth/login', { email: `${key}@example.com`, password: PW });
  expect(login.status).toBe(200);
  c.token = login.body.token;
  c.bodies.length = 0;
  users[key] = { id: r.body.id, c };
  return users[key]!;
}

const rec: Record<string, string> = {};
const SALARIES = ['7771001', '7771002', '7771003', '7771004', '7771005', '7771006', '7771007'];

function expectError(r: Res, status: number, code?: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  if (code) expect(r.body.error.code).toBe(code);
}

const names = (r: Res) => r.body.items.map((x: any) => x.data.name).sort();

beforeAll(async () => {
  server = await startTabula();
  admin = await setupAdmin(server.url);
  const t = await admin.post('/api/tables', {
    key: 'clients',
    label: 'Clients',
    primaryField: 'name',
    fields: [
      { key: 'name', label: 'Name', type: 'text', required: true, searchable: true },
      { key: 'region', label: 'Region', type: 'select', options: { choices: [{ value: 'north' }, { value: 'south' }] } },
      { key: 'revenue', label: 'Revenue', type: 'money', options: { currency: 'EUR' } },
      { key: 'salary', label: 'Salary', type: 'number' },
      { key: 'notes', label: 'Notes', type: 'longText', searchable: true },
    ],
  });
  expect(t.status, JSON.stringify(t.body)).toBe(201);
  expect(
    (await admin.post('/api/tables', { key: 'secrets', label: 'Secrets', fields: [{ key: 'code', label: 'Code', type: 'text' }] })).status,
  ).toBe(201);
  await admin.post('/api/tables/secrets/records', { data: { code: 'launch-code-4242' } });
  const clerk = await admin.post('/api/roles', {
    name: 'Regional clerk',
    rules: [
      { action: 'read', subject: 'clients', conditions: { region: '$me.region' } },
      { action: 'read', subject: 'clients', fields: ['salary'], inverted: true },
      { action: 'update', subject: 'clients', fields: ['notes'] },
    ],
  });
  expect(clerk.status, JSON.stringify(clerk.body)).toBe(201);
  await addUser('m1', { roles: ['Manager'] });
  await addUser('m2', { roles: ['Manager'] });
  await addUser('senior', { roles: ['Senior manager'] });
  await addUser('viewer', { roles: ['Viewer'] });
  await addUser('clerk', { roles: [clerk.body.id], attributes: { region: 'north' } });
  const make = async (c: Client, key: string, data: Record<string, unknown>) => {
    const r = await c.post('/api/tables/clients/records', { data });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    rec[key] = r.body.id;
  };
  await make(admin, 'Admin North', { name: 'Admin North', region: 'north', salary: SALARIES[0], revenue: '50.00' });
  await make(admin, 'Admin South', { name: 'Admin South', region: 'south', salary: SALARIES[1], revenue: '150.00' });
  await make(users.m1!.c, 'M1 Alpha', { name: 'M1 Alpha secret', region: 'north', salary: SALARIES[2] });
  await make(users.m1!.c, 'M1 Beta', { name: 'M1 Beta', region: 'north', salary: SALARIES[3] });
  await make(users.m1!.c, 'M1 Gamma', { name: 'M1 Gamma', region: 'south', salary: SALARIES[4] });
  await make(users.m2!.c, 'M2 Omega', { name: 'M2 Omega secret', region: 'south', salary: SALARIES[5] });
  await make(users.m2!.c, 'M2 Psi', { name: 'M2 Psi', region: 'north', salary: SALARIES[6] });
  for (const u of Object.values(users)) u.c.bodies.length = 0;
});

afterAll(async () => {
  await server?.close();
});

describe('managers: only their own records, and the totals prove it', () => {
  it('lists, counts, sorts, filters and searches only their own clients', async () => {
    const { c: m1 } = users.m1!;
    const { c: m2 } = users.m2!;
    const l1 = await m1.get('/api/tables/clients/records?sort=-name');
    expect(l1.body.items.map((x: any) => x.data.name)).toEqual(['M1 Gamma', 'M1 Beta', 'M1 Alpha secret']);
    expect(l1.body.total).toBe(3);
    const l2 = await m2.get('/api/tables/clients/records');
    expect(names(l2)).toEqual(['M2 Omega secret', 'M2 Psi']);
    expect(l2.body.total).toBe(2);
    // a one-row page forces the separate count query: it is scoped too
    expect((await m1.get('/api/tables/clients/records?limit=1')).body.total).toBe(3);
    expect((await m2.get('/api/tables/clients/records?limit=1')).body.total).toBe(2);
    const page2 = await m1.get('/api/tables/clients/records?limit=2&sort=name');
    const next = await m1.get('/api/tables/clients/records' + q({ limit: '2', sort: 'name', after: page2.body.nextCursor }));
    expect([...names(page2), ...names(next)].sort()).toEqual(['M1 Alpha secret', 'M1 Beta', 'M1 Gamma']);
    const north = await m1.get('/api/tables/clients/records' + q({ filter: { field: 'region', op: 'eq', value: 'north' } }));
    expect(names(north)).toEqual(['M1 Alpha secret', 'M1 Beta']);
    expect(north.body.total).toBe(2);
    const search = await m1.get('/api/tables/clients/records?q=secret');
    expect(names(search)).toEqual(['M1 Alpha secret']);
    const byBody = await m1.post('/api/tables/clients/records/query', { filter: { field: 'owner', op: 'eq', value: users.m2!.id } });
    expect(byBody.body).toMatchObject({ items: [], total: 0 });
    // admin sees everything
    expect((await admin.get('/api/tables/clients/records?limit=1')).body.total).toBe(7);
  });

  it('gets their own records; a foreign one is 404 on every path', async () => {
    const { c: m1 } = users.m1!;
    expect((await m1.get(`/api/tables/clients/records/${rec['M1 Alpha']}`)).status).toBe(200);
    expect((await m1.get(`/api/tables/clients/records/${rec['M1 Alpha']}/history`)).status).toBe(200);
    for (const key of ['M2 Omega', 'Admin North']) {
      expectError(await m1.get(`/api/tables/clients/records/${rec[key]}`), 404, 'NOT_FOUND');
      expectError(await m1.get(`/api/tables/clients/records/${rec[key]}/history`), 404, 'NOT_FOUND');
      expectError(await m1.patch(`/api/tables/clients/records/${rec[key]}`, { data: { name: 'taken' } }), 404, 'NOT_FOUND');
      expectError(await m1.del(`/api/tables/clients/records/${rec[key]}`), 404, 'NOT_FOUND');
      expectError(await m1.post(`/api/tables/clients/records/${rec[key]}/restore`), 404, 'NOT_FOUND');
    }
    // the 404 for a foreign record reads like the 404 for a record that does not exist
    const missing = await m1.get('/api/tables/clients/records/01900000-0000-7000-8000-00000000dead');
    const foreign = await m1.get(`/api/tables/clients/records/${rec['M2 Omega']}`);
    expect(foreign.body).toEqual(missing.body);
    expect((await admin.get(`/api/tables/clients/records/${rec['M2 Omega']}`)).body.data.name).toBe('M2 Omega secret');
  });

  it('creates, updates and deletes their own records; the new record is theirs', async () => {
    const { c: m1, id } = users.m1!;
    const r = await m1.post('/api/tables/clients/records', { data: { name: 'M1 New', region: 'north' } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.owner).toBe(id);
    expectError(await m1.post('/api/tables/clients/records', { data: { name: 'x' }, owner: users.m2!.id }), 400);
    const u = await m1.patch(`/api/tables/clients/records/${r.body.id}`, { data: { notes: 'mine' } });
    expect(u.status).toBe(200);
    expect((await m1.del(`/api/tables/clients/records/${r.body.id}`)).status).toBe(204);
    const trash = await m1.get('/api/tables/clients/trash');
    expect(trash.body.items.map((x: any) => x.id)).toEqual([r.body.id]);
    expect((await users.m2!.c.get('/api/tables/clients/trash')).body.items).toEqual([]);
    expect((await m1.post(`/api/tables/clients/records/${r.body.id}/restore`)).status).toBe(200);
    expect((await m1.get('/api/tables/clients/records?limit=1')).body.total).toBe(4);
    expect((await users.m2!.c.get('/api/tables/clients/records?limit=1')).body.total).toBe(2);
  });

  it('reveals nothing of the other manager or the administrator', () => {
    users.m1!.c.assertNeverSaw([
      'M2 Omega',
      'M2 Psi',
      'Admin North',
      'Admin South',
      rec['M2 Omega']!,
      rec['M2 Psi']!,
      rec['Admin South']!,
      'launch-code-4242',
    ]);
    users.m2!.c.assertNeverSaw(['M1 Alpha', 'M1 Beta', 'M1 Gamma', 'M1 New', 'Admin North', rec['M1 Alpha']!, rec['M1 Gamma']!]);
  });
});

describe('viewer: reads everything, changes nothing', () => {
  it('reads every record', async () => {
    const { c } = users.viewer!;
    expect((await c.get('/api/tables/clients/records?limit=1')).body.total).toBe(8);
    expect((await c.get(`/api/tables/clients/records/${rec['M2 Omega']}/history`)).status).toBe(200);
  });

  it('gets 403 for every write, and nothing changes', async () => {
    const { c } = users.viewer!;
    const before = (await admin.get('/api/tables/clients/records?limit=1')).body.total;
    const target = rec['Admin North']!;
    const writes: [string, () => Promise<Res>][] = [
      ['create', () => c.post('/api/tables/clients/records', { data: { name: 'V' } })],
      ['batch', () => c.post('/api/tables/clients/records', { records: [{ data: { name: 'V1' } }, { data: { name: 'V2' } }] })],
      ['update', () => c.patch(`/api/tables/clients/records/${target}`, { data: { name: 'V' } })],
      ['delete', () => c.del(`/api/tables/clients/records/${target}`)],
      ['restore', () => c.post(`/api/tables/clients/records/${target}/restore`)],
      ['new table', () => c.post('/api/tables', { key: 'v', label: 'V' })],
      ['new field', () => c.post('/api/tables/clients/fields', { key: 'v', label: 'V', type: 'text' })],
      ['delete table', () => c.del('/api/tables/clients')],
      ['users', () => c.get('/api/users')],
      ['new user', () => c.post('/api/users', { email: 'v2@example.com', password: PW })],
      ['roles', () => c.post('/api/roles', { name: 'Mine', rules: [{ action: 'manage', subject: 'all' }] })],
      ['promote', () => c.patch('/api/roles/Viewer', { rules: [{ action: 'manage', subject: 'all' }] })],
      ['groups', () => c.post('/api/groups', { name: 'V' })],
    ];
    for (const [name, send] of writes) {
      const r = await send();
      expect(r.status, `${name}: ${JSON.stringify(r.body)}`).toBe(403);
      expect(r.body.error.code).toBe('FORBIDDEN');
    }
    expect((await admin.get('/api/tables/clients/records?limit=1')).body.total).toBe(before);
    expect((await admin.get(`/api/tables/clients/records/${target}`)).body.data.name).toBe('Admin North');
  });
});

describe('senior manager: all records, no settings', () => {
  it('reads and writes every record but may not change the schema or rights', async () => {
    const { c } = users.senior!;
    expect((await c.get('/api/tables/clients/records?limit=1')).body.total).toBe(8);
    expect((await c.patch(`/api/tables/clients/records/${rec['M2 Psi']}`, { data: { notes: 'by senior' } })).status).toBe(200);
    expectError(await c.post('/api/tables', { key: 's', label: 'S' }), 403, 'FORBIDDEN');
    expectError(await c.get('/api/roles'), 403, 'FORBIDDEN');
  });
});

describe('custom role: rows of my region, salary hidden, only notes writable', () => {
  it('lists, counts and searches only the rows of the region in its attribute', async () => {
    const { c } = users.clerk!;
    const l = await c.get('/api/tables/clients/records?sort=name&limit=2');
    expect(l.body.total).toBe(5); // Admin North, M1 Alpha, M1 Beta, M1 New, M2 Psi
    const all = await c.get('/api/tables/clients/records?sort=name');
    expect(names(all)).toEqual(['Admin North', 'M1 Alpha secret', 'M1 Beta', 'M1 New', 'M2 Psi']);
    for (const item of all.body.items) expect(Object.keys(item.data).sort()).toEqual(['name', 'notes', 'region', 'revenue']);
    expect(names(await c.get('/api/tables/clients/records?q=secret'))).toEqual(['M1 Alpha secret']);
    const south = await c.get('/api/tables/clients/records' + q({ filter: { field: 'region', op: 'eq', value: 'south' } }));
    expect(south.body).toMatchObject({ items: [], total: 0 });
  });

  it('a filter or sort on the hidden field is the 400 of a field that does not exist', async () => {
    const { c } = users.clerk!;
    const hidden = await c.get('/api/tables/clients/records' + q({ filter: { field: 'salary', op: 'gt', value: 7771003 } }));
    const none = await c.get('/api/tables/clients/records' + q({ filter: { field: 'nosuch', op: 'gt', value: 7771003 } }));
    expectError(hidden, 400, 'UNKNOWN_FIELD');
    expect(hidden.body.error.message.replace('salary', 'X')).toBe(none.body.error.message.replace('nosuch', 'X'));
    expectError(await c.get('/api/tables/clients/records?sort=-salary'), 400, 'UNKNOWN_FIELD');
    expectError(
      await c.post('/api/tables/clients/records/query', {
        filter: {
          or: [
            { field: 'name', op: 'eq', value: 'x' },
            { field: 'salary', op: 'isEmpty' },
          ],
        },
      }),
      400,
      'UNKNOWN_FIELD',
    );
  });

  it('updates notes only, in its region only; creates and deletes nothing', async () => {
    const { c } = users.clerk!;
    const ok = await c.patch(`/api/tables/clients/records/${rec['M1 Beta']}`, { data: { notes: 'called' } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.data).not.toHaveProperty('salary');
    expectError(await c.patch(`/api/tables/clients/records/${rec['M1 Beta']}`, { data: { name: 'renamed' } }), 400, 'VALIDATION_FAILED');
    expectError(await c.patch(`/api/tables/clients/records/${rec['M2 Omega']}`, { data: { notes: 'x' } }), 404, 'NOT_FOUND');
    expectError(await c.post('/api/tables/clients/records', { data: { name: 'C', region: 'north' } }), 403, 'FORBIDDEN');
    expectError(await c.del(`/api/tables/clients/records/${rec['M1 Beta']}`), 403, 'FORBIDDEN');
    expect((await admin.get(`/api/tables/clients/records/${rec['M1 Beta']}`)).body.data).toMatchObject({
      name: 'M1 Beta',
      notes: 'called',
      salary: 7771004,
    });
  });

  it('history leaves the hidden field out', async () => {
    await admin.patch(`/api/tables/clients/records/${rec['M1 Alpha']}`, { data: { salary: 7771099, notes: 'raise' } });
    const h = await users.clerk!.c.get(`/api/tables/clients/records/${rec['M1 Alpha']}/history`);
    expect(h.status).toBe(200);
    expect(h.body.items[0].changes).toEqual({ notes: { from: null, to: 'raise' } });
    expectError(await users.clerk!.c.get(`/api/tables/clients/records/${rec['Admin South']}/history`), 404, 'NOT_FOUND');
  });

  it('a table without any rule for the role is 404, like a table that does not exist', async () => {
    const { c } = users.clerk!;
    const hidden = await c.get('/api/tables/secrets/records');
    const missing = await c.get('/api/tables/nosuch/records');
    expectError(hidden, 404, 'NOT_FOUND');
    expectError(missing, 404, 'NOT_FOUND');
    expect(hidden.body.error.message.replace('secrets', 'X')).toBe(missing.body.error.message.replace('nosuch', 'X'));
    expectError(await c.post('/api/tables/secrets/records', { data: { code: 'x' } }), 404, 'NOT_FOUND');
  });

  it('reveals no salary and no record of another region', () => {
    users.clerk!.c.assertNeverSaw([
      ...SALARIES,
      '7771099',
      'Admin South',
      'M1 Gamma',
      'M2 Omega',
      rec['Admin South']!,
      rec['M1 Gamma']!,
      rec['M2 Omega']!,
      'launch-code-4242',
    ]);
  });
});

describe('abilities for the UI', () => {
  it('gives the packed rules with keys and the user bound', async () => {
    const m1 = await users.m1!.c.get('/api/auth/me/abilities');
    expect(m1.status).toBe(200);
    expect(m1.body.rules).toContainEqual(['read', 'all', { owner: { $eq: users.m1!.id } }]);
    const clerk = await users.clerk!.c.get('/api/auth/me/abilities');
    expect(clerk.body.rules).toEqual([
      ['read', 'clients', { region: { $eq: 'north' } }],
      ['update', 'clients', 0, 0, 'notes'],
      // "cannot read salary" is not sent: it would name a field every other answer keeps absent
    ]);
  });
});
