/**
 * Records that behave like a ledger (issue #3): links with their inverse, restrict and
 * cascade deletes restored as one batch, autonumbers (distinct under concurrency, gapless
 * on request), history with restore of a past version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, q, setupAdmin, startTabula, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let api: Client;

beforeAll(async () => {
  server = await startTabula();
  api = await setupAdmin(server.url);
  const ok = (r: { status: number; body: unknown }) => {
    if (r.status >= 300) throw new Error(JSON.stringify(r.body));
    return r;
  };
  ok(
    await api.post('/api/tables', {
      key: 'clients',
      label: 'Clients',
      fields: [{ key: 'name', label: 'Name', type: 'text', required: true }],
    }),
  );
  ok(
    await api.post('/api/tables', {
      key: 'orders',
      label: 'Orders',
      fields: [
        { key: 'number', label: 'Number', type: 'autonumber', options: { format: 'ORD-{YYYY}-{0000}', dateField: 'date' } },
        { key: 'date', label: 'Date', type: 'date' },
      ],
    }),
  );
  ok(
    await api.post('/api/tables/orders/fields', {
      key: 'client',
      label: 'Client',
      type: 'link',
      options: { table: 'clients', multiple: false, onDelete: 'restrict', inverseKey: 'orders', inverseLabel: 'Orders' },
    }),
  );
  ok(
    await api.post('/api/tables', {
      key: 'lines',
      label: 'Lines',
      fields: [
        { key: 'item', label: 'Item', type: 'text' },
        { key: 'qty', label: 'Qty', type: 'number' },
      ],
    }),
  );
  ok(
    await api.post('/api/tables/lines/fields', {
      key: 'order',
      label: 'Order',
      type: 'link',
      options: { table: 'orders', multiple: false, onDelete: 'cascade', inverseKey: 'lines' },
    }),
  );
  ok(
    await api.post('/api/tables', {
      key: 'invoices',
      label: 'Invoices',
      fields: [
        { key: 'no', label: 'No', type: 'autonumber', options: { format: 'INV-{YYYY}-{0000}', gapless: true } },
        { key: 'amount', label: 'Amount', type: 'money', options: { currency: 'EUR' }, required: true },
      ],
    }),
  );
});

afterAll(async () => {
  await server?.close();
});

describe('links', () => {
  let acme: any;
  let order: any;

  it('creates the inverse field on the other table', async () => {
    const clients = await api.get('/api/tables/clients');
    const inv = clients.body.fields.find((f: any) => f.key === 'orders');
    expect(inv).toMatchObject({ type: 'link', label: 'Orders' });
    expect(inv.options).toMatchObject({ multiple: true, side: 'inverse' });
  });

  it('links an order to its client and shows it on both sides', async () => {
    acme = (await api.post('/api/tables/clients/records', { data: { name: 'Acme' } })).body;
    order = (await api.post('/api/tables/orders/records', { data: { date: '2026-03-01', client: [acme.id] } })).body;
    expect(order.data.client).toEqual([acme.id]);
    expect(order.data.number).toBe('ORD-2026-0001');
    const lines = await api.post('/api/tables/lines/records', {
      records: [1, 2, 3].map((n) => ({ data: { item: `item ${n}`, qty: n, order: [order.id] } })),
    });
    expect(lines.status, JSON.stringify(lines.body)).toBe(201);
    const client = await api.get(`/api/tables/clients/records/${acme.id}?expand=orders`);
    expect(client.body.data.orders).toEqual([order.id]);
    expect(client.body.expanded.orders).toEqual([{ id: order.id, name: 'ORD-2026-0001', readable: true }]);
    const ord = await api.get(`/api/tables/orders/records/${order.id}`);
    expect(ord.body.data.lines).toHaveLength(3);
    const listed = await api.get(
      '/api/tables/lines/records' + q({ filter: { field: 'order', op: 'eq', value: [order.id] }, expand: 'order' }),
    );
    expect(listed.body.total).toBe(3);
    expect(listed.body.items[0].expanded.order[0].name).toBe('ORD-2026-0001');
  });

  it('refuses links to missing or trashed records, changing nothing', async () => {
    const ghost = '01900000-0000-7000-8000-00000000dead';
    const r = await api.post('/api/tables/orders/records', { data: { client: [ghost] } });
    expect(r.status).toBe(400);
    expect(r.body.error.details.client.code).toBe('LINK_NOT_FOUND');
    const tmp = (await api.post('/api/tables/clients/records', { data: { name: 'Temp' } })).body;
    await api.del(`/api/tables/clients/records/${tmp.id}`);
    const r2 = await api.patch(`/api/tables/orders/records/${order.id}`, { data: { client: [tmp.id] } });
    expect(r2.status).toBe(400);
    expect((await api.get(`/api/tables/orders/records/${order.id}`)).body.data.client).toEqual([acme.id]);
    expect((await api.post('/api/tables/orders/records', { data: { client: [acme.id, tmp.id] } })).status).toBe(400);
  });

  it('refuses to delete a client with orders (restrict), nothing moves', async () => {
    const r = await api.del(`/api/tables/clients/records/${acme.id}`);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('DELETE_RESTRICTED');
    expect((await api.get(`/api/tables/clients/records/${acme.id}`)).status).toBe(200);
  });

  it('cascades an order delete to its lines and restores them as one batch', async () => {
    expect((await api.del(`/api/tables/orders/records/${order.id}`)).status).toBe(204);
    expect((await api.get('/api/tables/lines/records')).body.total).toBe(0);
    expect((await api.get(`/api/tables/clients/records/${acme.id}`)).body.data.orders).toEqual([]);
    expect((await api.get('/api/tables/lines/trash')).body.total).toBe(3);
    const restored = await api.post(`/api/tables/orders/records/${order.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body.data.lines).toHaveLength(3);
    expect((await api.get('/api/tables/lines/records')).body.total).toBe(3);
    expect((await api.get(`/api/tables/clients/records/${acme.id}`)).body.data.orders).toEqual([order.id]);
  });
});

describe('autonumbers', () => {
  it('gives forty concurrent orders forty distinct numbers', async () => {
    const made = await Promise.all(
      Array.from({ length: 40 }, () => api.post('/api/tables/orders/records', { data: { date: '2027-01-15' } })),
    );
    const numbers = made.map((r) => r.body.data.number);
    expect(new Set(numbers).size).toBe(40);
    expect(numbers.every((n: string) => /^ORD-2027-\d{4}$/.test(n))).toBe(true);
  });

  it('numbers gapless invoices without gaps even when writes fail', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        api.post('/api/tables/invoices/records', { data: i % 5 === 0 ? { amount: 'not money' } : { amount: '10.00' } }),
      ),
    );
    expect(results.filter((r) => r.status === 400)).toHaveLength(8);
    const list = await api.get('/api/tables/invoices/records?sort=no&limit=100');
    const nums = list.body.items.map((r: any) => Number(r.data.no.slice(-4)));
    expect(nums).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
  });

  it('sorts by the number, not the text (…-10000 after …-9999)', async () => {
    await api.post('/api/tables', {
      key: 'tickets',
      label: 'Tickets',
      fields: [{ key: 'no', label: 'No', type: 'autonumber', options: { format: 'T-{0}' } }],
    });
    await api.post('/api/tables/tickets/records', { records: Array.from({ length: 12 }, () => ({ data: {} })) });
    const r = await api.get('/api/tables/tickets/records?sort=-no&limit=3');
    expect(r.body.items.map((x: any) => x.data.no)).toEqual(['T-12', 'T-11', 'T-10']);
    expect((await api.post('/api/tables/tickets/records', { data: { no: 'T-99' } })).status).toBe(400);
  });
});

describe('history', () => {
  it('shows each change and restores a past version as a new write', async () => {
    const c = (await api.post('/api/tables/clients/records', { data: { name: 'Version 1' } })).body;
    await api.patch(`/api/tables/clients/records/${c.id}`, { data: { name: 'Version 2' }, version: 1 });
    await api.patch(`/api/tables/clients/records/${c.id}`, { data: { name: 'Version 3' }, version: 2 });
    const hist = await api.get(`/api/tables/clients/records/${c.id}/history`);
    expect(hist.body.items.map((e: any) => e.action)).toEqual(['update', 'update', 'create']);
    expect(hist.body.items[0].user.name).toBe('Ada Admin');
    const first = hist.body.items[2];
    const stale = await api.post(`/api/tables/clients/records/${c.id}/history/${first.id}/restore`, { version: 2 });
    expect(stale.status).toBe(409);
    const r = await api.post(`/api/tables/clients/records/${c.id}/history/${first.id}/restore`, { version: 3 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.data.name).toBe('Version 1');
    expect(r.body.version).toBe(4);
    const after = await api.get(`/api/tables/clients/records/${c.id}/history`);
    expect(after.body.items[0].changes).toEqual({ name: { from: 'Version 3', to: 'Version 1' } });
  });

  it('writes one summary row for a batch', async () => {
    const before = await server.tabula.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_event`);
    await api.post('/api/tables/clients/records', { records: Array.from({ length: 25 }, (_, i) => ({ data: { name: `Bulk ${i}` } })) });
    const after = await server.tabula.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_event`);
    expect(after[0]!.n - before[0]!.n).toBe(1);
  });
});
