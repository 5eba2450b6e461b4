/**
 * Issue 12 item 5: saved views and layouts reveal nothing a reader may not read.
 *
 * A salary, a secret note and a formula over the salary are hidden from the shipped Viewer
 * and Manager roles (edited as an administrator would) and from a custom role, which also
 * may not read the invoices link nor the vault table. Every answer those users get is
 * recorded and searched for the hidden keys and the values the administrator's views
 * filter on. Saving a view that names a hidden field answers exactly as a field that does
 * not exist; views are personal unless an administrator shares them; a view on a table the
 * user may not read does not exist for them, on every verb. PGlite by default, PostgreSQL
 * with DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, RecordingClient, setupAdmin, startTabula, type Res, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let admin: Client;
const PW = 'a long enough password';
const users: Record<string, RecordingClient> = {};
const views: Record<string, string> = {};

/** What no reader below may ever see: hidden keys, and the values the admin's views filter on. */
const HIDDEN = ['salary', 'secret_note', 'pay_x2', '7770123', 'hush-hush-4711'];

async function ok(p: Promise<Res>, status = 201): Promise<Res> {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r;
}

function expectError(r: Res, status: number, code: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.error.code).toBe(code);
}

async function addUser(key: string, roles: string[]): Promise<RecordingClient> {
  await ok(admin.post('/api/users', { email: `${key}@example.com`, password: PW, name: key, roles }));
  const c = new RecordingClient(server.url);
  const login = await ok(c.post('/api/auth/login', { email: `${key}@example.com`, password: PW }), 200);
  c.token = login.body.token;
  c.bodies.length = 0;
  return (users[key] = c);
}

const hideFromClients = { action: 'read', subject: 'clients', fields: ['salary', 'secret_note'], inverted: true };

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
        { key: 'city', label: 'City', type: 'text' },
        { key: 'salary', label: 'Salary', type: 'number' },
        { key: 'secret_note', label: 'Note', type: 'longText' },
      ],
    }),
  );
  await ok(
    admin.post('/api/tables/clients/fields', { key: 'pay_x2', label: 'Pay × 2', type: 'formula', options: { expression: 'salary * 2' } }),
  );
  await ok(
    admin.post('/api/tables', {
      key: 'invoices',
      label: 'Invoices',
      primaryField: 'title',
      fields: [
        { key: 'title', label: 'Title', type: 'text' },
        {
          key: 'client',
          label: 'Client',
          type: 'link',
          options: { table: 'clients', multiple: false, inverseKey: 'invoices', inverseLabel: 'Invoices' },
        },
      ],
    }),
  );
  await ok(
    admin.post('/api/tables', {
      key: 'vault',
      label: 'Vault',
      primaryField: 'code',
      fields: [
        { key: 'code', label: 'Code', type: 'text' },
        {
          key: 'client',
          label: 'Client',
          type: 'link',
          options: { table: 'clients', multiple: false, inverseKey: 'vault_items', inverseLabel: 'Vault items' },
        },
      ],
    }),
  );
  // the shipped roles, edited to hide the salary and the note (the formula follows the salary)
  await ok(admin.patch('/api/roles/Viewer', { rules: [{ action: 'read', subject: 'all' }, hideFromClients] }), 200);
  const manager = (await ok(admin.get('/api/roles/Manager'), 200)).body;
  await ok(admin.patch('/api/roles/Manager', { rules: [...manager.rules, hideFromClients] }), 200);
  await ok(
    admin.post('/api/roles', {
      name: 'Desk',
      rules: [
        { action: 'read', subject: 'clients' },
        { action: 'read', subject: 'clients', fields: ['salary', 'secret_note', 'invoices'], inverted: true },
        { action: 'read', subject: 'invoices' },
      ],
    }),
  );
  await ok(admin.post('/api/roles', { name: 'Outsider', rules: [{ action: 'read', subject: 'invoices' }] }));
  await addUser('viewer', ['Viewer']);
  await addUser('viewer2', ['Viewer']);
  await addUser('manager', ['Manager']);
  await addUser('desk', ['Desk']);
  await addUser('outsider', ['Outsider']);
});

