/**
 * Issue 12 item 6: no dangling rules. Deleting a field or a table updates the role rules
 * that name it in the same transaction — a field leaves the `fields` lists, an emptied
 * `cannot` list goes, the rules of a deleted table go — and a delete that would leave a
 * rule without its meaning (a condition on the field, a `can` rule with no field left) is
 * refused with 409 and the list of those rules, changing nothing. Rules are by field id: a
 * field re-created with the same key is a new field. Rules stored before the fix with
 * dangling ids are read as the gate enforces them, so a role and the configuration always
 * round-trip (GET → PATCH / PUT of the same body). PGlite by default, PostgreSQL with
 * DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, setupAdmin, startTabula, type Res, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let admin: Client;
const PW = 'a long enough password';
const users: Record<string, Client> = {};
const roleIds: Record<string, string> = {};
const rec: Record<string, string> = {};

function expectStatus(r: Res, status: number, code?: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  if (code) expect(r.body.error.code).toBe(code);
}

async function ok<T = any>(p: Promise<Res<T>>): Promise<T> {
  const r = await p;
  if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function addRole(name: string, rules: unknown[]) {
  const r = await admin.post('/api/roles', { name, rules });
  expectStatus(r, 201);
  roleIds[name] = r.body.id;
}

async function addUser(key: string, body: Record<string, unknown>) {
  await ok(admin.post('/api/users', { email: `${key}@example.com`, password: PW, name: key, ...body }));
  const c = new Client(server.url);
  c.token = (await ok(c.post('/api/auth/login', { email: `${key}@example.com`, password: PW }))).token;
  users[key] = c;
}

const rulesOf = async (role: string) => (await ok(admin.get(`/api/roles/${roleIds[role]}`))).rules;
const rightsVersion = async () =>
  Number((await server.tabula.db.query<{ v: string }>(`SELECT rights_version::text AS v FROM workspace`))[0]!.v);

/** GET role → PATCH of the same {name, rules} → the same rules. */
async function roleRoundTrips(role: string) {
  const got = await ok(admin.get(`/api/roles/${roleIds[role]}`));
  const put = await admin.patch(`/api/roles/${roleIds[role]}`, { name: got.name, rules: got.rules });
  expectStatus(put, 200);
  expect(put.body.rules).toEqual(got.rules);
}

/** GET /api/config → PUT of the same document: valid, and no differences. */
async function configRoundTrips() {
  const doc = await ok(admin.get('/api/config'));
  expect(JSON.stringify(doc.roles)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/i);
  const put = await admin.put('/api/config', doc);
  expectStatus(put, 200);
  expect(put.body).toEqual({ applied: false, differences: [] });
}

