/**
 * A table read by computed fields of other tables cannot be deleted from under them
 * (issue 12, item 6: the configuration always round-trips). Before, deleting the products
 * table left a line's lookup of the price and a formula over it pointing at nothing: the
 * fields vanished from the table's answer, and `PUT /api/config` of `GET /api/config`
 * failed. Now the delete is refused with the dependants, like a field's delete, and once
 * they are gone it goes through and the document round-trips. PGlite by default,
 * PostgreSQL with DATABASE_URL.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setupAdmin, startTabula, type Client, type Res, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let admin: Client;

async function ok(p: Promise<Res>, status: number): Promise<Res> {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r;
}

beforeAll(async () => {
  server = await startTabula();
  admin = await setupAdmin(server.url);
  await ok(
    admin.post('/api/tables', {
      key: 'products',
      label: 'Products',
      primaryField: 'name',
      fields: [
        { key: 'name', label: 'Name', type: 'text' },
        { key: 'price', label: 'Price', type: 'number' },
      ],
    }),
    201,
  );
  await ok(
    admin.post('/api/tables', {
      key: 'lines',
      label: 'Lines',
      primaryField: 'n',
      fields: [
        { key: 'n', label: 'N', type: 'text' },
        {
          key: 'product',
          label: 'Product',
          type: 'link',
          options: { table: 'products', multiple: false, inverseKey: 'lines', inverseLabel: 'Lines' },
        },
      ],
    }),
    201,
  );
  await ok(
    admin.post('/api/tables/lines/fields', { key: 'price', label: 'Price', type: 'lookup', options: { link: 'product', field: 'price' } }),
    201,
  );
  await ok(
    admin.post('/api/tables/lines/fields', { key: 'double', label: 'Double', type: 'formula', options: { expression: 'price * 2' } }),
    201,
  );
  const p = await ok(admin.post('/api/tables/products/records', { data: { name: 'A', price: 5 } }), 201);
  await ok(admin.post('/api/tables/lines/records', { data: { n: 'l1', product: [p.body.id] } }), 201);
});

afterAll(async () => {
  await server?.close();
});

it('refuses to delete a table other tables read through lookups, and changes nothing', async () => {
  const before = (await ok(admin.get('/api/config'), 200)).body;
  const r = await admin.del('/api/tables/products');
  expect(r.status, JSON.stringify(r.body)).toBe(409);
  expect(r.body.error.code).toBe('CONFLICT');
  expect(r.body.error.details.dependants).toContain('lines.price');
  expect((await ok(admin.get('/api/tables/lines'), 200)).body.fields.map((f: { key: string }) => f.key)).toEqual([
    'n',
    'product',
    'price',
    'double',
  ]);
  expect((await ok(admin.get('/api/config'), 200)).body).toEqual(before);
  expect((await ok(admin.get('/api/tables/lines/records'), 200)).body.items[0].data.double).toBe(10);
});

it('once its readers are gone the table goes, its links with it, and the configuration round-trips', async () => {
  await ok(admin.del('/api/tables/lines/fields/double'), 204);
  await ok(admin.del('/api/tables/lines/fields/price'), 204);
  await ok(admin.del('/api/tables/products'), 204);
  expect((await ok(admin.get('/api/tables/lines'), 200)).body.fields.map((f: { key: string }) => f.key)).toEqual(['n']);
  const doc = (await ok(admin.get('/api/config'), 200)).body;
  await ok(admin.put('/api/config', doc), 200);
});