afterAll(async () => {
  for (const [key, c] of Object.entries(users)) {
    for (const body of c.bodies) for (const h of HIDDEN) expect(body.includes(h), `${key} saw "${h}" in ${body.slice(0, 300)}`).toBe(false);
  }
  await server?.close();
});

const readers = () =>
  [
    ['viewer', users.viewer!],
    ['manager', users.manager!],
    ['desk', users.desk!],
  ] as const;

describe('layouts list only what the reader may read', () => {
  it('default layouts leave out hidden fields, hidden links and links to unreadable tables', async () => {
    const full = (await ok(admin.get('/api/tables/clients/layouts/card'), 200)).body.spec;
    expect(full.tabs[0].sections[0].fields).toEqual(['name', 'city', 'salary', 'secret_note', 'pay_x2']);
    expect(full.subtables).toEqual([{ field: 'invoices' }, { field: 'vault_items' }]);
    for (const [who, c] of readers()) {
      const card = (await ok(c.get('/api/tables/clients/layouts/card'), 200)).body.spec;
      expect(card.tabs[0].sections[0].fields, who).toEqual(['name', 'city']);
      expect(card.subtables, who).toEqual(who === 'desk' ? [] : [{ field: 'invoices' }, { field: 'vault_items' }]);
      const table = (await ok(c.get('/api/tables/clients/layouts/table'), 200)).body.spec;
      expect(
        table.columns.map((x: { field: string }) => x.field),
        who,
      ).toEqual(who === 'desk' ? ['name', 'city', 'vault_items'] : ['name', 'city', 'invoices', 'vault_items']);
    }
  });

  it('saved layouts drop hidden fields, sections and tabs left empty by them, and keep frozen columns right', async () => {
    const card = {
      tabs: [
        {
          title: 'Main',
          sections: [
            { title: 'Who', columns: 2, fields: ['name', 'salary', 'city'] },
            { title: 'Pay', columns: 1, fields: ['secret_note', 'pay_x2'] },
            { title: 'Spacer', columns: 1, fields: [] },
          ],
        },
        { title: 'Payroll', sections: [{ title: 'Money', columns: 1, fields: ['salary'] }] },
      ],
      subtables: [{ field: 'invoices' }, { field: 'vault_items' }],
    };
    await ok(admin.put('/api/tables/clients/layouts/card', { spec: card }), 200);
    await ok(
      admin.put('/api/tables/clients/layouts/table', {
        spec: {
          columns: [{ field: 'salary', width: 90 }, { field: 'name', width: 200 }, { field: 'city' }, { field: 'pay_x2' }],
          frozen: 2,
        },
      }),
      200,
    );
    expect((await admin.get('/api/tables/clients/layouts/card')).body.spec).toEqual(card);
    for (const [who, c] of readers()) {
      const got = (await ok(c.get('/api/tables/clients/layouts/card'), 200)).body;
      expect(got.saved).toBe(true);
      expect(got.spec.tabs, who).toEqual([
        {
          title: 'Main',
          sections: [
            { title: 'Who', columns: 2, fields: ['name', 'city'] },
            { title: 'Spacer', columns: 1, fields: [] },
          ],
        },
      ]);
      expect(got.spec.subtables, who).toEqual(who === 'desk' ? [] : card.subtables);
      const table = (await ok(c.get('/api/tables/clients/layouts/table'), 200)).body.spec;
      expect(table, who).toEqual({ columns: [{ field: 'name', width: 200 }, { field: 'city' }], frozen: 1 });
    }
  });

  it('a layout of a table the user may not read is not found', async () => {
    for (const kind of ['card', 'table']) expectError(await users.outsider!.get(`/api/tables/clients/layouts/${kind}`), 404, 'NOT_FOUND');
    expectError(await users.desk!.get('/api/tables/vault/layouts/card'), 404, 'NOT_FOUND');
  });
});

