/**
 * Bad input never gives a 500, always answers in the error form and writes nothing (issue
 * #12, items 7 and 8): a malformed session cookie on every guarded route; U+0000 (and half
 * of a surrogate pair) anywhere in a body, a key, a query or a path; URLs and headers over
 * the limits; every route hit with garbage; PostgreSQL's own refusals of such text; the
 * server log stays free of stack traces for all of it. Auth traps: setup answers 409
 * before any hashing, and the most common passwords are refused. PGlite by default,
 * PostgreSQL with DATABASE_URL.
 */
import crypto from 'node:crypto';
import { connect } from 'node:net';
import { syncBuiltinESMExports } from 'node:module';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toErrorResponse } from '@tabula/api/common/error-filter.js';
import { ERROR_STATUS } from '@tabula/api/common/error-status.js';
import { Client, q, startTabula, type Res, type TestServer } from '../helpers/tabula.js';

const N = '\u0000';
const PW = 'a long enough password';
let server: TestServer;
let admin: Client;
const ids: Record<string, string> = {};
const log: string[] = [];
const setupAttempts: { common?: Res; stateAfter?: Res; race?: Res[] } = {};

/** An answer in the error form, with a code whose status is the one answered. */
function expectErrorForm(r: Res, label = '') {
  expect(r.status, `${label} ${r.status} ${JSON.stringify(r.body)?.slice(0, 300)}`).toBeLessThan(500);
  expect(r.status, label).toBeGreaterThanOrEqual(400);
  expect(typeof r.body?.error?.code, `${label} ${JSON.stringify(r.body)?.slice(0, 300)}`).toBe('string');
  expect(typeof r.body.error.message, label).toBe('string');
  expect(
    ERROR_STATUS[r.body.error.code as keyof typeof ERROR_STATUS],
    `${label}: ${r.body.error.code} is answered with its own status`,
  ).toBe(r.status);
}

/** Anything but a 5xx; a 4xx in the error form. */
function expectNoServerError(r: Res, label: string) {
  expect(r.status, `${label} ${r.status} ${JSON.stringify(r.body)?.slice(0, 300)}`).toBeLessThan(500);
  if (r.status >= 400) expectErrorForm(r, label);
}

/** What a refused request must not have changed. */
async function state(): Promise<string> {
  const parts = await Promise.all(
    [
      '/api/config',
      '/api/users',
      '/api/groups',
      '/api/tables/clients/records?limit=1000',
      '/api/tables/clients/trash',
      '/api/workspace',
      '/api/exchange-rates',
    ].map((p) => admin.get(p)),
  );
  return JSON.stringify(parts.map((r) => r.body));
}

beforeAll(async () => {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      log.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as never);
  }
  server = await startTabula({ logLevel: 'error' });
  const anon = new Client(server.url);
  setupAttempts.common = await anon.post('/api/setup', { email: 'first@example.com', password: 'Password1' });
  setupAttempts.stateAfter = await anon.get('/api/setup');
  setupAttempts.race = await Promise.all(
    [1, 2, 3].map((i) => anon.post('/api/setup', { email: `admin${i}@example.com`, password: PW, name: `Admin ${i}` })),
  );
  admin = new Client(server.url);
  // whichever setup won (on a server that takes common passwords, the first one)
  admin.token = [setupAttempts.common, ...setupAttempts.race].find((r) => r.status === 201)?.body.token;
  const t = await admin.post('/api/tables', {
    key: 'clients',
    label: 'Clients',
    primaryField: 'name',
    fields: [
      { key: 'name', label: 'Name', type: 'text', searchable: true },
      { key: 'amount', label: 'Amount', type: 'number' },
    ],
  });
  expect(t.status, JSON.stringify(t.body)).toBe(201);
  ids.id = (await admin.post('/api/tables/clients/records', { data: { name: 'Acme', amount: 1 } })).body.id;
  expect((await admin.post('/api/tables/clients/records', { data: { name: 'Bolt', amount: 2 } })).status).toBe(201);
  ids.view = (await admin.post('/api/tables/clients/views', { name: 'All' })).body.id;
  ids.user = (await admin.post('/api/users', { email: 'viewer@example.com', password: PW, roles: ['Viewer'] })).body.id;
  ids.role = (await admin.post('/api/roles', { name: 'Clerk', rules: [] })).body.id;
  ids.group = (await admin.post('/api/groups', { name: 'Sales' })).body.id;
  ids.event = (await admin.get(`/api/tables/clients/records/${ids.id}/history`)).body.items[0].id;
});

