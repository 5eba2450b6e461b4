/**
 * A formula change recomputes the table as a job; when GET /api/jobs/:id says `done`, every
 * rollup that reads the formula (an order's total of its lines, a client's total of its
 * orders) is the exact sum of the NEW values — also when an order's lines fall in two job
 * steps (a step of 3 rows, TABULA_RECOMPUTE_BATCH) and when a step touches more parents
 * than the synchronous fan-out limit (1,000). Expected values are computed here with
 * integers from the inputs, not read back from the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, setupAdmin, startTabula, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let api: Client;
const savedBatch = process.env.TABULA_RECOMPUTE_BATCH;

async function ok<T = any>(p: Promise<{ status: number; body: T }>): Promise<T> {
  const r = await p;
  if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function waitJob(id: string): Promise<any> {
  for (let i = 0; i < 1200; i++) {
    const r = await api.get(`/api/jobs/${id}`);
    if (r.body.state === 'done' || r.body.state === 'failed') return r.body;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('job did not finish');
}

async function all(table: string): Promise<any[]> {
  const out: any[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await ok(
      api.get(`/api/tables/${table}/records?limit=1000&count=none${after ? `&after=${encodeURIComponent(after)}` : ''}`),
    );
    out.push(...page.items);
    if (!page.nextCursor || !page.items.length) return out;
    after = page.nextCursor;
  }
}

/** cents → "12.30" (money at the currency's minor units, as the API shows it) */
function money(cents: bigint): string {
  const neg = cents < 0n;
  const a = neg ? -cents : cents;
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}

interface Line {
  qty: number; // integer
  cents: number; // unit price in cents
  vat: number; // percent points: 0, 5, 19, 20
}

/** ROUND(qty * price * (1 + vat), 2) in cents, half away from zero, exactly */
function rounded(l: Line): bigint {
  const e4 = BigInt(l.qty) * BigInt(l.cents) * BigInt(100 + l.vat); // units of 0.0001
  const neg = e4 < 0n;
  const a = neg ? -e4 : e4;
  const c = (a + 50n) / 100n;
  return neg ? -c : c;
}

/** a deterministic spread of values: negative prices, zero, ties at half a cent, sums ending in 0 cents */
function lineValues(i: number): Line {
  const vats = [0, 5, 19, 20];
  return { qty: 1 + ((i * 7) % 9), cents: ((i * 7919) % 20011) - 1500, vat: vats[i % 4]! };
}

async function setup(prefix: string): Promise<void> {
  await ok(
    api.post('/api/tables', {
      key: `${prefix}clients`,
      label: `${prefix} clients`,
      fields: [{ key: 'name', label: 'Name', type: 'text' }],
    }),
  );
  await ok(
    api.post('/api/tables', {
      key: `${prefix}orders`,
      label: `${prefix} orders`,
      fields: [{ key: 'number', label: 'Number', type: 'text' }],
    }),
  );
  await ok(
    api.post('/api/tables', {
      key: `${prefix}lines`,
      label: `${prefix} lines`,
      fields: [
        { key: 'item', label: 'Item', type: 'text' },
        { key: 'qty', label: 'Qty', type: 'number' },
        { key: 'price', label: 'Price', type: 'money', options: { currency: 'EUR' } },
        { key: 'vat', label: 'VAT', type: 'percent' },
      ],
    }),
  );
  await ok(
    api.post(`/api/tables/${prefix}orders/fields`, {
      key: 'client',
      label: 'Client',
      type: 'link',
      options: { table: `${prefix}clients`, multiple: false, onDelete: 'restrict', inverseKey: 'orders' },
    }),
  );
  await ok(
    api.post(`/api/tables/${prefix}lines/fields`, {
      key: 'order',
      label: 'Order',
      type: 'link',
      options: { table: `${prefix}orders`, multiple: false, onDelete: 'cascade', inverseKey: 'lines' },
    }),
  );
  await ok(
    api.post(`/api/tables/${prefix}lines/fields`, {
      key: 'total',
      label: 'Total',
      type: 'formula',
      options: { expression: 'qty * price * (1 + vat)' },
    }),
  );
  await ok(
    api.post(`/api/tables/${prefix}orders/fields`, {
      key: 'total',
      label: 'Total',
      type: 'rollup',
      options: { link: 'lines', field: 'total', aggregate: 'sum' },
    }),
  );
  await ok(
    api.post(`/api/tables/${prefix}clients/fields`, {
      key: 'total',
      label: 'Total',
      type: 'rollup',
      options: { link: 'orders', field: 'total', aggregate: 'sum' },
    }),
  );
}