describe('saved views of the administrator', () => {
  beforeAll(async () => {
    const make = async (key: string, body: Record<string, unknown>) =>
      (views[key] = (await ok(admin.post('/api/tables/clients/views', body))).body.id);
    await make('wellPaid', { name: 'Well paid', filter: { field: 'salary', op: 'gt', value: 7770123 } });
    await make('whispers', {
      name: 'Whispers',
      filter: {
        and: [
          { field: 'city', op: 'eq', value: 'Oslo' },
          { field: 'secret_note', op: 'contains', value: 'hush-hush-4711' },
        ],
      },
    });
    await make('byCity', {
      name: 'By city',
      sort: '-salary,city',
      columns: [{ field: 'name' }, { field: 'salary', width: 120 }, { field: 'city' }],
    });
    await make('doubled', { name: 'Doubled', sort: 'pay_x2' });
    await make('oslo', { name: 'Oslo', filter: { field: 'city', op: 'eq', value: 'Oslo' }, sort: 'name' });
    await make('recent', { name: 'Recent', filter: { field: 'created_at', op: 'gte', value: '2020-01-01' }, sort: '-updated_at' });
  });

  it('are shared with everyone, and the administrator sees them whole', async () => {
    const list = (await ok(admin.get('/api/tables/clients/views'), 200)).body.items;
    expect(list.map((v: { name: string }) => v.name)).toEqual(['Well paid', 'Whispers', 'By city', 'Doubled', 'Oslo', 'Recent']);
    expect(list.every((v: { shared: boolean }) => v.shared === true)).toBe(true);
    expect(list[0].filter).toEqual({ field: 'salary', op: 'gt', value: 7770123 });
    expect(list[2]).toMatchObject({
      sort: '-salary,city',
      columns: [{ field: 'name' }, { field: 'salary', width: 120 }, { field: 'city' }],
    });
    // system columns survive the round trip through stored field ids
    expect(list[5]).toMatchObject({ filter: { field: 'created_at', op: 'gte', value: '2020-01-01' }, sort: '-updated_at' });
  });

  it('reach a reader without a filter on a hidden field, and without hidden sort keys and columns', async () => {
    for (const [who, c] of readers()) {
      const list = (await ok(c.get('/api/tables/clients/views'), 200)).body.items;
      expect(
        list.map((v: { name: string }) => v.name),
        who,
      ).toEqual(['By city', 'Doubled', 'Oslo', 'Recent']);
      expect(list[0], who).toMatchObject({ sort: 'city', columns: [{ field: 'name' }, { field: 'city' }], filter: null });
      expect(list[1], who).toMatchObject({ sort: null });
      expect(list[2], who).toMatchObject({ filter: { field: 'city', op: 'eq', value: 'Oslo' }, sort: 'name' });
      // what a reader is given, the records endpoint accepts
      for (const v of list) {
        const params = new URLSearchParams();
        if (v.filter) params.set('filter', JSON.stringify(v.filter));
        if (v.sort) params.set('sort', v.sort);
        await ok(c.get(`/api/tables/clients/records?${params}`), 200);
      }
    }
  });

  it('do not exist for a reader who may not read the table or a field their filter names', async () => {
    for (const [, c] of readers()) {
      for (const id of [views.wellPaid, views.whispers]) {
        expectError(await c.patch(`/api/tables/clients/views/${id}`, { name: 'Mine now' }), 404, 'NOT_FOUND');
        expectError(await c.del(`/api/tables/clients/views/${id}`), 404, 'NOT_FOUND');
      }
    }
    const out = users.outsider!;
    expectError(await out.get('/api/tables/clients/views'), 404, 'NOT_FOUND');
    expectError(await out.post('/api/tables/clients/views', { name: 'Mine' }), 404, 'NOT_FOUND');
    expectError(await out.patch(`/api/tables/clients/views/${views.oslo}`, { name: 'Mine now' }), 404, 'NOT_FOUND');
    expectError(await out.del(`/api/tables/clients/views/${views.oslo}`), 404, 'NOT_FOUND');
    // the same view through another table's path
    expectError(await out.del(`/api/tables/invoices/views/${views.oslo}`), 404, 'NOT_FOUND');
    expect((await admin.get('/api/tables/clients/views')).body.items).toHaveLength(6);
  });

  it('may be changed or deleted only by an administrator, and a change keeps what it does not name', async () => {
    for (const [, c] of readers()) {
      expectError(await c.patch(`/api/tables/clients/views/${views.byCity}`, { name: 'Mine now' }), 403, 'FORBIDDEN');
      expectError(await c.del(`/api/tables/clients/views/${views.oslo}`), 403, 'FORBIDDEN');
    }
    const renamed = await ok(admin.patch(`/api/tables/clients/views/${views.byCity}`, { name: 'By town' }), 200);
    expect(renamed.body).toMatchObject({ name: 'By town', sort: '-salary,city', shared: true });
    expect(
      (await users.viewer!.get('/api/tables/clients/views')).body.items.find((v: { id: string }) => v.id === views.byCity),
    ).toMatchObject({ name: 'By town', sort: 'city' });
  });
});