afterAll(async () => {
  vi.restoreAllMocks();
  await server?.close();
});

/** Every route of the API but logout, with the ids of real things. */
const ROUTES: [string, string][] = [
  ['GET', '/api/auth/me'],
  ['POST', '/api/auth/me/password'],
  ['GET', '/api/auth/me/abilities'],
  ['GET', '/api/workspace'],
  ['GET', '/api/tables'],
  ['POST', '/api/tables'],
  ['GET', '/api/tables/:table'],
  ['PATCH', '/api/tables/:table'],
  ['POST', '/api/tables/:table/fields'],
  ['PATCH', '/api/tables/:table/fields/:field'],
  ['GET', '/api/tables/:table/records'],
  ['POST', '/api/tables/:table/records/query'],
  ['POST', '/api/tables/:table/records'],
  ['GET', '/api/tables/:table/records/:id'],
  ['PATCH', '/api/tables/:table/records/:id'],
  ['POST', '/api/tables/:table/records/:id/restore'],
  ['GET', '/api/tables/:table/trash'],
  ['POST', '/api/tables/:table/records/:id/history/:event/restore'],
  ['GET', '/api/tables/:table/records/:id/history'],
  ['GET', '/api/tables/:table/layouts/card'],
  ['PUT', '/api/tables/:table/layouts/card'],
  ['PUT', '/api/tables/:table/layouts/table'],
  ['GET', '/api/tables/:table/views'],
  ['POST', '/api/tables/:table/views'],
  ['PATCH', '/api/tables/:table/views/:view'],
  ['POST', '/api/tables/:table/pivot'],
  ['POST', '/api/tables/:table/records/aggregate'],
  ['GET', '/api/users'],
  ['POST', '/api/users'],
  ['GET', '/api/users/:user'],
  ['PATCH', '/api/users/:user'],
  ['GET', '/api/roles'],
  ['POST', '/api/roles'],
  ['GET', '/api/roles/:role'],
  ['PATCH', '/api/roles/:role'],
  ['GET', '/api/groups'],
  ['POST', '/api/groups'],
  ['PATCH', '/api/groups/:group'],
  ['POST', '/api/formula/check'],
  ['GET', '/api/formula/functions'],
  ['POST', '/api/formula/preview'],
  ['GET', '/api/exchange-rates'],
  ['POST', '/api/exchange-rates'],
  ['POST', '/api/tables/:table/records/:id/attachments/:field'],
  ['GET', '/api/attachments/:id'],
  ['GET', '/api/jobs/:id'],
  ['GET', '/api/config'],
  ['PUT', '/api/config'],
  ['GET', '/api/templates'],
  ['GET', '/api/templates/:name'],
  ['GET', '/api/admin/snapshots'],
  ['POST', '/api/admin/attachments/gc'],
  ['DELETE', '/api/tables/:table/records/:id'],
  ['DELETE', '/api/tables/:table/views/:view'],
  ['DELETE', '/api/users/:user'],
  ['DELETE', '/api/roles/:role'],
  ['DELETE', '/api/groups/:group'],
  ['DELETE', '/api/tables/:table/fields/:field'],
  ['DELETE', '/api/tables/:table'],
];
const fill = (path: string, garbage?: string) =>
  path.replace(
    /:(\w+)/g,
    (_m, k: string) => garbage ?? ({ table: 'clients', field: 'amount', name: 'crm' } as Record<string, string>)[k] ?? ids[k]!,
  );