beforeAll(async () => {
  server = await startTabula();
  admin = await setupAdmin(server.url);
  await ok(
    admin.post('/api/tables', {
      key: 'clients',
      label: 'Clients',
      primaryField: 'name',
      fields: [
        { key: 'name', label: 'Name', type: 'text' },
        { key: 'code', label: 'Code', type: 'text' },
        { key: 'region', label: 'Region', type: 'select', options: { choices: [{ value: 'north' }, { value: 'south' }] } },
        { key: 'level', label: 'Level', type: 'number' },
        { key: 'salary', label: 'Salary', type: 'number' },
        { key: 'note', label: 'Note', type: 'text' },
      ],
    }),
  );
  await ok(admin.post('/api/tables', { key: 'invoices', label: 'Invoices', fields: [{ key: 'amount', label: 'Amount', type: 'number' }] }));
  await ok(
    admin.post('/api/tables/invoices/fields', {
      key: 'client',
      label: 'Client',
      type: 'link',
      options: { table: 'clients', multiple: false, inverseKey: 'invoices' },
    }),
  );
  await ok(
    admin.post('/api/tables', {
      key: 'tmp',
      label: 'Temporary',
      fields: [
        { key: 'secret', label: 'Secret', type: 'text' },
        { key: 'label', label: 'Label', type: 'text' },
      ],
    }),
  );
  await ok(admin.post('/api/tables', { key: 'boxes', label: 'Boxes', fields: [{ key: 'label', label: 'Label', type: 'text' }] }));
  await ok(
    admin.post('/api/tables/boxes/fields', {
      key: 'client',
      label: 'Client',
      type: 'link',
      options: { table: 'clients', multiple: false, inverseKey: 'boxes' },
    }),
  );
  // a saved view and layout naming a field that goes: the document must still round-trip
  const noted = {
    and: [{ field: 'note', op: 'isNotEmpty' }, { not: { field: 'note', op: 'eq', value: 'x' } }, { field: 'name', op: 'isNotEmpty' }],
  };
  await ok(
    admin.post('/api/tables/clients/views', {
      name: 'Noted',
      filter: noted,
      sort: 'note,name',
      columns: [{ field: 'name' }, { field: 'note' }],
    }),
  );
  await ok(
    admin.put('/api/tables/clients/layouts/table', { spec: { columns: [{ field: 'name' }, { field: 'note' }, { field: 'salary' }] } }),
  );

  await addRole('Clerk', [
    { action: 'read', subject: 'clients' },
    { action: 'read', subject: 'clients', fields: ['salary', 'note'], inverted: true },
    { action: 'update', subject: 'clients', fields: ['name', 'note'] },
    { action: 'read', subject: 'invoices' },
    { action: 'read', subject: 'invoices', fields: ['client'], inverted: true },
    { action: 'read', subject: 'clients', fields: ['invoices'], inverted: true },
    { action: 'read', subject: 'tmp' },
    { action: 'read', subject: 'tmp', fields: ['secret'], inverted: true },
  ]);
  await addRole('Regional', [
    { action: 'read', subject: 'clients', conditions: { region: '$me.region' } },
    { action: 'read', subject: 'clients', conditions: { level: { $gt: 5 } }, inverted: true },
  ]);
  await addRole('Names', [{ action: 'read', subject: 'clients', fields: ['code'] }]);
  await addRole('Linked', [
    { action: 'read', subject: 'invoices' },
    { action: 'read', subject: 'clients', conditions: { invoices: { $exists: true } } },
    { action: 'read', subject: 'clients', conditions: { boxes: { $exists: true } } },
  ]);
  await addUser('clerk', { roles: ['Clerk'] });
  await addUser('regional', { roles: ['Regional'], attributes: { region: 'north' } });

  for (const [key, data] of [
    ['north', { name: 'North Ltd', code: 'N1', region: 'north', level: 1, salary: 7001, note: 'north note' }],
    ['south', { name: 'South Ltd', code: 'S1', region: 'south', level: 1, salary: 7002, note: 'south note' }],
    ['high', { name: 'High Ltd', code: 'H1', region: 'north', level: 9, salary: 7003, note: 'high note' }],
  ] as const) {
    rec[key] = (await ok(admin.post('/api/tables/clients/records', { data }))).id;
  }
  rec.invoice = (await ok(admin.post('/api/tables/invoices/records', { data: { amount: 10, client: [rec.north] } }))).id;
  rec.box = (await ok(admin.post('/api/tables/boxes/records', { data: { label: 'box 1', client: [rec.north] } }))).id;
  await ok(admin.post('/api/tables/tmp/records', { data: { secret: 'tmp-secret-1', label: 'tmp 1' } }));
});

afterAll(async () => {
  await server?.close();
});