describe('saving a view', () => {
  /** The two answers, with the field key each one names blanked out, are the same. */
  async function sameAsUnknown(
    c: Client,
    hidden: string,
    body: (key: string) => Record<string, unknown>,
    send = (b: Record<string, unknown>) => c.post('/api/tables/clients/views', b),
  ) {
    const a = await send(body(hidden));
    const b = await send(body('no_such_field'));
    // the two answers echo the caller's own input: not a leak, so not recorded
    if (c instanceof RecordingClient) c.bodies.splice(-2);
    expectError(a, 400, 'UNKNOWN_FIELD');
    expect(JSON.stringify(a.body).replaceAll(hidden, 'X')).toEqual(JSON.stringify(b.body).replaceAll('no_such_field', 'X'));
  }

  it('naming a hidden field anywhere is the 400 UNKNOWN_FIELD of a field that does not exist, and saves nothing', async () => {
    for (const [, c] of readers()) {
      for (const key of ['salary', 'secret_note', 'pay_x2']) {
        await sameAsUnknown(c, key, (k) => ({ name: 'Peek', filter: { field: k, op: 'isNotEmpty' } }));
        await sameAsUnknown(c, key, (k) => ({
          name: 'Peek',
          filter: { or: [{ field: 'city', op: 'eq', value: 'x' }, { not: { field: k, op: 'isEmpty' } }] },
        }));
        await sameAsUnknown(c, key, (k) => ({ name: 'Peek', sort: `city,-${k}` }));
        await sameAsUnknown(c, key, (k) => ({ name: 'Peek', columns: [{ field: 'name' }, { field: k }] }));
      }
      expect((await c.get('/api/tables/clients/views')).body.items.some((v: { name: string }) => v.name === 'Peek')).toBe(false);
    }
    // the link field hidden from the desk
    await sameAsUnknown(users.desk!, 'invoices', (k) => ({ name: 'Peek', columns: [{ field: k }] }));
  });

  it('a NUL character in a view is a 400, not a 500, and saves nothing', async () => {
    // refused at the edge, before the view's own checks (common/input-checks.ts)
    expectError(
      await admin.post('/api/tables/clients/views', { name: 'Nul', filter: { field: 'city', op: 'eq', value: 'a\u0000b' } }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(await admin.post('/api/tables/clients/views', { name: 'Nul\u0000' }), 400, 'VALIDATION_FAILED');
    expectError(
      await admin.patch(`/api/tables/clients/views/${views.oslo}`, { filter: { field: 'city', op: 'in', value: ['\u0000'] } }),
      400,
      'VALIDATION_FAILED',
    );
    const list = (await admin.get('/api/tables/clients/views')).body.items;
    expect(list.some((v: { name: string }) => v.name.startsWith('Nul'))).toBe(false);
    expect(list.find((v: { id: string }) => v.id === views.oslo).filter).toEqual({ field: 'city', op: 'eq', value: 'Oslo' });
  });

  it("a change to one's own view naming a hidden field is refused the same way and changes nothing", async () => {
    const c = users.viewer!;
    const mine = await ok(c.post('/api/tables/clients/views', { name: 'My Oslo', filter: { field: 'city', op: 'eq', value: 'Oslo' } }));
    const send = (b: Record<string, unknown>) => c.patch(`/api/tables/clients/views/${mine.body.id}`, b);
    await sameAsUnknown(c, 'salary', (k) => ({ sort: k }), send);
    await sameAsUnknown(c, 'secret_note', (k) => ({ filter: { field: k, op: 'contains', value: 'a' } }), send);
    await sameAsUnknown(c, 'pay_x2', (k) => ({ columns: [{ field: k }] }), send);
    const after = (await c.get('/api/tables/clients/views')).body.items.find((v: { id: string }) => v.id === mine.body.id);
    expect(after).toEqual({ ...mine.body });
    await ok(c.del(`/api/tables/clients/views/${mine.body.id}`), 204);
  });
});

describe('personal and shared views', () => {
  it('a reader saves personal views that only they see, change and delete', async () => {
    const v = users.viewer!;
    const mine = await ok(
      v.post('/api/tables/clients/views', { name: 'Mine', filter: { field: 'city', op: 'eq', value: 'Bergen' }, sort: '-name' }),
    );
    expect(mine.body).toMatchObject({ name: 'Mine', shared: false });
    // the same name is free for others: a 409 would tell that someone has a view of that name
    const theirs = await ok(users.viewer2!.post('/api/tables/clients/views', { name: 'Mine' }));
    const manager = await ok(users.manager!.post('/api/tables/clients/views', { name: 'Oslo' }));
    expect(manager.body.shared).toBe(false);
    expect((await v.get('/api/tables/clients/views')).body.items.filter((x: { name: string }) => x.name === 'Mine')).toEqual([mine.body]);
    for (const other of [admin, users.viewer2!, users.manager!, users.desk!]) {
      expect((await other.get('/api/tables/clients/views')).body.items.some((x: { id: string }) => x.id === mine.body.id)).toBe(false);
      expectError(await other.patch(`/api/tables/clients/views/${mine.body.id}`, { name: 'Taken' }), 404, 'NOT_FOUND');
      expectError(await other.del(`/api/tables/clients/views/${mine.body.id}`), 404, 'NOT_FOUND');
    }
    const changed = await ok(v.patch(`/api/tables/clients/views/${mine.body.id}`, { sort: 'city' }), 200);
    expect(changed.body).toEqual({ ...mine.body, sort: 'city' });
    await ok(v.del(`/api/tables/clients/views/${mine.body.id}`), 204);
    await ok(users.viewer2!.del(`/api/tables/clients/views/${theirs.body.id}`), 204);
    await ok(users.manager!.del(`/api/tables/clients/views/${manager.body.id}`), 204);
  });

  it('only a user who may manage settings shares a view or changes whether it is shared', async () => {
    const v = users.viewer!;
    expectError(await v.post('/api/tables/clients/views', { name: 'For all', shared: true }), 403, 'FORBIDDEN');
    const mine = await ok(v.post('/api/tables/clients/views', { name: 'For me', shared: false }));
    expectError(await v.patch(`/api/tables/clients/views/${mine.body.id}`, { shared: true }), 403, 'FORBIDDEN');
    expectError(await v.post('/api/tables/clients/views', { name: 'Odd', shared: 'yes' }), 400, 'VALIDATION_FAILED');
    expect(
      (await users.viewer2!.get('/api/tables/clients/views')).body.items.some(
        (x: { name: string }) => x.name === 'For all' || x.name === 'For me',
      ),
    ).toBe(false);
    // an administrator's personal view, shared later, then taken back
    const draft = await ok(admin.post('/api/tables/clients/views', { name: 'Draft', shared: false }));
    expect((await v.get('/api/tables/clients/views')).body.items.some((x: { id: string }) => x.id === draft.body.id)).toBe(false);
    await ok(admin.patch(`/api/tables/clients/views/${draft.body.id}`, { shared: true }), 200);
    expect((await v.get('/api/tables/clients/views')).body.items.find((x: { id: string }) => x.id === draft.body.id)).toMatchObject({
      name: 'Draft',
      shared: true,
    });
    await ok(admin.patch(`/api/tables/clients/views/${draft.body.id}`, { shared: false }), 200);
    expect((await v.get('/api/tables/clients/views')).body.items.some((x: { id: string }) => x.id === draft.body.id)).toBe(false);
    await ok(admin.del(`/api/tables/clients/views/${draft.body.id}`), 204);
  });

  it('the configuration document carries the shared views only', async () => {
    const doc = (await ok(admin.get('/api/config'), 200)).body;
    const names = doc.views.clients.map((v: { name: string }) => v.name);
    expect(names).toContain('Oslo');
    expect(names).not.toContain('For me');
  });
});
