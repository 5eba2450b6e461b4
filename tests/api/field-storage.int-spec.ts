/**
 * What a field type's storage hooks ask of the API (FieldTypeDef.afterCreate, companions,
 * onRemove), over HTTP: a new link gets its inverse on the target table; removing it takes
 * the inverse and the link rows, and is refused while a field reads it through the inverse;
 * an autonumber added to a table numbers the records it already holds, in creation order.
 * And how formulas see the hard types (the registry's formulaType): an autonumber is text,
 * attachments are no value to aggregate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, setupAdmin, startTabula, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let api: Client;

async function ok<T = any>(p: Promise<{ status: number; body: T }>): Promise<T> {
  const r = await p;
  if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function waitJob(id: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const r = await api.get(`/api/jobs/${id}`);
    if (r.body.state === 'done') return;
    if (r.body.state === 'failed') throw new Error(`job failed: ${JSON.stringify(r.body)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('job did not finish');
}

const fieldsOf = async (table: string): Promise<any[]> => (await ok(api.get(`/api/tables/${table}`))).fields;

beforeAll(async () => {
  server = await startTabula();
  api = await setupAdmin(server.url);
  await ok(api.post('/api/tables', { key: 'clients', label: 'Clients', fields: [{ key: 'name', label: 'Name', type: 'text' }] }));
  await ok(
    api.post('/api/tables', {
      key: 'orders',
      label: 'Orders',
      fields: [
        { key: 'title', label: 'Title', type: 'text' },
        { key: 'files', label: 'Files', type: 'attachment' },
      ],
    }),
  );
});

afterAll(async () => {
  await server?.close();
});

describe('link pairing', () => {
  it('creates the inverse, and removing the link takes the inverse and its rows', async () => {
    const link = await ok(
      api.post('/api/tables/orders/fields', {
        key: 'client',
        label: 'Client',
        type: 'link',
        options: { table: 'clients', multiple: false, inverseKey: 'orders' },
      }),
    );
    const inverse = (await fieldsOf('clients')).find((f) => f.key === 'orders');
    expect(inverse).toMatchObject({ type: 'link', options: { side: 'inverse', pair: link.id, multiple: true } });
    expect(link.options).toMatchObject({ side: 'primary', pair: inverse.id });

    const c = await ok(api.post('/api/tables/clients/records', { data: { name: 'Ana' } }));
    const o = await ok(api.post('/api/tables/orders/records', { data: { title: 'First', client: [c.id] } }));
    expect((await ok(api.get(`/api/tables/clients/records/${c.id}`))).data.orders).toEqual([o.id]);

    // a field that reads through the inverse holds the pair in place
    await ok(
      api.post('/api/tables/clients/fields', {
        key: 'n',
        label: 'Orders',
        type: 'rollup',
        options: { link: 'orders', aggregate: 'count' },
      }),
    );
    const held = await api.del('/api/tables/orders/fields/client');
    expect(held.status).toBe(409);
    expect(held.body.error.details.dependants).toEqual(['clients.n']);
    await ok(api.del('/api/tables/clients/fields/n'));

    await ok(api.del('/api/tables/orders/fields/client'));
    expect((await fieldsOf('clients')).map((f) => f.key)).toEqual(['name']);
    const [rows] = await server.tabula.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM record_link WHERE field_id = $1`, [link.id]);
    expect(rows!.n).toBe(0);
  });
});

describe('autonumber', () => {
  it('numbers the records a table already holds when the field is added, in creation order', async () => {
    for (const title of ['a', 'b', 'c']) await ok(api.post('/api/tables/orders/records', { data: { title } }));
    await ok(api.post('/api/tables/orders/fields', { key: 'no', label: 'No', type: 'autonumber', options: { format: 'N-{000}' } }));
    const list = await ok(api.get('/api/tables/orders/records?sort=no'));
    expect(list.items.map((r: any) => [r.data.title, r.data.no])).toEqual([
      ['First', 'N-001'],
      ['a', 'N-002'],
      ['b', 'N-003'],
      ['c', 'N-004'],
    ]);
  });

  it('is text to a formula: arithmetic on it is refused when saved, text functions read it', async () => {
    const bad = await api.post('/api/tables/orders/fields', {
      key: 'twice',
      label: 'Twice',
      type: 'formula',
      options: { expression: 'no * 2' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('FORMULA_ERROR');
    expect(bad.body.error.message).toMatch(/text is not a number/);
    const f = await ok(
      api.post('/api/tables/orders/fields', {
        key: 'seq',
        label: 'Seq',
        type: 'formula',
        options: { expression: 'VALUE(RIGHT(no, 3)) * 10' },
      }),
    );
    expect(f.options.resultType).toBe('number');
    await waitJob(f.job);
    const list = await ok(api.get('/api/tables/orders/records?sort=no'));
    expect(list.items.map((r: any) => r.data.seq)).toEqual([10, 20, 30, 40]);
  });
});

describe('attachments through a link', () => {
  it('are no value to order: a min or max rollup over them is refused', async () => {
    await ok(
      api.post('/api/tables/orders/fields', {
        key: 'client',
        label: 'Client',
        type: 'link',
        options: { table: 'clients', multiple: false, inverseKey: 'orders' },
      }),
    );
    const r = await api.post('/api/tables/clients/fields', {
      key: 'first_file',
      label: 'First file',
      type: 'rollup',
      options: { link: 'orders', field: 'files', aggregate: 'min' },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.details.options).toMatchObject({ code: 'INVALID_OPTION', option: 'field' });
    await ok(
      api.post('/api/tables/clients/fields', { key: 'files', label: 'Files', type: 'lookup', options: { link: 'orders', field: 'files' } }),
    );
  });
});
