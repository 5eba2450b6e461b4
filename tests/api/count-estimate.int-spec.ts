/**
 * A list's total (`count=`): `exact` (the default) is exact up to 100,000 matches;
 * `estimate` counts exactly only up to 1,000 matches and beyond that gives the planner's
 * estimate, flagged `totalIsEstimate`, never below the rows the request has seen; `none`
 * skips it. Whatever the mode, the count covers exactly the rows the reader may see (the
 * rights scope is in the count's WHERE). On a server the count runs beside the page on a
 * second connection. PGlite by default, PostgreSQL with DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, q, setupAdmin, startTabula, type Res, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let admin: Client;
let north: Client;
let south: Client;
const PW = 'a long enough password';
const ALL = 2600;
const NORTH = 1950; // i % 4 !== 0
const SOUTH = 650; // i % 4 === 0
const ESTIMATE_CAP = 1000;

async function ok(r: Promise<Res>): Promise<Res> {
  const res = await r;
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res;
}

async function reader(email: string, role: string, region: string): Promise<Client> {
  await ok(admin.post('/api/users', { email, password: PW, roles: [role], attributes: { region } }));
  const c = new Client(server.url);
  const r = await ok(c.post('/api/auth/login', { email, password: PW }));
  c.token = r.body.token;
  return c;
}

const list = (c: Client, params: Record<string, unknown>) => ok(c.get('/api/tables/items/records' + q(params)));

beforeAll(async () => {
  server = await startTabula();
  admin = await setupAdmin(server.url);
  await ok(
    admin.post('/api/tables', {
      key: 'items',
      label: 'Items',
      primaryField: 'name',
      fields: [
        { key: 'name', label: 'Name', type: 'text' },
        { key: 'region', label: 'Region', type: 'text' },
        { key: 'n', label: 'N', type: 'number' },
      ],
    }),
  );
  for (let start = 0; start < ALL; start += 1000) {
    const records = Array.from({ length: Math.min(1000, ALL - start) }, (_, k) => {
      const i = start + k;
      return { data: { name: `item ${i}`, region: i % 4 === 0 ? 'south' : 'north', n: i } };
    });
    await ok(admin.post('/api/tables/items/records?return=ids', { records }));
  }
  const role = await ok(
    admin.post('/api/roles', {
      name: 'Regional reader',
      rules: [{ action: 'read', subject: 'items', conditions: { region: '$me.region' } }],
    }),
  );
  north = await reader('north@example.com', role.body.id, 'north');
  south = await reader('south@example.com', role.body.id, 'south');
});

afterAll(async () => {
  await server?.close();
});

describe('count=estimate', () => {
  it('is exact while the matches are at most 1,000', async () => {
    for (const [filter, n] of [
      [{ field: 'n', op: 'lt', value: 1000 }, 1000],
      [{ field: 'n', op: 'lt', value: 700 }, 700],
      [{ field: 'region', op: 'eq', value: 'south' }, SOUTH],
    ] as const) {
      const r = await list(admin, { count: 'estimate', limit: 20, sort: 'n', filter });
      expect(r.body.items).toHaveLength(20);
      expect(r.body.total).toBe(n);
      expect(r.body.totalIsEstimate).toBe(false);
    }
    // paging on by cursor and by offset keeps the exact figure
    const first = await list(admin, { count: 'estimate', limit: 50, sort: 'n', filter: { field: 'n', op: 'lt', value: 300 } });
    const next = await list(admin, {
      count: 'estimate',
      limit: 50,
      sort: 'n',
      after: first.body.nextCursor,
      filter: { field: 'n', op: 'lt', value: 300 },
    });
    expect([next.body.total, next.body.totalIsEstimate]).toEqual([300, false]);
    const jump = await list(admin, { count: 'estimate', limit: 50, offset: 280, sort: 'n', filter: { field: 'n', op: 'lt', value: 300 } });
    expect(jump.body.items).toHaveLength(20);
    expect([jump.body.total, jump.body.totalIsEstimate]).toEqual([300, false]);
  });

  it("is the planner's estimate, flagged, beyond 1,000 matches", async () => {
    for (const filter of [undefined, { field: 'n', op: 'lt', value: 1001 }, { field: 'region', op: 'eq', value: 'north' }]) {
      const r = await list(admin, { count: 'estimate', limit: 10, filter });
      expect(r.body.items).toHaveLength(10);
      expect(r.body.totalIsEstimate).toBe(true);
      expect(Number.isInteger(r.body.total)).toBe(true);
      expect(r.body.total).toBeGreaterThan(ESTIMATE_CAP);
    }
  });

  it('is never below the rows the request has seen', async () => {
    // whatever the planner thinks (PGlite has no autovacuum: its statistics may be absent)
    const r = await list(admin, { count: 'estimate', limit: 100, offset: 2450, sort: 'n' });
    expect(r.body.items.map((x: any) => x.data.n)).toEqual(Array.from({ length: 100 }, (_, i) => 2450 + i));
    expect(r.body.totalIsEstimate).toBe(true);
    expect(r.body.total).toBeGreaterThanOrEqual(2551); // 2,550 rows up to the page's end and one more seen
    const last = await list(admin, { count: 'estimate', limit: 50, offset: 2550, sort: 'n' });
    expect(last.body.items).toHaveLength(50);
    expect(last.body.totalIsEstimate).toBe(true);
    expect(last.body.total).toBeGreaterThanOrEqual(ALL);
    // a filter on a field without statistics: the planner guesses a handful of rows
    const north = { field: 'region', op: 'eq', value: 'north' };
    const deep = await list(admin, { count: 'estimate', limit: 50, offset: 1900, sort: 'n', filter: north });
    expect(deep.body.items).toHaveLength(50);
    expect(deep.body.totalIsEstimate).toBe(true);
    expect(deep.body.total).toBeGreaterThanOrEqual(NORTH);
    const shallow = await list(admin, { count: 'estimate', limit: 5, filter: north });
    expect(shallow.body.total).toBeGreaterThan(ESTIMATE_CAP);
  });

  it('leaves count=exact (the default) exact beyond 1,000 matches', async () => {
    for (const count of [undefined, 'exact']) {
      const r = await list(admin, { count, limit: 10 });
      expect([r.body.total, r.body.totalIsEstimate]).toEqual([ALL, false]);
      const f = await list(admin, { count, limit: 10, filter: { field: 'region', op: 'eq', value: 'north' } });
      expect([f.body.total, f.body.totalIsEstimate]).toEqual([NORTH, false]);
    }
    const none = await list(admin, { count: 'none', limit: 10 });
    expect([none.body.total, none.body.totalIsEstimate]).toEqual([null, false]);
  });
});

describe('the rights scope applies to the count in every mode', () => {
  it('counts only the rows a reader with a row scope may see', async () => {
    for (const count of [undefined, 'exact', 'estimate']) {
      const s = await list(south, { count, limit: 10, sort: 'n' });
      expect(s.body.items.every((x: any) => x.data.region === 'south')).toBe(true);
      expect([s.body.total, s.body.totalIsEstimate]).toEqual([SOUTH, false]);
      // the same filter the admin counts as 1,000 is 250 rows for this reader
      const f = await list(south, { count, limit: 10, filter: { field: 'n', op: 'lt', value: 1000 } });
      expect([f.body.total, f.body.totalIsEstimate]).toEqual([250, false]);
      const jump = await list(south, { count, limit: 50, offset: 640, sort: 'n' });
      expect(jump.body.items).toHaveLength(10);
      expect([jump.body.total, jump.body.totalIsEstimate]).toEqual([SOUTH, false]);
      const body = await ok(
        south.post('/api/tables/items/records/query', { count, limit: 10, filter: { field: 'n', op: 'lt', value: 2000 } }),
      );
      expect([body.body.total, body.body.totalIsEstimate]).toEqual([500, false]);
    }
    const exact = await list(north, { count: 'exact', limit: 10 });
    expect([exact.body.total, exact.body.totalIsEstimate]).toEqual([NORTH, false]);
    const est = await list(north, { count: 'estimate', limit: 10 });
    expect(est.body.totalIsEstimate).toBe(true);
    expect(est.body.total).toBeGreaterThan(ESTIMATE_CAP);
    // under the cap within the scope: exact again
    const small = await list(north, { count: 'estimate', limit: 10, filter: { field: 'n', op: 'lt', value: 1200 } });
    expect([small.body.total, small.body.totalIsEstimate]).toEqual([900, false]);
    const none = await list(north, { count: 'none', limit: 10 });
    expect(none.body.total).toBeNull();
  });
});

describe('bad count values', () => {
  it('answers 400 in the error form', async () => {
    const cases: [Promise<Res>, string][] = [
      [admin.get('/api/tables/items/records?count=yes'), 'INVALID_COUNT'],
      [admin.get('/api/tables/items/records?count=ESTIMATE'), 'INVALID_COUNT'],
      [admin.get('/api/tables/items/records?count='), 'INVALID_COUNT'],
      [admin.get('/api/tables/items/records?count=exact&count=none'), 'REPEATED_PARAMETER'],
      [admin.post('/api/tables/items/records/query', { count: 1 }), 'INVALID_COUNT'],
      [admin.post('/api/tables/items/records/query', { count: ['exact'] }), 'INVALID_COUNT'],
      [south.get('/api/tables/items/records?count=approximate'), 'INVALID_COUNT'],
    ];
    for (const [req, code] of cases) {
      const r = await req;
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(r.body.error.details)).toContain(code);
    }
  });
});
