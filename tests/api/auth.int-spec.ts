/**
 * Accounts, sessions and rights administration over HTTP (issue #5): users, groups and
 * roles for administrators only; mass assignment refused; a password change ends the
 * other sessions; an administrator's reset and a deactivation end all of them; rights
 * changes apply to the next request of a signed-in user; the last administrator stays;
 * login throttling; URL tricks around auth; the security log. PGlite by default,
 * PostgreSQL with DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, Client, setupAdmin, startTabula, type Res, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let admin: Client;
let adminId: string;
const PW = 'a long enough password';

function expectError(r: Res, status: number, code?: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(typeof r.body?.error?.message).toBe('string');
  if (code) expect(r.body.error.code).toBe(code);
}

async function login(email: string, password = PW): Promise<Client> {
  const c = new Client(server.url);
  const r = await c.post('/api/auth/login', { email, password });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  c.token = r.body.token;
  return c;
}

async function createUser(email: string, body: Record<string, unknown> = {}) {
  const r = await admin.post('/api/users', { email, password: PW, ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

async function events(kind: string): Promise<{ user_id: string | null; actor_id: string | null; details: any }[]> {
  return server.tabula.db.query(`SELECT user_id, actor_id, details FROM security_event WHERE kind = $1 ORDER BY at, id`, [kind]);
}

beforeAll(async () => {
  server = await startTabula();
  admin = await setupAdmin(server.url);
  adminId = (await admin.get('/api/auth/me')).body.user.id;
});

afterAll(async () => {
  await server?.close();
});

describe('users', () => {
  it('creates a user with roles by name or id, groups and attributes, and lists it', async () => {
    const roles = (await admin.get('/api/roles')).body.items;
    expect(roles.map((r: any) => r.name)).toEqual(['Administrator', 'Manager', 'Senior manager', 'Viewer']);
    const viewer = roles.find((r: any) => r.name === 'Viewer');
    expect((await admin.post('/api/groups', { name: 'Sales' })).status).toBe(201);
    const u = await createUser('Mia@Example.com', {
      name: 'Mia',
      roles: ['Manager', viewer.id],
      groups: ['Sales'],
      attributes: { region: 'north', level: 2 },
    });
    expect(u).toMatchObject({
      email: 'mia@example.com',
      name: 'Mia',
      roles: ['Manager', 'Viewer'],
      groups: ['Sales'],
      attributes: { region: 'north', level: 2 },
      active: true,
    });
    expect(u).not.toHaveProperty('password_hash');
    expect(JSON.stringify((await admin.get('/api/users')).body)).not.toContain('scrypt');
    expect((await admin.get(`/api/users/${u.id}`)).body.email).toBe('mia@example.com');
    const mia = await login('mia@example.com');
    expect((await mia.get('/api/auth/me')).body.user).toMatchObject({ roles: ['Manager', 'Viewer'], groups: ['Sales'] });
    expect((await events('user_created')).map((e) => e.user_id)).toContain(u.id);
  });

  it('refuses mass assignment and bad input, changing nothing', async () => {
    const n = (await admin.get('/api/users')).body.items.length;
    const cases: [string, unknown, number, string?][] = [
      ['role', { email: 'x1@example.com', password: PW, role: 'Administrator' }, 400],
      ['admin', { email: 'x2@example.com', password: PW, admin: true }, 400],
      ['id', { email: 'x3@example.com', password: PW, id: '01900000-0000-7000-8000-000000000001' }, 400],
      ['password_hash', { email: 'x4@example.com', password: PW, password_hash: 'scrypt$1$1$1$a$b' }, 400],
      ['isAdmin', { email: 'x5@example.com', password: PW, isAdmin: true }, 400],
      ['__proto__', JSON.parse(`{"email":"x6@example.com","password":"${PW}","__proto__":{"isAdmin":true}}`), 400],
      ['unknown role', { email: 'x7@example.com', password: PW, roles: ['Overlord'] }, 400],
      ['unknown group', { email: 'x8@example.com', password: PW, groups: ['Nobody'] }, 400],
      ['bad attribute name', { email: 'x9@example.com', password: PW, attributes: { constructor: 'x' } }, 400],
      ['nested attribute', { email: 'x10@example.com', password: PW, attributes: { region: { $ne: 1 } } }, 400],
      ['short password', { email: 'x11@example.com', password: 'short' }, 400],
      ['bad email', { email: 'not an email', password: PW }, 400],
      ['duplicate email', { email: 'MIA@example.com', password: PW }, 409, 'UNIQUE_VIOLATION'],
    ];
    for (const [name, body, status, code] of cases) {
      const r = await admin.post('/api/users', body);
      expect(r.status, `${name}: ${JSON.stringify(r.body)}`).toBe(status);
      if (code) expect(r.body.error.code).toBe(code);
    }
    const mia = (await admin.get('/api/users')).body.items.find((u: any) => u.email === 'mia@example.com');
    expectError(await admin.patch(`/api/users/${mia.id}`, { roles: ['Manager'], admin: true }), 400, 'VALIDATION_FAILED');
    expect((await admin.get(`/api/users/${mia.id}`)).body.roles).toEqual(['Manager', 'Viewer']);
    expect((await admin.get('/api/users')).body.items.length).toBe(n);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('is for administrators only', async () => {
    const mia = await login('mia@example.com');
    for (const [m, p] of [
      ['GET', '/api/users'],
      ['POST', '/api/users'],
      ['GET', '/api/roles'],
      ['GET', '/api/groups'],
      ['PATCH', `/api/users/${adminId}`],
      ['DELETE', `/api/users/${adminId}`],
    ]) {
      expectError(await mia.req(m!, p!, m === 'GET' || m === 'DELETE' ? undefined : { name: 'x' }), 403, 'FORBIDDEN');
    }
  });
});

describe('sessions', () => {
  it('a password change ends the other sessions, not this one', async () => {
    await createUser('pat@example.com');
    const a = await login('pat@example.com');
    const b = await login('pat@example.com');
    expectError(
      await a.post('/api/auth/me/password', { currentPassword: 'wrong password', newPassword: 'another long password' }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(await a.post('/api/auth/me/password', { currentPassword: PW, newPassword: 'another long password', userId: adminId }), 400);
    expect((await a.post('/api/auth/me/password', { currentPassword: PW, newPassword: 'another long password' })).status).toBe(200);
    expect((await a.get('/api/auth/me')).status).toBe(200);
    expectError(await b.get('/api/auth/me'), 401, 'UNAUTHENTICATED');
    expectError(await new Client(server.url).post('/api/auth/login', { email: 'pat@example.com', password: PW }), 401);
    await login('pat@example.com', 'another long password');
    expect((await events('password_changed')).length).toBe(1);
  });

  it("an administrator's new password ends every session of the user", async () => {
    const u = await createUser('ria@example.com');
    const a = await login('ria@example.com');
    expect((await admin.patch(`/api/users/${u.id}`, { password: 'reset by admin 123' })).status).toBe(200);
    expectError(await a.get('/api/auth/me'), 401, 'UNAUTHENTICATED');
    await login('ria@example.com', 'reset by admin 123');
    expect((await events('password_reset')).map((e) => [e.user_id, e.actor_id])).toContainEqual([u.id, adminId]);
  });

  it("a deactivated user's token is refused at once, and so is their login", async () => {
    const u = await createUser('dee@example.com', { roles: ['Viewer'] });
    const d = await login('dee@example.com');
    expect((await d.get('/api/tables')).status).toBe(200);
    expect((await admin.patch(`/api/users/${u.id}`, { active: false })).body.active).toBe(false);
    expectError(await d.get('/api/tables'), 401, 'UNAUTHENTICATED');
    expectError(await new Client(server.url).post('/api/auth/login', { email: 'dee@example.com', password: PW }), 401);
    await admin.patch(`/api/users/${u.id}`, { active: true });
    expectError(await d.get('/api/tables'), 401, 'UNAUTHENTICATED'); // the old session stays ended
    await login('dee@example.com');
  });

  it('a role change applies to the next request of a signed-in user', async () => {
    await admin.post('/api/tables', { key: 'notes', label: 'Notes', fields: [{ key: 'text', label: 'Text', type: 'text' }] });
    await admin.post('/api/tables/notes/records', { data: { text: 'hello' } });
    const role = await admin.post('/api/roles', { name: 'Note reader', rules: [{ action: 'read', subject: 'notes' }] });
    const u = await createUser('nia@example.com', { roles: ['Note reader'] });
    const c = await login('nia@example.com');
    expect((await c.get('/api/tables/notes/records')).body.total).toBe(1);
    expectError(await c.post('/api/tables/notes/records', { data: { text: 'x' } }), 403, 'FORBIDDEN');
    await admin.patch(`/api/roles/${role.body.id}`, {
      rules: [
        { action: 'read', subject: 'notes' },
        { action: 'create', subject: 'notes' },
      ],
    });
    expect((await c.post('/api/tables/notes/records', { data: { text: 'by nia' } })).status).toBe(201);
    await admin.patch(`/api/roles/${role.body.id}`, { rules: [{ action: 'read', subject: 'notes', conditions: { owner: '$me' } }] });
    const own = await c.get('/api/tables/notes/records');
    expect(own.body.items.map((x: any) => x.data.text)).toEqual(['by nia']);
    await admin.patch(`/api/users/${u.id}`, { roles: [] });
    expectError(await c.get('/api/tables/notes/records'), 404, 'NOT_FOUND');
    const changes = await events('role_updated');
    expect(changes.length).toBe(2);
    expect(changes[0]!.details.rules.to).toHaveLength(2);
  });

  it('throttles failed logins per account with 429 and Retry-After', async () => {
    await createUser('tom@example.com');
    const anon = new Client(server.url);
    for (let i = 0; i < 5; i++)
      expectError(await anon.post('/api/auth/login', { email: 'tom@example.com', password: 'wrong password' }), 401);
    const r = await anon.post('/api/auth/login', { email: 'tom@example.com', password: PW });
    expectError(r, 429, 'TOO_MANY_REQUESTS');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await events('login_failed')).filter((e) => e.details?.email === 'tom@example.com').length).toBe(5);
  });
});

describe('URL tricks do not get around auth', () => {
  it('answers 401 or 404 to every variant without a session, and never data', async () => {
    await admin.post('/api/tables', { key: 'vault', label: 'Vault', fields: [{ key: 'secret', label: 'Secret', type: 'text' }] });
    await admin.post('/api/tables/vault/records', { data: { secret: 'the-vault-secret' } });
    const anon = new Client(server.url);
    const paths = [
      '/api/tables',
      '/api/tables/',
      '/api/Tables',
      '/API/tables',
      '/api//tables',
      '/api/tables?x=1',
      '/api/tables/?x=1#frag',
      '/api/tables/vault/records',
      '/api/tables/vault/records/',
      '/api/tables/vault%2Frecords',
      '/api/tables%2Fvault%2Frecords',
      '/api/tables/vault/./records',
      '/api/tables/x/../vault/records',
      '/api/%74ables/vault/records',
      '/api/users',
      '/api/users/',
      '/api/USERS',
      '/api/roles?admin=true',
      '/api/auth/me/abilities',
      '/api/auth/me/',
      '/api/health/../tables',
    ];
    for (const p of paths) {
      const r = await anon.get(p);
      // outside /api (case-sensitive) the designer's page may answer: HTML, never data
      const page = !p.startsWith('/api/') && r.status === 200 && String(r.headers.get('content-type')).startsWith('text/html');
      if (!page) expect([401, 404], `${p}: ${r.status}`).toContain(r.status);
      expect(JSON.stringify(r.body ?? '')).not.toContain('the-vault-secret');
    }
    expectError(await anon.req('GET', '/api/tables', undefined, { headers: { authorization: 'Bearer ' } }), 401);
    expectError(
      await anon.req('GET', '/api/tables', undefined, { headers: { authorization: `Basic ${Buffer.from('admin:x').toString('base64')}` } }),
      401,
    );
    expectError(await anon.req('GET', '/api/tables', undefined, { headers: { 'x-user-id': adminId } }), 401);
    expectError(await anon.as(admin.token!.split('.')[0] + '.tampered').get('/api/tables'), 401);
  });

  it('a signed-in non-administrator cannot reach admin routes through variants', async () => {
    const c = await login('mia@example.com');
    for (const p of ['/api/users/', '/api/users?x=1', '/api/roles/', '/api/groups?admin=1']) expectError(await c.get(p), 403, 'FORBIDDEN');
    for (const p of ['/api/Users', '/api/USERS/', '/api/users%2F']) expect([403, 404]).toContain((await c.get(p)).status);
  });
});

describe('roles and the last administrator', () => {
  it('validates rules and names the rule that is wrong', async () => {
    const bad: [unknown[], string][] = [
      [
        [
          { action: 'read', subject: 'notes' },
          { action: 'read', subject: 'notes', conditions: { constructor: 'x' } },
        ],
        'rules[1]',
      ],
      [
        [
          { action: 'read', subject: 'notes' },
          { action: 'read', subject: 'notes', conditions: { text: { $in: ['a'], $gt: { $where: '1' } } } },
        ],
        'rules[1]',
      ],
      [[{ action: 'read', subject: 'notes', conditions: { text: { $where: 'true' } } }], 'rules[0]'],
      [[{ action: 'read', subject: 'notes', conditions: { nope: 1 } }], 'rules[0]'],
      [[{ action: 'fly', subject: 'notes' }], 'rules[0]'],
      [[{ action: 'read', subject: 'nosuch' }], 'rules[0]'],
      [[{ action: 'read', subject: 'notes', fields: ['text'], conditions: { owner: '$me' } }], 'rules[0]'],
      [[{ action: 'read', subject: 'notes', constructor: 1 }], 'rules[0]'],
    ];
    for (const [rules, where] of bad) {
      const r = await admin.post('/api/roles', { name: 'Bad', rules });
      expectError(r, 400, 'VALIDATION_FAILED');
      expect(r.body.error.details, JSON.stringify(r.body)).toHaveProperty([where]);
    }
    // __proto__ anywhere in a body is refused before it is parsed into an object
    const proto = await admin.req('POST', '/api/roles', undefined, {
      raw: '{"name":"Bad","rules":[{"action":"read","subject":"notes","conditions":{"__proto__":{"owner":"x"}}}]}',
    });
    expectError(proto, 400, 'VALIDATION_FAILED');
    expect((await admin.get('/api/roles/Bad')).status).toBe(404);
    expect(({} as Record<string, unknown>).owner).toBeUndefined();
  });

  it('stores field ids and serves keys, so a rename keeps the rule', async () => {
    const r = await admin.post('/api/roles', {
      name: 'Texts',
      rules: [
        { action: 'read', subject: 'notes', fields: ['text'] },
        { action: 'read', subject: 'notes', conditions: { text: 'hello' } },
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect((await admin.patch('/api/tables/notes/fields/text', { key: 'body' })).status).toBe(200);
    expect((await admin.get(`/api/roles/${r.body.id}`)).body.rules).toEqual([
      { action: 'read', subject: 'notes', fields: ['body'] },
      { action: 'read', subject: 'notes', conditions: { body: 'hello' } },
    ]);
  });

  it('keeps an active administrator and the Administrator role its manage all', async () => {
    expectError(await admin.patch(`/api/users/${adminId}`, { active: false }), 409, 'CONFLICT');
    expectError(await admin.patch(`/api/users/${adminId}`, { roles: ['Viewer'] }), 409, 'CONFLICT');
    expectError(await admin.del(`/api/users/${adminId}`), 409, 'CONFLICT');
    expectError(await admin.patch('/api/roles/Administrator', { rules: [{ action: 'read', subject: 'all' }] }), 409, 'CONFLICT');
    expectError(await admin.patch('/api/roles/Administrator', { name: 'Boss' }), 409, 'CONFLICT');
    expectError(await admin.del('/api/roles/Administrator'), 409, 'CONFLICT');
    expect((await admin.get('/api/auth/me')).body.user.roles).toEqual(['Administrator']);
    // with a second administrator, the first may go
    const second = await createUser('ada2@example.com', { roles: ['Administrator'] });
    const c2 = await login('ada2@example.com');
    expect((await c2.patch(`/api/users/${adminId}`, { active: false })).status).toBe(200);
    expectError(await admin.get('/api/auth/me'), 401);
    expectError(await c2.patch(`/api/users/${second.id}`, { active: false }), 409, 'CONFLICT');
    expect((await c2.patch(`/api/users/${adminId}`, { active: true })).status).toBe(200);
    admin = await login(ADMIN.email, ADMIN.password);
  });

  it('a custom role with manage settings may change the schema', async () => {
    await admin.post('/api/roles', { name: 'Designer', rules: [{ action: 'manage', subject: 'settings' }] });
    await createUser('des@example.com', { roles: ['Designer'] });
    const d = await login('des@example.com');
    expect((await d.post('/api/tables', { key: 'designed', label: 'Designed' })).status).toBe(201);
  });

  it('groups: $myGroups, and membership changes apply at once', async () => {
    await admin.post('/api/tables', {
      key: 'tickets',
      label: 'Tickets',
      fields: [
        { key: 'title', label: 'Title', type: 'text' },
        { key: 'team', label: 'Team', type: 'text' },
      ],
    });
    await admin.post('/api/tables/tickets/records', {
      records: [{ data: { title: 'T1', team: 'Support' } }, { data: { title: 'T2', team: 'Billing' } }],
    });
    const g = await admin.post('/api/groups', { name: 'Support' });
    expect(g.status).toBe(201);
    await admin.post('/api/roles', {
      name: 'Team member',
      rules: [{ action: 'read', subject: 'tickets', conditions: { team: '$myGroups' } }],
    });
    const u = await createUser('sam@example.com', { roles: ['Team member'], groups: ['Support'] });
    const s = await login('sam@example.com');
    expect((await s.get('/api/tables/tickets/records')).body.items.map((x: any) => x.data.title)).toEqual(['T1']);
    await admin.post('/api/groups', { name: 'Billing' });
    await admin.patch(`/api/users/${u.id}`, { groups: ['Billing'] });
    expect((await s.get('/api/tables/tickets/records')).body.items.map((x: any) => x.data.title)).toEqual(['T2']);
    expect((await admin.patch(`/api/groups/${g.body.id}`, { name: 'Helpdesk' })).body.name).toBe('Helpdesk');
    expect((await admin.del('/api/groups/Billing')).status).toBe(204);
    expect((await s.get('/api/tables/tickets/records')).body.total).toBe(0);
    expect((await admin.get('/api/groups')).body.items.map((x: any) => x.name)).toEqual(['Helpdesk', 'Sales']);
    expect((await events('group_deleted')).length).toBe(1);
  });
});
