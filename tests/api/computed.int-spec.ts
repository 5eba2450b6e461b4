/**
 * Formulas, lookups, rollups and currencies over HTTP (issue #4): exact money, values
 * current when the request returns, exact totals under fifty concurrent writers, cycles
 * refused with their path, recompute jobs with progress, CONVERT with dated rates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, q, setupAdmin, startTabula, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let api: Client;

async function ok<T = any>(p: Promise<{ status: number; body: T }>): Promise<T> {
  const r = await p;
  if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function waitJob(id: string): Promise<any> {
  for (let i = 0; i < 600; i++) {
    const r = await api.get(`/api/jobs/${id}`);
    if (r.body.state === 'done' || r.body.state === 'failed') return r.body;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('job did not finish');
}

beforeAll(async () => {
  server = await startTabula();
  api = await setupAdmin(server.url);
  await ok(
    api.post('/api/tables', {
      key: 'orders',
      label: 'Orders',
      fields: [
        { key: 'title', label: 'Title', type: 'text' },
        { key: 'date', label: 'Date', type: 'date' },
      ],
    }),
  );
  await ok(
    api.post('/api/tables', {
      key: 'lines',
      label: 'Lines',
      fields: [
        { key: 'item', label: 'Item', type: 'text' },
        { key: 'qty', label: 'Qty', type: 'number' },
        { key: 'price', label: 'Price', type: 'money', options: { currency: 'EUR' } },
        { key: 'vat', label: 'VAT', type: 'percent' },
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
      options: { expression: 'qty * price * (1 + vat)' },
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
    api.post('/api/tables/orders/fields', { key: 'count', label: 'Lines', type: 'formula', options: { expression: 'COUNT(lines)' } }),
  );
  await ok(
    api.post('/api/tables/lines/fields', {
      key: 'order_title',
      label: 'Order title',
      type: 'lookup',
      options: { link: 'order', field: 'title' },
    }),
  );
});

afterAll(async () => {
  await server?.close();
});

describe('formulas and rollups', () => {
  it('stores 19.99 × 3 × 1.19 as exactly 71.3643 and rolls it up in the same request', async () => {
    const order = await ok(api.post('/api/tables/orders/records', { data: { title: 'First', date: '2026-11-26' } }));
    const line = await ok(
      api.post('/api/tables/lines/records', { data: { item: 'Widget', qty: 3, price: '19.99', vat: 0.19, order: [order.id] } }),
    );
    expect(line.data.total).toEqual({ amount: '71.3643', currency: 'EUR' });
    expect(line.data.order_title).toBe('First');
    const o = await ok(api.get(`/api/tables/orders/records/${order.id}`));
    expect(o.data.total).toEqual({ amount: '71.3643', currency: 'EUR' });
    expect(o.data.count).toBe(1);
    expect(o.version).toBe(1); // computed changes do not bump the version
    const edited = await ok(api.patch(`/api/tables/lines/records/${line.id}`, { data: { qty: 1 }, version: 1 }));
    expect(edited.data.total.amount).toBe('23.7881');
    expect((await ok(api.get(`/api/tables/orders/records/${order.id}`))).data.total.amount).toBe('23.7881');
    await ok(api.patch(`/api/tables/orders/records/${order.id}`, { data: { title: 'Renamed' } }));
    expect((await ok(api.get(`/api/tables/lines/records/${line.id}`))).data.order_title).toBe('Renamed');
    await api.del(`/api/tables/lines/records/${line.id}`);
    expect((await ok(api.get(`/api/tables/orders/records/${order.id}`))).data.total.amount).toBe('0.00'); // a money rollup shows the currency's minor units
    await api.post(`/api/tables/lines/records/${line.id}/restore`);
    expect((await ok(api.get(`/api/tables/orders/records/${order.id}`))).data.total.amount).toBe('23.7881');
  });

  it('ends with the exact total when fifty writers add lines to one order at once', async () => {
    const order = await ok(api.post('/api/tables/orders/records', { data: { title: 'Busy' } }));
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api.post('/api/tables/lines/records', { data: { item: `l${i}`, qty: 1, price: '0.01', vat: 0, order: [order.id] } }),
      ),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const o = await ok(api.get(`/api/tables/orders/records/${order.id}`));
    expect(o.data.total).toEqual({ amount: '0.50', currency: 'EUR' });
    expect(o.data.count).toBe(50);
  });

  it('adds ten thousand times 0.01 to exactly 100', async () => {
    const order = await ok(api.post('/api/tables/orders/records', { data: { title: 'Many' } }));
    for (let b = 0; b < 10; b++) {
      await ok(
        api.post('/api/tables/lines/records', {
          records: Array.from({ length: 1000 }, () => ({ data: { qty: 1, price: '0.01', vat: 0, order: [order.id] } })),
        }),
      );
    }
    const o = await ok(api.get(`/api/tables/orders/records/${order.id}`));
    expect(o.data.total).toEqual({ amount: '100.00', currency: 'EUR' });
    const sorted = await ok(
      api.get('/api/tables/orders/records' + q({ sort: '-total', filter: { field: 'total', op: 'gt', value: '1' } })),
    );
    expect(sorted.items[0].id).toBe(order.id);
  });

  it('gives typed cell errors, not crashes', async () => {
    await ok(api.post('/api/tables/lines/fields', { key: 'unit', label: 'Unit', type: 'formula', options: { expression: 'price / qty' } }));
    const line = await ok(api.post('/api/tables/lines/records', { data: { qty: 0, price: '5.00' } }));
    expect(line.data.unit).toMatchObject({ error: '#DIV/0!' });
  });

  it('checks formulas with positions and refuses cycles with their path', async () => {
    const good = await api.post('/api/formula/check', { table: 'lines', expression: 'ROUND(total, 2)' });
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ type: 'money', dependencies: ['total'] });
    const bad = await api.post('/api/formula/check', { table: 'lines', expression: 'qty * pricee' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('FORMULA_ERROR');
    expect(bad.body.error.details.position).toBe(6);
    await ok(api.post('/api/tables/orders/fields', { key: 'a', label: 'A', type: 'formula', options: { expression: '1' } }));
    await ok(api.post('/api/tables/orders/fields', { key: 'b', label: 'B', type: 'formula', options: { expression: 'a + 1' } }));
    const cycle = await api.patch('/api/tables/orders/fields/a', { options: { expression: 'b + 1' } });
    expect(cycle.status).toBe(422);
    expect(cycle.body.error.code).toBe('CYCLE');
    const path: string[] = cycle.body.error.details.path;
    expect(path[0]).toBe(path.at(-1));
    expect([...new Set(path)].sort()).toEqual(['a', 'b']);
    const used = await api.del('/api/tables/orders/fields/a');
    expect(used.status).toBe(409);
    expect(used.body.error.details.dependants).toEqual(['orders.b']);
    for (const expression of [
      'a.constructor',
      'constructor',
      '__proto__',
      'import("fs")',
      'evaluate("1")',
      'createUnit("x")',
      '('.repeat(10000) + '1' + ')'.repeat(10000),
      '1+'.repeat(500000) + '1',
    ]) {
      const r = await api.post('/api/tables/orders/fields', { key: 'evil', label: 'Evil', type: 'formula', options: { expression } });
      expect(r.status, expression.slice(0, 30)).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('recomputes the whole table as a job with progress when a formula changes', async () => {
    const r = await ok(api.patch('/api/tables/lines/fields/total', { options: { expression: 'ROUND(qty * price, 2)' } }));
    expect(r.job).toBeTypeOf('string');
    const job = await waitJob(r.job);
    expect(job.state).toBe('done');
    expect(job.done).toBe(job.total);
    const some = await ok(api.get('/api/tables/lines/records' + q({ filter: { field: 'item', op: 'eq', value: 'Widget' } })));
    expect(some.items[0].data.total.amount).toBe('19.99');
    const first = await ok(api.get('/api/tables/orders/records' + q({ filter: { field: 'title', op: 'eq', value: 'Renamed' } })));
    expect(first.items[0].data.total.amount).toBe('19.99'); // the rollup followed the recomputed lines
  });

  it('evaluates TODAY when read and refuses to filter on it', async () => {
    await ok(
      api.post('/api/tables/orders/fields', {
        key: 'age',
        label: 'Age',
        type: 'formula',
        options: { expression: 'DATEDIFF(date, TODAY(), "day")' },
      }),
    );
    const o = await ok(api.post('/api/tables/orders/records', { data: { title: 'Dated', date: '2020-01-01' } }));
    expect(Number((await ok(api.get(`/api/tables/orders/records/${o.id}`))).data.age)).toBeGreaterThan(2000);
    const f = await api.get('/api/tables/orders/records' + q({ filter: { field: 'age', op: 'gt', value: 1 } }));
    expect(f.status).toBe(400);
  });
});

describe('currencies', () => {
  it('converts with the rate of the date, and says when no rate exists', async () => {
    await ok(
      api.post('/api/tables', {
        key: 'bills',
        label: 'Bills',
        fields: [
          { key: 'amount', label: 'Amount', type: 'money', options: { currency: 'USD' } },
          { key: 'date', label: 'Date', type: 'date' },
        ],
      }),
    );
    await ok(
      api.post('/api/tables/bills/fields', {
        key: 'eur',
        label: 'In EUR',
        type: 'formula',
        options: { expression: 'ROUND(CONVERT(amount, "EUR", date), 2)' },
      }),
    );
    const bill = await ok(api.post('/api/tables/bills/records', { data: { amount: '100.00', date: '2026-06-15' } }));
    expect(bill.data.eur).toMatchObject({ error: '#RATE!' });
    expect((await api.post('/api/exchange-rates', { from: 'USD', to: 'EUR', rate: 'abc', date: '2026-01-01' })).status).toBe(400);
    expect((await api.post('/api/exchange-rates', { from: 'USD', to: 'USD', rate: '1', date: '2026-01-01' })).status).toBe(400);
    expect((await api.post('/api/exchange-rates', { from: 'USD', to: 'EUR', rate: '0.9', date: '2026-02-30' })).status).toBe(400);
    await ok(api.post('/api/exchange-rates', { from: 'USD', to: 'EUR', rate: '0.90', date: '2026-01-01' }));
    const added = await ok(api.post('/api/exchange-rates', { from: 'USD', to: 'EUR', rate: '0.85', date: '2026-07-01' }));
    for (const j of added.jobs) await waitJob(j);
    expect((await ok(api.get(`/api/tables/bills/records/${bill.id}`))).data.eur).toEqual({ amount: '90.00', currency: 'EUR' });
    const later = await ok(api.post('/api/tables/bills/records', { data: { amount: '100.00', date: '2026-08-01' } }));
    expect(later.data.eur).toEqual({ amount: '85.00', currency: 'EUR' });
    const rate = await ok(api.get('/api/exchange-rates?from=USD&to=EUR&date=2026-06-30'));
    expect(rate.rate).toBe('0.9');
  });

  it('refuses adding two fixed currencies at check time', async () => {
    await ok(api.post('/api/tables/bills/fields', { key: 'fee', label: 'Fee', type: 'money', options: { currency: 'EUR' } }));
    const r = await api.post('/api/tables/bills/fields', {
      key: 'sum',
      label: 'Sum',
      type: 'formula',
      options: { expression: 'amount + fee' },
    });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('FORMULA_ERROR');
  });
});

describe('formula helpers for the designer', () => {
  it('previews a formula on a real record and lists the functions', async () => {
    const line = await ok(api.post('/api/tables/lines/records', { data: { qty: 2, price: '1.50', vat: 0 } }));
    const r = await ok(api.post('/api/formula/preview', { table: 'lines', expression: 'qty * price', recordId: line.id }));
    expect(r.value).toEqual({ amount: '3', currency: 'EUR' });
    expect((await api.post('/api/formula/preview', { table: 'lines', expression: 'qty *', recordId: line.id })).status).toBe(422);
    expect(
      (await api.post('/api/formula/preview', { table: 'lines', expression: 'qty', recordId: '01900000-0000-7000-8000-00000000dead' }))
        .status,
    ).toBe(404);
    const f = await ok(api.get('/api/formula/functions'));
    expect(f.items).toContain('ROUND');
    const s = await new Client(server.url).get('/api/auth/session');
    expect(s.status).toBe(200);
    expect(s.body).toEqual({ user: null });
    expect((await ok(api.get('/api/auth/session'))).user.email).toBe('admin@example.com');
    expect((await ok(api.get('/api/workspace'))).baseCurrency).toBe('EUR');
  });
});