describe('a malformed session cookie', () => {
  it.each([
    ['%', '%'],
    ['%E0%A4%A', '%E0%A4%A'],
    ['%00', '%00'],
    ['9,000 characters', 'x'.repeat(9000)],
  ])('%s is 401 on every guarded route, and no session on the public one', async (_label, cookie) => {
    const c = new Client(server.url);
    const headers = { cookie: `theme=dark; tabula_session=${cookie}` };
    for (const [method, path] of ROUTES) {
      const r = await c.req(method, fill(path), undefined, { headers });
      expectErrorForm(r, `${method} ${path}`);
      expect(r.body.error.code, `${method} ${path}`).toBe('UNAUTHENTICATED');
    }
    expect((await c.req('GET', '/api/auth/session', undefined, { headers })).body).toEqual({ user: null });
  });
});

describe('U+0000 and lone surrogates are refused at the edge, naming where, and nothing is written', () => {
  const filter = { field: 'name', op: 'eq', value: `Ac${N}me` };
  const CASES: [string, string, string, unknown, string][] = [
    ['list filter (JSON in the query)', 'GET', '/api/tables/clients/records' + q({ filter }), undefined, 'query.filter.value'],
    [
      'list filter (a raw NUL)',
      'GET',
      `/api/tables/clients/records?filter=%7B%22field%22%3A%22name%22%2C%22op%22%3A%22eq%22%2C%22value%22%3A%22a%00%22%7D`,
      undefined,
      'query.filter',
    ],
    ['quick search', 'GET', '/api/tables/clients/records' + q({ q: `Ac${N}` }), undefined, 'query.q'],
    ['cursor', 'GET', '/api/tables/clients/records' + q({ after: `x${N}` }), undefined, 'query.after'],
    ['sort', 'GET', '/api/tables/clients/records' + q({ sort: `name${N}` }), undefined, 'query.sort'],
    ['query body filter', 'POST', '/api/tables/clients/records/query', { filter: { and: [filter] } }, 'body.filter.and[0].value'],
    ['query body cursor', 'POST', '/api/tables/clients/records/query', { after: `x${N}` }, 'body.after'],
    ['pivot filter', 'POST', '/api/tables/clients/pivot', { rows: ['name'], filter }, 'body.filter.value'],
    ['aggregate filter', 'POST', '/api/tables/clients/records/aggregate', { filter }, 'body.filter.value'],
    ['login e-mail', 'POST', '/api/auth/login', { email: `a${N}@example.com`, password: PW }, 'body.email'],
    ['login password', 'POST', '/api/auth/login', { email: 'viewer@example.com', password: `${PW}${N}` }, 'body.password'],
    ['view name', 'POST', '/api/tables/clients/views', { name: `v${N}` }, 'body.name'],
    [
      'user attribute',
      'POST',
      '/api/users',
      { email: 'new@example.com', password: PW, attributes: { region: `north${N}` } },
      'body.attributes.region',
    ],
    ['formula preview literal', 'POST', '/api/formula/preview', { table: 'clients', expression: `"a${N}b"` }, 'body.expression'],
    ['formula check literal', 'POST', '/api/formula/check', { table: 'clients', expression: `"a${N}b"` }, 'body.expression'],
    [
      'formula field',
      'POST',
      '/api/tables/clients/fields',
      { key: 'f', label: 'F', type: 'formula', options: { expression: `"a${N}"` } },
      'body.options.expression',
    ],
    ['record value', 'POST', '/api/tables/clients/records', { data: { name: `Ac${N}me` } }, 'body.data.name'],
    ['record update', 'PATCH', '/api/tables/clients/records/:id', { data: { name: `Ac${N}me` } }, 'body.data.name'],
    [
      'batch record',
      'POST',
      '/api/tables/clients/records',
      { records: [{ data: { name: 'ok' } }, { data: { name: N } }] },
      'body.records[1].data.name',
    ],
    ['record key', 'POST', '/api/tables/clients/records', { data: { [`na${N}me`]: 'x' } }, 'body.data.na\\u0000me'],
    ['table label', 'POST', '/api/tables', { key: 'things', label: `T${N}` }, 'body.label'],
    ['field label', 'PATCH', '/api/tables/clients/fields/name', { label: `N${N}` }, 'body.label'],
    ['role name', 'POST', '/api/roles', { name: `R${N}`, rules: [] }, 'body.name'],
    ['group name', 'PATCH', '/api/groups/:group', { name: `G${N}` }, 'body.name'],
    ['user name', 'PATCH', '/api/users/:user', { name: `U${N}` }, 'body.name'],
    ['route param', 'GET', `/api/roles/x%00y`, undefined, 'params.id'],
    ['table param', 'GET', `/api/tables/cli%00ents/records`, undefined, 'params.table'],
    ['unused query param', 'DELETE', '/api/tables/clients/records/:id?x=%00', undefined, 'query.x'],
    ['lone surrogate value', 'POST', '/api/tables/clients/records', '{"data":{"name":"\\ud800"}}', 'body.data.name'],
    [
      'lone surrogate e-mail',
      'POST',
      '/api/auth/login',
      '{"email":"\\udc00@example.com","password":"a long enough password"}',
      'body.email',
    ],
  ];

  it('the configuration document too', async () => {
    const before = await state();
    const doc = (await admin.get('/api/config')).body;
    doc.tables[0].label = `Clients${N}`;
    const r = await admin.put('/api/config', doc);
    expectErrorForm(r);
    expect(r.body.error.details).toEqual({ 'body.tables[0].label': { code: 'NUL_CHARACTER', message: expect.any(String) } });
    expect(await state()).toBe(before);
  });

  it.each(CASES)('%s', async (_label, method, path, body, where) => {
    const before = await state();
    const raw = typeof body === 'string' ? body : undefined;
    const r = await admin.req(method, fill(path), raw === undefined ? body : undefined, { raw });
    expectErrorForm(r);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    expect(r.body.error.details).toEqual({ [where]: { code: raw ? 'INVALID_UNICODE' : 'NUL_CHARACTER', message: expect.any(String) } });
    expect(await state()).toBe(before);
  });

  it('a forged cursor that hides U+0000 in its encoding is a 400: the database refuses it, the error filter translates', async () => {
    const page = await admin.get('/api/tables/clients/records?sort=name&limit=1');
    const cursor = JSON.parse(Buffer.from(page.body.nextCursor, 'base64url').toString('utf8'));
    cursor.v[0] = `Ac${N}`;
    const r = await admin.get(
      '/api/tables/clients/records' + q({ sort: 'name', limit: '1', after: Buffer.from(JSON.stringify(cursor)).toString('base64url') }),
    );
    expectErrorForm(r);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
  });

  it("PostgreSQL's own refusals of such text are a 400, also behind the edge", async () => {
    for (const [text, params] of [
      ['SELECT $1::text AS v', [`a${N}b`]],
      ['SELECT $1::jsonb AS v', ['"a\\u0000b"']],
    ] as const) {
      const e = await server.tabula.db.query(text, [...params]).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e, text).toBeDefined();
      const { status, body } = toErrorResponse(e);
      expect(status, `${text}: ${String(e)}`).toBe(400);
      expect(body.error.code).toBe('VALIDATION_FAILED');
    }
    // a value the field allows but a btree index cannot hold (1,000 random CJK characters: ~3,000 bytes)
    const long = Array.from({ length: 1000 }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20000))).join('');
    const e = await server.tabula.db.tx(async (sql) => {
      await sql.exec(`CREATE TEMP TABLE long_text (d jsonb) ON COMMIT DROP`);
      await sql.exec(`CREATE INDEX ON long_text ((d->>'f'))`);
      return sql.exec(`INSERT INTO long_text VALUES ($1)`, [JSON.stringify({ f: long })]).then(
        () => undefined,
        (err: unknown) => err,
      );
    });
    expect(toErrorResponse(e), String(e)).toMatchObject({ status: 422, body: { error: { code: 'UNPROCESSABLE' } } });
  });
});