describe('deleting a field updates the rules that name it', () => {
  it('drops the field from fields lists; the hidden rule still hides the rest; role and config round-trip', async () => {
    const before = await rightsVersion();
    expectStatus(await admin.del('/api/tables/clients/fields/note'), 204);
    expect(await rightsVersion()).toBeGreaterThan(before);
    const rules = await rulesOf('Clerk');
    expect(rules[1]).toEqual({ action: 'read', subject: 'clients', fields: ['salary'], inverted: true });
    expect(rules[2]).toEqual({ action: 'update', subject: 'clients', fields: ['name'] });
    const got = await ok(users.clerk!.get(`/api/tables/clients/records/${rec.north}`));
    expect(got.data.name).toBe('North Ltd');
    expect(got.data).not.toHaveProperty('salary');
    expect(JSON.stringify(await ok(users.clerk!.get('/api/tables/clients/records')))).not.toContain('7001');
    expectStatus(await users.clerk!.get('/api/tables/clients/records?sort=salary'), 400, 'UNKNOWN_FIELD');
    await roleRoundTrips('Clerk');
    await configRoundTrips();
    // the saved view and layout lose what named the field, and stay valid
    const doc = await ok(admin.get('/api/config'));
    expect(doc.views.clients).toEqual([
      { name: 'Noted', filter: { and: [{ field: 'name', op: 'isNotEmpty' }] }, sort: 'name', columns: [{ field: 'name' }] },
    ]);
    expect(doc.layouts.clients.table.columns).toEqual([{ field: 'name' }, { field: 'salary' }]);
  });

  it('an emptied hidden list goes with its field; a field re-created with the same key is a new field', async () => {
    expectStatus(await admin.del('/api/tables/clients/fields/salary'), 204);
    const rules = await rulesOf('Clerk');
    expect(rules).not.toContainEqual(
      expect.objectContaining({ subject: 'clients', inverted: true, fields: expect.arrayContaining(['salary']) }),
    );
    expect(rules).toHaveLength(7);
    await roleRoundTrips('Clerk');
    await configRoundTrips();
    // the change is on the security log, naming the deleted field and the rules before and after
    const [event] = await server.tabula.db.query<{ details: any }>(
      `SELECT details FROM security_event WHERE kind = 'role_updated' AND details->>'cause' = 'field_deleted' AND details->>'role' = $1 ORDER BY at DESC, id DESC LIMIT 1`,
      [roleIds.Clerk],
    );
    expect(event?.details).toMatchObject({
      cause: 'field_deleted',
      fields: [expect.objectContaining({ table: 'clients', field: 'salary' })],
    });
    // a new salary field inherits nothing: no rule names it, so the clerk reads it until a rule hides it
    await ok(admin.post('/api/tables/clients/fields', { key: 'salary', label: 'Salary', type: 'number' }));
    await ok(admin.patch(`/api/tables/clients/records/${rec.north}`, { data: { salary: 8123 } }));
    expect(await rulesOf('Clerk')).toEqual(rules);
    expect((await ok(users.clerk!.get(`/api/tables/clients/records/${rec.north}`))).data.salary).toBe(8123);
    await ok(
      admin.patch(`/api/roles/${roleIds.Clerk}`, {
        rules: [...rules, { action: 'read', subject: 'clients', fields: ['salary'], inverted: true }],
      }),
    );
    expect((await ok(users.clerk!.get(`/api/tables/clients/records/${rec.north}`))).data).not.toHaveProperty('salary');
  });

  it('a rule whose conditions name the field, or a can rule left with no field, refuses the delete and lists them; nothing changes', async () => {
    const regionalBefore = await ok(users.regional!.get('/api/tables/clients/records?sort=name'));
    expect(regionalBefore.items.map((x: any) => x.data.name)).toEqual(['North Ltd']);
    const rolesBefore = await ok(admin.get('/api/roles'));
    const version = await rightsVersion();
    const cases: [string, unknown[]][] = [
      ['region', [{ role: 'Regional', index: 0, table: 'clients', field: 'region', reason: 'condition' }]],
      ['level', [{ role: 'Regional', index: 1, table: 'clients', field: 'level', reason: 'condition' }]],
      ['code', [{ role: 'Names', index: 0, table: 'clients', field: 'code', reason: 'lastField' }]],
    ];
    for (const [field, expected] of cases) {
      const r = await admin.del(`/api/tables/clients/fields/${field}`);
      expectStatus(r, 409, 'CONFLICT');
      expect(r.body.error.details.rules).toEqual(expected);
      expect(r.body.error.message).toContain((expected[0] as { role: string }).role);
    }
    const table = await ok(admin.get('/api/tables/clients'));
    expect(table.fields.map((f: any) => f.key)).toEqual(expect.arrayContaining(['region', 'level', 'code']));
    expect((await ok(admin.get(`/api/tables/clients/records/${rec.high}`))).data).toMatchObject({ region: 'north', level: 9, code: 'H1' });
    expect(await ok(admin.get('/api/roles'))).toEqual(rolesBefore);
    expect(await rightsVersion()).toBe(version);
    expect(await ok(users.regional!.get('/api/tables/clients/records?sort=name'))).toEqual(regionalBefore);
  });
});

