/**
 * Pivots and exact aggregates over HTTP (packages/report-builder): the grid, its totals,
 * exact money, the rights scope and hidden fields, and bad specifications. Every figure is
 * checked against the same computation in JavaScript over the records the test made.
 * PGlite by default, PostgreSQL with DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, setupAdmin, startTabula, type Res, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let admin: Client;
let manager: Client;

interface Sale {
  category: string;
  date: string;
  amount: string;
  qty: number;
  at: string;
  mine: boolean;
}
const sales: Sale[] = [];
const CATS = ['Books', 'Games', 'Tools'];

async function ok(p: Promise<Res>, status = 201): Promise<any> {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}

function expectError(r: Res, status = 400) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.error.code).toMatch(/^[A-Z_]+$/);
  expect(typeof r.body.error.message).toBe('string');
}

/** Cents as an exact decimal string with two places. */
const money = (cents: number) =>
  `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
const cents = (s: string) => Math.round(Number(s) * 100);

beforeAll(async () => {
  server = await startTabula();
  admin = await setupAdmin(server.url);
  await ok(
    admin.post('/api/tables', {
      key: 'sales',
      label: 'Sales',
      primaryField: 'title',
      fields: [
        { key: 'title', label: 'Title', type: 'text' },
        { key: 'category', label: 'Category', type: 'select', options: { choices: CATS.map((value) => ({ value })) } },
        { key: 'date', label: 'Date', type: 'date' },
        { key: 'at', label: 'At', type: 'dateTime' },
        { key: 'amount', label: 'Amount', type: 'money', options: { currency: 'EUR' } },
        { key: 'any_amount', label: 'Any amount', type: 'money' },
        { key: 'qty', label: 'Qty', type: 'number' },
        { key: 'secret', label: 'Secret', type: 'number' },
      ],
    }),
  );
  await ok(
    admin.post('/api/roles', {
      name: 'Sales clerk',
      rules: [
        { action: 'read', subject: 'sales', conditions: { owner: '$me' } },
        { action: 'create', subject: 'sales' },
        { action: 'read', subject: 'sales', fields: ['secret'], inverted: true },
      ],
    }),
  );
  await ok(
    admin.post('/api/users', { email: 'clerk@example.com', password: 'a long enough password', name: 'Clerk', roles: ['Sales clerk'] }),
  );
  manager = new Client(server.url);
  manager.token = (
    await ok(manager.post('/api/auth/login', { email: 'clerk@example.com', password: 'a long enough password' }), 200)
  ).token;

  // deterministic sales over three months; amounts in cents that sum exactly only in decimals
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  const mk = (mine: boolean): Sale => {
    const month = 1 + rnd(3);
    const day = 1 + rnd(28);
    return {
      category: CATS[rnd(3)]!,
      date: `2026-0${month}-${String(day).padStart(2, '0')}`,
      amount: money(1 + rnd(100_000)),
      qty: rnd(7),
      at: `2026-0${month}-${String(day).padStart(2, '0')}T23:30:00.000Z`,
      mine,
    };
  };
  const mine = Array.from({ length: 40 }, () => mk(true));
  const theirs = Array.from({ length: 80 }, () => mk(false));
  const rec = (s: Sale) => ({
    data: {
      title: 't',
      category: s.category,
      date: s.date,
      at: s.at,
      amount: s.amount,
      any_amount: { amount: s.amount, currency: 'USD' },
      qty: s.qty,
      ...(s.mine ? {} : { secret: 1 }),
    },
  });
  await ok(manager.post('/api/tables/sales/records', { records: mine.map(rec) }));
  await ok(admin.post('/api/tables/sales/records', { records: theirs.map(rec) }));
  sales.push(...mine, ...theirs);
});

afterAll(async () => {
  await server?.close();
});

function expected(list: Sale[]) {
  const cell = new Map<string, { sum: number; n: number }>();
  const add = (k: string, s: Sale) => {
    const c = cell.get(k) ?? { sum: 0, n: 0 };
    c.sum += cents(s.amount);
    c.n++;
    cell.set(k, c);
  };
  for (const s of list) {
    const m = s.date.slice(0, 7);
    add(`${s.category}|${m}`, s);
    add(`${s.category}|*`, s);
    add(`*|${m}`, s);
    add('*|*', s);
  }
  return cell;
}

describe('pivot', () => {
  it('sums money by category × month, with the totals of rows, columns and the whole, exactly', async () => {
    const r = await ok(
      admin.post('/api/tables/sales/pivot', {
        rows: ['category'],
        columns: [{ field: 'date', bucket: 'month' }],
        values: [{ fn: 'sum', field: 'amount' }, { fn: 'count' }],
      }),
      200,
    );
    const exp = expected(sales);
    expect(r.rows).toEqual(CATS.map((c) => [c]));
    expect(r.columns).toEqual([['2026-01'], ['2026-02'], ['2026-03']]);
    expect(r.values).toEqual([
      { field: 'amount', fn: 'sum', type: 'money', currency: 'EUR' },
      { field: null, fn: 'count', type: 'number' },
    ]);
    r.rows.forEach(([c]: string[], i: number) => {
      r.columns.forEach(([m]: string[], j: number) => {
        const e = exp.get(`${c}|${m}`);
        expect(r.cells[i][j]).toEqual(e ? [{ amount: money(e.sum), currency: 'EUR' }, e.n] : null);
      });
      expect(r.rowTotals[i]).toEqual([{ amount: money(exp.get(`${c}|*`)!.sum), currency: 'EUR' }, exp.get(`${c}|*`)!.n]);
    });
    r.columns.forEach(([m]: string[], j: number) => expect(r.columnTotals[j][1]).toBe(exp.get(`*|${m}`)!.n));
    expect(r.total).toEqual([{ amount: money(exp.get('*|*')!.sum), currency: 'EUR' }, sales.length]);
    expect(r.truncated).toBe(false);
  });

  it("buckets dates by year, quarter and week, and date-times in the workspace's time zone", async () => {
    const y = await ok(admin.post('/api/tables/sales/pivot', { rows: [{ field: 'date', bucket: 'year' }] }), 200);
    expect(y.rows).toEqual([['2026']]);
    expect(y.cells).toEqual([[[sales.length]]]);
    const q = await ok(admin.post('/api/tables/sales/pivot', { rows: [{ field: 'date', bucket: 'quarter' }] }), 200);
    expect(q.rows).toEqual([['2026-Q1']]);
    const w = await ok(admin.post('/api/tables/sales/pivot', { rows: [{ field: 'date', bucket: 'week' }] }), 200);
    expect(w.rows.every(([k]: string[]) => /^2026-W\d\d$/.test(k) || /^2025-W\d\d$/.test(k))).toBe(true);
    // 23:30 UTC: the day in UTC (the test workspace's zone unless set otherwise)
    const d = await ok(admin.post('/api/tables/sales/pivot', { rows: [{ field: 'at', bucket: 'month' }], values: [{ fn: 'count' }] }), 200);
    expect(d.total).toEqual([sales.length]);
  });

  it('groups text as typed, braces and quotes included; refuses a formula computed when read', async () => {
    await ok(
      admin.post('/api/tables', {
        key: 'notes',
        label: 'Notes',
        fields: [
          { key: 'tag', label: 'Tag', type: 'text' },
          { key: 'n', label: 'N', type: 'number' },
        ],
      }),
    );
    await ok(admin.post('/api/tables/notes/fields', { key: 'age', label: 'Age', type: 'formula', options: { expression: 'TODAY()' } }));
    await ok(admin.post('/api/tables/notes/records', { records: ['{a}', '"q"', '[x]', '{a}'].map((tag, n) => ({ data: { tag, n } })) }));
    const r = await ok(admin.post('/api/tables/notes/pivot', { rows: ['tag'], values: [{ fn: 'sum', field: 'n' }] }), 200);
    expect(r.rows).toEqual([['"q"'], ['[x]'], ['{a}']]);
    expect(r.cells).toEqual([[['1']], [['2']], [['3']]]);
    const v = await admin.post('/api/tables/notes/pivot', { rows: ['age'] });
    expectError(v);
    expect(v.body.error.details['rows[0]'].code).toBe('VOLATILE');
  });

  it('puts every empty value of a select or a text — cleared, set to null or never set — in one group', async () => {
    await ok(
      admin.post('/api/tables', {
        key: 'kinds',
        label: 'Kinds',
        fields: [
          { key: 'kind', label: 'Kind', type: 'select', options: { choices: [{ value: 'A' }, { value: 'B' }] } },
          { key: 'label', label: 'Label', type: 'text' },
          { key: 'n', label: 'N', type: 'number' },
        ],
      }),
    );
    await ok(
      admin.post('/api/tables/kinds/records', {
        records: [{ data: { kind: 'A', label: 'x', n: 1 } }, { data: { kind: null, label: null, n: 2 } }, { data: { n: 4 } }],
      }),
    );
    const b = await ok(admin.post('/api/tables/kinds/records', { data: { kind: 'B', label: 'y', n: 8 } }));
    await ok(admin.patch(`/api/tables/kinds/records/${b.id}`, { data: { kind: null, label: '' }, version: b.version }), 200);
    for (const field of ['kind', 'label']) {
      const r = await ok(
        admin.post('/api/tables/kinds/pivot', { rows: [field], values: [{ fn: 'sum', field: 'n' }, { fn: 'count' }] }),
        200,
      );
      expect(r.rows).toEqual([[field === 'kind' ? 'A' : 'x'], [null]]);
      expect(r.cells).toEqual([[['1', 1]], [['14', 3]]]);
      expect(r.total).toEqual(['15', 4]);
    }
  });

  it('totals (computed over the finest groups) equal the aggregate of the same records, for every function', async () => {
    const values = [
      { fn: 'sum', field: 'amount' },
      { fn: 'avg', field: 'qty' },
      { fn: 'avg', field: 'amount' },
      { fn: 'min', field: 'date' },
      { fn: 'max', field: 'amount' },
      { fn: 'min', field: 'qty' },
      { fn: 'count', field: 'secret' },
      { fn: 'avg', field: 'secret' },
      { fn: 'count' },
    ];
    const r = await ok(
      admin.post('/api/tables/sales/pivot', { rows: ['category'], columns: [{ field: 'date', bucket: 'month' }], values }),
      200,
    );
    // the aggregate endpoint: no groups, one plain aggregate straight over the records
    const agg = async (...filters: unknown[]) =>
      (
        await ok(
          admin.post('/api/tables/sales/records/aggregate', { filter: filters.length ? { and: filters } : undefined, aggregates: values }),
          200,
        )
      ).values;
    const cat = (c: string) => ({ field: 'category', op: 'eq', value: c });
    const month = (m: string) => ({
      and: [
        { field: 'date', op: 'gte', value: `${m}-01` },
        { field: 'date', op: 'lt', value: `2026-0${Number(m.slice(5)) + 1}-01` },
      ],
    });
    expect(r.total).toEqual(await agg());
    expect(r.total[1]).not.toMatch(/^\d+$/); // a true average, not a whole number
    for (const [i, [c]] of r.rows.entries()) {
      expect(r.rowTotals[i]).toEqual(await agg(cat(c)));
      for (const [j, [m]] of r.columns.entries()) expect(r.cells[i][j]).toEqual(await agg(cat(c), month(m)));
    }
    for (const [j, [m]] of r.columns.entries()) expect(r.columnTotals[j]).toEqual(await agg(month(m)));
    // the rows' own figures, in JavaScript: counts and exact sums of cents
    const exp = expected(sales);
    r.rows.forEach(([c]: string[], i: number) => {
      expect(r.rowTotals[i][0]).toEqual({ amount: money(exp.get(`${c}|*`)!.sum), currency: 'EUR' });
      expect(r.rowTotals[i][6]).toBe(sales.filter((s) => s.category === c && !s.mine).length);
      expect(r.rowTotals[i][8]).toBe(exp.get(`${c}|*`)!.n);
    });
  });

  it('min, max and avg; an empty selection gives zero counts and blank sums', async () => {
    const r = await ok(
      admin.post('/api/tables/sales/pivot', {
        values: [
          { fn: 'min', field: 'date' },
          { fn: 'max', field: 'amount' },
          { fn: 'avg', field: 'qty' },
        ],
      }),
      200,
    );
    expect(r.total[0]).toBe([...sales].map((s) => s.date).sort()[0]);
    expect(r.total[1]).toEqual({ amount: money(Math.max(...sales.map((s) => cents(s.amount)))), currency: 'EUR' });
    expect(Number(r.total[2])).toBeCloseTo(sales.reduce((a, s) => a + s.qty, 0) / sales.length, 9);
    const none = await ok(
      admin.post('/api/tables/sales/pivot', {
        filter: { field: 'qty', op: 'gt', value: 1000 },
        values: [{ fn: 'count' }, { fn: 'sum', field: 'amount' }],
      }),
      200,
    );
    expect(none.total).toEqual([0, null]);
  });
});

describe('aggregate: exact totals over a filter, for a grid footer', () => {
  it('counts and sums every matching record, not a page', async () => {
    const games = sales.filter((s) => s.category === 'Games');
    const r = await ok(
      admin.post('/api/tables/sales/records/aggregate', {
        filter: { field: 'category', op: 'eq', value: 'Games' },
        aggregates: [
          { field: 'amount', fn: 'sum' },
          { field: 'qty', fn: 'sum' },
        ],
      }),
      200,
    );
    expect(r).toEqual({
      count: games.length,
      values: [
        { amount: money(games.reduce((a, s) => a + cents(s.amount), 0)), currency: 'EUR' },
        String(games.reduce((a, s) => a + s.qty, 0)),
      ],
    });
  });
});

describe('rights', () => {
  it('a reader sees the figures of their own records only', async () => {
    const mine = sales.filter((s) => s.mine);
    const r = await ok(manager.post('/api/tables/sales/records/aggregate', { aggregates: [{ field: 'amount', fn: 'sum' }] }), 200);
    expect(r).toEqual({ count: mine.length, values: [{ amount: money(mine.reduce((a, s) => a + cents(s.amount), 0)), currency: 'EUR' }] });
    const p = await ok(manager.post('/api/tables/sales/pivot', { rows: ['category'] }), 200);
    expect(p.total).toEqual([mine.length]);
  });

  it('a hidden field cannot be grouped, aggregated or filtered on: the 400 of a field that does not exist', async () => {
    for (const body of [
      { rows: ['secret'] },
      { values: [{ fn: 'sum', field: 'secret' }] },
      { filter: { field: 'secret', op: 'eq', value: 1 } },
    ]) {
      const r = await manager.post('/api/tables/sales/pivot', body);
      expectError(r);
      expect(r.body.error.code).toBe('UNKNOWN_FIELD');
    }
  });
});

describe('bad specifications are 400s', () => {
  it('names what is wrong', async () => {
    const bad: unknown[] = [
      null,
      [],
      'sum',
      { rows: 'category' },
      { rows: [{ field: 'category', bucket: 'month' }] },
      { rows: [{ field: 'date', bucket: 'fortnight' }] },
      { rows: ['amount'] },
      { rows: ['nope'] },
      { rows: ['category', 'date', 'qty', 'title', 'at'] },
      { values: [] },
      { values: [{ fn: 'median', field: 'qty' }] },
      { values: [{ fn: 'sum' }] },
      { values: [{ fn: 'sum', field: 'title' }] },
      { values: [{ fn: 'sum', field: 'any_amount' }] },
      { values: [{ fn: 'sum', field: 'qty', extra: 1 }] },
      { totals: 'yes' },
      { colour: 'red' },
      { filter: { field: 'qty', op: 'near', value: 1 } },
      { q: 42 },
    ];
    for (const body of bad) expectError(await admin.post('/api/tables/sales/pivot', body));
    expectError(await admin.post('/api/tables/sales/records/aggregate', { aggregates: 'sum' }));
    expectError(await admin.post('/api/tables/sales/records/aggregate', []));
    expectError(await admin.post('/api/tables/nope/pivot', {}), 404);
  });
});
