/**
 * Configuration as a document (issue #3 item 7) and the starter templates (issue #6 item 1):
 * GET /api/config of an instance built through the API, PUT into a fresh instance, GET
 * gives the same document; a failure at the last step leaves the workspace empty; bad
 * documents are a clear 4xx with nothing changed; on a workspace with tables PUT only
 * reports the differences; the CRM template applies and works from the first minute.
 * One embedded database per process: each instance is closed before the next one starts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, setupAdmin, startTabula, type TestServer } from '../helpers/tabula.js';

let server: TestServer | undefined;
let api: Client;

async function ok<T = any>(p: Promise<{ status: number; body: T }>): Promise<T> {
  const r = await p;
  if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Closes the running instance (its document stays in memory) and starts an empty one. */
async function freshInstance(): Promise<void> {
  await server?.close();
  server = await startTabula();
  api = await setupAdmin(server.url);
}

afterAll(async () => {
  await server?.close();
});

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

async function buildThroughApi(): Promise<void> {
  await ok(
    api.post('/api/tables', {
      key: 'clients',
      label: 'Clients',
      fields: [
        { key: 'name', label: 'Name', type: 'text', required: true, searchable: true },
        {
          key: 'segment',
          label: 'Segment',
          type: 'select',
          options: {
            choices: [
              { value: 'Lead', color: 'gray' },
              { value: 'VIP', color: '#aa00ff' },
            ],
          },
          default: 'Lead',
        },
        { key: 'city', label: 'City', type: 'text' },
      ],
    }),
  );
  await ok(
    api.post('/api/tables', {
      key: 'orders',
      label: 'Orders',
      fields: [
        { key: 'number', label: 'Number', type: 'autonumber', options: { format: 'ORD-{YYYY}-{0000}', dateField: 'date' } },
        { key: 'date', label: 'Date', type: 'date' },
      ],
    }),
  );
  await ok(
    api.post('/api/tables/orders/fields', {
      key: 'client',
      label: 'Client',
      type: 'link',
      options: { table: 'clients', multiple: false, onDelete: 'restrict', inverseKey: 'orders', inverseLabel: 'Their orders' },
    }),
  );
  await ok(
    api.post('/api/tables', {
      key: 'lines',
      label: 'Lines',
      fields: [
        { key: 'item', label: 'Item', type: 'text' },
        { key: 'qty', label: 'Qty', type: 'number', options: { scale: 2 } },
        { key: 'price', label: 'Price', type: 'money', options: { currency: 'EUR' } },
        { key: 'vat', label: 'VAT', type: 'percent', default: 0.19 },
      ],
    }),
  );
  await ok(
    api.post('/api/tables/lines/fields', {
      key: 'order',
      label: 'Order',
      type: 'link',
      options: { table: 'orders', multiple: false, onDelete: 'cascade', inverseKey: 'lines' },
    }),
  );
  await ok(
    api.post('/api/tables/lines/fields', {
      key: 'total',
      label: 'Total',
      type: 'formula',
      options: { expression: 'ROUND(qty * price * (1 + vat), 2)' },
    }),
  );
  await ok(
    api.post('/api/tables/lines/fields', {
      key: 'order_date',
      label: 'Order date',
      type: 'lookup',
      options: { link: 'order', field: 'date' },
    }),
  );
  await ok(
    api.post('/api/tables/orders/fields', {
      key: 'total',
      label: 'Total',
      type: 'rollup',
      options: { link: 'lines', field: 'total', aggregate: 'sum' },
    }),
  );
  await ok(
    api.post('/api/tables/clients/fields', {
      key: 'spent',
      label: 'Spent',
      type: 'rollup',
      options: { link: 'orders', field: 'total', aggregate: 'sum' },
    }),
  );
  await ok(
    api.post('/api/tables/clients/fields', {
      key: 'tier',
      label: 'Tier',
      type: 'formula',
      options: { expression: 'IF(spent > 1000, "gold", "standard")' },
    }),
  );
  await ok(
    api.post('/api/tables/clients/fields', {
      key: 'parent',
      label: 'Parent company',
      type: 'link',
      options: { table: 'clients', multiple: false, onDelete: 'unlink', inverseKey: 'subsidiaries', inverseLabel: 'Subsidiaries' },
    }),
  );
  // renames and moves after the fact: the document shows today's keys and order
  await ok(api.patch('/api/tables/lines/fields/qty', { key: 'quantity' }));
  await ok(api.patch('/api/tables/clients/fields/name', { position: 10 }));
  await ok(
    api.put('/api/tables/orders/layouts/card', {
      spec: {
        tabs: [
          {
            title: 'Order',
            sections: [
              { title: 'Head', columns: 2, fields: ['number', 'date', 'client'] },
              { title: 'Sum', columns: 1, fields: ['total'] },
            ],
          },
        ],
        subtables: [{ field: 'lines' }],
      },
    }),
  );
  await ok(
    api.put('/api/tables/clients/layouts/table', { spec: { columns: [{ field: 'name', width: 200 }, { field: 'tier' }], frozen: 1 } }),
  );
  await ok(
    api.post('/api/tables/orders/views', {
      name: 'Recent',
      filter: { field: 'date', op: 'gte', value: { relative: 'today', offset: -30 } },
      sort: '-date',
    }),
  );
  await ok(
    api.post('/api/tables/clients/views', {
      name: 'VIPs',
      filter: { field: 'segment', op: 'eq', value: 'VIP' },
      columns: [{ field: 'name' }, { field: 'spent', width: 120 }],
    }),
  );
  await ok(
    api.post('/api/roles', {
      name: 'Sales',
      rules: [
        { action: 'read', subject: 'clients' },
        { action: 'update', subject: 'orders', conditions: { owner: '$me' } },
      ],
    }),
  );
}

