/**
 * The bulk write path (issue 7): `?return=ids`, larger batches, the whole batch refused on
 * one bad record with nothing written, and each created or updated row written once (its
 * own formulas evaluated before the write; the tuple's position tells how many versions
 * were written).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, setupAdmin, startTabula, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let api: Client;

async function ok<T = any>(p: Promise<{ status: number; body: T }>): Promise<T> {
  const r = await p;
  if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

function uuid(n: number): string {
  // a UUIDv7-shaped id made by the client, distinct per n
  const hex = n.toString(16).padStart(12, '0');
  return `01900000-0000-7000-8000-${hex}`;
}

async function count(table: string): Promise<number> {
  const r = await ok(api.get(`/api/tables/${table}/records?limit=1`));
  return r.total;
}

async function tableId(key: string): Promise<string> {
  const t = await ok(api.get(`/api/tables/${key}`));
  return t.id;
}

/** Line pointer offsets of the table's live tuples: a row written twice sits past the rows inserted. */
async function offsets(key: string): Promise<Map<string, number>> {
  const rows = await server.tabula.db.query<{ id: string; ctid: string }>(
    `SELECT id::text AS id, ctid::text AS ctid FROM record WHERE table_id = $1`,
    [await tableId(key)],
  );
  return new Map(rows.map((r) => [r.id, Number(/,(\d+)\)/.exec(r.ctid)![1])]));
}

const line = (i: number, order: string, extra: Record<string, unknown> = {}) => ({
  id: uuid(i),
  data: { item: `line ${i}`, qty: (i % 7) + 1, price: '19.99', vat: 0.19, order: [order], ...extra },
});