/** creates `sizes.length` orders with sizes[k] lines each (in id order, so an order's lines are contiguous), spread over `clients` clients */
async function fill(
  prefix: string,
  sizes: number[],
  clients: number,
): Promise<{ orders: string[]; clientOf: number[]; lines: { order: number; v: Line }[] }> {
  const c = await ok(
    api.post(`/api/tables/${prefix}clients/records?return=ids`, {
      records: Array.from({ length: clients }, (_, k) => ({ data: { name: `c${k}` } })),
    }),
  );
  const clientIds: string[] = c.ids ?? c.items.map((x: any) => x.id);
  const clientOf = sizes.map((_, k) => (k * 5) % clients);
  const orders: string[] = [];
  for (let a = 0; a < sizes.length; a += 1000) {
    const r = await ok(
      api.post(`/api/tables/${prefix}orders/records?return=ids`, {
        records: sizes.slice(a, a + 1000).map((_, j) => ({ data: { number: `o${a + j}`, client: [clientIds[clientOf[a + j]!]] } })),
      }),
    );
    orders.push(...(r.ids ?? r.items.map((x: any) => x.id)));
  }
  const lines: { order: number; v: Line }[] = [];
  sizes.forEach((n, k) => {
    for (let j = 0; j < n; j++) lines.push({ order: k, v: lineValues(lines.length) });
  });
  for (let a = 0; a < lines.length; a += 1000) {
    await ok(
      api.post(`/api/tables/${prefix}lines/records?return=ids`, {
        records: lines.slice(a, a + 1000).map((l, j) => ({
          data: { item: `l${a + j}`, qty: l.v.qty, price: money(BigInt(l.v.cents)), vat: l.v.vat / 100, order: [orders[l.order]] },
        })),
      }),
    );
  }
  return { orders, clientOf, lines };
}

async function changeAndCheck(prefix: string, data: Awaited<ReturnType<typeof fill>>): Promise<void> {
  const r = await ok(
    api.patch(`/api/tables/${prefix}lines/fields/total`, { options: { expression: 'ROUND(qty * price * (1 + vat), 2)' } }),
  );
  const job = await waitJob(r.job);
  expect(job.state).toBe('done');
  expect(job.done).toBe(data.lines.length);
  expect(job.total).toBe(data.lines.length);
  // the parents were recomputed within the job's own steps: no follow-up job was needed (a
  // follow-up job would leave them stale between `done` and its own run — a race a read may lose)
  const later = await server.tabula.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM job WHERE kind = 'recompute' AND id <> $1 AND created_at >= (SELECT created_at FROM job WHERE id = $1)`,
    [r.job],
  );
  expect(later[0]!.n).toBe(0);
  // read right after `done`: nothing may be left for a later job
  const orders = new Map((await all(`${prefix}orders`)).map((o) => [o.id, o]));
  const clients = await all(`${prefix}clients`);
  const lines = new Map((await all(`${prefix}lines`)).map((l) => [l.data.item, l]));
  const perOrder = data.orders.map(() => 0n);
  data.lines.forEach((l, i) => {
    const cents = rounded(l.v);
    perOrder[l.order]! += cents;
    const got = lines.get(`l${i}`)!;
    expect(got.data.total, `line ${i}`).toEqual({ amount: money(cents), currency: 'EUR' });
    expect(got.version, `line ${i} version`).toBe(1); // computed changes do not bump the version
  });
  const wrong: string[] = [];
  data.orders.forEach((id, k) => {
    const o = orders.get(id)!;
    if (o.data.total?.amount !== money(perOrder[k]!)) wrong.push(`order ${k}: ${o.data.total?.amount} ≠ ${money(perOrder[k]!)}`);
    if (o.version !== 1) wrong.push(`order ${k}: version ${o.version}`);
  });
  const perClient = new Map<string, bigint>();
  for (const c of clients) perClient.set(c.data.name, 0n);
  data.orders.forEach((_, k) => perClient.set(`c${data.clientOf[k]}`, perClient.get(`c${data.clientOf[k]}`)! + perOrder[k]!));
  for (const c of clients)
    if (c.data.total?.amount !== money(perClient.get(c.data.name)!))
      wrong.push(`client ${c.data.name}: ${c.data.total?.amount} ≠ ${money(perClient.get(c.data.name)!)}`);
  expect(wrong).toEqual([]);
}

beforeAll(async () => {
  server = await startTabula();
  api = await setupAdmin(server.url);
});

afterAll(async () => {
  if (savedBatch === undefined) delete process.env.TABULA_RECOMPUTE_BATCH;
  else process.env.TABULA_RECOMPUTE_BATCH = savedBatch;
  await server?.close();
});

describe('formula change: the rollups that read it are exact when the job is done', () => {
  it('orders whose lines straddle job steps of 3 rows, and their clients', async () => {
    process.env.TABULA_RECOMPUTE_BATCH = '3';
    await setup('s_');
    const sizes = [1, 2, 4, 7, 3, 5, 1, 1, 6, 2, 8, 3];
    const data = await fill('s_', sizes, 3);
    // the sums include amounts ending in a zero cent and negative ones
    await changeAndCheck('s_', data);
  });

  it('a step that touches more orders than the synchronous fan-out limit (1,000)', async () => {
    process.env.TABULA_RECOMPUTE_BATCH = '4000';
    await setup('f_');
    const data = await fill(
      'f_',
      Array.from({ length: 2000 }, () => 1),
      7,
    );
    await changeAndCheck('f_', data);
  }, 120_000);
});