describe('link fields: both sides', () => {
  it('a condition on the inverse refuses deleting the link from either side', async () => {
    for (const path of ['/api/tables/invoices/fields/client', '/api/tables/clients/fields/invoices']) {
      const r = await admin.del(path);
      expectStatus(r, 409, 'CONFLICT');
      expect(r.body.error.details.rules).toEqual([{ role: 'Linked', index: 1, table: 'clients', field: 'invoices', reason: 'condition' }]);
    }
    expect((await ok(admin.get(`/api/tables/invoices/records/${rec.invoice}`))).data.client).toEqual([rec.north]);
  });

  it('once the condition is gone, deleting the link updates the rules of both sides', async () => {
    const linked = await rulesOf('Linked');
    await ok(admin.patch(`/api/roles/${roleIds.Linked}`, { rules: [linked[0], linked[2]] }));
    expectStatus(await admin.del('/api/tables/clients/fields/invoices'), 204);
    const rules = await rulesOf('Clerk');
    expect(rules).not.toContainEqual(expect.objectContaining({ subject: 'invoices', fields: expect.anything() }));
    expect(rules).not.toContainEqual(expect.objectContaining({ subject: 'clients', fields: ['invoices'] }));
    expect(rules).toContainEqual({ action: 'read', subject: 'invoices' });
    expect(((await ok(admin.get('/api/tables/invoices'))).fields as any[]).map((f) => f.key)).toEqual(['amount']);
    await roleRoundTrips('Clerk');
    await configRoundTrips();
  });
});

describe('deleting a table', () => {
  it('removes the rules whose subject it is', async () => {
    expect(JSON.stringify(await rulesOf('Clerk'))).toContain('tmp');
    expectStatus(await admin.del('/api/tables/tmp'), 204);
    expect(await rulesOf('Clerk')).not.toContainEqual(expect.objectContaining({ subject: 'tmp' }));
    expect(JSON.stringify(await rulesOf('Clerk'))).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/i);
    await roleRoundTrips('Clerk');
    await configRoundTrips();
  });

  it('a condition naming a link into it elsewhere refuses the delete; nothing changes', async () => {
    const version = await rightsVersion();
    const r = await admin.del('/api/tables/boxes');
    expectStatus(r, 409, 'CONFLICT');
    expect(r.body.error.details.rules).toEqual([{ role: 'Linked', index: 1, table: 'clients', field: 'boxes', reason: 'condition' }]);
    expect((await ok(admin.get(`/api/tables/boxes/records/${rec.box}`))).data).toMatchObject({ label: 'box 1', client: [rec.north] });
    expect((await ok(admin.get(`/api/tables/clients/records/${rec.north}`))).data.boxes).toEqual([rec.box]);
    expect(await rightsVersion()).toBe(version);
    await ok(
      admin.patch(`/api/roles/${roleIds.Linked}`, {
        rules: [
          { action: 'read', subject: 'boxes' },
          { action: 'read', subject: 'clients', fields: ['name', 'boxes'] },
        ],
      }),
    );
    expectStatus(await admin.del('/api/tables/boxes'), 204);
    expect(await rulesOf('Linked')).toEqual([{ action: 'read', subject: 'clients', fields: ['name'] }]);
    await configRoundTrips();
  });
});

