/**
 * Property: for random records (with many ties and empty values) and a random sort of one to
 * three keys in any direction mix (with or without an explicit `id`/`-id`), the generated
 * ORDER BY gives the order of an in-memory sort with the documented rules (empties last in
 * both directions, `id` as the final tie-breaker in the first key's direction unless given),
 * and walking the list page by page with `nextCursor` returns exactly that order, without
 * repeats or gaps. Runs on an in-process PGlite, and on the PostgreSQL server too when one
 * answers at TABULA_PG_TEST_URL (default postgres://postgres@127.0.0.1:5432/test).
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeRecordInput } from '../record-codec.js';
import { ctx, makeTable, TABLE_ID, WORKSPACE_ID } from '../testing/fixtures.js';
import { uuidv7 } from '../uuid.js';
import { buildListQuery, type ListOptions } from './list-query.js';

interface Backend {
  name: string;
  query(text: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

const table = makeTable();
const opts: ListOptions = { ...ctx, workspaceId: WORKSPACE_ID };
const DDL = `CREATE TABLE record (
  workspace_id uuid NOT NULL, table_id uuid NOT NULL, id uuid NOT NULL, data jsonb NOT NULL DEFAULT '{}',
  version integer NOT NULL DEFAULT 1, owner_id uuid, created_at timestamptz NOT NULL DEFAULT now(), created_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz, PRIMARY KEY (workspace_id, table_id, id))`;

async function pglite(): Promise<Backend> {
  const db = await PGlite.create('memory://');
  await db.exec(DDL);
  return { name: 'pglite', query: async (t, v) => (await db.query<Record<string, unknown>>(t, v)).rows, close: () => db.close() };
}

async function server(): Promise<Backend | undefined> {
  try {
    const pg = (await import('pg')).default;
    const client = new pg.Client({
      connectionString: process.env.TABULA_PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
      connectionTimeoutMillis: 2000,
    });
    await client.connect();
    const schema = `keyset_${randomBytes(6).toString('hex')}`;
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path TO ${schema}`);
    await client.query(DDL);
    return {
      name: 'postgres',
      query: async (t, v) => (await client.query(t, v)).rows,
      close: async () => {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      },
    };
  } catch {
    return undefined;
  }
}

// ---- generators: small domains, so that ties and empties are common ----------------------

const recordArb = fc.record({
  name: fc.constantFrom('a', 'A', 'ab', 'b', undefined),
  qty: fc.constantFrom(-2, 0, 1.5, 10, undefined),
  price: fc.constantFrom('0.10', '9.99', '100.00', undefined),
  due: fc.constantFrom('2026-01-01', '2026-02-01', undefined),
  active: fc.constantFrom(true, false, undefined),
  status: fc.constantFrom('vip', 'regular', 'gone', undefined),
  version: fc.constantFrom(1, 2, 3),
});
type Rec = { id: string } & (typeof recordArb extends fc.Arbitrary<infer R> ? R : never);

const KEYS = ['name', 'qty', 'price', 'due', 'active', 'status', 'version'] as const;
const sortArb = fc
  .tuple(
    fc.uniqueArray(fc.record({ key: fc.constantFrom(...KEYS), desc: fc.boolean() }), {
      minLength: 1,
      maxLength: 3,
      selector: (k) => k.key,
    }),
    fc.constantFrom(undefined, 'id', '-id'),
    fc.nat(3),
  )
  .map(([keys, id, at]) => {
    const parts = keys.map((k) => (k.desc ? '-' : '') + k.key);
    if (id) parts.splice(Math.min(at, parts.length), 0, id);
    return parts.join(',');
  });

// ---- the documented order, in memory ----------------------------------------------------

const collator = new Intl.Collator('und');
const CHOICE_ORDER = ['vip', 'regular', 'gone'];

function compareValues(key: (typeof KEYS)[number], a: unknown, b: unknown): number {
  switch (key) {
    case 'name':
      return collator.compare(a as string, b as string);
    case 'qty':
    case 'version':
      return (a as number) - (b as number);
    case 'price':
      return Number(a) - Number(b);
    case 'due':
      return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
    case 'active':
      return Number(a) - Number(b);
    case 'status':
      return CHOICE_ORDER.indexOf(a as string) - CHOICE_ORDER.indexOf(b as string);
  }
}

function expectedOrder(rows: Rec[], sort: string): string[] {
  const keys: { key: string; desc: boolean }[] = [];
  for (const part of sort.split(',')) {
    const desc = part.startsWith('-');
    const key = desc ? part.slice(1) : part;
    keys.push({ key, desc });
    if (key === 'id') break;
  }
  if (keys[keys.length - 1]!.key !== 'id') keys.push({ key: 'id', desc: keys[0]!.desc });
  const cmp = (x: Rec, y: Rec): number => {
    for (const { key, desc } of keys) {
      const a = (x as Record<string, unknown>)[key];
      const b = (y as Record<string, unknown>)[key];
      if (a === undefined && b === undefined) continue;
      if (a === undefined) return 1; // empties last, both directions
      if (b === undefined) return -1;
      const c =
        key === 'id'
          ? (a as string) < (b as string)
            ? -1
            : (a as string) > (b as string)
              ? 1
              : 0
          : compareValues(key as (typeof KEYS)[number], a, b);
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  };
  return [...rows].sort(cmp).map((r) => r.id);
}

// ---- the property -----------------------------------------------------------------------

const backends: Backend[] = [];

beforeAll(async () => {
  backends.push(await pglite());
  const s = await server();
  if (s) backends.push(s);
}, 60_000);

afterAll(async () => {
  for (const b of backends) await b.close();
});

async function load(db: Backend, rows: Rec[]): Promise<void> {
  await db.query('DELETE FROM record');
  for (const r of rows) {
    const wire = Object.fromEntries(Object.entries(r).filter(([k, v]) => k !== 'id' && k !== 'version' && v !== undefined));
    const data = decodeRecordInput(table, wire, ctx, { mode: 'create' });
    await db.query('INSERT INTO record (workspace_id, table_id, id, data, version) VALUES ($1, $2, $3, $4::jsonb, $5)', [
      WORKSPACE_ID,
      TABLE_ID,
      r.id,
      JSON.stringify(data),
      r.version,
    ]);
  }
}

async function walk(db: Backend, sort: string, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let after: string | undefined;
  for (let page = 0; page < 100; page++) {
    const q = buildListQuery(table, { sort, limit, after }, opts);
    const rows = await db.query(q.text, q.values);
    const items = rows.slice(0, limit);
    seen.push(...items.map((r) => r.id as string));
    if (rows.length <= limit) return seen;
    after = q.cursorFrom(items[items.length - 1]!);
  }
  throw new Error('did not end');
}

describe('keyset paging against an in-memory sort', () => {
  test('every direction mix, with ties and empties', async () => {
    for (const db of backends) {
      await fc.assert(
        fc.asyncProperty(
          fc.array(recordArb, { minLength: 0, maxLength: 14 }),
          sortArb,
          fc.integer({ min: 1, max: 4 }),
          async (recs, sort, limit) => {
            const rows: Rec[] = recs.map((r) => ({ ...r, id: uuidv7() }));
            await load(db, rows);
            const want = expectedOrder(rows, sort);
            const q = buildListQuery(table, { sort, limit: 100 }, opts);
            const all = (await db.query(q.text, q.values)).map((r) => r.id as string);
            expect(all, `${db.name} ORDER BY for ${sort}`).toEqual(want);
            expect(await walk(db, sort, limit), `${db.name} pages of ${limit} for ${sort}`).toEqual(want);
          },
        ),
        { numRuns: 120 },
      );
    }
  }, 120_000);
});