describe('configuration as a document', () => {
  let doc: any;

  it('GET /api/config gives the whole configuration by key, never by id, in a stable order', async () => {
    await freshInstance();
    await buildThroughApi();
    doc = await ok(api.get('/api/config'));
    expect(JSON.stringify(doc)).not.toMatch(UUID);
    expect(doc).toMatchObject({
      format: 'tabula-config',
      version: 1,
      workspace: { baseCurrency: expect.any(String), timeZone: expect.any(String) },
    });
    expect(doc.tables.map((t: any) => t.key)).toEqual(['clients', 'orders', 'lines']);
    const clients = doc.tables[0];
    expect(clients.fields.map((f: any) => f.key)).toEqual(['segment', 'city', 'spent', 'tier', 'parent', 'name']); // the inverses `orders` and `subsidiaries` are not listed
    expect(clients.primaryField).toBe('name');
    const orders = doc.tables[1];
    expect(orders.fields.find((f: any) => f.key === 'client').options).toEqual({
      table: 'clients',
      multiple: false,
      onDelete: 'restrict',
      inverseKey: 'orders',
      inverseLabel: 'Their orders',
    });
    expect(orders.fields.find((f: any) => f.key === 'total').options).toEqual({ link: 'lines', field: 'total', aggregate: 'sum' });
    expect(orders.fields.find((f: any) => f.key === 'number').options).toMatchObject({ format: 'ORD-{YYYY}-{0000}', dateField: 'date' });
    const lines = doc.tables[2];
    expect(lines.fields.find((f: any) => f.key === 'total').options).toEqual({ expression: 'ROUND(quantity * price * (1 + vat), 2)' });
    expect(lines.fields.find((f: any) => f.key === 'order_date').options).toEqual({ link: 'order', field: 'date' });
    expect(lines.fields.find((f: any) => f.key === 'vat').default).toBe(0.19);
    expect(doc.layouts.orders.card.subtables).toEqual([{ field: 'lines' }]);
    expect(doc.layouts.clients).toEqual({ table: { columns: [{ field: 'name', width: 200 }, { field: 'tier' }], frozen: 1 } });
    expect(doc.views.orders).toEqual([
      { name: 'Recent', filter: { field: 'date', op: 'gte', value: { relative: 'today', offset: -30 } }, sort: '-date', columns: null },
    ]);
    expect(doc.roles.find((r: any) => r.name === 'Sales').rules).toEqual([
      { action: 'read', subject: 'clients' },
      { action: 'update', subject: 'orders', conditions: { owner: '$me' } },
    ]);
    expect(await ok(api.get('/api/config'))).toEqual(doc);
  });

  it('is for administrators only', async () => {
    await ok(api.post('/api/users', { email: 'mia@example.com', password: 'manager password', name: 'Mia', roles: ['Manager'] }));
    const login = await ok(new Client(server!.url).post('/api/auth/login', { email: 'mia@example.com', password: 'manager password' }));
    const mia = api.as(login.token);
    expect((await mia.get('/api/config')).status).toBe(403);
    expect((await mia.put('/api/config', doc)).status).toBe(403);
    expect((await mia.get('/api/templates')).status).toBe(200);
    expect((await new Client(server!.url).get('/api/config')).status).toBe(401);
  });

  it('on a workspace with tables, PUT reports the differences and changes nothing', async () => {
    expect(await ok(api.put('/api/config', doc))).toEqual({ applied: false, differences: [] });
    const changed = structuredClone(doc);
    changed.tables[0].label = 'Customers';
    changed.tables[0].fields = changed.tables[0].fields.filter((f: any) => f.key !== 'city');
    changed.tables[2].fields.find((f: any) => f.key === 'total').options.expression = 'quantity * price';
    changed.tables.push({ key: 'notes', label: 'Notes', fields: [{ key: 'text', label: 'Text', type: 'longText' }] });
    changed.views.orders = [];
    const r = await ok(api.put('/api/config', changed));
    expect(r.applied).toBe(false);
    expect(r.differences).toEqual(
      expect.arrayContaining([
        { path: 'tables.clients.label', kind: 'changed', from: 'Clients', to: 'Customers' },
        expect.objectContaining({ path: 'tables.clients.fields.city', kind: 'removed' }),
        {
          path: 'tables.lines.fields.total.options',
          kind: 'changed',
          from: { expression: 'ROUND(quantity * price * (1 + vat), 2)' },
          to: { expression: 'quantity * price' },
        },
        expect.objectContaining({ path: 'tables.notes', kind: 'added' }),
        expect.objectContaining({ path: 'views.orders.Recent', kind: 'removed' }),
      ]),
    );
    expect(r.differences).toHaveLength(5);
    expect(await ok(api.get('/api/config'))).toEqual(doc);
  });

  it('PUT into a fresh instance rebuilds it: GET gives the same document, and records compute', async () => {
    const name = doc.workspace.name;
    await freshInstance();
    expect((await ok(api.get('/api/config'))).workspace.name).toBe(name);
    const r = await ok(api.put('/api/config', { ...doc, workspace: { ...doc.workspace, name: 'Copy' } }));
    expect(r).toMatchObject({ applied: true, created: { tables: 3, views: 2 } });
    const again = await ok(api.get('/api/config'));
    expect(again).toEqual({ ...doc, workspace: { ...doc.workspace, name: 'Copy' } });
    expect((await ok(api.get('/api/workspace'))).name).toBe('Copy');

    const client = await ok(api.post('/api/tables/clients/records', { data: { name: 'Acme', segment: 'VIP' } }));
    const order = await ok(api.post('/api/tables/orders/records', { data: { date: '2026-03-01', client: [client.id] } }));
    expect(order.data.number).toBe('ORD-2026-0001');
    await ok(
      api.post('/api/tables/lines/records', {
        records: [
          { data: { item: 'Widget', quantity: 3, price: '19.99', order: [order.id] } },
          { data: { item: 'Gadget', quantity: 1, price: '1000.00', vat: 0, order: [order.id] } },
        ],
      }),
    );
    const o = await ok(api.get(`/api/tables/orders/records/${order.id}`));
    expect(o.data.total).toEqual({ amount: '1071.36', currency: 'EUR' });
    const c = await ok(api.get(`/api/tables/clients/records/${client.id}`));
    expect(c.data.spent).toEqual({ amount: '1071.36', currency: 'EUR' });
    expect(c.data.tier).toBe('gold');
    const sub = await ok(api.post('/api/tables/clients/records', { data: { name: 'Acme Sub', parent: [client.id] } }));
    expect((await ok(api.get(`/api/tables/clients/records/${client.id}`))).data.subsidiaries).toEqual([sub.id]);
    expect((await api.del(`/api/tables/clients/records/${client.id}`)).status).toBe(409);
  });

  it('a failure at the last step leaves the workspace as it was: no tables, no roles, same settings', async () => {
    await freshInstance();
    const before = await ok(api.get('/api/config'));
    const bad = structuredClone(doc);
    bad.workspace.name = 'Half written';
    // passes validation; refused by the roles service at the very end (after every table)
    bad.roles = [
      ...bad.roles.filter((r: any) => r.name !== 'Administrator'),
      { name: 'Administrator', rules: [{ action: 'read', subject: 'clients' }] },
    ];
    const r = await api.put('/api/config', bad);
    expect(r.status).toBe(409);
    expect(r.body.error.details.at).toBe('roles.Administrator');
    expect((await ok(api.get('/api/tables'))).items).toEqual([]);
    expect(await ok(api.get('/api/config'))).toEqual(before);
    // nothing was left behind: the same keys apply cleanly afterwards
    expect(await ok(api.put('/api/config', doc))).toMatchObject({ applied: true });
    expect((await ok(api.get('/api/config'))).tables).toEqual(doc.tables);
  });
});

