/**
 * The generated SQL against a real PostgreSQL server: every operator of every type is
 * valid SQL there, and filters, sorts, keyset pages and search return the right rows.
 * Runs in a throw-away schema `probe_<random>` holding a table named `record` (the list
 * query reads `FROM record r`), dropped afterwards. Skipped when no server answers at
 * TABULA_PG_TEST_URL (default postgres://postgres@127.0.0.1:5432/test).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { getFieldType } from '../registry.js';
import { decodeRecordInput } from '../record-codec.js';
import { ctx, makeTable, TABLE_ID, WORKSPACE_ID } from '../testing/fixtures.js';
import { uuidv7 } from '../uuid.js';
import { compileFilter } from './filter-compiler.js';
import { buildListQuery, type ListOptions, type ListParams } from './list-query.js';
import { SqlBuilder } from './sql-builder.js';

interface Client {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}

const URL = process.env.TABULA_PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function connect(): Promise<Client | undefined> {
  try {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 2000 });
    await client.connect();
    return client as unknown as Client;
  } catch {
    return undefined;
  }
}

const client = await connect();
const table = makeTable();
const schema = `probe_${randomBytes(6).toString('hex')}`;
const opts: ListOptions = { ...ctx, workspaceId: WORKSPACE_ID };

/** name → wire data; each row's id is its name's position in this list, in uuid form */
const ROWS: Record<string, Record<string, unknown>> = {
  b: {
    qty: 5,
    price: '100.00',
    amount: { amount: '100', currency: 'USD' },
    active: true,
    status: 'regular',
    tags: ['vip', 'regular'],
    at: '2026-11-26T21:30:00Z',
    due: '2026-11-26',
  },
  a: {
    qty: 1.5,
    price: '9.99',
    amount: { amount: '100', currency: 'EUR' },
    active: false,
    status: 'vip',
    tags: ['vip'],
    at: '2026-11-26T22:30:00Z',
    email: 'ana@example.com',
  },
  ș: { price: '0.10', tags: [], status: 'gone', notes: 'multi\nline' },
  A: { amount: { amount: '5', currency: 'USD' }, tags: ['regular'], spent: 3600 },
  z: { price: '20', rate: 0.19, due: '2026-10-01' },
  ă: { price: '100.00', active: true, at: '2026-11-25T23:59:59.999Z' },
};
const ids = new Map<string, string>();

async function names(params: ListParams, o: Partial<ListOptions> = {}): Promise<string[]> {
  const q = buildListQuery(table, params, { ...opts, ...o });
  const { rows } = await client!.query(q.text, q.values);
  return rows.slice(0, q.limit).map((r) => (r.data as Record<string, unknown>).f1 as string);
}

