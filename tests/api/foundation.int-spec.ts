/**
 * The foundation over HTTP (issue #2): setup and login, tables with every simple field
 * type, writes and reads, filters, sorts, search, paging, conflicts and merges, and bad
 * input that changes nothing. Runs on PGlite, and on PostgreSQL when DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, Client, q, setupAdmin, startTabula, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let api: Client;

const FIELDS = [
  { key: 'name', label: 'Name', type: 'text', required: true, searchable: true },
  { key: 'notes', label: 'Notes', type: 'longText', searchable: true },
  { key: 'qty', label: 'Quantity', type: 'number', options: { scale: 2 } },
  { key: 'price', label: 'Price', type: 'money', options: { currency: 'EUR' } },
  { key: 'balance', label: 'Balance', type: 'money' },
  { key: 'vat', label: 'VAT', type: 'percent' },
  { key: 'active', label: 'Active', type: 'boolean' },
  { key: 'since', label: 'Since', type: 'date' },
  { key: 'seen', label: 'Last seen', type: 'dateTime' },
  { key: 'call', label: 'Call length', type: 'duration' },
  {
    key: 'tier',
    label: 'Tier',
    type: 'select',
    options: { choices: [{ value: 'gold', color: '#d4af37' }, { value: 'silver' }, { value: 'bronze' }] },
  },
  { key: 'tags', label: 'Tags', type: 'multiSelect', options: { choices: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] } },
  { key: 'email', label: 'Email', type: 'email', unique: true },
  { key: 'phone', label: 'Phone', type: 'phone' },
  { key: 'site', label: 'Website', type: 'url' },
  { key: 'manager', label: 'Manager', type: 'user' },
];

async function count(table = 'clients'): Promise<number> {
  const r = await api.get(`/api/tables/${table}/records?limit=1`);
  return r.body.total;
}

function expectError(r: { status: number; body: any }, status: number, code?: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body).toHaveProperty('error.code');
  expect(typeof r.body.error.message).toBe('string');
  if (code) expect(r.body.error.code).toBe(code);
}

beforeAll(async () => {
  server = await startTabula();
  api = await setupAdmin(server.url);
});

afterAll(async () => {
  await server?.close();
});

describe('health, setup and sessions', () => {
  it('reports health without a session', async () => {
    const r = await new Client(server.url).get('/api/health');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok', database: server.backend });
  });

  it('refuses a second setup with 409 ALREADY_SET_UP', async () => {
    const r = await new Client(server.url).post('/api/setup', { email: 'x@example.com', password: 'another password' });
    expectError(r, 409, 'ALREADY_SET_UP');
  });

  it('requires a session everywhere else', async () => {
    const anon = new Client(server.url);
    for (const path of ['/api/tables', '/api/auth/me', '/api/tables/x/records']) expectError(await anon.get(path), 401, 'UNAUTHENTICATED');
    expectError(await anon.as('not-a-token').get('/api/tables'), 401, 'UNAUTHENTICATED');
    expectError(await anon.as(api.token!.slice(0, -2) + 'xx').get('/api/tables'), 401, 'UNAUTHENTICATED');
  });

  it('logs in, answers me, and logs out (the token stops working)', async () => {
    const anon = new Client(server.url);
    expectError(await anon.post('/api/auth/login', { email: ADMIN.email, password: 'wrong password' }), 401, 'UNAUTHENTICATED');
    const r = await anon.post('/api/auth/login', { email: ADMIN.email.toUpperCase(), password: ADMIN.password });
    expect(r.status).toBe(200);
    expect(r.headers.get('set-cookie')).toMatch(/tabula_session=.*HttpOnly/);
    const c = anon.as(r.body.token);
    const me = await c.get('/api/auth/me');
    expect(me.body.user).toMatchObject({ email: ADMIN.email, roles: ['Administrator'] });
    expect(me.body.user).not.toHaveProperty('password_hash');
    expect((await c.post('/api/auth/logout')).status).toBe(200);
    expectError(await c.get('/api/auth/me'), 401, 'UNAUTHENTICATED');
  });

  it('accepts the session cookie', async () => {
    const r = await new Client(server.url).req('GET', '/api/auth/me', undefined, {
      headers: { cookie: `tabula_session=${encodeURIComponent(api.token!)}` },
    });
    expect(r.status).toBe(200);
  });
});

describe('tables and fields', () => {
  it('creates a table with one field of each simple type', async () => {
    const r = await api.post('/api/tables', { key: 'clients', label: 'Clients', primaryField: 'name', fields: FIELDS });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.primaryField).toBe('name');
    expect(r.body.fields.map((f: { key: string }) => f.key)).toEqual(FIELDS.map((f) => f.key));
    const tier = r.body.fields.find((f: { key: string }) => f.key === 'tier');
    expect(tier.options.choices.map((c: { value: string }) => c.value)).toEqual(['gold', 'silver', 'bronze']);
    const list = await api.get('/api/tables');
    expect(list.body.items.map((t: { key: string }) => t.key)).toContain('clients');
    expect((await api.get(`/api/tables/${r.body.id}`)).body.key).toBe('clients');
  });

  it('refuses bad table and field definitions, changing nothing', async () => {
    const before = (await api.get('/api/tables')).body.items.length;
    for (const key of ['id', 'owner', '__proto__', 'constructor', 'Bad Key', "x'; drop table record; --", '1abc', 'a'.repeat(64)]) {
      expectError(await api.post('/api/tables', { key, label: 'X' }), 400);
      expectError(await api.post('/api/tables/clients/fields', { key, label: 'X', type: 'text' }), 400);
    }
    expectError(await api.post('/api/tables', { key: 'clients', label: 'Again' }), 409, 'UNIQUE_VIOLATION');
    expectError(await api.post('/api/tables/clients/fields', { key: 'name', label: 'Dup', type: 'text' }), 409, 'UNIQUE_VIOLATION');
    expectError(await api.post('/api/tables/clients/fields', { key: 'x1', label: 'X', type: 'nosuchtype' }), 400);
    expectError(await api.post('/api/tables/clients/fields', { key: 'x2', label: 'X', type: 'money', options: { currency: 'EURO' } }), 400);
    expectError(await api.post('/api/tables/clients/fields', { key: 'x3', label: 'X', type: 'select', options: { choices: 'a,b' } }), 400);
    expectError(
      await api.post('/api/tables', { key: 'bad', label: 'Bad', primaryField: 'nope', fields: [{ key: 'a', label: 'A', type: 'text' }] }),
      400,
    );
    expect((await api.get('/api/tables')).body.items.length).toBe(before);
    expect((await api.get('/api/tables/bad')).status).toBe(404);
    const t = await api.get('/api/tables/clients');
    expect(t.body.fields.length).toBe(FIELDS.length);
  });

  it('renames a field without touching the data', async () => {
    const t = await api.post('/api/tables', { key: 'renames', label: 'Renames', fields: [{ key: 'title', label: 'Title', type: 'text' }] });
    const rec = await api.post('/api/tables/renames/records', { data: { title: 'kept' } });
    const r = await api.patch('/api/tables/renames/fields/title', { key: 'heading', label: 'Heading' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const got = await api.get(`/api/tables/${t.body.id}/records/${rec.body.id}`);
    expect(got.body.data).toEqual({ heading: 'kept' });
  });
});

const ALICE = {
  name: 'Alice',
  notes: 'first line\nsecond line',
  qty: 12.5,
  price: '0.10',
  balance: { amount: '100.00', currency: 'USD' },
  vat: 0.19,
  active: true,
  since: '2024-02-29',
  seen: '2026-11-26T14:05:00Z',
  call: 95,
  tier: 'gold',
  tags: ['a', 'c'],
  email: 'alice@example.com',
  phone: '+40 721 000 000',
  site: 'https://alice.example.com',
};

describe('records', () => {
  let alice: any;

  it('writes and reads every simple type in its wire form', async () => {
    const r = await api.post('/api/tables/clients/records', { data: ALICE });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    alice = r.body;
    expect(Object.keys(alice).sort()).toEqual(['createdAt', 'data', 'id', 'owner', 'updatedAt', 'version']);
    expect(alice.version).toBe(1);
    expect(alice.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    const got = await api.get(`/api/tables/clients/records/${alice.id}`);
    expect(got.body.data).toMatchObject({
      name: 'Alice',
      qty: 12.5,
      price: { amount: '0.10', currency: 'EUR' },
      balance: { amount: '100.00', currency: 'USD' },
      vat: 0.19,
      active: true,
      since: '2024-02-29',
      tier: 'gold',
      tags: ['a', 'c'],
      email: 'alice@example.com',
      manager: null,
    });
    expect(Date.parse(got.body.data.seen)).toBe(Date.parse('2026-11-26T14:05:00Z'));
  });

  it('keeps money exact: "0.10" stays "0.10" and "100.00" sorts after "9.99"', async () => {
    await api.post('/api/tables/clients/records', {
      records: [{ data: { name: 'Bob', price: '9.99' } }, { data: { name: 'Carol', price: '100.00' } }],
    });
    const r = await api.get('/api/tables/clients/records' + q({ sort: '-price', filter: { field: 'price', op: 'isNotEmpty' } }));
    expect(r.body.items.map((x: any) => x.data.price.amount)).toEqual(['100.00', '9.99', '0.10']);
    const gt = await api.get('/api/tables/clients/records' + q({ filter: { field: 'price', op: 'gt', value: '9.99' } }));
    expect(gt.body.items.map((x: any) => x.data.name)).toEqual(['Carol']);
  });

  it('sorts text the same on both databases (a, A, ă, b, ș, z)', async () => {
    await api.post('/api/tables', { key: 'words', label: 'Words', fields: [{ key: 'w', label: 'W', type: 'text' }] });
    const words = ['z', 'ș', 'b', 'ă', 'A', 'a'];
    await api.post('/api/tables/words/records', { records: words.map((w) => ({ data: { w } })) });
    const r = await api.get('/api/tables/words/records?sort=w');
    expect(r.body.items.map((x: any) => x.data.w)).toEqual(['a', 'A', 'ă', 'b', 'ș', 'z']);
  });

  it('filters with and/or, relative dates, in, contains, and isEmpty', async () => {
    const f = (filter: unknown, sort = 'name') =>
      api.get('/api/tables/clients/records' + q({ filter, sort })).then((r) => {
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        return r.body.items.map((x: any) => x.data.name);
      });
    expect(await f({ field: 'tier', op: 'eq', value: 'gold' })).toEqual(['Alice']);
    expect(
      await f({
        or: [
          { field: 'name', op: 'eq', value: 'Bob' },
          { field: 'qty', op: 'gte', value: 12 },
        ],
      }),
    ).toEqual(['Alice', 'Bob']);
    expect(
      await f({
        and: [
          { field: 'since', op: 'lt', value: { relative: 'today', offset: -30 } },
          { field: 'active', op: 'eq', value: true },
        ],
      }),
    ).toEqual(['Alice']);
    expect(await f({ field: 'name', op: 'in', value: ['Carol', 'Bob'] })).toEqual(['Bob', 'Carol']);
    expect(await f({ field: 'notes', op: 'contains', value: 'SECOND' })).toEqual(['Alice']);
    expect(await f({ field: 'tags', op: 'contains', value: 'c' })).toEqual(['Alice']);
    expect(await f({ field: 'since', op: 'isEmpty' })).toEqual(['Bob', 'Carol']);
    expect(await f({ field: 'name', op: 'startsWith', value: '%' })).toEqual([]);
  });

  it('searches the searchable fields', async () => {
    const r = await api.get('/api/tables/clients/records?q=second');
    expect(r.body.items.map((x: any) => x.data.name)).toEqual(['Alice']);
    const none = await api.get('/api/tables/clients/records?q=' + encodeURIComponent("%' OR 1=1 --"));
    expect(none.body.items).toEqual([]);
  });

  it('pages by cursor and by offset, with exact totals', async () => {
    await api.post('/api/tables', {
      key: 'pages',
      label: 'Pages',
      fields: [
        { key: 'n', label: 'N', type: 'number' },
        { key: 'g', label: 'G', type: 'text' },
      ],
    });
    await api.post('/api/tables/pages/records', {
      records: Array.from({ length: 125 }, (_, i) => ({ data: { n: i % 10, g: i % 2 ? 'odd' : 'even' } })),
    });
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const r: any = await api.get(
        '/api/tables/pages/records' +
          q({ sort: '-n', limit: '50', after: after ?? undefined, filter: { field: 'g', op: 'eq', value: 'odd' } }),
      );
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.total).toBe(62);
      expect(r.body.totalIsEstimate).toBe(false);
      seen.push(...r.body.items.map((x: any) => x.id));
      after = r.body.nextCursor;
      pages++;
    } while (after);
    expect(pages).toBe(2);
    expect(new Set(seen).size).toBe(62);
    const byOffset = await api.get(
      '/api/tables/pages/records' + q({ sort: '-n', limit: '10', offset: '50', filter: { field: 'g', op: 'eq', value: 'odd' } }),
    );
    expect(byOffset.body.items.map((x: any) => x.id)).toEqual(seen.slice(50, 60));
    const none = await api.get('/api/tables/pages/records?count=none&limit=5');
    expect(none.body.total).toBeNull();
    const viaBody = await api.post('/api/tables/pages/records/query', {
      filter: { field: 'n', op: 'between', value: [2, 3] },
      sort: 'n',
      limit: 100,
    });
    expect(viaBody.status).toBe(200);
    expect(viaBody.body.total).toBe(26);
  });

  it('merges concurrent edits of different fields and conflicts on the same field', async () => {
    const r = await api.post('/api/tables/clients/records', { data: { name: 'Dora', qty: 1 } });
    const v1 = r.body.version;
    const a = await api.patch(`/api/tables/clients/records/${r.body.id}`, { data: { qty: 2 }, version: v1 });
    expect(a.status).toBe(200);
    expect(a.body.version).toBe(v1 + 1);
    const merged = await api.patch(`/api/tables/clients/records/${r.body.id}`, { data: { notes: 'merged' }, version: v1 });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body.data).toMatchObject({ qty: 2, notes: 'merged' });
    const conflict = await api.patch(`/api/tables/clients/records/${r.body.id}`, { data: { qty: 5 }, version: v1 });
    expectError(conflict, 409, 'VERSION_CONFLICT');
    expect(conflict.body.error.details.fields).toEqual(['qty']);
    expect(conflict.body.error.details.current.data.qty).toBe(2);
    const after = await api.get(`/api/tables/clients/records/${r.body.id}`);
    expect(after.body.data.qty).toBe(2);
    const hist = await api.get(`/api/tables/clients/records/${r.body.id}/history`);
    expect(hist.body.items.length).toBe(3);
    expect(hist.body.items[0].changes).toEqual({ notes: { from: null, to: 'merged' } });
  });

  it('deletes to the trash and restores', async () => {
    const r = await api.post('/api/tables/clients/records', { data: { name: 'Eve', email: 'eve@example.com' } });
    const n = await count();
    expect((await api.del(`/api/tables/clients/records/${r.body.id}`)).status).toBe(204);
    expect(await count()).toBe(n - 1);
    expectError(await api.get(`/api/tables/clients/records/${r.body.id}`), 404, 'NOT_FOUND');
    const trash = await api.get('/api/tables/clients/trash');
    expect(trash.body.items.map((x: any) => x.id)).toContain(r.body.id);
    // a new record may take the trashed one's unique email; restoring the old one then conflicts
    const taker = await api.post('/api/tables/clients/records', { data: { name: 'Eve 2', email: 'eve@example.com' } });
    expect(taker.status).toBe(201);
    expectError(await api.post(`/api/tables/clients/records/${r.body.id}/restore`), 409, 'UNIQUE_VIOLATION');
    await api.del(`/api/tables/clients/records/${taker.body.id}`);
    expect((await api.post(`/api/tables/clients/records/${r.body.id}/restore`)).status).toBe(200);
    expect(await count()).toBe(n);
  });

  it('creates a batch with client ids, all or nothing', async () => {
    const id = '01900000-0000-7000-8000-000000000001';
    const n = await count();
    const bad = await api.post('/api/tables/clients/records', {
      records: [{ id, data: { name: 'Ok' } }, { data: { name: 'Bad', qty: 'many' } }],
    });
    expectError(bad, 400, 'VALIDATION_FAILED');
    expect(bad.body.error.details.records[0].index).toBe(1);
    expect(await count()).toBe(n);
    const ok = await api.post('/api/tables/clients/records', { records: [{ id, data: { name: 'Ok' } }] });
    expect(ok.status).toBe(201);
    expect(ok.body.records[0].id).toBe(id);
    expectError(await api.post('/api/tables/clients/records', { records: [{ id, data: { name: 'Again' } }] }), 409);
  });
});

describe('bad input changes nothing', () => {
  it('gives a clear 4xx for each class of bad input', async () => {
    const n = await count();
    const cases: [string, () => Promise<{ status: number; body: any }>, number, string?][] = [
      [
        'malformed JSON',
        () => api.req('POST', '/api/tables/clients/records', undefined, { raw: '{"data": {"name": "x"' }),
        400,
        'VALIDATION_FAILED',
      ],
      ['unknown field', () => api.post('/api/tables/clients/records', { data: { name: 'x', nope: 1 } }), 400, 'UNKNOWN_FIELD'],
      [
        '__proto__ in a body',
        () => api.req('POST', '/api/tables/clients/records', undefined, { raw: '{"data":{"name":"x","__proto__":{"admin":true}}}' }),
        400,
      ],
      [
        'constructor key',
        () =>
          api.req('POST', '/api/tables/clients/records', undefined, {
            raw: '{"data":{"name":"x","constructor":{"prototype":{"polluted":true}}}}',
          }),
        400,
      ],
      ['wrong type', () => api.post('/api/tables/clients/records', { data: { name: 'x', qty: 'twelve' } }), 400, 'VALIDATION_FAILED'],
      [
        'invalid date',
        () => api.post('/api/tables/clients/records', { data: { name: 'x', since: '2026-02-30' } }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'bad currency',
        () => api.post('/api/tables/clients/records', { data: { name: 'x', balance: { amount: '1.00', currency: 'XXQ' } } }),
        400,
        'VALIDATION_FAILED',
      ],
      ['not a choice', () => api.post('/api/tables/clients/records', { data: { name: 'x', tier: 'platinum' } }), 400, 'VALIDATION_FAILED'],
      ['missing required', () => api.post('/api/tables/clients/records', { data: { qty: 1 } }), 400, 'VALIDATION_FAILED'],
      [
        'duplicate unique',
        () => api.post('/api/tables/clients/records', { data: { name: 'x', email: 'alice@example.com' } }),
        409,
        'UNIQUE_VIOLATION',
      ],
      [
        'nested object for a scalar',
        () => api.post('/api/tables/clients/records', { data: { name: { $gt: '' } } }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'too many decimals',
        () => api.post('/api/tables/clients/records', { data: { name: 'x', price: '1.999' } }),
        400,
        'VALIDATION_FAILED',
      ],
      ['computed-looking system field', () => api.post('/api/tables/clients/records', { data: { name: 'x' }, owner: 'someone' }), 400],
      [
        'SQL in a filter field',
        () => api.get('/api/tables/clients/records' + q({ filter: { field: "name') OR 1=1 --", op: 'eq', value: 'x' } })),
        400,
        'UNKNOWN_FIELD',
      ],
      [
        'jsonpath in a filter field',
        () => api.get('/api/tables/clients/records' + q({ filter: { field: '$.name', op: 'eq', value: 'x' } })),
        400,
        'UNKNOWN_FIELD',
      ],
      [
        'unknown operator',
        () => api.get('/api/tables/clients/records' + q({ filter: { field: 'name', op: 'like', value: 'x' } })),
        400,
        'INVALID_FILTER',
      ],
      [
        'SQL in an operator',
        () => api.get('/api/tables/clients/records' + q({ filter: { field: 'name', op: '= ANY', value: 'x' } })),
        400,
        'INVALID_FILTER',
      ],
      ['filter not JSON', () => api.get('/api/tables/clients/records?filter=%7Bnot'), 400, 'INVALID_FILTER'],
      [
        'SQL in a sort key',
        () => api.get('/api/tables/clients/records?sort=' + encodeURIComponent('name;drop table record')),
        400,
        'UNKNOWN_FIELD',
      ],
      [
        'deep filter',
        () =>
          api.get(
            '/api/tables/clients/records' +
              q({ filter: Array.from({ length: 30 }).reduce((acc: unknown) => ({ and: [acc] }), { field: 'name', op: 'eq', value: 'x' }) }),
          ),
        400,
        'INVALID_FILTER',
      ],
      ['non-numeric limit', () => api.get('/api/tables/clients/records?limit=ten'), 400, 'VALIDATION_FAILED'],
      ['limit too large', () => api.get('/api/tables/clients/records?limit=100000'), 400, 'VALIDATION_FAILED'],
      ['offset too large', () => api.get('/api/tables/clients/records?offset=20000'), 400, 'VALIDATION_FAILED'],
      [
        'tampered cursor',
        () => api.get('/api/tables/clients/records?after=' + Buffer.from('{"s":"id","v":["x\' or 1=1"]}').toString('base64url')),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'oversized body',
        () =>
          api.req('POST', '/api/tables/clients/records', undefined, {
            raw: JSON.stringify({ data: { name: 'x'.repeat(3 * 1024 * 1024) } }),
          }),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [
        'not JSON content type',
        () => api.req('POST', '/api/tables/clients/records', undefined, { raw: 'name=x', headers: { 'content-type': 'text/plain' } }),
        400,
      ],
      ['unknown table', () => api.get('/api/tables/nosuch/records'), 404, 'NOT_FOUND'],
      ['bad record id', () => api.get('/api/tables/clients/records/not-a-uuid'), 404, 'NOT_FOUND'],
      [
        'bad version',
        () => api.patch('/api/tables/clients/records/01900000-0000-7000-8000-000000000001', { data: { name: 'y' }, version: 'one' }),
        400,
        'VALIDATION_FAILED',
      ],
      ['line break in one-line text', () => api.post('/api/tables/clients/records', { data: { name: 'x\ny' } }), 400, 'VALIDATION_FAILED'],
      [
        'javascript url',
        () => api.post('/api/tables/clients/records', { data: { name: 'x', site: 'javascript:alert(1)' } }),
        400,
        'VALIDATION_FAILED',
      ],
    ];
    for (const [name, send, status, code] of cases) {
      const r = await send();
      expect(r.status, `${name}: ${JSON.stringify(r.body).slice(0, 300)}`).toBe(status);
      expect(r.body?.error?.code, name).toBeTypeOf('string');
      if (code) expect(r.body.error.code, name).toBe(code);
    }
    expect(await count()).toBe(n);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