describe('bad documents: a clear 4xx, nothing changed', () => {
  beforeAll(freshInstance);
  const base = () => ({
    format: 'tabula-config',
    version: 1,
    tables: [{ key: 'a', label: 'A', fields: [{ key: 'x', label: 'X', type: 'number' }] }],
  });

  it.each([
    ['unknown type', (d: any) => d.tables[0].fields.push({ key: 'y', type: 'hologram' }), 400, 'tables.a.fields.y.type'],
    ['unknown top-level key', (d: any) => (d.extra = 1), 400, '$.extra'],
    ['wrong format', (d: any) => (d.format = 'other'), 400, 'format'],
    [
      'a link to a table not in the document',
      (d: any) => d.tables[0].fields.push({ key: 'b', type: 'link', options: { table: 'nowhere' } }),
      400,
      'tables.a.fields.b.options.table',
    ],
    ['a duplicate field key', (d: any) => d.tables[0].fields.push({ key: 'x', type: 'text' }), 400, 'tables.a.fields.x'],
    ['a duplicate table key', (d: any) => d.tables.push({ key: 'a', label: 'Again' }), 400, 'tables.a'],
    ['a reserved key', (d: any) => d.tables[0].fields.push({ key: 'constructor', type: 'text' }), 400, 'tables.a.fields.constructor'],
    [
      'a "constructor" key in options',
      (d: any) => (d.tables[0].fields[0].options = { scale: 2, constructor: 'x' }),
      400,
      '$.tables[0].fields[0].options.constructor',
    ],
    [
      'a formula error',
      (d: any) => d.tables[0].fields.push({ key: 'f', type: 'formula', options: { expression: 'x + nope' } }),
      422,
      'tables.a.fields.f.options.expression',
    ],
    [
      'a cycle',
      (d: any) =>
        d.tables[0].fields.push(
          { key: 'p', type: 'formula', options: { expression: 'q + 1' } },
          { key: 'q', type: 'formula', options: { expression: 'p * 2' } },
        ),
      422,
      'tables.a.fields.p',
    ],
    [
      'a layout naming an unknown field',
      (d: any) => (d.layouts = { a: { card: { tabs: [{ sections: [{ fields: ['nope'] }] }] } } }),
      400,
      'layouts.a.card',
    ],
    [
      'a view filtering on an unknown field',
      (d: any) => (d.views = { a: [{ name: 'V', filter: { field: 'nope', op: 'eq', value: 1 } }] }),
      400,
      'views.a[0]',
    ],
    [
      'an autonumber dated by a missing field',
      (d: any) => d.tables[0].fields.push({ key: 'no', type: 'autonumber', options: { format: 'N-{0}', dateField: 'nope' } }),
      400,
      'tables.a.fields.no.options.dateField',
    ],
    [
      'an inverse key that is taken',
      (d: any) => d.tables[0].fields.push({ key: 'me', type: 'link', options: { table: 'a', inverseKey: 'x' } }),
      400,
      'tables.a.fields.me.options.inverseKey',
    ],
    [
      'a rollup through a field that is not a link',
      (d: any) => d.tables[0].fields.push({ key: 'r', type: 'rollup', options: { link: 'x', field: 'x' } }),
      400,
      'tables.a.fields.r.options.link',
    ],
    ['an invalid rule', (d: any) => (d.roles = [{ name: 'R', rules: [{ action: 'fly', subject: 'a' }] }]), 400, 'roles.R'],
  ])('%s', async (_name, mutate, status, at) => {
    const d = base();
    mutate(d);
    const r = await api.put('/api/config', d);
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(r.body.error.details.at).toBe(at);
    expect(r.body.error.details.errors.length).toBeGreaterThan(0);
    expect((await ok(api.get('/api/tables'))).items).toEqual([]);
  });

  it('names the cycle across tables, and refuses __proto__ anywhere', async () => {
    const d: any = base();
    d.tables.push({
      key: 'b',
      label: 'B',
      fields: [
        { key: 'a', type: 'link', options: { table: 'a', inverseKey: 'bs' } },
        { key: 'sum_a', type: 'rollup', options: { link: 'a', field: 'from_b', aggregate: 'sum' } },
      ],
    });
    d.tables[0].fields.push({ key: 'from_b', type: 'rollup', options: { link: 'bs', field: 'sum_a', aggregate: 'sum' } });
    const r = await api.put('/api/config', d);
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('CYCLE');
    expect(r.body.error.details.path).toEqual(['a.from_b', 'b.sum_a', 'a.from_b']);
    const raw = JSON.stringify(base()).replace('"version":1', '"version":1,"views":{"a":[{"name":"x","__proto__":{"admin":true}}]}');
    expect((await api.req('PUT', '/api/config', undefined, { raw })).status).toBe(400);
    const poisoned = JSON.stringify(base()).replace('"version":1', '"version":1,"layouts":{"constructor":{"prototype":{"admin":true}}}');
    expect((await api.req('PUT', '/api/config', undefined, { raw: poisoned })).status).toBe(400);
    expect((await ok(api.get('/api/tables'))).items).toEqual([]);
  });
});

