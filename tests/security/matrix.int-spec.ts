/**
 * The permission matrix of the paths around the direct ones (issue 12): formula previews,
 * saved views, layouts, links written from both sides, delete cascades and history restore,
 * for every shipped role. The Manager and Viewer roles are amended as an administrator
 * would: the clients' salary and note are hidden from both. Every response a restricted
 * role receives is recorded, and no hidden value (a salary, the note, a foreign client's
 * name) may appear in any of them. PGlite by default, PostgreSQL with DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, RecordingClient, setupAdmin, startTabula, type Res, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let admin: Client;
const PW = 'a long enough password 7';
const SALARY = '9417733';
const NOTE = 'ADMIN-NOTE-5c1e';
const M2_NAME = 'Omega Secret Holding';
const ROLES = ['Administrator', 'Senior manager', 'Manager', 'Viewer'] as const;
type Role = (typeof ROLES)[number];
const users = {} as Record<'senior' | 'm1' | 'm2' | 'viewer', RecordingClient>;
const ids: Record<string, string> = {};

async function ok(p: Promise<Res>, status = 201): Promise<Res> {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r;
}

/** The client of each role: the administrator, a senior manager, manager m1, a viewer. */
function as(role: Role): Client {
  return role === 'Administrator' ? admin : role === 'Senior manager' ? users.senior : role === 'Manager' ? users.m1 : users.viewer;
}
const restricted = (role: Role) => role === 'Manager' || role === 'Viewer';

beforeAll(async () => {
  server = await startTabula();
  admin = await setupAdmin(server.url);
  await ok(
    admin.post('/api/tables', {
      key: 'clients',
      label: 'Clients',
      primaryField: 'name',
      fields: [
        { key: 'name', label: 'Name', type: 'text', required: true, searchable: true },
        { key: 'salary', label: 'Salary', type: 'number' },
        { key: 'note', label: 'Note', type: 'longText' },
      ],
    }),
  );
  await ok(
    admin.post('/api/tables', {
      key: 'invoices',
      label: 'Invoices',
      primaryField: 'number',
      fields: [
        { key: 'number', label: 'Number', type: 'text', required: true },
        { key: 'amount', label: 'Amount', type: 'money', options: { currency: 'EUR' } },
        {
          key: 'client',
          label: 'Client',
          type: 'link',
          options: { table: 'clients', multiple: false, inverseKey: 'invoices', inverseLabel: 'Invoices' },
        },
      ],
    }),
  );
  await ok(
    admin.post('/api/tables', {
      key: 'memos',
      label: 'Memos',
      primaryField: 'text',
      fields: [
        { key: 'text', label: 'Text', type: 'text', required: true },
        {
          key: 'client',
          label: 'Client',
          type: 'link',
          options: { table: 'clients', multiple: false, onDelete: 'cascade', inverseKey: 'memos', inverseLabel: 'Memos' },
        },
      ],
    }),
  );
  // the shipped roles, amended: salary and note hidden from Manager and Viewer
  const roles = (await ok(admin.get('/api/roles'), 200)).body.items as { id: string; name: string; rules: unknown[] }[];
  for (const name of ['Manager', 'Viewer']) {
    const r = roles.find((x) => x.name === name)!;
    await ok(
      admin.patch(`/api/roles/${r.id}`, {
        rules: [...r.rules, { action: 'read', subject: 'clients', fields: ['salary', 'note'], inverted: true }],
      }),
      200,
    );
  }
  const add = async (key: 'senior' | 'm1' | 'm2' | 'viewer', role: string) => {
    await ok(admin.post('/api/users', { email: `${key}@example.com`, password: PW, name: key, roles: [role] }));
    const c = new RecordingClient(server.url);
    c.token = (await ok(c.post('/api/auth/login', { email: `${key}@example.com`, password: PW }), 200)).body.token;
    users[key] = c;
  };
  await add('senior', 'Senior manager');
  await add('m1', 'Manager');
  await add('m2', 'Manager');
  await add('viewer', 'Viewer');

  const rec = async (c: Client, table: string, key: string, data: Record<string, unknown>) => {
    ids[key] = (await ok(c.post(`/api/tables/${table}/records`, { data }))).body.id;
  };
  await rec(admin, 'clients', 'adminClient', { name: 'Admin Co', salary: SALARY, note: NOTE });
  await rec(users.m1, 'clients', 'm1Client', { name: 'M1 Co' });
  await rec(users.m2, 'clients', 'm2Client', { name: M2_NAME });
  await rec(admin, 'invoices', 'adminInvoice', { number: 'INV-A', amount: '100.00', client: [ids.m1Client] });
  await rec(users.m1, 'invoices', 'm1Invoice', { number: 'INV-M1', amount: '10.00', client: [ids.m1Client] });
  await rec(users.m2, 'invoices', 'm2Invoice', { number: 'INV-M2', amount: '20.00', client: [ids.m2Client] });
  await ok(
    admin.post('/api/tables/clients/views', { name: 'Admin notes', filter: { field: 'note', op: 'eq', value: NOTE }, sort: '-salary' }),
  );
  for (const c of Object.values(users)) c.bodies.length = 0;
});

