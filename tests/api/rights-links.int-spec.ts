/**
 * Rights on the paths that cross tables (issue #5's matrix, continued): link values, lookups,
 * rollups and attachments. A clerk reads the clients of their region only, never a client's
 * salary, and reads every order. No response may reveal a foreign client's name or a salary
 * — neither through an order's link, nor through a lookup or a rollup that reads them, nor
 * through a filter, a sort, a search or a total on such a field. PGlite by default,
 * PostgreSQL with DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, q, RecordingClient, setupAdmin, startTabula, type Res, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let admin: Client;

const Recording = RecordingClient;
type Recording = RecordingClient;

const PW = 'a long enough password';
let clerk: Recording;
const ids: Record<string, string> = {};
const SOUTH_NAME = 'Southern Secret Ltd';
const SALARY_N = '8812301';
const SALARY_S = '8812302';

async function ok(p: Promise<Res>, status = 201): Promise<Res> {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r;
}

function expectError(r: Res, status: number, code?: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  if (code) expect(r.body.error.code).toBe(code);
}

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
        { key: 'region', label: 'Region', type: 'select', options: { choices: [{ value: 'north' }, { value: 'south' }] } },
        { key: 'salary', label: 'Salary', type: 'number' },
      ],
    }),
  );
  await ok(
    admin.post('/api/tables', {
      key: 'orders',
      label: 'Orders',
      primaryField: 'number',
      fields: [
        { key: 'number', label: 'Number', type: 'text', required: true, searchable: true },
        { key: 'amount', label: 'Amount', type: 'money', options: { currency: 'EUR' } },
        {
          key: 'client',
          label: 'Client',
          type: 'link',
          options: { table: 'clients', multiple: false, inverseKey: 'orders', inverseLabel: 'Orders' },
        },
      ],
    }),
  );
  // computed fields that read across the link, both ways
  await ok(
    admin.post('/api/tables/orders/fields', {
      key: 'client_name',
      label: 'Client name',
      type: 'lookup',
      options: { link: 'client', field: 'name' },
    }),
  );
  await ok(
    admin.post('/api/tables/orders/fields', {
      key: 'client_salary',
      label: 'Client salary',
      type: 'lookup',
      options: { link: 'client', field: 'salary' },
    }),
  );
  await ok(
    admin.post('/api/tables/clients/fields', {
      key: 'orders_total',
      label: 'Orders total',
      type: 'rollup',
      options: { link: 'orders', field: 'amount', aggregate: 'sum' },
    }),
  );
  await ok(
    admin.post('/api/tables/clients/fields', {
      key: 'salary_x2',
      label: 'Salary × 2',
      type: 'formula',
      options: { expression: 'salary * 2' },
    }),
  );

  ids.north = (
    await ok(admin.post('/api/tables/clients/records', { data: { name: 'Northern Light', region: 'north', salary: SALARY_N } }))
  ).body.id;
  ids.south = (
    await ok(admin.post('/api/tables/clients/records', { data: { name: SOUTH_NAME, region: 'south', salary: SALARY_S } }))
  ).body.id;
  ids.o1 = (
    await ok(admin.post('/api/tables/orders/records', { data: { number: 'ORD-1', amount: '10.00', client: [ids.north] } }))
  ).body.id;
  ids.o2 = (
    await ok(admin.post('/api/tables/orders/records', { data: { number: 'ORD-2', amount: '20.00', client: [ids.south] } }))
  ).body.id;

  const role = await ok(
    admin.post('/api/roles', {
      name: 'Regional clerk',
      rules: [
        { action: 'read', subject: 'clients', conditions: { region: '$me.region' } },
        { action: 'read', subject: 'clients', fields: ['salary'], inverted: true },
        { action: 'read', subject: 'orders' },
      ],
    }),
  );
  await ok(
    admin.post('/api/users', {
      email: 'clerk@example.com',
      password: PW,
      name: 'Clerk',
      roles: [role.body.id],
      attributes: { region: 'north' },
    }),
  );
  clerk = new Recording(server.url);
  const login = await clerk.post('/api/auth/login', { email: 'clerk@example.com', password: PW });
  expect(login.status).toBe(200);
  clerk.token = login.body.token;
});

afterAll(async () => {
  await server?.close();
});

describe("links to records outside the reader's scope", () => {
  it("an order shows its link to a foreign client without the client's name", async () => {
    const list = await ok(clerk.get('/api/tables/orders/records?sort=number&expand=links'), 200);
    expect(list.body.items.map((r: any) => r.data.number)).toEqual(['ORD-1', 'ORD-2']);
    const [o1, o2] = list.body.items;
    expect(o1.data.client).toEqual([ids.north]);
    expect(JSON.stringify(o1.expanded.client)).toContain('Northern Light');
    expect(JSON.stringify(o2.expanded ?? null)).not.toContain(SOUTH_NAME);
    const one = await ok(clerk.get(`/api/tables/orders/records/${ids.o2}?expand=client`), 200);
    expect(JSON.stringify(one.body)).not.toContain(SOUTH_NAME);
  });

  it('the inverse link of a readable client lists its orders', async () => {
    const c = await ok(clerk.get(`/api/tables/clients/records/${ids.north}?expand=orders`), 200);
    expect(c.body.data.orders).toEqual([ids.o1]);
    expect(JSON.stringify(c.body.expanded.orders)).toContain('ORD-1');
    expectError(await clerk.get(`/api/tables/clients/records/${ids.south}`), 404, 'NOT_FOUND');
  });
});

describe('lookups, rollups and formulas over fields the reader may not read', () => {
  it('a lookup of a hidden field is hidden too: not in answers, and no filter, sort or search on it', async () => {
    const list = await ok(clerk.get('/api/tables/orders/records'), 200);
    for (const r of list.body.items) expect(r.data).not.toHaveProperty('client_salary');
    expectError(await clerk.get('/api/tables/orders/records' + q({ sort: 'client_salary' })), 400);
    expectError(await clerk.get('/api/tables/orders/records' + q({ filter: { field: 'client_salary', op: 'gt', value: 0 } })), 400);
    const byAdmin = await ok(admin.get(`/api/tables/orders/records/${ids.o1}`), 200);
    expect(JSON.stringify(byAdmin.body.data.client_salary)).toContain(SALARY_N);
  });

  it('a lookup through a link to a table the reader sees only in part is hidden', async () => {
    // the clerk sees the clients of one region: a lookup of the client's name would show
    // the names of the others, so the field is absent for them, as if it did not exist
    const o2 = await ok(clerk.get(`/api/tables/orders/records/${ids.o2}`), 200);
    expect(o2.body.data).not.toHaveProperty('client_name');
    expect(JSON.stringify(o2.body)).not.toContain(SOUTH_NAME);
    expectError(
      await clerk.get('/api/tables/orders/records' + q({ filter: { field: 'client_name', op: 'contains', value: 'Southern' } })),
      400,
    );
    const fields = await ok(clerk.get('/api/tables/orders'), 200);
    const keys = fields.body.fields.map((f: any) => f.key);
    expect(keys).toContain('client');
    expect(keys).not.toContain('client_name');
    expect(keys).not.toContain('client_salary');
    // a reader of every client (but not the salary) sees the name lookup, not the salary one
    const desk = await ok(
      admin.post('/api/roles', {
        name: 'Order desk',
        rules: [
          { action: 'read', subject: 'orders' },
          { action: 'read', subject: 'clients' },
          { action: 'read', subject: 'clients', fields: ['salary'], inverted: true },
        ],
      }),
    );
    await ok(admin.post('/api/users', { email: 'desk@example.com', password: PW, name: 'Desk', roles: [desk.body.id] }));
    const d = new Client(server.url);
    d.token = (await ok(d.post('/api/auth/login', { email: 'desk@example.com', password: PW }), 200)).body.token;
    const seen = await ok(d.get(`/api/tables/orders/records/${ids.o2}`), 200);
    expect(seen.body.data.client_name).toBe(SOUTH_NAME);
    expect(seen.body.data).not.toHaveProperty('client_salary');
  });

  it('a formula over a hidden field is hidden too', async () => {
    const c = await ok(clerk.get(`/api/tables/clients/records/${ids.north}`), 200);
    expect(c.body.data).not.toHaveProperty('salary');
    expect(c.body.data).not.toHaveProperty('salary_x2');
    expectError(await clerk.get('/api/tables/clients/records' + q({ sort: '-salary_x2' })), 400);
  });

  it('a rollup of readable fields on a readable record is shown', async () => {
    const c = await ok(clerk.get(`/api/tables/clients/records/${ids.north}`), 200);
    expect(c.body.data.orders_total).toMatchObject({ amount: '10.00', currency: 'EUR' });
  });

  it('revealed no foreign name and no salary on any path', () => {
    clerk.assertNeverSaw([SOUTH_NAME, SALARY_N, SALARY_S, String(Number(SALARY_N) * 2)]);
  });
});