describe('URLs, headers and requests over the limits or malformed', () => {
  it('a URL or headers over 16 KB is a 431 in the error form', async () => {
    for (const r of [
      await admin.get('/api/tables/clients/records' + q({ q: 'x'.repeat(20_000) })),
      await admin.get('/api/tables/clients/records?q=' + 'x'.repeat(200_000)),
      await admin.req('GET', '/api/tables', undefined, { headers: { 'x-padding': 'x'.repeat(20_000) } }),
    ]) {
      expectErrorForm(r);
      expect(r.body.error.code).toBe('HEADERS_TOO_LARGE');
    }
  });

  it('a path parameter over 500 characters is a 414, a broken %-escape in the path a 400', async () => {
    for (const [method, path] of ROUTES.filter(([m, p]) => p.includes(':') && m !== 'GET')) {
      const long = await admin.req(method, fill(path, 'x'.repeat(600)), method === 'DELETE' ? undefined : {});
      expectErrorForm(long, `${method} ${path}`);
      expect(long.body.error.code, `${method} ${path}`).toBe('URI_TOO_LONG');
      const broken = await admin.req(method, fill(path, '%E0%A4%A'), method === 'DELETE' ? undefined : {});
      expectErrorForm(broken, `${method} ${path}`);
      expect(broken.body.error.details, `${method} ${path}`).toMatchObject({ url: { code: 'MALFORMED_URL' } });
    }
  });

  it('a request that is not HTTP is a 400 in the error form', async () => {
    const { port } = new URL(server.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('GET /api/tables HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => (data += d));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
      error: { code: 'VALIDATION_FAILED', details: { request: { code: 'MALFORMED_REQUEST' } } },
    });
  });
});