describe('rules stored with dangling ids before the fix', () => {
  it('are read as the gate enforces them: ignored where they grant or hide nothing, fail-closed where they restrict', async () => {
    const tables = await ok(admin.get('/api/tables'));
    const clients = tables.items.find((t: any) => t.key === 'clients');
    const invoices = tables.items.find((t: any) => t.key === 'invoices');
    const idOf = (key: string) => clients.fields.find((f: any) => f.key === key).id;
    const dead = '0192f0c1-0000-7000-8000-00000000dead';
    const deadTable = '0192f0c1-0000-7000-8000-0000000dead1';
    await addRole('Legacy', [{ action: 'read', subject: 'clients' }]);
    await addUser('legacy', { roles: ['Legacy'] });
    const stored = [
      { action: 'read', subject: clients.id },
      { action: 'read', subject: clients.id, fields: [dead, idOf('code')], inverted: true },
      { action: 'read', subject: deadTable },
      { action: 'update', subject: clients.id, fields: [dead] },
      { action: 'read', subject: clients.id, fields: [dead], inverted: true },
      { action: 'read', subject: invoices.id, conditions: { [dead]: 'x' } },
      { action: 'create', subject: clients.id },
      { action: 'create', subject: clients.id, conditions: { [dead]: 'x', [idOf('name')]: 'blocked' }, inverted: true },
    ];
    await server.tabula.db.exec(`UPDATE role SET rules = $1::jsonb WHERE id = $2`, [JSON.stringify(stored), roleIds.Legacy]);
    await server.tabula.db.exec(`UPDATE workspace SET rights_version = rights_version + 1`);
    expect(await rulesOf('Legacy')).toEqual([
      { action: 'read', subject: 'clients' },
      { action: 'read', subject: 'clients', fields: ['code'], inverted: true },
      { action: 'create', subject: 'clients' },
      { action: 'create', subject: 'clients', conditions: { name: 'blocked' }, inverted: true },
    ]);
    // what the role shows is what the gate enforces
    const legacy = users.legacy!;
    const got = await ok(legacy.get(`/api/tables/clients/records/${rec.north}`));
    expect(got.data.name).toBe('North Ltd');
    expect(got.data).not.toHaveProperty('code');
    expectStatus(await legacy.get('/api/tables/invoices/records'), 404, 'NOT_FOUND');
    expectStatus(
      await legacy.patch(`/api/tables/clients/records/${rec.north}`, { data: { name: 'x' }, version: got.version }),
      403,
      'FORBIDDEN',
    );
    expectStatus(await legacy.post('/api/tables/clients/records', { data: { name: 'blocked' } }), 403, 'FORBIDDEN');
    expectStatus(await legacy.post('/api/tables/clients/records', { data: { name: 'allowed' } }), 201);
    await roleRoundTrips('Legacy');
    await configRoundTrips();
  });

  it('a legacy cannot rule whose only condition names a deleted field denies every row, and says so', async () => {
    const tables = await ok(admin.get('/api/tables'));
    const clients = tables.items.find((t: any) => t.key === 'clients');
    const dead = '0192f0c1-0000-7000-8000-00000000dead';
    await server.tabula.db.exec(`UPDATE role SET rules = $1::jsonb WHERE id = $2`, [
      JSON.stringify([
        { action: 'read', subject: clients.id },
        { action: 'create', subject: clients.id },
        { action: 'create', subject: clients.id, conditions: { [dead]: 'x' }, inverted: true },
      ]),
      roleIds.Legacy,
    ]);
    await server.tabula.db.exec(`UPDATE workspace SET rights_version = rights_version + 1`);
    expect(await rulesOf('Legacy')).toEqual([
      { action: 'read', subject: 'clients' },
      { action: 'create', subject: 'clients' },
      { action: 'create', subject: 'clients', inverted: true },
    ]);
    expectStatus(await users.legacy!.post('/api/tables/clients/records', { data: { name: 'denied' } }), 403, 'FORBIDDEN');
    await roleRoundTrips('Legacy');
    await configRoundTrips();
  });
});