describe.skipIf(!client)('generated SQL on PostgreSQL', () => {
  beforeAll(async () => {
    await client!.query(`CREATE SCHEMA ${schema}`);
    await client!.query(`SET search_path TO ${schema}`);
    await client!.query(`CREATE TABLE record (
      workspace_id uuid NOT NULL, table_id uuid NOT NULL, id uuid NOT NULL, data jsonb NOT NULL,
      version int NOT NULL DEFAULT 1, owner_id uuid, created_at timestamptz NOT NULL DEFAULT now(),
      created_by uuid, updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz,
      PRIMARY KEY (workspace_id, table_id, id))`);
    for (const [name, wire] of Object.entries(ROWS)) {
      const data = decodeRecordInput(table, { name, ...wire }, ctx, { mode: 'create' });
      const id = uuidv7();
      ids.set(name, id);
      await client!.query('INSERT INTO record (workspace_id, table_id, id, data) VALUES ($1, $2, $3, $4::jsonb)', [
        WORKSPACE_ID,
        TABLE_ID,
        id,
        JSON.stringify(data),
      ]);
    }
    // a trashed row and a row of another table never show
    await client!.query('INSERT INTO record (workspace_id, table_id, id, data, deleted_at) VALUES ($1, $2, $3, $4, now())', [
      WORKSPACE_ID,
      TABLE_ID,
      uuidv7(),
      '{"f1":"trashed"}',
    ]);
    await client!.query('INSERT INTO record (workspace_id, table_id, id, data) VALUES ($1, $2, $3, $4)', [
      WORKSPACE_ID,
      uuidv7(),
      uuidv7(),
      '{"f1":"other"}',
    ]);
  });

  afterAll(async () => {
    await client!.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client!.end();
  });

  test('every operator of every type is valid SQL', async () => {
    const SAMPLE: Record<string, unknown> = {
      name: 'a',
      notes: 'x',
      qty: 2,
      price: '9.99',
      amount: { amount: '100', currency: 'USD' },
      rate: 0.19,
      active: true,
      due: { relative: 'today' },
      at: '2026-11-26',
      spent: 60,
      status: 'vip',
      tags: ['vip'],
      email: 'ana@example.com',
      phone: '12345',
      site: 'https://example.com',
      assignee: ids.get('a'),
    };
    for (const field of table.fields) {
      for (const op of getFieldType(field.type).operators) {
        const v = SAMPLE[field.key];
        const value =
          op === 'isEmpty' || op === 'isNotEmpty'
            ? undefined
            : op === 'in' || op === 'nin' || op === 'between'
              ? Array.isArray(v)
                ? v
                : [v, v]
              : op === 'contains' || op === 'startsWith'
                ? field.type === 'multiSelect'
                  ? v
                  : 'a'
                : v;
        const sql = new SqlBuilder();
        const where = compileFilter(
          table,
          { field: field.key, op, ...(value === undefined ? {} : { value }) },
          { ...ctx, alias: 'r', sql },
        );
        await expect(
          client!.query(`SELECT count(*) FROM record r WHERE ${where}`, sql.values),
          `${field.key} ${op}`,
        ).resolves.toBeDefined();
      }
    }
  });

  test('text sorts with the ICU root collation: a, A, ă, b, ș, z', async () => {
    expect(await names({ sort: 'name' })).toEqual(['a', 'A', 'ă', 'b', 'ș', 'z']);
    expect(await names({ sort: '-name' })).toEqual(['z', 'ș', 'b', 'ă', 'A', 'a']);
  });

  test('money sorts as numeric: 100.00 after 9.99, empty last both ways', async () => {
    expect((await names({ sort: 'price,name' })).join(' ')).toBe('ș a z ă b A');
    expect((await names({ sort: '-price,name' })).join(' ')).toBe('ă b z a ș A');
  });

  test('keyset pages walk the whole list in order, without repeats', async () => {
    for (const sort of ['-price,name', 'status,-name', 'at', '-qty', 'rate,-id', '-notes,name']) {
      const all = await names({ sort, limit: 100 });
      const seen: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 10; page++) {
        const q = buildListQuery(table, { sort, limit: 2, after }, opts);
        const { rows } = await client!.query(q.text, q.values);
        seen.push(...rows.slice(0, 2).map((r) => (r.data as Record<string, string>).f1!));
        if (rows.length <= 2) break;
        after = q.cursorFrom(rows[1]!);
      }
      expect(seen, sort).toEqual(all);
    }
  });

  test('select sorts by choice order, empty last', async () => {
    expect(await names({ sort: 'status,name' })).toEqual(['a', 'b', 'ș', 'A', 'ă', 'z']);
  });

  test.each([
    [{ field: 'price', op: 'gt', value: '9.99' }, 'b z ă'],
    [{ field: 'price', op: 'eq', value: { amount: 100, currency: 'EUR' } }, 'b ă'],
    [{ field: 'amount', op: 'eq', value: { amount: '100', currency: 'USD' } }, 'b'],
    [{ field: 'amount', op: 'ne', value: { amount: '100', currency: 'USD' } }, 'a A ă ș z'],
    [{ field: 'amount', op: 'eq', value: '100' }, 'a b'],
    [{ field: 'active', op: 'eq', value: false }, 'a'],
    [{ field: 'active', op: 'isEmpty' }, 'A ș z'],
    [{ field: 'status', op: 'in', value: ['vip', 'gone'] }, 'a ș'],
    [{ field: 'status', op: 'ne', value: 'vip' }, 'A ă b ș z'],
    [{ field: 'tags', op: 'contains', value: 'regular' }, 'A b'],
    [{ field: 'tags', op: 'contains', value: ['vip', 'regular'] }, 'b'],
    [{ field: 'tags', op: 'in', value: ['vip', 'regular'] }, 'a A b'],
    [{ field: 'tags', op: 'nin', value: ['vip'] }, 'A ă ș z'],
    [{ field: 'tags', op: 'eq', value: ['regular', 'vip'] }, 'b'],
    [{ field: 'tags', op: 'eq', value: ['vip'] }, 'a'],
    [{ field: 'tags', op: 'ne', value: ['vip'] }, 'A ă b ș z'],
    [{ field: 'tags', op: 'isEmpty' }, 'ă ș z'],
    [{ field: 'tags', op: 'isNotEmpty' }, 'a A b'],
    [{ field: 'at', op: 'eq', value: '2026-11-26' }, 'a b'],
    [{ field: 'at', op: 'lt', value: { relative: 'today' } }, 'ă'],
    [{ field: 'at', op: 'gte', value: '2026-11-26T22:00:00+00:00' }, 'a'],
    [{ field: 'due', op: 'between', value: [{ relative: 'startOfMonth', offset: -1, unit: 'month' }, '2026-10-31'] }, 'z'],
    [{ field: 'qty', op: 'lte', value: 1.5 }, 'a'],
    [{ field: 'notes', op: 'contains', value: 'LINE' }, 'ș'],
    [{ field: 'name', op: 'in', value: ['ă', 'A'] }, 'A ă'],
    [{ not: { field: 'price', op: 'isNotEmpty' } }, 'A'],
    [{ field: 'owner', op: 'nin', value: [WORKSPACE_ID] }, 'a A ă b ș z'],
  ])('%j', async (filter, want) => {
    expect((await names({ filter, sort: 'name' })).join(' ')).toBe(want.split(' ').sort(byIcu).join(' '));
  });

  test('a day in a date-time filter follows the workspace time zone', async () => {
    // 22:30Z on the 26th is already the 27th in Bucharest (UTC+2)
    expect(await names({ filter: { field: 'at', op: 'eq', value: '2026-11-26' }, sort: 'name' }, { timeZone: 'Europe/Bucharest' })).toEqual(
      ['ă', 'b'],
    );
  });

  test('quick search, scope and count', async () => {
    expect(await names({ q: 'Ș' })).toEqual(['ș']);
    const q = buildListQuery(
      table,
      { filter: { field: 'price', op: 'isNotEmpty' } },
      { ...opts, scope: { field: 'active', op: 'eq', value: true } },
    );
    const { rows } = await client!.query(q.countText, q.countValues);
    expect(rows[0]!.n).toBe(2);
  });
});

function byIcu(a: string, b: string): number {
  return new Intl.Collator('und').compare(a, b);
}