describe('every route with garbage', () => {
  const BODIES: [string, string][] = [
    ['null', 'null'],
    ['an array', '[1]'],
    ['a string', '"x"'],
    ['a huge number', '1e309'],
    ['broken JSON', '{"a":'],
    [
      'wrong types',
      JSON.stringify({
        name: [1],
        data: [1],
        filter: 'x',
        email: 1,
        password: {},
        expression: [],
        key: {},
        label: 1,
        rules: 'x',
        rows: 'x',
        q: 1,
        after: 1,
        limit: 1e308,
        offset: -1,
        version: 'x',
        records: 'x',
        table: {},
        currentPassword: [],
        newPassword: 1,
        rate: 'x',
        date: 'x',
        spec: 1,
      }),
    ],
    [
      'a depth bomb',
      '{"filter":' + '{"and":['.repeat(3000) + '{}' + ']}'.repeat(3000) + ',"data":' + '['.repeat(3000) + ']'.repeat(3000) + '}',
    ],
  ];
  const QUERIES = [
    '?limit=1e309&offset=-1',
    '?limit=1&limit=2&q=a&q=b&filter=1&filter=2',
    '?filter=%7B%7D&sort=-&count=x&after=%25',
    '?expand=x&return=x&from=x&to=x&date=x',
    '?q=%E0%A4%A&filter=%',
  ];
  const PARAMS = ['not-a-uuid', '-1', '00000000-0000-0000-0000-000000000000', `{${'0'.repeat(8)}}`];

  /** The garbage collector takes no body; a query and a history restore take an optional one, for which `null` is none. */
  function expectErrorFormUnlessIgnored(r: Res, path: string, label: string) {
    const optional = path.endsWith('/records/query') || path.endsWith('/restore');
    const ignoresBody = path === '/api/admin/attachments/gc' || (optional && label.endsWith('with null'));
    if (ignoresBody) expectNoServerError(r, label);
    else expectErrorForm(r, label);
  }

  it('never answers 5xx nor outside the error form, and writes nothing', async () => {
    const before = await state();
    for (const [method, path] of ROUTES) {
      const label = `${method} ${path}`;
      if (method !== 'GET' && method !== 'DELETE') {
        for (const [what, raw] of BODIES)
          expectErrorFormUnlessIgnored(await admin.req(method, fill(path), undefined, { raw }), path, `${label} with ${what}`);
        expectErrorForm(
          await admin.req(method, fill(path), undefined, { raw: '{}', headers: { 'content-type': ';;;' } }),
          `${label} with a broken content-type`,
        );
      }
      if (method === 'GET') for (const qs of QUERIES) expectNoServerError(await admin.req(method, fill(path) + qs), `${label}${qs}`);
      if (path.includes(':'))
        for (const p of PARAMS)
          expectErrorForm(
            await admin.req(method, fill(path, p), method === 'GET' || method === 'DELETE' ? undefined : {}),
            `${label} at ${p}`,
          );
    }
    expect(await state()).toBe(before);
  });

  it('?dryRun= other than true or false is refused instead of running the type change for real', async () => {
    const r = await admin.patch('/api/tables/clients/fields/name?dryRun=yes', { type: 'number' });
    expectErrorForm(r);
    expect(r.body.error.details).toMatchObject({ dryRun: { code: 'INVALID_BOOLEAN' } });
    expect((await admin.get('/api/tables/clients')).body.fields.find((f: { key: string }) => f.key === 'name').type).toBe('text');
  });
});