describe('starter templates', () => {
  it('lists the CRM and serves it; unknown or unsafe names are 404', async () => {
    await freshInstance();
    const list = await ok(api.get('/api/templates'));
    expect(list).toEqual(
      expect.arrayContaining([{ name: 'crm', title: 'Small-company CRM', description: expect.stringContaining('orders') }]),
    );
    const crm = await ok(api.get('/api/templates/crm'));
    expect(crm.format).toBe('tabula-config');
    for (const name of ['nope', '..%2Fpackage', 'CRM', 'crm.json']) expect((await api.get(`/api/templates/${name}`)).status).toBe(404);
    // the first-run screen offers templates only when the API document lists these endpoints
    const paths = Object.keys((await ok(api.get('/api/docs/json'))).paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/config', '/api/templates', '/api/templates/{name}']));
  });

  it('every other template applies cleanly to a fresh instance and reads back unchanged', async () => {
    const others = (await ok(api.get('/api/templates'))).filter((t: any) => t.name !== 'crm');
    for (const t of others) {
      await freshInstance();
      const tpl = await ok(api.get(`/api/templates/${t.name}`));
      expect(await ok(api.put('/api/config', tpl)), t.name).toMatchObject({ applied: true });
      expect(await ok(api.put('/api/config', tpl)), t.name).toEqual({ applied: false, differences: [] });
    }
    await freshInstance();
  });

  it('the CRM applies to a fresh instance and works: an order with lines gets its total, the client its balance', async () => {
    const crm = await ok(api.get('/api/templates/crm'));
    const applied = await ok(api.put('/api/config', crm));
    expect(applied).toEqual({ applied: true, created: { tables: 6, fields: 40, layouts: 7, views: 4, roles: 0 } });
    // the recompute jobs of the new computed fields ran after the apply committed, not inside its transaction
    // (inside it, now() — and so each job's created_at and updated_at — would be one instant)
    for (let i = 0; i < 100; i++) {
      const jobs = await server!.tabula.db.query<{ state: string; same: boolean }>(
        `SELECT state, updated_at = created_at AS same FROM job WHERE kind = 'recompute'`,
      );
      if (jobs.length && jobs.every((j) => j.state === 'done')) {
        expect(jobs.every((j) => !j.same)).toBe(true);
        break;
      }
      if (i === 99) throw new Error(`recompute jobs did not finish: ${JSON.stringify(jobs)}`);
      await new Promise((res) => setTimeout(res, 100));
    }
    // the stored configuration is the template itself (nothing lost or changed in applying it)
    expect(await ok(api.put('/api/config', crm))).toEqual({ applied: false, differences: [] });

    const acme = await ok(
      api.post('/api/tables/clients/records', { data: { name: 'Acme Ltd', email: 'office@acme.example', city: 'Cluj' } }),
    );
    expect(acme.data.segment).toBe('Lead');
    await ok(api.post('/api/tables/contacts/records', { data: { name: 'Ana Pop', client: [acme.id] } }));
    const today = new Date().toISOString().slice(0, 10);
    const order = await ok(api.post('/api/tables/orders/records', { data: { date: today, client: [acme.id] } }));
    expect(order.data.number).toBe(`ORD-${today.slice(0, 4)}-0001`);
    expect(order.data.status).toBe('Draft');
    await ok(
      api.post('/api/tables/order_lines/records', {
        records: [
          { data: { order: [order.id], product: 'Chair', qty: 4, price: '49.90' } },
          { data: { order: [order.id], product: 'Delivery', qty: 1, price: '15.00', vat: 0 } },
        ],
      }),
    );
    const o = await ok(api.get(`/api/tables/orders/records/${order.id}`));
    expect(o.data.total).toEqual({ amount: '252.52', currency: 'EUR' }); // 4 × 49.90 × 1.19 = 237.524 → 237.52, + 15.00
    expect(o.data.line_count).toBe(2);
    await ok(api.post('/api/tables/payments/records', { data: { date: today, client: [acme.id], amount: '100.00' } }));
    const c = await ok(api.get(`/api/tables/clients/records/${acme.id}`));
    expect(c.data).toMatchObject({
      invoiced: { amount: '252.52', currency: 'EUR' },
      paid: { amount: '100.00', currency: 'EUR' },
      balance: { amount: '152.52', currency: 'EUR' },
    });

    const views = async (table: string) => (await ok(api.get(`/api/tables/${table}/views`))).items;
    const open = (await views('orders')).find((v: any) => v.name === 'Open orders');
    const rows = await ok(api.post('/api/tables/orders/records/query', { filter: open.filter, sort: open.sort }));
    expect(rows.items.map((x: any) => x.id)).toEqual([order.id]);
    const month = (await views('payments')).find((v: any) => v.name === "This month's payments");
    expect((await ok(api.post('/api/tables/payments/records/query', { filter: month.filter, sort: month.sort }))).total).toBe(1);
    const card = await ok(api.get('/api/tables/orders/layouts/card'));
    expect(card).toMatchObject({ saved: true, spec: { subtables: [{ field: 'lines' }] } });
  });
});