beforeAll(async () => {
  server = await startTabula();
  api = await setupAdmin(server.url);
  await ok(api.post('/api/tables', { key: 'orders', label: 'Orders', fields: [{ key: 'title', label: 'Title', type: 'text' }] }));
  await ok(
    api.post('/api/tables', {
      key: 'lines',
      label: 'Lines',
      fields: [
        { key: 'item', label: 'Item', type: 'text', required: true },
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
    api.post('/api/tables/lines/fields', {
      key: 'big',
      label: 'Big',
      type: 'formula',
      options: { expression: 'IF(total > 100, "big", "small")' },
    }),
  );
  await ok(
    api.post('/api/tables/lines/fields', { key: 'ratio', label: 'Ratio', type: 'formula', options: { expression: 'qty / (qty - qty)' } }),
  );
  await ok(
    api.post('/api/tables/orders/fields', {
      key: 'total',
      label: 'Total',
      type: 'rollup',
      options: { link: 'lines', field: 'total', aggregate: 'sum' },
    }),
  );
});

afterAll(async () => {
  await server?.close();
});

describe('bulk creates', () => {
  it('answers {"ids"} with return=ids, in the order sent, and stores the computed values', async () => {
    const order = await ok(api.post('/api/tables/orders/records', { data: { title: 'A' } }));
    const records = Array.from({ length: 300 }, (_, i) => line(1_000_000 + i, order.id));
    const r = await api.post('/api/tables/lines/records?return=ids', { records });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body)).toEqual(['ids']);
    expect(r.body.ids).toEqual(records.map((x) => x.id));
    const one = await ok(api.get(`/api/tables/lines/records/${records[1]!.id}`));
    expect(one.data.total).toEqual({ amount: '71.3643', currency: 'EUR' }); // 3 × 19.99 × 1.19
    expect(one.data.big).toBe('small');
    expect(one.data.ratio).toMatchObject({ error: '#DIV/0!' });
    expect(one.data.order).toEqual([order.id]);
    // the rollup of the order followed the whole batch, exactly
    const expected = records.reduce((s, x) => s + (x.data.qty as number) * 1999 * 119, 0); // in 1/10,000 EUR
    const o = await ok(api.get(`/api/tables/orders/records/${order.id}`));
    expect(o.data.total.amount).toBe(`${Math.floor(expected / 10000)}.${String(expected % 10000).padStart(4, '0')}`.replace(/\.?0+$/, ''));
  });

  it('keeps the default answer: the full records (and one record for a single create)', async () => {
    const order = await ok(api.post('/api/tables/orders/records', { data: { title: 'B' } }));
    const r = await ok(
      api.post('/api/tables/lines/records', { records: [line(2_000_000, order.id), line(2_000_001, order.id, { qty: 10 })] }),
    );
    expect(r.records.map((x: any) => x.id)).toEqual([uuid(2_000_000), uuid(2_000_001)]);
    expect(r.records[1].data.total).toEqual({ amount: '237.881', currency: 'EUR' });
    expect(r.records[1].data.big).toBe('big');
    expect(r.records[1].data.order).toEqual([order.id]);
    expect(r.records[1].version).toBe(1);
    const single = await ok(api.post('/api/tables/lines/records', { data: { item: 'solo', qty: 1, price: '1', vat: 0 } }));
    expect(single.data.total).toEqual({ amount: '1.00', currency: 'EUR' });
    const bad = await api.post('/api/tables/lines/records?return=everything', { records: [line(2_000_002, order.id)] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a 5,000-record batch with one bad record and writes nothing', async () => {
    const order = await ok(api.post('/api/tables/orders/records', { data: { title: 'C' } }));
    const before = await count('lines');
    // 5,000 on the server; PGlite takes 1,000 at most per request
    const records = Array.from({ length: server.backend === 'postgres' ? 5000 : 1000 }, (_, i) => line(3_000_000 + i, order.id));
    const bad = records.length - 223;
    records[bad] = { id: uuid(3_000_000 + bad), data: { item: 'bad', qty: 'many', price: '1', vat: 0, order: [order.id] } as never };
    const r = await api.post('/api/tables/lines/records?return=ids', { records });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    expect(r.body.error.details.records).toHaveLength(1);
    expect(r.body.error.details.records[0].index).toBe(bad);
    expect(await count('lines')).toBe(before);
    // a required field missing in one record
    records[bad] = { id: uuid(3_000_000 + bad), data: { qty: 1, order: [order.id] } as never };
    const r2 = await api.post('/api/tables/lines/records?return=ids', { records });
    expect(r2.status).toBe(400);
    expect(r2.body.error.details.records[0].index).toBe(bad);
    // a link to a record that does not exist: found in the database, the whole batch rolls back
    records[bad] = line(3_000_000 + bad, uuid(99));
    const r3 = await api.post('/api/tables/lines/records?return=ids', { records });
    expect(r3.status).toBe(400);
    expect(JSON.stringify(r3.body.error.details)).toContain('LINK_NOT_FOUND');
    expect(await count('lines')).toBe(before);
    expect((await ok(api.get(`/api/tables/orders/records/${order.id}`))).data.total.amount).toBe('0.00');
    // an id that exists already: 409, nothing written
    records[bad] = line(1_000_000, order.id);
    const r4 = await api.post('/api/tables/lines/records?return=ids', { records });
    expect(r4.status).toBe(409);
    expect(await count('lines')).toBe(before);
  });

  it('takes larger batches with return=ids only, up to the backend limit', async () => {
    const order = await ok(api.post('/api/tables/orders/records', { data: { title: 'D' } }));
    const max = server.backend === 'postgres' ? 10_000 : 1_000;
    const tooManyDefault = await api.post('/api/tables/lines/records', {
      records: Array.from({ length: 1001 }, (_, i) => line(4_000_000 + i, order.id)),
    });
    expect(tooManyDefault.status).toBe(400);
    expect(tooManyDefault.body.error.details.records.code).toBe('INVALID_BATCH');
    expect(tooManyDefault.body.error.message).toContain('1 to 1000');
    const tooMany = await api.post('/api/tables/lines/records?return=ids', {
      records: Array.from({ length: max + 1 }, (_, i) => line(4_000_000 + i, order.id)),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details.records.code).toBe('INVALID_BATCH');
    const before = await count('lines');
    const full = await api.post('/api/tables/lines/records?return=ids', {
      records: Array.from({ length: max }, (_, i) => line(4_000_000 + i, order.id, { qty: 1, price: '0.01', vat: 0 })),
    });
    expect(full.status).toBe(201);
    expect(full.body.ids).toHaveLength(max);
    expect(await count('lines')).toBe(before + max);
    expect((await ok(api.get(`/api/tables/orders/records/${order.id}`))).data.total.amount).toBe((max / 100).toFixed(2));
  });

  it('gives return=ids a larger body limit, and keeps the configured one otherwise', async () => {
    const body = JSON.stringify({ records: [{ data: { item: 'x'.repeat(3 * 1024 * 1024) } }] });
    const plain = await api.req('POST', '/api/tables/lines/records', undefined, { raw: body });
    expect(plain.status).toBe(413);
    expect(plain.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const bulk = await api.req('POST', '/api/tables/lines/records?return=ids', undefined, { raw: body });
    expect(bulk.status).not.toBe(413); // read and validated: the text is too long for one-line text
    expect(bulk.status).toBeLessThan(500);
    const huge = await api.req('POST', '/api/tables/lines/records?return=ids', undefined, {
      raw: JSON.stringify({ records: [{ data: { item: 'x'.repeat(9 * 1024 * 1024) } }] }),
    });
    expect(huge.status).toBe(413);
  });
});

describe('one write per row', () => {
  it('creates rows with their formulas in one write, and a PATCH writes the row once', async () => {
    await ok(
      api.post('/api/tables', {
        key: 'items',
        label: 'Items',
        fields: [
          { key: 'name', label: 'Name', type: 'text' },
          { key: 'qty', label: 'Qty', type: 'number' },
          { key: 'price', label: 'Price', type: 'money', options: { currency: 'EUR' } },
        ],
      }),
    );
    await ok(
      api.post('/api/tables/items/fields', { key: 'total', label: 'Total', type: 'formula', options: { expression: 'qty * price' } }),
    );
    await ok(
      api.post('/api/tables/items/fields', {
        key: 'label',
        label: 'Label',
        type: 'formula',
        options: { expression: 'CONCAT(name, ": ", total)' },
      }),
    );
    const r = await ok(
      api.post('/api/tables/items/records', { records: [1, 2, 3].map((n) => ({ data: { name: `n${n}`, qty: n, price: '2.50' } })) }),
    );
    expect(r.records.map((x: any) => x.data.total.amount)).toEqual(['2.50', '5.00', '7.50']);
    let pos = await offsets('items');
    // three rows inserted into an empty partition, each written once: line pointers 1, 2, 3
    expect([...pos.values()].sort()).toEqual([1, 2, 3]);
    const patched = await ok(api.patch(`/api/tables/items/records/${r.records[0].id}`, { data: { qty: 4 } }));
    expect(patched.data.total.amount).toBe('10.00');
    expect(patched.version).toBe(2);
    pos = await offsets('items');
    expect(pos.get(r.records[0].id)).toBe(4); // one new tuple version, not two
    const got = await ok(api.get(`/api/tables/items/records/${r.records[0].id}`));
    expect(got.data.total.amount).toBe('10.00');
    expect(got.data.label).toBe(patched.data.label);
    // clearing a value clears the formula that reads it, still in one write
    const cleared = await ok(api.patch(`/api/tables/items/records/${r.records[1].id}`, { data: { qty: null } }));
    expect(cleared.data.total).toEqual({ amount: '0.00', currency: 'EUR' }); // a blank number counts as 0
    expect((await offsets('items')).get(r.records[1].id)).toBe(5);
    const hist = await ok(api.get(`/api/tables/items/records/${r.records[0].id}/history`));
    expect(Object.keys(hist.items[0].changes)).toEqual(['qty']); // computed values are not history
  });
});

describe('bulk creates: links, rollups under concurrency, history', () => {
  /** Exact sum of the lines' totals (qty × price in cents × (100 + vat %) is in 1/10,000 EUR), as a decimal without trailing zeros. */
  const exact = (lines: { data: Record<string, unknown> }[]) => {
    let s = 0n;
    for (const l of lines)
      s +=
        BigInt(l.data.qty as number) *
        BigInt(Math.round(Number(l.data.price) * 100)) *
        BigInt(Math.round((1 + (l.data.vat as number)) * 100));
    const whole = s / 10_000n;
    const frac = (s % 10_000n).toString().padStart(4, '0').replace(/0+$/, '');
    return frac ? `${whole}.${frac}` : `${whole}`;
  };

  it('keeps every parent total exact when bulk creates run at once against the same parents', async () => {
    const orders = await Promise.all([1, 2, 3].map((n) => ok(api.post('/api/tables/orders/records', { data: { title: `P${n}` } }))));
    // six requests in flight, each adding lines to all three orders, interleaved
    const batches = Array.from({ length: 6 }, (_, b) =>
      Array.from({ length: 120 }, (_, i) =>
        line(5_000_000 + b * 1000 + i, orders[(i + b) % 3]!.id, {
          qty: 1 + ((i * 7 + b) % 13),
          price: `${1 + (i % 9)}.${String((i * 37) % 100).padStart(2, '0')}`,
          vat: [0, 0.09, 0.19][i % 3],
        }),
      ),
    );
    const answers = await Promise.all(batches.map((records) => api.post('/api/tables/lines/records?return=ids', { records })));
    expect(answers.map((a) => a.status)).toEqual(batches.map(() => 201));
    const all = batches.flat();
    for (const o of orders) {
      const mine = all.filter((l) => (l.data.order as string[])[0] === o.id);
      const got = await ok(api.get(`/api/tables/orders/records/${o.id}`));
      expect(mine).toHaveLength(240);
      expect(got.data.total.amount.replace(/\.?0+$/, '')).toBe(exact(mine));
    }
  });

  it('writes the links of every created record and one summary row of history for the batch', async () => {
    const order = await ok(api.post('/api/tables/orders/records', { data: { title: 'links' } }));
    const records = Array.from({ length: 50 }, (_, i) => line(6_000_000 + i, order.id));
    // a link given as null or [] creates the record without a link
    records.push({ id: uuid(6_000_050), data: { item: 'no order', qty: 1, price: '1', vat: 0, order: null as never } });
    records.push({ id: uuid(6_000_051), data: { item: 'empty order', qty: 1, price: '1', vat: 0, order: [] as never } });
    const r = await api.post('/api/tables/lines/records?return=ids', { records });
    expect(r.status).toBe(201);
    const linked = await server.tabula.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM record_link WHERE to_id = $1`, [order.id]);
    expect(linked[0]!.n).toBe(50);
    const first = await ok(api.get(`/api/tables/lines/records/${uuid(6_000_000)}`));
    expect(first.data.order).toEqual([order.id]);
    const loose = await ok(api.get(`/api/tables/lines/records/${uuid(6_000_050)}`));
    expect(loose.data.order).toEqual([]);
    expect((await ok(api.get(`/api/tables/lines/records/${uuid(6_000_051)}`))).data.order).toEqual([]);
    const events = await server.tabula.db.query<{ action: string; summary: { count: number; ids: string[] } }>(
      `SELECT action, summary FROM audit_event WHERE table_id = $1 AND action = 'bulk_create' AND summary->'ids' ? $2`,
      [await tableId('lines'), uuid(6_000_000)],
    );
    expect(events).toHaveLength(1);
    expect(events[0]!.summary.count).toBe(52);
    expect(events[0]!.summary.ids).toEqual(records.map((x) => x.id));
  });

  it('writes nothing at all (records, links, parent totals) when a record in the middle is bad', async () => {
    const order = await ok(api.post('/api/tables/orders/records', { data: { title: 'atomic' } }));
    await ok(api.post('/api/tables/lines/records', { records: [line(7_000_000, order.id, { qty: 1, price: '2.00', vat: 0 })] }));
    const records = Array.from({ length: 400 }, (_, i) => line(7_000_001 + i, order.id));
    records[200] = {
      id: uuid(7_000_201),
      data: { item: 'bad', qty: 1, price: { amount: '1.00', currency: 'USD' }, vat: 0, order: [order.id] } as never,
    };
    const r = await api.post('/api/tables/lines/records?return=ids', { records });
    expect(r.status).toBe(400);
    expect(r.body.error.details.records.map((e: any) => e.index)).toEqual([200]);
    // a trashed parent: the database check refuses the whole batch after validation passed
    const gone = await ok(api.post('/api/tables/orders/records', { data: { title: 'gone' } }));
    expect((await api.del(`/api/tables/orders/records/${gone.id}`)).status).toBeLessThan(300);
    records[200] = line(7_000_201, gone.id);
    const r2 = await api.post('/api/tables/lines/records?return=ids', { records });
    expect(r2.status).toBe(400);
    expect(JSON.stringify(r2.body.error.details)).toContain('LINK_NOT_FOUND');
    const links = await server.tabula.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM record_link WHERE to_id = $1`, [order.id]);
    expect(links[0]!.n).toBe(1);
    const got = await server.tabula.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM record WHERE id = ANY($1::uuid[])`, [
      records.map((x) => x.id),
    ]);
    expect(got[0]!.n).toBe(0);
    expect((await ok(api.get(`/api/tables/orders/records/${order.id}`))).data.total.amount).toBe('2.00');
  });
});

describe('gapless autonumbers in bulk', () => {
  it('writes each numbered row once, numbers a batch without gaps, and gives the numbers back when it fails', async () => {
    await ok(
      api.post('/api/tables', {
        key: 'invoices',
        label: 'Invoices',
        fields: [
          { key: 'no', label: 'No', type: 'autonumber', options: { format: 'INV-{YYYY}-{0000}', gapless: true, dateField: 'date' } },
          { key: 'date', label: 'Date', type: 'date' },
          { key: 'amount', label: 'Amount', type: 'money', options: { currency: 'EUR' }, required: true },
        ],
      }),
    );
    const r = await ok(
      api.post('/api/tables/invoices/records', { records: [1, 2, 3].map((n) => ({ data: { date: '2026-03-0' + n, amount: `${n}.00` } })) }),
    );
    expect(r.records.map((x: any) => x.data.no)).toEqual(['INV-2026-0001', 'INV-2026-0002', 'INV-2026-0003']);
    // three rows inserted into an empty partition, each written once: line pointers 1, 2, 3
    expect([...(await offsets('invoices')).values()].sort()).toEqual([1, 2, 3]);
    // a failing batch (a bad record found in the database: an id that exists) leaves no gap
    const dup = await api.post('/api/tables/invoices/records?return=ids', {
      records: [{ data: { date: '2026-04-01', amount: '1.00' } }, { id: r.records[0].id, data: { date: '2026-04-01', amount: '1.00' } }],
    });
    expect(dup.status).toBe(409);
    // two periods in one batch, numbered per period; then concurrent batches stay gapless
    const two = await ok(
      api.post('/api/tables/invoices/records', {
        records: [{ data: { date: '2027-01-01', amount: '1.00' } }, { data: { date: '2026-05-01', amount: '1.00' } }],
      }),
    );
    expect(two.records.map((x: any) => x.data.no)).toEqual(['INV-2027-0001', 'INV-2026-0004']);
    // (two of them list 2027 first: the counters are still locked in one order)
    const many = await Promise.all(
      Array.from({ length: 4 }, (_, b) =>
        api.post('/api/tables/invoices/records?return=ids', {
          records: Array.from({ length: 25 }, (_, i) => ({ data: { date: (i + b) % 2 ? '2027-02-01' : '2026-06-01', amount: '1.00' } })),
        }),
      ),
    );
    expect(many.map((m) => m.status)).toEqual([201, 201, 201, 201]);
    const list = await ok(api.get('/api/tables/invoices/records?limit=1000&sort=no'));
    const numbers = (year: string) =>
      list.items
        .filter((x: any) => x.data.no.startsWith(`INV-${year}`))
        .map((x: any) => Number(x.data.no.slice(-4)))
        .sort((a: number, b: number) => a - b);
    expect(numbers('2026')).toEqual(Array.from({ length: 4 + 50 }, (_, i) => i + 1));
    expect(numbers('2027')).toEqual(Array.from({ length: 1 + 50 }, (_, i) => i + 1));
  });
});

describe('lookups on create', () => {
  it('writes a new row with its lookups (and the formulas that read them) once, in link order, and the previous owner of a moved link follows', async () => {
    await ok(
      api.post('/api/tables', {
        key: 'suppliers',
        label: 'Suppliers',
        fields: [
          { key: 'name', label: 'Name', type: 'text' },
          { key: 'rate', label: 'Rate', type: 'number', options: { scale: 2 } },
        ],
      }),
    );
    await ok(
      api.post('/api/tables', {
        key: 'parts',
        label: 'Parts',
        fields: [
          { key: 'name', label: 'Name', type: 'text' },
          { key: 'qty', label: 'Qty', type: 'number' },
        ],
      }),
    );
    await ok(
      api.post('/api/tables/parts/fields', {
        key: 'supplier',
        label: 'Supplier',
        type: 'link',
        options: { table: 'suppliers', multiple: false, onDelete: 'unlink', inverseKey: 'parts' },
      }),
    );
    await ok(
      api.post('/api/tables/parts/fields', {
        key: 'supplier_name',
        label: 'Supplier name',
        type: 'lookup',
        options: { link: 'supplier', field: 'name' },
      }),
    );
    await ok(
      api.post('/api/tables/parts/fields', {
        key: 'supplier_rate',
        label: 'Supplier rate',
        type: 'lookup',
        options: { link: 'supplier', field: 'rate' },
      }),
    );
    await ok(
      api.post('/api/tables/parts/fields', { key: 'cost', label: 'Cost', type: 'formula', options: { expression: 'qty * supplier_rate' } }),
    );
    await ok(
      api.post('/api/tables/suppliers/fields', {
        key: 'part_names',
        label: 'Part names',
        type: 'lookup',
        options: { link: 'parts', field: 'name', multiple: true },
      }),
    );
    const s = await ok(
      api.post('/api/tables/suppliers/records', { records: [{ data: { name: 'Acme', rate: 1.25 } }, { data: { name: 'Bolt', rate: 2 } }] }),
    );
    const [acme, bolt] = s.records;
    const made = await ok(
      api.post('/api/tables/parts/records', {
        records: [
          { id: uuid(8_000_002), data: { name: 'gear', qty: 4, supplier: [acme.id] } },
          { id: uuid(8_000_001), data: { name: 'axle', qty: 3, supplier: [bolt.id] } },
          { id: uuid(8_000_003), data: { name: 'loose', qty: 1 } },
        ],
      }),
    );
    const view = (r: any) => [r.data.supplier_name ?? null, r.data.supplier_rate ?? null, r.data.cost ?? null];
    expect(made.records.map(view)).toEqual([
      ['Acme', 1.25, 5],
      ['Bolt', 2, 6],
      [null, null, 0],
    ]);
    // written once: three tuples in an empty partition at line pointers 1, 2, 3
    expect([...(await offsets('parts')).values()].sort()).toEqual([1, 2, 3]);
    // the same values when read back, and the suppliers' inverse lookups followed
    const back = await ok(api.get(`/api/tables/parts/records/${uuid(8_000_002)}`));
    expect(view(back)).toEqual(['Acme', 1.25, 5]);
    expect((await ok(api.get(`/api/tables/suppliers/records/${acme.id}`))).data.part_names).toEqual(['gear']);
    // a new supplier taking both parts (the inverse side: lookups in the order of the other record's id)
    const carr = await ok(
      api.post('/api/tables/suppliers/records', {
        records: [{ data: { name: 'Carr', rate: 3, parts: [uuid(8_000_002), uuid(8_000_001)] } }],
      }),
    );
    expect(carr.records[0].data.part_names).toEqual(['axle', 'gear']);
    expect(view(await ok(api.get(`/api/tables/parts/records/${uuid(8_000_002)}`)))).toEqual(['Carr', 3, 12]);
    // the parts left Acme and Bolt (a part has one supplier): their lookups follow
    expect((await ok(api.get(`/api/tables/suppliers/records/${acme.id}`))).data.part_names ?? []).toEqual([]);
    expect((await ok(api.get(`/api/tables/suppliers/records/${bolt.id}`))).data.part_names ?? []).toEqual([]);
    // and moved by a PATCH: the supplier it leaves follows too
    await ok(api.patch(`/api/tables/parts/records/${uuid(8_000_001)}`, { data: { supplier: [acme.id] } }));
    expect((await ok(api.get(`/api/tables/suppliers/records/${acme.id}`))).data.part_names).toEqual(['axle']);
    expect((await ok(api.get(`/api/tables/suppliers/records/${carr.records[0].id}`))).data.part_names).toEqual(['gear']);
    // two new suppliers of one batch cannot take the same part (a part has one supplier): 400, nothing written
    const before = await count('suppliers');
    const both = await api.post('/api/tables/suppliers/records', {
      records: [{ data: { name: 'D', parts: [uuid(8_000_003)] } }, { data: { name: 'E', parts: [uuid(8_000_003)] } }],
    });
    expect(both.status).toBe(400);
    expect(JSON.stringify(both.body.error.details)).toContain('SINGLE_LINK');
    expect(await count('suppliers')).toBe(before);
    expect((await ok(api.get(`/api/tables/parts/records/${uuid(8_000_003)}`))).data.supplier).toEqual([]);
  });
});
