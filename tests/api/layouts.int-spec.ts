/** Card and table layouts and saved views (issue #3 item 7): stored by field id, served by key. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, q, setupAdmin, startTabula, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let api: Client;

beforeAll(async () => {
  server = await startTabula();
  api = await setupAdmin(server.url);
  await api.post('/api/tables', {
    key: 'clients',
    label: 'Clients',
    fields: [
      { key: 'name', label: 'Name', type: 'text' },
      { key: 'city', label: 'City', type: 'text' },
      { key: 'since', label: 'Since', type: 'date' },
    ],
  });
});

afterAll(async () => {
  await server?.close();
});

describe('layouts', () => {
  it('serves a default card layout, stores a designed one, and follows renames', async () => {
    const def = await api.get('/api/tables/clients/layouts/card');
    expect(def.body.saved).toBe(false);
    expect(def.body.spec.tabs[0].sections[0].fields).toEqual(['name', 'city', 'since']);
    const spec = {
      tabs: [
        {
          title: 'Main',
          sections: [
            { title: 'Who', columns: 2, fields: ['name', 'city'] },
            { title: 'When', columns: 1, fields: ['since'] },
          ],
        },
      ],
      subtables: [],
    };
    expect((await api.put('/api/tables/clients/layouts/card', { spec })).status).toBe(200);
    await api.patch('/api/tables/clients/fields/city', { key: 'town' });
    const got = await api.get('/api/tables/clients/layouts/card');
    expect(got.body.spec.tabs[0].sections[0].fields).toEqual(['name', 'town']);
  });

  it('refuses layouts naming unknown fields or with bad shapes, changing nothing', async () => {
    const before = (await api.get('/api/tables/clients/layouts/card')).body;
    for (const spec of [
      { tabs: [{ sections: [{ fields: ['nope'] }] }] },
      { tabs: 'x' },
      { tabs: [{ sections: [{ columns: 9, fields: [] }] }] },
      { tabs: [], subtables: [{ field: 'name' }] },
    ]) {
      const r = await api.put('/api/tables/clients/layouts/card', { spec });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await api.put('/api/tables/clients/layouts/table', { spec: { columns: [{ field: 'name', width: 5 }] } })).status).toBe(400);
    expect((await api.get('/api/tables/clients/layouts/nope')).status).toBe(404);
    expect((await api.get('/api/tables/clients/layouts/card')).body).toEqual(before);
    const t = await api.put('/api/tables/clients/layouts/table', { spec: { columns: [{ field: 'town', width: 180 }, { field: 'name' }] } });
    expect(t.body.spec.columns).toEqual([{ field: 'town', width: 180 }, { field: 'name' }]);
  });
});

describe('saved views', () => {
  it('creates, lists, renames through field renames, and deletes views', async () => {
    const v = await api.post('/api/tables/clients/views', {
      name: 'Recent',
      filter: { field: 'since', op: 'gte', value: { relative: 'today', offset: -30 } },
      sort: '-since,name',
    });
    expect(v.status, JSON.stringify(v.body)).toBe(201);
    expect((await api.post('/api/tables/clients/views', { name: 'Recent' })).status).toBe(409);
    expect((await api.post('/api/tables/clients/views', { name: 'Bad', filter: { field: 'nope', op: 'eq', value: 1 } })).status).toBe(400);
    expect((await api.post('/api/tables/clients/views', { name: 'Bad', sort: 'nope' })).status).toBe(400);
    await api.patch('/api/tables/clients/fields/since', { key: 'joined' });
    const list = await api.get('/api/tables/clients/views');
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ name: 'Recent', sort: '-joined,name', filter: { field: 'joined', op: 'gte' } });
    const rows = await api.get('/api/tables/clients/records' + q({ filter: list.body.items[0].filter, sort: list.body.items[0].sort }));
    expect(rows.status).toBe(200);
    const renamed = await api.patch(`/api/tables/clients/views/${v.body.id}`, { name: 'Last month' });
    expect(renamed.body.name).toBe('Last month');
    const user = await api.post('/api/users', { email: 'm@example.com', password: 'manager password', name: 'Mia', roles: ['Manager'] });
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    const login = await new Client(server.url).post('/api/auth/login', { email: 'm@example.com', password: 'manager password' });
    const mia = new Client(server.url).as(login.body.token);
    expect((await mia.del(`/api/tables/clients/views/${v.body.id}`)).status).toBe(403);
    expect((await api.del(`/api/tables/clients/views/${v.body.id}`)).status).toBe(204);
    expect((await api.get('/api/tables/clients/views')).body.items).toHaveLength(0);
  });
});

describe('the gate', () => {
  it('hides the layouts and views of a table the user may not read, and formula checks from non-administrators', async () => {
    expect((await api.post('/api/roles', { name: 'Nobody', rules: [] })).status).toBe(201);
    expect(
      (await api.post('/api/users', { email: 'n@example.com', password: 'nobody password', name: 'Ned', roles: ['Nobody'] })).status,
    ).toBe(201);
    const login = await new Client(server.url).post('/api/auth/login', { email: 'n@example.com', password: 'nobody password' });
    const ned = new Client(server.url).as(login.body.token);
    for (const path of ['/api/tables/clients/layouts/card', '/api/tables/clients/layouts/table', '/api/tables/clients/views']) {
      const r = await ned.get(path);
      expect(r.status, path).toBe(404);
      expect(JSON.stringify(r.body)).not.toContain('name');
    }
    expect((await ned.post('/api/tables/clients/views', { name: 'Mine' })).status).toBe(404);
    expect((await ned.post('/api/formula/check', { table: 'clients', expression: 'name' })).status).toBe(403);
  });
});
