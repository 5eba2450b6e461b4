/**
 * A grid footer shows the same sum whether the server adds up every matching record
 * (`POST …/records/aggregate`) or the designer adds up the rows it has loaded
 * (apps/designer/src/lib/grid/footer-sums.ts, with the engine's exact decimals): for each
 * case of the shared table, the API stores the cells, returns them in the wire form the
 * table states, and answers the table's total; the designer's sum of the returned records
 * is that same total. PGlite by default, PostgreSQL with DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOOTER_CASES } from '../../apps/designer/src/lib/grid/footer-sums.cases.js';
import { columnTotal } from '../../apps/designer/src/lib/grid/footer-sums.js';
import { Client, setupAdmin, startTabula, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let admin: Client;
let table: any;
let records: any[];

const key = (i: number) => `c${i}`;

beforeAll(async () => {
  server = await startTabula();
  admin = await setupAdmin(server.url);
  const fields = FOOTER_CASES.map((c, i) => ({ key: key(i), label: c.name.slice(0, 60), type: c.type, options: c.options }));
  const t = await admin.post('/api/tables', {
    key: 'sums',
    label: 'Sums',
    fields: [{ key: 'name', label: 'Name', type: 'text' }, ...fields],
  });
  expect(t.status, JSON.stringify(t.body)).toBe(201);
  table = t.body;
  const rows = Math.max(...FOOTER_CASES.map((c) => c.cells.length));
  const data = Array.from({ length: rows }, (_, r) =>
    Object.fromEntries(FOOTER_CASES.flatMap((c, i) => (c.cells[r] === null || c.cells[r] === undefined ? [] : [[key(i), c.cells[r]]]))),
  );
  const w = await admin.post('/api/tables/sums/records', { records: data.map((d, r) => ({ data: { name: `row ${r}`, ...d } })) });
  expect(w.status, JSON.stringify(w.body)).toBe(201);
  const list = await admin.get('/api/tables/sums/records?limit=100');
  expect(list.status).toBe(200);
  records = list.body.items;
});

afterAll(async () => {
  await server?.close();
});

describe.each(FOOTER_CASES.map((c, i) => [c.name, c, i] as const))('%s', (_, c, i) => {
  const sorted = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();

  it('the API returns the cells in the wire form the case states', () => {
    const cells = records.map((r) => r.data[key(i)]).filter((v) => v !== null && v !== undefined);
    expect(sorted(cells)).toEqual(sorted(c.cells.filter((x) => x !== null)));
  });

  it('the server sums them to the total, and so does the designer over the loaded rows', async () => {
    const r = await admin.post('/api/tables/sums/records/aggregate', { aggregates: [{ field: key(i), fn: 'sum' }] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.values[0]).toEqual(c.total);
    const field = table.fields.find((f: any) => f.key === key(i));
    const mine = columnTotal(field, records);
    expect(typeof c.total === 'string' ? mine.sum : mine.money?.[0]).toEqual(r.body.values[0]);
  });
});