describe('auth traps', () => {
  it('setup refuses a common password and sets nothing up; of concurrent setups exactly one wins', () => {
    expectErrorForm(setupAttempts.common!);
    expect(setupAttempts.common!.body.error.details).toMatchObject({ password: { code: 'COMMON_PASSWORD' } });
    expect(setupAttempts.stateAfter!.body).toEqual({ setUp: false });
    expect(setupAttempts.race!.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });

  it('setup once set up answers 409 at once: before validating the body, without hashing a password', async () => {
    const scrypt = crypto.scrypt;
    let hashes = 0;
    crypto.scrypt = ((...args: Parameters<typeof scrypt>) => (hashes++, scrypt(...args))) as typeof scrypt;
    syncBuiltinESMExports();
    try {
      const anon = new Client(server.url);
      for (const body of [
        { email: 'late@example.com', password: 'another long password' },
        { email: 'not an e-mail', password: 'short' },
      ]) {
        const r = await anon.post('/api/setup', body);
        expectErrorForm(r);
        expect(r.body.error.code).toBe('ALREADY_SET_UP');
      }
      expect((await anon.post('/api/auth/login', { email: 'nobody@example.com', password: 'any password' })).status).toBe(401);
      expect(hashes, 'the spy sees the hashing of a login').toBeGreaterThan(0);
      const before = hashes;
      await anon.post('/api/setup', { email: 'late@example.com', password: 'another long password' });
      expect(hashes).toBe(before);
    } finally {
      crypto.scrypt = scrypt;
      syncBuiltinESMExports();
    }
  });

  const COMMON = [
    'password',
    '12345678',
    'qwerty123',
    '11111111',
    'password1',
    'PassWord1',
    'iloveyou',
    '1q2w3e4r',
    'sunshine1',
    'Summer2024',
  ];
  it.each(COMMON)('%s is refused on user creation, user update and password change', async (password) => {
    const created = await admin.post('/api/users', { email: `u${COMMON.indexOf(password)}@example.com`, password });
    expectErrorForm(created);
    expect(created.body.error.details).toMatchObject({ password: { code: 'COMMON_PASSWORD' } });
    const updated = await admin.patch(`/api/users/${ids.user}`, { password });
    expectErrorForm(updated);
    expect(updated.body.error.details).toMatchObject({ password: { code: 'COMMON_PASSWORD' } });
    const changed = await admin.post('/api/auth/me/password', { currentPassword: PW, newPassword: password });
    expectErrorForm(changed);
    expect(changed.body.error.details).toMatchObject({ newPassword: { code: 'COMMON_PASSWORD' } });
  });

  it('an uncommon password is still accepted', async () => {
    const r = await admin.post('/api/users', { email: 'fine@example.com', password: 'plum lantern 4 harbour' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  });
});

describe('the server log', () => {
  it('holds no error and no stack trace for any of the requests above', () => {
    const text = log.join('');
    expect(text).not.toMatch(/ERROR|\n\s+at /);
  });
});