afterAll(async () => {
  for (const key of ['m1', 'm2', 'viewer'] as const) users[key]?.assertNeverSaw([SALARY, NOTE, M2_NAME]);
  await server?.close();
});

describe.each(ROLES)('%s', (role) => {
  it('formula preview sees what the role sees', async () => {
    const c = as(role);
    const own = role === 'Manager' ? ids.m1Client : ids.adminClient;
    const r = await c.post('/api/formula/preview', { table: 'clients', expression: 'IF(salary > 8000, 1, 0)', recordId: own });
    if (restricted(role)) {
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.error.code).toBe('UNKNOWN_FIELD');
      const unknown = await c.post('/api/formula/preview', { table: 'clients', expression: 'IF(nosuchfield > 8000, 1, 0)', recordId: own });
      expect({ status: unknown.status, code: unknown.body.error?.code }).toEqual({ status: r.status, code: r.body.error.code });
    } else {
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(Number(r.body.value)).toBe(1);
    }
    // an aggregate over a link covers only the linked records the role may read
    const sum = await c.post('/api/formula/preview', { table: 'clients', expression: 'SUM(invoices.amount)', recordId: ids.m1Client });
    const amount = (v: unknown) => Number(typeof v === 'object' && v !== null ? (v as { amount: string }).amount : v);
    expect(sum.status, JSON.stringify(sum.body)).toBe(200);
    expect(amount(sum.body.value), JSON.stringify(sum.body)).toBe(role === 'Manager' ? 10 : 110);
    // another user's record is not found
    if (role === 'Manager')
      expect((await c.post('/api/formula/preview', { table: 'clients', expression: 'name', recordId: ids.m2Client })).status).toBe(404);
  });

  it('views and layouts name only readable fields', async () => {
    const c = as(role);
    const views = await ok(c.get('/api/tables/clients/views'), 200);
    const card = await ok(c.get('/api/tables/clients/layouts/card'), 200);
    const table = await ok(c.get('/api/tables/clients/layouts/table'), 200);
    for (const body of [views.body, card.body, table.body]) {
      const text = JSON.stringify(body);
      if (restricted(role)) {
        expect(text).not.toContain(NOTE);
        expect(text).not.toMatch(/"(salary|note)"/);
      }
    }
    const save = await c.post('/api/tables/clients/views', { name: `sorted by salary (${role})`, sort: '-salary' });
    if (restricted(role)) {
      expect(save.status, JSON.stringify(save.body)).toBe(400);
      expect(save.body.error.code).toBe('UNKNOWN_FIELD');
    } else {
      expect(save.status, JSON.stringify(save.body)).toBe(201);
    }
  });

  it('the abilities for the UI name no hidden field', async () => {
    const r = await ok(as(role).get('/api/auth/me/abilities'), 200);
    const text = JSON.stringify(r.body);
    if (restricted(role)) expect(text).not.toMatch(/salary|note/);
    else if (role === 'Administrator') expect(r.body.rules.length).toBeGreaterThan(0);
  });

  it('links only to records the writer may read, from either side', async () => {
    const c = as(role);
    // forward: an invoice linked to another manager's client
    const fwd = await c.post('/api/tables/invoices/records', { data: { number: `INV-${role}`, amount: '1.00', client: [ids.m2Client] } });
    if (role === 'Viewer') expect(fwd.status).toBe(403);
    else if (role === 'Manager') {
      expect(fwd.status, JSON.stringify(fwd.body)).toBe(400);
      expect(fwd.body.error.details?.client?.code).toBe('LINK_NOT_FOUND');
    } else {
      expect(fwd.status, JSON.stringify(fwd.body)).toBe(201);
      await ok(admin.del(`/api/tables/invoices/records/${fwd.body.id}`), 204);
    }
    // inverse: taking another manager's invoice onto a client of one's own
    const own = role === 'Manager' ? ids.m1Client : ids.adminClient;
    const before = (await ok(admin.get(`/api/tables/invoices/records/${ids.m2Invoice}`), 200)).body;
    const cur = (await ok(c.get(`/api/tables/clients/records/${own}`), 200)).body;
    const inv = await c.patch(`/api/tables/clients/records/${own}`, {
      data: { invoices: [...(cur.data.invoices ?? []), ids.m2Invoice] },
      version: cur.version,
    });
    const after = (await ok(admin.get(`/api/tables/invoices/records/${ids.m2Invoice}`), 200)).body;
    if (restricted(role)) {
      expect(inv.status, JSON.stringify(inv.body)).toBeGreaterThanOrEqual(400);
      expect(inv.status).toBeLessThan(500);
      expect(after.version).toBe(before.version);
      expect(after.data.client).toEqual([ids.m2Client]);
    } else {
      expect(inv.status, JSON.stringify(inv.body)).toBe(200);
      expect(after.version).toBe(before.version + 1);
      expect(after.data.client).toEqual([own]);
      const hist = (await ok(admin.get(`/api/tables/invoices/records/${ids.m2Invoice}/history`), 200)).body.items;
      expect(hist[0].version).toBe(after.version);
      // put it back for the next role
      const back = (await ok(admin.get(`/api/tables/invoices/records/${ids.m2Invoice}`), 200)).body;
      await ok(
        admin.patch(`/api/tables/invoices/records/${ids.m2Invoice}`, { data: { client: [ids.m2Client] }, version: back.version }),
        200,
      );
    }
  });

  it('a delete whose cascade reaches a record the deleter may not delete is refused whole', async () => {
    const c = as(role);
    const mine = await c.post('/api/tables/clients/records', { data: { name: `Cascade ${role}` } });
    if (role === 'Viewer') {
      expect(mine.status).toBe(403);
      return;
    }
    expect(mine.status, JSON.stringify(mine.body)).toBe(201);
    const memo = await ok(admin.post('/api/tables/memos/records', { data: { text: `memo of ${role}`, client: [mine.body.id] } }));
    const del = await c.del(`/api/tables/clients/records/${mine.body.id}`);
    const memoAfter = await admin.get(`/api/tables/memos/records/${memo.body.id}`);
    if (role === 'Manager') {
      expect(del.status, JSON.stringify(del.body)).toBeGreaterThanOrEqual(400);
      expect(del.status).toBeLessThan(500);
      expect(memoAfter.status).toBe(200);
      expect((await admin.get(`/api/tables/clients/records/${mine.body.id}`)).status).toBe(200);
    } else {
      expect(del.status, JSON.stringify(del.body)).toBe(204);
      expect(memoAfter.status).toBe(404);
    }
  });

  it('history restore links only to records the writer may read', async () => {
    if (role === 'Viewer') {
      const h = await users.viewer.get(`/api/tables/invoices/records/${ids.m1Invoice}/history`);
      expect(h.status).toBe(200);
      const r = await users.viewer.post(`/api/tables/invoices/records/${ids.m1Invoice}/history/${h.body.items[0].id}/restore`, {});
      expect(r.status).toBe(403);
      return;
    }
    const c = as(role);
    // an administrator moves m1's invoice to m2's client, then m1 moves it back
    let cur = (await ok(admin.get(`/api/tables/invoices/records/${ids.m1Invoice}`), 200)).body;
    cur = (
      await ok(
        admin.patch(`/api/tables/invoices/records/${ids.m1Invoice}`, { data: { client: [ids.m2Client] }, version: cur.version }),
        200,
      )
    ).body;
    const movedEvent = (await ok(admin.get(`/api/tables/invoices/records/${ids.m1Invoice}/history`), 200)).body.items[0].id;
    await ok(admin.patch(`/api/tables/invoices/records/${ids.m1Invoice}`, { data: { client: [ids.m1Client] }, version: cur.version }), 200);
    const r = await c.post(`/api/tables/invoices/records/${ids.m1Invoice}/history/${movedEvent}/restore`, {});
    const after = (await ok(admin.get(`/api/tables/invoices/records/${ids.m1Invoice}`), 200)).body;
    if (role === 'Manager') {
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.error.details?.client?.code).toBe('LINK_NOT_FOUND');
      expect(after.data.client).toEqual([ids.m1Client]);
    } else {
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(after.data.client).toEqual([ids.m2Client]);
      await ok(
        admin.patch(`/api/tables/invoices/records/${ids.m1Invoice}`, { data: { client: [ids.m1Client] }, version: after.version }),
        200,
      );
    }
  });
});
